// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::jwt alone: RFC 7515 Appendix A.1 (HS256) verifies before its exp
// and is expired at it (RFC 7519 §4.1.4).
#include <string_view>

#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/verifier.h"

namespace jwt = edgekit::jwt;

int main() {
  Checks checks("jwt");
  constexpr std::string_view kJwk =
      R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
  constexpr std::string_view kToken =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6"
      "Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  jwt::KeySetBuilder builder;
  checks.Expect(builder.AddJwk(kJwk, jwt::Algorithm::kHS256).ok(), "JWK loads");
  jwt::VerifierOptions options;
  options.allowed_algorithms = {jwt::Algorithm::kHS256};
  options.allowed_issuers = {"joe"};   // the RFC example's iss
  options.accept_any_audience = true;  // it carries no aud
  auto verifier = jwt::Verifier::Create(options, builder.Build());
  checks.Expect(verifier.ok(), "Verifier::Create");
  if (!verifier.ok()) return checks.ExitCode();
  checks.Expect(
      (*verifier)->Verify(kToken, absl::FromUnixSeconds(1300819379)).verdict == jwt::Verdict::kOk,
      "RFC 7515 A.1 verifies");
  checks.Expect((*verifier)->Verify(kToken, absl::FromUnixSeconds(1300819380)).verdict ==
                    jwt::Verdict::kExpired,
                "expired at exp");
  return checks.ExitCode();
}
