// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: verifier.h
// -----------------------------------------------------------------------------
// `Verifier`: verifies JWS compact tokens (RFC 7515 §7.1) and JWT claims
// (RFC 7519) against a swappable `KeySet`.
//
//   * `Verify(token, now)`: a JWT: signature, then claims (exp/nbf/iat with
//     leeway, max age, iss, aud, required claims, jti revocation). On success
//     the result owns a `Token` with its claims indexed.
//   * `VerifyJws(token, now)`: the signature only; the payload may be any
//     bytes (RFC 8037 A.4 signs plain text). Returns the decoded payload.
//
// Example (a gateway; the full program is examples/jwt_example.cc):
//
//   edgekit::jwt::VerifierOptions options;
//   options.allowed_algorithms = {edgekit::jwt::Algorithm::kES256};
//   options.allowed_issuers = {"https://idp.example"};
//   options.audiences = {"https://api.example"};
//   auto verifier = edgekit::jwt::Verifier::Create(options, key_set);  // StatusOr
//   edgekit::jwt::VerifyResult r = (*verifier)->Verify(bearer_token);
//   if (!r.ok()) return Reply401(edgekit::jwt::ToString(r.verdict));
//   if (r.refresh_suggested) host_fetches_jwks_then((*verifier)->SetKeySet(...));
//
// Secure defaults: `allowed_issuers` and `audiences` are required; a
// verifier without them is refused at Create() unless the host opts out with
// `accept_any_issuer` / `accept_any_audience` (dangerous: see the options).
// A token whose `aud` does not name this verifier is rejected (RFC 7519
// §4.1.3), and so is a token without `aud`.
//
// Strictness (each rejection's verdict in algorithm.h):
//   * exactly three base64url segments, no padding, no whitespace or other
//     stray bytes, canonical encoding (unused trailing bits must be zero,
//     RFC 4648 §3.5); token ≤ max_token_bytes, header segment ≤
//     max_header_bytes; header and payload are JSON objects (RFC 8259, UTF-8
//     validated) without duplicate member names (RFC 7515 §5.2 step 4);
//   * `alg` must be a known algorithm in the allow-list and one the key with
//     that `kid` is bound to; `none` is never accepted;
//   * `crit` (RFC 7515 §4.1.11) must be a non-empty array of distinct strings
//     naming header members that are present and not registered by JWS/JWA
//     (else kMalformed); edgekit implements no extension, so a valid `crit`
//     is kUnsupportedCrit. `b64` (RFC 7797) is not implemented: listed in
//     `crit` it is kUnsupportedCrit, present without `crit` it is kMalformed
//     (RFC 7797 §6 requires it to be critical);
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
// `allowed_issuers` (exact match); aud a string or an array of strings,
// accepted when any value is in `audiences`. A missing exp (with
// require_exp), iss, aud, iat (with max_token_age) or required claim →
// kMissingClaim.
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
// Cost: verification takes no lock. Each thread keeps the key set it used
// last for each verifier (up to 4 verifiers per thread), checked against an
// atomic generation counter per call; after `SetKeySet` each thread takes the
// new set once, under the verifier's mutex. A thread's reference to a
// replaced set is dropped when that thread next verifies with this verifier,
// or when it exits. Each thread also remembers the header segment it parsed
// last and the key its kid selected (tokens from one key share their header
// byte for byte), and keeps copies of keys' prepared OpenSSL contexts (8
// per thread). Rejections never allocate: each thread keeps scratch
// buffers and simdjson parsers, sized on its first call for the default
// limits. A successful Verify allocates once (the Token). Measured costs
// against raw OpenSSL: docs/jwt.md.
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
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/token.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

// A key set went live (at Create() or SetKeySet()).
struct KeySetInstalled {
  size_t keys = 0;          // usable keys
  size_t skipped_keys = 0;  // JWKS members skipped (each also reported by OnKeySkipped)
};

// An unknown kid made the verifier suggest a JWKS refetch.
struct RefreshSuggested {
  // The token's kid: valid during the call only, and only until the observer
  // itself calls Verify on the same thread (the view points into the
  // thread's header memo). Copy it first to keep it.
  std::string_view kid;
  absl::Time now;
};

// Events a host logs. Methods are called on the thread whose call caused the
// event, never under an internal lock; they must not throw, and the observer
// must outlive the verifier. Default implementations do nothing.
class VerifierObserver {
 public:
  virtual ~VerifierObserver() = default;
  virtual void OnKeySetInstalled(const KeySetInstalled& /*event*/) {}
  // Once per skipped JWKS member of a set that goes live.
  virtual void OnKeySkipped(const KeySkipped& /*event*/) {}
  virtual void OnRefreshSuggested(const RefreshSuggested& /*event*/) {}
};

