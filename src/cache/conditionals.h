// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: conditionals.h
// -----------------------------------------------------------------------------
// Private: validators and conditional requests (RFC 9110 §13, RFC 9111 §4.3):
// the client's own conditions against a stored response (§4.3.2), and which
// stored variants a 304 or a HEAD response selects for update (§4.3.4,
// §4.3.5).
// Thread-safety: pure functions.

#ifndef EDGEKIT_SRC_CACHE_CONDITIONALS_H_
#define EDGEKIT_SRC_CACHE_CONDITIONALS_H_

#include <string>
#include <string_view>
#include <vector>

#include "cache/vary.h"
#include "edgekit/cache/store.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// The opaque tag of an entity-tag, weakness removed (weak comparison).
std::string WeakTag(std::string_view etag);
bool IsWeak(std::string_view etag);

// RFC 9111 §4.3.2: the client's If-None-Match (weak comparison, RFC 9110
// §13.1.2) or, without it, If-Modified-Since (§13.1.3) against a stored
// response the cache is about to serve.
bool ClientNotModified(const http::HeaderView& request, const cache::StoredResponse& r);

// What a validating response (304, or a HEAD 2xx) says about stored variants.
struct ValidatorSelection {
  // Variants to update (indices into the variants given).
  std::vector<size_t> update;
  // HEAD only: the selected variant disagrees with the HEAD response: mark it
  // stale (index), or -1.
  long stale = -1;
};
// §4.3.4 (304) / §4.3.5 (HEAD): `variants` newest first; `validating` the
// stored response our own conditional request asked about (may be null).
ValidatorSelection SelectForUpdate(const std::vector<cache::StoredVariant>& variants,
                                   const http::HeaderView& response_headers, bool is_head,
                                   const VaryRules& vary, const http::HeaderView& request_headers,
                                   const cache::StoredResponse* validating);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_CONDITIONALS_H_
