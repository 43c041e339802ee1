// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: quota_carryover.h
// -----------------------------------------------------------------------------
// A period quota with carryover: `quota` units per period (periods aligned to
// multiples of `period` on the clock's epoch); what a key leaves unused in a
// period rolls forward and stays usable for up to `carry_periods` later
// periods, with at most `carry_cap` units carried in total. Requests spend the
// oldest carried units first (they expire first), then the period's quota.
//
//   quota 100/day, carry_periods 3, carry_cap 150: a key that used 20 on
//   Monday may use 100 + 80 on Tuesday; unused Monday units expire after
//   Thursday; no more than 150 carried units at any time.
//
// A new key has no carry (it had no earlier periods). When a later period
// starts, the carried units are trimmed newest-first to respect `carry_cap`.
//
// Provides `QuotaCarryoverPolicy` (pure transition, Policy contract of
// decision.h) and `QuotaWithCarryover` (thread-safe single key, mutex).
//
// Example:
//
//   auto policy = edgekit::ratelimit::QuotaCarryoverPolicy::Create(
//       100, absl::Hours(24), /*carry_periods=*/3, /*carry_cap=*/150);
//   edgekit::ratelimit::QuotaWithCarryover quota(*policy);
//
// Idle and eviction: a key is idle when it has used nothing in the current
// period. Forgetting it then drops its carried units, so a returning evicted
// key gets the plain quota: never more than it would have had (possibly less).
// A stale `now` from an earlier period is counted in the latest period seen.

#ifndef EDGEKIT_RATELIMIT_QUOTA_CARRYOVER_H_
#define EDGEKIT_RATELIMIT_QUOTA_CARRYOVER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"
#include "edgekit/ratelimit/single_key_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

struct QuotaCarryoverState {
  static constexpr int kMaxCarryPeriods = 8;
  int64_t period_plus1 = 0;  // current period number + 1; 0: never used
  int64_t used = 0;          // units of this period's quota spent
  // carry[i]: units left over from period (current - 1 - i), usable now.
  int64_t carry[kMaxCarryPeriods] = {};
};

// Validated quota-with-carryover configuration and its pure transition.
// Immutable; thread-safe.
class QuotaCarryoverPolicy {
 public:
  using State = QuotaCarryoverState;

  // `carry_cap` < 0 means carry_periods * quota. Errors: kInvalidArgument
  // unless 0 < quota <= 2^40, 0 < period <= ~18 years and
  // 0 <= carry_periods <= 8.
  static absl::StatusOr<QuotaCarryoverPolicy> Create(int64_t quota, absl::Duration period,
                                                     int carry_periods, int64_t carry_cap = -1) {
    if (quota <= 0 || quota > (int64_t{1} << 40)) {
      return absl::InvalidArgumentError("quota carryover: quota must be in (0, 2^40]");
    }
    if (period <= absl::ZeroDuration() ||
        period > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("quota carryover: period must be in (0, 18 years]");
    }
    if (carry_periods < 0 || carry_periods > State::kMaxCarryPeriods) {
      return absl::InvalidArgumentError("quota carryover: carry_periods must be in [0, 8]");
    }
    const int64_t most = quota * carry_periods;
    if (carry_cap < 0 || carry_cap > most) carry_cap = most;
    return QuotaCarryoverPolicy(quota, absl::ToInt64Nanoseconds(period), carry_periods, carry_cap);
  }

  int64_t limit() const { return quota_; }
  absl::Duration window() const { return absl::Nanoseconds(p_); }
  int carry_periods() const { return n_; }
  int64_t carry_cap() const { return cap_; }

  Decision Apply(State* s, int64_t now_ns, int64_t cost = 1) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    Roll(s, now_ns / p_);
    const int64_t period_end = s->period_plus1 * p_;  // (period + 1) * p
    Decision d;
    d.limit = quota_;
    if (cost < 0) cost = 0;
    const int64_t available = Available(*s);
    if (cost > quota_ + cap_) {
      d.reason = Reason::kCostExceedsLimit;
      d.retry_after_ns = Decision::kNever;
    } else if (cost > available) {
      d.reason = Reason::kLimited;
      d.retry_after_ns = RetryAfter(*s, cost) - now_ns;
    } else {
      Spend(s, cost);
      d.allowed = true;
      d.reason = Reason::kAllowed;
    }
    d.remaining = Available(*s);
    d.reset_after_ns = s->used > 0 ? period_end - now_ns : 0;
    return d;
  }
  Decision Apply(State* s, absl::Time now, int64_t cost = 1) const {
    return Apply(s, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& s, int64_t now_ns) const {
    return s.used == 0 || now_ns / p_ + 1 > s.period_plus1;
  }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  QuotaCarryoverPolicy(int64_t quota, int64_t p, int n, int64_t cap)
      : quota_(quota), p_(p), n_(n), cap_(cap) {}

  int64_t Available(const State& s) const {
    int64_t a = quota_ - s.used;
    for (int i = 0; i < n_; ++i) a += s.carry[i];
    return a;
  }

  // Moves the state forward to period `period` (no-op for an older one).
  void Roll(State* s, int64_t period) const {
    if (s->period_plus1 == 0) {  // new key: no earlier periods, no carry
      s->period_plus1 = period + 1;
      return;
    }
    const int64_t steps = period + 1 - s->period_plus1;
    if (steps <= 0) return;
    const int64_t iterations = steps > n_ + 1 ? n_ + 1 : steps;
    for (int64_t k = 0; k < iterations; ++k) {
      const int64_t unused = quota_ - s->used;
      for (int i = n_ - 1; i > 0; --i) s->carry[i] = s->carry[i - 1];
      if (n_ > 0) s->carry[0] = unused;
      // Trim newest-first to respect the cap.
      int64_t total = 0;
      for (int i = n_ - 1; i >= 0; --i) {
        if (total + s->carry[i] > cap_) s->carry[i] = cap_ - total;
        total += s->carry[i];
      }
      s->used = 0;
    }
    s->period_plus1 = period + 1;
  }

  void Spend(State* s, int64_t cost) const {
    for (int i = n_ - 1; i >= 0 && cost > 0; --i) {  // oldest carry first
      const int64_t take = s->carry[i] < cost ? s->carry[i] : cost;
      s->carry[i] -= take;
      cost -= take;
    }
    s->used += cost;
  }

  // The start of the first later period in which `cost` fits (absolute ns).
  int64_t RetryAfter(const State& s, int64_t cost) const {
    State next = s;
    for (int64_t k = 1; k <= n_ + 1; ++k) {
      Roll(&next, s.period_plus1 - 1 + k);
      if (Available(next) >= cost) return (s.period_plus1 - 1 + k) * p_;
    }
    return (s.period_plus1 + n_ + 1) * p_;  // unreachable: cost <= quota + cap
  }

  int64_t quota_;
  int64_t p_;
  int n_;
  int64_t cap_;
};

// One quota-with-carryover key. Thread-safe (mutex; clock read under it).
using QuotaWithCarryover = SingleKeyLimiter<QuotaCarryoverPolicy>;

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_QUOTA_CARRYOVER_H_
