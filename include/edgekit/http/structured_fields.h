// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: structured_fields.h
// -----------------------------------------------------------------------------
// Structured Field Values for HTTP (RFC 8941): serialisation of Lists and
// Dictionaries of Items with Parameters, and syntax validators.
//
//   * `SfListWriter` / `SfDictionaryWriter` build a field value member by
//     member (RFC 8941 §4.1). Each Add* starts a member; Param* adds a
//     parameter to the last member. Values are serialised per §4.1: integers
//     (at most 15 digits, §4.1.4), decimals (at most 12 integer digits, 3
//     fractional, rounded half to even, §4.1.5), strings (printable ASCII,
//     `"` and `\` escaped, §4.1.6), tokens (§4.1.7), byte sequences (base64,
//     §4.1.8), booleans (§4.1.9). A parameter or dictionary member whose value
//     is true is serialised as the bare key (§4.1.1.2, §4.1.2).
//   * `IsValidSfList`, `IsValidSfDictionary`, `IsValidSfItem`: does a field
//     value parse as that type under RFC 8941 §4.2?
//
// Example (a Cache-Status value, RFC 9211):
//
//   edgekit::http::SfListWriter w;
//   w.AddToken("ExampleCache").ParamBool("hit", true).ParamInteger("ttl", 376);
//   w.str();  // "ExampleCache;hit;ttl=376"
//
//   edgekit::http::SfListWriter policy;   // RateLimit-Policy style
//   policy.AddString("default").ParamInteger("q", 100).ParamInteger("w", 10);
//   policy.str();  // "\"default\";q=100;w=10"
//
// Errors: writers never fail hard. An invalid key, an invalid token, an
// integer outside ±999,999,999,999,999, a non-finite or too large decimal, or
// a string byte outside %x20-7E makes that member or parameter be skipped (a
// skipped member also drops its parameters) and sets `ok()` to false; the
// output is always a valid field value of the writer's type. A Param* before
// any member is skipped the same way.
//
// Bounds: validators are one linear pass with no allocation and no recursion
// deeper than inner lists (depth 1); inputs of any length and content are
// accepted. Writers allocate only the output string.
//
// Thread-safety: writers are not thread-safe (one per builder); validators are
// pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_STRUCTURED_FIELDS_H_
#define EDGEKIT_HTTP_STRUCTURED_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Limits of sf-integer (RFC 8941 §3.3.1).
inline constexpr int64_t kSfIntegerMax = 999999999999999;
inline constexpr int64_t kSfIntegerMin = -999999999999999;

// key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )
// (RFC 8941 §3.1.2).
[[nodiscard]] EDGEKIT_API bool IsSfKey(std::string_view s);
// sf-token = ( ALPHA / "*" ) *( tchar / ":" / "/" ) (RFC 8941 §3.3.4).
[[nodiscard]] EDGEKIT_API bool IsSfToken(std::string_view s);
// Every byte in %x20-7E (RFC 8941 §3.3.3).
[[nodiscard]] EDGEKIT_API bool IsSfStringContent(std::string_view s);

// Appends the serialisation of one bare item to *out (RFC 8941 §4.1.3ff).
// Return false (appending nothing) if the value cannot be serialised.
EDGEKIT_API bool AppendSfInteger(std::string* out, int64_t v);
EDGEKIT_API bool AppendSfDecimal(std::string* out, double v);
EDGEKIT_API bool AppendSfString(std::string* out, std::string_view v);
EDGEKIT_API bool AppendSfToken(std::string* out, std::string_view v);
EDGEKIT_API bool AppendSfByteSequence(std::string* out, std::string_view bytes);
EDGEKIT_API void AppendSfBoolean(std::string* out, bool v);

namespace http_sf_internal {
// Shared implementation of the two writers (not API).
class EDGEKIT_API SfWriterBase {
 public:
  [[nodiscard]] bool ok() const { return ok_; }
  // The serialised value so far.
  [[nodiscard]] const std::string& str() const { return *out_; }
  // Number of members written (skipped ones not counted).
  [[nodiscard]] int members() const { return members_; }

 protected:
  SfWriterBase() : out_(&owned_) {}
  explicit SfWriterBase(std::string* out) : out_(out) {}
  SfWriterBase(const SfWriterBase&) = delete;
  SfWriterBase& operator=(const SfWriterBase&) = delete;

