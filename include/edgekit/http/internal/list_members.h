// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: list_members.h
// -----------------------------------------------------------------------------
// Not API. The comma-separated list splitter behind
// HeaderView::ForEachListMember (RFC 9110 §5.6.1), shared by the http parsers.
// Linear in the value's length, no allocation.

#ifndef EDGEKIT_HTTP_INTERNAL_LIST_MEMBERS_H_
#define EDGEKIT_HTTP_INTERNAL_LIST_MEMBERS_H_

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http_internal {

inline bool IsOws(char c) { return c == ' ' || c == '\t'; }

inline std::string_view TrimOws(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && IsOws(s[b])) ++b;
  while (e > b && IsOws(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Calls fn(member) for each member of the comma-separated list `value` (RFC
// 9110 §5.6.1): OWS-trimmed, empty members skipped, commas inside a
// quoted-string (with backslash quoted-pairs) not treated as separators. An
// unterminated quoted-string runs to the end of the value. If fn returns bool,
// `false` stops the iteration; returns false iff stopped.
template <class Fn>
bool ForEachMemberOf(std::string_view value, Fn& fn) {
  size_t start = 0;
  bool in_quote = false;
  const size_t n = value.size();
  for (size_t i = 0; i <= n; ++i) {
    if (i < n) {
      const char c = value[i];
      if (in_quote) {
        if (c == '\\') {
          if (i + 1 < n) ++i;  // quoted-pair: skip the escaped byte
        } else if (c == '"') {
          in_quote = false;
        }
        continue;
      }
      if (c == '"') {
        in_quote = true;
        continue;
      }
      if (c != ',') continue;
    }
    const std::string_view member = TrimOws(value.substr(start, (i < n ? i : n) - start));
    start = i + 1;
    if (member.empty()) continue;
    if constexpr (std::is_same_v<decltype(fn(member)), bool>) {
      if (!fn(member)) return false;
    } else {
      fn(member);
    }
  }
  return true;
}

}  // namespace http_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_INTERNAL_LIST_MEMBERS_H_
