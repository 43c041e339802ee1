// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_status_writer.h
// -----------------------------------------------------------------------------
// Private: builds this cache's RFC 9211 Cache-Status member with
// http::FormatCacheStatus for the few shapes the cache emits.
// Thread-safety: thread-compatible value type.

#ifndef EDGEKIT_SRC_CACHE_CACHE_STATUS_WRITER_H_
#define EDGEKIT_SRC_CACHE_CACHE_STATUS_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgekit/cache/results.h"
#include "edgekit/http/cache_status.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

inline http::CacheStatusEntry::Fwd ToFwd(cache::ForwardReason r) {
  using F = http::CacheStatusEntry::Fwd;
  switch (r) {
    case cache::ForwardReason::kNone:
      return F::kNone;
    case cache::ForwardReason::kBypass:
      return F::kBypass;
    case cache::ForwardReason::kMethod:
      return F::kMethod;
    case cache::ForwardReason::kUriMiss:
      return F::kUriMiss;
    case cache::ForwardReason::kVaryMiss:
      return F::kVaryMiss;
    case cache::ForwardReason::kMiss:
      return F::kMiss;
    case cache::ForwardReason::kRequest:
      return F::kRequest;
    case cache::ForwardReason::kStale:
      return F::kStale;
  }
  return F::kMiss;
}

// The RFC 9211 `detail` token of a not-stored reason (kept as first
// released: hosts and test suites read it).
inline std::string_view DetailOf(cache::NotStoredReason r) {
  switch (r) {
    case cache::NotStoredReason::kNone:
      return "none";
    case cache::NotStoredReason::kMethod:
      return "method";
    case cache::NotStoredReason::kStatus:
      return "status";
    case cache::NotStoredReason::kNoStore:
      return "no-store";
    case cache::NotStoredReason::kRequestNoStore:
      return "request-no-store";
    case cache::NotStoredReason::kPrivate:
      return "private";
    case cache::NotStoredReason::kAuthorization:
      return "authorization";
    case cache::NotStoredReason::kNotCacheable:
      return "not-cacheable";
    case cache::NotStoredReason::kNoFreshnessOrValidator:
      return "no-freshness-or-validator";
    case cache::NotStoredReason::kVaryStar:
      return "vary-star";
    case cache::NotStoredReason::kTooManyVaryFields:
      return "too-many-vary-fields";
    case cache::NotStoredReason::kSetCookie:
      return "set-cookie";
    case cache::NotStoredReason::kTooLarge:
      return "too-large";
    case cache::NotStoredReason::kKeyTooLong:
      return "bad-key";
    case cache::NotStoredReason::kNoMatchingStored:
      return "no-matching-stored";
    case cache::NotStoredReason::kError:
      return "error";
  }
  return "unknown";
}

class CacheStatusWriter {
 public:
  explicit CacheStatusWriter(std::string_view name) { e_.cache_name = name; }

  // A hit (fresh, or stale served without going forward).
  std::string Hit(int64_t ttl, bool collapsed = false) {
    e_.hit = true;
    e_.ttl_seconds = ttl;
    e_.collapsed = collapsed;
    return http::FormatCacheStatus(e_);
  }
  // Forwarded; the response served is the origin's.
  std::string Forward(cache::ForwardReason fwd, std::optional<int> status = {},
                      std::optional<int64_t> ttl = {}, std::string_view detail = {}) {
    e_.fwd = ToFwd(fwd == cache::ForwardReason::kNone ? cache::ForwardReason::kMiss : fwd);
    e_.fwd_status = status;
    e_.ttl_seconds = ttl;
    e_.detail = detail;
    return http::FormatCacheStatus(e_);
  }
  // Forwarded and the answer was stored (or freshened a stored response).
  std::string Stored(cache::ForwardReason fwd, int status, int64_t ttl) {
    e_.fwd = ToFwd(fwd == cache::ForwardReason::kNone ? cache::ForwardReason::kMiss : fwd);
    e_.fwd_status = status;
    e_.ttl_seconds = ttl;
    e_.stored = true;
    return http::FormatCacheStatus(e_);
  }
  // Forwarded, the origin failed, a stale response is served.
  std::string Stale(cache::ForwardReason fwd, std::optional<int> status, int64_t ttl) {
    e_.fwd = ToFwd(fwd == cache::ForwardReason::kNone ? cache::ForwardReason::kMiss : fwd);
    e_.fwd_status = status;
    e_.ttl_seconds = ttl;
    e_.detail = "stale-if-error";
    return http::FormatCacheStatus(e_);
  }

 private:
  http::CacheStatusEntry e_;
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_CACHE_STATUS_WRITER_H_
