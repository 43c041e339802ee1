// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: age.h
// -----------------------------------------------------------------------------
// delta-seconds (RFC 9111 §1.2.2): the value syntax of the Age field (§5.1) and
// of the Cache-Control directives that take a number of seconds.
//
//   * `ParseDeltaSeconds("60")` → 60 s; "99999999999" → 2147483648 s (the
//     RFC's cap for a value larger than the recipient can represent);
//     "", "-1", "1.5", " 5", "0x10" → std::nullopt.
//   * `FormatAge(d)` → the Age field value: whole seconds, rounded down,
//     negative → "0", at most "2147483648".
//
// Example:
//
//   std::optional<absl::Duration> age = edgekit::http::ParseDeltaSeconds("120");
//   std::string field = edgekit::http::FormatAge(absl::Seconds(7.9));   // "7"
//
// Bounds: O(n) time in the input length, no allocation (FormatAge allocates
// its small result). Errors: invalid input is std::nullopt, never 0.
// Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_AGE_H_
#define EDGEKIT_HTTP_AGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// The greatest delta-seconds value edgekit represents: 2^31 seconds. RFC 9111
// §1.2.2: "If a cache receives a delta-seconds value greater than the greatest
// integer it can represent, or if any of its subsequent calculations
// overflows, the cache MUST consider the value to be 2147483648 (2^31) or the
// greatest positive integer it can conveniently represent."
inline constexpr int64_t kMaxDeltaSeconds = int64_t{2147483648};

// delta-seconds = 1*DIGIT (RFC 9111 §1.2.2). Digits only: no sign, no
// whitespace, no fraction. Values above kMaxDeltaSeconds are clamped to it.
// Returns std::nullopt for anything else (including the empty string).
[[nodiscard]] EDGEKIT_API std::optional<absl::Duration> ParseDeltaSeconds(std::string_view s);

// Formats an Age field value (RFC 9111 §5.1): whole seconds rounded down,
// negative durations as "0", and at most "2147483648" (also for
// absl::InfiniteDuration()).
[[nodiscard]] EDGEKIT_API std::string FormatAge(absl::Duration age);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_AGE_H_
