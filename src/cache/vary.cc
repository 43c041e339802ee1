// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Vary matching (see vary.h).
#include "cache/vary.h"

#include <cstring>

#include "absl/strings/ascii.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

bool CaseInsensitiveField(std::string_view name) {
  switch (name.size()) {
    case 6:
      return name == "accept";
    case 14:
      return name == "accept-charset";
    case 15:
      return name == "accept-encoding" || name == "accept-language";
    default:
      return false;
  }
}

}  // namespace

VaryRules::VaryRules(
    const std::vector<std::pair<std::string, cache::VaryNormalizer>>& normalizers) {
  for (const auto& [name, fn] : normalizers) {
    if (!fn) continue;
    std::string lower(name);
    for (char& c : lower) c = absl::ascii_tolower(static_cast<unsigned char>(c));
    normalizers_[lower] = fn;
  }
}

OwnedVaryValue VaryRules::Normalize(std::string_view field, const http::HeaderView& headers) const {
  OwnedVaryValue v;
  auto it = normalizers_.empty() ? normalizers_.end() : normalizers_.find(field);
  if (it != normalizers_.end()) {
    std::optional<std::string> combined;
    if (headers.Contains(field)) combined = headers.GetCombined(field);
    std::optional<std::string_view> view;
    if (combined) view = *combined;
    v.present = true;  // the normalizer decides what absence means
    v.value = it->second(view);
    return v;
  }
  // The value's view, not the field's address: a view over a host's
  // storage (HeaderSource) hands each line out in one reused HeaderField.
  std::string_view first;
  size_t lines = 0;
  headers.ForEachField([&](const http::HeaderField& f) {
    if (NameEqualsLower(f.name, field) && lines++ == 0) first = f.value;
  });
  if (lines == 1) {
    v.has_raw = true;
    v.raw = std::string(first);
  }
  const bool lower = CaseInsensitiveField(field);
  headers.ForEachListMember(field, [&](std::string_view m) {
    if (v.present && !v.value.empty()) v.value.push_back(',');
    v.present = true;
    const size_t from = v.value.size();
    v.value.append(m.data(), m.size());
    if (lower) {
      for (size_t k = from; k < v.value.size(); ++k) {
        v.value[k] = absl::ascii_tolower(static_cast<unsigned char>(v.value[k]));
      }
    }
  });
  if (!v.present && headers.Contains(field)) v.present = true;  // empty value
  return v;
}

// NormalizeVary(field, headers) == want, without building the request's
// value: its list members are compared in place with the stored variant's
// value, normalised once at store time (the hit path allocates nothing).
VaryRules::Normalized VaryRules::NormalizeHooked(const http::HeaderView& headers) const {
  Normalized out;
  for (const auto& [name, fn] : normalizers_) out.emplace_back(name, Normalize(name, headers));
  return out;
}

bool VaryRules::FieldMatches(std::string_view field, const http::HeaderView& headers,
                             const cache::VaryValue& want, const Normalized* hooked) const {
  if (!normalizers_.empty() && normalizers_.find(field) != normalizers_.end()) {
    if (hooked != nullptr) {
      for (const auto& [name, v] : *hooked) {
        if (name == field) return v.present == want.present && v.value == want.value;
      }
    }
    const OwnedVaryValue v = Normalize(field, headers);
    return v.present == want.present && v.value == want.value;
  }
  if (want.has_raw) {
    // The usual request has one line of the field, byte-equal to the
    // storing request's: compared whole, in one walk of the array.
    std::string_view value;
    int lines = 0;
    headers.ForEachField([&](const http::HeaderField& f) {
      if (!NameEqualsLower(f.name, field)) return true;
      value = f.value;
      return ++lines < 2;
    });
    if (lines == 1 && value == want.raw) return true;
  }
  const bool lower = CaseInsensitiveField(field);
  const std::string_view w = want.value;
  size_t pos = 0;
  bool any = false;
  bool ok = true;
  headers.ForEachListMember(field, [&](std::string_view m) {
    if (any) {
      if (pos >= w.size() || w[pos] != ',') return ok = false;
      ++pos;
    }
    any = true;
    if (m.size() > w.size() - pos) return ok = false;
    if (lower) {
      for (size_t k = 0; k < m.size(); ++k) {
        if (absl::ascii_tolower(static_cast<unsigned char>(m[k])) != w[pos + k]) {
          return ok = false;
        }
      }
    } else if (w.compare(pos, m.size(), m) != 0) {
      return ok = false;
    }
    pos += m.size();
    return true;
  });
  if (!ok || pos != w.size()) return false;
  return (any || headers.Contains(field)) == want.present;
}

bool VaryRules::Matches(const cache::StoredResponse& r, const http::HeaderView& headers,
                        const Normalized* hooked) const {
  const auto names = r.vary();
  const auto values = r.vary_values();
  for (size_t i = 0; i < names.size(); ++i) {
    if (!FieldMatches(names[i], headers, values[i], hooked)) return false;
  }
  return true;
}

bool SameVariant(const cache::StoredResponse& a, const cache::StoredResponse& b) {
  const auto an = a.vary();
  const auto bn = b.vary();
  if (an.size() != bn.size()) return false;
  const auto av = a.vary_values();
  const auto bv = b.vary_values();
  for (size_t i = 0; i < an.size(); ++i) {
    if (an[i] != bn[i] || av[i].present != bv[i].present || av[i].value != bv[i].value) {
      return false;
    }
  }
  return true;
}

bool SameStored(const cache::StoredResponse& a, const cache::StoredResponse& b) {
  return &a == &b || (a.sequence == b.sequence && a.key() == b.key() && SameVariant(a, b));
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
