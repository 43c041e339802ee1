// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::jwt in a host: load the IdP's JWKS, verify bearer tokens, react to
// verdicts (401 vs. refetch the JWKS), forward claims to the origin, revoke a
// token id. The host owns I/O: here the "IdP" is a local key pair and the
// JWKS "fetch" is a function call.

#include <cstdio>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "edgekit/jwt/forwarding.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"  // only to mint demo tokens

namespace jwt = edgekit::jwt;

int main() {
  // --- The identity provider (normally remote): a P-256 key published as JWKS.
  auto idp_key = edgekit::testing::GenerateTestKey("P-256");
  if (!idp_key.ok()) return 1;
  const std::string jwks =
      R"({"keys":[{"kid":"2026-01","use":"sig",)" + idp_key->public_jwk.substr(1) + "]}";

  // --- Host setup: parse the JWKS once; keys are ready-to-use OpenSSL objects.
  jwt::KeySetBuilder builder;
  if (absl::Status s = builder.AddJwks(jwks); !s.ok()) {
    std::printf("bad JWKS: %s\n", s.ToString().c_str());
    return 1;
  }
  auto revoked = std::make_shared<jwt::RevocationList>(100000);
  jwt::VerifierOptions options;
  options.allowed_algorithms = {jwt::Algorithm::kES256};
  options.allowed_issuers = {"https://idp.example"};
  options.audiences = {"https://api.example"};
  options.leeway = absl::Seconds(30);
  options.revocations = revoked;
  auto verifier = jwt::Verifier::Create(options, builder.Build());
  if (!verifier.ok()) return 1;

  // --- A request arrives with a bearer token.
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  const std::string token = *edgekit::testing::SignTokenForTest(
      jwt::Algorithm::kES256, idp_key->private_pem, R"({"alg":"ES256","kid":"2026-01"})",
      R"({"iss":"https://idp.example","aud":"https://api.example","sub":"user-42",)"
      R"("exp":1767229200,"jti":"tok-1","roles":["reader","writer"]})");

  jwt::VerifyResult r = (*verifier)->Verify(token, now);
  if (!r.ok()) {
    std::printf("401: %s%s\n", std::string(jwt::ToString(r.verdict)).c_str(),
                r.refresh_suggested ? " (refetch the JWKS)" : "");
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!jwt::ForwardClaims(*r.token, {{"sub", "X-User-Id"}, {"roles", "X-Roles"}}, &headers).ok()) {
    return 1;
  }
  for (const auto& [name, value] : headers) std::printf("%s: %s\n", name.c_str(), value.c_str());

  // --- The user logs out: revoke this token id until it would expire anyway.
  (void)revoked->Revoke(*r.token->jwt_id(), *r.token->expires_at(), now);
  std::printf("after revocation: %s\n",
              std::string(jwt::ToString((*verifier)->Verify(token, now).verdict)).c_str());

  // --- A token from a rotated key: unknown kid → maybe refetch the JWKS.
  const std::string rotated = *edgekit::testing::SignTokenForTest(
      jwt::Algorithm::kES256, idp_key->private_pem, R"({"alg":"ES256","kid":"2026-02"})", "{}");
  jwt::VerifyResult u = (*verifier)->Verify(rotated, now);
  std::printf("rotated kid: %s, refresh suggested: %s\n",
              std::string(jwt::ToString(u.verdict)).c_str(), u.refresh_suggested ? "yes" : "no");
  return 0;
}
