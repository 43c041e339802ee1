// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: surrogate_control.h
// -----------------------------------------------------------------------------
// `Surrogate-Control` (W3C Edge Architecture Specification 1.0, §2.2), read
// leniently into the same `http::CacheControl` struct as Cache-Control, for
// use as a targeted cache-control field (a valid one replaces Cache-Control
// for this cache, like RFC 9213's CDN-Cache-Control).
//
// Example:
//
//   // Surrogate-Control: max-age=60+30, no-store;other-cdn
//   std::optional<edgekit::http::CacheControl> sc =
//       edgekit::cache::ParseSurrogateControl(headers, "edgekit");
//   // *sc->max_age == 60 s, *sc->stale_if_error == 30 s, no no-store.
//
// Reading (documented choices; Edge Architecture §2.2, §2.3):
//   * Members are comma-separated across all field lines (commas inside
//     quoted-strings do not split). It is not an RFC 8941 Dictionary: names
//     are case-insensitive (`MaX-aGe`), values may be tokens or
//     quoted-strings, large delta-seconds clamp at 2^31 s, unknown
//     extensions (`content="ESI/1.0"`, `foo`) are ignored.
//   * Targeting (§2.3): `directive;device-token` applies only to the
//     surrogate whose token (advertised in Surrogate-Capability) matches,
//     case-insensitively; members targeted at other devices are dropped. A
//     directive targeted at us replaces untargeted directives of the same
//     name.
//   * `max-age=A+B` (§2.2.3): freshness A; B, the time the surrogate may keep
//     serving the response stale, is read as `stale-if-error=B` (served only
//     when the origin fails) unless stale-if-error is given explicitly.
//   * `no-store-remote` (§2.2.2) is read as `no-store` (the conservative
//     reading: an edge cache cannot tell whether it is "remote").
//   * Every other directive is read with Cache-Control's rules
//     (`http::ParseCacheControl`: no-cache, private, must-revalidate,
//     stale-while-revalidate, stale-if-error, ...).
//   * Validity: the field is used only if at least one applicable member is
//     a directive this reading knows; otherwise (absent, empty, only unknown
//     extensions, or everything targeted elsewhere) std::nullopt and the
//     cache falls back to the next targeted field or Cache-Control.
//
// Bounds: linear in the field bytes; at most `kMaxSurrogateMembers` members
// are read (the rest ignored); allocates one rewritten string bounded by the
// input plus a constant per member.
//
// Thread-safety: pure function, thread-safe.

#ifndef EDGEKIT_CACHE_SURROGATE_CONTROL_H_
#define EDGEKIT_CACHE_SURROGATE_CONTROL_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

inline constexpr size_t kMaxSurrogateMembers = 64;

// Parses every `field_name` line of `headers` (normally "Surrogate-Control")
// as Edge Architecture Surrogate-Control for the surrogate `device_token`.
// Never fails; std::nullopt when the field is absent or not usable (above).
[[nodiscard]] EDGEKIT_API std::optional<http::CacheControl> ParseSurrogateControl(
    const http::HeaderView& headers, std::string_view device_token,
    std::string_view field_name = "Surrogate-Control");

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_SURROGATE_CONTROL_H_
