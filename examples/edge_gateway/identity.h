// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: identity.h
// -----------------------------------------------------------------------------
// Who a gateway request is, for rate limiting and per-user caching. Only
// verified facts count:
//
//   * the subject is the verified token's `sub`, else its `client_id`
//     (RFC 9068 §2.2, OAuth access tokens); a token with neither is refused;
//   * without an API key, the rate-limit key is the subject and the tier is
//     the token's `tier` claim when it names a configured tier, else the
//     default tier;
//   * an API key (X-Api-Key) must be in the registry, which binds each key to
//     its tier and to the one subject allowed to present it: a key presented
//     by anyone else is refused (403), so a free user cannot borrow a premium
//     key; a registered key is its own rate-limit key with its own tier;
//   * an unknown key is refused (401), or, by configuration, ignored and the
//     request limited by client address in the default tier, so inventing a
//     new key per request never buys a fresh quota.
//
// Thread-safety: ApiKeyRegistry is immutable after construction (thread-safe
// to read); the functions are pure.

#ifndef EDGEKIT_EXAMPLES_EDGE_GATEWAY_IDENTITY_H_
#define EDGEKIT_EXAMPLES_EDGE_GATEWAY_IDENTITY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "edgekit/jwt/token.h"

namespace edgekit_examples {

struct ApiKey {
  std::string key;
  std::string tier;
  std::string owner;  // the subject (sub or client_id) allowed to present it
};

// "KEY=TIER@OWNER" (the --api-key flag). Errors: kInvalidArgument.
absl::StatusOr<ApiKey> ParseApiKey(std::string_view spec);

enum class UnknownApiKeys {
  kRefuse,          // 401
  kLimitByAddress,  // ignore the key; limit by client address, default tier
};

class ApiKeyRegistry {
 public:
  ApiKeyRegistry() = default;
  explicit ApiKeyRegistry(const std::vector<ApiKey>& keys);
  const ApiKey* Find(std::string_view key) const;

 private:
  std::map<std::string, ApiKey, std::less<>> keys_;
};

struct Identity {
  std::string subject;    // validated user / client id
  std::string limit_key;  // "sub:alice", "key:k1" or "addr:192.0.2.1"
  std::string tier;
};

enum class IdentityVerdict {
  kOk,
  kNoSubject,    // the token names no sub / client_id → 401
  kUnknownKey,   // X-Api-Key not registered (kRefuse) → 401
  kKeyNotOwned,  // X-Api-Key registered to another subject → 403
};
std::string_view ToString(IdentityVerdict verdict);

struct IdentityPolicy {
  const ApiKeyRegistry* keys = nullptr;
  UnknownApiKeys unknown_keys = UnknownApiKeys::kRefuse;
  std::string default_tier;
  std::vector<std::string> tiers;  // configured tier names
};

// Resolves the identity of a request whose token verified.
IdentityVerdict ResolveIdentity(const edgekit::jwt::Token& token,
                                std::optional<std::string_view> api_key,
                                std::string_view client_address, const IdentityPolicy& policy,
                                Identity* out);

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_EDGE_GATEWAY_IDENTITY_H_
