// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: token_bucket.h
// -----------------------------------------------------------------------------
// Token bucket: a bucket of `capacity` tokens, refilled continuously at
// `refill_tokens` per `refill_period`; a request of cost n takes n tokens or is
// rejected. Capacity 50 at 10/s allows a burst of 50, then 10 per second.
//
// Arithmetic is exact integer fixed point: one token is `refill_period` in
// nanoseconds worth of "units" and every nanosecond adds `refill_tokens` units,
// so there is no rounding drift however the calls are spaced. The state is the
// deficit (units missing from a full bucket) and the time it was last brought
// up to date; a value-initialized state is a full bucket.
//
// Provides `TokenBucketPolicy` (pure transition, Policy contract of
// decision.h) and `TokenBucket` (thread-safe single key: lock-free when the
// refill interval is a whole number of nanoseconds, else mutex-guarded).
//
// Example:
//
//   auto policy = edgekit::ratelimit::TokenBucketPolicy::Create(
//       /*capacity=*/50, /*refill_tokens=*/10, /*refill_period=*/absl::Seconds(1));
//   edgekit::ratelimit::TokenBucket bucket(*policy);
//   if (bucket.TryAcquire(/*cost=*/1).allowed) { ... }
//
// A stale `now` (earlier than the last one seen) refills nothing, so it can
// only be stricter.

#ifndef EDGEKIT_RATELIMIT_TOKEN_BUCKET_H_
#define EDGEKIT_RATELIMIT_TOKEN_BUCKET_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/internal/time_math.h"
#include "edgekit/ratelimit/single_key_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

struct TokenBucketState {
  int64_t deficit = 0;  // units missing from a full bucket
  int64_t last_ns = 0;  // time the deficit was computed for
};

// Validated token-bucket configuration and its pure transition. Immutable;
// thread-safe.
class TokenBucketPolicy {
 public:
  using State = TokenBucketState;

  // Errors: kInvalidArgument unless capacity > 0, 0 < refill_tokens <= 2^30,
  // 0 < refill_period <= ~18 years and capacity * refill_period(ns) <= 2^62.
  static absl::StatusOr<TokenBucketPolicy> Create(int64_t capacity, int64_t refill_tokens,
                                                  absl::Duration refill_period) {
    if (capacity <= 0) return absl::InvalidArgumentError("token bucket: capacity must be > 0");
    if (refill_tokens <= 0 || refill_tokens > (int64_t{1} << 30)) {
      return absl::InvalidArgumentError("token bucket: refill_tokens must be in (0, 2^30]");
    }
    if (refill_period <= absl::ZeroDuration() ||
        refill_period > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("token bucket: refill_period must be in (0, 18 years]");
    }
    const int64_t period_ns = absl::ToInt64Nanoseconds(refill_period);
    if (capacity > (int64_t{1} << 62) / period_ns) {
      return absl::InvalidArgumentError("token bucket: capacity * refill_period is too large");
    }
    return TokenBucketPolicy(capacity, refill_tokens, period_ns);
  }

  int64_t limit() const { return capacity_; }
  int64_t capacity() const { return capacity_; }
  int64_t refill_tokens() const { return refill_tokens_; }
  int64_t refill_period_ns() const { return period_ns_; }
  // The time a full refill takes (used as the window of RateLimit-Policy).
  absl::Duration window() const {
    return absl::Nanoseconds(ratelimit_internal::CeilDiv(cap_units_, refill_tokens_));
  }

