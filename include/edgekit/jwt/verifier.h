// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: verifier.h
// -----------------------------------------------------------------------------
// `Verifier`: verifies JWS compact tokens (RFC 7515 §7.1) and JWT claims
// (RFC 7519) against a swappable `KeySet`.
//
//   * `Verify(token, now)`: a JWT: signature, then claims (exp/nbf/iat with
//     leeway, max age, iss, aud, required claims, jti revocation). On success
//     the result owns a `Token` with typed claim access.
//   * `VerifyJws(token, now)`: the signature only; the payload may be any
//     bytes (RFC 8037 A.4 signs plain text). Returns the decoded payload.
//
// Example:
//
//   edgekit::jwt::VerifierOptions options;
//   options.allowed_algorithms = {edgekit::jwt::Algorithm::kES256};
//   options.allowed_issuers = {"https://idp.example"};
//   options.audiences = {"api"};
//   auto verifier = edgekit::jwt::Verifier::Create(options, key_set);  // StatusOr
//   edgekit::jwt::VerifyResult r = (*verifier)->Verify(token, absl::Now());
//   if (!r.ok()) return Reply401(edgekit::jwt::ToString(r.verdict));
//   if (r.refresh_suggested) host_fetches_jwks_then((*verifier)->SetKeySet(...));
//
// Strictness (each rejection's verdict in algorithm.h):
//   * exactly three base64url segments, no padding, no whitespace or other
//     stray bytes, canonical encoding (unused trailing bits must be zero,
//     RFC 4648 §3.5); token ≤ max_token_bytes, header segment ≤
//     max_header_bytes; header and payload are JSON objects (RFC 8259, UTF-8
//     validated) without duplicate member names (RFC 7515 §5.2 step 4);
//   * `alg` must be a known algorithm in the allow-list and equal to the
//     key's bound algorithm; `none` is never accepted;
//   * `crit` (RFC 7515 §4.1.11) must be a non-empty array of strings naming
//     header members that are present and not registered by JWS/JWA, and
//     every name must be in `understood_crit`; otherwise kMalformed or
//     kUnsupportedCrit;
//   * `jwk`, `jku`, `x5u`, `x5c` in the header are never used to find a key;
//     with `reject_embedded_keys` their presence is kEmbeddedKey;
//   * `typ` is checked when `expected_type` is set (RFC 9068 §4: "at+jwt"
//     also matches "application/at+jwt", case-insensitively);
//   * ECDSA signatures are the raw r‖s of exactly 64/96/132 bytes with
//     0 < r, s < n; high-S values are valid. HMAC tags are compared in
//     constant time (CRYPTO_memcmp) and must have the full hash length.
//
// Claims (RFC 7519 §4.1): exp/nbf/iat must be JSON numbers (fractions
// allowed; other types → kMalformedClaim); expired when now ≥ exp + leeway,
// not yet valid when now + leeway < nbf. iss must be a string in
// `allowed_issuers` (exact match) when that is non-empty; aud a string or an
// array of strings, accepted when any value is in `audiences` (if
// non-empty). A missing exp (with require_exp), iss, aud (when configured),
// iat (with max_token_age) or required claim → kMissingClaim.
//
// Revocation: with `revocations` set, a token whose `jti` is in the list is
// kRevoked. Tokens without `jti` cannot be revoked: add "jti" to
// `required_claims` to demand one.
//
// Unknown kid: the verdict is kUnknownKey, and `refresh_suggested` is true at
// most once per `refresh_interval` (of the `now` values passed in) across all
// threads: the host may refetch the JWKS and call `SetKeySet`. If the wall
// clock moves back by more than an interval, suggestions resume at once.
//
// Cost: the rejection path never allocates: each thread keeps scratch
// buffers and two simdjson parsers, sized on its first call for the default
// limits (a verifier with larger limits grows them once). A successful
// Verify makes one allocation (the Token's buffer). Verdicts are enums.
// Typical costs (Release, shared 2-core machine): HS256 ≈ 2.2× a raw
// pre-keyed HMAC; RS256/ES256/EdDSA at or below a raw EVP_DigestVerifyInit +
// EVP_DigestVerify (each key keeps a prepared verify context that is copied
// per token). See docs/jwt.md and benchmarks/jwt_benchmark.cc.
//
// Thread-safety: thread-safe. One verifier may be shared by all threads;
// `SetKeySet` swaps the set atomically while verifications run (each
// verification uses one consistent set).

#ifndef EDGEKIT_JWT_VERIFIER_H_
#define EDGEKIT_JWT_VERIFIER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/token.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

