// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/rollout.h: Router (region gating, monotonic ramps)
// and WeightedVariants (A/B/n and the effect of re-weighting).

#include "edgekit/canary/rollout.h"

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "edgekit_catch.h"

namespace canary = edgekit::canary;

namespace {

std::vector<std::string> Ids(int n) {
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ids.push_back(absl::StrCat("user-", i));
  return ids;
}

}  // namespace

TEST_CASE("Router routes by bucket < percent and counts", "[canary]") {
  canary::Router router("router-basic");
  REQUIRE(router.SetDefaultPercent(500).ok());
  const auto ids = Ids(20000);
  uint64_t canary_n = 0;
  for (const auto& id : ids) {
    const canary::RouteDecision d = router.Route(id);
    CHECK(d.percent_bp == 500);
    CHECK(d.bucket == router.Bucket(id));
    CHECK((d.cohort == canary::Cohort::kCanary) == (d.bucket < 500));
    canary_n += d.cohort == canary::Cohort::kCanary;
  }
  // 5% of 20000 = 1000, sd = sqrt(20000 * 0.05 * 0.95) = 30.8; 4 sd bound.
  CHECK(canary_n > 1000 - 124);
  CHECK(canary_n < 1000 + 124);
  CHECK(router.counters().canary == canary_n);
  CHECK(router.counters().stable == ids.size() - canary_n);
  CHECK(canary::ToString(canary::Cohort::kCanary) == "canary");
  CHECK(canary::ToString(canary::Cohort::kStable) == "stable");
}

TEST_CASE("Router region gating lets a ramp advance region by region", "[canary]") {
  canary::Router router("region-ramp");
  REQUIRE(router.SetDefaultPercent(100).ok());
  REQUIRE(router.SetRegionPercent("eu-west-1", 2500).ok());
  REQUIRE(router.SetRegionPercent("us-east-1", 0).ok());
  CHECK(router.PercentFor("eu-west-1") == 2500);
  CHECK(router.PercentFor("us-east-1") == 0);
  CHECK(router.PercentFor("ap-south-1") == 100);  // no override: default
  CHECK(router.PercentFor("") == 100);

  const auto ids = Ids(5000);
  for (const auto& id : ids) {
    const uint32_t b = router.Bucket(id);
    CHECK(router.Route(id, "eu-west-1").cohort ==
          (b < 2500 ? canary::Cohort::kCanary : canary::Cohort::kStable));
    CHECK(router.Route(id, "us-east-1").cohort == canary::Cohort::kStable);
    CHECK(router.Route(id, "ap-south-1").cohort ==
          (b < 100 ? canary::Cohort::kCanary : canary::Cohort::kStable));
  }
  // Advancing eu-west-1 keeps every unit that was already in its canary.
  std::vector<bool> before;
  for (const auto& id : ids)
    before.push_back(router.Route(id, "eu-west-1").cohort == canary::Cohort::kCanary);
  REQUIRE(router.SetRegionPercent("eu-west-1", 5000).ok());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (before[i]) CHECK(router.Route(ids[i], "eu-west-1").cohort == canary::Cohort::kCanary);
  }
  // The same unit has one bucket in every region: a region's canary is the
  // same population slice, so widening a region never reshuffles it.
  REQUIRE(router.SetRegionPercent("us-east-1", 2500).ok());
  for (const auto& id : ids) {
    CHECK(router.Route(id, "us-east-1").cohort ==
          (router.Bucket(id) < 2500 ? canary::Cohort::kCanary : canary::Cohort::kStable));
  }
  // Clearing a region makes it follow the default again.
  router.ClearRegionPercent("eu-west-1");
  CHECK(router.PercentFor("eu-west-1") == 100);
  REQUIRE(router.SetDefaultPercent(10000).ok());
  CHECK(router.PercentFor("eu-west-1") == 10000);
  CHECK(router.PercentFor("us-east-1") == 2500);
  router.ClearRegionPercent("never-configured");  // no-op
}

TEST_CASE("Router rejects bad configuration and bounds its region table", "[canary]") {
  canary::Router router("router-errors");
  CHECK(router.default_percent() == 0);  // a new router sends nobody to the canary
  REQUIRE(router.SetDefaultPercent(10000).ok());
  CHECK(router.SetDefaultPercent(10001).code() == absl::StatusCode::kInvalidArgument);
  CHECK(router.default_percent() == 10000);  // a refused value changes nothing
  CHECK(router.SetRegionPercent("eu", 10001).code() == absl::StatusCode::kInvalidArgument);
  CHECK(router.SetRegionPercent("", 10).code() == absl::StatusCode::kInvalidArgument);
  CHECK(
      router.SetRegionPercent(std::string(canary::Router::kMaxRegionLength + 1, 'r'), 10).code() ==
      absl::StatusCode::kInvalidArgument);
  CHECK(router.SetRegionPercent(std::string(canary::Router::kMaxRegionLength, 'r'), 10).ok());
  for (size_t i = 1; i < canary::Router::kMaxRegions; ++i) {
    REQUIRE(router.SetRegionPercent(absl::StrCat("region-", i), 10).ok());
  }
  CHECK(router.SetRegionPercent("one-too-many", 10).code() == absl::StatusCode::kResourceExhausted);
  CHECK(router.SetRegionPercent("region-7", 20).ok());  // updating an existing one still works
  CHECK(router.PercentFor("region-7") == 20);
  CHECK(router.PercentFor("one-too-many") == 10000);
}

