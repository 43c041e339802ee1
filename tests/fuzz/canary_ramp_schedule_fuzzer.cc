// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for edgekit::canary::ParseRampSchedule: any input either parses
// into a schedule that ValidateRampSchedule accepts, or is rejected with
// kInvalidArgument; never a crash, hang or unbounded allocation. A parsed
// schedule must also drive a RampController.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edgekit/canary/ramp.h"
#include "edgekit/testing/fake_clock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  const auto stages = edgekit::canary::ParseRampSchedule(spec);
  if (!stages.ok()) {
    if (stages.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (!edgekit::canary::ValidateRampSchedule(*stages).ok()) std::abort();
  if (stages->size() > edgekit::canary::kMaxRampStages) std::abort();
  const absl::Time start = absl::FromUnixSeconds(1700000000);
  edgekit::testing::FakeClock clock(start);
  auto ramp = edgekit::canary::RampController::Create(*stages, {}, clock);
  if (!ramp.ok()) std::abort();
  const edgekit::canary::ArmSample stable{100000, 100, {}};
  const edgekit::canary::ArmSample canary{10000, 10, {}};
  absl::Time now = start;
  uint32_t last = (*ramp)->percent_bp();
  for (size_t i = 0; i <= stages->size(); ++i) {
    now += (*stages)[i < stages->size() ? i : stages->size() - 1].min_duration;
    const auto step = (*ramp)->Step(now, stable, canary);
    if (step.percent_bp < last) std::abort();  // a healthy ramp only goes up
    last = step.percent_bp;
  }
  if ((*ramp)->state() != edgekit::canary::RampState::kComplete) std::abort();
  return 0;
}
