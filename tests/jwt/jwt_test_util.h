// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: jwt_test_util.h
// -----------------------------------------------------------------------------
// Shared fixtures for the jwt tests: keys generated once per process (RSA key
// generation is slow under ASan), token builders and RFC vectors.

#ifndef EDGEKIT_TESTS_JWT_JWT_TEST_UTIL_H_
#define EDGEKIT_TESTS_JWT_JWT_TEST_UTIL_H_

#include <algorithm>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"
#include "edgekit_catch.h"

namespace jwt_test {

namespace jwt = edgekit::jwt;
using jwt::Algorithm;
using jwt::Verdict;

// Concatenation of std::string_views (Debian's absl::StrCat takes absl::string_view only).
inline std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p.data(), p.size());
  return out;
}

// A key generated once per process, by kind ("RSA2048", "P-256", "P-256#2", ...).
inline const edgekit::testing::TestKey& Key(const std::string& kind) {
  static auto* keys = new std::map<std::string, edgekit::testing::TestKey>();
  auto it = keys->find(kind);
  if (it == keys->end()) {
    // "P-256#2" is a second, independent P-256 key.
    auto key = edgekit::testing::GenerateTestKey(kind.substr(0, kind.find('#')));
    REQUIRE(key.ok());
    it = keys->emplace(kind, *key).first;
  }
  return it->second;
}

inline std::string B64(std::string_view s) { return edgekit::testing::Base64UrlEncode(s); }

inline std::string B64Decode(std::string_view s) {
  std::string out;
  REQUIRE(absl::WebSafeBase64Unescape(absl::string_view(s.data(), s.size()), &out));
  return out;
}

// A 64-byte HMAC secret (long enough for HS512).
inline const std::string& Secret() {
  static const std::string* s =
      new std::string("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  return *s;
}

// Signs header/payload with `key` (secret or private PEM).
inline std::string Sign(Algorithm alg, std::string_view key, std::string_view header,
                        std::string_view payload) {
  auto token = edgekit::testing::SignTokenForTest(alg, key, header, payload);
  REQUIRE(token.ok());
  return *token;
}

// Replaces the signature segment.
inline std::string WithSignature(const std::string& token, std::string_view raw_sig) {
  return Cat({token.substr(0, token.rfind('.') + 1), B64(raw_sig)});
}

inline std::string SignatureOf(const std::string& token) {
  return B64Decode(token.substr(token.rfind('.') + 1));
}

// The current time all tests use, and claims valid around it.
inline absl::Time Now() { return absl::FromUnixSeconds(1700000000); }
inline std::string Claims(std::string_view extra = "") {
  return Cat(
      {R"({"iss":"https://idp.example","sub":"user-1","aud":"api","exp":1700003600,"iat":1699999000)",
       extra, "}"});
}

inline std::unique_ptr<jwt::Verifier> MakeVerifier(
    std::shared_ptr<const jwt::KeySet> set, jwt::VerifierOptions options,
    edgekit::Clock& clock = edgekit::RealClock::Get()) {
  auto v = jwt::Verifier::Create(std::move(options), std::move(set), clock);
  REQUIRE(v.ok());
  return std::move(*v);
}

// Every algorithm, iss and aud not checked (accept_any_*): for tests about
// other things. Tests that set issuers or audiences clear the matching flag.
inline jwt::VerifierOptions AllAlgorithms() {
  jwt::VerifierOptions o;
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    o.allowed_algorithms.push_back(static_cast<Algorithm>(i));
  }
  o.accept_any_issuer = true;
  o.accept_any_audience = true;
  return o;
}

// Options that check the issuer and audience Claims() carries.
inline jwt::VerifierOptions Checked(std::initializer_list<Algorithm> algs) {
  jwt::VerifierOptions o;
  o.allowed_algorithms = algs;
  o.allowed_issuers = {"https://idp.example"};
  o.audiences = {"api"};
  return o;
}

// A JWKS document of the given member objects.
inline std::string Jwks(std::initializer_list<std::string_view> members) {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (std::string_view m : members) {
    if (!first) out += ",";
    first = false;
    out.append(m.data(), m.size());
  }
  return out + "]}";
}

// A public JWK of `kind` (see Key()) with extra members (`"kid":"x",...`) in front.
inline std::string JwkWith(std::string_view members, const std::string& kind) {
  return Cat({"{", members, members.empty() ? "" : ",", Key(kind).public_jwk.substr(1)});
}

// Checks that the ToString labels of Enum(0..count-1) are distinct snake_case.
template <typename Enum>
void CheckLabels(size_t count) {
  std::vector<std::string> labels;
  for (size_t i = 0; i < count; ++i) {
    const std::string label(jwt::ToString(static_cast<Enum>(i)));
    INFO(label);
    CHECK_FALSE(label.empty());
    for (char ch : label) CHECK(((ch >= 'a' && ch <= 'z') || ch == '_'));
    CHECK(std::find(labels.begin(), labels.end(), label) == labels.end());
    labels.push_back(label);
  }
}

// RFC 7515 A.1-A.5 / RFC 8037 A.4 / RFC 7517 A.1 / RFC 7520 §4.1 data.
inline constexpr std::string_view kRfc7515Payload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
inline constexpr std::string_view kA1Jwk =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
inline constexpr std::string_view kA1Token =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6"
    "Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
inline constexpr std::string_view kA2N =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
    "4qPCJrcS2mJPMEzP1Pt0Bm4d4Ql"
    "L-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-"
    "bSf63kpaSHSXndS5z5rexMdbBYUs"
    "LA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
    "DWNmoudF8"
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
inline constexpr std::string_view kA2Token =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9p"
    "c19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-"
    "0Qc_l"
    "F5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSj"
    "tQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9Q"
    "OYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
inline constexpr std::string_view kA3Jwk =
    R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";
inline constexpr std::string_view kA3Token =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9p"
    "c19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-"
    "F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-"
    "Kg6NU1Q";
inline constexpr std::string_view kA4Jwk =
    R"({"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2"})";
inline constexpr std::string_view kA4Token =
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-"
    "mZZqwq"
    "T2SI-KGDKB34XO0aw_"
    "7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXu"
    "kOXolLzeO_Jn";
inline constexpr std::string_view kA5Token =
    "eyJhbGciOiJub25lIn0."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc1"
    "9yb290Ijp0cnVlfQ.";
inline constexpr std::string_view kEd25519Jwk =
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
inline constexpr std::string_view kEd25519Token =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-"
    "09PGcvMg3AIbQ"
    "R6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
inline constexpr std::string_view kRfc7517A1Jwks =
    R"({"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"1"},)"
    R"({"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}]})";
inline constexpr std::string_view kRfc7520N =
    "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_"
    "AJmSCpMaJMR"
    "BSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-"
    "OfVfHd1E6cS6M1F"
    "ZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_"
    "mzSnbL"
    "Y7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw";
inline constexpr std::string_view kRfc7520Token =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9."
    "SXTigJlzIGEgZGFuZ2Vyb3VzIG"
    "J1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlv"
    "dSBk"
    "b24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZi"
    "B0by"
    "4.MRjdkly7_-"
    "oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7P"
    "NDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_"
    "qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4"
    "QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-"
    "ZnmKJ3F4uOZDnd"
    "6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg";

// 2011-03-22T18:43:00Z: one second before the RFC 7515 examples' exp.
inline absl::Time RfcNow() { return absl::FromUnixSeconds(1300819379); }

}  // namespace jwt_test

#endif  // EDGEKIT_TESTS_JWT_JWT_TEST_UTIL_H_
