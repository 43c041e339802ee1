// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::testing alone: FakeClock moves only when told.
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/testing/fake_clock.h"

int main() {
  Checks checks("testing");
  edgekit::testing::FakeClock clock;
  const absl::Time start = clock.MonotonicNow();
  checks.Expect(clock.MonotonicNow() == start, "stands still");
  clock.Advance(absl::Seconds(3));
  checks.Expect(clock.MonotonicNow() - start == absl::Seconds(3), "advances by 3 s");
  return checks.ExitCode();
}
