// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key_set.h
// -----------------------------------------------------------------------------
// `KeySet`: an immutable set of verification keys, selected by `kid`, each
// bound to the JWS algorithms it may verify and held as ready-to-use OpenSSL
// objects (no PEM/JWK parsing per token). Built with `KeySetBuilder` from JWK
// / JWKS (RFC 7517), PEM SubjectPublicKeyInfo, PEM X.509 certificates, or
// HMAC secrets. The host fetches the JWKS; edgekit parses it and the host
// swaps the new set into its `Verifier` (see verifier.h).
//
// Example:
//
//   edgekit::jwt::KeySetBuilder builder;
//   absl::Status s = builder.AddJwks(jwks_json);  // from the IdP
//   for (const edgekit::jwt::KeySkipped& k : builder.skipped()) {
//     LOG(WARNING) << "JWKS key " << k.kid << " skipped: " << edgekit::jwt::ToString(k.reason);
//   }
//   s.Update(builder.AddPublicKeyPem("legacy", pem, edgekit::jwt::Algorithm::kRS256));
//   std::shared_ptr<const edgekit::jwt::KeySet> set = builder.Build();
//
// Algorithm binding. Each key verifies only the algorithms it is bound to:
//   * the JWK's `alg` member, or the algorithm the host passes when loading;
//     when both are given they must agree;
//   * otherwise, where kty+crv makes it unambiguous: EC P-256 → ES256,
//     P-384 → ES384, P-521 → ES512, OKP Ed25519/Ed448 → EdDSA;
//   * an RSA member of a JWKS without `alg`: the RSA algorithms in
//     `JwksOptions::rsa_algorithms` (default all of RS256..PS512; each
//     verifier's `allowed_algorithms` narrows them further);
//   * an oct member of a JWKS (only with `allow_symmetric_keys`) without
//     `alg`: `JwksOptions::hmac_algorithm`.
// An HMAC algorithm is never bound to an RSA/EC/OKP key, so a token cannot
// make the verifier use a public key as an HMAC secret.
//
// Key checks at setup: RSA modulus < 2048 bits or > 16384 bits (a
// verification-cost bound), an even or tiny exponent, or a modulus with the
// ROCA fingerprint (CVE-2017-15361: Nemec et al., CCS 2017); EC point not on
// its curve, coordinates not exactly the curve's size (RFC 7518 §6.2.1.2);
// OKP `x` not 32 (Ed25519) / 57 (Ed448) bytes; HMAC secret shorter than the
// hash output (RFC 7518 §3.2), empty secrets included; key type or curve not
// matching the bound algorithm; malformed JSON or base64url. Private members
// of a JWK (`d`, `p`, ...) and `x5c`/`x5t`/`x5u` are ignored: the key is taken
// from n/e, crv/x/y or k only.
//
// Single keys (`AddJwk`, `AddPublicKeyPem`, `AddHmacSecret`) are the host's
// own configuration: a key that fails a check, or a duplicate `kid`, is an
// error (`kInvalidArgument`) and nothing is added.
//
// Key sets (`AddJwks`) are real-world documents: a member edgekit cannot or
// must not use is skipped with a `KeySkipReason` (listed in `skipped()`, and
// reported to a verifier's observer when the set goes live), and the set
// loads if at least one member is usable. Skipped: `use` other than "sig" or
// `key_ops` without "verify" (RFC 7517 §4.2, §4.3), unknown `kty` (§5), a
// non-JWS `alg` (e.g. "RSA-OAEP"), an unknown or key-agreement curve, oct
// keys unless `allow_symmetric_keys`, every failed key check above, and a
// `kid` already taken (the first key keeps it).
//
// Tokens without a `kid` header select the key added with the empty kid.
//
// Limits: a JWKS document ≤ `JwksOptions::max_bytes` and ≤ `max_keys` keys
// (ranges below); a single JWK or PEM ≤ 64 KiB; a kid ≤ 1 KiB.
//
// Thread-safety: `KeySet` is immutable and thread-safe; share it as
// `std::shared_ptr<const KeySet>`. `KeySetBuilder` is thread-compatible.

#ifndef EDGEKIT_JWT_KEY_SET_H_
#define EDGEKIT_JWT_KEY_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/internal/fwd.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

class Verifier;

struct JwksOptions {
  // The algorithms an RSA member without `alg` may verify. Only RS256..PS512
  // allowed; must not be empty. Default: all six RSA algorithms (a verifier
  // uses only those in its own `allowed_algorithms`).
  std::vector<Algorithm> rsa_algorithms = {Algorithm::kRS256, Algorithm::kRS384, Algorithm::kRS512,
                                           Algorithm::kPS256, Algorithm::kPS384, Algorithm::kPS512};
  // Load `kty: "oct"` members (HMAC secrets). Default false: they are
  // skipped (`KeySkipReason::kSymmetricKey`). DANGEROUS: a JWKS is usually
  // published, and an HMAC secret in a published document lets anyone mint
  // tokens. Enable only for a private document the host trusts as a secret.
  bool allow_symmetric_keys = false;
  // With `allow_symmetric_keys`: the algorithm of oct members without `alg`
  // (HS256/384/512); nullopt: such members are skipped (kNoAlgorithm).
  std::optional<Algorithm> hmac_algorithm;
  // Size of the document in bytes: [2, 16 MiB], default 256 KiB.
  size_t max_bytes = 256 * 1024;
  // Members of "keys": [1, 4096], default 256.
  size_t max_keys = 256;
};

