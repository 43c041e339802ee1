// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: gcra.h
// -----------------------------------------------------------------------------
// GCRA, the generic cell rate algorithm (virtual scheduling form): `limit`
// units per `period` with bursts of up to `burst` units. Its whole state is one
// 64-bit "theoretical arrival time" (TAT), so the single-key `Gcra` is a
// lock-free compare-and-swap loop on one atomic.
//
//   emission interval T = period / limit (rounded up to the nanosecond, so a
//                          rounding error can only make it stricter)
//   tolerance        tau = burst * T
//   request of cost n at now:  tat' = max(tat, now) + n*T
//                              allowed iff tat' - now <= tau
//
// Provides `GcraPolicy` (validated config + pure transition, the Policy
// contract of decision.h) and `Gcra` (thread-safe single-key limiter).
//
// Example:
//
//   auto policy = edgekit::ratelimit::GcraPolicy::Create(100, absl::Minutes(1));
//   if (!policy.ok()) return policy.status();
//   edgekit::ratelimit::Gcra limiter(*policy);   // RealClock
//   if (!limiter.TryAcquire().allowed) { /* 429 */ }
//
// A stale `now` never grants more: max(tat, now) and the test tat' - now <= tau
// are both monotone, so an earlier `now` is stricter. `Gcra` still reads the
// clock inside its CAS loop (after loading the state; again on every retry),
// see go#71360.

#ifndef EDGEKIT_RATELIMIT_GCRA_H_
#define EDGEKIT_RATELIMIT_GCRA_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

// The GCRA state: the theoretical arrival time in nanoseconds on the clock's
// epoch. The value-initialized state (kFresh) is a full key.
struct GcraState {
  static constexpr int64_t kFresh = std::numeric_limits<int64_t>::min();
  int64_t tat = kFresh;
};

// Validated GCRA configuration and its pure transition. Immutable; thread-safe.
class GcraPolicy {
 public:
  using State = GcraState;

  // `limit` units per `period`, bursts up to `burst` units (0: burst = limit).
  // Errors: kInvalidArgument if limit <= 0, burst < 0, period <= 0, or
  // burst * (period / limit) exceeds ~18 years.
  static absl::StatusOr<GcraPolicy> Create(int64_t limit, absl::Duration period,
                                           int64_t burst = 0) {
    if (limit <= 0) return absl::InvalidArgumentError("gcra: limit must be > 0");
    if (burst < 0) return absl::InvalidArgumentError("gcra: burst must be >= 0");
    if (period <= absl::ZeroDuration() ||
        period > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("gcra: period must be in (0, 18 years]");
    }
    if (burst == 0) burst = limit;
    const int64_t period_ns = absl::ToInt64Nanoseconds(period);
    const int64_t t = ratelimit_internal::CeilDiv(period_ns, limit);
    if (t == 0 || burst > ratelimit_internal::kMaxSpanNs / t) {
      return absl::InvalidArgumentError("gcra: burst * period / limit is too large");
    }
    return GcraPolicy(limit, period, burst, t);
  }

  int64_t limit() const { return limit_; }
  int64_t burst() const { return burst_; }
  absl::Duration window() const { return period_; }
  absl::Duration emission_interval() const { return absl::Nanoseconds(t_ns_); }

  // The transition on a raw TAT: returns the decision and, if allowed, the new
  // TAT in `*new_tat` (untouched on reject). Pure.
  Decision Decide(int64_t tat, int64_t now_ns, int64_t cost, int64_t* new_tat) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    Decision d;
    d.limit = burst_;
    const int64_t base = tat > now_ns ? tat : now_ns;
    if (cost < 0) cost = 0;
    if (cost > burst_) {
      d.reason = Reason::kCostExceedsLimit;
      d.remaining = base - now_ns < tau_ns_ ? (now_ns + tau_ns_ - base) / t_ns_ : 0;
      d.reset_after_ns = base - now_ns;
      d.retry_after_ns = Decision::kNever;
      return d;
    }
    const int64_t next = base + cost * t_ns_;
    const int64_t ahead = next - now_ns;
    if (ahead > tau_ns_) {
      d.reason = Reason::kLimited;
      d.remaining = base - now_ns < tau_ns_ ? (now_ns + tau_ns_ - base) / t_ns_ : 0;
      d.reset_after_ns = base - now_ns;
      d.retry_after_ns = ahead - tau_ns_;
      return d;
    }
    *new_tat = next;
    d.allowed = true;
    d.reason = Reason::kAllowed;
    d.remaining = (tau_ns_ - ahead) / t_ns_;
    d.reset_after_ns = ahead;
    return d;
  }

  // The Policy contract (decision.h).
  Decision Apply(State* state, int64_t now_ns, int64_t cost = 1) const {
    return Decide(state->tat, now_ns, cost, &state->tat);
  }
  Decision Apply(State* state, absl::Time now, int64_t cost = 1) const {
    return Apply(state, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& state, int64_t now_ns) const { return state.tat <= now_ns; }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  GcraPolicy(int64_t limit, absl::Duration period, int64_t burst, int64_t t)
      : limit_(limit), burst_(burst), period_(period), t_ns_(t), tau_ns_(burst * t) {}

  int64_t limit_;
  int64_t burst_;
  absl::Duration period_;
  int64_t t_ns_;
  int64_t tau_ns_;
};

// One GCRA-limited key. Thread-safe and lock-free: the state is one
// std::atomic<int64_t>; `TryAcquire` is a CAS loop that reads the clock after
// loading the state and again on every retry. A reject writes nothing.
class Gcra {
 public:
  explicit Gcra(const GcraPolicy& policy, Clock& clock = RealClock::Get())
      : policy_(policy), clock_(&clock) {}
  Gcra(const Gcra&) = delete;
  Gcra& operator=(const Gcra&) = delete;

  // Takes `cost` units now (as read from the clock).
  Decision TryAcquire(int64_t cost = 1) {
    int64_t tat = tat_.load(std::memory_order_acquire);
    for (;;) {
      const int64_t now = ratelimit_internal::ToNanos(clock_->MonotonicNow());
      int64_t next = tat;
      const Decision d = policy_.Decide(tat, now, cost, &next);
      if (!d.allowed || next == tat) return d;
      if (tat_.compare_exchange_weak(tat, next, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
        return d;
      }
    }
  }

  // Takes `cost` units at an explicit `now` (no clock read). A `now` older than
  // one already used is safe: it can only be stricter.
  Decision TryAcquire(absl::Time now, int64_t cost = 1) {
    return TryAcquireAtNanos(ratelimit_internal::ToNanos(now), cost);
  }
  Decision TryAcquireAtNanos(int64_t now_ns, int64_t cost = 1) {
    int64_t tat = tat_.load(std::memory_order_acquire);
    for (;;) {
      int64_t next = tat;
      const Decision d = policy_.Decide(tat, now_ns, cost, &next);
      if (!d.allowed || next == tat) return d;
      if (tat_.compare_exchange_weak(tat, next, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
        return d;
      }
    }
  }

  // The current verdict for a request of `cost`, without taking anything.
  Decision Peek(int64_t cost = 1) {
    int64_t ignored = 0;
    return policy_.Decide(tat_.load(std::memory_order_acquire),
                          ratelimit_internal::ToNanos(clock_->MonotonicNow()), cost, &ignored);
  }

  const GcraPolicy& policy() const { return policy_; }

 private:
  const GcraPolicy policy_;
  Clock* const clock_;
  std::atomic<int64_t> tat_{GcraState::kFresh};
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_GCRA_H_
