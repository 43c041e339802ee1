// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// What a host logs and exports: observer events (key sets installed, JWKS
// members skipped, refresh suggested), counters and VisitMetrics, and the
// verdict labels used as metric label values.
#include <map>
#include <string>
#include <vector>

#include "edgekit/jwt/revocation.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/fake_clock.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

namespace {

class Recorder : public jwt::VerifierObserver {
 public:
  void OnKeySetInstalled(const jwt::KeySetInstalled& e) override {
    events.push_back(
        Cat({"installed ", std::to_string(e.keys), "/", std::to_string(e.skipped_keys)}));
  }
  void OnKeySkipped(const jwt::KeySkipped& e) override {
    events.push_back(Cat({"skipped ", e.kid, " ", jwt::ToString(e.reason)}));
  }
  void OnRefreshSuggested(const jwt::RefreshSuggested& e) override {
    events.push_back(Cat({"refresh ", e.kid, " ", std::to_string(absl::ToUnixSeconds(e.now))}));
  }
  std::vector<std::string> events;
};

class Collector : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& m) override {
    std::string key(m.name);
    for (const edgekit::MetricLabel& l : m.labels) key += Cat({"{", l.name, "=", l.value, "}"});
    values[key] = m.value;
    types[key] = m.type;
  }
  std::map<std::string, double> values;
  std::map<std::string, edgekit::MetricType> types;
};

}  // namespace

TEST_CASE("the observer hears installed sets, skipped members and refresh suggestions",
          "[jwt][observer]") {
  edgekit::testing::FakeClock clock(Now());
  Recorder recorder;
  jwt::KeySetBuilder b;
  REQUIRE(b.AddJwks(Jwks({JwkWith(R"("kid":"ec")", "P-256"),
                          Cat({R"({"kid":"hs","kty":"oct","k":")", B64(Secret()), "\"}"})}))
              .ok());
  jwt::VerifierOptions o = AllAlgorithms();
  o.observer = &recorder;
  o.refresh_interval = absl::Seconds(10);
  auto v = MakeVerifier(b.Build(), o, clock);
  CHECK(recorder.events == std::vector<std::string>{"installed 1/1", "skipped hs symmetric_key"});
  recorder.events.clear();

  const std::string unknown = Sign(Algorithm::kES256, Key("P-256").private_pem,
                                   R"({"alg":"ES256","kid":"next"})", Claims());
  CHECK(v->Verify(unknown).refresh_suggested);
  CHECK_FALSE(v->Verify(unknown).refresh_suggested);  // rate-limited: no event either
  clock.Advance(absl::Seconds(10));
  CHECK(v->VerifyJws(unknown).refresh_suggested);
  CHECK(recorder.events ==
        std::vector<std::string>{"refresh next 1700000000", "refresh next 1700000010"});
  recorder.events.clear();

  jwt::KeySetBuilder next;
  REQUIRE(next.AddJwks(Jwks({JwkWith(R"("kid":"next")", "P-256")})).ok());
  v->SetKeySet(next.Build());
  CHECK(recorder.events == std::vector<std::string>{"installed 1/0"});
  CHECK(v->Verify(unknown).verdict == Verdict::kOk);
}

TEST_CASE("counters and VisitMetrics report verdicts, refreshes, swaps and key counts",
          "[jwt][observer][metrics]") {
  jwt::KeySetBuilder b;
  REQUIRE(b.AddHmacSecret("hs", Secret().substr(0, 32), Algorithm::kHS256).ok());
  auto v = MakeVerifier(b.Build(), Checked({Algorithm::kHS256}));
  const std::string key = Secret().substr(0, 32);
  CHECK(v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})", Claims()), Now())
            .ok());
  CHECK(v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"hs"})",
                       R"({"iss":"https://idp.example","aud":"other","exp":1700003600})"),
                  Now())
            .verdict == Verdict::kAudience);
  CHECK(v->Verify(Sign(Algorithm::kHS256, key, R"({"alg":"HS256","kid":"x"})", Claims()), Now())
            .verdict == Verdict::kUnknownKey);
  CHECK(v->Verify("garbage", Now()).verdict == Verdict::kMalformed);
  jwt::KeySetBuilder again;
  REQUIRE(again.AddHmacSecret("hs", key, Algorithm::kHS256).ok());
  REQUIRE(again.AddHmacSecret("hs2", key, Algorithm::kHS256).ok());
  v->SetKeySet(again.Build());

  const jwt::VerifierCounters c = v->counters();
  CHECK(c.by_verdict[static_cast<size_t>(Verdict::kOk)] == 1);
  CHECK(c.by_verdict[static_cast<size_t>(Verdict::kAudience)] == 1);
  CHECK(c.refresh_suggestions == 1);
  CHECK(c.key_set_swaps == 1);

  Collector m;
  v->VisitMetrics(m);
  CHECK(m.values.size() == jwt::kVerdictCount + 4);
  CHECK(m.values["edgekit_jwt_verifications_total{verdict=ok}"] == 1);
  CHECK(m.values["edgekit_jwt_verifications_total{verdict=bad_audience}"] == 1);
  CHECK(m.values["edgekit_jwt_verifications_total{verdict=unknown_key}"] == 1);
  CHECK(m.values["edgekit_jwt_verifications_total{verdict=malformed}"] == 1);
  CHECK(m.values["edgekit_jwt_verifications_total{verdict=expired}"] == 0);
  CHECK(m.types["edgekit_jwt_verifications_total{verdict=ok}"] == edgekit::MetricType::kCounter);
  CHECK(m.values["edgekit_jwt_refresh_suggestions_total"] == 1);
  CHECK(m.values["edgekit_jwt_key_set_swaps_total"] == 1);
  CHECK(m.values["edgekit_jwt_keys"] == 2);
  CHECK(m.types["edgekit_jwt_keys"] == edgekit::MetricType::kGauge);
  CHECK(m.values["edgekit_jwt_skipped_keys"] == 0);

  auto list = jwt::RevocationList::Create(2);
  REQUIRE(list.ok());
  REQUIRE((*list)->Revoke("a", absl::FromUnixSeconds(10), absl::FromUnixSeconds(0)).ok());
  REQUIRE((*list)->Revoke("b", absl::FromUnixSeconds(20), absl::FromUnixSeconds(0)).ok());
  REQUIRE((*list)->Revoke("c", absl::FromUnixSeconds(30), absl::FromUnixSeconds(0)).ok());
  (*list)->Purge(absl::FromUnixSeconds(25));
  Collector r;
  (*list)->VisitMetrics(r);
  CHECK(r.values["edgekit_jwt_revoked_ids"] == 1);
  CHECK(r.values["edgekit_jwt_revocation_evictions_total"] == 1);
  CHECK(r.values["edgekit_jwt_revocation_expired_total"] == 1);
}

TEST_CASE("verdict labels are distinct stable snake_case", "[jwt][observer]") {
  CheckLabels<Verdict>(jwt::kVerdictCount);
  CHECK(jwt::ToString(Verdict::kUnsupportedAlgorithm) == "unsupported_algorithm");
  CHECK(jwt::ToString(Verdict::kAudience) == "bad_audience");
  CHECK(jwt::ToString(Verdict::kIssuer) == "bad_issuer");
  CHECK(jwt::ToString(Verdict::kNotYetValid) == "not_yet_valid");
}
