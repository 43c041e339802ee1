// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The per-thread memos of the verify path (the last header's facts, the key
// its kid selected, the key set per verifier) never change a verdict: they
// follow key set swaps, other verifiers and other headers exactly.
#include <string>

#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

std::shared_ptr<const jwt::KeySet> OneHmac(std::string_view kid, const std::string& secret,
                                           Algorithm alg = Algorithm::kHS256) {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret(kid, secret, alg).ok());
  return b.Build();
}

}  // namespace

TEST_CASE("a swapped key under the same kid is used at once", "[jwt][verifier]") {
  const std::string a = Secret().substr(0, 32), b = Secret().substr(1, 32);  // different secrets
  const std::string header = R"({"alg":"HS256","kid":"k"})";
  const std::string ta = Sign(Algorithm::kHS256, a, header, Claims());
  const std::string tb = Sign(Algorithm::kHS256, b, header, Claims());
  auto v = MakeVerifier(OneHmac("k", a), AllAlgorithms());
  CHECK(v->Verify(ta, Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(tb, Now()).verdict == Verdict::kBadSignature);
  v->SetKeySet(OneHmac("k", b));
  CHECK(v->Verify(ta, Now()).verdict == Verdict::kBadSignature);
  CHECK(v->Verify(tb, Now()).verdict == Verdict::kOk);
  v->SetKeySet(OneHmac("other", b));
  CHECK(v->Verify(tb, Now()).verdict == Verdict::kUnknownKey);
  // The same header, now bound to another algorithm.
  v->SetKeySet(OneHmac("k", Secret(), Algorithm::kHS512));
  CHECK(v->Verify(tb, Now()).verdict == Verdict::kKeyAlgorithmMismatch);
}

TEST_CASE("verifiers sharing a thread and a header keep their own keys and options",
          "[jwt][verifier]") {
  const std::string a = Secret().substr(0, 32), b = Secret().substr(1, 32);  // different secrets
  const std::string header = R"({"alg":"HS256","kid":"k","typ":"at+jwt"})";
  const std::string ta = Sign(Algorithm::kHS256, a, header, Claims());
  auto va = MakeVerifier(OneHmac("k", a), AllAlgorithms());
  auto vb = MakeVerifier(OneHmac("k", b), AllAlgorithms());
  jwt::VerifierOptions typed = AllAlgorithms();
  typed.expected_type = "JWT";
  auto vt = MakeVerifier(OneHmac("k", a), typed);
  jwt::VerifierOptions es_only = AllAlgorithms();
  es_only.allowed_algorithms = {Algorithm::kES256};
  auto ve = MakeVerifier(OneHmac("k", a), es_only);
  for (int round = 0; round < 3; ++round) {
    CHECK(va->Verify(ta, Now()).verdict == Verdict::kOk);
    CHECK(vb->Verify(ta, Now()).verdict == Verdict::kBadSignature);
    CHECK(vt->Verify(ta, Now()).verdict == Verdict::kBadType);
    CHECK(ve->Verify(ta, Now()).verdict == Verdict::kAlgorithmNotAllowed);
  }
}

TEST_CASE("headers alternate: malformed, unknown and good headers in any order",
          "[jwt][verifier]") {
  const std::string key = Secret().substr(0, 32);
  auto v = MakeVerifier(OneHmac("k", key), AllAlgorithms());
  const std::string good = Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"k"})", Claims());
  const std::string unknown =
      Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"x"})", Claims());
  const std::string dup =
      Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"k","kid":"k"})", Claims());
  const std::string none = Sign(Algorithm::kHS256, key, R"({"alg":"none","kid":"k"})", Claims());
  const std::string bad_sig = WithSignature(good, std::string(32, 'x'));
  for (int round = 0; round < 2; ++round) {
    CHECK(v->Verify(good, Now()).verdict == Verdict::kOk);
    CHECK(v->Verify(dup, Now()).verdict == Verdict::kMalformed);
    CHECK(v->Verify(good, Now()).verdict == Verdict::kOk);
    CHECK(v->Verify(unknown, Now()).verdict == Verdict::kUnknownKey);
    CHECK(v->Verify(unknown, Now()).verdict == Verdict::kUnknownKey);
    CHECK(v->Verify(none, Now()).verdict == Verdict::kUnsupportedAlgorithm);
    CHECK(v->Verify(bad_sig, Now()).verdict == Verdict::kBadSignature);
    CHECK(v->Verify(good, Now()).verdict == Verdict::kOk);
  }
  // The Token's kid and typ are its own copies, not the thread's memo.
  jwt::VerifyResult r = v->Verify(good, Now());
  REQUIRE(r.ok());
  (void)v->Verify(unknown, Now());
  CHECK(r.token->key_id() == "k");
}
