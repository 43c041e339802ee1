// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The RFCs' own examples, verified byte for byte with an injected clock.
#include <string>

#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/verifier.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

std::shared_ptr<const jwt::KeySet> OneJwk(std::string_view jwk, std::optional<Algorithm> alg = {}) {
  jwt::KeySetBuilder b;
  const absl::Status s = b.AddJwk(jwk, alg);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return b.Build();
}

// The RFC examples carry iss "joe" and no aud.
jwt::VerifierOptions Only(Algorithm alg) {
  jwt::VerifierOptions o;
  o.allowed_algorithms = {alg};
  o.allowed_issuers = {"joe"};
  o.accept_any_audience = true;
  return o;
}

}  // namespace

TEST_CASE("RFC 7515 A.1: HS256 example verifies, CR LF in the JSON included", "[jwt][rfc]") {
  auto v = MakeVerifier(OneJwk(kA1Jwk, Algorithm::kHS256), Only(Algorithm::kHS256));
  jwt::VerifyResult r = v->Verify(kA1Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.token->payload() == kRfc7515Payload);
  CHECK(r.token->issuer() == std::optional<std::string>("joe"));
  CHECK(r.token->expires_at_seconds() == std::optional<double>(1300819380));
  CHECK(r.token->GetBool("http://example.com/is_root") == std::optional<bool>(true));
  CHECK(r.token->type() == "JWT");
  // RFC 7519 §4.1.4: at exp it is expired.
  CHECK(v->Verify(kA1Token, absl::FromUnixSeconds(1300819380)).verdict == Verdict::kExpired);
}

TEST_CASE("RFC 7515 A.2: RS256 example verifies", "[jwt][rfc]") {
  const std::string jwk = Cat({R"({"kty":"RSA","n":")", kA2N, R"(","e":"AQAB"})"});
  auto v = MakeVerifier(OneJwk(jwk, Algorithm::kRS256), Only(Algorithm::kRS256));
  jwt::VerifyResult r = v->Verify(kA2Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.token->payload() == kRfc7515Payload);
  CHECK(r.token->key_id().empty());
  // One changed signature bit.
  std::string bad(kA2Token);
  bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
  CHECK(v->Verify(bad, RfcNow()).verdict == Verdict::kBadSignature);
}

TEST_CASE("RFC 7515 A.3: ES256 example verifies although its s is above n/2", "[jwt][rfc]") {
  auto v = MakeVerifier(OneJwk(kA3Jwk), Only(Algorithm::kES256));  // bound by crv
  jwt::VerifyResult r = v->Verify(kA3Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.token->algorithm() == Algorithm::kES256);
  CHECK(r.token->payload() == kRfc7515Payload);
}

TEST_CASE("RFC 7515 A.4: ES512 example verifies at the JWS level", "[jwt][rfc]") {
  auto v = MakeVerifier(OneJwk(kA4Jwk), Only(Algorithm::kES512));
  jwt::JwsResult r = v->VerifyJws(kA4Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.payload == "Payload");
  // Its payload is not a JSON object: as a JWT it is malformed.
  CHECK(v->Verify(kA4Token, RfcNow()).verdict == Verdict::kMalformed);
}

TEST_CASE("RFC 7515 A.5: the unsecured JWS is rejected", "[jwt][rfc][attack]") {
  auto v = MakeVerifier(OneJwk(kA3Jwk), AllAlgorithms());
  CHECK(v->Verify(kA5Token, RfcNow()).verdict == Verdict::kUnsupportedAlgorithm);
  CHECK(v->VerifyJws(kA5Token, RfcNow()).verdict == Verdict::kUnsupportedAlgorithm);
}

TEST_CASE("RFC 8037 A.4: Ed25519 example verifies; its payload is text", "[jwt][rfc]") {
  auto v = MakeVerifier(OneJwk(kEd25519Jwk), Only(Algorithm::kEdDSA));
  jwt::JwsResult r = v->VerifyJws(kEd25519Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.payload == "Example of Ed25519 signing");
  CHECK(v->Verify(kEd25519Token, RfcNow()).verdict == Verdict::kMalformed);
  std::string bad(kEd25519Token);
  bad[25] = bad[25] == 'A' ? 'B' : 'A';  // a payload byte
  CHECK(v->VerifyJws(bad, RfcNow()).verdict == Verdict::kBadSignature);
}

TEST_CASE("RFC 7517 A.1: the example key set loads; its enc EC key is not for signatures",
          "[jwt][rfc]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(kRfc7517A1Jwks).ok());
  auto set = b.Build();
  CHECK(set->size() == 1);
  REQUIRE(set->skipped().size() == 1);
  CHECK(set->skipped()[0].reason == jwt::KeySkipReason::kNotForSignature);
  CHECK(set->skipped()[0].kid == "1");
  CHECK_FALSE(set->Contains("1"));
  CHECK(set->AlgorithmsOf("2011-04-29") == std::vector<Algorithm>{Algorithm::kRS256});
  // A lone JWK with use=enc is refused outright (RFC 7517 §4.2).
  jwt::KeySetBuilder single;
  const absl::Status s = single.AddJwk(
      R"({"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"1"})");
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  // A token naming kid "1" finds no signature key.
  auto v = MakeVerifier(set, AllAlgorithms());
  const std::string token =
      Sign(Algorithm::kES256, Key("P-256").private_pem, R"({"alg":"ES256","kid":"1"})", Claims());
  CHECK(v->Verify(token, Now()).verdict == Verdict::kUnknownKey);
}

TEST_CASE("RFC 7520 §4.1: RS256 with a kid verifies through a JWK Set", "[jwt][rfc]") {
  const std::string jwks =
      Cat({R"({"keys":[{"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig","n":")",
           kRfc7520N, R"(","e":"AQAB"}]})"});
  jwt::KeySetBuilder b;
  // The member has no alg: it may verify the RSA algorithms the host allows.
  REQUIRE(b.AddJwks(jwks).ok());
  auto v = MakeVerifier(b.Build(), Only(Algorithm::kRS256));
  jwt::JwsResult r = v->VerifyJws(kRfc7520Token, RfcNow());
  REQUIRE(r.verdict == Verdict::kOk);
  CHECK(r.payload.size() == 167);
  CHECK(r.payload.substr(0, 4) == "It\xE2\x80");
}
