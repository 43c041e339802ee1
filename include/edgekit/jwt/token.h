// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: token.h
// -----------------------------------------------------------------------------
// `Token`: what a successful `Verifier::Verify` returns. It owns the decoded
// JSON payload and an index of its top-level claims, built once during
// verification, and gives typed access to the registered claims (RFC 7519
// §4.1) and to any other top-level claim (string, number, bool, string
// array), for authorization decisions and for forwarding (see forwarding.h).
// Accessors read the index: they never parse the payload again.
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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/internal/fwd.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

class Verifier;

class EDGEKIT_API Token {
 public:
  // A key only edgekit's verifier can make: tokens come from Verify().
  class BuildKey {
   private:
    friend class jwt_internal::TokenBuilder;
    BuildKey() {}  // user-provided: BuildKey{} from outside does not compile
  };

  Token() noexcept;
  // Leaves the fields for the verifier to fill in (not for use outside edgekit).
  explicit Token(BuildKey /*key*/) noexcept {}
  Token(const Token& other);
  Token& operator=(const Token& other);
  Token(Token&& other) noexcept;
  Token& operator=(Token&& other) noexcept;
  ~Token();

  // Header.
  [[nodiscard]] Algorithm algorithm() const { return alg_; }
  [[nodiscard]] std::string_view key_id() const { return View(kid_); }  // "" if absent
  [[nodiscard]] std::string_view type() const { return View(typ_); }    // "" if absent

  // Registered claims, unescaped (nullopt if absent). Views into this Token.
  [[nodiscard]] std::optional<std::string_view> issuer() const { return Opt(iss_); }
  [[nodiscard]] std::optional<std::string_view> subject() const { return Opt(sub_); }
  [[nodiscard]] std::optional<std::string_view> jwt_id() const { return Opt(jti_); }
  // NumericDate values as seconds since the epoch (fractions kept).
  [[nodiscard]] std::optional<double> expires_at_seconds() const { return exp_; }
  [[nodiscard]] std::optional<double> not_before_seconds() const { return nbf_; }
  [[nodiscard]] std::optional<double> issued_at_seconds() const { return iat_; }
  // exp as an absl::Time (saturates at absl::InfiniteFuture for huge values).
  [[nodiscard]] std::optional<absl::Time> expires_at() const;

  // The decoded payload (JSON text).
  [[nodiscard]] std::string_view payload() const { return View(payload_); }

  // Number of top-level claims.
  [[nodiscard]] size_t claim_count() const { return claim_count_; }

  // Typed access to any top-level claim (reads the index built at verification).
  [[nodiscard]] bool Has(std::string_view name) const { return Find(name) != nullptr; }
  [[nodiscard]] std::optional<std::string> GetString(std::string_view name) const;
  [[nodiscard]] std::optional<double> GetNumber(std::string_view name) const;
  [[nodiscard]] std::optional<bool> GetBool(std::string_view name) const;
  // An array whose elements are all strings (nullopt otherwise).
  [[nodiscard]] std::optional<std::vector<std::string>> GetStringArray(std::string_view name) const;
  // `aud` as a list (a single string becomes one element).
  [[nodiscard]] std::vector<std::string> Audiences() const;

 private:
  friend class jwt_internal::TokenBuilder;
  // A piece of the byte area (offsets, so copies stay valid).
  // No member initializers: the verifier writes every field of a Token it
  // builds, so nothing is zeroed twice on the hot path.
  struct Piece {
    uint32_t offset;
    uint32_t size;
    bool present;
  };
  enum class Kind : uint8_t { kString, kNumber, kBool, kNull, kStringArray, kOther, kArrayItem };
  // One indexed value: a top-level claim, or (kArrayItem) an element of the
  // string array just before it. `value.size` of a kStringArray is its count.
  struct Claim {
    Piece name;
    Piece value;
    double number = 0;
    Kind kind = Kind::kOther;
    bool boolean = false;
  };
  const Claim* Find(std::string_view name) const;
  const Claim* claims() const { return reinterpret_cast<const Claim*>(buffer_.get()); }
  std::string_view View(Piece p) const {
    if (p.size == 0) return std::string_view();
    return std::string_view(reinterpret_cast<const char*>(buffer_.get()) + bytes_offset_ + p.offset,
                            p.size);
  }
  std::optional<std::string_view> Opt(Piece p) const {
    if (!p.present) return std::nullopt;
    return View(p);
  }

  Algorithm alg_;
  std::optional<double> exp_;
  std::optional<double> nbf_;
  std::optional<double> iat_;
  // One allocation: `entries_` Claim records, then the bytes (the payload,
  // kid, typ, then every claim name and string value).
  std::unique_ptr<unsigned char[]> buffer_;
  size_t buffer_size_;
  size_t bytes_offset_;  // first byte after the Claim records
  uint32_t entries_;
  uint32_t claim_count_;
  Piece payload_, kid_, typ_, iss_, sub_, jti_;
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_TOKEN_H_
