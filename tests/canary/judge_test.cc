// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/judge.h: decisions on constructed samples whose
// answers are known (p-values computed by hand in the comments; see also
// stats_test.cc for the same numbers checked against the tests directly).

#include "edgekit/canary/judge.h"

#include <cmath>
#include <vector>

#include "edgekit_catch.h"

namespace canary = edgekit::canary;
using canary::ArmSample;
using canary::JudgeReason;
using canary::Verdict;

namespace {

bool Near(double got, double want, double rel) {
  return std::fabs(got - want) <= rel * std::fabs(want);
}

canary::RollbackJudge MakeJudge(canary::JudgeOptions o = {}) {
  auto j = canary::RollbackJudge::Create(o);
  REQUIRE(j.ok());
  return *j;
}

std::vector<double> Range(double from, int n, double step = 1) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(from + i * step);
  return v;
}

}  // namespace

TEST_CASE("Judge waits for the minimum sample size", "[canary]") {
  const auto judge = MakeJudge();  // min_requests = 1000
  // 50% canary errors, but only 500 canary requests: no verdict yet.
  auto j = judge.Evaluate({100000, 100, {}}, {500, 250, {}});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.reason == JudgeReason::kInsufficientData);
  CHECK_FALSE(j.error_rule_evaluated);
  CHECK(j.canary_error_rate == 0.5);
  // Same with a thin stable arm.
  j = judge.Evaluate({999, 0, {}}, {5000, 2500, {}});
  CHECK(j.reason == JudgeReason::kInsufficientData);
  // Nothing at all.
  j = judge.Evaluate({}, {});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.error_ratio == 0);
}

TEST_CASE("Judge rolls back on an error-rate ratio that is also significant", "[canary]") {
  const auto judge = MakeJudge();
  // stable 10/1000 (1%), canary 25/1000 (2.5%): ratio 2.5 > 2; z-test (every
  // expected cell >= 5: 1000 * 35 / 2000 = 17.5) z = 2.558, p = 0.00526 < 0.01.
  auto j = judge.Evaluate({1000, 10, {}}, {1000, 25, {}});
  CHECK(j.verdict == Verdict::kRollBack);
  CHECK(j.reason == JudgeReason::kErrorRate);
  CHECK(Near(j.error_ratio, 2.5, 1e-12));
  CHECK_FALSE(j.used_fisher);
  CHECK(Near(j.error_p_value, 0.005264659032641468, 1e-6));
  CHECK(canary::ToString(j.verdict) == "roll_back");
  CHECK(canary::ToString(j.reason) == "error_rate");
}

TEST_CASE("Judge: a stable rate of zero uses the floor, never divides by zero", "[canary]") {
  const auto judge = MakeJudge();  // floor 0.001, k = 2
  // stable 0/10000, canary 5/2000 = 0.25%: 0.0025 > 2 * 0.001; expected canary
  // errors 2000 * 5 / 12000 = 0.83 < 5 -> Fisher: P = prod (2000-i)/(12000-i)
  // = 1.28e-4 < 0.01 -> roll back.
  auto j = judge.Evaluate({10000, 0, {}}, {2000, 5, {}});
  CHECK(j.verdict == Verdict::kRollBack);
  CHECK(j.used_fisher);
  CHECK(Near(j.error_ratio, 2.5, 1e-12));
  CHECK(Near(j.error_p_value, 0.00012806563362167367, 1e-6));
  // canary 1/2000 = 0.05% is under 2 * floor: healthy (Fisher p = 1/6 anyway).
  j = judge.Evaluate({10000, 0, {}}, {2000, 1, {}});
  CHECK(j.verdict == Verdict::kContinue);  // 2000 < promote_min_requests
  CHECK(j.reason == JudgeReason::kHealthy);
  CHECK(Near(j.error_p_value, 1.0 / 6, 1e-9));
  // A floor of 0 with a perfect stable arm: ratio reported as 0, no NaN, and
  // any canary error exceeds k * 0 but must still be significant.
  canary::JudgeOptions o;
  o.error_rate_floor = 0;
  const auto zero_floor = MakeJudge(o);
  j = zero_floor.Evaluate({10000, 0, {}}, {2000, 0, {}});
  CHECK(j.error_ratio == 0);
  CHECK(j.reason == JudgeReason::kHealthy);
  j = zero_floor.Evaluate({10000, 0, {}}, {2000, 1, {}});  // Fisher p = 1/6: not significant
  CHECK(j.verdict == Verdict::kContinue);
}

TEST_CASE("Judge: ratio without significance continues unless configured otherwise", "[canary]") {
  // stable 2/1000, canary 5/1000: ratio 2.5 but Fisher p = 0.2262 (expected
  // canary errors 3.5 < 5): noise at this sample size.
  auto j = MakeJudge().Evaluate({1000, 2, {}}, {1000, 5, {}});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.reason == JudgeReason::kHealthy);
  CHECK(j.used_fisher);
  CHECK(Near(j.error_p_value, 0.2261515215874284, 1e-6));
  // Ratio-only policy: the same counts roll back.
  canary::JudgeOptions o;
  o.require_significance = false;
  j = MakeJudge(o).Evaluate({1000, 2, {}}, {1000, 5, {}});
  CHECK(j.verdict == Verdict::kRollBack);
  CHECK(j.reason == JudgeReason::kErrorRate);
}

