// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// One test (at least) per known attack class on JWS/JWT verifiers
// (RFC 8725 §2-§3 and the issue's list).
#include <string>
#include <vector>

#include "edgekit/jwt/revocation.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

// P-256 group order n, big-endian (SEC 2 §2.4.2).
const std::string& P256Order() {
  static const std::string* n = new std::string(
      absl::HexStringToBytes("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"));
  return *n;
}

// a - b for equal-length big-endian numbers (a >= b).
std::string Sub(const std::string& a, const std::string& b) {
  std::string out(a.size(), '\0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int d = static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]) - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<char>(d < 0 ? d + 256 : d);
  }
  return out;
}

// DER ECDSA-Sig-Value from raw r||s (what a verifier must NOT accept in JWS).
std::string Der(const std::string& raw) {
  std::string body;
  for (int h = 0; h < 2; ++h) {
    std::string v = raw.substr(h * raw.size() / 2, raw.size() / 2);
    while (v.size() > 1 && v[0] == '\0') v.erase(0, 1);
    if (static_cast<unsigned char>(v[0]) & 0x80) v.insert(0, 1, '\0');
    body += '\x02';
    body += static_cast<char>(v.size());
    body += v;
  }
  return std::string("\x30", 1) + static_cast<char>(body.size()) + body;
}

struct Fixture {
  std::shared_ptr<const jwt::KeySet> set;
  std::unique_ptr<jwt::Verifier> verifier;
  Fixture() {
    jwt::KeySetBuilder b;
    REQUIRE(b.AddPublicKeyPem("rsa", Key("RSA2048").public_pem, Algorithm::kRS256).ok());
    REQUIRE(b.AddJwk(Cat({R"({"kid":"ec",)", Key("P-256").public_jwk.substr(1)})).ok());
    REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
    set = b.Build();
    jwt::VerifierOptions o = AllAlgorithms();
    o.audiences = {"api"};
    o.accept_any_audience = false;
    verifier = MakeVerifier(set, o);
  }
  Verdict V(const std::string& token) const { return verifier->Verify(token, Now()).verdict; }
};

}  // namespace

TEST_CASE("alg none is rejected in every capitalisation, with or without a signature",
          "[jwt][attack]") {
  Fixture f;
  for (const char* none : {"none", "None", "NONE", "nOnE"}) {
    for (const char* kid : {"", R"(,"kid":"hs")", R"(,"kid":"rsa")"}) {
      const std::string body =
          Cat({B64(Cat({R"({"alg":")", none, "\"", kid, "}"})), ".", B64(Claims())});
      INFO(body);
      CHECK(f.V(body + ".") == Verdict::kUnsupportedAlgorithm);
      CHECK(f.V(body + ".AAAA") == Verdict::kUnsupportedAlgorithm);
      const std::string hmac = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                    Cat({R"({"alg":")", none, "\"", kid, "}"}), Claims());
      CHECK(f.V(hmac) == Verdict::kUnsupportedAlgorithm);
    }
  }
  // A header without alg, or with a non-string alg.
  CHECK(f.V(Cat({B64(R"({"kid":"hs"})"), ".", B64(Claims()), ".AAAA"})) ==
        Verdict::kUnsupportedAlgorithm);
  CHECK(f.V(Cat({B64(R"({"alg":null})"), ".", B64(Claims()), ".AAAA"})) == Verdict::kMalformed);
}

