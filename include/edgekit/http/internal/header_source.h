// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: header_source.h
// -----------------------------------------------------------------------------
// Not API. Detection of `http::HeaderSource<T>` specialisations, used by
// HeaderView's constructor (edgekit/http/header_map.h).

#ifndef EDGEKIT_HTTP_INTERNAL_HEADER_SOURCE_H_
#define EDGEKIT_HTTP_INTERNAL_HEADER_SOURCE_H_

#include <type_traits>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {
template <class T>
struct HeaderSource;
}  // namespace http
namespace http_internal {

// True when `http::HeaderSource<T>` is a complete (specialised) type.
template <class T, class = void>
struct HasHeaderSource : std::false_type {};
template <class T>
struct HasHeaderSource<T, std::void_t<decltype(sizeof(http::HeaderSource<T>))>> : std::true_type {};

}  // namespace http_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_INTERNAL_HEADER_SOURCE_H_
