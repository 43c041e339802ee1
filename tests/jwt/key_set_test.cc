// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// KeySet / KeySetBuilder: JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), JWKS
// (RFC 7517 §5), PEM SPKI and X.509, algorithm binding, setup errors.
#include <string>

#include "edgekit/jwt/key_set.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {
absl::StatusCode AddJwkCode(std::string_view jwk, std::optional<Algorithm> alg = {}) {
  jwt::KeySetBuilder b;
  return b.AddJwk(jwk, alg).code();
}
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
}  // namespace

TEST_CASE("keys bind to one algorithm: JWK alg, host alg, or unambiguous kty+crv", "[jwt][keys]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwk(Cat({R"({"kid":"p256",)", Key("P-256").public_jwk.substr(1)})).ok());
  REQUIRE(b.AddJwk(Cat({R"({"kid":"p384",)", Key("P-384").public_jwk.substr(1)})).ok());
  REQUIRE(b.AddJwk(Cat({R"({"kid":"p521",)", Key("P-521").public_jwk.substr(1)})).ok());
  REQUIRE(b.AddJwk(Cat({R"({"kid":"ed",)", Key("Ed25519").public_jwk.substr(1)})).ok());
  REQUIRE(
      b.AddJwk(Cat({R"({"kid":"rsa","alg":"PS384",)", Key("RSA2048").public_jwk.substr(1)})).ok());
  REQUIRE(
      b.AddJwk(Cat({R"({"kid":"rsa2",)", Key("RSA2048").public_jwk.substr(1)}), Algorithm::kRS512)
          .ok());
  auto set = b.Build();
  CHECK(set->size() == 6);
  CHECK(set->AlgorithmsOf("p256") == std::vector<Algorithm>{Algorithm::kES256});
  CHECK(set->AlgorithmsOf("p384") == std::vector<Algorithm>{Algorithm::kES384});
  CHECK(set->AlgorithmsOf("p521") == std::vector<Algorithm>{Algorithm::kES512});
  CHECK(set->AlgorithmsOf("ed") == std::vector<Algorithm>{Algorithm::kEdDSA});
  CHECK(set->AlgorithmsOf("rsa") == std::vector<Algorithm>{Algorithm::kPS384});
  CHECK(set->AlgorithmsOf("rsa2") == std::vector<Algorithm>{Algorithm::kRS512});
  CHECK(set->AlgorithmsOf("nope").empty());
  CHECK(set->Kids() == std::vector<std::string>{"ed", "p256", "p384", "p521", "rsa", "rsa2"});
  CHECK(b.size() == 0);  // Build() emptied the builder
}

TEST_CASE("RSA and oct JWKs need an explicit algorithm; conflicts are errors", "[jwt][keys]") {
  CHECK(AddJwkCode(Key("RSA2048").public_jwk) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"kty":"oct","k":")", B64(Secret()), "\"}"})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"kty":"oct","k":")", B64(Secret()), "\"}"}), Algorithm::kHS512) ==
        absl::StatusCode::kOk);
  CHECK(AddJwkCode(Cat({R"({"alg":"RS256",)", Key("RSA2048").public_jwk.substr(1)}),
                   Algorithm::kPS256) == kInvalid);
  CHECK(AddJwkCode(Key("P-256").public_jwk, Algorithm::kES384) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"alg":"ES512",)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"alg":"HS256",)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"alg":"RS256",)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Key("Ed25519").public_jwk, Algorithm::kES256) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"alg":"none",)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
}

TEST_CASE("JWK key checks: RSA size, EC on-curve and sizes, OKP sizes, encodings", "[jwt][keys]") {
  // RFC 7518 §3.3: 2048 bits at least.
  CHECK(AddJwkCode(Key("RSA1024").public_jwk, Algorithm::kRS256) == kInvalid);
  jwt::KeySetBuilder pem;
  CHECK(pem.AddPublicKeyPem("k", Key("RSA1024").public_pem, Algorithm::kRS256).code() == kInvalid);
  // EC point off the curve (y changed by one bit).
  std::string y = B64Decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
  y[31] = static_cast<char>(y[31] ^ 1);
  CHECK(AddJwkCode(Cat(
            {R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":")",
             B64(y), "\"}"})) == kInvalid);
  // x/y must be exactly the coordinate size (RFC 7518 §6.2.1.2): 31 bytes refused.
  CHECK(AddJwkCode(Cat({R"({"kty":"EC","crv":"P-256","x":")", B64(std::string(31, '\1')),
                        R"(","y":")", B64(std::string(32, '\1')), "\"}"})) == kInvalid);
  // The point at infinity / all zeros.
  CHECK(AddJwkCode(Cat({R"({"kty":"EC","crv":"P-256","x":")", B64(std::string(32, '\0')),
                        R"(","y":")", B64(std::string(32, '\0')), "\"}"})) == kInvalid);
  CHECK(AddJwkCode(Key("secp256k1").public_jwk) == kInvalid);  // crv not supported
  jwt::KeySetBuilder k1;
  CHECK(k1.AddPublicKeyPem("k", Key("secp256k1").public_pem, Algorithm::kES256).code() == kInvalid);
  // OKP sizes (RFC 8037 §2).
  CHECK(AddJwkCode(Cat({R"({"kty":"OKP","crv":"Ed25519","x":")", B64(std::string(31, '\1')),
                        "\"}"})) == kInvalid);
  CHECK(AddJwkCode(
            R"({"kty":"OKP","crv":"X25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})") ==
        kInvalid);
  // Padded / standard-alphabet base64 in members.
  CHECK(
      AddJwkCode(
          R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="})") ==
      kInvalid);
  CHECK(AddJwkCode(
            R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"})") ==
        kInvalid);
  // Wrong member types, duplicates, not an object, not JSON.
  CHECK(AddJwkCode(R"({"kty":"OKP","crv":"Ed25519","x":7})") == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"crv":"P-384",)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode("[]") == kInvalid);
  CHECK(AddJwkCode("{") == kInvalid);
  CHECK(AddJwkCode(R"({"kty":"XYZ"})") == kInvalid);
  CHECK(AddJwkCode(R"({"crv":"P-256"})") == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"kid":7,)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"key_ops":"verify",)", Key("P-256").public_jwk.substr(1)})) ==
        kInvalid);
  CHECK(AddJwkCode(Cat({R"({"use":1,)", Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"kid":")", std::string(1025, 'k'), R"(",)",
                        Key("P-256").public_jwk.substr(1)})) == kInvalid);
  CHECK(AddJwkCode(Cat({R"({"alg":"EdDSA",)", Key("Ed448").public_jwk.substr(1)})) ==
        absl::StatusCode::kOk);
  // Even exponent / leading zero in n.
  CHECK(AddJwkCode(Cat({R"({"kty":"RSA","alg":"RS256","e":"AAE","n":")", kA2N, "\"}"})) ==
        kInvalid);
  CHECK(AddJwkCode(Cat({R"({"kty":"RSA","alg":"RS256","e":"Ag","n":")", kA2N, "\"}"})) == kInvalid);
  // key_ops without verify; use != sig.
  CHECK(AddJwkCode(Cat({R"({"key_ops":["sign"],)", Key("P-256").public_jwk.substr(1)})) ==
        kInvalid);
  CHECK(AddJwkCode(Cat({R"({"key_ops":["verify"],"use":"sig",)",
                        Key("P-256").public_jwk.substr(1)})) == absl::StatusCode::kOk);
  // Private members are ignored: only the public part is loaded.
  CHECK(AddJwkCode(Cat({R"({"d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE",)",
                        Key("P-256").public_jwk.substr(1)})) == absl::StatusCode::kOk);
}

