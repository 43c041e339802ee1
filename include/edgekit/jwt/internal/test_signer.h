// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: test_signer.h
// -----------------------------------------------------------------------------
// NOT API. Key generation and JWS signing for edgekit's own tests, fuzzers,
// benchmarks and examples, so they need no direct OpenSSL calls. Slow and
// unhardened: never use it to issue real tokens.
//
// Example:
//
//   auto key = edgekit::jwt_internal::GenerateTestKey("P-256");
//   auto token = edgekit::jwt_internal::SignTokenForTest(
//       edgekit::jwt::Algorithm::kES256, key->private_pem,
//       R"({"alg":"ES256","kid":"k"})", R"({"sub":"u"})");
//
// Thread-safety: thread-safe. Errors: kInvalidArgument on bad keys/input,
// kInternal when OpenSSL fails.

#ifndef EDGEKIT_JWT_INTERNAL_TEST_SIGNER_H_
#define EDGEKIT_JWT_INTERNAL_TEST_SIGNER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

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

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_INTERNAL_TEST_SIGNER_H_
