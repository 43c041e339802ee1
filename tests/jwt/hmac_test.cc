// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// HMAC keys are prepared once as K'^ipad / K'^opad digest contexts (RFC 2104).
// Tokens signed with OpenSSL's own HMAC (the test signer uses EVP_Q_mac) must
// verify for secrets shorter than, equal to and longer than the hash block
// (longer ones are hashed first), and every wrong tag must fail.
#include <string>

#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

TEST_CASE("HMAC: secrets around the block size verify like OpenSSL's HMAC", "[jwt][hmac]") {
  struct Case {
    Algorithm alg;
    const char* name;
    size_t min_len;
    size_t block;
  };
  const Case cases[] = {{Algorithm::kHS256, "HS256", 32, 64},
                        {Algorithm::kHS384, "HS384", 48, 128},
                        {Algorithm::kHS512, "HS512", 64, 128}};
  for (const Case& c : cases) {
    for (size_t len :
         {c.min_len, c.block - 1, c.block, c.block + 1, 2 * c.block + 3, size_t{300}}) {
      std::string secret(len, '\0');
      for (size_t i = 0; i < len; ++i) secret[i] = static_cast<char>((i * 131 + len) & 0xFF);
      jwt::KeySetBuilder b;
      REQUIRE(b.AddHmacSecret("k", secret, c.alg).ok());
      auto v = MakeVerifier(b.Build(), AllAlgorithms());
      const std::string header = Cat({R"({"alg":")", c.name, R"(","kid":"k"})"});
      const std::string token = Sign(c.alg, secret, header, Claims());
      INFO(c.name << " secret bytes " << len);
      CHECK(v->Verify(token, Now()).verdict == Verdict::kOk);
      // Another secret of the same length, a flipped bit in the tag, a
      // truncated and an extended tag.
      std::string other = secret;
      other[len / 2] = static_cast<char>(other[len / 2] ^ 1);
      CHECK(v->Verify(Sign(c.alg, other, header, Claims()), Now()).verdict ==
            Verdict::kBadSignature);
      std::string tag = SignatureOf(token);
      for (size_t i : {size_t{0}, tag.size() / 2, tag.size() - 1}) {
        std::string t = tag;
        t[i] = static_cast<char>(t[i] ^ 0x80);
        CHECK(v->Verify(WithSignature(token, t), Now()).verdict == Verdict::kBadSignature);
      }
      CHECK(v->Verify(WithSignature(token, tag.substr(0, tag.size() - 1)), Now()).verdict ==
            Verdict::kBadSignature);
      CHECK(v->Verify(WithSignature(token, tag + "x"), Now()).verdict == Verdict::kBadSignature);
    }
  }
}