TEST_CASE("PEM public keys and X.509 certificates load for every key type", "[jwt][keys]") {
  struct Case {
    const char* kind;
    Algorithm alg;
  };
  for (const Case& c : {Case{"RSA2048", Algorithm::kRS256}, Case{"RSA2048", Algorithm::kPS512},
                        Case{"P-256", Algorithm::kES256}, Case{"P-384", Algorithm::kES384},
                        Case{"P-521", Algorithm::kES512}, Case{"Ed25519", Algorithm::kEdDSA},
                        Case{"Ed448", Algorithm::kEdDSA}}) {
    INFO(c.kind);
    jwt::KeySetBuilder b;
    CHECK(b.AddPublicKeyPem("pem", Key(c.kind).public_pem, c.alg).ok());
    CHECK(b.AddPublicKeyPem("cert", Key(c.kind).certificate_pem, c.alg).ok());
    auto v = MakeVerifier(b.Build(), AllAlgorithms());
    for (const char* kid : {"pem", "cert"}) {
      const std::string token = Sign(
          c.alg, Key(c.kind).private_pem,
          Cat({R"({"alg":")", jwt::AlgorithmName(c.alg), R"(","kid":")", kid, "\"}"}), Claims());
      CHECK(v->Verify(token, Now()).verdict == Verdict::kOk);
    }
  }
  jwt::KeySetBuilder b;
  CHECK(b.AddPublicKeyPem("x", "not a pem", Algorithm::kRS256).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("x", Key("P-256").private_pem, Algorithm::kES256).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("x", Key("P-256").public_pem, Algorithm::kES384).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("x", Key("P-256").public_pem, Algorithm::kRS256).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("x", Key("RSA2048").public_pem, Algorithm::kHS256).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("x", Key("Ed25519").public_pem, Algorithm::kES256).code() == kInvalid);
  std::string broken = Key("P-256").public_pem;
  broken[40] = broken[40] == 'A' ? 'B' : 'A';
  CHECK_FALSE(b.AddPublicKeyPem("x", broken, Algorithm::kES256).ok());
}

TEST_CASE("duplicate kids are errors, within one call or across calls", "[jwt][keys]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("k", Secret(), Algorithm::kHS256).ok());
  CHECK(b.AddHmacSecret("k", Secret(), Algorithm::kHS512).code() == kInvalid);
  CHECK(b.AddPublicKeyPem("k", Key("P-256").public_pem, Algorithm::kES256).code() == kInvalid);
  const std::string dup_set = Cat({R"({"keys":[{"kid":"a",)", Key("P-256").public_jwk.substr(1),
                                   R"(,{"kid":"a",)", Key("P-384").public_jwk.substr(1), "]}"});
  // A JWKS member with a taken kid is skipped (the first key keeps it); a
  // set whose every member is skipped fails and adds nothing.
  REQUIRE(b.AddJwks(dup_set).ok());
  CHECK(b.size() == 2);
  REQUIRE(b.skipped().size() == 1);
  CHECK(b.skipped()[0].index == 1);
  CHECK(b.skipped()[0].kid == "a");
  CHECK(b.skipped()[0].reason == jwt::KeySkipReason::kDuplicateKid);
  CHECK(b.AddJwks(dup_set).code() == kInvalid);
  CHECK(b.size() == 2);
  CHECK(b.skipped().size() == 1);
  // The empty kid (tokens without kid) may be used once.
  REQUIRE(b.AddHmacSecret("", Secret(), Algorithm::kHS256).ok());
  CHECK(b.AddPublicKeyPem("", Key("P-256").public_pem, Algorithm::kES256).code() == kInvalid);
  CHECK(b.Build()->AlgorithmsOf("a") == std::vector<Algorithm>{Algorithm::kES256});
}
