// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: algorithm.h
// -----------------------------------------------------------------------------
// JWS signature algorithms (RFC 7518 §3, RFC 8037 §3.1) and the verdicts a
// verification can return, each with its registered name / `ToString`.
//
// Example:
//
//   std::optional<edgekit::jwt::Algorithm> alg = edgekit::jwt::AlgorithmFromName("ES256");
//   if (alg) std::puts(edgekit::jwt::AlgorithmName(*alg).data());
//   std::puts(edgekit::jwt::ToString(edgekit::jwt::Verdict::kExpired).data());  // "expired"
//
// Thread-safety: all functions are pure and thread-safe. Errors: none;
// `AlgorithmFromName` returns nullopt for names it does not know, and for
// `none` in any capitalisation (it is never an algorithm here).

#ifndef EDGEKIT_JWT_ALGORITHM_H_
#define EDGEKIT_JWT_ALGORITHM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

// The JWS `alg` values edgekit verifies. `kEdDSA` covers Ed25519 and (when
// OpenSSL offers it) Ed448: the key's curve decides, as RFC 8037 §3.1 says.
enum class Algorithm : uint8_t {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};
inline constexpr size_t kAlgorithmCount = 13;

// The registered name ("HS256", ..., "EdDSA").
[[nodiscard]] EDGEKIT_API std::string_view AlgorithmName(Algorithm alg);

// Exact (case-sensitive, RFC 7515 §4.1.1) name lookup. nullopt for unknown
// names and for "none" in every capitalisation.
[[nodiscard]] EDGEKIT_API std::optional<Algorithm> AlgorithmFromName(std::string_view name);

// The outcome of a verification. `kOk` is the only success.
enum class Verdict : uint8_t {
  kOk,
  kMalformed,             // not a strict compact JWS, bad base64url, bad JSON, duplicate member
  kOversized,             // token or header segment above the configured limit
  kUnsupportedAlgorithm,  // `alg` unknown, missing, or `none` in any capitalisation
  kAlgorithmNotAllowed,   // `alg` known but not in this verifier's allow-list
  kUnknownKey,            // no key with the token's `kid` (see refresh_suggested)
  kKeyAlgorithmMismatch,  // the key with that `kid` is bound to another algorithm
  kBadSignature,          // signature wrongly sized, out of range, or not valid
  kUnsupportedCrit,       // `crit` names an extension edgekit does not implement (e.g. b64)
  kEmbeddedKey,           // jwk/jku/x5u/x5c present and the verifier rejects them
  kBadType,               // `typ` differs from the expected type
  kMalformedClaim,        // a registered claim has the wrong JSON type
  kExpired,               // now >= exp + leeway (RFC 7519 §4.1.4)
  kNotYetValid,           // now + leeway < nbf (RFC 7519 §4.1.5), or iat in the future
  kTooOld,                // now - iat > max token age + leeway
  kIssuer,                // `iss` not in the allowed set
  kAudience,              // `aud` does not name this verifier (RFC 7519 §4.1.3)
  kMissingClaim,          // a required claim (or exp/iss/aud/iat when needed) is absent
  kRevoked,               // `jti` is in the revocation list
};
inline constexpr size_t kVerdictCount = 19;

// A stable snake_case label, usable as a metric label value: "ok",
// "malformed", "oversized", "unsupported_algorithm", "algorithm_not_allowed",
// "unknown_key", "key_algorithm_mismatch", "bad_signature", "unsupported_crit",
// "embedded_key", "bad_type", "malformed_claim", "expired", "not_yet_valid",
// "too_old", "bad_issuer", "bad_audience", "missing_claim", "revoked".
// Never allocates.
[[nodiscard]] EDGEKIT_API std::string_view ToString(Verdict verdict);

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_ALGORITHM_H_
