// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: authority.cc
// -----------------------------------------------------------------------------
// uri-host [ ":" port ] and path-abempty [ "?" query ] validation (RFC 3986
// §3.2.2, §3.2.3, §3.3, §3.4; RFC 9110 §4.2, §7.2).

#include "edgekit/http/authority.h"

#include <cstddef>

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
bool IsSubDelim(char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

// dec-octet: 0-255 without leading zeros.
bool IsDecOctet(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  if (s.size() > 1 && s[0] == '0') return false;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v <= 255;
}

bool IsIPv4(std::string_view s) {
  for (int i = 0; i < 4; ++i) {
    const size_t dot = s.find('.');
    if (i < 3) {
      if (dot == std::string_view::npos || !IsDecOctet(s.substr(0, dot))) return false;
      s.remove_prefix(dot + 1);
    } else if (dot != std::string_view::npos || !IsDecOctet(s)) {
      return false;
    }
  }
  return true;
}

bool IsH16(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (!IsHexDigit(c)) return false;
  }
  return true;
}

// Counts the 16-bit pieces of `part` (pieces separated by single colons; the
// last piece may be an IPv4address, worth two, when `ipv4_last` allows).
// Returns -1 when malformed. An empty part has no pieces.
int CountPieces(std::string_view part, bool ipv4_last) {
  if (part.empty()) return 0;
  int n = 0;
  for (;;) {
    const size_t colon = part.find(':');
    const std::string_view piece = part.substr(0, colon);
    if (colon == std::string_view::npos) {
      if (IsH16(piece)) return n + 1;
      if (ipv4_last && IsIPv4(piece)) return n + 2;
      return -1;
    }
    if (!IsH16(piece)) return -1;
    ++n;
    part.remove_prefix(colon + 1);
    if (n > 8) return -1;
  }
}

bool IsIPv6(std::string_view s) {
  const size_t gap = s.find("::");
  if (gap == std::string_view::npos) return CountPieces(s, true) == 8;
  const std::string_view left = s.substr(0, gap);
  const std::string_view right = s.substr(gap + 2);
  if (right.find("::") != std::string_view::npos) return false;
  const int l = CountPieces(left, false);
  const int r = CountPieces(right, true);
  // "::" stands for at least one piece of zeros.
  return l >= 0 && r >= 0 && l + r <= 7;
}

// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
bool IsIPvFuture(std::string_view s) {
  if (s.size() < 4 || (s[0] != 'v' && s[0] != 'V')) return false;
  size_t i = 1;
  while (i < s.size() && IsHexDigit(s[i])) ++i;
  if (i == 1 || i >= s.size() || s[i] != '.') return false;
  ++i;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!IsUnreserved(s[i]) && !IsSubDelim(s[i]) && s[i] != ':') return false;
  }
  return true;
}

// reg-name = *( unreserved / pct-encoded / sub-delims ), non-empty here.
bool IsRegName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2])) return false;
      i += 2;
    } else if (!IsUnreserved(c) && !IsSubDelim(c)) {
      return false;
    }
  }
  return true;
}

// port: 1 to 5 digits, value <= 65535 (RFC 3986 allows *DIGIT; an empty or
// out-of-range port is refused here).
bool IsPort(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  long v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  return v <= 65535;
}

}  // namespace

std::string_view ToString(HostKind kind) {
  switch (kind) {
    case HostKind::kRegName:
      return "reg_name";
    case HostKind::kIPv4:
      return "ipv4";
    case HostKind::kIPv6:
      return "ipv6";
    case HostKind::kIPvFuture:
      return "ipv_future";
  }
  return "unknown";
}

std::optional<Authority> ParseAuthority(std::string_view authority) {
  Authority out;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view literal = authority.substr(1, close - 1);
    if (IsIPv6(literal)) {
      out.kind = HostKind::kIPv6;
    } else if (IsIPvFuture(literal)) {
      out.kind = HostKind::kIPvFuture;
    } else {
      return std::nullopt;
    }
    out.host = authority.substr(0, close + 1);
    rest = authority.substr(close + 1);
  } else {
    const size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (!IsRegName(out.host)) return std::nullopt;
    out.kind = IsIPv4(out.host) ? HostKind::kIPv4 : HostKind::kRegName;
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || !IsPort(rest.substr(1))) return std::nullopt;
    out.port = rest.substr(1);
  }
  return out;
}

bool IsValidAuthority(std::string_view authority) { return ParseAuthority(authority).has_value(); }

bool IsValidPathAndQuery(std::string_view s) {
  if (!s.empty() && s.front() != '/' && s.front() != '?') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2])) return false;
      i += 2;
    } else if (!IsUnreserved(c) && !IsSubDelim(c) && c != ':' && c != '@' && c != '/' && c != '?') {
      return false;
    }
  }
  return true;
}

}  // namespace http
EDGEKIT_NAMESPACE_END
