// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key.h
// -----------------------------------------------------------------------------
// Private: the cache key (RFC 9111 §2): the effective request URI with scheme
// and host lower-cased, default port and fragment removed, empty path → "/".
// A URI whose authority is not valid (http::IsValidAuthority: `h#`, `u@h`,
// `a b`, `h:99999`) has no key, and neither has a request whose Host field
// is not a valid authority: a host that builds the URI from Host (`h/echo`)
// would otherwise make the key of another URI.
// Thread-safety: pure functions.

#ifndef EDGEKIT_SRC_CACHE_KEY_H_
#define EDGEKIT_SRC_CACHE_KEY_H_

#include <optional>
#include <string>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// Normalises `uri` into `out`. False if `uri` is not absolute or its
// authority is not valid.
bool NormalizeUri(std::string_view uri, std::string* out);
// NormalizeUri(uri) == uri, checked without building anything (a hit whose
// URI is already normal looks up by view).
bool IsNormalizedUri(std::string_view uri);
// scheme://authority of a normalised key.
std::string_view OriginOf(std::string_view key);
// Resolves a Location / Content-Location reference against a normalised
// key; nullopt when it cannot be resolved.
std::optional<std::string> ResolveReference(std::string_view base_key, std::string_view ref);
// The key of `uri` within `max_key_bytes`: a view of `uri` itself when it is
// already normal, else `storage`. Nullopt when not absolute or too long.
std::optional<std::string_view> KeyOf(std::string_view uri, size_t max_key_bytes,
                                      std::string* storage);

// The Host fields of a request (RequestFields collects them in its scan).
struct HostFields {
  int count = 0;
  std::string_view value;  // the first one
};
HostFields ScanHost(const http::HeaderView& headers);
// True when `host` cannot make the request's key ambiguous: no Host field,
// or exactly one (RFC 9112 §3.2) that is a valid authority. `key` is the
// request's key: a Host equal to its authority (the usual case) is valid
// without a second scan.
bool HostFieldOk(const HostFields& host, std::string_view key);
// KeyOf(uri) for a request with these `headers`: nullopt as KeyOf does, and
// when HostFieldOk is false.
std::optional<std::string_view> RequestKeyOf(std::string_view uri, const http::HeaderView& headers,
                                             size_t max_key_bytes, std::string* storage);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_KEY_H_
