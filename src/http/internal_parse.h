// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: internal_parse.h
// -----------------------------------------------------------------------------
// Small lexical helpers shared by the http parsers (not installed, not API).

#ifndef EDGEKIT_SRC_HTTP_INTERNAL_PARSE_H_
#define EDGEKIT_SRC_HTTP_INTERNAL_PARSE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/http/age.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http_internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char ToLowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}

// tchar (RFC 9110 §5.6.2) as a 256-entry table.
struct TcharTable {
  bool is[256] = {};
  constexpr TcharTable() {
    for (int c = '0'; c <= '9'; ++c) is[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) is[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) is[c] = true;
    for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'}) {
      is[static_cast<unsigned char>(c)] = true;
    }
  }
};
inline constexpr TcharTable kTchar{};

inline bool IsTcharFast(char c) { return kTchar.is[static_cast<unsigned char>(c)]; }

inline bool IsTokenFast(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTcharFast(c)) return false;
  }
  return true;
}

// delta-seconds = 1*DIGIT, clamped at http::kMaxDeltaSeconds (RFC 9111
// §1.2.2). O(n), never overflows.
inline std::optional<int64_t> ParseDeltaSecondsValue(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    if (v < http::kMaxDeltaSeconds) {
      v = v * 10 + (c - '0');
      if (v > http::kMaxDeltaSeconds) v = http::kMaxDeltaSeconds;
    }
  }
  return v;
}

}  // namespace http_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_HTTP_INTERNAL_PARSE_H_
