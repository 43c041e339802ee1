// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: nghttp2_nv.h
// -----------------------------------------------------------------------------
// Not API. The walk over `nghttp2_nv` arrays behind edgekit/http/nghttp2_headers.h.

#ifndef EDGEKIT_HTTP_INTERNAL_NGHTTP2_NV_H_
#define EDGEKIT_HTTP_INTERNAL_NGHTTP2_NV_H_

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http_internal {

// `nv`'s name and value as views.
inline http::HeaderField FieldOf(const nghttp2_nv& nv) {
  return http::HeaderField{std::string_view(reinterpret_cast<const char*>(nv.name), nv.namelen),
                           std::string_view(reinterpret_cast<const char*>(nv.value), nv.valuelen)};
}
inline bool IsPseudo(const nghttp2_nv& nv) { return nv.namelen > 0 && nv.name[0] == ':'; }
// Next regular field at or after the index in `cursor`.
inline bool NextRegular(const nghttp2_nv* nva, size_t nvlen, http::HeaderCursor& cursor,
                        http::HeaderField& out) {
  size_t i = http::LoadFromCursor<size_t>(cursor);
  while (i < nvlen && IsPseudo(nva[i])) ++i;
  if (i >= nvlen) return false;
  out = FieldOf(nva[i]);
  http::StoreInCursor(cursor, i + 1);
  return true;
}

}  // namespace http_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_INTERNAL_NGHTTP2_NV_H_
