// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Forwarding claims as header field values (RFC 9110 §5.5, §5.6.2).
#include <string>

#include "edgekit/jwt/forwarding.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {
jwt::Token Verified(std::string_view payload) {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  jwt::VerifierOptions o = AllAlgorithms();
  o.require_exp = false;
  auto v = MakeVerifier(b.Build(), o);
  jwt::VerifyResult r = v->Verify(
      Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", payload),
      Now());
  REQUIRE(r.ok());
  return *r.token;
}
}  // namespace

TEST_CASE("IsSafeFieldValue refuses CR, LF, NUL, other controls and edge whitespace",
          "[jwt][forwarding]") {
  CHECK(jwt::IsSafeFieldValue("user-1"));
  CHECK(jwt::IsSafeFieldValue("a b\tc"));
  CHECK(jwt::IsSafeFieldValue(""));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\r\nX-Admin: 1"));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\nb"));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\rb"));
  CHECK_FALSE(jwt::IsSafeFieldValue(std::string("a\0b", 3)));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\x7F"));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\x01"));
  CHECK_FALSE(jwt::IsSafeFieldValue(" a"));
  CHECK_FALSE(jwt::IsSafeFieldValue("a\t"));
  CHECK_FALSE(jwt::IsSafeFieldValue("caf\xC3\xA9"));
  CHECK(jwt::IsSafeFieldValue("caf\xC3\xA9", /*allow_non_ascii=*/true));
}

TEST_CASE("ForwardClaims maps claims to header values and refuses injection", "[jwt][forwarding]") {
  const jwt::Token t = Verified(
      R"({"sub":"user-1","n":42,"f":1.5,"b":true,"roles":["a","b"],"evil":"x\r\nX-Admin: 1","nul":"a\u0000b","comma":["a,b"],"o":{},"z":null})");
  std::vector<std::pair<std::string, std::string>> out;
  REQUIRE(jwt::ForwardClaims(t,
                             {{"sub", "X-User-Id"},
                              {"n", "X-N"},
                              {"f", "X-F"},
                              {"b", "X-B"},
                              {"roles", "X-Roles"},
                              {"absent", "X-Absent"}},
                             &out)
              .ok());
  CHECK(out == std::vector<std::pair<std::string, std::string>>{{"X-User-Id", "user-1"},
                                                                {"X-N", "42"},
                                                                {"X-F", "1.5"},
                                                                {"X-B", "true"},
                                                                {"X-Roles", "a, b"}});
  out.clear();
  CHECK(jwt::ForwardClaims(t, {{"sub", "X-User-Id"}, {"evil", "X-Evil"}}, &out).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(out.empty());  // nothing added on error
  CHECK(jwt::ClaimToFieldValue(t, "nul").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ClaimToFieldValue(t, "comma").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ClaimToFieldValue(t, "o").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ClaimToFieldValue(t, "z").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ClaimToFieldValue(t, "absent").status().code() == absl::StatusCode::kNotFound);
  CHECK(jwt::ForwardClaims(t, {{"absent", "X-A", /*required=*/true}}, &out).code() ==
        absl::StatusCode::kNotFound);
  CHECK(jwt::ForwardClaims(t, {{"sub", "X User"}}, &out).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ForwardClaims(t, {{"sub", "X-User\r\n"}}, &out).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(jwt::ForwardClaims(t, {{"sub", ""}}, &out).code() == absl::StatusCode::kInvalidArgument);
  // The error names the claim but never echoes its value.
  const absl::Status s = jwt::ClaimToFieldValue(t, "evil").status();
  CHECK(std::string(s.message()).find("X-Admin") == std::string::npos);
}
