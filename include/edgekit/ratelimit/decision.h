// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: decision.h
// -----------------------------------------------------------------------------
// `edgekit::ratelimit::Decision`: the verdict every rate-limit algorithm returns
// (allowed, limit, remaining, reset-after, retry-after), its `Reason`, and the
// `Policy` contract the algorithms share.
//
// Example:
//
//   edgekit::ratelimit::Decision d = limiter.TryAcquire();
//   if (!d.allowed) {
//     // 429, Retry-After: d.RetryAfterSeconds()
//   }
//
// The Policy contract. Every algorithm is a small immutable, validated policy
// object (`GcraPolicy`, `TokenBucketPolicy`, ...) with a pure transition:
//
//   using State = ...;   // a value-initialized State is a fresh (full) key
//   Decision Apply(State* state, int64_t now_ns, int64_t cost) const;
//   Decision Apply(State* state, absl::Time now, int64_t cost) const;
//   bool IsIdle(const State& state, int64_t now_ns) const;  // back at full
//   size_t HeapBytes(const State& state) const;  // memory the state owns
//   int64_t limit() const;                        // quota per window
//   absl::Duration window() const;                // the window of `limit`
//
// `Apply` reads and writes only `*state`: the result depends on
// (state, now, cost) alone, so it is deterministic under any clock. A `now`
// earlier than one already seen never grants more than the later `now` would
// have (each algorithm is monotone in time), so callers that read a clock
// before a lock cannot exceed the limit. `IsIdle` is true when forgetting the
// state (replacing it by a fresh one) changes no future decision: this is what
// lets `KeyedLimiter` evict a key without giving it a free refill.
//
// Thread-safety: `Decision` is a plain value. Policies are immutable and
// thread-safe; a `State` is thread-compatible (callers serialize `Apply`).

#ifndef EDGEKIT_RATELIMIT_DECISION_H_
#define EDGEKIT_RATELIMIT_DECISION_H_

#include <cstdint>
#include <limits>
#include <string_view>

#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

// Why a request was allowed or rejected.
enum class Reason : uint8_t {
  kAllowed,           // within the limit
  kLimited,           // over the limit now; retry after `retry_after()`
  kCostExceedsLimit,  // the cost is larger than the policy can ever grant
};

[[nodiscard]] inline std::string_view ToString(Reason reason) {
  switch (reason) {
    case Reason::kAllowed:
      return "allowed";
    case Reason::kLimited:
      return "limited";
    case Reason::kCostExceedsLimit:
      return "cost_exceeds_limit";
  }
  return "unknown";
}

// The verdict for one request. Durations are kept as nanoseconds so building a
// Decision on the hot path costs no division; the accessors convert.
struct [[nodiscard]] Decision {
  // Marks `retry_after_ns` when waiting can never help (kCostExceedsLimit).
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  bool allowed = false;
  Reason reason = Reason::kLimited;
  // The policy's quota (for GCRA and the token bucket: the burst capacity).
  int64_t limit = 0;
  // Units still available right after this decision (>= 0).
  int64_t remaining = 0;
  // Time until the key is back at its full quota (0 if it is full).
  int64_t reset_after_ns = 0;
  // 0 when allowed; otherwise how long until the same cost would be allowed,
  // or kNever.
  int64_t retry_after_ns = 0;

  absl::Duration reset_after() const { return absl::Nanoseconds(reset_after_ns); }
  absl::Duration retry_after() const {
    return retry_after_ns == kNever ? absl::InfiniteDuration() : absl::Nanoseconds(retry_after_ns);
  }
  // Whole seconds, rounded up (what `Retry-After` and `RateLimit; t=` carry).
  // kNever maps to `never_seconds`.
  int64_t RetryAfterSeconds(int64_t never_seconds = 86400) const {
    return retry_after_ns == kNever ? never_seconds : CeilSeconds(retry_after_ns);
  }
  int64_t ResetAfterSeconds() const { return CeilSeconds(reset_after_ns); }

 private:
  static int64_t CeilSeconds(int64_t ns) {
    return ns <= 0 ? 0 : ns / 1000000000 + (ns % 1000000000 != 0 ? 1 : 0);
  }
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_DECISION_H_
