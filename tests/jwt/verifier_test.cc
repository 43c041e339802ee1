// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Verifier: every algorithm end to end, claim checks (RFC 7519 §4.1), typ
// (RFC 9068 §4), key selection and rotation, refresh suggestions, stats.
#include <string>

#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/fake_clock.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

struct AlgCase {
  Algorithm alg;
  const char* kind;
};
const AlgCase kAll[] = {
    {Algorithm::kHS256, ""},        {Algorithm::kHS384, ""},        {Algorithm::kHS512, ""},
    {Algorithm::kRS256, "RSA2048"}, {Algorithm::kRS384, "RSA2048"}, {Algorithm::kRS512, "RSA2048"},
    {Algorithm::kPS256, "RSA2048"}, {Algorithm::kPS384, "RSA2048"}, {Algorithm::kPS512, "RSA2048"},
    {Algorithm::kES256, "P-256"},   {Algorithm::kES384, "P-384"},   {Algorithm::kES512, "P-521"},
    {Algorithm::kEdDSA, "Ed25519"}, {Algorithm::kEdDSA, "Ed448"},
};

std::shared_ptr<const jwt::KeySet> HmacSet() {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  return b.Build();
}

std::string Hs(std::string_view payload,
               std::string_view header = R"({"alg":"HS256","kid":"hs"})") {
  return Sign(Algorithm::kHS256, Secret().substr(0, 32), header, payload);
}

}  // namespace

TEST_CASE("every algorithm verifies end to end and rejects a flipped signature bit",
          "[jwt][verifier]") {
  for (const AlgCase& c : kAll) {
    const std::string name(jwt::AlgorithmName(c.alg));
    INFO(name << " " << c.kind);
    jwt::KeySetBuilder b;
    std::string key;
    if (c.kind[0] == '\0') {
      key = Secret();
      REQUIRE(b.AddHmacSecret("k", key, c.alg).ok());
    } else {
      key = Key(c.kind).private_pem;
      REQUIRE(
          b.AddJwk(Cat({R"({"kid":"k","alg":")", name, "\",", Key(c.kind).public_jwk.substr(1)}))
              .ok());
    }
    auto v = MakeVerifier(b.Build(), Checked({c.alg}));
    const std::string token =
        Sign(c.alg, key, Cat({R"({"alg":")", name, R"(","kid":"k"})"}), Claims());
    jwt::VerifyResult r = v->Verify(token, Now());
    REQUIRE(r.verdict == Verdict::kOk);
    CHECK(r.token->algorithm() == c.alg);
    CHECK(r.token->key_id() == "k");
    CHECK(r.token->subject() == std::optional<std::string>("user-1"));
    // Truncated or extended signatures (RSA: modulus size, EdDSA: 64/114, HMAC: hash size).
    const std::string full = SignatureOf(token);
    CHECK(v->Verify(WithSignature(token, full.substr(0, full.size() - 1)), Now()).verdict ==
          Verdict::kBadSignature);
    CHECK(v->Verify(WithSignature(token, full + std::string(1, '\0')), Now()).verdict ==
          Verdict::kBadSignature);
    std::string sig = full;
    sig[sig.size() / 3] = static_cast<char>(sig[sig.size() / 3] ^ 0x04);
    CHECK(v->Verify(WithSignature(token, sig), Now()).verdict == Verdict::kBadSignature);
    // Payload changed after signing.
    const std::string other =
        Sign(c.alg, key, Cat({R"({"alg":")", name, R"(","kid":"k"})"}), Claims(R"(,"admin":true)"));
    const std::string spliced =
        Cat({token.substr(0, token.find('.')),
             other.substr(other.find('.'), other.rfind('.') - other.find('.')),
             token.substr(token.rfind('.'))});
    CHECK(v->Verify(spliced, Now()).verdict == Verdict::kBadSignature);
  }
}

TEST_CASE("exp, nbf and leeway (RFC 7519 §4.1.4, §4.1.5)", "[jwt][verifier][claims]") {
  jwt::VerifierOptions o = AllAlgorithms();
  o.leeway = absl::Seconds(30);
  auto v = MakeVerifier(HmacSet(), o);
  const std::string t = Hs(R"({"exp":1700000000,"nbf":1699999000})");
  CHECK(v->Verify(t, absl::FromUnixSeconds(1699998969)).verdict == Verdict::kNotYetValid);
  CHECK(v->Verify(t, absl::FromUnixSeconds(1699998970)).verdict == Verdict::kOk);
  CHECK(v->Verify(t, absl::FromUnixSeconds(1700000029)).verdict == Verdict::kOk);
  CHECK(v->Verify(t, absl::FromUnixSeconds(1700000030)).verdict == Verdict::kExpired);
  // Without exp: missing unless require_exp is off.
  CHECK(v->Verify(Hs("{}"), Now()).verdict == Verdict::kMissingClaim);
  jwt::VerifierOptions lax = AllAlgorithms();
  lax.require_exp = false;
  CHECK(MakeVerifier(HmacSet(), lax)->Verify(Hs("{}"), Now()).verdict == Verdict::kOk);
}

