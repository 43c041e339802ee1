// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Claims → HTTP field values (RFC 9110 §5.5), refusing unsafe bytes.

#include "edgekit/jwt/forwarding.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "jwt/internal.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {

bool IsTchar(char c) {
  // RFC 9110 §5.6.2 tchar.
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::string FormatNumber(double d) {
  if (std::fabs(d) < 9.007199254740992e15 && d == std::trunc(d)) {
    return absl::StrCat(static_cast<int64_t>(d));
  }
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, r.ptr);
}

}  // namespace

bool IsSafeFieldValue(std::string_view value, bool allow_non_ascii) {
  if (value.empty()) return true;
  const auto first = static_cast<unsigned char>(value.front());
  const auto last = static_cast<unsigned char>(value.back());
  if (first == ' ' || first == '\t' || last == ' ' || last == '\t') return false;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\t' || (c >= 0x20 && c < 0x7F)) continue;
    if (c >= 0x80 && allow_non_ascii) continue;
    return false;  // NUL, CR, LF, other CTLs, DEL, (non-ASCII)
  }
  return true;
}

absl::StatusOr<std::string> ClaimToFieldValue(const Token& token, std::string_view claim,
                                              const ForwardOptions& options) {
  std::string value;
  if (std::optional<std::string> s = token.GetString(claim)) {
    value = std::move(*s);
  } else if (std::optional<double> d = token.GetNumber(claim)) {
    value = FormatNumber(*d);
  } else if (std::optional<bool> b = token.GetBool(claim)) {
    value = *b ? "true" : "false";
  } else if (std::optional<std::vector<std::string>> list = token.GetStringArray(claim)) {
    for (const std::string& item : *list) {
      if (item.find(',') != std::string::npos || item.empty() ||
          !IsSafeFieldValue(item, options.allow_non_ascii)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "claim \"", AbslView(claim), "\" has an element that cannot be forwarded"));
      }
    }
    value = absl::StrJoin(*list, ", ");
  } else if (token.Has(claim)) {
    return absl::InvalidArgumentError(
        absl::StrCat("claim \"", AbslView(claim), "\" has a type that cannot be forwarded"));
  } else {
    return absl::NotFoundError(absl::StrCat("claim \"", AbslView(claim), "\" is absent"));
  }
  if (!IsSafeFieldValue(value, options.allow_non_ascii)) {
    return absl::InvalidArgumentError(
        absl::StrCat("claim \"", AbslView(claim), "\" is not a safe field value (RFC 9110 §5.5)"));
  }
  return value;
}

absl::Status ForwardClaims(const Token& token, const std::vector<ForwardRule>& rules,
                           std::vector<std::pair<std::string, std::string>>* out,
                           const ForwardOptions& options) {
  std::vector<std::pair<std::string, std::string>> added;
  for (const ForwardRule& rule : rules) {
    if (rule.header.empty() || !std::all_of(rule.header.begin(), rule.header.end(), IsTchar)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header name for claim \"", rule.claim, "\" is not a token"));
    }
    absl::StatusOr<std::string> value = ClaimToFieldValue(token, rule.claim, options);
    if (!value.ok()) {
      if (absl::IsNotFound(value.status()) && !rule.required) continue;
      return value.status();
    }
    added.emplace_back(rule.header, std::move(*value));
  }
  for (auto& h : added) out->push_back(std::move(h));
  return absl::OkStatus();
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
