// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: ratelimit_fields.h
// -----------------------------------------------------------------------------
// Values of the rate-limit response fields, from plain numbers: the IETF
// `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-
// headers (-08/-09: RFC 8941 Lists of Items whose value is the policy name as
// an sf-string) and `Retry-After` (RFC 9110 §10.2.3, delta-seconds).
//
//   RateLimit-Policy: "default";q=100;w=60     q quota, w window (s),
//                                              qu quota unit, pk partition key
//   RateLimit: "default";r=50;t=30             r remaining, t seconds to reset
//   Retry-After: 1
//
// The writer knows nothing of the limiter: any limiter (edgekit::ratelimit,
// a fleet limiter, the host's own) fills in the numbers.
//
// Example (with an edgekit::ratelimit decision `d` of a policy `p`):
//
//   const edgekit::http::RateLimitPolicyItem item{"default", p.limit(), p.window()};
//   const edgekit::http::RateLimitFields f = edgekit::http::MakeRateLimitFields(
//       item, d.remaining, d.reset_after(), d.retry_after());
//   response.Add(edgekit::http::kRateLimitPolicyField, f.policy);
//   response.Add(edgekit::http::kRateLimitField, f.ratelimit);
//   if (!f.retry_after.empty()) response.Add(edgekit::http::kRetryAfterField, f.retry_after);
//
// Errors: none are returned. A name that is not sf-string content (bytes
// outside %x20-7E) or a quota unit that is not an sf-token drops that item or
// parameter, so the output is always a valid field value (possibly empty:
// then omit the field). Seconds are rounded up; numbers are capped to
// [0, 999,999,999,999,999] (sf-integer).
//
// Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_RATELIMIT_FIELDS_H_
#define EDGEKIT_HTTP_RATELIMIT_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

inline constexpr std::string_view kRateLimitPolicyField = "RateLimit-Policy";
inline constexpr std::string_view kRateLimitField = "RateLimit";
inline constexpr std::string_view kRetryAfterField = "Retry-After";

// One quota policy, as advertised in RateLimit-Policy. Views: the strings
// must outlive the call they are passed to.
struct RateLimitPolicyItem {
  std::string_view name;                // the item value (sf-string)
  int64_t quota = 0;                    // q (required)
  absl::Duration window;                // w in seconds (rounded up); <= 0: omitted
  std::string_view quota_unit = {};     // qu (sf-token, e.g. "requests"); empty: omitted
  std::string_view partition_key = {};  // pk (bytes); empty: omitted
};

// The RateLimit-Policy value for `items` (a List; invalid items are dropped).
[[nodiscard]] EDGEKIT_API std::string RateLimitPolicyValue(
    absl::Span<const RateLimitPolicyItem> items);

// The RateLimit value for policy `name`: r = `remaining`, t = `reset` (time
// until the quota is back at full) in seconds, rounded up.
[[nodiscard]] EDGEKIT_API std::string RateLimitValue(std::string_view name, int64_t remaining,
                                                     absl::Duration reset,
                                                     std::string_view partition_key = {});

// The Retry-After value for a wait of `retry_after`: delta-seconds, rounded
// up, at least 1. Empty when `retry_after` <= 0 (the request was allowed) or
// infinite (waiting can never help).
[[nodiscard]] EDGEKIT_API std::string RetryAfterValue(absl::Duration retry_after);

// All three values for one decision (retry_after empty unless there is a wait).
struct RateLimitFields {
  std::string policy;
  std::string ratelimit;
  std::string retry_after;
};

[[nodiscard]] EDGEKIT_API RateLimitFields MakeRateLimitFields(const RateLimitPolicyItem& item,
                                                              int64_t remaining,
                                                              absl::Duration reset,
                                                              absl::Duration retry_after);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_RATELIMIT_FIELDS_H_