TEST_CASE("an HMAC token keyed with the RSA/EC public key (PEM, DER, JWK) is rejected",
          "[jwt][attack]") {
  Fixture f;
  // RFC 8725 §2.1 / §3.1: the key decides the algorithm, never the header.
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"rsa", Key("RSA2048").public_pem}, {"rsa", Key("RSA2048").public_der},
      {"rsa", Key("RSA2048").public_jwk}, {"ec", Key("P-256").public_pem},
      {"ec", Key("P-256").public_der},    {"ec", Key("P-256").public_jwk}};
  for (const auto& [kid, secret] : forms) {
    for (Algorithm hs : {Algorithm::kHS256, Algorithm::kHS384, Algorithm::kHS512}) {
      const std::string token =
          Sign(hs, secret, Cat({R"({"alg":")", jwt::AlgorithmName(hs), R"(","kid":")", kid, "\"}"}),
               Claims());
      CHECK(f.V(token) == Verdict::kKeyAlgorithmMismatch);
    }
  }
  // A verifier that does not allow HMAC at all says so first.
  jwt::VerifierOptions rs_only = Checked({Algorithm::kRS256});
  auto v = MakeVerifier(f.set, rs_only);
  const std::string token = Sign(Algorithm::kHS256, Key("RSA2048").public_pem,
                                 R"({"alg":"HS256","kid":"rsa"})", Claims());
  CHECK(v->Verify(token, Now()).verdict == Verdict::kAlgorithmNotAllowed);
}

TEST_CASE("a header alg that differs from the key's bound alg is rejected", "[jwt][attack]") {
  Fixture f;
  const std::string& rsa = Key("RSA2048").private_pem;
  // Same RSA key, other padding/hash: still not the bound RS256.
  CHECK(f.V(Sign(Algorithm::kPS256, rsa, R"({"alg":"PS256","kid":"rsa"})", Claims())) ==
        Verdict::kKeyAlgorithmMismatch);
  CHECK(f.V(Sign(Algorithm::kRS512, rsa, R"({"alg":"RS512","kid":"rsa"})", Claims())) ==
        Verdict::kKeyAlgorithmMismatch);
  CHECK(f.V(Sign(Algorithm::kRS256, rsa, R"({"alg":"RS256","kid":"ec"})", Claims())) ==
        Verdict::kKeyAlgorithmMismatch);
  CHECK(f.V(Sign(Algorithm::kES384, Key("P-384").private_pem, R"({"alg":"ES384","kid":"ec"})",
                 Claims())) == Verdict::kKeyAlgorithmMismatch);
  CHECK(f.V(Sign(Algorithm::kRS256, rsa, R"({"alg":"RS256","kid":"rsa"})", Claims())) ==
        Verdict::kOk);
}

TEST_CASE(
    "ECDSA: r or s zero or >= n, DER and wrongly sized signatures are rejected; high-S "
    "is valid",
    "[jwt][attack]") {
  Fixture f;
  const std::string token =
      Sign(Algorithm::kES256, Key("P-256").private_pem, R"({"alg":"ES256","kid":"ec"})", Claims());
  REQUIRE(f.V(token) == Verdict::kOk);
  const std::string sig = SignatureOf(token);
  REQUIRE(sig.size() == 64);
  const std::string r = sig.substr(0, 32), s = sig.substr(32);
  const std::string zero(32, '\0');
  const std::string& n = P256Order();
  SECTION("zero and out-of-range values") {
    CHECK(f.V(WithSignature(token, zero + s)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, r + zero)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, zero + zero)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, n + s)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, r + n)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, std::string(32, '\xFF') + s)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, r + std::string(32, '\xFF'))) == Verdict::kBadSignature);
  }
  SECTION("the other valid s (n - s) verifies: low-S is not required") {
    CHECK(f.V(WithSignature(token, r + Sub(n, s))) == Verdict::kOk);
  }
  SECTION("DER-encoded signatures are not JWS signatures (RFC 7518 §3.4)") {
    CHECK(f.V(WithSignature(token, Der(sig))) == Verdict::kBadSignature);
  }
  SECTION("wrong sizes, 66-byte zero-padded form included") {
    const std::string padded = std::string(1, '\0') + r + std::string(1, '\0') + s;
    CHECK(f.V(WithSignature(token, padded)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, std::string(1, '\0') + sig)) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, sig.substr(1))) == Verdict::kBadSignature);
    CHECK(f.V(WithSignature(token, sig + sig)) == Verdict::kBadSignature);
    CHECK(f.V(token.substr(0, token.rfind('.') + 1)) == Verdict::kBadSignature);
  }
}

