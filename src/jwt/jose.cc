// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// JOSE header parsing (RFC 7515 §4.1, §5.2) and member-name helpers; see
// jose.h.

#include "jwt/jose.h"

#include <algorithm>
#include <array>

#include "absl/strings/match.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {
namespace {

constexpr size_t kMaxHeaderMembers = 64;

bool IsRegisteredHeader(std::string_view name) {
  // RFC 7515 §4.1 and RFC 7516 §4.1 / RFC 7518 §4.6-4.8 header names: never
  // allowed in crit (RFC 7515 §4.1.11).
  static constexpr std::array<std::string_view, 20> kNames = {
      "alg",  "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
      "crit", "enc", "zip", "epk", "apu", "apv", "iv",  "tag",      "p2s", "p2c"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

size_t NameSlot(std::string_view name) {
  if (name.empty()) return 0;
  const auto c = [&name](size_t i) { return static_cast<size_t>(static_cast<uint8_t>(name[i])); };
  return (name.size() * 131 + c(0) * 31 + c(name.size() / 2) * 7 + c(name.size() - 1)) & 255;
}

CritState CheckCrit(simdjson::dom::element crit, const std::string_view* names, size_t count) {
  simdjson::dom::array list;
  if (crit.get_array().get(list) != simdjson::SUCCESS || list.size() == 0) {
    return CritState::kMalformed;
  }
  std::array<std::string_view, kMaxHeaderMembers> extensions;
  size_t n = 0;
  for (simdjson::dom::element e : list) {
    std::string_view ext;
    if (n == extensions.size() || e.get_string().get(ext) != simdjson::SUCCESS ||
        IsRegisteredHeader(ext) || std::find(names, names + count, ext) == names + count) {
      return CritState::kMalformed;
    }
    extensions[n++] = ext;
  }
  return HasDuplicateNames(extensions.data(), n) ? CritState::kMalformed : CritState::kValid;
}

}  // namespace

bool HasDuplicateNames(const std::string_view* names, size_t count) {
  std::array<uint64_t, 4> seen{};
  for (size_t i = 0; i < count; ++i) {
    const size_t slot = NameSlot(names[i]);
    uint64_t& word = seen[slot >> 6];
    const uint64_t bit = uint64_t{1} << (slot & 63);
    if ((word & bit) != 0) {
      for (size_t j = 0; j < i; ++j) {
        if (names[j] == names[i]) return true;
      }
    }
    word |= bit;
  }
  return false;
}

bool TypeMatches(std::string_view typ, std::string_view expected) {
  if (absl::EqualsIgnoreCase(AbslView(typ), AbslView(expected))) return true;
  constexpr std::string_view kApp = "application/";
  if (typ.size() > kApp.size() && absl::StartsWithIgnoreCase(AbslView(typ), AbslView(kApp))) {
    return absl::EqualsIgnoreCase(AbslView(typ.substr(kApp.size())), AbslView(expected));
  }
  if (expected.size() > kApp.size() &&
      absl::StartsWithIgnoreCase(AbslView(expected), AbslView(kApp))) {
    return absl::EqualsIgnoreCase(AbslView(typ), AbslView(expected.substr(kApp.size())));
  }
  return false;
}

bool ParseHeader(simdjson::dom::parser& parser, const std::string& json, HeaderFacts* out) {
  simdjson::dom::element root;
  if (parser.parse(reinterpret_cast<const uint8_t*>(json.data()), json.size(), false).get(root) !=
      simdjson::SUCCESS) {
    return false;
  }
  simdjson::dom::object header;
  if (root.get_object().get(header) != simdjson::SUCCESS) return false;
  std::array<std::string_view, kMaxHeaderMembers> names;
  size_t count = 0;
  std::string_view alg_name, kid, typ;
  simdjson::dom::element crit;
  bool has_crit = false;
  HeaderFacts& f = *out;
  f.has_alg = f.has_kid = f.has_typ = f.embedded_key = f.has_b64 = false;
  for (simdjson::dom::key_value_pair field : header) {
    if (count == names.size()) return false;
    const std::string_view name = field.key;
    names[count++] = name;
    if (Is(name, "alg")) {
      if (field.value.get_string().get(alg_name) != simdjson::SUCCESS) return false;
      f.has_alg = true;
    } else if (Is(name, "kid")) {
      if (field.value.get_string().get(kid) != simdjson::SUCCESS) return false;
      f.has_kid = true;
    } else if (Is(name, "typ")) {
      if (field.value.get_string().get(typ) != simdjson::SUCCESS) return false;
      f.has_typ = true;
    } else if (Is(name, "crit")) {
      crit = field.value;
      has_crit = true;
    } else if (Is(name, "b64")) {
      f.has_b64 = true;
    } else if (Is(name, "jwk") || Is(name, "jku") || Is(name, "x5u") || Is(name, "x5c")) {
      f.embedded_key = true;  // RFC 8725 §3.10: never trusted to find a key
    }
  }
  if (HasDuplicateNames(names.data(), count)) return false;  // RFC 7515 §5.2 step 4
  f.alg = f.has_alg ? jwt::AlgorithmFromName(alg_name) : std::nullopt;
  f.kid.assign(kid.data(), kid.size());
  f.typ.assign(typ.data(), typ.size());
  f.crit = has_crit ? CheckCrit(crit, names.data(), count) : CritState::kAbsent;
  return true;
}

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END
