// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/quota_carryover.h.
#include "edgekit/ratelimit/quota_carryover.h"

#include <cstdint>
#include <random>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "ratelimit/policy_properties.h"

namespace rl = edgekit::ratelimit;

namespace {

// Reference: per-period grants as a FIFO of (period granted, units left).
class CarryModel {
 public:
  CarryModel(int64_t quota, int64_t period, int n, int64_t cap)
      : quota_(quota), p_(period), n_(n), cap_(cap) {}
  bool Decide(int64_t t, int64_t cost) {
    const int64_t k = t / p_;
    if (current_ < 0) current_ = k;
    while (current_ < k) {
      // Leftover of period `current_` becomes a carried grant; grants older
      // than n periods expire; the new grant is trimmed to respect the cap.
      const int64_t left = quota_ - used_;
      const int64_t granted = current_;
      ++current_;
      used_ = 0;
      std::vector<Grant> keep;
      int64_t carried = 0;
      for (const Grant& g : grants_) {
        if (current_ - g.period <= n_ && g.left > 0) {
          keep.push_back(g);
          carried += g.left;
        }
      }
      if (current_ - granted <= n_) {
        keep.push_back({granted, left + carried > cap_ ? cap_ - carried : left});
      }
      grants_ = keep;
    }
    int64_t available = quota_ - used_;
    for (const Grant& g : grants_) available += g.left;
    if (cost > available) return false;
    for (Grant& g : grants_) {  // oldest first
      const int64_t take = g.left < cost ? g.left : cost;
      g.left -= take;
      cost -= take;
    }
    used_ += cost;
    return true;
  }

 private:
  struct Grant {
    int64_t period;
    int64_t left;
  };
  int64_t quota_, p_;
  int n_;
  int64_t cap_;
  int64_t current_ = -1, used_ = 0;
  std::vector<Grant> grants_;
};

}  // namespace

TEST_CASE("QuotaCarryoverPolicy::Create validates its arguments", "[ratelimit]") {
  const auto bad = absl::StatusCode::kInvalidArgument;
  CHECK(rl::QuotaCarryoverPolicy::Create(0, absl::Hours(1), 1).status().code() == bad);
  CHECK(rl::QuotaCarryoverPolicy::Create(10, absl::ZeroDuration(), 1).status().code() == bad);
  CHECK(rl::QuotaCarryoverPolicy::Create(10, absl::Hours(1), 9).status().code() == bad);
  CHECK(rl::QuotaCarryoverPolicy::Create(10, absl::Hours(1), -1).status().code() == bad);
  auto p = rl::QuotaCarryoverPolicy::Create(10, absl::Hours(1), 3);
  REQUIRE(p.ok());
  CHECK(p->carry_cap() == 30);
}

TEST_CASE("Unused quota rolls forward for up to N periods, capped", "[ratelimit]") {
  auto p = rl::QuotaCarryoverPolicy::Create(100, absl::Hours(24), 2, 150);
  REQUIRE(p.ok());
  edgekit::testing::FakeClock clock(absl::FromUnixSeconds(86400 * 20000));  // a day start
  rl::QuotaWithCarryover q(*p, clock);
  // Day 0: use 20 of 100.
  CHECK(q.TryAcquire(20).allowed);
  // Day 1: 100 + 80 carried.
  clock.Advance(absl::Hours(24));
  rl::Decision d = q.TryAcquire(0);
  CHECK(d.remaining == 180);
  CHECK(q.TryAcquire(10).allowed);  // spends carried units first: 70 carried left
  // Day 2: carry 70 (from day 0, last usable day) + 100 (day 1, unused) capped
  // to 150 in total: newest trimmed to 80.
  clock.Advance(absl::Hours(24));
  d = q.TryAcquire(0);
  CHECK(d.remaining == 100 + 150);
  // Day 3: day 0's units have expired; day 1's 80 and day 2's 100 -> capped.
  clock.Advance(absl::Hours(24));
  d = q.TryAcquire(0);
  CHECK(d.remaining == 100 + 150);
  CHECK(q.TryAcquire(250).allowed);
  d = q.TryAcquire(1);
  CHECK_FALSE(d.allowed);
  CHECK(d.retry_after() == absl::Hours(24));  // tomorrow's quota
  CHECK(q.TryAcquire(251).reason == rl::Reason::kCostExceedsLimit);
}

TEST_CASE("QuotaCarryover matches the grant-FIFO reference on random traces", "[ratelimit]") {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const int n = static_cast<int>(seed % 4);
    const int64_t cap = seed == 3 ? 7 : 10 * n;
    auto p = rl::QuotaCarryoverPolicy::Create(10, absl::Seconds(1), n, cap);
    REQUIRE(p.ok());
    CarryModel model(10, 1000000000, n, p->carry_cap());
    std::mt19937_64 rng(seed);
    const auto times = ratelimit_test::BurstyTrace(rng, int64_t{1700000000} * 1000000000, 3000,
                                                   100000000, 4000000000);
    rl::QuotaCarryoverState state;
    int mismatches = 0;
    for (int64_t t : times) {
      const int64_t cost = 1 + static_cast<int64_t>(rng() % 4);
      if (p->Apply(&state, t, cost).allowed != model.Decide(t, cost)) ++mismatches;
    }
    INFO("seed " << seed);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("QuotaCarryoverPolicy passes the generic policy properties", "[ratelimit]") {
  auto p = rl::QuotaCarryoverPolicy::Create(6, absl::Seconds(2), 3, 10);
  REQUIRE(p.ok());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ratelimit_test::CheckPolicyProperties(*p, seed, 300000000, 5000000000, 4,
                                          /*exact_idle=*/false);
  }
}
