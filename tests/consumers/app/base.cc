// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::base alone: the real clocks and the version macros.
#include <string_view>

#include "consumer.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/string_view.h"
#include "edgekit/version.h"

int main() {
  Checks checks("base");
  edgekit::Clock& clock = edgekit::RealClock::Get();
  const absl::Time a = clock.MonotonicNow();
  const absl::Time b = clock.MonotonicNow();
  checks.Expect(b >= a, "monotonic clock never goes back");
  checks.Expect(clock.SystemNow() > absl::FromUnixSeconds(1700000000), "system clock is Unix time");
  checks.Expect(EDGEKIT_VERSION_MAJOR >= 0 && EDGEKIT_VERSION_MINOR >= 0, "version macros");
  checks.Expect(edgekit::AbslView(std::string_view("edge")).size() == 4, "AbslView");
  return checks.ExitCode();
}
