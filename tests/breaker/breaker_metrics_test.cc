// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the breaker's conventions: metrics through the visitor, the
// outlier observer and the snake_case labels.
#include <string>
#include <vector>

#include "edgekit/base/metrics_snapshot.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/breaker/breaker_registry.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/outlier_detector.h"
#include "edgekit/breaker/upstream_selector.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace {

using edgekit::MetricFamily;
using edgekit::MetricsSnapshot;
using edgekit::breaker::BreakerRegistry;
using edgekit::breaker::BreakerRegistryOptions;
using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::EjectionReason;
using edgekit::breaker::Outcome;
using edgekit::breaker::OutlierDetector;
using edgekit::breaker::OutlierDetectorObserver;
using edgekit::breaker::OutlierDetectorOptions;
using edgekit::breaker::OutlierEjection;
using edgekit::breaker::Pool;
using edgekit::breaker::Rejection;
using edgekit::breaker::State;
using edgekit::testing::FakeClock;

// The value of the point of `family` whose attributes are exactly `attrs`.
double Value(const MetricsSnapshot& s, std::string_view family,
             std::vector<std::pair<std::string, std::string>> attrs) {
  const MetricFamily* f = s.Find(family);
  REQUIRE(f != nullptr);
  for (const edgekit::MetricPoint& p : f->points) {
    if (p.attributes.size() != attrs.size()) continue;
    bool same = true;
    for (size_t i = 0; i < attrs.size(); ++i) {
      same =
          same && p.attributes[i].key == attrs[i].first && p.attributes[i].value == attrs[i].second;
    }
    if (same) return p.value;
  }
  FAIL("no point with those attributes in " << family);
  return -1;
}

CircuitBreakerOptions Small() {
  CircuitBreakerOptions o;
  o.window_size = 4;
  o.minimum_calls = 4;
  o.wait_in_open = absl::Seconds(10);
  o.wait_jitter = 0;
  o.permitted_calls_in_half_open = 1;
  return o;
}

}  // namespace