// Why a JWKS member was not loaded. Labels (ToString) are stable snake_case.
enum class KeySkipReason : uint8_t {
  kNotForSignature,       // "not_for_signature": use != "sig" / key_ops without "verify"
  kUnsupportedKeyType,    // "unsupported_key_type": kty not RSA, EC, OKP or oct
  kUnsupportedAlgorithm,  // "unsupported_algorithm": alg not a JWS algorithm edgekit verifies
  kUnsupportedCurve,      // "unsupported_curve": crv unknown or for key agreement (X25519)
  kSymmetricKey,          // "symmetric_key": kty "oct" without allow_symmetric_keys
  kNoAlgorithm,           // "no_algorithm": no alg and no default for this key type
  kAlgorithmMismatch,     // "algorithm_mismatch": alg does not fit the key type or curve
  kMalformed,             // "malformed": not an object, wrong member types, bad base64url
  kInvalidKey,            // "invalid_key": EC point off its curve, wrong sizes, bad RSA exponent
  kWeakKey,               // "weak_key": RSA < 2048 bits, HMAC secret shorter than the hash
  kRocaVulnerable,        // "roca_vulnerable": RSA modulus with the ROCA fingerprint
  kTooLarge,              // "too_large": RSA modulus above 16384 bits, kid above 1 KiB
  kDuplicateKid,          // "duplicate_kid": an earlier key already has this kid
};
inline constexpr size_t kKeySkipReasonCount = 13;

[[nodiscard]] EDGEKIT_API std::string_view ToString(KeySkipReason reason);

// One JWKS member that was not loaded (also the event a verifier's observer
// receives when a set with skipped members goes live).
struct KeySkipped {
  size_t index = 0;  // position in the JWKS "keys" array
  std::string kid;   // its kid when readable ("" otherwise; at most 1 KiB)
  KeySkipReason reason = KeySkipReason::kMalformed;
  std::string detail;  // one sentence for logs; never contains key material
};

// Immutable key set. Thread-safe.
class EDGEKIT_API KeySet {
 public:
  ~KeySet();
  KeySet(const KeySet&) = delete;
  KeySet& operator=(const KeySet&) = delete;

  // Number of usable keys.
  [[nodiscard]] size_t size() const;
  // JWKS members that were skipped, with their reasons, in load order.
  [[nodiscard]] const std::vector<KeySkipped>& skipped() const;
  [[nodiscard]] bool Contains(std::string_view kid) const;
  // The algorithms the key `kid` may verify, in enum order (empty if no key).
  [[nodiscard]] std::vector<Algorithm> AlgorithmsOf(std::string_view kid) const;
  // The kids, sorted.
  [[nodiscard]] std::vector<std::string> Kids() const;

 private:
  friend class KeySetBuilder;
  friend class Verifier;
  explicit KeySet(std::unique_ptr<jwt_internal::KeySetImpl> impl);
  std::unique_ptr<jwt_internal::KeySetImpl> impl_;
};

// Collects keys, then `Build()`s an immutable `KeySet`. Every call either
// succeeds or adds nothing. Errors: `kInvalidArgument` (see the file
// comment). Thread-compatible.
class EDGEKIT_API KeySetBuilder {
 public:
  KeySetBuilder();
  ~KeySetBuilder();
  KeySetBuilder(KeySetBuilder&&) noexcept;
  KeySetBuilder& operator=(KeySetBuilder&&) noexcept;

  // One JWK (a JSON object). `alg`: the host's binding; RSA and oct JWKs need
  // it or their own `alg` member.
  absl::Status AddJwk(std::string_view jwk_json, std::optional<Algorithm> alg = std::nullopt);
  // A JWK Set ({"keys":[...]}). Unusable members are skipped (see
  // `skipped()`). Errors: kInvalidArgument for options out of range, a
  // document that is too large, not JSON, not an object with a "keys" array
  // (duplicate member names included), more than `max_keys` members, or no
  // usable member at all (the message lists the reasons).
  absl::Status AddJwks(std::string_view jwks_json, const JwksOptions& options = {});
  // A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "CERTIFICATE" (X.509; only its
  // public key is used: validity dates and chains are not checked here).
  absl::Status AddPublicKeyPem(std::string_view kid, std::string_view pem, Algorithm alg);
  // An HMAC secret for HS256/384/512 (raw bytes, ≥ 32/48/64 bytes).
  absl::Status AddHmacSecret(std::string_view kid, std::string_view secret, Algorithm alg);

  // Number of keys added so far.
  [[nodiscard]] size_t size() const;
  // JWKS members skipped so far (by successful AddJwks calls).
  [[nodiscard]] const std::vector<KeySkipped>& skipped() const;

  // Moves the keys into a new immutable set; the builder is left empty.
  // An empty set is allowed (every token then gets kUnknownKey).
  [[nodiscard]] std::shared_ptr<const KeySet> Build();

 private:
  std::unique_ptr<jwt_internal::KeySetImpl> impl_;
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_KEY_SET_H_
