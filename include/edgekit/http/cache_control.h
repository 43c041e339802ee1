// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_control.h
// -----------------------------------------------------------------------------
// Cache-Control (RFC 9111 §5.2) and the targeted cache-control fields
// CDN-Cache-Control (RFC 9213) and Surrogate-Control, parsed into one struct.
//
// Directives understood (names are case-insensitive, §5.2):
//   request  (§5.2.1): max-age, max-stale[=delta], min-fresh, no-cache,
//                      no-store, no-transform, only-if-cached
//   response (§5.2.2): must-revalidate, must-understand, no-cache[="#field"],
//                      no-store, no-transform, private[="#field"],
//                      proxy-revalidate, public, max-age, s-maxage
//   extensions:        stale-while-revalidate, stale-if-error (RFC 5861 §3, §4),
//                      immutable (RFC 8246 §2)
// Other directives are extensions the parser does not know: ignored and counted
// (§5.2.3).
//
// Example:
//
//   edgekit::http::CacheControl cc =
//       edgekit::http::ParseCacheControl("public, max-age=\"60\", no-cache=\"Set-Cookie\"");
//   // cc.public_ == true, *cc.max_age == absl::Seconds(60),
//   // cc.no_cache == false, cc.no_cache_fields == {"set-cookie"}
//
//   // A targeted field that is not a valid RFC 8941 Dictionary is ignored
//   // entirely (RFC 9213 §2.1):
//   auto cdn = edgekit::http::ParseTargetedCacheControl(headers, "CDN-Cache-Control");
//   if (cdn) { ... use *cdn instead of Cache-Control ... }
//
// Parsing rules (documented choices, all from the RFCs where they speak):
//   * Syntax (§5.2): cache-directive = token [ "=" ( token / quoted-string ) ].
//     Both argument forms are accepted for every directive, as §5.2 says
//     recipients ought to (`max-age="5"` is 5 s). OWS around "=" is tolerated.
//     A member whose name is not a token is malformed: ignored and counted in
//     `invalid_directives`.
//   * delta-seconds arguments (§1.2.2): digits only; larger values are
//     clamped at 2147483648 s.
//   * Freshness (§4.2.1): for max-age and s-maxage the first valid occurrence
//     is used. A second occurrence with a different value, or an invalid
//     argument (max-age=abc, max-age=-1, max-age with no argument), sets
//     `invalid_freshness`: the cache is encouraged to treat the response as
//     stale. Identical repeats are harmless and not flagged.
//   * Other directives with an invalid argument (min-fresh=x, max-stale=-1,
//     stale-while-revalidate=soon, ...) are ignored and counted in
//     `invalid_directives`; their first valid occurrence wins.
//   * Directives that take no argument are honoured even if one is given
//     (no-store=1 still means no-store: the restrictive reading, §4.2.1
//     "the most restrictive directive should be honored").
//   * no-cache / private: without an argument they set `no_cache` / `private_`.
//     With a field-name list (quoted-string form §5.2.2.4, §5.2.2.7, or a
//     single token), the lowercased names go to `no_cache_fields` /
//     `private_fields` and the flag stays false: the response may be reused
//     without those fields. A list that is empty, contains an element that is
//     not a token, or would grow a list beyond kMaxCacheControlFieldNames is
//     read as the unqualified directive (the restrictive reading). Repeated
//     qualified directives merge their lists (duplicates dropped).
//   * max-stale without an argument sets `max_stale_any` (§5.2.1.2).
//
// Bounds: O(n) time in the input; no allocation except the two field-name
// lists (at most kMaxCacheControlFieldNames names each, their bytes bounded by
// the input) and, for quoted-strings containing backslash escapes, one
// temporary copy of that argument.
//
// Thread-safety: pure functions, thread-safe. `CacheControl` is a plain value
// type (thread-compatible).

#ifndef EDGEKIT_HTTP_CACHE_CONTROL_H_
#define EDGEKIT_HTTP_CACHE_CONTROL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Most field names kept per no-cache / private list.
inline constexpr size_t kMaxCacheControlFieldNames = 64;

