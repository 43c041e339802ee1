// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Token: typed access to a verified payload through the claim index the
// verifier built (see Verifier::CheckClaims). No JSON parsing here.

#include "edgekit/jwt/token.h"

#include <utility>

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

const Token::Claim* Token::Find(std::string_view name) const {
  for (size_t i = 0; i < claims_.size(); ++i) {
    const Claim& c = claims_[i];
    if (View(c.name) == name) return &c;
    if (c.kind == Kind::kStringArray) i += c.value.size;  // skip its items
  }
  return nullptr;
}

std::optional<absl::Time> Token::expires_at() const {
  if (!exp_) return std::nullopt;
  if (*exp_ >= 9.2e9) return absl::InfiniteFuture();
  if (*exp_ <= -9.2e9) return absl::InfinitePast();
  return absl::UnixEpoch() + absl::Seconds(*exp_);
}

std::optional<std::string> Token::GetString(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kString) return std::nullopt;
  return std::string(View(c->value));
}

std::optional<double> Token::GetNumber(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kNumber) return std::nullopt;
  return c->number;
}

std::optional<bool> Token::GetBool(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kBool) return std::nullopt;
  return c->boolean;
}

std::optional<std::vector<std::string>> Token::GetStringArray(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kStringArray) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(c->value.size);
  for (uint32_t i = 1; i <= c->value.size; ++i) out.emplace_back(View(c[i].value));
  return out;
}

std::vector<std::string> Token::Audiences() const {
  if (std::optional<std::string> one = GetString("aud")) return {std::move(*one)};
  return GetStringArray("aud").value_or(std::vector<std::string>{});
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