TEST_CASE("a token carrying its own jwk/jku/x5u/x5c gets no trust from it", "[jwt][attack]") {
  Fixture f;
  // The attacker signs with its own key and embeds the public half (RFC 8725 §3.10).
  const auto& evil = Key("P-256#2");
  const std::string header =
      Cat({R"({"alg":"ES256","jwk":)", evil.public_jwk, R"(,"jku":"https://evil.example/k"})"});
  // No kid and no default (empty-kid) key in the set.
  const std::string forged = Sign(Algorithm::kES256, evil.private_pem, header, Claims());
  CHECK(f.V(forged) == Verdict::kUnknownKey);
  // Naming the real key's kid: the embedded key is not used, the signature fails.
  const std::string forged_kid =
      Sign(Algorithm::kES256, evil.private_pem,
           Cat({R"({"alg":"ES256","kid":"ec","jwk":)", evil.public_jwk, "}"}), Claims());
  CHECK(f.V(forged_kid) == Verdict::kBadSignature);
  // A genuine token that merely carries x5u/jku verifies (they are ignored) ...
  const std::string genuine = Sign(
      Algorithm::kES256, Key("P-256").private_pem,
      R"({"alg":"ES256","kid":"ec","x5u":"https://x.example","x5c":["AAAA"],"jku":"https://j.example"})",
      Claims());
  CHECK(f.V(genuine) == Verdict::kOk);
  // ... unless the verifier is strict about them.
  jwt::VerifierOptions strict = AllAlgorithms();
  strict.reject_embedded_keys = true;
  auto v = MakeVerifier(f.set, strict);
  CHECK(v->Verify(genuine, Now()).verdict == Verdict::kEmbeddedKey);
}

TEST_CASE("kid values with path or SQL characters are just unknown keys", "[jwt][attack]") {
  Fixture f;
  for (const char* kid :
       {"../../../../etc/passwd", "' OR '1'='1' --", "\\u0000hs", "hs\\u0000", "/dev/null",
        "%2e%2e%2f", "hs;DROP TABLE keys", "\\\"hs\\\"", "http://evil.example/key"}) {
    const std::string token = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                   Cat({R"({"alg":"HS256","kid":")", kid, "\"}"}), Claims());
    INFO(kid);
    CHECK(f.V(token) == Verdict::kUnknownKey);
  }
  // A 3 KiB kid is still just unknown.
  const std::string token =
      Sign(Algorithm::kHS256, Secret().substr(0, 32),
           Cat({R"({"alg":"HS256","kid":")", std::string(3000, 'k'), "\"}"}), Claims());
  CHECK(f.V(token) == Verdict::kUnknownKey);
  // A non-string kid is malformed.
  CHECK(f.V(Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":7})",
                 Claims())) == Verdict::kMalformed);
}

