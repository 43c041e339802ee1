// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: ratelimit_fields.cc
// -----------------------------------------------------------------------------
// RateLimit-Policy, RateLimit and Retry-After values through the RFC 8941
// writers of structured_fields.h.

#include "edgekit/http/ratelimit_fields.h"

#include "edgekit/http/structured_fields.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

int64_t CapSf(int64_t v) { return v > kSfIntegerMax ? kSfIntegerMax : (v < 0 ? 0 : v); }

// Whole seconds, rounded up, capped to sf-integer.
int64_t CeilSeconds(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return 0;
  if (d >= absl::Seconds(kSfIntegerMax)) return kSfIntegerMax;
  const int64_t s = absl::ToInt64Seconds(d);
  return absl::Seconds(s) < d ? s + 1 : s;
}

}  // namespace

std::string RateLimitPolicyValue(absl::Span<const RateLimitPolicyItem> items) {
  SfListWriter w;
  for (const RateLimitPolicyItem& item : items) {
    w.AddString(item.name);
    if (!IsSfStringContent(item.name)) continue;  // dropped by the writer
    w.ParamInteger("q", CapSf(item.quota));
    if (!item.quota_unit.empty()) w.ParamToken("qu", item.quota_unit);
    if (item.window > absl::ZeroDuration()) w.ParamInteger("w", CeilSeconds(item.window));
    if (!item.partition_key.empty()) w.ParamByteSequence("pk", item.partition_key);
  }
  return w.Release();
}

std::string RateLimitValue(std::string_view name, int64_t remaining, absl::Duration reset,
                           std::string_view partition_key) {
  SfListWriter w;
  w.AddString(name);
  if (!IsSfStringContent(name)) return w.Release();
  w.ParamInteger("r", CapSf(remaining));
  w.ParamInteger("t", CeilSeconds(reset));
  if (!partition_key.empty()) w.ParamByteSequence("pk", partition_key);
  return w.Release();
}

std::string RetryAfterValue(absl::Duration retry_after) {
  if (retry_after <= absl::ZeroDuration() || retry_after == absl::InfiniteDuration()) {
    return std::string();
  }
  std::string out;
  AppendSfInteger(&out, CeilSeconds(retry_after));  // > 0 rounds up to >= 1
  return out;
}

RateLimitFields MakeRateLimitFields(const RateLimitPolicyItem& item, int64_t remaining,
                                    absl::Duration reset, absl::Duration retry_after) {
  RateLimitFields f;
  f.policy = RateLimitPolicyValue(absl::MakeConstSpan(&item, 1));
  f.ratelimit = RateLimitValue(item.name, remaining, reset, item.partition_key);
  f.retry_after = RetryAfterValue(retry_after);
  return f;
}

}  // namespace http
EDGEKIT_NAMESPACE_END
