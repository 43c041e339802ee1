// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: fields.h
// -----------------------------------------------------------------------------
// Response fields for a rate-limit decision: the IETF `RateLimit-Policy` and
// `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers (-08/-09, both
// RFC 8941 Lists of Items whose value is the policy name as an sf-string) and
// `Retry-After` (RFC 9110 §10.2.3, delta-seconds) for a reject. Serialised with
// edgekit::http's structured-field writers.
//
//   RateLimit-Policy: "default";q=100;w=60            q quota, w window (s),
//                                                     qu quota unit, pk partition key
//   RateLimit: "default";r=50;t=30                    r remaining, t seconds to reset
//   Retry-After: 1
//
// Example:
//
//   const auto item = edgekit::ratelimit::PolicyItem("default", *policy);
//   const edgekit::ratelimit::Decision d = limiter.TryAcquire();
//   const edgekit::ratelimit::RateLimitFields f =
//       edgekit::ratelimit::MakeRateLimitFields(item, d);
//   response.Add("RateLimit-Policy", f.policy);
//   response.Add("RateLimit", f.ratelimit);
//   if (!f.retry_after.empty()) response.Add("Retry-After", f.retry_after);
//
// Errors: none are returned. A name that is not sf-string content (bytes
// outside %x20-7E) or a quota unit that is not an sf-token drops that item or
// parameter, so the output is always a valid field value (possibly empty: then
// omit the field). Seconds are rounded up; values are capped to sf-integer.
//
// Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_RATELIMIT_FIELDS_H_
#define EDGEKIT_RATELIMIT_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/http/structured_fields.h"
#include "edgekit/ratelimit/decision.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

inline constexpr std::string_view kRateLimitPolicyField = "RateLimit-Policy";
inline constexpr std::string_view kRateLimitField = "RateLimit";
inline constexpr std::string_view kRetryAfterField = "Retry-After";

// One quota policy, as advertised in RateLimit-Policy.
struct QuotaPolicyItem {
  std::string name;           // the item value (sf-string)
  int64_t quota = 0;          // q (required)
  absl::Duration window;      // w in seconds (rounded up); zero: omitted
  std::string quota_unit;     // qu (sf-token, e.g. "requests"); empty: omitted
  std::string partition_key;  // pk (bytes); empty: omitted
};

// The item for an algorithm's policy: q = limit(), w = window().
template <typename Policy>
QuotaPolicyItem PolicyItem(std::string_view name, const Policy& policy) {
  QuotaPolicyItem item;
  item.name = std::string(name);
  item.quota = policy.limit();
  item.window = policy.window();
  return item;
}

namespace ratelimit_fields_internal {
inline int64_t CapSf(int64_t v) {
  return v > http::kSfIntegerMax ? http::kSfIntegerMax : (v < 0 ? 0 : v);
}
inline int64_t CeilSeconds(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return 0;
  if (d == absl::InfiniteDuration()) return http::kSfIntegerMax;
  const int64_t s = absl::ToInt64Seconds(d);
  return CapSf(absl::Seconds(s) < d ? s + 1 : s);
}
}  // namespace ratelimit_fields_internal

// The RateLimit-Policy value for `items` (a List; invalid items are dropped).
inline std::string RateLimitPolicyValue(absl::Span<const QuotaPolicyItem> items) {
  http::SfListWriter w;
  for (const QuotaPolicyItem& item : items) {
    w.AddString(item.name);
    if (!http::IsSfStringContent(item.name)) continue;  // dropped by the writer
    w.ParamInteger("q", ratelimit_fields_internal::CapSf(item.quota));
    if (!item.quota_unit.empty()) w.ParamToken("qu", item.quota_unit);
    if (item.window > absl::ZeroDuration()) {
      w.ParamInteger("w", ratelimit_fields_internal::CeilSeconds(item.window));
    }
    if (!item.partition_key.empty()) w.ParamByteSequence("pk", item.partition_key);
  }
  return w.Release();
}

// The RateLimit value for one decision under policy `name`: r = remaining,
// t = seconds until the quota is back at full (rounded up).
inline std::string RateLimitValue(std::string_view name, const Decision& d,
                                  std::string_view partition_key = {}) {
  http::SfListWriter w;
  w.AddString(name);
  if (!http::IsSfStringContent(name)) return w.Release();
  w.ParamInteger("r", ratelimit_fields_internal::CapSf(d.remaining));
  w.ParamInteger("t", ratelimit_fields_internal::CapSf(d.ResetAfterSeconds()));
  if (!partition_key.empty()) w.ParamByteSequence("pk", partition_key);
  return w.Release();
}

// The Retry-After value (delta-seconds, rounded up, at least 1) for a
// rejected decision; empty when the request was allowed or can never be
// (kCostExceedsLimit: waiting does not help, so no Retry-After).
inline std::string RetryAfterValue(const Decision& d) {
  if (d.allowed || d.retry_after_ns == Decision::kNever) return std::string();
  int64_t s = ratelimit_fields_internal::CeilSeconds(d.retry_after());
  if (s < 1) s = 1;
  std::string out;
  http::AppendSfInteger(&out, s);
  return out;
}

// All three values for one decision (retry_after empty unless rejected).
struct RateLimitFields {
  std::string policy;
  std::string ratelimit;
  std::string retry_after;
};

inline RateLimitFields MakeRateLimitFields(const QuotaPolicyItem& item, const Decision& d) {
  RateLimitFields f;
  f.policy = RateLimitPolicyValue(absl::MakeConstSpan(&item, 1));
  f.ratelimit = RateLimitValue(item.name, d, item.partition_key);
  f.retry_after = RetryAfterValue(d);
  return f;
}

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_FIELDS_H_
