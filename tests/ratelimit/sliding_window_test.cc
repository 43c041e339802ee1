// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/sliding_window_log.h and
// edgekit/ratelimit/sliding_window_counter.h.
#include <cstdint>
#include <cstdio>
#include <random>

#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "ratelimit/model_comparison.h"
#include "ratelimit/policy_properties.h"
#include "ratelimit/reference_model.h"

namespace rl = edgekit::ratelimit;

TEST_CASE("SlidingWindowLogPolicy::Create validates and bounds the limit", "[ratelimit]") {
  const auto bad = absl::StatusCode::kInvalidArgument;
  CHECK(rl::SlidingWindowLogPolicy::Create(0, absl::Seconds(1)).status().code() == bad);
  CHECK(rl::SlidingWindowLogPolicy::Create((int64_t{1} << 20) + 1, absl::Seconds(1))
            .status()
            .code() == bad);
  CHECK(rl::SlidingWindowLogPolicy::Create(5, -absl::Seconds(1)).status().code() == bad);
  CHECK(rl::SlidingWindowCounterPolicy::Create(0, absl::Seconds(1)).status().code() == bad);
  CHECK(rl::SlidingWindowCounterPolicy::Create(5, absl::ZeroDuration()).status().code() == bad);
}

TEST_CASE("SlidingWindowLog is exact and its memory is bounded by the limit", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::SlidingWindowLogPolicy::Create(5, absl::Minutes(5));
  REQUIRE(p.ok());
  rl::SlidingWindowLog limiter(*p, clock);
  for (int i = 0; i < 5; ++i) {
    CHECK(limiter.TryAcquire().allowed);
    clock.Advance(absl::Seconds(30));
  }
  // t = 150 s; the first request (t = 0) expires at t = 300 s.
  rl::Decision d = limiter.TryAcquire();
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after() == absl::Seconds(150));
  CHECK(d.reset_after() == absl::Seconds(270));
  clock.Advance(absl::Seconds(150));
  d = limiter.TryAcquire();
  CHECK(d.allowed);
  CHECK(d.remaining == 0);
  CHECK(limiter.TryAcquire(6).reason == rl::Reason::kCostExceedsLimit);

  rl::SlidingWindowLogState s;
  const int64_t t0 = int64_t{1700000000} * 1000000000;
  for (int i = 0; i < 10000; ++i) (void)p->Apply(&s, t0 + i * int64_t{1000000}, 1);
  CHECK(p->HeapBytes(s) <= 5 * sizeof(int64_t));
}

TEST_CASE("SlidingWindowLog matches the exact reference on random traces", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto p = rl::SlidingWindowLogPolicy::Create(12, absl::Seconds(3));
    REQUIRE(p.ok());
    std::mt19937_64 rng(seed);
    const auto times = ratelimit_test::BurstyTrace(rng, int64_t{1700000000} * 1000000000, 1500,
                                                   200000000, 4000000000);
    ratelimit_test::SlidingLogModel model(12, 3000000000);
    CHECK(ratelimit_test::CompareWithModel(*p, model, rng, times, 3).mismatches == 0);
  }
}

TEST_CASE("SlidingWindowCounter matches the weighted-estimate reference", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    auto p = rl::SlidingWindowCounterPolicy::Create(15, absl::Seconds(2));
    REQUIRE(p.ok());
    std::mt19937_64 rng(seed);
    const auto times = ratelimit_test::BurstyTrace(rng, int64_t{1700000000} * 1000000000, 1500,
                                                   100000000, 3000000000);
    ratelimit_test::SlidingCounterModel model(15, 2000000000);
    CHECK(ratelimit_test::CompareWithModel(*p, model, rng, times, 3).mismatches == 0);
  }
}

TEST_CASE("Sliding window policies pass the generic policy properties", "[ratelimit]") {
  auto log = rl::SlidingWindowLogPolicy::Create(6, absl::Seconds(2));
  auto counter = rl::SlidingWindowCounterPolicy::Create(6, absl::Seconds(2));
  REQUIRE(log.ok());
  REQUIRE(counter.ok());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ratelimit_test::CheckPolicyProperties(*log, seed, 200000000, 3000000000, 3);
    ratelimit_test::CheckPolicyProperties(*counter, seed, 200000000, 3000000000, 3);
  }
}

TEST_CASE("SlidingWindowCounter error against the exact log on a bursty trace", "[ratelimit]") {
  // 100 per minute; bursts of traffic separated by quiet spells, so the
  // counter's "evenly spread previous window" assumption is often wrong.
  const int64_t limit = 100;
  auto log = rl::SlidingWindowLogPolicy::Create(limit, absl::Minutes(1));
  auto counter = rl::SlidingWindowCounterPolicy::Create(limit, absl::Minutes(1));
  REQUIRE(log.ok());
  REQUIRE(counter.ok());
  std::mt19937_64 rng(2026);
  const auto times = ratelimit_test::BurstyTrace(rng, int64_t{1700000000} * 1000000000, 200000,
                                                 800000000, 40000000000);
  // Both decide the same request stream, each with its own state (as a host
  // would run one of them); compare decision by decision.
  rl::SlidingWindowLogState ls;
  rl::SlidingWindowCounterState cs;
  int64_t wrong = 0, over = 0, under = 0, log_allowed = 0, counter_allowed = 0;
  for (int64_t t : times) {
    const bool exact = log->Apply(&ls, t).allowed;
    const bool approx = counter->Apply(&cs, t).allowed;
    log_allowed += exact;
    counter_allowed += approx;
    if (exact != approx) {
      ++wrong;
      if (approx) {
        ++over;
      } else {
        ++under;
      }
    }
  }
  const double share = static_cast<double>(wrong) / static_cast<double>(times.size());
  char line[256];
  std::snprintf(line, sizeof(line),
                "sliding window counter vs exact log: %lld of %zu decisions differ (%.2f%%): "
                "%lld over-admitted, %lld under-admitted; allowed %lld (counter) vs %lld (log)",
                static_cast<long long>(wrong), times.size(), 100.0 * share,
                static_cast<long long>(over), static_cast<long long>(under),
                static_cast<long long>(counter_allowed), static_cast<long long>(log_allowed));
  WARN(line);
  std::printf("%s\n", line);
  CHECK(share < 0.10);
  CHECK(wrong > 0);  // the trace is bursty enough to show the approximation
}
