// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Algorithm names (RFC 7518 §3.1, RFC 8037 §3.1) and verdict names.
#include <set>
#include <string>

#include "edgekit/jwt/algorithm.h"
#include "edgekit_catch.h"

namespace jwt = edgekit::jwt;

TEST_CASE("Algorithm names round-trip and are case-sensitive", "[jwt]") {
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    const auto alg = static_cast<jwt::Algorithm>(i);
    CHECK(jwt::AlgorithmFromName(jwt::AlgorithmName(alg)) == alg);
  }
  CHECK(jwt::AlgorithmName(jwt::Algorithm::kEdDSA) == "EdDSA");
  CHECK_FALSE(jwt::AlgorithmFromName("hs256"));
  CHECK_FALSE(jwt::AlgorithmFromName("HS256 "));
  CHECK_FALSE(jwt::AlgorithmFromName("Ed25519"));
  CHECK_FALSE(jwt::AlgorithmFromName(""));
  CHECK_FALSE(jwt::AlgorithmFromName(std::string("HS256\0", 6)));
}

TEST_CASE("none is never an algorithm, in any capitalisation", "[jwt][attack]") {
  for (const char* name : {"none", "None", "NONE", "nOnE", "NoNe"}) {
    CHECK_FALSE(jwt::AlgorithmFromName(name));
  }
}

TEST_CASE("every verdict has a distinct name", "[jwt]") {
  std::set<std::string> names;
  for (size_t i = 0; i < jwt::kVerdictCount; ++i) {
    const std::string_view n = jwt::ToString(static_cast<jwt::Verdict>(i));
    CHECK(!n.empty());
    CHECK(n != "?");
    names.emplace(n);
  }
  CHECK(names.size() == jwt::kVerdictCount);
  CHECK(jwt::ToString(jwt::Verdict::kOk) == "ok");
  CHECK(jwt::ToString(jwt::Verdict::kExpired) == "expired");
}
