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
// are both monotone, so an earlier `now` is stricter. `Gcra` reads the clock
// after loading the state, and again before it rejects a request whose state
// another thread changed meanwhile, so contention never turns into a reject
// that a fresh clock would have allowed (see go#71360).

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
      d.remaining = base - now_ns < tau_ns_ ? Units(now_ns + tau_ns_ - base) : 0;
      d.reset_after_ns = base - now_ns;
      d.retry_after_ns = Decision::kNever;
      return d;
    }
    const int64_t next = base + cost * t_ns_;
    const int64_t ahead = next - now_ns;
    if (ahead > tau_ns_) {
      d.reason = Reason::kLimited;
      d.remaining = base - now_ns < tau_ns_ ? Units(now_ns + tau_ns_ - base) : 0;
      d.reset_after_ns = base - now_ns;
      d.retry_after_ns = ahead - tau_ns_;
      return d;
    }
    *new_tat = next;
    d.allowed = true;
    d.reason = Reason::kAllowed;
    d.remaining = Units(tau_ns_ - ahead);
    d.reset_after_ns = ahead;
    return d;
  }

  // The Policy contract (decision.h).
  Decision Apply(State* state, int64_t now_ns, int64_t cost = 1) const {
    return Decide(state->tat, now_ns, cost, &state->tat);
  }

  // `Apply` in two steps, for callers that hold a lock around the state:
  // `Take` updates the state and returns what `Explain` needs to build the
  // same Decision afterwards, outside the lock (its arithmetic then no longer
  // delays the unlock). `Explain(Take(&s, now, cost))` equals
  // `Apply(&s, now, cost)` and leaves `s` in the same state.
  struct Taken {
    int64_t tat;  // the state before
    int64_t now_ns;
    int64_t cost;
    Reason reason;
  };
  Taken Take(State* state, int64_t now_ns, int64_t cost = 1) const {
    Taken taken{state->tat, now_ns, cost, Reason::kCostExceedsLimit};
    const int64_t now = ratelimit_internal::ClampNow(now_ns);
    const int64_t base = state->tat > now ? state->tat : now;
    const int64_t units = cost < 0 ? 0 : cost;
    if (units <= burst_) {
      const int64_t next = base + units * t_ns_;
      if (next - now <= tau_ns_) {
        state->tat = next;
        taken.reason = Reason::kAllowed;
      } else {
        taken.reason = Reason::kLimited;
      }
    }
    return taken;
  }
  Decision Explain(const Taken& taken) const {
    int64_t ignored = 0;
    return Decide(taken.tat, taken.now_ns, taken.cost, &ignored);
  }

  Decision Apply(State* state, absl::Time now, int64_t cost = 1) const {
    return Apply(state, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& state, int64_t now_ns) const { return state.tat <= now_ns; }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  GcraPolicy(int64_t limit, absl::Duration period, int64_t burst, int64_t t)
      : limit_(limit),
        burst_(burst),
        period_(period),
        t_ns_(t),
        tau_ns_(burst * t),
        inverse_t_(burst < (int64_t{1} << 50) ? 1.0 / static_cast<double>(t) : 0.0) {}

  // floor(ns / T) for 0 <= ns <= tau (so the quotient is at most `burst`).
  // A 64-bit division costs as much as the rest of a decision; for bursts
  // below 2^50 a multiplication by 1/T is within one of the quotient (the
  // double product's error is below 0.4 there) and one step corrects it.
  int64_t Units(int64_t ns) const {
    if (inverse_t_ == 0.0) return ns / t_ns_;
    int64_t q = static_cast<int64_t>(static_cast<double>(ns) * inverse_t_);
    if (q * t_ns_ > ns) {
      --q;
    } else if ((q + 1) * t_ns_ <= ns) {
      ++q;
    }
    return q;
  }

  int64_t limit_;
  int64_t burst_;
  absl::Duration period_;
  int64_t t_ns_;
  int64_t tau_ns_;
  double inverse_t_;  // 1/T, or 0 when the burst is too large for it
};

// One GCRA-limited key. Thread-safe and lock-free: the state is one
// std::atomic<int64_t>; `TryAcquire` is a CAS loop that reads the clock after
// loading the state (and again before rejecting after a lost race). A reject
// writes nothing.
class Gcra {
 public:
  explicit Gcra(const GcraPolicy& policy, Clock& clock = RealClock::Get())
      : policy_(policy), clock_(&clock) {}
  Gcra(const Gcra&) = delete;
  Gcra& operator=(const Gcra&) = delete;

  // Takes `cost` units now (as read from the clock).
  Decision TryAcquire(int64_t cost = 1) { return Run(nullptr, cost); }

  // Takes `cost` units at an explicit `now` (no clock read). A `now` older than
  // one already used is safe: it can only be stricter.
  Decision TryAcquire(absl::Time now, int64_t cost = 1) {
    return TryAcquireAtNanos(ratelimit_internal::ToNanos(now), cost);
  }
  Decision TryAcquireAtNanos(int64_t now_ns, int64_t cost = 1) { return Run(&now_ns, cost); }

  // The current verdict for a request of `cost`, without taking anything.
  Decision Peek(int64_t cost = 1) {
    int64_t ignored = 0;
    return policy_.Decide(tat_.load(std::memory_order_acquire),
                          ratelimit_internal::ToNanos(clock_->MonotonicNow()), cost, &ignored);
  }

  const GcraPolicy& policy() const { return policy_; }

 private:
  // The CAS loop. Only the cheap transition (`Take`) sits between the load and
  // the compare-and-swap; the Decision is built after. When the swap loses to
  // another thread, the new state is decided again at the same `now`: a
  // `now` older than the winner's can only be stricter, so an allowed verdict
  // stands, and only a rejection reads the clock again (then it is final).
  Decision Run(const int64_t* now_in, int64_t cost) {
    int64_t tat = tat_.load(std::memory_order_acquire);
    int64_t now = now_in != nullptr ? *now_in : ReadClock();
    bool fresh = true;  // `now` was read after `tat` was loaded
    for (;;) {
      GcraState state{tat};
      const GcraPolicy::Taken taken = policy_.Take(&state, now, cost);
      if (taken.reason != Reason::kAllowed) {
        if (fresh || now_in != nullptr) return policy_.Explain(taken);
        now = ReadClock();
        fresh = true;
        continue;
      }
      if (state.tat == tat || tat_.compare_exchange_weak(tat, state.tat, std::memory_order_acq_rel,
                                                         std::memory_order_acquire)) {
        return policy_.Explain(taken);
      }
      fresh = false;  // `tat` now holds the winner's state
    }
  }
  int64_t ReadClock() const { return ratelimit_internal::ToNanos(clock_->MonotonicNow()); }

  const GcraPolicy policy_;
  Clock* const clock_;
  std::atomic<int64_t> tat_{GcraState::kFresh};
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_GCRA_H_
