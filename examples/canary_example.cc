// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// canary_example: sticky routing of users to a canary, a ramp 1% -> 5% -> 25%
// -> 50% -> 100% through health gates judged from each cohort's counts, a
// failing canary rolled back at once, and the ramp's and router's metrics in
// Prometheus text. Time is simulated (a FakeClock given to the ramp), so the
// program runs instantly; a host passes nothing and the ramp reads RealClock.

#include <cstdio>
#include <string>
#include <string_view>

#include "edgekit/base/metrics_text.h"
#include "edgekit/canary/judge.h"
#include "edgekit/canary/ramp.h"
#include "edgekit/canary/rollout.h"
#include "edgekit/testing/fake_clock.h"

namespace canary = edgekit::canary;

namespace {
int Len(std::string_view s) { return static_cast<int>(s.size()); }
}  // namespace

int main() {
  edgekit::testing::FakeClock clock;

  // Sticky routing: one salt per rollout; the ramp sets the canary's share.
  canary::Router router("api-v2-rollout");
  auto ramp = canary::RampController::Create(
      *canary::ParseRampSchedule("1%/10m, 5%/10m, 25%/30m, 50%/30m, 100%"), {}, clock);
  if (!ramp.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ramp.status().message()).c_str());
    return 1;
  }
  if (!router.SetDefaultPercent((*ramp)->percent_bp()).ok()) return 1;

  const std::string user = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
  const canary::RouteDecision d = router.Route(user);
  std::printf("user %s: bucket %u, canary at %.2f%% -> %.*s\n", user.c_str(), d.bucket,
              d.percent_bp / 100.0, Len(ToString(d.cohort)), ToString(d.cohort).data());

  // Every 10 minutes, judge the stage's counts; the host resets its per-stage
  // counters whenever a step advances.
  const canary::ArmSample stable{200000, 400, {}};  // 0.2% errors
  const canary::ArmSample good{20000, 44, {}};      // 0.22% errors: healthy
  for (int tick = 0; tick < 12; ++tick) {
    clock.Advance(absl::Minutes(10));
    const canary::RampStep step = (*ramp)->Step(stable, good);
    if (step.action != canary::RampAction::kHold) {
      if (!router.SetDefaultPercent(step.percent_bp).ok()) return 1;
    }
    const std::string_view action = ToString(step.action);
    const std::string_view verdict = ToString(step.judgement.verdict);
    std::printf("t+%3d min: %-8.*s stage %zu, canary at %6.2f%% (judge: %.*s)\n", (tick + 1) * 10,
                Len(action), action.data(), step.stage, step.percent_bp / 100.0, Len(verdict),
                verdict.data());
    if (step.state != canary::RampState::kRamping) break;
  }

  // A failing canary: 1.5% errors against 0.2% rolls back at the first step.
  auto failing = canary::RampController::Create(canary::DefaultRampSchedule(), {}, clock);
  const canary::RampStep bad = (*failing)->Step(stable, canary::ArmSample{5000, 75, {}});
  std::printf("failing canary: %.*s (%.*s, error ratio %.1f, p = %.2g) -> %.2f%%\n\n",
              Len(ToString(bad.action)), ToString(bad.action).data(),
              Len(ToString(bad.judgement.reason)), ToString(bad.judgement.reason).data(),
              bad.judgement.error_ratio, bad.judgement.error_p_value, bad.percent_bp / 100.0);

  edgekit::PrometheusTextWriter metrics;
  router.VisitMetrics(metrics);
  (*ramp)->VisitMetrics(metrics);
  const std::string text = metrics.Text();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
