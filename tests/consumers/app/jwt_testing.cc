// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::jwt_testing alone (it brings edgekit::jwt): a user's test mints an
// ES256 token with a fresh key and verifies it.
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"

namespace jwt = edgekit::jwt;

int main() {
  Checks checks("jwt_testing");
  auto key = edgekit::testing::GenerateTestKey("P-256");
  checks.Expect(key.ok(), "P-256 key");
  if (!key.ok()) return checks.ExitCode();
  auto token = edgekit::testing::SignTokenForTest(jwt::Algorithm::kES256, key->private_pem,
                                                  R"({"alg":"ES256","kid":"k1"})",
                                                  R"({"iss":"https://idp.example","aud":"api",)"
                                                  R"("sub":"user-1","exp":1800000000})");
  checks.Expect(token.ok(), "signed");
  jwt::KeySetBuilder builder;
  checks.Expect(builder.AddPublicKeyPem("k1", key->public_pem, jwt::Algorithm::kES256).ok(),
                "public key loads");
  jwt::VerifierOptions options;
  options.allowed_algorithms = {jwt::Algorithm::kES256};
  options.allowed_issuers = {"https://idp.example"};
  options.audiences = {"api"};
  auto verifier = jwt::Verifier::Create(options, builder.Build());
  if (!token.ok() || !verifier.ok()) return checks.ExitCode();
  checks.Expect(
      (*verifier)->Verify(*token, absl::FromUnixSeconds(1700000000)).verdict == jwt::Verdict::kOk,
      "minted token verifies");
  return checks.ExitCode();
}
