// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: token.h
// -----------------------------------------------------------------------------
// `Token`: what a successful `Verifier::Verify` returns. It owns the decoded
// JSON payload and gives typed access to the registered claims (RFC 7519 §4.1)
// and to any other top-level claim (string, number, bool, string array), for
// authorization decisions and for forwarding (see forwarding.h).
//
// Example:
//
//   edgekit::jwt::VerifyResult r = verifier.Verify(token, now);
//   if (r.ok()) {
//     const edgekit::jwt::Token& t = *r.token;
//     std::optional<std::string> tenant = t.GetString("tenant");
//     std::optional<std::vector<std::string>> roles = t.GetStringArray("roles");
//   }
//
// Claim names are compared after JSON unescaping ("\u0065xp" is "exp"). The
// payload had no duplicate member names (the verifier rejects them).
//
// Thread-safety: a `Token` is immutable after construction; its const methods
// are thread-safe. Errors: accessors return nullopt when the claim is absent
// or has another JSON type; they never fail otherwise.

#ifndef EDGEKIT_JWT_TOKEN_H_
#define EDGEKIT_JWT_TOKEN_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

class EDGEKIT_API Token {
 public:
  Token() = default;

  // Header.
  [[nodiscard]] Algorithm algorithm() const { return alg_; }
  [[nodiscard]] const std::string& key_id() const { return kid_; }
  [[nodiscard]] const std::string& type() const { return typ_; }  // "" if absent

  // Registered claims (nullopt if absent).
  [[nodiscard]] const std::optional<std::string>& issuer() const { return iss_; }
  [[nodiscard]] const std::optional<std::string>& subject() const { return sub_; }
  [[nodiscard]] const std::optional<std::string>& jwt_id() const { return jti_; }
  // NumericDate values as seconds since the epoch (fractions kept).
  [[nodiscard]] std::optional<double> expires_at_seconds() const { return exp_; }
  [[nodiscard]] std::optional<double> not_before_seconds() const { return nbf_; }
  [[nodiscard]] std::optional<double> issued_at_seconds() const { return iat_; }
  // exp as an absl::Time (saturates at absl::InfiniteFuture for huge values).
  [[nodiscard]] std::optional<absl::Time> expires_at() const;

  // The decoded payload (JSON text).
  [[nodiscard]] const std::string& payload() const { return payload_; }

  // Typed access to any top-level claim.
  [[nodiscard]] bool Has(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> GetString(std::string_view name) const;
  [[nodiscard]] std::optional<double> GetNumber(std::string_view name) const;
  [[nodiscard]] std::optional<bool> GetBool(std::string_view name) const;
  // An array whose elements are all strings (nullopt otherwise).
  [[nodiscard]] std::optional<std::vector<std::string>> GetStringArray(std::string_view name) const;
  // `aud` as a list (a single string becomes one element).
  [[nodiscard]] std::vector<std::string> Audiences() const;

 private:
  friend class Verifier;
  Algorithm alg_ = Algorithm::kHS256;
  std::string kid_;
  std::string typ_;
  std::optional<std::string> iss_;
  std::optional<std::string> sub_;
  std::optional<std::string> jti_;
  std::optional<double> exp_;
  std::optional<double> nbf_;
  std::optional<double> iat_;
  std::string payload_;
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_TOKEN_H_
