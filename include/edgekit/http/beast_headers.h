// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: beast_headers.h
// -----------------------------------------------------------------------------
// Boost.Beast adapter: an `http::HeaderView` reads a Beast
// `basic_fields<Allocator>` (the fields of a request or response) in place,
// without copying a field line or allocating.
//
//   * `HeaderSource<boost::beast::http::basic_fields<A>>`: any Beast fields
//     object converts to a `HeaderView`.
//   * `FieldsOf(message)`: the view of a `message<isRequest, Body, Fields>`'s
//     (or a `header<isRequest, Fields>`'s) fields.
//
// Example:
//
//   boost::beast::http::request<boost::beast::http::string_body> req = ...;
//   edgekit::http::HeaderView headers = edgekit::http::FieldsOf(req);
//   auto result = cache->Lookup(req.method_string(), req.target(), headers);
//
// Field lines appear in Beast's order (insertion order, except that Beast
// inserts a repeated name after that name's last line, which keeps the
// relative order of one field's lines, RFC 9110 §5.3), with the names as
// received. The view walks Beast's list: one indirect call per field line.
//
// IMPORTANT: header-only and not included by edgekit itself: include it in
// the host, which already has Boost. The view borrows the message: it must
// outlive the view, and must not be modified while the view is used.
//
// Thread-safety: as `HeaderView` (concurrent reads of an unmodified message).

#ifndef EDGEKIT_HTTP_BEAST_HEADERS_H_
#define EDGEKIT_HTTP_BEAST_HEADERS_H_

#include <string_view>
#include <type_traits>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/intrusive/list.hpp>

#include "absl/base/attributes.h"
#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Beast's const_iterator is Boost.Intrusive's list iterator: a node pointer
// (and a value-traits pointer for stateful traits), copied member-wise by its
// copy constructor, trivially destructible. Its bytes may be copied with the
// cursor.
template <class ValueTraits, bool kIsConst>
struct IsCursorRelocatable<boost::intrusive::list_iterator<ValueTraits, kIsConst>>
    : std::true_type {};

template <class Allocator>
struct HeaderSource<boost::beast::http::basic_fields<Allocator>> {
  using Fields = boost::beast::http::basic_fields<Allocator>;
  using Iterator = typename Fields::const_iterator;

  static void Begin(const Fields& fields, HeaderCursor& cursor) {
    StoreInCursor(cursor, fields.begin());
  }
  static bool Next(const Fields& fields, HeaderCursor& cursor, HeaderField& out) {
    Iterator it = LoadFromCursor<Iterator>(cursor);
    if (it == fields.end()) return false;
    const auto name = it->name_string();
    const auto value = it->value();
    out.name = std::string_view(name.data(), name.size());
    out.value = std::string_view(value.data(), value.size());
    ++it;
    StoreInCursor(cursor, it);
    return true;
  }
};

// The fields of a Beast message, viewed in place.
template <bool kIsRequest, class Body, class Fields>
[[nodiscard]] HeaderView FieldsOf(const boost::beast::http::message<kIsRequest, Body, Fields>&
                                      message ABSL_ATTRIBUTE_LIFETIME_BOUND) {
  return HeaderView(static_cast<const Fields&>(message));
}
template <bool kIsRequest, class Body, class Fields>
HeaderView FieldsOf(const boost::beast::http::message<kIsRequest, Body, Fields>&&) = delete;

// The fields of a Beast header (a message without its body), viewed in place.
template <bool kIsRequest, class Fields>
[[nodiscard]] HeaderView FieldsOf(
    const boost::beast::http::header<kIsRequest, Fields>& header ABSL_ATTRIBUTE_LIFETIME_BOUND) {
  return HeaderView(static_cast<const Fields&>(header));
}
template <bool kIsRequest, class Fields>
HeaderView FieldsOf(const boost::beast::http::header<kIsRequest, Fields>&&) = delete;

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_BEAST_HEADERS_H_
