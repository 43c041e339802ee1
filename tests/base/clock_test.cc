// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::base: Clock, FakeClock and Mutex/CondVar.
#include "edgekit/base/clock.h"
#include "edgekit/base/mutex.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

TEST_CASE("FakeClock moves only when told and monotonic time never goes back", "[base]") {
  edgekit::testing::FakeClock clock(absl::FromUnixSeconds(1000));
  CHECK(clock.SystemNow() == absl::FromUnixSeconds(1000));
  CHECK(clock.MonotonicNow() == absl::FromUnixSeconds(1000));
  clock.Advance(absl::Seconds(5));
  CHECK(clock.SystemNow() == absl::FromUnixSeconds(1005));
  CHECK(clock.MonotonicNow() == absl::FromUnixSeconds(1005));
  clock.Advance(absl::Seconds(-3));
  CHECK(clock.SystemNow() == absl::FromUnixSeconds(1002));
  CHECK(clock.MonotonicNow() == absl::FromUnixSeconds(1005));
  clock.SetSystem(absl::FromUnixSeconds(1010));
  CHECK(clock.MonotonicNow() == absl::FromUnixSeconds(1013));
}

TEST_CASE("RealClock's monotonic time does not decrease", "[base]") {
  edgekit::Clock& clock = edgekit::RealClock::Get();
  absl::Time prev = clock.MonotonicNow();
  for (int i = 0; i < 1000; ++i) {
    const absl::Time t = clock.MonotonicNow();
    REQUIRE(t >= prev);
    prev = t;
  }
}

TEST_CASE("CondVar wait with timeout reports the timeout", "[base]") {
  edgekit::Mutex mu;
  edgekit::CondVar cv;
  edgekit::MutexLock lock(&mu);
  CHECK(cv.WaitWithTimeout(&mu, absl::ZeroDuration()));
}
