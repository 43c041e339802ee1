// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: vary.h
// -----------------------------------------------------------------------------
// Private: Vary (RFC 9111 §4.1). A stored variant keeps, per Vary field, the
// storing request's value normalised once (`cache::VaryValue`); a lookup
// compares the new request's field lines with it in place, allocating
// nothing (`VaryRules::Matches`).
// Thread-safety: `VaryRules` is immutable after construction.

#ifndef EDGEKIT_SRC_CACHE_VARY_H_
#define EDGEKIT_SRC_CACHE_VARY_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/sv_hash.h"
#include "edgekit/cache/options.h"
#include "edgekit/cache/store.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// A VaryValue that owns its strings (while a response is being built).
struct OwnedVaryValue {
  bool present = false;
  std::string value;
  bool has_raw = false;
  std::string raw;
  cache::VaryValue view() const { return cache::VaryValue{value, raw, present, has_raw}; }
};

class VaryRules {
 public:
  explicit VaryRules(const std::vector<std::pair<std::string, cache::VaryNormalizer>>& normalizers);

  // The request's value of Vary field `field` (lower case), normalised.
  OwnedVaryValue Normalize(std::string_view field, const http::HeaderView& headers) const;
  // The request's values of every field with a normalizer hook (computed
  // before a store lock is taken: hooks are user code). Empty without hooks.
  using Normalized = std::vector<std::pair<std::string_view, OwnedVaryValue>>;
  Normalized NormalizeHooked(const http::HeaderView& headers) const;
  // True if `headers` select the variant `r` (every Vary field matches).
  // `hooked`: NormalizeHooked(headers), or null to call the hooks here.
  bool Matches(const cache::StoredResponse& r, const http::HeaderView& headers,
               const Normalized* hooked = nullptr) const;
  [[nodiscard]] bool has_hooks() const { return !normalizers_.empty(); }

 private:
  bool FieldMatches(std::string_view field, const http::HeaderView& headers,
                    const cache::VaryValue& want, const Normalized* hooked) const;
  StrMap<cache::VaryNormalizer> normalizers_;
};

// The engine's matcher: Vary, and optionally a minimum store generation (a
// follower accepts only what was stored after its wait began; responses a
// store restored from disk have generation 0).
class RequestMatcher final : public cache::VariantMatcher {
 public:
  RequestMatcher(const VaryRules& rules, const http::HeaderView& headers)
      : rules_(rules), headers_(headers) {
    if (rules.has_hooks()) hooked_ = rules.NormalizeHooked(headers);
  }
  RequestMatcher(const VaryRules& rules, const http::HeaderView& headers, uint64_t newer_than)
      : RequestMatcher(rules, headers) {
    filter_ = true;
    newer_than_ = newer_than;
  }
  bool Matches(const cache::StoredResponse& r) const override {
    if (filter_ && r.sequence <= newer_than_) return false;
    return r.vary().empty() || rules_.Matches(r, headers_, &hooked_);
  }

 private:
  const VaryRules& rules_;
  const http::HeaderView& headers_;
  bool filter_ = false;
  uint64_t newer_than_ = 0;
  VaryRules::Normalized hooked_;
};

// Two variants of one key with the same Vary names and values (a new one
// replaces the old at commit).
bool SameVariant(const cache::StoredResponse& a, const cache::StoredResponse& b);
// `a` and `b` are the same stored response: one object, or copies of it in
// two tiers (same key, Vary values and store generation).
bool SameStored(const cache::StoredResponse& a, const cache::StoredResponse& b);

namespace vary_internal {
// 8 bytes of `p` (any alignment).
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
// ASCII words `x` (any case) and `l` (lower case) are equal ignoring case:
// they may differ only in bit 0x20 of bytes where `l` holds a letter.
inline bool WordEqualsLower(uint64_t x, uint64_t l) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t d = x ^ l;
  if (d == 0) return true;
  const uint64_t ge_a = (l + kOnes * (0x80 - 'a')) & (kOnes * 0x80);
  const uint64_t gt_z = (l + kOnes * (0x80 - 'z' - 1)) & (kOnes * 0x80);
  const uint64_t letter_bits = (ge_a & ~gt_z) >> 2;  // 0x20 in letter bytes
  return (d & ~letter_bits) == 0;
}
}  // namespace vary_internal

// ASCII `name` (any case) equals `lower` (lower case), same length checked
// first. Eight bytes at a time for ASCII names of 8 to 16 bytes (the two
// words overlap), byte by byte otherwise. Inline: it runs once per request
// field line per Vary field on every hit.
inline bool NameEqualsLower(std::string_view name, std::string_view lower) {
  const size_t n = name.size();
  if (n != lower.size()) return false;
  if (n >= 8 && n <= 16) {
    using vary_internal::Load64;
    const uint64_t a0 = Load64(name.data());
    const uint64_t a1 = Load64(name.data() + n - 8);
    const uint64_t b0 = Load64(lower.data());
    const uint64_t b1 = Load64(lower.data() + n - 8);
    if (((a0 | a1 | b0 | b1) & 0x8080808080808080ULL) == 0) {
      return vary_internal::WordEqualsLower(a0, b0) && vary_internal::WordEqualsLower(a1, b1);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const char c = name[i];
    const char l = lower[i];
    if (c != l && !(l >= 'a' && l <= 'z' && static_cast<char>(c | 0x20) == l)) return false;
  }
  return true;
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_VARY_H_
