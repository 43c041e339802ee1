// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: authority.h
// -----------------------------------------------------------------------------
// Validation of a URI authority as HTTP uses it (and of the path and query
// after it): the `Host` field value
// (RFC 9110 §7.2, RFC 9112 §3.2) and the authority of an `http` / `https`
// target URI (RFC 9110 §4.2.1, §4.2.2), which is `uri-host [ ":" port ]` with
// the grammar of RFC 3986 §3.2.2 and §3.2.3:
//
//   host        = IP-literal / IPv4address / reg-name
//   IP-literal  = "[" ( IPv6address / IPvFuture ) "]"
//   IPvFuture   = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
//   IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet
//   reg-name    = *( unreserved / pct-encoded / sub-delims )
//   port        = *DIGIT
//
// Stricter than the grammar where HTTP is: the host must not be empty
// (RFC 9110 §4.2.1: an http URI with an empty host is invalid), userinfo is
// refused (RFC 9110 §4.2.4: its presence is to be treated as an error), and a
// port, when the ":" is present, is 1 to 5 digits with a value of at most
// 65535. Anything else (`h#`, `h/echo`, `a b`, `h:`, `h:99999`, `[::1`) is
// invalid, so a cache key built from a valid authority never contains a
// path, query or fragment delimiter.
//
// Example:
//
//   if (!edgekit::http::IsValidAuthority(host_field)) return Respond(400);
//   if (!edgekit::http::IsValidPathAndQuery(target)) return Respond(400);
//   std::optional<edgekit::http::Authority> a =
//       edgekit::http::ParseAuthority("[::1]:8080");
//   // a->host == "[::1]", a->port == "8080", a->kind == HostKind::kIPv6
//
// Bounds: O(n) time in the input, no allocation; any bytes are accepted
// (invalid input is a `false` / `std::nullopt` verdict).
// Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_AUTHORITY_H_
#define EDGEKIT_HTTP_AUTHORITY_H_

#include <optional>
#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Which alternative of RFC 3986 `host` an authority uses.
enum class HostKind {
  kRegName,    // a registered name, e.g. "example.com" (any case, pct-encoded allowed)
  kIPv4,       // "192.0.2.1" (dec-octets without leading zeros, each <= 255)
  kIPv6,       // "[2001:db8::1]"
  kIPvFuture,  // "[v1.x]"
};
// "reg_name", "ipv4", "ipv6", "ipv_future".
[[nodiscard]] EDGEKIT_API std::string_view ToString(HostKind kind);

// A valid authority split into its parts: views into the parsed input.
struct Authority {
  std::string_view host;  // as written; IP literals keep their brackets
  std::string_view port;  // digits, empty when no port was given
  HostKind kind = HostKind::kRegName;
};

// Parses `uri-host [ ":" port ]` (see above). std::nullopt when invalid.
[[nodiscard]] EDGEKIT_API std::optional<Authority> ParseAuthority(std::string_view authority);

// True when ParseAuthority() accepts `authority`.
[[nodiscard]] EDGEKIT_API bool IsValidAuthority(std::string_view authority);

// True when `s` is `path-abempty [ "?" query ]` (RFC 3986 §3.3, §3.4): what
// follows the authority in an http(s) URI, and, when it starts with "/", an
// origin-form request-target (RFC 9112 §3.2.1). Only pchar, "/" and "?" with
// valid pct-encoded octets: no "#", no space, controls or raw non-ASCII. The
// empty string is valid.
[[nodiscard]] EDGEKIT_API bool IsValidPathAndQuery(std::string_view s);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_AUTHORITY_H_