TEST_CASE("Router is safe to route while percentages change", "[canary][concurrency]") {
  canary::Router router("router-concurrent");
  const auto ids = Ids(2000);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> violations{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_acquire)) {
        for (const auto& id : ids) {
          const auto d = router.Route(id, "eu");
          if ((d.cohort == canary::Cohort::kCanary) != (d.bucket < d.percent_bp)) ++violations;
          if (d.percent_bp > 10000) ++violations;
        }
      }
    });
  }
  for (uint32_t p = 0; p <= 10000; p += 250) {
    REQUIRE(router.SetRegionPercent("eu", p).ok());
    REQUIRE(router.SetRegionPercent(absl::StrCat("r", p % 4000), p).ok());
    REQUIRE(router.SetDefaultPercent(10000 - p).ok());
  }
  stop.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
  CHECK(violations.load() == 0);
  CHECK(router.PercentFor("eu") == 10000);
}

TEST_CASE("WeightedVariants splits by weight", "[canary]") {
  auto v = canary::WeightedVariants::Create(
      "abn-test", {{"control", 5000}, {"treatment-a", 3000}, {"treatment-b", 2000}});
  REQUIRE(v.ok());
  CHECK(v->total_weight() == 10000);
  const auto ids = Ids(100000);
  std::vector<uint64_t> counts(3, 0);
  for (const auto& id : ids) ++counts[v->Choose(id)];
  // Chi-square goodness of fit, df = 2: critical value at p = 0.001 is 13.816.
  const double expected[3] = {50000, 30000, 20000};
  double chi2 = 0;
  for (size_t i = 0; i < 3; ++i) {
    const double d = static_cast<double>(counts[i]) - expected[i];
    chi2 += d * d / expected[i];
  }
  CAPTURE(counts[0], counts[1], counts[2], chi2);
  CHECK(chi2 < 13.816);
  CHECK(v->ChooseName(ids[0]) == v->variants()[v->Choose(ids[0])].name);
}

TEST_CASE("WeightedVariants re-weighting moves only the shifted slice", "[canary]") {
  const auto ids = Ids(50000);
  auto ab = canary::WeightedVariants::Create("reweight", {{"A", 50}, {"B", 50}});
  auto ab64 = canary::WeightedVariants::Create("reweight", {{"A", 60}, {"B", 40}});
  REQUIRE(ab.ok());
  REQUIRE(ab64.ok());
  uint64_t moved = 0;
  for (const auto& id : ids) {
    const size_t before = ab->Choose(id);
    const size_t after = ab64->Choose(id);
    // A grows: nobody leaves A; B -> A only.
    if (before == 0) REQUIRE(after == 0);
    moved += before != after;
  }
  // About 10% move (sd = sqrt(50000 * 0.1 * 0.9) = 67; 5 sd bound).
  CHECK(moved > 5000 - 335);
  CHECK(moved < 5000 + 335);

  // Adding C by carving from the last variant (total fixed) moves only B -> C.
  auto abc = canary::WeightedVariants::Create("reweight", {{"A", 50}, {"B", 40}, {"C", 10}});
  REQUIRE(abc.ok());
  for (const auto& id : ids) {
    const size_t before = ab->Choose(id);
    const size_t after = abc->Choose(id);
    if (before == 0) REQUIRE(after == 0);
    if (after == 1) REQUIRE(before == 1);
  }
  // Scale invariance: the same proportions with another total give the same
  // assignment (boundaries are fractions C_i / T of the hash space).
  auto ab_scaled = canary::WeightedVariants::Create("reweight", {{"A", 5000}, {"B", 5000}});
  REQUIRE(ab_scaled.ok());
  for (const auto& id : ids) REQUIRE(ab->Choose(id) == ab_scaled->Choose(id));
}

TEST_CASE("WeightedVariants zero weights and validation", "[canary]") {
  auto v = canary::WeightedVariants::Create("zero", {{"off", 0}, {"on", 1}, {"dark", 0}});
  REQUIRE(v.ok());
  for (const auto& id : Ids(1000)) CHECK(v->Choose(id) == 1);

  using canary::Variant;
  using canary::WeightedVariants;
  CHECK(WeightedVariants::Create("s", {}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(WeightedVariants::Create("s", {{"a", 0}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(WeightedVariants::Create("s", {{"a", 1}, {"a", 1}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(WeightedVariants::Create("s", {{"", 1}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(WeightedVariants::Create("s", {{"a", UINT32_MAX}, {"b", 1}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(WeightedVariants::Create("s", {{"a", UINT32_MAX}}).ok());
  std::vector<Variant> many(WeightedVariants::kMaxVariants + 1);
  for (size_t i = 0; i < many.size(); ++i) many[i] = {absl::StrCat("v", i), 1};
  CHECK(WeightedVariants::Create("s", many).status().code() == absl::StatusCode::kInvalidArgument);
  many.pop_back();
  CHECK(WeightedVariants::Create("s", many).ok());
}