TEST_CASE("Judge: significance without the ratio promotes", "[canary]") {
  // 1% vs 1.5% over 100k each: z = 10.06 (p = 4e-24) but 1.5 < k = 2, so the
  // canary is within tolerance; 100k >= promote_min_requests -> promote.
  auto j = MakeJudge().Evaluate({100000, 1000, {}}, {100000, 1500, {}});
  CHECK(j.error_p_value < 1e-20);
  CHECK(j.verdict == Verdict::kPromote);
  CHECK(j.reason == JudgeReason::kHealthy);
  // A stricter k catches it.
  canary::JudgeOptions o;
  o.max_error_ratio = 1.2;
  CHECK(MakeJudge(o).Evaluate({100000, 1000, {}}, {100000, 1500, {}}).verdict ==
        Verdict::kRollBack);
}

TEST_CASE("Judge rolls back on a significant, material latency shift", "[canary]") {
  const auto judge = MakeJudge();
  const auto stable_lat = Range(50, 100);  // 50..149 ms, median 99.5
  const auto slow = Range(110, 100);       // +60 ms, median 159.5 (1.60x)
  // Mann-Whitney: z = 10.26, p = 5.3e-25 < 0.01 and 159.5 > 1.1 * 99.5.
  auto j = judge.Evaluate({20000, 20, stable_lat}, {20000, 20, slow});
  CHECK(j.latency_rule_evaluated);
  CHECK(Near(j.latency_p_value, 5.271322348718169e-25, 1e-6));
  CHECK(j.stable_latency_median == 99.5);
  CHECK(j.canary_latency_median == 159.5);
  CHECK(j.verdict == Verdict::kRollBack);
  CHECK(j.reason == JudgeReason::kLatency);
  CHECK(canary::ToString(j.reason) == "latency");
}

TEST_CASE("Judge tolerates a significant but small latency shift", "[canary]") {
  // 10000 samples 0..9999 vs +300: z = 7.238, p = 2.3e-13, but the medians
  // 4999.5 -> 5299.5 are only 1.06x apart (< max_latency_ratio 1.1).
  const auto judge = MakeJudge();
  auto j = judge.Evaluate({20000, 20, Range(0, 10000)}, {20000, 20, Range(300, 10000)});
  CHECK(Near(j.latency_p_value, 2.27573975997031e-13, 1e-5));
  CHECK(j.verdict == Verdict::kPromote);
  // Faster canary: never a latency rollback.
  j = judge.Evaluate({20000, 20, Range(100, 100)}, {20000, 20, Range(10, 100)});
  CHECK(j.latency_p_value > 0.99);
  CHECK(j.verdict == Verdict::kPromote);
}

TEST_CASE("Judge promotion needs volume and latency evidence when latencies are given",
          "[canary]") {
  const auto judge = MakeJudge();  // promote_min_requests = 10000, min_latency_samples = 50
  // Healthy but only 5000 canary requests: continue.
  auto j = judge.Evaluate({100000, 100, {}}, {5000, 5, {}});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.reason == JudgeReason::kHealthy);
  // Healthy with volume and no latency data at all: promote.
  j = judge.Evaluate({100000, 100, {}}, {10000, 10, {}});
  CHECK(j.verdict == Verdict::kPromote);
  CHECK(canary::ToString(j.verdict) == "promote");
  // Latencies supplied but too few to test: hold.
  const auto few = Range(1, 10);
  j = judge.Evaluate({100000, 100, few}, {10000, 10, few});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.reason == JudgeReason::kInsufficientData);
  CHECK_FALSE(j.latency_rule_evaluated);
}

TEST_CASE("Judge bounds the latency samples it examines", "[canary]") {
  canary::JudgeOptions o;
  o.min_latency_samples = 50;
  o.max_latency_samples = 100;
  // The first 100 canary samples equal stable's; what follows is slow but is
  // beyond the bound and ignored.
  std::vector<double> canary_lat = Range(50, 100);
  for (int i = 0; i < 1000; ++i) canary_lat.push_back(10000);
  auto j = MakeJudge(o).Evaluate({20000, 20, Range(50, 100)}, {20000, 20, canary_lat});
  CHECK(j.latency_rule_evaluated);
  CHECK(j.verdict == Verdict::kPromote);
  CHECK(j.canary_latency_median == 99.5);
}

TEST_CASE("Judge rejects inconsistent counts and bad options", "[canary]") {
  auto j = MakeJudge().Evaluate({1000, 1001, {}}, {1000, 0, {}});
  CHECK(j.verdict == Verdict::kContinue);
  CHECK(j.reason == JudgeReason::kInvalidInput);
  CHECK(canary::ToString(JudgeReason::kInvalidInput) == "invalid_input");
  CHECK(canary::ToString(JudgeReason::kInsufficientData) == "insufficient_data");

  auto bad = [](auto mutate) {
    canary::JudgeOptions o;
    mutate(o);
    return canary::RollbackJudge::Create(o).status().code();
  };
  using absl::StatusCode;
  CHECK(bad([](auto& o) { o.confidence = 1; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.confidence = 0; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.max_error_ratio = 0.5; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.error_rate_floor = -0.1; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.max_latency_ratio = 0.9; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.min_requests = 0; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.min_latency_samples = 1; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto& o) { o.max_latency_samples = 10; }) == StatusCode::kInvalidArgument);
  CHECK(bad([](auto&) {}) == StatusCode::kOk);
}
