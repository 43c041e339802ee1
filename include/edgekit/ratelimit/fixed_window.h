// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: fixed_window.h
// -----------------------------------------------------------------------------
// Fixed window: at most `limit` units per window of length `window`; windows
// are aligned to multiples of `window` on the clock's epoch and the count
// resets at each boundary. Cheap and simple, with the known boundary problem:
// a client can spend `limit` just before a boundary and `limit` again just
// after it, i.e. 2x the limit within a short span. Use `SlidingWindowLog`
// (exact) or `SlidingWindowCounter` (approximate) to prevent it.
//
// Provides `FixedWindowPolicy` (pure transition, Policy contract of
// decision.h) and `FixedWindow` (thread-safe single key, mutex-guarded).
//
// Example:
//
//   auto policy = edgekit::ratelimit::FixedWindowPolicy::Create(100, absl::Minutes(1));
//   edgekit::ratelimit::FixedWindow limiter(*policy);
//   edgekit::ratelimit::Decision d = limiter.TryAcquire();
//
// A stale `now` from an earlier window is counted in the latest window seen.

#ifndef EDGEKIT_RATELIMIT_FIXED_WINDOW_H_
#define EDGEKIT_RATELIMIT_FIXED_WINDOW_H_

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

struct FixedWindowState {
  int64_t index = 0;  // window number: now / window
  int64_t count = 0;  // units taken in that window
};

// Validated fixed-window configuration and its pure transition. Immutable;
// thread-safe.
class FixedWindowPolicy {
 public:
  using State = FixedWindowState;

  // Errors: kInvalidArgument unless 0 < limit <= 2^40 and
  // 0 < window <= ~18 years.
  static absl::StatusOr<FixedWindowPolicy> Create(int64_t limit, absl::Duration window) {
    if (limit <= 0 || limit > (int64_t{1} << 40)) {
      return absl::InvalidArgumentError("fixed window: limit must be in (0, 2^40]");
    }
    if (window <= absl::ZeroDuration() ||
        window > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("fixed window: window must be in (0, 18 years]");
    }
    return FixedWindowPolicy(limit, window);
  }

  int64_t limit() const { return limit_; }
  absl::Duration window() const { return absl::Nanoseconds(window_ns_); }

  Decision Apply(State* s, int64_t now_ns, int64_t cost = 1) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    const int64_t index = now_ns / window_ns_;
    if (index > s->index) {
      s->index = index;
      s->count = 0;
    }
    const int64_t window_end = (s->index + 1) * window_ns_;
    Decision d;
    d.limit = limit_;
    if (cost < 0) cost = 0;
    if (cost > limit_) {
      d.reason = Reason::kCostExceedsLimit;
      d.retry_after_ns = Decision::kNever;
    } else if (s->count + cost > limit_) {
      d.reason = Reason::kLimited;
      d.retry_after_ns = window_end - now_ns;
    } else {
      s->count += cost;
      d.allowed = true;
      d.reason = Reason::kAllowed;
    }
    d.remaining = limit_ - s->count;
    d.reset_after_ns = s->count > 0 ? window_end - now_ns : 0;
    return d;
  }
  Decision Apply(State* s, absl::Time now, int64_t cost = 1) const {
    return Apply(s, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& s, int64_t now_ns) const {
    return s.count == 0 || now_ns / window_ns_ > s.index;
  }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  FixedWindowPolicy(int64_t limit, absl::Duration window)
      : limit_(limit), window_ns_(absl::ToInt64Nanoseconds(window)) {}

  int64_t limit_;
  int64_t window_ns_;
};

// One fixed-window key. Thread-safe (mutex; the clock is read under the lock).
using FixedWindow = SingleKeyLimiter<FixedWindowPolicy>;

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_FIXED_WINDOW_H_
