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
