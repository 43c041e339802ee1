// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::jwt in a gateway: load the IdP's JWKS (logging the members it
// cannot use), verify bearer tokens, react to verdicts (401 vs. refetch the
// JWKS), forward claims to the origin, revoke a token id, export metrics.
// The host owns I/O: here the "IdP" is a local key pair and the JWKS "fetch"
// is a function call. docs/jwt.md opens with the setup part of this file.

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/metrics.h"
#include "edgekit/jwt/forwarding.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"  // only to mint demo tokens

namespace jwt = edgekit::jwt;

namespace {

// [gateway-setup]
// Events the gateway logs.
class LogObserver : public jwt::VerifierObserver {
 public:
  void OnKeySkipped(const jwt::KeySkipped& k) override {
    std::printf("jwks: member #%zu (kid \"%s\") skipped: %s\n", k.index, k.kid.c_str(),
                std::string(jwt::ToString(k.reason)).c_str());
  }
  void OnRefreshSuggested(const jwt::RefreshSuggested& e) override {
    std::printf("jwks: unknown kid \"%.*s\": refetch suggested\n", static_cast<int>(e.kid.size()),
                e.kid.data());
  }
};

// Builds the gateway's verifier from the IdP's JWKS document.
absl::StatusOr<std::unique_ptr<jwt::Verifier>> MakeGatewayVerifier(
    const std::string& jwks, std::shared_ptr<const jwt::RevocationList> revoked,
    jwt::VerifierObserver* observer) {
  jwt::KeySetBuilder keys;
  // Members edgekit cannot or must not use (encryption keys, HMAC secrets,
  // ROCA-weak RSA moduli...) are skipped; the set loads if one key is usable.
  if (absl::Status s = keys.AddJwks(jwks); !s.ok()) return s;
  jwt::VerifierOptions options;
  options.allowed_algorithms = {jwt::Algorithm::kES256, jwt::Algorithm::kRS256};
  options.allowed_issuers = {"https://idp.example"};
  options.audiences = {"https://api.example"};  // RFC 7519 §4.1.3: tokens must name us
  options.leeway = absl::Seconds(30);
  options.revocations = std::move(revoked);
  options.observer = observer;
  return jwt::Verifier::Create(std::move(options), keys.Build());
}
// [gateway-setup]

// Prints every metric sample (a host would hand them to its exporter).
class PrintVisitor : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& m) override {
    if (m.value == 0) return;  // keep the demo short
    std::printf("  %.*s", static_cast<int>(m.name.size()), m.name.data());
    for (const edgekit::MetricLabel& l : m.labels) {
      std::printf("{%.*s=\"%.*s\"}", static_cast<int>(l.name.size()), l.name.data(),
                  static_cast<int>(l.value.size()), l.value.data());
    }
    std::printf(" %g\n", m.value);
  }
};

}  // namespace

int main() {
  // --- The identity provider (normally remote): a P-256 signing key, an
  // encryption key and a leaked HMAC secret, published as one JWKS.
  auto idp_key = edgekit::testing::GenerateTestKey("P-256");
  auto enc_key = edgekit::testing::GenerateTestKey("RSA2048");
  if (!idp_key.ok() || !enc_key.ok()) return 1;
  const std::string jwks =
      R"({"keys":[{"kid":"2026-01","use":"sig",)" + idp_key->public_jwk.substr(1) +
      R"(,{"kid":"enc-1","use":"enc",)" + enc_key->public_jwk.substr(1) +
      R"(,{"kid":"hs","kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]})";

  LogObserver observer;
  absl::StatusOr<std::unique_ptr<jwt::RevocationList>> list = jwt::RevocationList::Create(100000);
  if (!list.ok()) return 1;
  std::shared_ptr<jwt::RevocationList> revoked = *std::move(list);
  absl::StatusOr<std::unique_ptr<jwt::Verifier>> created =
      MakeGatewayVerifier(jwks, revoked, &observer);
  if (!created.ok()) {
    std::printf("bad configuration: %s\n", created.status().ToString().c_str());
    return 1;
  }
  const jwt::Verifier& verifier = **created;

  // --- A request arrives with a bearer token.
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
  const std::string token = *edgekit::testing::SignTokenForTest(
      jwt::Algorithm::kES256, idp_key->private_pem, R"({"alg":"ES256","kid":"2026-01"})",
      R"({"iss":"https://idp.example","aud":"https://api.example","sub":"user-42",)"
      R"("exp":1767229200,"jti":"tok-1","roles":["reader","writer"]})");

  jwt::VerifyResult r = verifier.Verify(token, now);
  if (!r.ok()) {
    std::printf("401: %s\n", std::string(jwt::ToString(r.verdict)).c_str());
    return 1;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  if (!jwt::ForwardClaims(*r.token, {{"sub", "X-User-Id"}, {"roles", "X-Roles"}}, &headers).ok()) {
    return 1;
  }
  for (const auto& [name, value] : headers) std::printf("%s: %s\n", name.c_str(), value.c_str());

  // --- A token minted for another service (RFC 7519 §4.1.3) is refused.
  const std::string other = *edgekit::testing::SignTokenForTest(
      jwt::Algorithm::kES256, idp_key->private_pem, R"({"alg":"ES256","kid":"2026-01"})",
      R"({"iss":"https://idp.example","aud":"https://billing.example","exp":1767229200})");
  std::printf("token for another audience: %s\n",
              std::string(jwt::ToString(verifier.Verify(other, now).verdict)).c_str());

  // --- The user logs out: revoke this token id until it would expire anyway.
  (void)revoked->Revoke(*r.token->jwt_id(), *r.token->expires_at(), now);
  std::printf("after revocation: %s\n",
              std::string(jwt::ToString(verifier.Verify(token, now).verdict)).c_str());

  // --- A token from a rotated key: unknown kid → the host refetches the JWKS.
  const std::string rotated = *edgekit::testing::SignTokenForTest(
      jwt::Algorithm::kES256, idp_key->private_pem, R"({"alg":"ES256","kid":"2026-02"})", "{}");
  jwt::VerifyResult u = verifier.Verify(rotated, now);
  std::printf("rotated kid: %s, refresh suggested: %s\n",
              std::string(jwt::ToString(u.verdict)).c_str(), u.refresh_suggested ? "yes" : "no");

  PrintVisitor printer;
  std::printf("metrics:\n");
  verifier.VisitMetrics(printer);
  revoked->VisitMetrics(printer);
  return 0;
}
