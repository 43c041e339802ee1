// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/gcra.h.
#include "edgekit/ratelimit/gcra.h"

#include <cstdint>
#include <random>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "ratelimit/model_comparison.h"
#include "ratelimit/policy_properties.h"
#include "ratelimit/reference_model.h"

namespace rl = edgekit::ratelimit;

TEST_CASE("GcraPolicy::Create validates its arguments", "[ratelimit]") {
  CHECK(rl::GcraPolicy::Create(0, absl::Seconds(1)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::GcraPolicy::Create(10, absl::ZeroDuration()).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::GcraPolicy::Create(10, absl::Seconds(1), -1).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::GcraPolicy::Create(10, absl::Hours(24 * 365 * 100)).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::GcraPolicy::Create(1, absl::Hours(24 * 365), int64_t{1} << 40).status().code() ==
        absl::StatusCode::kInvalidArgument);
  auto p = rl::GcraPolicy::Create(100, absl::Minutes(1));
  REQUIRE(p.ok());
  CHECK(p->burst() == 100);
  CHECK(p->emission_interval() == absl::Milliseconds(600));
}

TEST_CASE("Gcra allows a burst then one request per emission interval", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(100, absl::Minutes(1));
  REQUIRE(p.ok());
  rl::Gcra limiter(*p, clock);
  for (int i = 0; i < 100; ++i) {
    const rl::Decision d = limiter.TryAcquire();
    REQUIRE(d.allowed);
    CHECK(d.remaining == 99 - i);
    CHECK(d.limit == 100);
  }
  rl::Decision d = limiter.TryAcquire();
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == rl::Reason::kLimited);
  CHECK(d.retry_after() == absl::Milliseconds(600));
  CHECK(d.RetryAfterSeconds() == 1);
  CHECK(d.reset_after() == absl::Minutes(1));
  CHECK(d.remaining == 0);
  clock.Advance(absl::Milliseconds(599));
  CHECK_FALSE(limiter.TryAcquire().allowed);
  clock.Advance(absl::Milliseconds(1));
  d = limiter.TryAcquire();
  CHECK(d.allowed);
  CHECK(d.remaining == 0);
  clock.Advance(absl::Minutes(1));
  d = limiter.Peek();
  CHECK(d.allowed);
  CHECK(d.remaining == 99);  // Peek reports as if it took one
  CHECK(limiter.TryAcquire(100).allowed);
}

TEST_CASE("Gcra rejects a cost larger than the burst forever", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(10, absl::Seconds(1), 5);
  REQUIRE(p.ok());
  rl::Gcra limiter(*p, clock);
  const rl::Decision d = limiter.TryAcquire(6);
  CHECK_FALSE(d.allowed);
  CHECK(d.reason == rl::Reason::kCostExceedsLimit);
  CHECK(d.retry_after() == absl::InfiniteDuration());
  CHECK(rl::ToString(d.reason) == "cost_exceeds_limit");
  CHECK(limiter.TryAcquire(5).allowed);
  CHECK(limiter.TryAcquire(0).allowed);  // cost 0 is a probe
}

TEST_CASE("Gcra matches the exact token-bucket reference on random traces", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int64_t burst = 1 + static_cast<int64_t>(seed * 3);
    const int64_t period_ns = 1000000000;  // limit 10/s: T = 100 ms exactly
    auto p = rl::GcraPolicy::Create(10, absl::Nanoseconds(period_ns), burst);
    REQUIRE(p.ok());
    std::mt19937_64 rng(seed);
    const int64_t start = int64_t{1700000000} * 1000000000;
    const auto times = ratelimit_test::BurstyTrace(rng, start, 1500, 50000000, 3000000000);
    ratelimit_test::TokenBucketModel model(burst, 1, 100000000, start);
    const ratelimit_test::TraceComparison r =
        ratelimit_test::CompareWithModel(*p, model, rng, times, 3);
    INFO("seed " << seed);
    CHECK(r.mismatches == 0);
    CHECK(r.allowed > 100);
    CHECK(r.allowed < 1500);
  }
}