TEST_CASE("maximum token age uses iat and requires it", "[jwt][verifier][claims]") {
  jwt::VerifierOptions o = AllAlgorithms();
  o.max_token_age = absl::Minutes(10);
  o.leeway = absl::Seconds(5);
  auto v = MakeVerifier(HmacSet(), o);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iat":1699999500})"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iat":1699999395})"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iat":1699999394})"), Now()).verdict == Verdict::kTooOld);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iat":1700000006})"), Now()).verdict ==
        Verdict::kNotYetValid);
  CHECK(v->Verify(Hs(R"({"exp":1800000000})"), Now()).verdict == Verdict::kMissingClaim);
}

TEST_CASE("iss exact match against the allowed set; required claims", "[jwt][verifier][claims]") {
  jwt::VerifierOptions o = AllAlgorithms();
  o.allowed_issuers = {"https://a.example", "https://b.example"};
  o.accept_any_issuer = false;
  o.required_claims = {"sub", "scope"};
  auto v = MakeVerifier(HmacSet(), o);
  CHECK(
      v->Verify(Hs(R"({"exp":1800000000,"iss":"https://b.example","sub":"u","scope":null})"), Now())
          .verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iss":"https://b.example/","sub":"u","scope":1})"), Now())
            .verdict == Verdict::kIssuer);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iss":"HTTPS://A.EXAMPLE","sub":"u","scope":1})"), Now())
            .verdict == Verdict::kIssuer);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"sub":"u","scope":1})"), Now()).verdict ==
        Verdict::kMissingClaim);
  CHECK(
      v->Verify(Hs(R"({"exp":1800000000,"iss":["https://a.example"],"sub":"u","scope":1})"), Now())
          .verdict == Verdict::kMalformedClaim);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iss":"https://a.example","sub":"u"})"), Now()).verdict ==
        Verdict::kMissingClaim);
  CHECK(v->Verify(Hs(R"({"exp":1800000000,"iss":"https://a.example","sub":5,"scope":1})"), Now())
            .verdict == Verdict::kMalformedClaim);
}

TEST_CASE("typ check: at+jwt, case-insensitive, application/ prefix (RFC 9068 §4)",
          "[jwt][verifier]") {
  jwt::VerifierOptions o = AllAlgorithms();
  o.expected_type = "at+jwt";
  auto v = MakeVerifier(HmacSet(), o);
  auto with_typ = [&](std::string_view typ) {
    return v->Verify(Hs(Claims(), Cat({R"({"alg":"HS256","kid":"hs","typ":")", typ, "\"}"})), Now())
        .verdict;
  };
  CHECK(with_typ("at+jwt") == Verdict::kOk);
  CHECK(with_typ("AT+JWT") == Verdict::kOk);
  CHECK(with_typ("application/at+jwt") == Verdict::kOk);
  CHECK(with_typ("Application/AT+jwt") == Verdict::kOk);
  CHECK(with_typ("JWT") == Verdict::kBadType);
  CHECK(with_typ("application/jwt") == Verdict::kBadType);
  CHECK(with_typ("at+jwt ") == Verdict::kBadType);
  CHECK(v->Verify(Hs(Claims()), Now()).verdict == Verdict::kBadType);
  CHECK(v->Verify(Hs(Claims(), R"({"alg":"HS256","kid":"hs","typ":1})"), Now()).verdict ==
        Verdict::kMalformed);
}

TEST_CASE("alg allow-list per verifier", "[jwt][verifier]") {
  auto v = MakeVerifier(HmacSet(), Checked({Algorithm::kES256}));
  CHECK(v->Verify(Hs(Claims()), Now()).verdict == Verdict::kAlgorithmNotAllowed);
  CHECK(v->Verify(Hs(Claims(), R"({"alg":"XS256","kid":"hs"})"), Now()).verdict ==
        Verdict::kUnsupportedAlgorithm);
  CHECK(v->Verify(Hs(Claims(), R"({"alg":"hs256","kid":"hs"})"), Now()).verdict ==
        Verdict::kUnsupportedAlgorithm);
}

TEST_CASE("tokens without kid use the key added with the empty kid", "[jwt][verifier]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto v = MakeVerifier(b.Build(), AllAlgorithms());
  CHECK(v->Verify(Hs(Claims(), R"({"alg":"HS256"})"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(Claims(), R"({"alg":"HS256","kid":""})"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(Claims()), Now()).verdict == Verdict::kUnknownKey);
}

TEST_CASE("unknown kid suggests a refresh at most once per interval; key sets swap",
          "[jwt][verifier]") {
  edgekit::testing::FakeClock clock(Now());
  jwt::VerifierOptions o = AllAlgorithms();
  o.refresh_interval = absl::Seconds(30);
  jwt::KeySetBuilder empty;
  auto v = MakeVerifier(empty.Build(), o, clock);
  const std::string t = Hs(Claims());
  jwt::VerifyResult r1 = v->Verify(t);
  CHECK(r1.verdict == Verdict::kUnknownKey);
  CHECK(r1.refresh_suggested);
  CHECK_FALSE(v->Verify(t).refresh_suggested);
  clock.Advance(absl::Seconds(29));
  CHECK_FALSE(v->Verify(t).refresh_suggested);
  clock.Advance(absl::Seconds(1));
  CHECK(v->Verify(t).refresh_suggested);
  CHECK_FALSE(v->Verify(t).refresh_suggested);
  // The wall clock jumps back by an hour: suggestions resume instead of
  // staying silent for an hour; a small step back does not trigger one.
  clock.Advance(absl::Seconds(-1));
  CHECK_FALSE(v->Verify(t).refresh_suggested);
  clock.Advance(absl::Hours(-1));
  CHECK(v->Verify(t).refresh_suggested);
  CHECK_FALSE(v->Verify(t).refresh_suggested);
  clock.Advance(absl::Hours(1));
  CHECK(v->Verify(t).refresh_suggested);
  // The host fetched the JWKS: swap it in.
  v->SetKeySet(HmacSet());
  CHECK(v->Verify(t).verdict == Verdict::kOk);
  CHECK(v->key_set()->Contains("hs"));
  v->SetKeySet(nullptr);  // ignored
  CHECK(v->Verify(t).verdict == Verdict::kOk);
  const jwt::VerifierCounters s = v->counters();
  CHECK(s.by_verdict[static_cast<size_t>(Verdict::kUnknownKey)] == 9);
  CHECK(s.by_verdict[static_cast<size_t>(Verdict::kOk)] == 2);
  CHECK(s.refresh_suggestions == 4);
  CHECK(s.key_set_swaps == 1);
}

TEST_CASE("Token gives typed access to claims", "[jwt][verifier][claims]") {
  auto v = MakeVerifier(HmacSet(), AllAlgorithms());
  jwt::VerifyResult r = v->Verify(
      Hs(R"({"exp":1800000000.25,"nbf":1,"iat":2,"jti":"j","s":"v\u00e9","n":-2.5,"b":false,"a":["x","y"],"m":["x",1],"o":{},"aud":["p","q"],"esc\"aped":"ok"})"),
      Now());
  REQUIRE(r.ok());
  const jwt::Token& t = *r.token;
  CHECK(t.expires_at_seconds() == std::optional<double>(1800000000.25));
  CHECK(t.expires_at() == absl::FromUnixMillis(1800000000250));
  CHECK(t.not_before_seconds() == std::optional<double>(1));
  CHECK(t.issued_at_seconds() == std::optional<double>(2));
  CHECK(t.jwt_id() == std::optional<std::string>("j"));
  CHECK_FALSE(t.issuer());
  CHECK(t.GetString("s") == std::optional<std::string>("v\xC3\xA9"));
  CHECK_FALSE(t.GetString("n"));
  CHECK(t.GetNumber("n") == std::optional<double>(-2.5));
  CHECK_FALSE(t.GetNumber("b"));
  CHECK(t.GetBool("b") == std::optional<bool>(false));
  CHECK(t.GetStringArray("a") == std::optional<std::vector<std::string>>({"x", "y"}));
  CHECK_FALSE(t.GetStringArray("m"));
  CHECK_FALSE(t.GetStringArray("s"));
  CHECK(t.Has("o"));
  CHECK_FALSE(t.Has("zz"));
  CHECK(t.GetString("esc\"aped") == std::optional<std::string>("ok"));
  CHECK(t.Audiences() == std::vector<std::string>{"p", "q"});
  // The token outlives the verifier and later verifications.
  const jwt::Token copy = t;
  (void)v->Verify(Hs(R"({"exp":1800000000,"s":"other"})"), Now());
  v.reset();
  CHECK(copy.GetString("s") == std::optional<std::string>("v\xC3\xA9"));
}

TEST_CASE("VerifyJws checks the signature only and returns the payload bytes", "[jwt][verifier]") {
  auto v = MakeVerifier(HmacSet(), AllAlgorithms());
  jwt::JwsResult r = v->VerifyJws(Hs(std::string("\x00\xFFnot json", 10)), Now());
  REQUIRE(r.ok());
  CHECK(r.payload == std::string("\x00\xFFnot json", 10));
  jwt::JwsResult empty = v->VerifyJws(Hs(""), Now());
  CHECK(empty.ok());
  CHECK(empty.payload.empty());
  CHECK(v->Verify(Hs(""), Now()).verdict == Verdict::kMalformed);
  jwt::JwsResult bad = v->VerifyJws(Hs("x") + "A", Now());
  CHECK_FALSE(bad.ok());
  CHECK(bad.payload.empty());
}
