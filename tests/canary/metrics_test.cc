// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the canary's counters and metrics (Router, RampController).
#include <string>

#include "edgekit/base/metrics_snapshot.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/canary/ramp.h"
#include "edgekit/canary/rollout.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace canary = edgekit::canary;

namespace {

double Value(const edgekit::MetricsSnapshot& s, std::string_view family, std::string_view key = "",
             std::string_view value = "") {
  const edgekit::MetricFamily* f = s.Find(family);
  REQUIRE(f != nullptr);
  for (const edgekit::MetricPoint& p : f->points) {
    if (key.empty() && p.attributes.empty()) return p.value;
    if (p.attributes.size() == 1 && p.attributes[0].key == key && p.attributes[0].value == value) {
      return p.value;
    }
  }
  FAIL("no point " << key << "=" << value << " in " << family);
  return -1;
}

}  // namespace

TEST_CASE("Router::VisitMetrics reports routes by cohort and the shares", "[canary]") {
  canary::Router router("metrics");
  REQUIRE(router.SetDefaultPercent(2500).ok());
  REQUIRE(router.SetRegionPercent("eu", 5000).ok());
  REQUIRE(router.SetRegionPercent("us", 100).ok());
  router.ClearRegionPercent("us");  // follows the default again: not reported
  for (int i = 0; i < 100; ++i) (void)router.Route("user-" + std::to_string(i));
  const canary::RouterCounters c = router.counters();
  edgekit::MetricsSnapshot s;
  router.VisitMetrics(s);
  CHECK(s.dropped() == 0);
  CHECK(Value(s, "edgekit_canary_routes_total", "cohort", "canary") ==
        static_cast<double>(c.canary));
  CHECK(Value(s, "edgekit_canary_routes_total", "cohort", "stable") ==
        static_cast<double>(c.stable));
  CHECK(c.canary + c.stable == 100);
  CHECK(Value(s, "edgekit_canary_share_ratio") == 0.25);
  CHECK(Value(s, "edgekit_canary_region_share_ratio", "region", "eu") == 0.5);
  CHECK(s.Find("edgekit_canary_region_share_ratio")->points.size() == 1);
}

TEST_CASE("RampController counts its steps and reports them", "[canary]") {
  edgekit::testing::FakeClock clock;
  auto ramp =
      canary::RampController::Create(*canary::ParseRampSchedule("1%/10m,100%"), {}, clock).value();
  const canary::ArmSample stable{200000, 400, {}};
  const canary::ArmSample good{20000, 44, {}};
  (void)ramp->Step(stable, good);  // hold: not 10 minutes yet
  clock.Advance(absl::Minutes(10));
  CHECK(ramp->Step(stable, good).action == canary::RampAction::kAdvance);
  CHECK(ramp->Step(stable, good).action == canary::RampAction::kComplete);
  ramp->RollBack();  // no-op once complete
  const canary::RampCounters c = ramp->counters();
  CHECK(c.holds == 1);
  CHECK(c.advances == 1);
  CHECK(c.completions == 1);
  CHECK(c.rollbacks == 0);
  CHECK(c.manual_rollbacks == 0);

  edgekit::PrometheusTextWriter writer;
  const edgekit::MetricLabel region[] = {{"region", "eu"}};
  edgekit::LabelingVisitor eu(writer, region);
  ramp->VisitMetrics(eu);
  CHECK(writer.dropped() == 0);
  const std::string text = writer.Text();
  CHECK(text.find("edgekit_canary_ramp_share_ratio{region=\"eu\"} 1\n") != std::string::npos);
  CHECK(text.find("edgekit_canary_ramp_state{region=\"eu\",state=\"complete\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("edgekit_canary_ramp_steps_total{region=\"eu\",action=\"advance\"} 1\n") !=
        std::string::npos);

  auto manual = canary::RampController::Create(canary::DefaultRampSchedule(), {}, clock).value();
  manual->RollBack();
  manual->RollBack();
  CHECK(manual->counters().manual_rollbacks == 1);
  edgekit::MetricsSnapshot s;
  manual->VisitMetrics(s);
  CHECK(Value(s, "edgekit_canary_ramp_share_ratio") == 0);
  CHECK(Value(s, "edgekit_canary_ramp_state", "state", "rolled_back") == 1);
  CHECK(Value(s, "edgekit_canary_ramp_manual_rollbacks_total") == 1);
}
