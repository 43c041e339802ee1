// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: sliding_window_counter.h
// -----------------------------------------------------------------------------
// Sliding window counter: the two-window weighted approximation of a sliding
// window. With windows aligned to multiples of `window`, `e` the time elapsed in
// the current window, a request of cost n is allowed iff
//
//   previous_count * (window - e) / window + current_count + n <= limit
//
// It assumes the previous window's requests were spread evenly, so it can
// both over- and under-admit compared with the exact `SlidingWindowLog` (the
// tests measure the share of differing decisions on a bursty trace). State is
// three integers; arithmetic is exact (128-bit products, no floating point).
//
// Provides `SlidingWindowCounterPolicy` (pure transition, Policy contract of
// decision.h) and `SlidingWindowCounter` (thread-safe single key, mutex).
//
// Example:
//
//   auto policy = edgekit::ratelimit::SlidingWindowCounterPolicy::Create(100, absl::Minutes(1));
//   edgekit::ratelimit::SlidingWindowCounter limiter(*policy);
//
// A stale `now` is treated as the start of the latest window seen, where the
// previous window weighs the most: it can only be stricter.

#ifndef EDGEKIT_RATELIMIT_SLIDING_WINDOW_COUNTER_H_
#define EDGEKIT_RATELIMIT_SLIDING_WINDOW_COUNTER_H_

#include <cstddef>
#include <cstdint>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"
#include "edgekit/ratelimit/single_key_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

struct SlidingWindowCounterState {
  int64_t index = 0;     // current window number: now / window
  int64_t previous = 0;  // units taken in window index - 1
  int64_t current = 0;   // units taken in window index
};

// Validated sliding-window-counter configuration and its pure transition.
// Immutable; thread-safe.
class SlidingWindowCounterPolicy {
 public:
  using State = SlidingWindowCounterState;

  // Errors: kInvalidArgument unless 0 < limit <= 2^40 and
  // 0 < window <= ~18 years.
  static absl::StatusOr<SlidingWindowCounterPolicy> Create(int64_t limit, absl::Duration window) {
    if (limit <= 0 || limit > (int64_t{1} << 40)) {
      return absl::InvalidArgumentError("sliding window counter: limit must be in (0, 2^40]");
    }
    if (window <= absl::ZeroDuration() ||
        window > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("sliding window counter: window must be in (0, 18 years]");
    }
    return SlidingWindowCounterPolicy(limit, absl::ToInt64Nanoseconds(window));
  }

  int64_t limit() const { return limit_; }
  absl::Duration window() const { return absl::Nanoseconds(w_); }

  Decision Apply(State* s, int64_t now_ns, int64_t cost = 1) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    Advance(s, now_ns);
    const int64_t start = s->index * w_;
    const int64_t e = now_ns > start ? now_ns - start : 0;
    // A stale now (before the current window) is decided as the window start.
    const int64_t lag = now_ns < start ? start - now_ns : 0;
    Decision d;
    d.limit = limit_;
    if (cost < 0) cost = 0;
    int64_t remaining = Remaining(*s, e);
    if (cost > limit_) {
      d.reason = Reason::kCostExceedsLimit;
      d.retry_after_ns = Decision::kNever;
    } else if (cost > remaining) {
      d.reason = Reason::kLimited;
      d.retry_after_ns = lag + RetryAfter(*s, e, cost);
    } else {
      s->current += cost;
      remaining -= cost;
      d.allowed = true;
      d.reason = Reason::kAllowed;
    }
    d.remaining = remaining;
    d.reset_after_ns =
        s->current > 0 ? lag + (w_ - e) + w_ : (s->previous > 0 ? lag + (w_ - e) : 0);
    return d;
  }
  Decision Apply(State* s, absl::Time now, int64_t cost = 1) const {
    return Apply(s, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& s, int64_t now_ns) const {
    const int64_t index = now_ns / w_;
    return (s.previous == 0 && s.current == 0) || index >= s.index + 2 ||
           (index == s.index + 1 && s.current == 0);
  }
  size_t HeapBytes(const State&) const { return 0; }

 private:
  SlidingWindowCounterPolicy(int64_t limit, int64_t w) : limit_(limit), w_(w) {}

  void Advance(State* s, int64_t now_ns) const {
    const int64_t index = now_ns / w_;
    if (index <= s->index) return;
    s->previous = index == s->index + 1 ? s->current : 0;
    s->current = 0;
    s->index = index;
  }

  // ceil(previous * (w - e) / w): the previous window's weighted share.
  int64_t Weighted(int64_t previous, int64_t e) const {
    if (previous == 0) return 0;
    const absl::uint128 num =
        absl::uint128(static_cast<uint64_t>(previous)) * static_cast<uint64_t>(w_ - e);
    const absl::uint128 q = num / static_cast<uint64_t>(w_);
    const bool exact = q * static_cast<uint64_t>(w_) == num;
    return static_cast<int64_t>(absl::Uint128Low64(q)) + (exact ? 0 : 1);
  }

  int64_t Remaining(const State& s, int64_t e) const {
    const int64_t r = limit_ - s.current - Weighted(s.previous, e);
    return r > 0 ? r : 0;
  }

  // Smallest e' in [0, w] with ceil(p * (w - e') / w) <= a: e' = w - floor(a*w/p).
  int64_t EarliestElapsed(int64_t p, int64_t a) const {
    if (p == 0) return 0;
    const absl::uint128 q = absl::uint128(static_cast<uint64_t>(a)) * static_cast<uint64_t>(w_) /
                            static_cast<uint64_t>(p);
    const int64_t span = q >= absl::uint128(static_cast<uint64_t>(w_))
                             ? w_
                             : static_cast<int64_t>(absl::Uint128Low64(q));
    return w_ - span;
  }

  int64_t RetryAfter(const State& s, int64_t e, int64_t cost) const {
    if (s.current + cost <= limit_) {
      // Allowed later in this window, once the previous window has decayed.
      const int64_t at = EarliestElapsed(s.previous, limit_ - s.current - cost);
      return at > e ? at - e : 1;
    }
    // Not before the next window, where `current` becomes the previous one.
    return (w_ - e) + EarliestElapsed(s.current, limit_ - cost);
  }

  int64_t limit_;
  int64_t w_;
};

// One sliding-window-counter key. Thread-safe (mutex; clock read under it).
using SlidingWindowCounter = SingleKeyLimiter<SlidingWindowCounterPolicy>;

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_SLIDING_WINDOW_COUNTER_H_