struct VerifierOptions {
  // Algorithms accepted; must not be empty.
  std::vector<Algorithm> allowed_algorithms;
  // Accepted `iss` values (exact). Empty: iss is not checked.
  std::vector<std::string> allowed_issuers;
  // Accepted `aud` values (any-of). Empty: aud is not checked.
  std::vector<std::string> audiences;
  // Claims that must be present (any JSON type). At most 64.
  std::vector<std::string> required_claims;
  // Expected `typ` (e.g. "at+jwt", RFC 9068); empty: not checked.
  std::string expected_type;
  // `crit` extension names this host processes itself.
  std::vector<std::string> understood_crit;
  // Clock skew allowed on exp, nbf and iat. Must be ≥ 0.
  absl::Duration leeway = absl::ZeroDuration();
  // Reject tokens older than this (by iat, which then becomes required).
  std::optional<absl::Duration> max_token_age;
  // A token without exp → kMissingClaim.
  bool require_exp = true;
  // jwk/jku/x5u/x5c in the header → kEmbeddedKey (otherwise ignored).
  bool reject_embedded_keys = false;
  // Size limits (bytes of the compact token / of the header segment).
  size_t max_token_bytes = 16 * 1024;
  size_t max_header_bytes = 4 * 1024;
  // Minimum interval between two refresh suggestions on unknown kids.
  absl::Duration refresh_interval = absl::Seconds(30);
  // Optional jti revocation list (shared, thread-safe).
  std::shared_ptr<const RevocationList> revocations;
  // Clock for the overloads without `now` (system time); must outlive the
  // verifier. Not owned.
  Clock* clock = &RealClock::Get();
};

// Result of Verify(). `token` is set iff `verdict == kOk`.
struct VerifyResult {
  Verdict verdict = Verdict::kMalformed;
  // kUnknownKey only: the host may refetch the key set (rate-limited).
  bool refresh_suggested = false;
  std::optional<Token> token;
  [[nodiscard]] bool ok() const { return verdict == Verdict::kOk; }
};

// Result of VerifyJws(). `payload` is the decoded payload iff `verdict == kOk`.
struct JwsResult {
  Verdict verdict = Verdict::kMalformed;
  bool refresh_suggested = false;
  std::string payload;
  [[nodiscard]] bool ok() const { return verdict == Verdict::kOk; }
};

class EDGEKIT_API Verifier {
 public:
  // Counts of verdicts since creation (relaxed reads).
  struct Stats {
    std::array<uint64_t, kVerdictCount> by_verdict{};
    uint64_t refresh_suggestions = 0;
  };

  // Errors: kInvalidArgument if `allowed_algorithms` is empty, leeway is
  // negative, limits are zero, more than 64 required claims, or `key_set`
  // is null.
  static absl::StatusOr<std::unique_ptr<Verifier>> Create(VerifierOptions options,
                                                          std::shared_ptr<const KeySet> key_set);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  [[nodiscard]] VerifyResult Verify(std::string_view token, absl::Time now) const;
  [[nodiscard]] VerifyResult Verify(std::string_view token) const {
    return Verify(token, options_.clock->SystemNow());
  }
  [[nodiscard]] JwsResult VerifyJws(std::string_view token, absl::Time now) const;

  // Replaces the key set (null is ignored). Thread-safe; verifications in
  // flight finish with the set they started with.
  void SetKeySet(std::shared_ptr<const KeySet> key_set);
  [[nodiscard]] std::shared_ptr<const KeySet> key_set() const;

  [[nodiscard]] const VerifierOptions& options() const { return options_; }
  [[nodiscard]] Stats stats() const;

 private:
  struct Checked;
  Verifier(VerifierOptions options, std::shared_ptr<const KeySet> key_set);
  Verdict CheckSignature(std::string_view token, absl::Time now, Checked* out,
                         bool* refresh_suggested) const;
  Verdict CheckClaims(const Checked& checked, absl::Time now, Token* token) const;
  bool SuggestRefresh(absl::Time now) const;
  Verdict Count(Verdict v) const {
    counts_[static_cast<size_t>(v)].fetch_add(1, std::memory_order_relaxed);
    return v;
  }

  const VerifierOptions options_;
  uint32_t allowed_mask_ = 0;
  mutable Mutex mu_;
  std::shared_ptr<const KeySet> key_set_ ABSL_GUARDED_BY(mu_);
  mutable std::atomic<int64_t> next_refresh_ns_;
  mutable std::atomic<uint64_t> refresh_suggestions_{0};
  mutable std::array<std::atomic<uint64_t>, kVerdictCount> counts_{};
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_VERIFIER_H_
