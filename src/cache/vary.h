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

// ASCII `name` (any case) equals `lower` (lower case).
bool NameEqualsLower(std::string_view name, std::string_view lower);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_VARY_H_
