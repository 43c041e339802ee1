// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_status.h
// -----------------------------------------------------------------------------
// The Cache-Status response field (RFC 9211): one list member per cache that
// handled the request, serialised as an RFC 8941 List member with the
// parameters of RFC 9211 §2.1-§2.8.
//
// Example:
//
//   edgekit::http::CacheStatusEntry e;
//   e.cache_name = "ExampleCache";
//   e.hit = true;
//   e.ttl_seconds = 376;
//   std::string v = edgekit::http::FormatCacheStatus(e);  // "ExampleCache;hit;ttl=376"
//
//   std::string upstream = "OriginCache;hit;ttl=1100";     // from the response
//   edgekit::http::AppendCacheStatus(&upstream, e);
//   // "OriginCache;hit;ttl=1100, ExampleCache;hit;ttl=376"
//
// Serialisation (RFC 8941 §4.1, canonical form: parameters as ";key[=value]"
// without spaces, members separated by ", "):
//   * cache_name: an sf-token if it is a valid one, else an sf-string
//     (RFC 9211 §2). Bytes outside %x20-7E cannot appear in an sf-string and
//     are replaced by '?'; an empty name is serialised as "".
//   * Parameters, in this order, only when set: hit (§2.1, bare key), fwd
//     (§2.2, token), fwd-status (§2.3, integer), ttl (§2.4, integer, may be
//     negative), stored (§2.5, bare key), collapsed (§2.6, bare key), key
//     (§2.7, string), detail (§2.8, token if valid else string). Boolean
//     parameters are only emitted when true (a true sf-boolean parameter is
//     the bare key, RFC 8941 §4.1.1.2). Integers are clamped to the sf-integer
//     range (±999,999,999,999,999); strings get bytes outside %x20-7E
//     replaced by '?'.
//   * RFC 9211 gives fwd-status, stored and collapsed meaning only alongside
//     fwd; this builder emits what it is given and leaves that to the caller.
//
// Errors: none; every entry produces a valid List member.
// Bounds: output length is linear in the entry's string lengths.
// Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_CACHE_STATUS_H_
#define EDGEKIT_HTTP_CACHE_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// What one cache did with one request (RFC 9211 §2).
struct CacheStatusEntry {
  // §2.2 fwd values: why the request went forward.
  enum class Fwd {
    kNone,      // not forwarded (no fwd parameter)
    kBypass,    // "bypass": configured not to use the cache for this request
    kMethod,    // "method": the request method's semantics require forwarding
    kUriMiss,   // "uri-miss": no stored response for the target URI
    kVaryMiss,  // "vary-miss": stored responses, but Vary did not match
    kMiss,      // "miss": no stored response (uri-miss or vary-miss unknown)
    kRequest,   // "request": request semantics (e.g. no-cache) required it
    kStale,     // "stale": the stored response was stale
    kPartial,   // "partial": only part of the response was stored
  };

  std::string_view cache_name;
  bool hit = false;
  Fwd fwd = Fwd::kNone;
  std::optional<int> fwd_status;
  std::optional<int64_t> ttl_seconds;
  bool stored = false;
  bool collapsed = false;
  std::string_view key;     // empty: no key parameter
  std::string_view detail;  // empty: no detail parameter
};

// The token of a fwd value ("uri-miss", ...); "" for kNone.
[[nodiscard]] EDGEKIT_API std::string_view ToString(CacheStatusEntry::Fwd fwd);

// This cache's Cache-Status list member.
[[nodiscard]] EDGEKIT_API std::string FormatCacheStatus(const CacheStatusEntry& entry);

// Appends this cache's member to an existing Cache-Status field value (may be
// empty), after ", " if it is not empty. RFC 9211 §2: members are ordered from
// the cache closest to the origin to the one closest to the user, so a cache
// appends its own member last. The existing value is not validated.
EDGEKIT_API void AppendCacheStatus(std::string* field_value, const CacheStatusEntry& entry);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_CACHE_STATUS_H_