TEST_CASE("CircuitBreaker::VisitMetrics reports counters, state and window", "[breaker]") {
  FakeClock clock;
  auto b = CircuitBreaker::Create(Small(), clock).value();
  const absl::Duration fast = absl::Milliseconds(1);
  b->TryAcquire().Record(Outcome::kSuccess, fast);
  b->TryAcquire().Record(Outcome::kIgnored, fast);
  { auto abandoned = b->TryAcquire(); }
  for (int i = 0; i < 3; ++i) b->TryAcquire().Record(Outcome::kFailure, fast);  // 3/4: trips
  REQUIRE(b->state() == State::kOpen);
  CHECK(b->TryAcquire().rejection() == Rejection::kOpen);

  MetricsSnapshot s;
  b->VisitMetrics(s);
  CHECK(s.dropped() == 0);
  CHECK(Value(s, "edgekit_breaker_state", {{"state", "open"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_state", {{"state", "closed"}}) == 0);
  CHECK(Value(s, "edgekit_breaker_transitions_total", {{"to", "open"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_rejected_total", {{"reason", "open"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_rejected_total", {{"reason", "half_open_full"}}) == 0);
  CHECK(Value(s, "edgekit_breaker_calls_total", {{"state", "closed"}, {"result", "success"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_calls_total", {{"state", "closed"}, {"result", "failure"}}) == 3);
  CHECK(Value(s, "edgekit_breaker_calls_total", {{"state", "closed"}, {"result", "ignored"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_calls_total", {{"state", "closed"}, {"result", "abandoned"}}) ==
        1);
  CHECK(Value(s, "edgekit_breaker_permitted_total", {{"state", "closed"}}) == 6);
  CHECK(Value(s, "edgekit_breaker_window_calls", {}) == 4);
  CHECK(Value(s, "edgekit_breaker_window_failure_ratio", {}) == 0.75);
  CHECK(Value(s, "edgekit_breaker_consecutive_trips", {}) == 1);
  const MetricFamily* calls = s.Find("edgekit_breaker_calls_total");
  REQUIRE(calls != nullptr);
  CHECK(calls->kind == edgekit::MetricDataKind::kSum);
  CHECK(calls->points.size() == 11);  // 5 closed results + 6 half-open results

  // The same through the Prometheus writer: valid names, nothing dropped.
  edgekit::PrometheusTextWriter writer;
  b->VisitMetrics(writer);
  CHECK(writer.dropped() == 0);
  CHECK(writer.Text().find("edgekit_breaker_state{state=\"open\"} 1\n") != std::string::npos);
}

TEST_CASE("BreakerRegistry::VisitMetrics labels every breaker by name", "[breaker]") {
  FakeClock clock;
  BreakerRegistryOptions o;
  o.defaults = Small();
  o.max_breakers = 2;
  auto registry = BreakerRegistry::Create(o, clock).value();
  registry->Get("eu")->TryAcquire().Record(Outcome::kSuccess, absl::Milliseconds(1));
  (void)registry->Get("us");
  (void)registry->Get("ap");  // evicts "eu"
  MetricsSnapshot s;
  registry->VisitMetrics(s);
  CHECK(s.dropped() == 0);
  CHECK(Value(s, "edgekit_breaker_registry_breakers", {}) == 2);
  CHECK(Value(s, "edgekit_breaker_registry_created_total", {}) == 3);
  CHECK(Value(s, "edgekit_breaker_registry_evicted_total", {}) == 1);
  CHECK(Value(s, "edgekit_breaker_state", {{"breaker", "us"}, {"state", "closed"}}) == 1);
  CHECK(Value(s, "edgekit_breaker_state", {{"breaker", "ap"}, {"state", "closed"}}) == 1);
}

namespace {
class Ejections final : public OutlierDetectorObserver {
 public:
  void OnEjection(const OutlierEjection& e) override { seen.push_back(e); }
  std::vector<OutlierEjection> seen;
};
}  // namespace

TEST_CASE("OutlierDetector reports ejections to its observer and its metrics", "[breaker]") {
  FakeClock clock;
  Ejections observer;
  OutlierDetectorOptions o;
  o.consecutive_errors = 2;
  o.max_ejection_percent = 50;
  o.success_rate_enabled = false;
  o.observer = &observer;
  auto d = OutlierDetector::Create(4, o, clock).value();
  d->RecordResult(1, Outcome::kFailure);
  d->RecordResult(1, Outcome::kIgnored);  // not counted: the run goes on
  CHECK(observer.seen.empty());
  d->RecordResult(1, Outcome::kFailure);
  REQUIRE(observer.seen.size() == 1);
  CHECK(observer.seen[0].detector == d.get());
  CHECK(observer.seen[0].host == 1);
  CHECK(observer.seen[0].reason == EjectionReason::kConsecutiveErrors);
  CHECK(observer.seen[0].at == clock.MonotonicNow());
  CHECK(observer.seen[0].ejected_until == clock.MonotonicNow() + o.base_ejection_time);
  CHECK(observer.seen[0].ejection_count == 1);
  CHECK(d->IsEjected(1));
  CHECK(d->ejected_count() == 1);

  MetricsSnapshot s;
  d->VisitMetrics(s);
  CHECK(Value(s, "edgekit_breaker_outlier_ejections_total", {{"reason", "consecutive_errors"}}) ==
        1);
  CHECK(Value(s, "edgekit_breaker_outlier_ejected_hosts", {}) == 1);
  CHECK(Value(s, "edgekit_breaker_outlier_hosts", {}) == 4);
  clock.Advance(o.base_ejection_time);
  CHECK_FALSE(d->IsEjected(1));
}

TEST_CASE("UpstreamSelector::VisitMetrics labels its pools", "[breaker]") {
  FakeClock clock;
  edgekit::SplitMix64 random(3);
  edgekit::breaker::UpstreamSelectorOptions o;
  o.random = &random;
  auto s = edgekit::breaker::UpstreamSelector::Create({{"a", nullptr}, {"b", nullptr}},
                                                      {{"c", nullptr}}, o, clock)
               .value();
  s->Pick().Record(Outcome::kSuccess, absl::Milliseconds(2));
  MetricsSnapshot snap;
  s->VisitMetrics(snap);
  CHECK(snap.dropped() == 0);
  CHECK(Value(snap, "edgekit_breaker_upstream_picks_total", {{"pool", "primary"}}) == 1);
  CHECK(Value(snap, "edgekit_breaker_upstream_picks_total", {{"pool", "backup"}}) == 0);
  CHECK(Value(snap, "edgekit_breaker_outlier_hosts", {{"pool", "primary"}}) == 2);
  CHECK(Value(snap, "edgekit_breaker_outlier_hosts", {{"pool", "backup"}}) == 1);

  o.error_penalty = absl::Hours(2);
  CHECK(edgekit::breaker::UpstreamSelector::Validate(o).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Breaker labels are stable snake_case", "[breaker]") {
  using edgekit::breaker::ToString;
  CHECK(ToString(State::kHalfOpen) == "half_open");
  CHECK(ToString(State::kForcedOpen) == "forced_open");
  CHECK(ToString(Rejection::kHalfOpenFull) == "half_open_full");
  CHECK(ToString(Rejection::kNone) == "admitted");
  CHECK(ToString(edgekit::breaker::TransitionReason::kConsecutiveFailures) ==
        "consecutive_failures");
  CHECK(ToString(edgekit::breaker::WindowType::kTimeBased) == "time_based");
  CHECK(ToString(edgekit::breaker::PickStatus::kNoHealthyHost) == "no_healthy_host");
  CHECK(ToString(Pool::kBackup) == "backup");
  CHECK(ToString(EjectionReason::kSuccessRate) == "success_rate");
  CHECK(ToString(edgekit::breaker::FullPolicy::kEvictLeastRecentlyUsed) ==
        "evict_least_recently_used");
}
