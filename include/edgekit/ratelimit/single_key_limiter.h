// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: single_key_limiter.h
// -----------------------------------------------------------------------------
// `SingleKeyLimiter<Policy>`: one key's state under an `edgekit::Mutex`, for
// any algorithm that follows the Policy contract of decision.h. The clock is
// read after the lock is taken, so a caller that waited for the lock decides
// with a fresh `now` (go#71360). `FixedWindow`, `SlidingWindowCounter`,
// `SlidingWindowLog` and `QuotaWithCarryover` are aliases of it; `Gcra` has its
// own lock-free class (gcra.h) and `TokenBucket` uses one or the other
// (token_bucket.h).
//
// Example:
//
//   auto policy = edgekit::ratelimit::FixedWindowPolicy::Create(100, absl::Minutes(1));
//   edgekit::ratelimit::SingleKeyLimiter<edgekit::ratelimit::FixedWindowPolicy> limiter(
//       *policy, clock);
//   edgekit::ratelimit::Decision d = limiter.TryAcquire(/*cost=*/3);
//
// Thread-safety: thread-safe.

#ifndef EDGEKIT_RATELIMIT_SINGLE_KEY_LIMITER_H_
#define EDGEKIT_RATELIMIT_SINGLE_KEY_LIMITER_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

template <typename Policy>
class SingleKeyLimiter {
 public:
  using State = typename Policy::State;

  explicit SingleKeyLimiter(const Policy& policy, Clock& clock = RealClock::Get())
      : policy_(policy), clock_(&clock) {}
  SingleKeyLimiter(const SingleKeyLimiter&) = delete;
  SingleKeyLimiter& operator=(const SingleKeyLimiter&) = delete;

  // Takes `cost` units at the clock's current monotonic time.
  Decision TryAcquire(int64_t cost = 1) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return policy_.Apply(&state_, ratelimit_internal::ToNanos(clock_->MonotonicNow()), cost);
  }

  // Takes `cost` units at an explicit `now` (monotonic time line).
  Decision TryAcquire(absl::Time now, int64_t cost = 1) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return policy_.Apply(&state_, ratelimit_internal::ToNanos(now), cost);
  }

  // The verdict a request of `cost` would get now, without taking anything.
  Decision Peek(int64_t cost = 1) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    State copy = state_;
    return policy_.Apply(&copy, ratelimit_internal::ToNanos(clock_->MonotonicNow()), cost);
  }

  const Policy& policy() const { return policy_; }

 private:
  const Policy policy_;
  Clock* const clock_;
  Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_){};
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_SINGLE_KEY_LIMITER_H_
