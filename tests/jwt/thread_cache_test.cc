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

namespace {

// A key set with HMAC key "k" (`secret`) and EC key "e" (`ec_kind`).
std::shared_ptr<const jwt::KeySet> HmacAndEc(const std::string& secret,
                                             const std::string& ec_kind) {
  jwt::KeySetBuilder builder;
  REQUIRE(builder.AddHmacSecret("k", secret, Algorithm::kHS256).ok());
  REQUIRE(builder.AddJwk(JwkWith(R"("kid":"e")", ec_kind)).ok());
  return builder.Build();
}

// Tokens with one header per kind: HS256 under "k" with secrets a and b,
// ES256 under "e" with two EC keys.
struct RotationTokens {
  std::string a = Secret().substr(0, 32), b = Secret().substr(1, 32);
  std::string ta = Sign(Algorithm::kHS256, a, R"({"alg":"HS256","kid":"k"})", Claims());
  std::string tb = Sign(Algorithm::kHS256, b, R"({"alg":"HS256","kid":"k"})", Claims());
  std::string te1 =
      Sign(Algorithm::kES256, Key("P-256").private_pem, R"({"alg":"ES256","kid":"e"})", Claims());
  std::string te2 =
      Sign(Algorithm::kES256, Key("P-256#2").private_pem, R"({"alg":"ES256","kid":"e"})", Claims());
};

}  // namespace

TEST_CASE("a verifier created where a destroyed one lived does not inherit its memos",
          "[jwt][verifier]") {
  // The allocator usually hands the new verifier the old one's address, and
  // the second verifier's first token has the header the first verified
  // last: the memos are keyed by process-unique verifier ids, so neither
  // may matter. Rounds alternate which kind of token crosses the swap.
  const RotationTokens t;
  for (int round = 0; round < 4; ++round) {
    const bool hmac = round % 2 == 0;
    auto first = MakeVerifier(HmacAndEc(t.a, "P-256"), AllAlgorithms());
    CHECK(first->Verify(hmac ? t.te1 : t.ta, Now()).verdict == Verdict::kOk);
    CHECK(first->Verify(hmac ? t.ta : t.te1, Now()).verdict == Verdict::kOk);
    first.reset();
    auto second = MakeVerifier(HmacAndEc(t.b, "P-256#2"), AllAlgorithms());
    CHECK(second->Verify(hmac ? t.ta : t.te1, Now()).verdict == Verdict::kBadSignature);
    CHECK(second->Verify(hmac ? t.tb : t.te2, Now()).verdict == Verdict::kOk);
    CHECK(second->Verify(hmac ? t.te1 : t.ta, Now()).verdict == Verdict::kBadSignature);
    CHECK(second->Verify(hmac ? t.te2 : t.tb, Now()).verdict == Verdict::kOk);
  }
}

TEST_CASE("a key set rebuilt after the old one was freed gets fresh per-thread contexts",
          "[jwt][verifier]") {
  // The old set's keys are freed before the new set is built, so new keys
  // may take their addresses: the per-thread OpenSSL context copies are
  // keyed by key ids, and the key memo by key set generation, never by
  // addresses. The token verified last before each swap has the header
  // verified first after it.
  const RotationTokens t;
  auto v = MakeVerifier(HmacAndEc(t.a, "P-256"), AllAlgorithms());
  for (int round = 0; round < 8; ++round) {
    const bool old_a = round % 2 == 0;  // the installed set: secret a and EC key 1
    const bool hmac = round % 4 < 2;    // the kind whose header crosses the swaps
    const std::string& hmac_old = old_a ? t.ta : t.tb;
    const std::string& ec_old = old_a ? t.te1 : t.te2;
    CHECK(v->Verify(hmac ? ec_old : hmac_old, Now()).verdict == Verdict::kOk);
    CHECK(v->Verify(hmac ? hmac_old : ec_old, Now()).verdict == Verdict::kOk);
    // Only the verifier and this thread's key set cache hold the set: an
    // unrelated set and one verification release it.
    v->SetKeySet(OneHmac("unrelated", t.a));
    CHECK(v->Verify(hmac ? hmac_old : ec_old, Now()).verdict == Verdict::kUnknownKey);
    v->SetKeySet(old_a ? HmacAndEc(t.b, "P-256#2") : HmacAndEc(t.a, "P-256"));
    CHECK(v->Verify(hmac ? hmac_old : ec_old, Now()).verdict == Verdict::kBadSignature);
    CHECK(v->Verify(hmac ? ec_old : hmac_old, Now()).verdict == Verdict::kBadSignature);
  }
}
