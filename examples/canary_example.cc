// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::canary in one program: route users to a canary region by region,
// judge the canary from its counts, ramp 1% -> 5% -> 25% -> 50% -> 100% through
// health gates, and answer the same question the way a feature-flag vendor
// would. Time is simulated (a FakeClock), so the program runs instantly.

#include <cstdio>
#include <string>
#include <vector>

#include "edgekit/canary/bucket.h"
#include "edgekit/canary/judge.h"
#include "edgekit/canary/ramp.h"
#include "edgekit/canary/rollout.h"
#include "edgekit/canary/vendor.h"
#include "edgekit/testing/fake_clock.h"

namespace canary = edgekit::canary;

int main() {
  edgekit::testing::FakeClock clock;

  // 1. Sticky routing: one salt per rollout; per-region percentages.
  canary::Router router("api-v2-rollout");
  auto eu_ramp = canary::RampController::Create(
      *canary::ParseRampSchedule("1%/10m, 5%/10m, 25%/30m, 50%/30m, 100%"), {},
      clock.MonotonicNow());
  if (!eu_ramp.ok()) {
    std::fprintf(stderr, "%s\n", std::string(eu_ramp.status().message()).c_str());
    return 1;
  }
  (void)router.SetDefaultPercent(0);  // other regions: nobody yet
  (void)router.SetRegionPercent("eu-west-1", (*eu_ramp)->percent_bp());

  const std::string user = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
  const canary::RouteDecision d = router.Route(user, "eu-west-1");
  std::printf("user %s: bucket %u, eu-west-1 at %.2f%% -> %s\n", user.c_str(), d.bucket,
              d.percent_bp / 100.0, std::string(canary::ToString(d.cohort)).c_str());

  // 2. Ramp eu-west-1 with healthy counts every 10 minutes; the host resets its
  //    per-stage counters whenever a step advances.
  const canary::ArmSample stable{200000, 400, {}};  // 0.2% errors
  const canary::ArmSample good{20000, 44, {}};      // 0.22% errors: healthy
  for (int tick = 0; tick < 12; ++tick) {
    clock.Advance(absl::Minutes(10));
    const canary::RampStep step = (*eu_ramp)->Step(clock.MonotonicNow(), stable, good);
    if (step.action != canary::RampAction::kHold) {
      (void)router.SetRegionPercent("eu-west-1", step.percent_bp);
    }
    std::printf("t+%3d min: %-8s stage %zu, eu-west-1 at %6.2f%% (judge: %s, %s)\n",
                (tick + 1) * 10, std::string(canary::ToString(step.action)).c_str(), step.stage,
                step.percent_bp / 100.0,
                std::string(canary::ToString(step.judgement.verdict)).c_str(),
                std::string(canary::ToString(step.judgement.reason)).c_str());
    if (step.state != canary::RampState::kRamping) break;
  }

  // 3. A failing canary elsewhere: 1.5% errors vs 0.2% rolls back at once.
  auto us_ramp =
      canary::RampController::Create(canary::DefaultRampSchedule(), {}, clock.MonotonicNow());
  const canary::RampStep bad =
      (*us_ramp)->Step(clock.MonotonicNow(), stable, canary::ArmSample{5000, 75, {}});
  std::printf("us-east-1: %s (error ratio %.1f, p = %.2g) -> %.2f%%\n",
              std::string(canary::ToString(bad.action)).c_str(), bad.judgement.error_ratio,
              bad.judgement.error_p_value, bad.percent_bp / 100.0);

  // 4. Weighted variants for an A/B/n test under its own salt.
  auto variants = canary::WeightedVariants::Create(
      "checkout-button-color", {{"control", 5000}, {"green", 2500}, {"blue", 2500}});
  if (!variants.ok()) return 1;
  std::printf("user sees variant '%s'\n", variants->ChooseName(user).c_str());

  // 5. The same users keep their cohort after moving from a flag vendor.
  std::printf("Unleash 80%% rollout of gr1 for user 123: %s\n",
              canary::UnleashGradualRolloutEnabled("123", "gr1", 80) ? "on" : "off");
  std::printf("LaunchDarkly bucket (hashKey, saltyA, userKeyA): %.8f\n",
              canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyA"));
  std::printf("GrowthBook v2 hash (seed, a): %.4f\n", *canary::GrowthBookHash("seed", "a", 2));
  return 0;
}
