// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The rejection path does not allocate (after the thread's first call sized
// its scratch buffers). Counts global operator new calls on this thread.
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include "jwt_test_util.h"

// Sanitizers own operator new/delete: the counting replacement is only
// compiled in plain builds (the test still runs the rejections otherwise).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define EDGEKIT_JWT_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EDGEKIT_JWT_TEST_SANITIZED 1
#endif

namespace {
thread_local long g_allocations = 0;
}  // namespace

#ifndef EDGEKIT_JWT_TEST_SANITIZED
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  std::abort();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace jwt_test;  // NOLINT

TEST_CASE("rejections do not allocate", "[jwt][verifier]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  REQUIRE(b.AddJwk(Cat({R"({"kid":"ec",)", Key("P-256").public_jwk.substr(1)})).ok());
  jwt::VerifierOptions o = AllAlgorithms();
  o.audiences = {"api"};
  o.accept_any_audience = false;
  auto v = MakeVerifier(b.Build(), o);
  const std::string good =
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
           Claims(R"(,"pad":")" + std::string(500, 'p') + "\""));
  const std::string es =
      Sign(Algorithm::kES256, Key("P-256").private_pem, R"({"alg":"ES256","kid":"ec"})", Claims());
  REQUIRE(v->Verify(good, Now()).ok());  // warm-up: sizes this thread's buffers
  REQUIRE(v->Verify(es, Now()).ok());
  const std::string cases[] = {
      WithSignature(good, std::string(32, 'x')),   // bad signature
      WithSignature(es, std::string(64, '\x01')),  // bad ECDSA
      good.substr(1),                              // malformed
      std::string(20000, 'A'),                     // oversized
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"nope"})", Claims()),
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"none","kid":"hs"})", Claims()),
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
           R"({"aud":"api","exp":1})"),  // expired
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})",
           R"({"aud":"other","exp":1800000000})"),  // audience
  };
  for (const std::string& token : cases) {
    INFO(token.substr(0, 60));
    const long before = g_allocations;
    const jwt::VerifyResult r = v->Verify(token, Now());
    const long after = g_allocations;
    CHECK_FALSE(r.ok());
    CHECK(after - before == 0);
  }
}

TEST_CASE("Token getters read the claim index: no parsing, no allocation", "[jwt][verifier]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto v = MakeVerifier(b.Build(), AllAlgorithms());
  std::string claims = R"({"exp":1800000000,"b":true,"n":7.5,"s":"str","o":{"x":[1,2]})";
  for (int i = 0; i < 200; ++i)
    claims += Cat({",\"c", std::to_string(i), "\":", std::to_string(i)});
  claims += "}";
  jwt::VerifyResult r = v->Verify(
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", claims),
      Now());
  REQUIRE(r.ok());
  const jwt::Token token = std::move(*r.token);
  CHECK(token.claim_count() == 205);
  // On a thread that never parsed JSON (a re-parse would have to set up a
  // parser there first): lookups allocate nothing.
  long allocations = -1;
  bool found = false;
  std::thread reader([&] {
    const long before = g_allocations;
    found = token.Has("o") && token.GetNumber("c199") == std::optional<double>(199) &&
            token.GetBool("b") == std::optional<bool>(true) &&
            token.GetNumber("n") == std::optional<double>(7.5) && !token.Has("c200") &&
            !token.GetBool("s");
    allocations = g_allocations - before;
  });
  reader.join();
  CHECK(found);
#ifndef EDGEKIT_JWT_TEST_SANITIZED
  CHECK(allocations == 0);
#endif
}
