// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/ramp.h: the schedule parser and the gate-driven
// ramp controller (time injected with FakeClock; nothing sleeps).

#include "edgekit/canary/ramp.h"

#include <string>
#include <thread>
#include <vector>

#include "edgekit/canary/rollout.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace canary = edgekit::canary;
using canary::ArmSample;
using canary::RampAction;
using canary::RampState;

namespace {

// Counts the default judge promotes (healthy, >= 10000 canary requests, no
// latency data) and rolls back (5% canary errors vs 1% stable).
const ArmSample kStable{100000, 1000, {}};
const ArmSample kHealthyCanary{10000, 100, {}};
const ArmSample kThinCanary{500, 5, {}};
const ArmSample kFailingCanary{10000, 500, {}};

}  // namespace

TEST_CASE("ParseRampSchedule reads percentages and dwell times", "[canary]") {
  auto s = canary::ParseRampSchedule("1%/10m, 5%/10m, 25%/30m, 50%/1h30m, 100%");
  REQUIRE(s.ok());
  REQUIRE(s->size() == 5);
  CHECK((*s)[0].percent_bp == 100);
  CHECK((*s)[0].min_duration == absl::Minutes(10));
  CHECK((*s)[1].percent_bp == 500);
  CHECK((*s)[2].percent_bp == 2500);
  CHECK((*s)[2].min_duration == absl::Minutes(30));
  CHECK((*s)[3].percent_bp == 5000);
  CHECK((*s)[3].min_duration == absl::Minutes(90));
  CHECK((*s)[4].percent_bp == 10000);
  CHECK((*s)[4].min_duration == absl::ZeroDuration());

  s = canary::ParseRampSchedule("0.5%/90s,1.25%,12.3%/0s,100.00%");
  REQUIRE(s.ok());
  CHECK((*s)[0].percent_bp == 50);
  CHECK((*s)[0].min_duration == absl::Seconds(90));
  CHECK((*s)[1].percent_bp == 125);
  CHECK((*s)[2].percent_bp == 1230);
  CHECK((*s)[3].percent_bp == 10000);
  s = canary::ParseRampSchedule(" \t 0.01% ");
  REQUIRE(s.ok());
  CHECK((*s)[0].percent_bp == 1);
}

TEST_CASE("ParseRampSchedule rejects malformed and out-of-bound schedules", "[canary]") {
  const std::vector<std::string> bad = {
      "",                                                            // no stage
      "5",                                                           // no '%'
      "%",                                                           // no number
      "5%,",                                                         // trailing comma
      ",5%",                                                         // leading comma
      "5% 10%",                                                      // missing comma
      "0%",                                                          // zero
      "100.01%",                                                     // above 100
      "1000%",                                                       // 4 digits
      "1.234%",                                                      // 3 decimals
      "1.%",                                                         // no decimals after '.'
      "-1%",                                                         // sign
      "5%/",                                                         // no duration
      "5%/10",                                                       // unitless duration
      "5%/-10m",                                                     // negative
      "5%/721h",                                                     // above 30 days
      "5%/inf",                                                      // infinite
      "5%/10x",                                                      // bad unit
      "5%,5%",                                                       // not increasing
      "50%,25%",                                                     // decreasing
      "1%,2%,3%,4%,5%,6%,7%,8%,9%,10%,11%,12%,13%,14%,15%,16%,17%",  // 17 stages
      std::string(2000, ' ') + "5%",                                 // too long
      std::string("5%\0", 3),                                        // NUL
  };
  for (const std::string& spec : bad) {
    CAPTURE(spec);
    const auto s = canary::ParseRampSchedule(spec);
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
  }
  // Exactly 16 stages is fine.
  CHECK(canary::ParseRampSchedule("1%,2%,3%,4%,5%,6%,7%,8%,9%,10%,11%,12%,13%,14%,15%,16%").ok());
}