TEST_CASE("exp/nbf/iat of the wrong type, huge or negative", "[jwt][attack][claims]") {
  Fixture f;
  auto tok = [](std::string_view payload) {
    return Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                payload);
  };
  // RFC 7519 §2: NumericDate is a JSON numeric value.
  for (const char* bad : {R"("1700003600")", "true", "false", "null", "{}", "[1700003600]"}) {
    INFO(bad);
    CHECK(f.V(tok(Cat({R"({"aud":"api","exp":)", bad, "}"}))) == Verdict::kMalformedClaim);
    CHECK(f.V(tok(Cat({R"({"aud":"api","exp":1700003600,"nbf":)", bad, "}"}))) ==
          Verdict::kMalformedClaim);
    CHECK(f.V(tok(Cat({R"({"aud":"api","exp":1700003600,"iat":)", bad, "}"}))) ==
          Verdict::kMalformedClaim);
  }
  CHECK(f.V(tok(R"({"aud":"api","exp":1e300})")) == Verdict::kOk);
  CHECK(f.V(tok(R"({"aud":"api","exp":1700003600,"nbf":1e300})")) == Verdict::kNotYetValid);
  CHECK(f.V(tok(R"({"aud":"api","exp":-1e300})")) == Verdict::kExpired);
  CHECK(f.V(tok(R"({"aud":"api","exp":-1})")) == Verdict::kExpired);
  CHECK(f.V(tok(R"({"aud":"api","exp":0})")) == Verdict::kExpired);
  // 1e400 overflows a double: not a valid JSON number for us.
  CHECK(f.V(tok(R"({"aud":"api","exp":1e400})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"aud":"api","exp":99999999999999999999999999})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"aud":"api","exp":1700000000.5})")) == Verdict::kOk);
  CHECK(f.V(tok(R"({"aud":"api","exp":1700000000.0})")) == Verdict::kExpired);
  CHECK(f.V(tok(R"({"aud":"api","exp":1700003600,"nbf":-5})")) == Verdict::kOk);
}

TEST_CASE("aud as a string or an array, any-of; other shapes rejected", "[jwt][attack][claims]") {
  Fixture f;
  auto tok = [](std::string_view aud) {
    return Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                Cat({R"({"exp":1700003600,"aud":)", aud, "}"}));
  };
  // RFC 7519 §4.1.3.
  CHECK(f.V(tok(R"("api")")) == Verdict::kOk);
  CHECK(f.V(tok(R"(["other","api"])")) == Verdict::kOk);
  CHECK(f.V(tok(R"(["api"])")) == Verdict::kOk);
  CHECK(f.V(tok(R"(["other"])")) == Verdict::kAudience);
  CHECK(f.V(tok(R"([])")) == Verdict::kAudience);
  CHECK(f.V(tok(R"("API")")) == Verdict::kAudience);
  CHECK(f.V(tok(R"("api ")")) == Verdict::kAudience);
  CHECK(f.V(tok(R"(["api",1])")) == Verdict::kMalformedClaim);
  CHECK(f.V(tok(R"([["api"]])")) == Verdict::kMalformedClaim);
  CHECK(f.V(tok("7")) == Verdict::kMalformedClaim);
  CHECK(f.V(tok("null")) == Verdict::kMalformedClaim);
  CHECK(f.V(Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                 R"({"exp":1700003600})")) == Verdict::kMissingClaim);
}

TEST_CASE("crit: unknown extensions rejected, malformed crit rejected", "[jwt][attack]") {
  Fixture f;
  auto tok = [](std::string_view header) {
    return Sign(Algorithm::kHS256, Secret().substr(0, 32), header, Claims());
  };
  // RFC 7515 §4.1.11.
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":["exp"],"exp":1})")) ==
        Verdict::kUnsupportedCrit);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":["b64"],"b64":false})")) ==
        Verdict::kUnsupportedCrit);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":[]})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":"exp","exp":1})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":[1]})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":["alg"]})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":["absent"]})")) == Verdict::kMalformed);
  CHECK(f.V(tok(R"({"alg":"HS256","kid":"hs","crit":["x","x"],"x":1})")) == Verdict::kMalformed);
  // edgekit implements no extension: none may be declared understood
  // (crit_test.cc covers understood_crit and b64 in detail).
  jwt::VerifierOptions o = AllAlgorithms();
  o.understood_crit = {"exp"};
  CHECK(jwt::Verifier::Create(o, f.set).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("duplicate member names in header or payload are rejected", "[jwt][attack]") {
  Fixture f;
  const std::string key = Secret().substr(0, 32);
  // RFC 7515 §5.2 step 4 / RFC 7519 §4.
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs","kid":"rsa"})", Claims())) ==
        Verdict::kMalformed);
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","alg":"none","kid":"hs"})", Claims())) ==
        Verdict::kMalformed);
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})",
                 R"({"aud":"api","exp":1,"exp":1700003600})")) == Verdict::kMalformed);
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})",
                 R"({"aud":"api","exp":1700003600,"\u0065xp":1})")) == Verdict::kMalformed);
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})",
                 R"({"aud":"api","exp":1700003600,"role":"user","role":"admin"})")) ==
        Verdict::kMalformed);
  // Nested objects may repeat names across levels.
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})",
                 R"({"aud":"api","exp":1700003600,"a":{"exp":1}})")) == Verdict::kOk);
}

