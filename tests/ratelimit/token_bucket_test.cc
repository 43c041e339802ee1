// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/token_bucket.h.
#include "edgekit/ratelimit/token_bucket.h"

#include <cstdint>
#include <random>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "ratelimit/model_comparison.h"
#include "ratelimit/policy_properties.h"
#include "ratelimit/reference_model.h"

namespace rl = edgekit::ratelimit;

TEST_CASE("TokenBucketPolicy::Create validates its arguments", "[ratelimit]") {
  const auto bad = absl::StatusCode::kInvalidArgument;
  CHECK(rl::TokenBucketPolicy::Create(0, 1, absl::Seconds(1)).status().code() == bad);
  CHECK(rl::TokenBucketPolicy::Create(5, 0, absl::Seconds(1)).status().code() == bad);
  CHECK(rl::TokenBucketPolicy::Create(5, 1, absl::ZeroDuration()).status().code() == bad);
  CHECK(rl::TokenBucketPolicy::Create(5, int64_t{1} << 31, absl::Seconds(1)).status().code() ==
        bad);
  CHECK(rl::TokenBucketPolicy::Create(int64_t{1} << 40, 1, absl::Hours(1)).status().code() == bad);
  CHECK(rl::TokenBucketPolicy::Create(50, 10, absl::Seconds(1)).ok());
}

TEST_CASE("TokenBucket with capacity 50 at 10/s allows a burst of 50, then 10/s", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::TokenBucketPolicy::Create(50, 10, absl::Seconds(1));
  REQUIRE(p.ok());
  rl::TokenBucket bucket(*p, clock);
  int burst = 0;
  while (bucket.TryAcquire().allowed) ++burst;
  CHECK(burst == 50);
  // Over the next 10 seconds, polled every 10 ms: exactly 10 per second.
  int allowed = 0;
  for (int step = 1; step <= 1000; ++step) {
    clock.Advance(absl::Milliseconds(10));
    while (bucket.TryAcquire().allowed) ++allowed;
    if (step % 100 == 0) CHECK(allowed == step / 10);
  }
  CHECK(allowed == 100);
}

TEST_CASE("TokenBucket decisions carry remaining, reset and retry times", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::TokenBucketPolicy::Create(5, 1, absl::Seconds(2));  // 0.5 token/s
  REQUIRE(p.ok());
  rl::TokenBucket bucket(*p, clock);
  rl::Decision d = bucket.TryAcquire(3);
  CHECK(d.allowed);
  CHECK(d.limit == 5);
  CHECK(d.remaining == 2);
  CHECK(d.reset_after() == absl::Seconds(6));
  d = bucket.TryAcquire(4);
  CHECK_FALSE(d.allowed);
  CHECK(d.remaining == 2);
  CHECK(d.retry_after() == absl::Seconds(4));
  d = bucket.TryAcquire(6);
  CHECK(d.reason == rl::Reason::kCostExceedsLimit);
  clock.Advance(absl::Seconds(4));
  CHECK(bucket.Peek(4).allowed);
  CHECK(bucket.TryAcquire(4).allowed);
  CHECK(bucket.TryAcquire(clock.MonotonicNow() + absl::Seconds(2), 1).allowed);
}

TEST_CASE("TokenBucket matches the exact reference on random traces", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int64_t capacity = static_cast<int64_t>(2 + seed * 2);
    const int64_t refill = 3;  // 3 per second: not a whole number of ns per token
    auto p = rl::TokenBucketPolicy::Create(capacity, refill, absl::Seconds(1));
    REQUIRE(p.ok());
    std::mt19937_64 rng(seed * 77);
    const int64_t start = int64_t{1700000000} * 1000000000;
    const auto times = ratelimit_test::BurstyTrace(rng, start, 1500, 200000000, 4000000000);
    ratelimit_test::TokenBucketModel model(capacity, refill, 1000000000, start);
    const ratelimit_test::TraceComparison r =
        ratelimit_test::CompareWithModel(*p, model, rng, times, 3);
    INFO("seed " << seed);
    CHECK(r.mismatches == 0);
    CHECK(r.allowed > 100);
    CHECK(r.allowed < 1500);
  }
}

TEST_CASE("TokenBucketPolicy passes the generic policy properties", "[ratelimit]") {
  auto p = rl::TokenBucketPolicy::Create(6, 7, absl::Seconds(3));
  REQUIRE(p.ok());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ratelimit_test::CheckPolicyProperties(*p, seed, 300000000, 5000000000, 3);
  }
}

TEST_CASE(
    "TokenBucket runs lock-free when a token is a whole number of ns, and decides as the "
    "pure policy either way",
    "[ratelimit]") {
  auto exact = rl::TokenBucketPolicy::Create(7, 10, absl::Seconds(1));   // 100 ms per token
  auto inexact = rl::TokenBucketPolicy::Create(7, 3, absl::Seconds(1));  // 333.3 ms per token
  REQUIRE(exact.ok());
  REQUIRE(inexact.ok());
  for (const rl::TokenBucketPolicy* p : {&*exact, &*inexact}) {
    edgekit::testing::FakeClock clock;
    rl::TokenBucket bucket(*p, clock);
    CHECK(bucket.lock_free() == (p == &*exact));
    rl::TokenBucketState state;
    std::mt19937_64 rng(5);
    int mismatches = 0;
    for (int i = 0; i < 3000; ++i) {
      clock.Advance(absl::Milliseconds(static_cast<int64_t>(rng() % 150)));
      const int64_t cost = static_cast<int64_t>(rng() % 4);
      const rl::Decision a = bucket.TryAcquire(cost);
      const rl::Decision b = p->Apply(&state, clock.MonotonicNow(), cost);
      if (a.allowed != b.allowed || a.remaining != b.remaining || a.limit != b.limit ||
          a.reset_after_ns != b.reset_after_ns || a.retry_after_ns != b.retry_after_ns ||
          a.reason != b.reason) {
        ++mismatches;
      }
    }
    INFO("lock_free " << bucket.lock_free());
    CHECK(mismatches == 0);
  }
}
