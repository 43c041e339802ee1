// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: sliding_window_log.h
// -----------------------------------------------------------------------------
// Sliding window log: exact. A request of cost n at `now` is allowed iff the
// units taken in the last `window` (timestamps t with now - t < window) plus n
// are at most `limit`. The state is a ring of at most `limit` timestamps (one
// per unit taken), so memory per key is bounded by 8 * limit bytes; the ring
// grows on demand and is released when the key is idle and evicted.
//
// Provides `SlidingWindowLogPolicy` (pure transition, Policy contract of
// decision.h) and `SlidingWindowLog` (thread-safe single key, mutex).
//
// Example:
//
//   auto policy = edgekit::ratelimit::SlidingWindowLogPolicy::Create(5, absl::Minutes(5));
//   edgekit::ratelimit::SlidingWindowLog limiter(*policy);
//
// A stale `now` is recorded as the newest timestamp already in the log (it
// then lives longer), so it can only be stricter. `limit` is capped at 2^20
// (8 MiB per key); use a counter-based algorithm for larger quotas.

#ifndef EDGEKIT_RATELIMIT_SLIDING_WINDOW_LOG_H_
#define EDGEKIT_RATELIMIT_SLIDING_WINDOW_LOG_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"
#include "edgekit/ratelimit/single_key_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

// A ring of timestamps, oldest at `head`. Value-initialized: empty (full key).
struct SlidingWindowLogState {
  std::vector<int64_t> ring;
  uint32_t head = 0;
  uint32_t count = 0;
};

// Validated sliding-window-log configuration and its pure transition.
// Immutable; thread-safe.
class SlidingWindowLogPolicy {
 public:
  using State = SlidingWindowLogState;
  static constexpr int64_t kMaxLimit = int64_t{1} << 20;

  // Errors: kInvalidArgument unless 0 < limit <= 2^20 and
  // 0 < window <= ~18 years.
  static absl::StatusOr<SlidingWindowLogPolicy> Create(int64_t limit, absl::Duration window) {
    if (limit <= 0 || limit > kMaxLimit) {
      return absl::InvalidArgumentError("sliding window log: limit must be in (0, 2^20]");
    }
    if (window <= absl::ZeroDuration() ||
        window > absl::Nanoseconds(ratelimit_internal::kMaxSpanNs)) {
      return absl::InvalidArgumentError("sliding window log: window must be in (0, 18 years]");
    }
    return SlidingWindowLogPolicy(limit, absl::ToInt64Nanoseconds(window));
  }

  int64_t limit() const { return limit_; }
  absl::Duration window() const { return absl::Nanoseconds(w_); }

  Decision Apply(State* s, int64_t now_ns, int64_t cost = 1) const {
    now_ns = ratelimit_internal::ClampNow(now_ns);
    Expire(s, now_ns);
    Decision d;
    d.limit = limit_;
    if (cost < 0) cost = 0;
    const int64_t count = s->count;
    if (cost > limit_) {
      d.reason = Reason::kCostExceedsLimit;
      d.retry_after_ns = Decision::kNever;
    } else if (count + cost > limit_) {
      // The (count + cost - limit)-th oldest entry must expire first.
      const int64_t k = count + cost - limit_;
      const int64_t t = At(*s, static_cast<size_t>(k - 1));
      d.reason = Reason::kLimited;
      d.retry_after_ns = t + w_ > now_ns ? t + w_ - now_ns : 1;
    } else {
      Push(s, count > 0 && Newest(*s) > now_ns ? Newest(*s) : now_ns, cost);
      d.allowed = true;
      d.reason = Reason::kAllowed;
    }
    d.remaining = limit_ - static_cast<int64_t>(s->count);
    d.reset_after_ns = s->count > 0 && Newest(*s) + w_ > now_ns ? Newest(*s) + w_ - now_ns : 0;
    return d;
  }
  Decision Apply(State* s, absl::Time now, int64_t cost = 1) const {
    return Apply(s, ratelimit_internal::ToNanos(now), cost);
  }
  bool IsIdle(const State& s, int64_t now_ns) const {
    return s.count == 0 || Newest(s) + w_ <= now_ns;
  }
  size_t HeapBytes(const State& s) const { return s.ring.capacity() * sizeof(int64_t); }

 private:
  SlidingWindowLogPolicy(int64_t limit, int64_t w) : limit_(limit), w_(w) {}

  static int64_t At(const State& s, size_t i) { return s.ring[(s.head + i) % s.ring.size()]; }
  static int64_t Newest(const State& s) { return At(s, s.count - 1); }

  void Expire(State* s, int64_t now_ns) const {
    while (s->count > 0 && s->ring[s->head] + w_ <= now_ns) {
      s->head = static_cast<uint32_t>((s->head + 1) % s->ring.size());
      --s->count;
    }
    if (s->count == 0) s->head = 0;
  }

  void Push(State* s, int64_t t, int64_t n) const {
    const size_t need = s->count + static_cast<size_t>(n);
    if (need > s->ring.size()) {
      size_t cap = s->ring.size() < 4 ? 4 : s->ring.size() * 2;
      if (cap < need) cap = need;
      if (cap > static_cast<size_t>(limit_)) cap = static_cast<size_t>(limit_);
      std::vector<int64_t> grown(cap);
      for (size_t i = 0; i < s->count; ++i) grown[i] = At(*s, i);
      s->ring.swap(grown);
      s->head = 0;
    }
    for (int64_t i = 0; i < n; ++i) {
      s->ring[(s->head + s->count) % s->ring.size()] = t;
      ++s->count;
    }
  }

  int64_t limit_;
  int64_t w_;
};

// One sliding-window-log key. Thread-safe (mutex; the clock is read under it).
using SlidingWindowLog = SingleKeyLimiter<SlidingWindowLogPolicy>;

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_SLIDING_WINDOW_LOG_H_