  // Starts a member: separator and (for dictionaries) the key.
  size_t BeginMember();
  void Fail() { ok_ = false; }
  void ParamBoolImpl(std::string_view key, bool v);
  void ParamIntegerImpl(std::string_view key, int64_t v);
  void ParamDecimalImpl(std::string_view key, double v);
  void ParamStringImpl(std::string_view key, std::string_view v);
  void ParamTokenImpl(std::string_view key, std::string_view v);
  void ParamByteSequenceImpl(std::string_view key, std::string_view v);
  // Truncates the output back to `mark` (a failed member).
  void Rollback(size_t mark);
  void Commit() {
    ++members_;
    member_open_ = true;
  }

  std::string owned_;
  std::string* out_;
  bool ok_ = true;
  bool member_open_ = false;  // the last Add* succeeded: Param* may follow
  int members_ = 0;

 private:
  template <class F>
  void ParamImpl(std::string_view key, F&& append_value);
};
}  // namespace http_sf_internal

// Builds an sf-list (RFC 8941 §3.1) of Items with Parameters. Members are
// separated by ", ".
//
// Thread-safety: not thread-safe.
class EDGEKIT_API SfListWriter : public http_sf_internal::SfWriterBase {
 public:
  // Writes into an internal string (see str()).
  SfListWriter() = default;
  // Appends to *out (not owned, must outlive the writer). If *out is not empty,
  // the first member is preceded by ", ", so a member can be appended to an
  // existing list value.
  explicit SfListWriter(std::string* out) : SfWriterBase(out) {}

  SfListWriter& AddInteger(int64_t v);
  SfListWriter& AddDecimal(double v);
  SfListWriter& AddString(std::string_view v);
  SfListWriter& AddToken(std::string_view v);
  SfListWriter& AddByteSequence(std::string_view bytes);
  SfListWriter& AddBoolean(bool v);

  SfListWriter& ParamBool(std::string_view key, bool v);
  SfListWriter& ParamInteger(std::string_view key, int64_t v);
  SfListWriter& ParamDecimal(std::string_view key, double v);
  SfListWriter& ParamString(std::string_view key, std::string_view v);
  SfListWriter& ParamToken(std::string_view key, std::string_view v);
  SfListWriter& ParamByteSequence(std::string_view key, std::string_view bytes);

  // Moves the result out of an internally-owned writer (empty otherwise).
  std::string Release();
};

// Builds an sf-dictionary (RFC 8941 §3.2). Members are separated by ", ". A
// member whose value is boolean true is serialised as its bare key. Keys are
// not de-duplicated (a parser keeps the last one, §4.2.2).
//
// Thread-safety: not thread-safe.
class EDGEKIT_API SfDictionaryWriter : public http_sf_internal::SfWriterBase {
 public:
  SfDictionaryWriter() = default;
  // Appends to *out, as SfListWriter(std::string*).
  explicit SfDictionaryWriter(std::string* out) : SfWriterBase(out) {}

  SfDictionaryWriter& AddInteger(std::string_view key, int64_t v);
  SfDictionaryWriter& AddDecimal(std::string_view key, double v);
  SfDictionaryWriter& AddString(std::string_view key, std::string_view v);
  SfDictionaryWriter& AddToken(std::string_view key, std::string_view v);
  SfDictionaryWriter& AddByteSequence(std::string_view key, std::string_view bytes);
  SfDictionaryWriter& AddBoolean(std::string_view key, bool v);

  SfDictionaryWriter& ParamBool(std::string_view key, bool v);
  SfDictionaryWriter& ParamInteger(std::string_view key, int64_t v);
  SfDictionaryWriter& ParamDecimal(std::string_view key, double v);
  SfDictionaryWriter& ParamString(std::string_view key, std::string_view v);
  SfDictionaryWriter& ParamToken(std::string_view key, std::string_view v);
  SfDictionaryWriter& ParamByteSequence(std::string_view key, std::string_view bytes);

  std::string Release();
};

// RFC 8941 §4.2 with field_type "list" / "dictionary" / "item": true iff the
// value parses. Leading and trailing SP/HTAB are ignored (HTTP removes them
// from field values, RFC 9110 §5.5). An empty value is a valid empty list or
// dictionary (§4.2: an empty list/dictionary is the result) but not a valid
// item. Callers combining several field lines join them with ", " first.
[[nodiscard]] EDGEKIT_API bool IsValidSfList(std::string_view value);
[[nodiscard]] EDGEKIT_API bool IsValidSfDictionary(std::string_view value);
[[nodiscard]] EDGEKIT_API bool IsValidSfItem(std::string_view value);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_STRUCTURED_FIELDS_H_