// Every field's range is checked by Verifier::Create (kInvalidArgument naming
// the field); nothing is clamped.
struct VerifierOptions {
  // Algorithms accepted. Required: 1..13 known algorithms.
  std::vector<Algorithm> allowed_algorithms;
  // Accepted `iss` values (exact match). Required unless accept_any_issuer:
  // 1..64 non-empty strings of at most 1 KiB.
  std::vector<std::string> allowed_issuers;
  // DANGEROUS: accept tokens from any issuer (iss is then not checked, and
  // any key in the set may vouch for any issuer). Only with allowed_issuers
  // empty. Default false.
  bool accept_any_issuer = false;
  // The names this verifier answers to in `aud`. Required unless
  // accept_any_audience: 1..64 non-empty strings of at most 1 KiB.
  std::vector<std::string> audiences;
  // DANGEROUS: accept tokens minted for any audience (aud is then not
  // checked: a token for another service passes). For a host that forwards
  // to origins which check aud themselves. Only with audiences empty.
  // Default false.
  bool accept_any_audience = false;
  // Claims that must be present (any JSON type): 0..64 non-empty names.
  std::vector<std::string> required_claims;
  // Expected `typ` (e.g. "at+jwt", RFC 9068); empty: not checked. ≤ 256 bytes.
  std::string expected_type;
  // `crit` extensions to accept. Only extensions edgekit implements may be
  // listed, and this version implements none ("b64", RFC 7797, included), so
  // Create() refuses any entry. Default empty.
  std::vector<std::string> understood_crit;
  // Clock skew allowed on exp, nbf and iat: [0, 5 min], default 0.
  absl::Duration leeway = absl::ZeroDuration();
  // Reject tokens older than this (by iat, which then becomes required):
  // [1 s, 366 days] when set; default unset (no age limit).
  std::optional<absl::Duration> max_token_age;
  // A token without exp → kMissingClaim. Default true.
  bool require_exp = true;
  // jwk/jku/x5u/x5c in the header → kEmbeddedKey (otherwise ignored).
  bool reject_embedded_keys = false;
  // Bytes of the compact token: [64, 1 MiB], default 16 KiB.
  size_t max_token_bytes = 16 * 1024;
  // Bytes of the header segment: [16, max_token_bytes], default 4 KiB.
  size_t max_header_bytes = 4 * 1024;
  // Minimum interval between two refresh suggestions on unknown kids:
  // [1 s, 24 h], default 30 s.
  absl::Duration refresh_interval = absl::Seconds(30);
  // Optional jti revocation list (shared, thread-safe).
  std::shared_ptr<const RevocationList> revocations;
  // Optional event hooks (not owned; must outlive the verifier).
  VerifierObserver* observer = nullptr;
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

// A snapshot of a verifier's counters since creation.
struct VerifierCounters {
  std::array<uint64_t, kVerdictCount> by_verdict{};  // index: static_cast<size_t>(Verdict)
  uint64_t refresh_suggestions = 0;
  uint64_t key_set_swaps = 0;  // successful SetKeySet calls
};

class EDGEKIT_API Verifier {
 public:
  // Errors: kInvalidArgument when an option is out of its range (see
  // VerifierOptions; the message names the field) or `key_set` is null.
  // `clock` is read by the overloads without `now` (system time); it must
  // outlive the verifier.
  static absl::StatusOr<std::unique_ptr<Verifier>> Create(VerifierOptions options,
                                                          std::shared_ptr<const KeySet> key_set,
                                                          Clock& clock = RealClock::Get());
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  [[nodiscard]] VerifyResult Verify(std::string_view token, absl::Time now) const;
  [[nodiscard]] VerifyResult Verify(std::string_view token) const {
    return Verify(token, clock_.SystemNow());
  }
  [[nodiscard]] JwsResult VerifyJws(std::string_view token, absl::Time now) const;
  [[nodiscard]] JwsResult VerifyJws(std::string_view token) const {
    return VerifyJws(token, clock_.SystemNow());
  }

  // Replaces the key set (null is ignored). Thread-safe; verifications in
  // flight finish with the set they started with. Reports the new set to the
  // observer (OnKeySetInstalled, then OnKeySkipped per skipped member).
  void SetKeySet(std::shared_ptr<const KeySet> key_set);
  [[nodiscard]] std::shared_ptr<const KeySet> key_set() const;

  [[nodiscard]] const VerifierOptions& options() const { return options_; }
  [[nodiscard]] VerifierCounters counters() const;
  // edgekit_jwt_verifications_total{verdict}, edgekit_jwt_refresh_suggestions_total,
  // edgekit_jwt_key_set_swaps_total, edgekit_jwt_keys, edgekit_jwt_skipped_keys.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  struct Checked;
  Verifier(VerifierOptions options, std::shared_ptr<const KeySet> key_set, Clock& clock);
  const KeySet& CurrentKeySet(uint64_t* generation) const;
  Verdict CheckSignature(std::string_view token, absl::Time now, Checked* out) const;
  Verdict CheckClaims(const Checked& checked, absl::Time now, std::optional<Token>* token) const;
  bool SuggestRefresh(absl::Time now) const;
  void Report(const Checked& checked, absl::Time now) const;
  void AnnounceKeySet(const KeySet& set) const;
  Verdict Count(Verdict v) const {
    counts_[static_cast<size_t>(v)].fetch_add(1, std::memory_order_relaxed);
    return v;
  }

  const VerifierOptions options_;
  Clock& clock_;
  const uint64_t id_;  // process-unique: keys the per-thread key set caches
  uint32_t allowed_mask_ = 0;
  double leeway_seconds_ = 0;
  double max_age_seconds_ = 0;
  mutable Mutex mu_;
  std::shared_ptr<const KeySet> key_set_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> generation_{1};  // bumped (under mu_) by every swap
  mutable std::atomic<int64_t> next_refresh_ns_;
  mutable std::atomic<uint64_t> refresh_suggestions_{0};
  std::atomic<uint64_t> swaps_{0};
  mutable std::array<std::atomic<uint64_t>, kVerdictCount> counts_{};
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_VERIFIER_H_