// The parsed directives of one Cache-Control (or targeted) field.
struct CacheControl {
  // Request and response directives without arguments.
  bool no_store = false;
  bool no_cache = false;  // unqualified no-cache only; see no_cache_fields
  bool must_revalidate = false;
  bool proxy_revalidate = false;
  bool public_ = false;
  bool private_ = false;  // unqualified private only; see private_fields
  bool no_transform = false;
  bool only_if_cached = false;
  bool immutable = false;
  bool must_understand = false;

  // delta-seconds directives (clamped at 2147483648 s).
  std::optional<absl::Duration> max_age;
  std::optional<absl::Duration> s_maxage;
  std::optional<absl::Duration> min_fresh;
  std::optional<absl::Duration> stale_while_revalidate;
  std::optional<absl::Duration> stale_if_error;

  // Request max-stale: bare (any staleness) or with a limit.
  bool max_stale_any = false;
  std::optional<absl::Duration> max_stale;

  // Lowercased field names of qualified no-cache="..." / private="...".
  std::vector<std::string> no_cache_fields;
  std::vector<std::string> private_fields;

  // RFC 9111 §4.2.1: conflicting duplicate or invalid max-age / s-maxage.
  bool invalid_freshness = false;
  // Extension directives this parser does not know (ignored, §5.2.3).
  int unknown_directives = 0;
  // Malformed members and known directives with unusable arguments (ignored).
  int invalid_directives = 0;

  // True if any form of no-cache was present (qualified or not).
  [[nodiscard]] bool has_no_cache() const { return no_cache || !no_cache_fields.empty(); }
  // True if any form of private was present (qualified or not).
  [[nodiscard]] bool has_private() const { return private_ || !private_fields.empty(); }
};

// Parses one Cache-Control field value (several lines already combined, or
// one line). Never fails: unknown and invalid parts are ignored as above.
[[nodiscard]] EDGEKIT_API CacheControl ParseCacheControl(std::string_view field_value);

// Parses every field line named `field_name` of `headers` as one combined
// Cache-Control value (RFC 9110 §5.3), without allocating the combination.
[[nodiscard]] EDGEKIT_API CacheControl
ParseCacheControl(const HeaderView& headers, std::string_view field_name = "Cache-Control");

// Parses a targeted cache-control field (CDN-Cache-Control, RFC 9213;
// Surrogate-Control and other targeted fields with the same syntax). RFC 9213
// §2.1: the value is an RFC 8941 Dictionary; if it is empty or fails to parse
// as one, the field is ignored: std::nullopt. The field is also ignored when a
// known directive's (effective) member violates the type RFC 9213 §2.1 infers
// for it, since such values are not to be consumed: delta-seconds directives
// (max-age, s-maxage, min-fresh, stale-while-revalidate, stale-if-error) need
// a non-negative Integer, so `max-age="60"`, `max-age=1.5`, `max-age=-1`,
// `max-age=abc` and a bare `max-age` make the field invalid; flags need a
// Boolean; no-cache and private a Boolean or a String; max-stale a Boolean or
// an Integer. Otherwise the members are read as directives with the rules
// above, except that, following RFC 8941 §4.2.2, a repeated key's later value
// replaces the earlier one (no `invalid_freshness` for repeats), a member
// whose value is boolean false (`no-store=?0`) is treated as absent, and
// parameters are ignored.
[[nodiscard]] EDGEKIT_API std::optional<CacheControl> ParseTargetedCacheControl(
    std::string_view field_value);

// As above over every line named `field_name` (combined with ", " as RFC 8941
// §4.2 requires). Absent field → std::nullopt.
//
// Surrogate-Control (W3C Edge Architecture 1.0) predates RFC 8941 and its
// extensions (e.g. `max-age=300+60`, targeting `;edge-id`) are not always
// Dictionary syntax: pass it here for the strict RFC 9213 reading, or to
// ParseCacheControl(headers, "Surrogate-Control") for the lenient one.
[[nodiscard]] EDGEKIT_API std::optional<CacheControl> ParseTargetedCacheControl(
    const HeaderView& headers, std::string_view field_name = "CDN-Cache-Control");

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_CACHE_CONTROL_H_