TEST_CASE("DefaultRampSchedule is 1 -> 5 -> 25 -> 50 -> 100", "[canary]") {
  const auto s = canary::DefaultRampSchedule(absl::Minutes(5));
  REQUIRE(s.size() == 5);
  const uint32_t want[] = {100, 500, 2500, 5000, 10000};
  for (size_t i = 0; i < s.size(); ++i) {
    CHECK(s[i].percent_bp == want[i]);
    CHECK(s[i].min_duration == absl::Minutes(5));
  }
  CHECK(canary::ValidateRampSchedule(s).ok());
  CHECK(canary::ValidateRampSchedule({}).code() == absl::StatusCode::kInvalidArgument);
  CHECK(canary::ValidateRampSchedule({{0, absl::ZeroDuration()}}).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(canary::ValidateRampSchedule({{10001, absl::ZeroDuration()}}).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(canary::ValidateRampSchedule({{100, absl::Seconds(-1)}}).code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(canary::ValidateRampSchedule({{500, absl::ZeroDuration()}, {100, absl::ZeroDuration()}})
            .code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Ramp advances only through passed health gates", "[canary]") {
  edgekit::testing::FakeClock clock;
  auto created =
      canary::RampController::Create(canary::DefaultRampSchedule(absl::Minutes(10)), {}, clock);
  REQUIRE(created.ok());
  canary::RampController& ramp = **created;
  CHECK(ramp.percent_bp() == 100);
  CHECK(ramp.stage() == 0);
  CHECK(ramp.state() == RampState::kRamping);

  // Healthy verdict but only 5 minutes in stage: hold.
  clock.Advance(absl::Minutes(5));
  auto step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
  CHECK(step.judgement.verdict == canary::Verdict::kPromote);
  CHECK(step.action == RampAction::kHold);
  CHECK(step.time_in_stage == absl::Minutes(5));
  CHECK(step.percent_bp == 100);

  // Time is up but too little canary traffic to promote: hold.
  clock.Advance(absl::Minutes(6));
  step = ramp.Step(clock.MonotonicNow(), kStable, kThinCanary);
  CHECK(step.action == RampAction::kHold);
  CHECK(ramp.stage() == 0);

  // Both gates pass: advance to 5%, and the stage clock restarts (the Clock&
  // overload reads the monotonic time line).
  step = ramp.Step(kStable, kHealthyCanary);
  CHECK(step.action == RampAction::kAdvance);
  CHECK(step.stage == 1);
  CHECK(step.percent_bp == 500);
  CHECK(ramp.stage_started() == clock.MonotonicNow());
  // Immediately again: the new stage has its own minimum time.
  step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
  CHECK(step.action == RampAction::kHold);

  // Walk the rest: 25%, 50%, 100%, then complete.
  const uint32_t next[] = {2500, 5000, 10000};
  for (const uint32_t want : next) {
    clock.Advance(absl::Minutes(10));
    step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
    CHECK(step.action == RampAction::kAdvance);
    CHECK(step.percent_bp == want);
  }
  clock.Advance(absl::Minutes(10));
  step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
  CHECK(step.action == RampAction::kComplete);
  CHECK(step.state == RampState::kComplete);
  CHECK(step.percent_bp == 10000);
  // Terminal: a failing verdict after completion changes nothing.
  step = ramp.Step(clock.MonotonicNow(), kStable, kFailingCanary);
  CHECK(step.action == RampAction::kHold);
  CHECK(step.state == RampState::kComplete);
  CHECK(ramp.percent_bp() == 10000);
  CHECK(canary::ToString(RampState::kComplete) == "complete");
  CHECK(canary::ToString(RampAction::kAdvance) == "advance");
}

TEST_CASE("Ramp rolls back at once on a failing verdict and stays at 0%", "[canary]") {
  edgekit::testing::FakeClock clock;
  auto created =
      canary::RampController::Create(*canary::ParseRampSchedule("1%/1m,5%/1m,100%"), {}, clock);
  REQUIRE(created.ok());
  canary::RampController& ramp = **created;
  clock.Advance(absl::Minutes(1));
  REQUIRE(ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary).action == RampAction::kAdvance);
  // No minimum time applies to a rollback: 1 second into the stage.
  clock.Advance(absl::Seconds(1));
  auto step = ramp.Step(clock.MonotonicNow(), kStable, kFailingCanary);
  CHECK(step.judgement.verdict == canary::Verdict::kRollBack);
  CHECK(step.action == RampAction::kRollBack);
  CHECK(step.state == RampState::kRolledBack);
  CHECK(step.percent_bp == 0);
  CHECK(ramp.percent_bp() == 0);
  // Healthy counts later do not resurrect it.
  clock.Advance(absl::Hours(1));
  step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
  CHECK(step.action == RampAction::kHold);
  CHECK(step.percent_bp == 0);
  CHECK(canary::ToString(RampAction::kRollBack) == "roll_back");
}

TEST_CASE("Ramp manual rollback, time going backwards, bad configuration", "[canary]") {
  edgekit::testing::FakeClock clock;
  const absl::Time start = clock.MonotonicNow();
  auto created = canary::RampController::Create(
      {{100, absl::Minutes(1)}, {10000, absl::Minutes(1)}}, {}, clock);
  REQUIRE(created.ok());
  // `now` before the stage start: never enough time in stage.
  auto step = (*created)->Step(start - absl::Hours(1), kStable, kHealthyCanary);
  CHECK(step.action == RampAction::kHold);
  (*created)->RollBack();
  CHECK((*created)->state() == RampState::kRolledBack);
  CHECK((*created)->percent_bp() == 0);

  CHECK(canary::RampController::Create({}, {}, clock).status().code() ==
        absl::StatusCode::kInvalidArgument);
  canary::JudgeOptions bad_judge;
  bad_judge.confidence = 2;
  CHECK(canary::RampController::Create(canary::DefaultRampSchedule(), bad_judge, clock)
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Region by region: one ramp per region drives a Router", "[canary]") {
  edgekit::testing::FakeClock clock;
  canary::Router router("region-by-region");
  auto eu =
      canary::RampController::Create(*canary::ParseRampSchedule("1%/1m,50%/1m,100%"), {}, clock);
  auto us =
      canary::RampController::Create(*canary::ParseRampSchedule("1%/1m,50%/1m,100%"), {}, clock);
  REQUIRE(eu.ok());
  REQUIRE(us.ok());
  REQUIRE(router.SetRegionPercent("eu", (*eu)->percent_bp()).ok());
  REQUIRE(router.SetRegionPercent("us", (*us)->percent_bp()).ok());
  clock.Advance(absl::Minutes(1));
  // eu is healthy and advances; us fails and rolls back; routing follows.
  auto step = (*eu)->Step(clock.MonotonicNow(), kStable, kHealthyCanary);
  REQUIRE(router.SetRegionPercent("eu", step.percent_bp).ok());
  step = (*us)->Step(clock.MonotonicNow(), kStable, kFailingCanary);
  REQUIRE(router.SetRegionPercent("us", step.percent_bp).ok());
  CHECK(router.PercentFor("eu") == 5000);
  CHECK(router.PercentFor("us") == 0);
  CHECK(router.Route("anyone", "us").cohort == canary::Cohort::kStable);
}

TEST_CASE("RampController is safe to step and read from many threads", "[canary][concurrency]") {
  edgekit::testing::FakeClock clock;
  auto created =
      canary::RampController::Create(canary::DefaultRampSchedule(absl::ZeroDuration()), {}, clock);
  REQUIRE(created.ok());
  canary::RampController& ramp = **created;
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        const auto step = ramp.Step(clock.MonotonicNow(), kStable, kHealthyCanary);
        if (step.percent_bp == 0 || step.percent_bp > 10000) ++bad;
        if (ramp.percent_bp() == 0) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(bad.load() == 0);
  CHECK(ramp.state() == RampState::kComplete);
  CHECK(ramp.percent_bp() == 10000);
}
