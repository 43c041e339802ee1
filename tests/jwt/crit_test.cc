// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// crit (RFC 7515 §4.1.11) and the unencoded-payload option b64 (RFC 7797),
// which edgekit does not implement: it is refused, never half-honoured.
#include <string>

#include "absl/strings/match.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

std::shared_ptr<const jwt::KeySet> Rfc7515A1Set(std::string_view kid) {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwk(Cat({R"({"kid":")", kid, "\",", kA1Jwk.substr(1)}), Algorithm::kHS256).ok());
  return b.Build();
}

// A token whose signature covers BASE64URL(header) '.' raw_payload: what a
// b64:false signer produces (RFC 7797 §3). `raw_payload` uses only
// base64url characters, so a verifier that ignored b64 would decode it.
std::string UnencodedToken(std::string_view header, std::string_view raw_payload) {
  const std::string input = Cat({B64(header), ".", raw_payload});
  auto sig = edgekit::testing::SignForTest(Algorithm::kHS256, Secret().substr(0, 32), input);
  REQUIRE(sig.ok());
  return Cat({input, ".", B64(*sig)});
}

}  // namespace

TEST_CASE("RFC 7797 §4: the b64 examples; the unencoded one is refused as unsupported",
          "[jwt][crit][rfc]") {
  auto v = MakeVerifier(Rfc7515A1Set(""), AllAlgorithms());
  // §4.1: b64 absent (the default, true): an ordinary JWS over "$.02".
  const jwt::JwsResult encoded = v->VerifyJws(
      "eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ", Now());
  REQUIRE(encoded.verdict == Verdict::kOk);
  CHECK(encoded.payload == "$.02");
  // §4.2: {"alg":"HS256","b64":false,"crit":["b64"]} with the payload
  // detached: edgekit implements no crit extension.
  CHECK(
      v->VerifyJws("eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19..A5dxf2s96_n5FLueVuW1"
                   "Z_vh161FwXZC4YLPff6dmDY",
                   Now())
          .verdict == Verdict::kUnsupportedCrit);
}

TEST_CASE("b64 is refused in crit and without crit (RFC 7797 §6)", "[jwt][crit][attack]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto v = MakeVerifier(b.Build(), AllAlgorithms());
  const std::string key = Secret().substr(0, 32);
  // The raw payload spells base64url of a valid claims object: ignoring b64
  // would turn an unencoded payload into these claims.
  const std::string raw = B64(Claims());
  // Listed in crit: an extension edgekit does not implement.
  CHECK(v->Verify(UnencodedToken(R"({"alg":"HS256","kid":"hs","b64":false,"crit":["b64"]})", raw),
                  Now())
            .verdict == Verdict::kUnsupportedCrit);
  CHECK(v->Verify(Sign(Algorithm::kHS256, key,
                       R"({"alg":"HS256","kid":"hs","b64":true,"crit":["b64"]})", Claims()),
                  Now())
            .verdict == Verdict::kUnsupportedCrit);
  // Present without crit: RFC 7797 §6 requires b64 to be critical, so the
  // header is malformed, whatever its value and however it was signed.
  CHECK(
      v->Verify(UnencodedToken(R"({"alg":"HS256","kid":"hs","b64":false})", raw), Now()).verdict ==
      Verdict::kMalformed);
  CHECK(
      v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs","b64":false})", Claims()),
                Now())
          .verdict == Verdict::kMalformed);
  CHECK(
      v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs","b64":true})", Claims()),
                Now())
          .verdict == Verdict::kMalformed);
  CHECK(v->VerifyJws(UnencodedToken(R"({"alg":"HS256","kid":"hs","b64":false})", raw), Now())
            .verdict == Verdict::kMalformed);
  // Without b64 the same claims verify.
  CHECK(v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})", Claims()), Now())
            .verdict == Verdict::kOk);
}

TEST_CASE("understood_crit may list only extensions edgekit implements: none",
          "[jwt][crit][options]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto set = b.Build();
  for (const char* name : {"b64", "exp", "http://openbanking.org.uk/iat", ""}) {
    INFO(name);
    jwt::VerifierOptions o = AllAlgorithms();
    o.understood_crit = {name};
    const absl::Status s = jwt::Verifier::Create(o, set).status();
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StrContains(s.message(), "understood_crit"));
  }
  jwt::VerifierOptions o = AllAlgorithms();
  CHECK(jwt::Verifier::Create(o, set).ok());
  // So every valid crit is unsupported (RFC 7515 §4.1.11: the recipient
  // must reject a JWS whose critical extensions it does not understand).
  auto v = MakeVerifier(set, o);
  CHECK(v->Verify(Sign(Algorithm::kHS256, Secret().substr(0, 32),
                       R"({"alg":"HS256","kid":"hs","crit":["ext"],"ext":1})", Claims()),
                  Now())
            .verdict == Verdict::kUnsupportedCrit);
}
