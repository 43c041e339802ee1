// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Real-world key sets (RFC 7517 §5): mixed members, unusable members skipped
// with machine-readable reasons, symmetric keys only on request, RSA members
// without alg bound to the host's RSA algorithms.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "edgekit/jwt/key_set.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
using Reason = jwt::KeySkipReason;

std::vector<Reason> Reasons(const std::vector<jwt::KeySkipped>& skipped) {
  std::vector<Reason> out;
  for (const jwt::KeySkipped& k : skipped) out.push_back(k.reason);
  return out;
}

std::string OctMember(std::string_view kid, std::string_view extra = "") {
  return Cat({R"({"kid":")", kid, R"(","kty":"oct",)", extra, R"("k":")", B64(Secret()), "\"}"});
}

std::string Token(Algorithm alg, const std::string& key, std::string_view kid) {
  return Sign(alg, key, Cat({R"({"alg":")", jwt::AlgorithmName(alg), R"(","kid":")", kid, "\"}"}),
              Claims());
}

}  // namespace

TEST_CASE("JWKS: a mixed set loads its usable keys and skips the rest with reasons",
          "[jwt][keys][jwks]") {
  const std::string jwks = Jwks({
      JwkWith(R"("kid":"rsa")", "RSA2048"),  // no alg: RSA algorithms
      JwkWith(R"("kid":"ec","alg":"ES256","use":"sig")", "P-256"),
      JwkWith(R"("kid":"ed")", "Ed25519"),
      JwkWith(R"("kid":"enc","use":"enc")", "RSA2048#2"),  // RFC 7517 §4.2
      OctMember("hs", R"("alg":"HS256",)"),                // published HMAC secret
      R"({"kid":"new","kty":"XYZ","v":"1"})",              // RFC 7517 §5: unknown kty
      JwkWith(R"("kid":"oaep","alg":"RSA-OAEP")", "RSA2048#2"),
      R"({"kid":"ecdh","kty":"OKP","crv":"X25519","x":"AAAA"})",
      JwkWith(R"("kid":"ops","key_ops":["encrypt"])", "P-384"),  // RFC 7517 §4.3
  });
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(jwks).ok());
  auto set = b.Build();
  CHECK(set->Kids() == std::vector<std::string>{"ec", "ed", "rsa"});
  CHECK(set->AlgorithmsOf("rsa") == std::vector<Algorithm>{Algorithm::kRS256, Algorithm::kRS384,
                                                           Algorithm::kRS512, Algorithm::kPS256,
                                                           Algorithm::kPS384, Algorithm::kPS512});
  CHECK(Reasons(set->skipped()) ==
        std::vector<Reason>{Reason::kNotForSignature, Reason::kSymmetricKey,
                            Reason::kUnsupportedKeyType, Reason::kUnsupportedAlgorithm,
                            Reason::kUnsupportedCurve, Reason::kNotForSignature});
  std::vector<size_t> indexes;
  std::vector<std::string> kids;
  for (const jwt::KeySkipped& k : set->skipped()) {
    indexes.push_back(k.index);
    kids.push_back(k.kid);
    CHECK_FALSE(k.detail.empty());
  }
  CHECK(indexes == std::vector<size_t>{3, 4, 5, 6, 7, 8});
  CHECK(kids == std::vector<std::string>{"enc", "hs", "new", "oaep", "ecdh", "ops"});

  auto v = MakeVerifier(set, AllAlgorithms());
  const std::string& rsa = Key("RSA2048").private_pem;
  CHECK(v->Verify(Token(Algorithm::kRS256, rsa, "rsa"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kPS512, rsa, "rsa"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kES256, Key("P-256").private_pem, "ec"), Now()).verdict ==
        Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kEdDSA, Key("Ed25519").private_pem, "ed"), Now()).verdict ==
        Verdict::kOk);
  // The skipped HMAC secret verifies nothing; the RSA key is never an HMAC secret.
  CHECK(v->Verify(Token(Algorithm::kHS256, Secret(), "hs"), Now()).verdict == Verdict::kUnknownKey);
  CHECK(v->Verify(Token(Algorithm::kHS256, Key("RSA2048").public_pem, "rsa"), Now()).verdict ==
        Verdict::kKeyAlgorithmMismatch);
}

