// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// JOSE header parsing: plain headers (string members, printable ASCII, no
// escapes) take a scan that must agree with the full JSON parser on every
// input; everything else goes to simdjson. Each case names the verdict.
#include <string>
#include <utility>
#include <vector>

#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

struct HeaderFixture {
  std::unique_ptr<jwt::Verifier> verifier;
  std::unique_ptr<jwt::Verifier> strict;  // reject_embedded_keys
  HeaderFixture() {
    jwt::KeySetBuilder b;
    REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
    auto set = b.Build();
    jwt::VerifierOptions o = AllAlgorithms();
    o.audiences = {"api"};
    o.accept_any_audience = false;
    verifier = MakeVerifier(set, o);
    o.reject_embedded_keys = true;
    strict = MakeVerifier(set, o);
  }
  Verdict V(std::string_view header, bool reject_embedded = false) const {
    const std::string token = Sign(Algorithm::kHS256, Secret().substr(0, 32), header, Claims());
    return (reject_embedded ? strict : verifier)->Verify(token, Now()).verdict;
  }
};

}  // namespace

TEST_CASE("header: plain and escaped forms give the same verdicts", "[jwt][header]") {
  HeaderFixture f;
  const std::vector<std::pair<std::string, Verdict>> cases = {
      {R"({"alg":"HS256","kid":"hs"})", Verdict::kOk},
      {R"({"kid":"hs","alg":"HS256"})", Verdict::kOk},
      {" \t\r\n{ \"alg\" :\t\"HS256\" ,\n\"kid\"\r: \"hs\" } \n", Verdict::kOk},
      {R"({"alg":"HS256","kid":"hs","typ":"JWT","x":"y z"})", Verdict::kOk},
      {R"({"alg":"HS256","kid":"hs","n":1,"b":true,"o":{},"a":[]})", Verdict::kOk},
      {R"({"\u0061lg":"HS256","kid":"hs"})", Verdict::kOk},
      {R"({"alg":"HS\u0032\u0035\u0036","kid":"hs"})", Verdict::kOk},
      {"{\"alg\":\"HS256\",\"kid\":\"hs\",\"x\":\"\xC3\xA9\"}", Verdict::kOk},  // UTF-8
      // Duplicates, raw and through escapes.
      {R"({"alg":"HS256","alg":"HS256","kid":"hs"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","kid":"hs"})", Verdict::kMalformed},
      {R"({"alg":"HS256","\u0061lg":"HS256","kid":"hs"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","x":"1","x":"2"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","x":"1","x":2})", Verdict::kMalformed},
      // Not JSON, or not one object.
      {R"({"alg":"HS256","kid":"hs"}x)", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs"},)", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs"}})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs",})", Verdict::kMalformed},
      {R"({"alg":"HS256" "kid":"hs"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs")", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs)", Verdict::kMalformed},
      {R"({"alg":"HS256","kid"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":})", Verdict::kMalformed},
      {R"({"alg":HS256,"kid":"hs"})", Verdict::kMalformed},
      {R"({'alg':'HS256','kid':'hs'})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs"} {})", Verdict::kMalformed},
      {R"(["alg","HS256"])", Verdict::kMalformed},
      {R"("alg")", Verdict::kMalformed},
      {"\xEF\xBB\xBF{\"alg\":\"HS256\",\"kid\":\"hs\"}", Verdict::kMalformed},  // BOM
      {"{\"alg\":\"HS256\",\"kid\":\"h\ts\"}", Verdict::kMalformed},            // raw control char
      {"{\"alg\":\"HS256\",\"kid\":\"h\x01s\"}", Verdict::kMalformed},
      {std::string("{\"alg\":\"HS256\",\"kid\":\"h\0s\"}", 27), Verdict::kMalformed},
      {"{\"alg\":\"HS256\",\"kid\":\"hs\",\"x\":\"\xC0\xAF\"}", Verdict::kMalformed},
      {"{\"alg\":\"HS256\",\"kid\":\"hs\",\"x\":\"\xFF\"}", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","x":"\q"})", Verdict::kMalformed},
      {"{\"alg\":\"HS256\",\"kid\":\"hs\"}\x0B", Verdict::kMalformed},  // not JSON space
      // Semantics after parsing.
      {R"({})", Verdict::kUnsupportedAlgorithm},
      {R"({"kid":"hs"})", Verdict::kUnsupportedAlgorithm},
      {R"({"alg":"none","kid":"hs"})", Verdict::kUnsupportedAlgorithm},
      {R"({"alg":"nOnE","kid":"hs"})", Verdict::kUnsupportedAlgorithm},
      {R"({"alg":"HS256 ","kid":"hs"})", Verdict::kUnsupportedAlgorithm},
      {R"({"alg":1,"kid":"hs"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":1})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","typ":null})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"nope"})", Verdict::kUnknownKey},
      {R"({"alg":"HS256","kid":"HS"})", Verdict::kUnknownKey},
      {R"({"alg":"HS256","kid":"hs","crit":"x"})", Verdict::kMalformed},
      {R"({"alg":"HS256","kid":"hs","crit":["x"],"x":"1"})", Verdict::kUnsupportedCrit},
      {R"({"alg":"HS256","kid":"hs","jku":"https://evil.example"})", Verdict::kOk},
  };
  for (const auto& [header, verdict] : cases) {
    INFO(header);
    CHECK(f.V(header) == verdict);
  }
  CHECK(f.V(R"({"alg":"HS256","kid":"hs","jku":"https://evil.example"})", true) ==
        Verdict::kEmbeddedKey);
  CHECK(f.V(R"({"alg":"HS256","kid":"hs","x5u":"https://evil.example"})", true) ==
        Verdict::kEmbeddedKey);
  CHECK(f.V(R"({"alg":"HS256","kid":"hs","jwk":{"kty":"oct"}})", true) == Verdict::kEmbeddedKey);
}

TEST_CASE("header: member count limit holds on both paths", "[jwt][header]") {
  HeaderFixture f;
  const auto header = [](size_t members, bool plain) {
    std::string h = R"({"alg":"HS256","kid":"hs")";
    for (size_t i = 2; i < members; ++i) {
      h += ",\"m" + std::to_string(i) + "\":" + (plain ? "\"v\"" : "1");
    }
    return h + "}";
  };
  CHECK(f.V(header(64, true)) == Verdict::kOk);
  CHECK(f.V(header(64, false)) == Verdict::kOk);
  CHECK(f.V(header(65, true)) == Verdict::kMalformed);
  CHECK(f.V(header(65, false)) == Verdict::kMalformed);
}
