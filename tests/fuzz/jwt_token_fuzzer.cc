// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: arbitrary bytes through Verifier::Verify / VerifyJws
// against an HS256 and an ES256 key set (RFC 7515 A.1 / A.3 keys). To reach
// the claim checks too, the input is also split at its first NUL into a
// header and a payload, HS256-signed, and verified.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "edgekit/jwt/forwarding.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"

namespace {

namespace jwt = edgekit::jwt;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

struct Setup {
  std::unique_ptr<jwt::Verifier> lax;
  std::unique_ptr<jwt::Verifier> strict;
};

Setup* MakeSetup() {
  auto* s = new Setup();
  jwt::KeySetBuilder b;
  (void)b.AddHmacSecret("hs", kSecret, jwt::Algorithm::kHS256);
  (void)b.AddHmacSecret("", kSecret, jwt::Algorithm::kHS256);
  (void)b.AddJwk(
      R"({"kid":"ec","kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})");
  auto set = b.Build();
  jwt::VerifierOptions lax;
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    lax.allowed_algorithms.push_back(static_cast<jwt::Algorithm>(i));
  }
  lax.require_exp = false;
  lax.accept_any_issuer = true;
  lax.accept_any_audience = true;
  s->lax = std::move(*jwt::Verifier::Create(lax, set));
  jwt::VerifierOptions strict;
  strict.allowed_algorithms = {jwt::Algorithm::kHS256, jwt::Algorithm::kES256};
  strict.allowed_issuers = {"joe"};
  strict.audiences = {"api", "other"};
  strict.required_claims = {"sub"};
  strict.expected_type = "at+jwt";
  strict.reject_embedded_keys = true;
  strict.max_token_age = absl::Hours(1);
  strict.leeway = absl::Seconds(5);
  std::shared_ptr<jwt::RevocationList> revoked = *jwt::RevocationList::Create(4);
  (void)revoked->Revoke("r", absl::FromUnixSeconds(2000000000), absl::FromUnixSeconds(1300000000));
  strict.revocations = revoked;
  s->strict = std::move(*jwt::Verifier::Create(strict, set));
  return s;
}

void Exercise(const jwt::Verifier& v, std::string_view token) {
  const absl::Time now = absl::FromUnixSeconds(1300819379);
  jwt::VerifyResult r = v.Verify(token, now);
  if (r.ok()) {
    const jwt::Token& t = *r.token;
    (void)t.GetString("sub");
    (void)t.GetNumber("exp");
    (void)t.GetBool("b");
    (void)t.GetStringArray("aud");
    (void)t.Audiences();
    (void)t.expires_at();
    (void)t.Has("o");
    (void)t.claim_count();
    std::vector<std::pair<std::string, std::string>> out;
    (void)jwt::ForwardClaims(t, {{"sub", "X-Sub"}, {"aud", "X-Aud"}, {"n", "X-N"}}, &out);
  }
  (void)v.VerifyJws(token, now);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Setup* setup = MakeSetup();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Exercise(*setup->lax, input);
  Exercise(*setup->strict, input);
  const size_t nul = input.find('\0');
  if (nul != std::string_view::npos && size < 8192) {
    auto token = edgekit::testing::SignTokenForTest(jwt::Algorithm::kHS256, kSecret,
                                                    input.substr(0, nul), input.substr(nul + 1));
    if (token.ok()) {
      Exercise(*setup->lax, *token);
      Exercise(*setup->strict, *token);
    }
  }
  return 0;
}
