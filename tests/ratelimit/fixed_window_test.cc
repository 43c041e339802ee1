// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/fixed_window.h, including the boundary problem
// and the sliding windows preventing it.
#include "edgekit/ratelimit/fixed_window.h"

#include <cstdint>
#include <random>

#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "ratelimit/model_comparison.h"
#include "ratelimit/policy_properties.h"
#include "ratelimit/reference_model.h"

namespace rl = edgekit::ratelimit;

TEST_CASE("FixedWindowPolicy::Create validates its arguments", "[ratelimit]") {
  const auto bad = absl::StatusCode::kInvalidArgument;
  CHECK(rl::FixedWindowPolicy::Create(0, absl::Seconds(1)).status().code() == bad);
  CHECK(rl::FixedWindowPolicy::Create(1, absl::ZeroDuration()).status().code() == bad);
  CHECK(rl::FixedWindowPolicy::Create(int64_t{1} << 41, absl::Seconds(1)).status().code() == bad);
}

TEST_CASE("FixedWindow counts per aligned window and resets at the boundary", "[ratelimit]") {
  auto p = rl::FixedWindowPolicy::Create(3, absl::Seconds(10));
  REQUIRE(p.ok());
  edgekit::testing::FakeClock clock(absl::FromUnixSeconds(1000));  // a window start
  rl::FixedWindow limiter(*p, clock);
  clock.Advance(absl::Seconds(4));
  CHECK(limiter.TryAcquire(2).allowed);
  rl::Decision d = limiter.TryAcquire();
  CHECK(d.allowed);
  CHECK(d.remaining == 0);
  CHECK(d.reset_after() == absl::Seconds(6));
  d = limiter.TryAcquire();
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after() == absl::Seconds(6));
  clock.Advance(absl::Seconds(6));
  d = limiter.TryAcquire();
  CHECK(d.allowed);
  CHECK(d.remaining == 2);
}

TEST_CASE(
    "The fixed-window boundary problem: 200 allowed within 2 s at 100/min, sliding windows "
    "prevent it",
    "[ratelimit]") {
  const absl::Duration minute = absl::Minutes(1);
  auto fixed = rl::FixedWindowPolicy::Create(100, minute);
  auto log = rl::SlidingWindowLogPolicy::Create(100, minute);
  auto counter = rl::SlidingWindowCounterPolicy::Create(100, minute);
  REQUIRE(fixed.ok());
  REQUIRE(log.ok());
  REQUIRE(counter.ok());
  const absl::Time boundary = absl::FromUnixSeconds(60 * 28333334);  // a minute boundary
  rl::FixedWindowState fs;
  rl::SlidingWindowLogState ls;
  rl::SlidingWindowCounterState cs;
  int fixed_allowed = 0, log_allowed = 0, counter_allowed = 0;
  // 100 requests in the second before the boundary, 100 in the second after.
  for (int i = 0; i < 200; ++i) {
    const absl::Time t = boundary - absl::Seconds(1) + absl::Milliseconds(10 * i);
    fixed_allowed += fixed->Apply(&fs, t).allowed;
    log_allowed += log->Apply(&ls, t).allowed;
    counter_allowed += counter->Apply(&cs, t).allowed;
  }
  CHECK(fixed_allowed == 200);  // the boundary problem: 2x the limit within 2 s
  CHECK(log_allowed == 100);    // exact sliding window: never more than 100 in any minute
  // The weighted estimate catches it too: the previous window's 100 decay by
  // 100/60 per second, so by 0.99 s past the boundary exactly one more fits.
  CHECK(counter_allowed == 101);
}

TEST_CASE("FixedWindow matches the reference on random traces", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto p = rl::FixedWindowPolicy::Create(10, absl::Seconds(2));
    REQUIRE(p.ok());
    std::mt19937_64 rng(seed);
    const auto times = ratelimit_test::BurstyTrace(rng, int64_t{1700000000} * 1000000000, 1500,
                                                   100000000, 3000000000);
    ratelimit_test::FixedWindowModel model(10, 2000000000);
    CHECK(ratelimit_test::CompareWithModel(*p, model, rng, times, 2).mismatches == 0);
  }
}

TEST_CASE("FixedWindowPolicy passes the generic policy properties", "[ratelimit]") {
  auto p = rl::FixedWindowPolicy::Create(5, absl::Seconds(2));
  REQUIRE(p.ok());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ratelimit_test::CheckPolicyProperties(*p, seed, 200000000, 3000000000, 2);
  }
}
