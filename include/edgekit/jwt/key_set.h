// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key_set.h
// -----------------------------------------------------------------------------
// `KeySet`: an immutable set of verification keys, selected by `kid`, each
// bound to exactly one JWS algorithm and held as a ready-to-use OpenSSL object
// (no PEM/JWK parsing per token). Built with `KeySetBuilder` from JWK / JWKS
// (RFC 7517), PEM SubjectPublicKeyInfo, PEM X.509 certificates, or HMAC
// secrets. The host fetches the JWKS; edgekit parses it and the host swaps the
// new set into its `Verifier` (see verifier.h).
//
// Example:
//
//   edgekit::jwt::KeySetBuilder builder;
//   absl::Status s = builder.AddJwks(jwks_json);              // from the IdP
//   s.Update(builder.AddPublicKeyPem("legacy", pem, edgekit::jwt::Algorithm::kRS256));
//   absl::StatusOr<std::shared_ptr<const edgekit::jwt::KeySet>> set = builder.Build();
//
// Algorithm binding. Each key verifies one algorithm only:
//   * the JWK's `alg` member, or the algorithm the host passes when loading;
//     when both are given they must agree;
//   * otherwise, where kty+crv makes it unambiguous: EC P-256 → ES256,
//     P-384 → ES384, P-521 → ES512, OKP Ed25519/Ed448 → EdDSA;
//   * RSA and oct keys need an explicit algorithm (RS256 vs PS256, HS256 vs
//     HS512 cannot be guessed safely): the JWK's `alg`, the host's argument,
//     or `JwksOptions::rsa_algorithm` / `hmac_algorithm` for a whole set.
//
// Key checks at setup (all `kInvalidArgument`): RSA modulus < 2048 bits (or
// > 16384, a verification-cost bound) or an even / tiny exponent; EC point not on its curve,
// coordinates not exactly the curve's size (RFC 7518 §6.2.1.2); OKP `x` not 32 (Ed25519) / 57
// (Ed448) bytes; HMAC secret shorter than the hash output (RFC 7518 §3.2: 32/48/64 bytes), empty
// secrets included; key type or curve not matching the bound algorithm; `use` other than "sig" or
// `key_ops` without "verify" (for a single JWK); duplicate `kid` (the empty kid included);
// malformed JSON or base64url. Private members of a JWK (`d`, `p`, ...) are ignored: only the
// public part is loaded. `x5c`/`x5t`/`x5u` members of a JWK are ignored too: the key is taken from
// n/e, crv/x/y or k only.
//
// JWKS policy: keys whose `use` is not "sig" (e.g. RFC 7517 A.1's "enc" EC
// key), whose `key_ops` lack "verify", or whose `kty` is unknown are skipped
// (RFC 7517 §5) and counted in `skipped_keys()`; any other bad key fails the
// whole call and adds nothing.
//
// Tokens without a `kid` header select the key added with the empty kid.
//
// Limits: a JWKS document ≤ `JwksOptions::max_bytes` (256 KiB default) and
// ≤ `max_keys` (256) keys; a single JWK ≤ 64 KiB.
//
// Thread-safety: `KeySet` is immutable and thread-safe; share it as
// `std::shared_ptr<const KeySet>`. `KeySetBuilder` is thread-compatible.

#ifndef EDGEKIT_JWT_KEY_SET_H_
#define EDGEKIT_JWT_KEY_SET_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {
struct KeySetImpl;
}  // namespace jwt_internal
namespace jwt {

struct JwksOptions {
  // Algorithm for RSA keys that carry no `alg` (nullopt: such keys are an error).
  std::optional<Algorithm> rsa_algorithm;
  // Algorithm for oct keys that carry no `alg` (nullopt: such keys are an error).
  std::optional<Algorithm> hmac_algorithm;
  size_t max_bytes = 256 * 1024;
  size_t max_keys = 256;
};

// Immutable key set. Thread-safe.
class EDGEKIT_API KeySet {
 public:
  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  // Number of usable keys.
  [[nodiscard]] size_t size() const;
  // JWKS members that were skipped (use != sig, unknown kty, no "verify" op).
  [[nodiscard]] size_t skipped_keys() const;
  [[nodiscard]] bool Contains(std::string_view kid) const;
  // The algorithm the key `kid` is bound to, or nullopt if there is none.
  [[nodiscard]] std::optional<Algorithm> AlgorithmOf(std::string_view kid) const;
  // The kids, sorted.
  [[nodiscard]] std::vector<std::string> Kids() const;

  // Internal representation (for the verifier; not part of the API).
  [[nodiscard]] const jwt_internal::KeySetImpl& impl() const { return *impl_; }

 private:
  friend class KeySetBuilder;
  explicit KeySet(std::unique_ptr<jwt_internal::KeySetImpl> impl);
  std::unique_ptr<jwt_internal::KeySetImpl> impl_;
};

// Collects keys, then `Build()`s an immutable `KeySet`. Every Add* either adds
// all its keys or none. Errors: `kInvalidArgument` (see the file comment).
// Thread-compatible.
class EDGEKIT_API KeySetBuilder {
 public:
  KeySetBuilder();
  ~KeySetBuilder();
  KeySetBuilder(KeySetBuilder&&) noexcept;
  KeySetBuilder& operator=(KeySetBuilder&&) noexcept;

  // One JWK (a JSON object). `alg`: the host's binding (see file comment).
  absl::Status AddJwk(std::string_view jwk_json, std::optional<Algorithm> alg = std::nullopt);
  // A JWK Set ({"keys":[...]}).
  absl::Status AddJwks(std::string_view jwks_json, const JwksOptions& options = {});
  // A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "CERTIFICATE" (X.509; only its
  // public key is used: validity dates and chains are not checked here).
  absl::Status AddPublicKeyPem(std::string_view kid, std::string_view pem, Algorithm alg);
  // An HMAC secret for HS256/384/512 (raw bytes, ≥ 32/48/64 bytes).
  absl::Status AddHmacSecret(std::string_view kid, std::string_view secret, Algorithm alg);

  // Number of keys added so far.
  [[nodiscard]] size_t size() const;

  // Moves the keys into a new immutable set; the builder is left empty.
  // An empty set is allowed (every token then gets kUnknownKey).
  [[nodiscard]] std::shared_ptr<const KeySet> Build();

 private:
  std::unique_ptr<jwt_internal::KeySetImpl> impl_;
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_KEY_SET_H_
