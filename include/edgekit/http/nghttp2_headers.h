// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: nghttp2_headers.h
// -----------------------------------------------------------------------------
// nghttp2 adapter: an `http::HeaderView` reads an array of `nghttp2_nv` (what
// `nghttp2_submit_request` / `nghttp2_submit_response` take, or what a host
// collects from `on_header_callback` while keeping the rcbufs alive) in place,
// without copying a name or value or allocating.
//
//   * `Nghttp2Headers`: a view of `nva[0, nvlen)`; converts to a `HeaderView`.
//   * `std::vector<nghttp2_nv, A>` converts to a `HeaderView` directly.
//   * `PseudoHeader(fields, ":path")`: the value of a pseudo-header.
//
// Pseudo-header fields (names starting with ':', RFC 9113 §8.3: `:method`,
// `:scheme`, `:authority`, `:path`, `:status`) are not HTTP fields: the view
// skips them, so lookups, iteration, `size()` and a `HeaderMap` copy see
// only regular fields, as over HTTP/1.1. Read them with `PseudoHeader`.
//
// Example:
//
//   // In on_frame_recv_callback, with the request's fields collected:
//   edgekit::http::Nghttp2Headers fields(stream->nva.data(), stream->nva.size());
//   edgekit::http::HeaderView headers(fields);   // `fields` must outlive it
//   auto path = edgekit::http::PseudoHeader(fields, ":path");
//   auto token = headers.Get("authorization");
//
// Notes: HTTP/2 field names arrive in lower case (RFC 9113 §8.2.1); lookups
// are case-insensitive anyway. A `cookie` field may arrive split into several
// lines (RFC 9113 §8.2.3): join those with "; ", not with `GetCombined`'s
// ", ".
//
// IMPORTANT: header-only and not included by edgekit itself: include it in
// the host, which already has nghttp2 (only <nghttp2/nghttp2.h> is needed,
// no library). The array and the bytes it points to must outlive the view;
// so must the `Nghttp2Headers` object a view was made from.
//
// Thread-safety: as `HeaderView` (concurrent reads of an unmodified array).

#ifndef EDGEKIT_HTTP_NGHTTP2_HEADERS_H_
#define EDGEKIT_HTTP_NGHTTP2_HEADERS_H_

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/base/attributes.h"
#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/internal/nghttp2_nv.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// A non-owning view of `nghttp2_nv` entries.
class Nghttp2Headers {
 public:
  Nghttp2Headers(const nghttp2_nv* nva ABSL_ATTRIBUTE_LIFETIME_BOUND, size_t nvlen)
      : nva_(nva), nvlen_(nvlen) {}
  template <class A>
  explicit Nghttp2Headers(const std::vector<nghttp2_nv, A>& nva ABSL_ATTRIBUTE_LIFETIME_BOUND)
      : nva_(nva.data()), nvlen_(nva.size()) {}

  [[nodiscard]] const nghttp2_nv* data() const { return nva_; }
  [[nodiscard]] size_t size() const { return nvlen_; }

 private:
  const nghttp2_nv* nva_;
  size_t nvlen_;
};

template <>
struct HeaderSource<Nghttp2Headers> {
  static void Begin(const Nghttp2Headers&, HeaderCursor& cursor) {
    StoreInCursor(cursor, size_t{0});
  }
  static bool Next(const Nghttp2Headers& fields, HeaderCursor& cursor, HeaderField& out) {
    return http_internal::NextRegular(fields.data(), fields.size(), cursor, out);
  }
};

template <class A>
struct HeaderSource<std::vector<nghttp2_nv, A>> {
  static void Begin(const std::vector<nghttp2_nv, A>&, HeaderCursor& cursor) {
    StoreInCursor(cursor, size_t{0});
  }
  static bool Next(const std::vector<nghttp2_nv, A>& fields, HeaderCursor& cursor,
                   HeaderField& out) {
    return http_internal::NextRegular(fields.data(), fields.size(), cursor, out);
  }
};

// The value of the first pseudo-header `name` (":method", ":path", ...,
// compared exactly: HTTP/2 names are lower case), or nullopt.
[[nodiscard]] inline std::optional<std::string_view> PseudoHeader(const Nghttp2Headers& fields,
                                                                  std::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const HeaderField f = http_internal::FieldOf(fields.data()[i]);
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_NGHTTP2_HEADERS_H_