TEST_CASE("oversized tokens and segments are rejected before any work", "[jwt][attack]") {
  Fixture f;
  const std::string key = Secret().substr(0, 32);
  const std::string big_claim = Cat({R"(,"pad":")", std::string(13000, 'x'), "\""});
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})", Claims(big_claim))) ==
        Verdict::kOversized);
  const std::string big_header =
      Cat({R"({"alg":"HS256","kid":"hs","pad":")", std::string(3100, 'x'), "\"}"});
  CHECK(f.V(Sign(Algorithm::kHS256, key, big_header, Claims())) == Verdict::kOversized);
  CHECK(f.V(std::string(20000, 'A')) == Verdict::kOversized);
  // Under the limits the same shapes verify.
  const std::string mid_claim = Cat({R"(,"pad":")", std::string(10000, 'x'), "\""});
  CHECK(f.V(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})", Claims(mid_claim))) ==
        Verdict::kOk);
  jwt::VerifierOptions o = AllAlgorithms();
  o.max_token_bytes = 100;
  o.max_header_bytes = 64;
  auto v = MakeVerifier(f.set, o);
  CHECK(v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})", Claims()), Now())
            .verdict == Verdict::kOversized);
  // Too many members in the header.
  std::string many = R"({"alg":"HS256","kid":"hs")";
  for (int i = 0; i < 70; ++i) many += Cat({",\"m", std::to_string(i), "\":0"});
  many += "}";
  CHECK(f.V(Sign(Algorithm::kHS256, key, many, Claims())) == Verdict::kMalformed);
}