TEST_CASE("JWKS: one bad key among good ones is skipped, the good ones load", "[jwt][keys][jwks]") {
  // RFC 7515 A.3's P-256 point with y changed: not on the curve.
  const std::string off_curve =
      R"({"kid":"off","kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a4"})";
  const std::string jwks = Jwks({
      JwkWith(R"("kid":"a")", "P-256"),
      off_curve,
      JwkWith(R"("kid":"small","alg":"RS256")", "RSA1024"),
      R"({"kid":"short","kty":"EC","crv":"P-256","x":"AA","y":"AA"})",
      R"({"kid":"b64","kty":"RSA","alg":"RS256","n":"***","e":"AQAB"})",
      R"({"kid":"type","kty":"EC","crv":"P-256","x":5,"y":"AA"})",
      "7",
      Cat({R"({"kid":"even","kty":"RSA","alg":"RS256","n":")", kRfc7520N, R"(","e":"Ag"})"}),
      JwkWith(R"("kid":"b")", "Ed25519"),
      JwkWith(Cat({R"("kid":")", std::string(2000, 'k'), "\""}), "P-256#2"),
      JwkWith(R"("kid":"bind","alg":"ES384")", "P-256#2"),
      JwkWith(R"("kid":"a")", "P-256#2"),
  });
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(jwks).ok());
  auto set = b.Build();
  CHECK(set->Kids() == std::vector<std::string>{"a", "b"});
  CHECK(Reasons(set->skipped()) ==
        std::vector<Reason>{Reason::kInvalidKey, Reason::kWeakKey, Reason::kInvalidKey,
                            Reason::kMalformed, Reason::kMalformed, Reason::kMalformed,
                            Reason::kInvalidKey, Reason::kTooLarge, Reason::kAlgorithmMismatch,
                            Reason::kDuplicateKid});
  CHECK(set->skipped()[8].kid == "bind");
  CHECK(set->skipped()[7].kid.size() == 1024);  // reported, truncated to the kid bound
  CHECK(set->skipped()[5].kid.empty());         // "7" has no kid
  auto v = MakeVerifier(set, AllAlgorithms());
  CHECK(v->Verify(Token(Algorithm::kES256, Key("P-256").private_pem, "a"), Now()).verdict ==
        Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kEdDSA, Key("Ed25519").private_pem, "b"), Now()).verdict ==
        Verdict::kOk);
  // The duplicate did not replace the first key with that kid.
  CHECK(v->Verify(Token(Algorithm::kES256, Key("P-256#2").private_pem, "a"), Now()).verdict ==
        Verdict::kBadSignature);

  // Without a single usable member the call fails, names the reasons and
  // adds nothing; an empty set fails too.
  jwt::KeySetBuilder c;
  const absl::Status none = c.AddJwks(Jwks({off_curve, OctMember("hs")}));
  CHECK(none.code() == kInvalid);
  CHECK(absl::StrContains(none.message(), "invalid_key"));
  CHECK(absl::StrContains(none.message(), "symmetric_key"));
  CHECK(c.size() == 0);
  CHECK(c.skipped().empty());
  CHECK(c.AddJwks(R"({"keys":[]})").code() == kInvalid);
  // Document-level problems still fail the whole call.
  CHECK(c.AddJwks(R"({"keys":{}})").code() == kInvalid);
  CHECK(c.AddJwks(R"({"nokeys":[]})").code() == kInvalid);
  CHECK(c.AddJwks(R"({"keys":[],"keys":[]})").code() == kInvalid);
  CHECK(c.AddJwks(R"([])").code() == kInvalid);
  CHECK(c.AddJwks(R"({"keys":[)").code() == kInvalid);
}

TEST_CASE("JWKS: symmetric keys are skipped unless the host opts in", "[jwt][keys][jwks]") {
  const std::string jwks = Jwks(
      {OctMember("h1", R"("alg":"HS256",)"), OctMember("h2"), JwkWith(R"("kid":"ec")", "P-256")});
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(jwks).ok());
  CHECK(Reasons(b.skipped()) == std::vector<Reason>{Reason::kSymmetricKey, Reason::kSymmetricKey});
  CHECK(b.Build()->Kids() == std::vector<std::string>{"ec"});

  jwt::JwksOptions opt_in;
  opt_in.allow_symmetric_keys = true;
  jwt::KeySetBuilder c;
  REQUIRE(c.AddJwks(jwks, opt_in).ok());
  CHECK(Reasons(c.skipped()) == std::vector<Reason>{Reason::kNoAlgorithm});  // h2 has no alg
  opt_in.hmac_algorithm = Algorithm::kHS384;
  jwt::KeySetBuilder d;
  REQUIRE(d.AddJwks(jwks, opt_in).ok());
  auto set = d.Build();
  CHECK(set->skipped().empty());
  CHECK(set->AlgorithmsOf("h1") == std::vector<Algorithm>{Algorithm::kHS256});
  CHECK(set->AlgorithmsOf("h2") == std::vector<Algorithm>{Algorithm::kHS384});
  auto v = MakeVerifier(set, AllAlgorithms());
  CHECK(v->Verify(Token(Algorithm::kHS256, Secret(), "h1"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kHS384, Secret(), "h2"), Now()).verdict == Verdict::kOk);
  // A single JWK is the host's own configuration: no opt-in needed.
  jwt::KeySetBuilder e;
  CHECK(e.AddJwk(OctMember("h"), Algorithm::kHS256).ok());
}

