// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Secure defaults and option ranges: issuers and audiences are required
// configuration (RFC 7519 §4.1.1, §4.1.3), every duration and bound has a
// range that Create() enforces, nothing is clamped.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "edgekit/jwt/verifier.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

std::shared_ptr<const jwt::KeySet> HmacSet() {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  return b.Build();
}

std::string Hs(std::string_view payload) {
  return Sign(Algorithm::kHS256, Secret().substr(0, 32), R"({"alg":"HS256","kid":"hs"})", payload);
}

// The Create() error for `o`, "" when it succeeds.
std::string CreateError(const jwt::VerifierOptions& o) {
  absl::StatusOr<std::unique_ptr<jwt::Verifier>> v = jwt::Verifier::Create(o, HmacSet());
  if (v.ok()) return "";
  CHECK(v.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(v.status().message());
}

}  // namespace

TEST_CASE("RFC 7519 §4.1.3: a token whose aud does not name the verifier is rejected",
          "[jwt][verifier][claims][rfc]") {
  auto v = MakeVerifier(HmacSet(), Checked({Algorithm::kHS256}));
  const std::string iss = R"("iss":"https://idp.example","exp":1700003600)";
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":"api"})"})), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":["other","api"]})"})), Now()).verdict ==
        Verdict::kOk);
  // Minted for another service: rejected, as a string or an array.
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":"billing"})"})), Now()).verdict ==
        Verdict::kAudience);
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":["billing","search"]})"})), Now()).verdict ==
        Verdict::kAudience);
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":[]})"})), Now()).verdict == Verdict::kAudience);
  // Exact, case-sensitive comparison (RFC 7519 §4.1.3: StringOrURI values).
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":"API"})"})), Now()).verdict == Verdict::kAudience);
  CHECK(v->Verify(Hs(Cat({"{", iss, R"(,"aud":"api "})"})), Now()).verdict == Verdict::kAudience);
  // No aud at all does not name the verifier either.
  CHECK(v->Verify(Hs(Cat({"{", iss, "}"})), Now()).verdict == Verdict::kMissingClaim);
}