TEST_CASE("empty and short HMAC keys are refused at setup (RFC 7518 §3.2)", "[jwt][attack]") {
  jwt::KeySetBuilder b;
  CHECK(b.AddHmacSecret("a", "", Algorithm::kHS256).code() == absl::StatusCode::kInvalidArgument);
  CHECK(b.AddHmacSecret("a", std::string(31, 'k'), Algorithm::kHS256).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(b.AddHmacSecret("a", std::string(47, 'k'), Algorithm::kHS384).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(b.AddHmacSecret("a", std::string(63, 'k'), Algorithm::kHS512).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(b.AddJwk(R"({"kty":"oct","k":"","alg":"HS256"})").code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(b.AddJwk(Cat({R"({"kty":"oct","alg":"HS256","k":")", B64(std::string(31, 'k')), "\"}"}))
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(b.size() == 0);
  CHECK(b.AddHmacSecret("a", std::string(32, 'k'), Algorithm::kHS256).ok());
  CHECK(b.AddHmacSecret("b", std::string(64, 'k'), Algorithm::kHS512).ok());
  // An HMAC secret cannot be bound to an asymmetric algorithm.
  CHECK(b.AddHmacSecret("c", std::string(64, 'k'), Algorithm::kRS256).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a revoked jti is rejected until the token would have expired", "[jwt][attack]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto revoked = std::make_shared<jwt::RevocationList>(16);
  jwt::VerifierOptions o = AllAlgorithms();
  o.revocations = revoked;
  auto v = MakeVerifier(b.Build(), o);
  const std::string token = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                 R"({"alg":"HS256","kid":"hs"})", Claims(R"(,"jti":"t-1")"));
  CHECK(v->Verify(token, Now()).verdict == Verdict::kOk);
  REQUIRE(revoked->Revoke("t-1", absl::FromUnixSeconds(1700003600), Now()).ok());
  CHECK(v->Verify(token, Now()).verdict == Verdict::kRevoked);
  CHECK(v->Verify(token, Now() + absl::Seconds(3599)).verdict == Verdict::kRevoked);
  CHECK(v->Verify(token, Now() + absl::Seconds(3600)).verdict == Verdict::kExpired);
  // Other ids pass.
  const std::string other = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                 R"({"alg":"HS256","kid":"hs"})", Claims(R"(,"jti":"t-2")"));
  CHECK(v->Verify(other, Now()).verdict == Verdict::kOk);
  // A non-string jti is a malformed claim.
  CHECK(v->Verify(Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                       Claims(R"(,"jti":1)")),
                  Now())
            .verdict == Verdict::kMalformedClaim);
}

TEST_CASE("compact serialization is strict: segments, base64url alphabet, padding, bits",
          "[jwt][attack]") {
  Fixture f;
  const std::string good =
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", Claims());
  REQUIRE(f.V(good) == Verdict::kOk);
  const size_t dot1 = good.find('.');
  const size_t dot2 = good.rfind('.');
  CHECK(f.V(good + ".") == Verdict::kMalformed);
  CHECK(f.V(good + ".AAAA") == Verdict::kMalformed);
  CHECK(f.V(good.substr(0, dot2)) == Verdict::kMalformed);
  CHECK(f.V("") == Verdict::kMalformed);
  CHECK(f.V("..") == Verdict::kMalformed);
  CHECK(f.V(good.substr(dot1)) == Verdict::kMalformed);  // empty header
  CHECK(f.V(" " + good) == Verdict::kMalformed);
  CHECK(f.V(good + " ") == Verdict::kMalformed);
  CHECK(f.V(good + "\n") == Verdict::kMalformed);
  CHECK(f.V(good + "=") == Verdict::kMalformed);
  CHECK(f.V(good + "==") == Verdict::kMalformed);
  std::string crlf = good;
  crlf.insert(dot1 + 5, "\r\n");
  CHECK(f.V(crlf) == Verdict::kMalformed);
  std::string plus = good;
  std::replace(plus.begin(), plus.end(), '-', '+');
  std::replace(plus.begin(), plus.end(), '_', '/');
  if (plus != good) CHECK(f.V(plus) == Verdict::kMalformed);
  // Non-canonical trailing bits: the 43-char HS256 tag's last char carries 2 unused bits.
  std::string sig_b64 = good.substr(dot2 + 1);
  REQUIRE(sig_b64.size() == 43);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const size_t last = alphabet.find(sig_b64.back());
  sig_b64.back() = alphabet[last | 1];
  CHECK(f.V(good.substr(0, dot2 + 1) + sig_b64) == Verdict::kMalformed);
  // Length % 4 == 1 can never be base64.
  CHECK(f.V(good.substr(0, dot2 + 1) + good.substr(dot2 + 1) + "AA") == Verdict::kMalformed);
  // A NUL byte inside.
  std::string nul = good;
  nul[dot1 + 2] = '\0';
  CHECK(f.V(nul) == Verdict::kMalformed);
  // Header not an object / not JSON.
  CHECK(f.V(Cat({B64("[1]"), ".", B64(Claims()), ".AAAA"})) == Verdict::kMalformed);
  CHECK(f.V(Cat({B64("{\"alg\":\"HS256\""), ".", B64(Claims()), ".AAAA"})) == Verdict::kMalformed);
  // Payload not an object.
  CHECK(f.V(Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                 "[]")) == Verdict::kMalformed);
  // Invalid UTF-8 in the payload JSON.
  CHECK(f.V(Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
                 "{\"aud\":\"api\",\"exp\":1700003600,\"n\":\"\xC0\xAF\"}")) ==
        Verdict::kMalformed);
}
