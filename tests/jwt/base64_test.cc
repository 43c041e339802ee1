// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The verifier's own base64url decoder (a table for short input and tails,
// 32-byte SIMD blocks where the CPU has AVX2): every length decodes exactly,
// every byte outside the alphabet is rejected at every position (inside a
// SIMD block and in the scalar tail), trailing bits must be zero.
#include <string>

#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

struct B64Fixture {
  std::unique_ptr<jwt::Verifier> verifier;
  B64Fixture() {
    jwt::KeySetBuilder b;
    REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
    REQUIRE(b.AddHmacSecret("hs5", Secret(), Algorithm::kHS512).ok());
    verifier = MakeVerifier(b.Build(), AllAlgorithms());
  }
  jwt::JwsResult Jws(const std::string& token) const { return verifier->VerifyJws(token, Now()); }
};

// Deterministic bytes covering all 256 values.
std::string Bytes(size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245u + 12345u;
    s[i] = static_cast<char>((x >> 16) & 0xFF);
  }
  return s;
}

}  // namespace

TEST_CASE("base64url: every length round-trips through VerifyJws", "[jwt][base64]") {
  B64Fixture f;
  for (size_t n = 0; n <= 260; ++n) {
    const std::string payload = Bytes(n, static_cast<unsigned>(n));
    const std::string token =
        Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", payload);
    const jwt::JwsResult r = f.Jws(token);
    INFO("payload bytes " << n);
    REQUIRE(r.verdict == Verdict::kOk);
    CHECK(r.payload == payload);
  }
}

TEST_CASE("base64url: a stray byte anywhere in the payload is malformed", "[jwt][base64]") {
  B64Fixture f;
  // 150 bytes: 200 characters, six 32-character blocks and an 8-character tail.
  const std::string good = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                R"({"alg":"HS256","kid":"hs"})", Bytes(150, 7));
  const size_t dot1 = good.find('.');
  const size_t dot2 = good.rfind('.');
  REQUIRE(dot2 - dot1 - 1 == 200);
  REQUIRE(f.Jws(good).verdict == Verdict::kOk);
  const std::string stray =
      std::string("+/= \t\r\n@[`{:\x7f\x80\xc3\xff,!", 19) + std::string(1, '\0');
  for (size_t pos = dot1 + 1; pos < dot2; ++pos) {
    for (char c : stray) {
      std::string t = good;
      t[pos] = c;
      INFO("position " << pos - dot1 - 1 << " byte "
                       << static_cast<int>(static_cast<unsigned char>(c)));
      CHECK(f.Jws(t).verdict == Verdict::kMalformed);
    }
  }
  // All 256 byte values at a position inside a SIMD block and in the tail.
  for (size_t offset : {size_t{0}, size_t{17}, size_t{31}, size_t{63}, size_t{193}, size_t{197}}) {
    for (int b = 0; b < 256; ++b) {
      std::string t = good;
      t[dot1 + 1 + offset] = static_cast<char>(b);
      const bool in_alphabet = kAlphabet.find(static_cast<char>(b)) != std::string::npos;
      const Verdict v = f.Jws(t).verdict;
      INFO("offset " << offset << " byte " << b);
      if (in_alphabet) {
        CHECK(v != Verdict::kMalformed);
      } else {
        CHECK(v == Verdict::kMalformed);
      }
    }
  }
}

TEST_CASE("base64url: a stray byte anywhere in the signature is malformed", "[jwt][base64]") {
  B64Fixture f;
  // HS512: an 86-character signature (two SIMD blocks and a 22-character tail).
  const std::string good =
      Sign(Algorithm::kHS512, Secret(), R"({"alg":"HS512","kid":"hs5"})", Claims());
  const size_t dot2 = good.rfind('.');
  REQUIRE(good.size() - dot2 - 1 == 86);
  REQUIRE(f.Jws(good).verdict == Verdict::kOk);
  for (size_t pos = dot2 + 1; pos < good.size(); ++pos) {
    for (char c : std::string("+/=@[`{ \x80\xff", 10)) {
      std::string t = good;
      t[pos] = c;
      INFO("position " << pos - dot2 - 1);
      CHECK(f.Jws(t).verdict == Verdict::kMalformed);
    }
    // Another alphabet character: a valid encoding of a wrong tag.
    std::string t = good;
    t[pos] = t[pos] == 'A' ? 'B' : 'A';
    if (pos + 1 == good.size()) continue;  // the last one may set unused bits
    CHECK(f.Jws(t).verdict == Verdict::kBadSignature);
  }
  // A signature longer than any key's (RSA-16384 is 2048 bytes): still
  // malformed with a stray byte, a bad signature otherwise.
  const std::string head = good.substr(0, dot2 + 1);
  CHECK(f.Jws(head + std::string(3000, 'A')).verdict == Verdict::kBadSignature);
  CHECK(f.Jws(head + std::string(2999, 'A') + "+").verdict == Verdict::kMalformed);
}

TEST_CASE("base64url: unused trailing bits must be zero in every segment", "[jwt][base64]") {
  B64Fixture f;
  for (size_t n : {size_t{100}, size_t{101}, size_t{148}, size_t{149}}) {  // % 3 == 1 or 2
    const std::string good = Sign(Algorithm::kHS256, Secret().substr(0, 32),
                                  R"({"alg":"HS256","kid":"hs"})", Bytes(n, 3));
    REQUIRE(f.Jws(good).verdict == Verdict::kOk);
    const size_t dot2 = good.rfind('.');
    std::string t = good;
    const size_t last = kAlphabet.find(t[dot2 - 1]);
    REQUIRE(last != std::string::npos);
    t[dot2 - 1] = kAlphabet[last | 1];  // sets the lowest unused bit
    INFO("payload bytes " << n);
    CHECK(f.Jws(t).verdict == Verdict::kMalformed);
  }
  // Header: {"alg":"HS256","kid":"hs"} is 26 bytes, 35 characters.
  const std::string good =
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", Claims());
  REQUIRE(f.Jws(good).verdict == Verdict::kOk);
  std::string t = good;
  const size_t dot1 = t.find('.');
  REQUIRE(dot1 % 4 != 0);
  t[dot1 - 1] = kAlphabet[kAlphabet.find(t[dot1 - 1]) | 1];
  CHECK(f.Jws(t).verdict == Verdict::kMalformed);
}