TEST_CASE("JWKS: an RSA member without alg verifies the RSA algorithms the host allows",
          "[jwt][keys][jwks]") {
  const std::string jwks = Jwks({JwkWith(R"("kid":"r")", "RSA2048")});
  const std::string& pem = Key("RSA2048").private_pem;
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(jwks).ok());
  auto set = b.Build();
  // The verifier's allow-list narrows what the key may verify.
  auto rs256_only = MakeVerifier(set, Checked({Algorithm::kRS256}));
  CHECK(rs256_only->Verify(Token(Algorithm::kRS256, pem, "r"), Now()).verdict == Verdict::kOk);
  CHECK(rs256_only->Verify(Token(Algorithm::kPS256, pem, "r"), Now()).verdict ==
        Verdict::kAlgorithmNotAllowed);
  auto pss = MakeVerifier(set, Checked({Algorithm::kPS256, Algorithm::kES256}));
  CHECK(pss->Verify(Token(Algorithm::kPS256, pem, "r"), Now()).verdict == Verdict::kOk);
  // The host may narrow the key itself.
  jwt::JwksOptions narrow;
  narrow.rsa_algorithms = {Algorithm::kRS256};
  jwt::KeySetBuilder c;
  REQUIRE(c.AddJwks(jwks, narrow).ok());
  auto v = MakeVerifier(c.Build(), AllAlgorithms());
  CHECK(v->Verify(Token(Algorithm::kRS256, pem, "r"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Token(Algorithm::kPS256, pem, "r"), Now()).verdict ==
        Verdict::kKeyAlgorithmMismatch);
  // A JWK's own alg still binds it to that one algorithm.
  jwt::KeySetBuilder d;
  REQUIRE(d.AddJwks(Jwks({JwkWith(R"("kid":"r","alg":"PS384")", "RSA2048")})).ok());
  CHECK(d.Build()->AlgorithmsOf("r") == std::vector<Algorithm>{Algorithm::kPS384});
}

TEST_CASE("JwksOptions out of range are refused", "[jwt][keys][jwks]") {
  const std::string jwks = Jwks({JwkWith(R"("kid":"ec")", "P-256")});
  const auto code = [&jwks](const jwt::JwksOptions& o) {
    jwt::KeySetBuilder b;
    return b.AddJwks(jwks, o).code();
  };
  jwt::JwksOptions o;
  CHECK(code(o) == absl::StatusCode::kOk);
  o.rsa_algorithms = {};
  CHECK(code(o) == kInvalid);
  o.rsa_algorithms = {Algorithm::kRS256, Algorithm::kES256};
  CHECK(code(o) == kInvalid);
  o.rsa_algorithms = {Algorithm::kHS256};
  CHECK(code(o) == kInvalid);
  o = {};
  o.hmac_algorithm = Algorithm::kRS256;
  CHECK(code(o) == kInvalid);
  o = {};
  o.max_bytes = 1;
  CHECK(code(o) == kInvalid);
  o.max_bytes = 16 * 1024 * 1024 + 1;
  CHECK(code(o) == kInvalid);
  o.max_bytes = 16 * 1024 * 1024;
  CHECK(code(o) == absl::StatusCode::kOk);
  o = {};
  o.max_keys = 0;
  CHECK(code(o) == kInvalid);
  o.max_keys = 4097;
  CHECK(code(o) == kInvalid);
  o.max_keys = 1;
  CHECK(code(o) == absl::StatusCode::kOk);
  // The bounds apply.
  jwt::KeySetBuilder b;
  CHECK(b.AddJwks(Jwks({JwkWith(R"("kid":"x")", "P-256"), JwkWith(R"("kid":"y")", "P-256")}), o)
            .code() == kInvalid);
  o.max_keys = 256;
  o.max_bytes = jwks.size() - 1;
  CHECK(b.AddJwks(jwks, o).code() == kInvalid);
}

TEST_CASE("KeySkipReason labels are distinct stable snake_case", "[jwt][keys]") {
  CheckLabels<Reason>(jwt::kKeySkipReasonCount);
  CHECK(jwt::ToString(Reason::kRocaVulnerable) == "roca_vulnerable");
  CHECK(jwt::ToString(Reason::kSymmetricKey) == "symmetric_key");
  CHECK(jwt::ToString(Reason::kNotForSignature) == "not_for_signature");
}
