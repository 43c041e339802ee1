// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: sf_parser.h
// -----------------------------------------------------------------------------
// A non-allocating RFC 8941 §4.2 parser (not installed, not API). It reports
// each top-level member (key and bare item; parameters are validated and
// skipped) to a callback and returns whether the whole value parsed. One linear
// pass; recursion depth is bounded (an inner list holds only bare items).

#ifndef EDGEKIT_SRC_HTTP_SF_PARSER_H_
#define EDGEKIT_SRC_HTTP_SF_PARSER_H_

#include <cstdint>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/structured_fields.h"
#include "http/internal_parse.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http_internal {

enum class SfType { kInteger, kDecimal, kString, kToken, kByteSequence, kBoolean, kInnerList };

struct SfItem {
  SfType type = SfType::kBoolean;
  // integer/decimal: the number's text; string: the bytes between the quotes
  // (escapes still in place); token: the token; byte sequence: the base64
  // text; inner list: the whole "( ... )".
  std::string_view raw;
  int64_t integer = 0;  // kInteger
  bool boolean = true;  // kBoolean
};

inline bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }

class SfParser {
 public:
  explicit SfParser(std::string_view in) : s_(TrimOws(in)) {}

  // RFC 8941 §4.2.2. fn(std::string_view key, const SfItem& value).
  template <class Fn>
  bool ParseDictionary(Fn&& fn) {
    while (pos_ < s_.size()) {
      std::string_view key;
      if (!ParseKey(&key)) return false;
      SfItem item;
      if (pos_ < s_.size() && s_[pos_] == '=') {
        ++pos_;
        if (!ParseItemOrInnerList(&item)) return false;
      } else {
        item.type = SfType::kBoolean;
        item.boolean = true;
        if (!ParseParameters()) return false;
      }
      fn(key, item);
      if (!AfterMember()) return false;
    }
    return true;
  }

  // RFC 8941 §4.2.1. fn(const SfItem& member).
  template <class Fn>
  bool ParseList(Fn&& fn) {
    while (pos_ < s_.size()) {
      SfItem item;
      if (!ParseItemOrInnerList(&item)) return false;
      fn(item);
      if (!AfterMember()) return false;
    }
    return true;
  }

  // RFC 8941 §4.2.3 as a whole field value.
  bool ParseItemField() {
    SfItem item;
    if (!ParseBareItem(&item) || !ParseParameters()) return false;
    return pos_ == s_.size();
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }

  void SkipSp() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  void SkipOws() {
    while (pos_ < s_.size() && IsOws(s_[pos_])) ++pos_;
  }

  // After a list/dictionary member: OWS, then end or "," OWS member.
  bool AfterMember() {
    SkipOws();
    if (AtEnd()) return true;
    if (Peek() != ',') return false;
    ++pos_;
    SkipOws();
    return !AtEnd();  // a trailing comma is an error
  }

  // §4.2.1.1
  bool ParseItemOrInnerList(SfItem* item) {
    if (!AtEnd() && Peek() == '(') return ParseInnerList(item);
    return ParseBareItem(item) && ParseParameters();
  }

  // §4.2.1.2
  bool ParseInnerList(SfItem* item) {
    const size_t start = pos_;
    ++pos_;  // "("
    while (!AtEnd()) {
      SkipSp();
      if (AtEnd()) return false;
      if (Peek() == ')') {
        ++pos_;
        item->type = SfType::kInnerList;
        item->raw = s_.substr(start, pos_ - start);
        return ParseParameters();
      }
      SfItem inner;
      if (!ParseBareItem(&inner) || !ParseParameters()) return false;
      if (AtEnd()) return false;
      if (Peek() != ' ' && Peek() != ')') return false;
    }
    return false;
  }

  // §4.2.3.2
  bool ParseParameters() {
    while (!AtEnd() && Peek() == ';') {
      ++pos_;
      SkipSp();
      std::string_view key;
      if (!ParseKey(&key)) return false;
      if (!AtEnd() && Peek() == '=') {
        ++pos_;
        SfItem v;
        if (!ParseBareItem(&v)) return false;
      }
    }
    return true;
  }

  // §4.2.3.3
  bool ParseKey(std::string_view* key) {
    if (AtEnd()) return false;
    const char first = Peek();
    if (!IsLcAlpha(first) && first != '*') return false;
    const size_t start = pos_++;
    while (!AtEnd()) {
      const char c = Peek();
      if (!(IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) break;
      ++pos_;
    }
    *key = s_.substr(start, pos_ - start);
    return true;
  }

  // §4.2.3.1
  bool ParseBareItem(SfItem* item) {
    if (AtEnd()) return false;
    const char c = Peek();
    if (c == '-' || IsDigit(c)) return ParseNumber(item);
    if (c == '"') return ParseString(item);
    if (c == '*' || IsAlpha(c)) return ParseToken(item);
    if (c == ':') return ParseByteSequence(item);
    if (c == '?') return ParseBoolean(item);
    return false;
  }

  // §4.2.4
  bool ParseNumber(SfItem* item) {
    const size_t start = pos_;
    bool negative = false;
    if (Peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (AtEnd() || !IsDigit(Peek())) return false;
    bool decimal = false;
    size_t int_digits = 0;
    size_t frac_digits = 0;
    int64_t v = 0;
    while (!AtEnd()) {
      const char c = Peek();
      if (IsDigit(c)) {
        if (decimal) {
          if (++frac_digits > 3) return false;
        } else {
          if (++int_digits > 15) return false;
          v = v * 10 + (c - '0');
        }
      } else if (c == '.' && !decimal) {
        if (int_digits > 12) return false;
        decimal = true;
      } else {
        break;
      }
      ++pos_;
    }
    item->raw = s_.substr(start, pos_ - start);
    if (decimal) {
      if (frac_digits == 0) return false;  // ends with "."
      item->type = SfType::kDecimal;
      return true;
    }
    item->type = SfType::kInteger;
    item->integer = negative ? -v : v;
    return true;
  }

  // §4.2.5
  bool ParseString(SfItem* item) {
    ++pos_;  // DQUOTE
    const size_t start = pos_;
    while (!AtEnd()) {
      const char c = s_[pos_++];
      if (c == '\\') {
        if (AtEnd()) return false;
        const char e = s_[pos_++];
        if (e != '"' && e != '\\') return false;
      } else if (c == '"') {
        item->type = SfType::kString;
        item->raw = s_.substr(start, pos_ - 1 - start);
        return true;
      } else if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return false;  // no closing DQUOTE
  }

  // §4.2.6
  bool ParseToken(SfItem* item) {
    const size_t start = pos_++;
    while (!AtEnd()) {
      const char c = Peek();
      if (!IsTcharFast(c) && c != ':' && c != '/') break;
      ++pos_;
    }
    item->type = SfType::kToken;
    item->raw = s_.substr(start, pos_ - start);
    return true;
  }

  // §4.2.7
  bool ParseByteSequence(SfItem* item) {
    ++pos_;  // ":"
    const size_t start = pos_;
    while (!AtEnd()) {
      const char c = s_[pos_++];
      if (c == ':') {
        item->type = SfType::kByteSequence;
        item->raw = s_.substr(start, pos_ - 1 - start);
        return true;
      }
      if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '/' || c == '=')) return false;
    }
    return false;
  }

  // §4.2.8
  bool ParseBoolean(SfItem* item) {
    ++pos_;  // "?"
    if (AtEnd()) return false;
    const char c = s_[pos_++];
    if (c != '0' && c != '1') return false;
    item->type = SfType::kBoolean;
    item->boolean = c == '1';
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace http_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_HTTP_SF_PARSER_H_