  Decision Apply(State* s, int64_t now_ns, int64_t cost = 1) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    Refill(s, now_ns);
    // A stale now (before the last update) sees the refill start at last_ns.
    const int64_t lag = s->last_ns > now_ns ? s->last_ns - now_ns : 0;
    Decision d;
    d.limit = capacity_;
    if (cost < 0) cost = 0;
    if (cost > capacity_) {
      d.reason = Reason::kCostExceedsLimit;
      d.retry_after_ns = Decision::kNever;
    } else {
      const int64_t units = cost * period_ns_;
      const int64_t over = s->deficit + units - cap_units_;
      if (over > 0) {
        d.reason = Reason::kLimited;
        d.retry_after_ns = lag + ratelimit_internal::CeilDiv(over, refill_tokens_);
      } else {
        s->deficit += units;
        d.allowed = true;
        d.reason = Reason::kAllowed;
      }
    }
    d.remaining = (cap_units_ - s->deficit) / period_ns_;
    d.reset_after_ns =
        s->deficit > 0 ? lag + ratelimit_internal::CeilDiv(s->deficit, refill_tokens_) : 0;
    return d;
  }
  Decision Apply(State* s, absl::Time now, int64_t cost = 1) const {
    return Apply(s, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& s, int64_t now_ns) const {
    return s.deficit == 0 ||
           (now_ns > s.last_ns &&
            now_ns - s.last_ns >= ratelimit_internal::CeilDiv(s.deficit, refill_tokens_));
  }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  TokenBucketPolicy(int64_t capacity, int64_t refill_tokens, int64_t period_ns)
      : capacity_(capacity),
        refill_tokens_(refill_tokens),
        period_ns_(period_ns),
        cap_units_(capacity * period_ns) {}

  void Refill(State* s, int64_t now_ns) const {
    if (now_ns <= s->last_ns) return;  // stale or same instant: nothing to add
    const int64_t dt = now_ns - s->last_ns;
    if (s->deficit > 0) {
      if (dt >= ratelimit_internal::CeilDiv(s->deficit, refill_tokens_)) {
        s->deficit = 0;
      } else {
        s->deficit -= dt * refill_tokens_;
      }
    }
    s->last_ns = now_ns;
  }

  int64_t capacity_;
  int64_t refill_tokens_;
  int64_t period_ns_;
  int64_t cap_units_;
};

// One token-bucket key. Thread-safe. When a token's refill time is a whole
// number of nanoseconds (refill_period divisible by refill_tokens, e.g. 10/s,
// 1000/s) and capacity * that fits GCRA's bounds, the bucket is exactly a GCRA
// with burst = capacity and runs lock-free on one atomic (`lock_free()`);
// otherwise (e.g. 3/s) the exact fixed-point state sits under a mutex. Either
// way the clock is read inside the CAS loop / under the lock, and decisions
// equal `TokenBucketPolicy::Apply` for non-decreasing times.
class TokenBucket {
 public:
  explicit TokenBucket(const TokenBucketPolicy& policy, Clock& clock = RealClock::Get())
      : policy_(policy), locked_(policy, clock) {
    const int64_t period_ns = policy.refill_period_ns();
    if (period_ns % policy.refill_tokens() == 0) {
      auto gcra = GcraPolicy::Create(policy.refill_tokens(), absl::Nanoseconds(period_ns),
                                     policy.capacity());
      if (gcra.ok()) atomic_.emplace(*gcra, clock);
    }
  }
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes `cost` tokens at the clock's monotonic time.
  Decision TryAcquire(int64_t cost = 1) {
    return atomic_ ? atomic_->TryAcquire(cost) : locked_.TryAcquire(cost);
  }
  // Takes `cost` tokens at an explicit `now` (monotonic time line).
  Decision TryAcquire(absl::Time now, int64_t cost = 1) {
    return atomic_ ? atomic_->TryAcquire(now, cost) : locked_.TryAcquire(now, cost);
  }
  // The verdict `cost` would get now, taking nothing.
  Decision Peek(int64_t cost = 1) { return atomic_ ? atomic_->Peek(cost) : locked_.Peek(cost); }

  // True when the bucket runs as a lock-free GCRA.
  bool lock_free() const { return atomic_.has_value(); }
  const TokenBucketPolicy& policy() const { return policy_; }

 private:
  const TokenBucketPolicy policy_;
  std::optional<Gcra> atomic_;
  SingleKeyLimiter<TokenBucketPolicy> locked_;  // used when atomic_ is empty
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_TOKEN_BUCKET_H_