TEST_CASE("issuers and audiences are required unless the host explicitly accepts any",
          "[jwt][verifier][options]") {
  jwt::VerifierOptions o;
  o.allowed_algorithms = {Algorithm::kHS256};
  CHECK(absl::StrContains(CreateError(o), "allowed_issuers"));
  o.allowed_issuers = {"https://idp.example"};
  CHECK(absl::StrContains(CreateError(o), "audiences"));
  o.audiences = {"api"};
  CHECK(CreateError(o).empty());
  // The opt-outs contradict a configured list.
  o.accept_any_audience = true;
  CHECK(absl::StrContains(CreateError(o), "accept_any_audience"));
  o.accept_any_audience = false;
  o.accept_any_issuer = true;
  CHECK(absl::StrContains(CreateError(o), "accept_any_issuer"));

  // With the explicit (dangerous) opt-outs, iss and aud are not compared.
  jwt::VerifierOptions any;
  any.allowed_algorithms = {Algorithm::kHS256};
  any.accept_any_issuer = true;
  any.accept_any_audience = true;
  auto v = MakeVerifier(HmacSet(), any);
  CHECK(v->Verify(Hs(R"({"iss":"https://evil.example","aud":"billing","exp":1700003600})"), Now())
            .verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(R"({"exp":1700003600})"), Now()).verdict == Verdict::kOk);
  // Issuer checked, audience not: a wrong issuer still fails.
  any.accept_any_issuer = false;
  any.allowed_issuers = {"https://idp.example"};
  auto w = MakeVerifier(HmacSet(), any);
  CHECK(w->Verify(Hs(R"({"iss":"https://evil.example","aud":"api","exp":1700003600})"), Now())
            .verdict == Verdict::kIssuer);
  CHECK(w->Verify(Hs(R"({"aud":"api","exp":1700003600})"), Now()).verdict ==
        Verdict::kMissingClaim);
}

TEST_CASE("every option range is enforced at Create", "[jwt][verifier][options]") {
  const jwt::VerifierOptions base = Checked({Algorithm::kHS256});
  REQUIRE(CreateError(base).empty());
  struct Case {
    const char* what;
    void (*change)(jwt::VerifierOptions*);
    const char* field;  // "" = valid
  };
  const Case cases[] = {
      {"no algorithm", [](jwt::VerifierOptions* o) { o->allowed_algorithms.clear(); },
       "allowed_algorithms"},
      {"unknown algorithm",
       [](jwt::VerifierOptions* o) { o->allowed_algorithms = {static_cast<Algorithm>(13)}; },
       "allowed_algorithms"},
      {"empty issuer", [](jwt::VerifierOptions* o) { o->allowed_issuers = {""}; },
       "allowed_issuers"},
      {"65 issuers", [](jwt::VerifierOptions* o) { o->allowed_issuers.assign(65, "i"); },
       "allowed_issuers"},
      {"64 issuers", [](jwt::VerifierOptions* o) { o->allowed_issuers.assign(64, "i"); }, ""},
      {"long audience", [](jwt::VerifierOptions* o) { o->audiences = {std::string(1025, 'a')}; },
       "audiences"},
      {"1 KiB audience", [](jwt::VerifierOptions* o) { o->audiences = {std::string(1024, 'a')}; },
       ""},
      {"65 required claims", [](jwt::VerifierOptions* o) { o->required_claims.assign(65, "x"); },
       "required_claims"},
      {"empty required claim", [](jwt::VerifierOptions* o) { o->required_claims = {""}; },
       "required_claims"},
      {"long typ", [](jwt::VerifierOptions* o) { o->expected_type = std::string(257, 't'); },
       "expected_type"},
      {"negative leeway", [](jwt::VerifierOptions* o) { o->leeway = absl::Seconds(-1); }, "leeway"},
      {"infinite leeway", [](jwt::VerifierOptions* o) { o->leeway = absl::InfiniteDuration(); },
       "leeway"},
      {"huge leeway",
       [](jwt::VerifierOptions* o) { o->leeway = absl::Minutes(5) + absl::Nanoseconds(1); },
       "leeway"},
      {"5 min leeway", [](jwt::VerifierOptions* o) { o->leeway = absl::Minutes(5); }, ""},
      {"zero max age", [](jwt::VerifierOptions* o) { o->max_token_age = absl::ZeroDuration(); },
       "max_token_age"},
      {"negative max age", [](jwt::VerifierOptions* o) { o->max_token_age = absl::Seconds(-5); },
       "max_token_age"},
      {"infinite max age",
       [](jwt::VerifierOptions* o) { o->max_token_age = absl::InfiniteDuration(); },
       "max_token_age"},
      {"1 s max age", [](jwt::VerifierOptions* o) { o->max_token_age = absl::Seconds(1); }, ""},
      {"366 d max age", [](jwt::VerifierOptions* o) { o->max_token_age = absl::Hours(24 * 366); },
       ""},
      {"tiny token limit", [](jwt::VerifierOptions* o) { o->max_token_bytes = 63; },
       "max_token_bytes"},
      {"zero token limit", [](jwt::VerifierOptions* o) { o->max_token_bytes = 0; },
       "max_token_bytes"},
      {"huge token limit", [](jwt::VerifierOptions* o) { o->max_token_bytes = (1u << 20) + 1; },
       "max_token_bytes"},
      {"1 MiB token limit", [](jwt::VerifierOptions* o) { o->max_token_bytes = size_t{1} << 20; },
       ""},
      {"header above token",
       [](jwt::VerifierOptions* o) {
         o->max_token_bytes = 1000;
         o->max_header_bytes = 1001;
       },
       "max_header_bytes"},
      {"tiny header limit", [](jwt::VerifierOptions* o) { o->max_header_bytes = 15; },
       "max_header_bytes"},
      {"zero refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::ZeroDuration(); },
       "refresh_interval"},
      {"negative refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::Seconds(-30); },
       "refresh_interval"},
      {"sub-second refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::Milliseconds(999); },
       "refresh_interval"},
      {"infinite refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::InfiniteDuration(); },
       "refresh_interval"},
      {"1 s refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::Seconds(1); }, ""},
      {"24 h refresh interval",
       [](jwt::VerifierOptions* o) { o->refresh_interval = absl::Hours(24); }, ""},
      {"understood crit", [](jwt::VerifierOptions* o) { o->understood_crit = {"x"}; },
       "understood_crit"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    jwt::VerifierOptions o = base;
    c.change(&o);
    const std::string error = CreateError(o);
    if (std::string_view(c.field).empty()) {
      CHECK(error.empty());
    } else {
      CHECK(absl::StrContains(error, c.field));
    }
  }
  CHECK(jwt::Verifier::Create(base, nullptr).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("an infinite leeway can no longer make exp: 1 pass", "[jwt][verifier][options]") {
  jwt::VerifierOptions o = AllAlgorithms();
  o.leeway = absl::Minutes(5);
  auto v = MakeVerifier(HmacSet(), o);
  CHECK(v->Verify(Hs(R"({"exp":1})"), Now()).verdict == Verdict::kExpired);
  // 5 minutes past exp is still inside the leeway, 5 minutes and a second not.
  CHECK(v->Verify(Hs(R"({"exp":1699999701})"), Now()).verdict == Verdict::kOk);
  CHECK(v->Verify(Hs(R"({"exp":1699999699})"), Now()).verdict == Verdict::kExpired);
}
