// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: freshness.h
// -----------------------------------------------------------------------------
// The RFC 9111 arithmetic the HTTP cache runs on, as pure functions of their
// inputs and `now`: age calculation (§4.2.3), freshness lifetime for a shared
// cache (§4.2.1) with heuristic freshness (§4.2.2), and the status-code sets
// of RFC 9110 §15 the storage rules need. `HttpCache` uses them; hosts and
// tests may too.
//
// Example:
//
//   cache::AgeInputs in;
//   in.age_value = absl::Seconds(10);            // Age: 10
//   in.date_value = date;                        // Date
//   in.request_time = t0;
//   in.response_time = t1;
//   absl::Duration initial = cache::CorrectedInitialAge(in);
//   absl::Duration age = cache::CurrentAge(initial, t1, now);
//
// Thread-safety: pure functions, thread-safe. Errors: none (total functions).

#ifndef EDGEKIT_CACHE_FRESHNESS_H_
#define EDGEKIT_CACHE_FRESHNESS_H_

#include <optional>

#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

// RFC 9110 §15.1: 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501.
[[nodiscard]] EDGEKIT_API bool IsHeuristicallyCacheableStatus(int status);

// Final status codes whose caching rules this cache implements (the codes
// RFC 9110 §15 defines, except 206 which it never stores). Used for
// `must-understand` (RFC 9111 §5.2.2.3).
[[nodiscard]] EDGEKIT_API bool IsUnderstoodStatus(int status);

// Inputs of RFC 9111 §4.2.3.
struct AgeInputs {
  std::optional<absl::Duration> age_value;  // Age field (absent/invalid: none)
  std::optional<absl::Time> date_value;     // Date field (absent: none)
  absl::Time request_time;                  // request sent
  absl::Time response_time;                 // response received
};

// corrected_initial_age = max(apparent_age, corrected_age_value), where
//   apparent_age = max(0, response_time - date_value)   (0 without Date)
//   response_delay = response_time - request_time       (clamped at 0)
//   corrected_age_value = age_value + response_delay    (0 + delay without Age)
[[nodiscard]] EDGEKIT_API absl::Duration CorrectedInitialAge(const AgeInputs& in);

// current_age = corrected_initial_age + resident_time, resident_time =
// now - response_time (clamped at 0 if the clock went back).
[[nodiscard]] inline absl::Duration CurrentAge(absl::Duration corrected_initial_age,
                                               absl::Time response_time, absl::Time now) {
  absl::Duration resident = now - response_time;
  if (resident < absl::ZeroDuration()) resident = absl::ZeroDuration();
  return corrected_initial_age + resident;
}

// Inputs of RFC 9111 §4.2.1 for a shared cache. The caller has already
// picked the governing directives (CDN-Cache-Control or Cache-Control).
struct FreshnessInputs {
  int status = 200;
  std::optional<absl::Duration> s_maxage;
  std::optional<absl::Duration> max_age;
  bool public_ = false;
  bool has_expires = false;           // an Expires field is present
  std::optional<absl::Time> expires;  // its parsed value (nullopt: invalid)
  std::optional<absl::Time> date;     // Date (nullopt: absent/invalid)
  std::optional<absl::Time> last_modified;
  absl::Time response_time;
  double heuristic_fraction = 0.1;
  absl::Duration heuristic_max = absl::Hours(24);
};

struct Freshness {
  absl::Duration lifetime = absl::ZeroDuration();
  bool heuristic = false;  // from §4.2.2
  bool explicit_ = false;  // s-maxage, max-age or Expires was present
};

// s-maxage, then max-age, then Expires - Date (Date absent: response_time;
// an invalid Expires means already expired, §5.3), then — only when the
// status is heuristically cacheable or `public` is present — the heuristic
// fraction of (Date - Last-Modified), capped. Never negative.
[[nodiscard]] EDGEKIT_API Freshness FreshnessLifetime(const FreshnessInputs& in);

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_FRESHNESS_H_
