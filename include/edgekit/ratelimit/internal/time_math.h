// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: internal/time_math.h
// -----------------------------------------------------------------------------
// Integer time helpers shared by the rate-limit algorithms. Not API.
//
// All algorithms work on `int64_t` nanoseconds. `now` is clamped to
// [0, kMaxNowNs] (the clock's epoch to about 146 years after it: Unix time
// until the year 2116) and every configured duration is validated to be at most
// kMaxSpanNs (about 18 years), so sums of a time and a few spans never
// overflow, even for a stale `now`.

#ifndef EDGEKIT_RATELIMIT_INTERNAL_TIME_MATH_H_
#define EDGEKIT_RATELIMIT_INTERNAL_TIME_MATH_H_

#include <cstdint>

#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit_internal {

inline constexpr int64_t kMaxNowNs = int64_t{1} << 62;
inline constexpr int64_t kMaxSpanNs = int64_t{1} << 59;

inline int64_t ClampNow(int64_t now_ns) {
  return now_ns < 0 ? 0 : (now_ns > kMaxNowNs ? kMaxNowNs : now_ns);
}

inline int64_t ToNanos(absl::Time t) { return ClampNow(absl::ToUnixNanos(t)); }

// Floor division for a positive divisor.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

// Ceiling division of non-negative `a` by positive `b`.
inline int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace ratelimit_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_INTERNAL_TIME_MATH_H_
