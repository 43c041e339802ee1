// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: jwt_signer.h
// -----------------------------------------------------------------------------
// Test helpers (target edgekit::jwt_testing, installed): key generation and JWS
// signing, so that edgekit's own tests, fuzzers, benchmarks and examples, and
// users' tests of code that verifies tokens with edgekit::jwt, can mint tokens
// without calling OpenSSL themselves. Slow and unhardened: never use it to
// issue real tokens. Not part of libedgekit_jwt.
//
// Example:
//
//   auto key = edgekit::testing::GenerateTestKey("P-256");
//   auto token = edgekit::testing::SignTokenForTest(
//       edgekit::jwt::Algorithm::kES256, key->private_pem,
//       R"({"alg":"ES256","kid":"k"})", R"({"sub":"u"})");
//
// Thread-safety: thread-safe. Errors: kInvalidArgument on bad keys/input,
// kInternal when OpenSSL fails.

#ifndef EDGEKIT_TESTING_JWT_SIGNER_H_
#define EDGEKIT_TESTING_JWT_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"

EDGEKIT_NAMESPACE_BEGIN
namespace testing {

struct TestKey {
  std::string private_pem;      // PKCS#8
  std::string public_pem;       // SubjectPublicKeyInfo
  std::string public_der;       // SubjectPublicKeyInfo, DER
  std::string public_jwk;       // {"kty":...} without kid/alg
  std::string certificate_pem;  // self-signed X.509 over the key
};

// kind: "RSA2048", "RSA1024", "P-256", "P-384", "P-521", "secp256k1",
// "Ed25519", "Ed448".
EDGEKIT_API absl::StatusOr<TestKey> GenerateTestKey(std::string_view kind);

// The JWS signature over `signing_input`: HMAC with `key` as the raw secret
// for HS*, otherwise `key` is a private key PEM. ES* signatures are raw r‖s.
EDGEKIT_API absl::StatusOr<std::string> SignForTest(jwt::Algorithm alg, std::string_view key,
                                                    std::string_view signing_input);

// base64url(header).base64url(payload).base64url(signature).
EDGEKIT_API absl::StatusOr<std::string> SignTokenForTest(jwt::Algorithm alg, std::string_view key,
                                                         std::string_view header_json,
                                                         std::string_view payload_json);

// Unpadded base64url.
EDGEKIT_API std::string Base64UrlEncode(std::string_view bytes);

}  // namespace testing
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_TESTING_JWT_SIGNER_H_
