// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: structured_fields.cc
// -----------------------------------------------------------------------------
// RFC 8941 serialisation (§4.1) and validation (§4.2).

#include "edgekit/http/structured_fields.h"

#include <cmath>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "edgekit/http/header_map.h"
#include "http/internal_parse.h"
#include "http/sf_parser.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

using http_internal::IsAlpha;
using http_internal::IsDigit;
using http_internal::IsLcAlpha;

bool IsSfKey(std::string_view s) {
  if (s.empty() || !(IsLcAlpha(s[0]) || s[0] == '*')) return false;
  for (char c : s.substr(1)) {
    if (!(IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) {
      return false;
    }
  }
  return true;
}

bool IsSfToken(std::string_view s) {
  if (s.empty() || !(IsAlpha(s[0]) || s[0] == '*')) return false;
  for (char c : s.substr(1)) {
    if (!(IsTchar(c) || c == ':' || c == '/')) return false;
  }
  return true;
}

bool IsSfStringContent(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool AppendSfInteger(std::string* out, int64_t v) {
  // §4.1.4: fail if not in -999,999,999,999,999 .. 999,999,999,999,999.
  if (v < kSfIntegerMin || v > kSfIntegerMax) return false;
  absl::StrAppend(out, v);
  return true;
}

bool AppendSfDecimal(std::string* out, double v) {
  // §4.1.5: round to three fractional digits (half to even); at most 12
  // integer digits; at least one fractional digit, no trailing zeros.
  if (!std::isfinite(v)) return false;
  const double scaled = std::nearbyint(v * 1000.0);  // default mode: ties to even
  if (std::fabs(scaled) >= 1e15) return false;
  int64_t r = static_cast<int64_t>(scaled);
  if (r < 0) {
    out->push_back('-');
    r = -r;
  }
  absl::StrAppend(out, r / 1000);
  out->push_back('.');
  int frac = static_cast<int>(r % 1000);
  char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                    static_cast<char>('0' + frac % 10)};
  int n = 3;
  while (n > 1 && digits[n - 1] == '0') --n;
  out->append(digits, static_cast<size_t>(n));
  return true;
}

bool AppendSfString(std::string* out, std::string_view v) {
  // §4.1.6: fail on bytes outside %x20-7E; escape DQUOTE and backslash.
  if (!IsSfStringContent(v)) return false;
  out->push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
  return true;
}

bool AppendSfToken(std::string* out, std::string_view v) {
  if (!IsSfToken(v)) return false;  // §4.1.7
  out->append(v.data(), v.size());
  return true;
}

bool AppendSfByteSequence(std::string* out, std::string_view bytes) {
  out->push_back(':');  // §4.1.8
  out->append(absl::Base64Escape(absl::string_view(bytes.data(), bytes.size())));
  out->push_back(':');
  return true;
}

void AppendSfBoolean(std::string* out, bool v) { out->append(v ? "?1" : "?0"); }  // §4.1.9

namespace {

// Serialises "=" and then `v` with `Append` (one of the AppendSf* above) into
// the string it is called with; false if `v` cannot be serialised. The value
// part of a dictionary member or a parameter (RFC 8941 §4.1.1.2, §4.1.2).
template <auto Append, class V>
auto EqualsThen(V v) {
  return [v](std::string* o) {
    o->push_back('=');
    return Append(o, v);
  };
}

}  // namespace

namespace http_sf_internal {

size_t SfWriterBase::BeginMember() {
  const size_t mark = out_->size();
  if (!out_->empty()) out_->append(", ");
  member_open_ = false;
  return mark;
}

void SfWriterBase::Rollback(size_t mark) {
  out_->resize(mark);
  member_open_ = false;
  ok_ = false;
}

template <class F>
void SfWriterBase::ParamImpl(std::string_view key, F&& append_value) {
  if (!member_open_ || !IsSfKey(key)) {
    ok_ = false;
    return;
  }
  const size_t mark = out_->size();
  out_->push_back(';');
  out_->append(key.data(), key.size());
  if (!append_value(out_)) {
    out_->resize(mark);
    ok_ = false;
  }
}

void SfWriterBase::ParamBoolImpl(std::string_view key, bool v) {
  // §4.1.1.2: a parameter whose value is true is the bare key.
  ParamImpl(key, [v](std::string* o) {
    if (!v) o->append("=?0");
    return true;
  });
}
void SfWriterBase::ParamIntegerImpl(std::string_view key, int64_t v) {
  ParamImpl(key, EqualsThen<AppendSfInteger>(v));
}
void SfWriterBase::ParamDecimalImpl(std::string_view key, double v) {
  ParamImpl(key, EqualsThen<AppendSfDecimal>(v));
}
void SfWriterBase::ParamStringImpl(std::string_view key, std::string_view v) {
  ParamImpl(key, EqualsThen<AppendSfString>(v));
}
void SfWriterBase::ParamTokenImpl(std::string_view key, std::string_view v) {
  ParamImpl(key, EqualsThen<AppendSfToken>(v));
}
void SfWriterBase::ParamByteSequenceImpl(std::string_view key, std::string_view v) {
  ParamImpl(key, EqualsThen<AppendSfByteSequence>(v));
}

}  // namespace http_sf_internal

// ---------------------------------------------------------------- SfListWriter

#define EDGEKIT_SF_LIST_ADD(expr)    \
  const size_t mark = BeginMember(); \
  if (expr) {                        \
    Commit();                        \
  } else {                           \
    Rollback(mark);                  \
  }                                  \
  return *this

SfListWriter& SfListWriter::AddInteger(int64_t v) { EDGEKIT_SF_LIST_ADD(AppendSfInteger(out_, v)); }
SfListWriter& SfListWriter::AddDecimal(double v) { EDGEKIT_SF_LIST_ADD(AppendSfDecimal(out_, v)); }
SfListWriter& SfListWriter::AddString(std::string_view v) {
  EDGEKIT_SF_LIST_ADD(AppendSfString(out_, v));
}
SfListWriter& SfListWriter::AddToken(std::string_view v) {
  EDGEKIT_SF_LIST_ADD(AppendSfToken(out_, v));
}
SfListWriter& SfListWriter::AddByteSequence(std::string_view bytes) {
  EDGEKIT_SF_LIST_ADD(AppendSfByteSequence(out_, bytes));
}
SfListWriter& SfListWriter::AddBoolean(bool v) {
  EDGEKIT_SF_LIST_ADD((AppendSfBoolean(out_, v), true));
}

// Dictionary member: key, then "=" value unless the value is boolean true.
#define EDGEKIT_SF_DICT_ADD(expr)         \
  const size_t mark = BeginMember();      \
  if (IsSfKey(key)) {                     \
    out_->append(key.data(), key.size()); \
    if (expr) {                           \
      Commit();                           \
      return *this;                       \
    }                                     \
  }                                       \
  Rollback(mark);                         \
  return *this

SfDictionaryWriter& SfDictionaryWriter::AddInteger(std::string_view key, int64_t v) {
  EDGEKIT_SF_DICT_ADD(EqualsThen<AppendSfInteger>(v)(out_));
}
SfDictionaryWriter& SfDictionaryWriter::AddDecimal(std::string_view key, double v) {
  EDGEKIT_SF_DICT_ADD(EqualsThen<AppendSfDecimal>(v)(out_));
}
SfDictionaryWriter& SfDictionaryWriter::AddString(std::string_view key, std::string_view v) {
  EDGEKIT_SF_DICT_ADD(EqualsThen<AppendSfString>(v)(out_));
}
SfDictionaryWriter& SfDictionaryWriter::AddToken(std::string_view key, std::string_view v) {
  EDGEKIT_SF_DICT_ADD(EqualsThen<AppendSfToken>(v)(out_));
}
SfDictionaryWriter& SfDictionaryWriter::AddByteSequence(std::string_view key,
                                                        std::string_view bytes) {
  EDGEKIT_SF_DICT_ADD(EqualsThen<AppendSfByteSequence>(bytes)(out_));
}
SfDictionaryWriter& SfDictionaryWriter::AddBoolean(std::string_view key, bool v) {
  // §4.1.2: a member whose value is true (and has parameters or not) is the bare key.
  EDGEKIT_SF_DICT_ADD((v ? true : (out_->append("=?0"), true)));
}

#undef EDGEKIT_SF_LIST_ADD
#undef EDGEKIT_SF_DICT_ADD

#define EDGEKIT_SF_PARAMS(Writer)                                                   \
  Writer& Writer::ParamBool(std::string_view key, bool v) {                         \
    ParamBoolImpl(key, v);                                                          \
    return *this;                                                                   \
  }                                                                                 \
  Writer& Writer::ParamInteger(std::string_view key, int64_t v) {                   \
    ParamIntegerImpl(key, v);                                                       \
    return *this;                                                                   \
  }                                                                                 \
  Writer& Writer::ParamDecimal(std::string_view key, double v) {                    \
    ParamDecimalImpl(key, v);                                                       \
    return *this;                                                                   \
  }                                                                                 \
  Writer& Writer::ParamString(std::string_view key, std::string_view v) {           \
    ParamStringImpl(key, v);                                                        \
    return *this;                                                                   \
  }                                                                                 \
  Writer& Writer::ParamToken(std::string_view key, std::string_view v) {            \
    ParamTokenImpl(key, v);                                                         \
    return *this;                                                                   \
  }                                                                                 \
  Writer& Writer::ParamByteSequence(std::string_view key, std::string_view bytes) { \
    ParamByteSequenceImpl(key, bytes);                                              \
    return *this;                                                                   \
  }                                                                                 \
  std::string Writer::Release() {                                                   \
    std::string r = out_ == &owned_ ? std::move(owned_) : std::string();            \
    owned_.clear();                                                                 \
    member_open_ = false;                                                           \
    return r;                                                                       \
  }

EDGEKIT_SF_PARAMS(SfListWriter)
EDGEKIT_SF_PARAMS(SfDictionaryWriter)
#undef EDGEKIT_SF_PARAMS

// ------------------------------------------------------------------ validators

bool IsValidSfList(std::string_view value) {
  return http_internal::SfParser(value).ParseList([](const http_internal::SfItem&) {});
}

bool IsValidSfDictionary(std::string_view value) {
  return http_internal::SfParser(value).ParseDictionary(
      [](std::string_view, const http_internal::SfItem&) {});
}

bool IsValidSfItem(std::string_view value) {
  return http_internal::SfParser(value).ParseItemField();
}

}  // namespace http
EDGEKIT_NAMESPACE_END