TEST_CASE("GcraPolicy passes the generic policy properties", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(7, absl::Seconds(3), 4);
  REQUIRE(p.ok());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ratelimit_test::CheckPolicyProperties(*p, seed, 300000000, 5000000000, 3);
  }
}

TEST_CASE("Gcra with an explicit now never lets an older now take more", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(2, absl::Seconds(2));
  REQUIRE(p.ok());
  edgekit::testing::FakeClock clock;
  rl::Gcra limiter(*p, clock);
  const absl::Time t0 = clock.MonotonicNow();
  CHECK(limiter.TryAcquire(t0 + absl::Seconds(10)).allowed);
  CHECK(limiter.TryAcquire(t0 + absl::Seconds(10)).allowed);
  // A caller that read the clock long ago comes late: nothing more.
  CHECK_FALSE(limiter.TryAcquire(t0).allowed);
  CHECK_FALSE(limiter.TryAcquire(t0 + absl::Seconds(9)).allowed);
  CHECK(limiter.TryAcquire(t0 + absl::Seconds(11)).allowed);
}

TEST_CASE("GCRA's remaining units are the exact quotient for any interval and burst",
          "[ratelimit]") {
  // remaining = floor((tau - ahead) / T); the policy computes it without a
  // division for bursts below 2^50. Compare with the division on random and
  // boundary values, including the largest bursts either way.
  std::mt19937_64 rng(99);
  const int64_t periods_ns[] = {1, 3, 7, 1000, 999999937, int64_t{1} << 40};
  for (int64_t period_ns : periods_ns) {
    for (int64_t burst : {int64_t{1}, int64_t{3}, int64_t{1000}, (int64_t{1} << 50) - 1,
                          int64_t{1} << 50, int64_t{1} << 55}) {
      auto p = rl::GcraPolicy::Create(1, absl::Nanoseconds(period_ns), burst);
      if (!p.ok()) continue;  // burst * T beyond the supported span
      const int64_t t = period_ns;
      const int64_t tau = burst * t;
      for (int i = 0; i < 2000; ++i) {
        // A state `ahead` ns in the future (0 <= ahead <= tau), cost 0.
        int64_t ahead = static_cast<int64_t>(rng() % static_cast<uint64_t>(tau + 1));
        if (i < 4) ahead = i < 2 ? i : tau - (i - 2);
        const int64_t now = int64_t{1} << 40;
        int64_t ignored = 0;
        const rl::Decision d = p->Decide(now + ahead, now, 0, &ignored);
        INFO("T=" << t << " burst=" << burst << " ahead=" << ahead);
        REQUIRE(d.allowed);
        CHECK(d.remaining == (tau - ahead) / t);
      }
    }
  }
}

TEST_CASE("GcraPolicy::Take then Explain equals Apply", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(5, absl::Seconds(1), 3);
  REQUIRE(p.ok());
  std::mt19937_64 rng(5);
  rl::GcraState a, b;
  int64_t now = int64_t{1} << 40;
  for (int i = 0; i < 5000; ++i) {
    now += static_cast<int64_t>(rng() % 400000000);
    const int64_t cost = static_cast<int64_t>(rng() % 6) - 1;  // -1 .. 4 (4 > burst)
    const rl::Decision da = p->Apply(&a, now, cost);
    const auto taken = p->Take(&b, now, cost);
    const rl::Decision db = p->Explain(taken);
    REQUIRE(a.tat == b.tat);
    CHECK(da.allowed == db.allowed);
    CHECK(da.reason == db.reason);
    CHECK(taken.reason == da.reason);
    CHECK(da.remaining == db.remaining);
    CHECK(da.reset_after_ns == db.reset_after_ns);
    CHECK(da.retry_after_ns == db.retry_after_ns);
  }
}
