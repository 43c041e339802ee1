// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: identity.cc
// -----------------------------------------------------------------------------
// The gateway's identity model (identity.h).

#include "identity.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

namespace edgekit_examples {

absl::StatusOr<ApiKey> ParseApiKey(std::string_view spec) {
  const size_t eq = spec.find('=');
  const size_t at = spec.rfind('@');
  if (eq == std::string_view::npos || eq == 0 || at == std::string_view::npos || at < eq + 2 ||
      at + 1 == spec.size()) {
    return absl::InvalidArgumentError("an API key is KEY=TIER@OWNER");
  }
  ApiKey k;
  k.key = std::string(spec.substr(0, eq));
  k.tier = std::string(spec.substr(eq + 1, at - eq - 1));
  k.owner = std::string(spec.substr(at + 1));
  return k;
}

ApiKeyRegistry::ApiKeyRegistry(const std::vector<ApiKey>& keys) {
  for (const ApiKey& k : keys) keys_[k.key] = k;
}

const ApiKey* ApiKeyRegistry::Find(std::string_view key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? nullptr : &it->second;
}

std::string_view ToString(IdentityVerdict verdict) {
  switch (verdict) {
    case IdentityVerdict::kOk:
      return "ok";
    case IdentityVerdict::kNoSubject:
      return "no_subject";
    case IdentityVerdict::kUnknownKey:
      return "unknown_key";
    case IdentityVerdict::kKeyNotOwned:
      return "key_not_owned";
  }
  return "unknown";
}

IdentityVerdict ResolveIdentity(const edgekit::jwt::Token& token,
                                std::optional<std::string_view> api_key,
                                std::string_view client_address, const IdentityPolicy& policy,
                                Identity* out) {
  std::string subject;
  if (const auto sub = token.subject(); sub && !sub->empty()) {
    subject = std::string(*sub);
  } else if (auto client_id = token.GetString("client_id"); client_id && !client_id->empty()) {
    subject = *std::move(client_id);
  } else {
    return IdentityVerdict::kNoSubject;
  }
  out->subject = subject;
  if (api_key) {
    const ApiKey* k = policy.keys ? policy.keys->Find(*api_key) : nullptr;
    if (k != nullptr) {
      if (k->owner != subject) return IdentityVerdict::kKeyNotOwned;
      out->limit_key = absl::StrCat("key:", k->key);
      out->tier = k->tier;
      return IdentityVerdict::kOk;
    }
    if (policy.unknown_keys == UnknownApiKeys::kRefuse) return IdentityVerdict::kUnknownKey;
    out->limit_key = absl::StrCat("addr:", edgekit::AbslView(client_address));
    out->tier = policy.default_tier;
    return IdentityVerdict::kOk;
  }
  out->limit_key = absl::StrCat("sub:", subject);
  const std::optional<std::string> claimed = token.GetString("tier");
  const bool known = claimed && std::find(policy.tiers.begin(), policy.tiers.end(), *claimed) !=
                                    policy.tiers.end();
  out->tier = known ? *claimed : policy.default_tier;
  return IdentityVerdict::kOk;
}

}  // namespace edgekit_examples
