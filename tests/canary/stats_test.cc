// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/stats.h against values computed by hand (the
// arithmetic is in the comments; checked with exact rational arithmetic for
// Fisher's test).

#include "edgekit/canary/stats.h"

#include <cmath>
#include <limits>
#include <vector>

#include "edgekit_catch.h"

namespace canary = edgekit::canary;

namespace {
bool Near(double got, double want, double rel) {
  return std::fabs(got - want) <= rel * std::fabs(want);
}
}  // namespace

TEST_CASE("Normal tails", "[canary]") {
  CHECK(canary::NormalCdf(0) == 0.5);
  CHECK(Near(canary::NormalUpperTail(1.959963984540054), 0.025, 1e-12));
  CHECK(Near(canary::NormalUpperTail(2.3263478740408408), 0.01, 1e-12));
  CHECK(Near(canary::NormalCdf(-3), 0.0013498980316301, 1e-10));
  // Deep tail stays accurate (erfc, not 1 - erf): P(Z >= 10) = 7.6198530241605e-24.
  CHECK(Near(canary::NormalUpperTail(10), 7.6198530241605e-24, 1e-9));
}

TEST_CASE("Two-proportion z-test on constructed counts", "[canary]") {
  // stable 10/1000, canary 25/1000:
  //   pooled = 35/2000 = 0.0175
  //   se = sqrt(0.0175 * 0.9825 * (1/1000 + 1/1000)) = sqrt(3.43875e-5) = 0.00586409
  //   z = (0.025 - 0.010) / 0.00586409 = 2.557944;  p = P(Z >= z) = 0.0052647
  auto r = canary::TwoProportionZTest(10, 1000, 25, 1000);
  CHECK(Near(r.statistic, 2.557943557892809, 1e-9));
  CHECK(Near(r.p_value, 0.005264659032641468, 1e-7));
  // Swapped arms: the canary is better, z = -2.558, p = 0.99474.
  r = canary::TwoProportionZTest(25, 1000, 10, 1000);
  CHECK(Near(r.statistic, -2.557943557892809, 1e-9));
  CHECK(Near(r.p_value, 1 - 0.005264659032641468, 1e-9));
  // 1% vs 1.5% on 100k each: z = 0.005 / sqrt(0.0125 * 0.9875 * 2e-5) = 10.0631,
  // p = 4.0216e-24.
  r = canary::TwoProportionZTest(1000, 100000, 1500, 100000);
  CHECK(Near(r.statistic, 10.063092108532551, 1e-9));
  CHECK(Near(r.p_value, 4.021582591878774e-24, 1e-6));
  // Degenerate: no requests, or no variance (no errors at all / all errors).
  CHECK(canary::TwoProportionZTest(0, 0, 5, 10).p_value == 1);
  CHECK(canary::TwoProportionZTest(0, 1000, 0, 1000).p_value == 1);
  CHECK(canary::TwoProportionZTest(1000, 1000, 1000, 1000).p_value == 1);
  // errors > requests is clamped, never NaN.
  CHECK(!std::isnan(canary::TwoProportionZTest(5000, 1000, 3, 1000).p_value));
}

TEST_CASE("Fisher's exact test on constructed tables", "[canary]") {
  // Fisher's tea tasting: canary 3 errors of 4, stable 1 of 4. N = 8, K = 4,
  // n = 4: P(X >= 3) = (C(4,3) C(4,1) + C(4,4) C(4,0)) / C(8,4) = 17/70.
  CHECK(Near(canary::FisherExactGreater(1, 4, 3, 4).p_value, 17.0 / 70, 1e-12));
  // stable 0/20, canary 3/20: P(X >= 3) = C(3,3) C(37,17) / C(40,20)
  //   = (20 * 19 * 18) / (40 * 39 * 38) = 6840 / 59280 = 0.1153846.
  CHECK(Near(canary::FisherExactGreater(0, 20, 3, 20).p_value, 6840.0 / 59280, 1e-12));
  // stable 0/10000, canary 5/2000: all 5 errors in the canary,
  //   P = prod_{i=0..4} (2000 - i) / (12000 - i) = 1.2806563e-4.
  CHECK(Near(canary::FisherExactGreater(0, 10000, 5, 2000).p_value, 0.00012806563362167367, 1e-9));
  // stable 2/1000, canary 5/1000: sum_{x=5..7} C(7,x) C(1993,1000-x) / C(2000,1000)
  //   = 0.2261515 (exact rationals).
  CHECK(Near(canary::FisherExactGreater(2, 1000, 5, 1000).p_value, 0.2261515215874284, 1e-9));
  // Canary better: stable 5/20, canary 1/20: P(X >= 1) = 1 - P(X = 0)
  //   = 1 - C(34,20)/C(40,20) = 0.9899020.
  CHECK(Near(canary::FisherExactGreater(5, 20, 1, 20).p_value, 0.9899019899019899, 1e-12));
  // X at or below the support's minimum: p = 1.
  CHECK(canary::FisherExactGreater(0, 100, 0, 100).p_value == 1);
  CHECK(canary::FisherExactGreater(0, 0, 0, 0).p_value == 1);
  // Large, lopsided input stays bounded and finite.
  const double p = canary::FisherExactGreater(3, 5000000, 4000000, 5000000).p_value;
  CHECK(p >= 0);
  CHECK(p < 1e-300);
}

TEST_CASE("Mann-Whitney U with tie and continuity corrections", "[canary]") {
  // stable {1..5}, canary {6..10}: every pair has the canary larger, U = 25.
  //   mean = 12.5, var = 5*5/12 * 11 = 22.9167, z = (25 - 12.5 - 0.5) / 4.7871
  //   = 2.506718, p = 0.0060929.
  auto r = canary::MannWhitneyUGreater(std::vector<double>{1, 2, 3, 4, 5},
                                       std::vector<double>{6, 7, 8, 9, 10});
  CHECK(r.u == 25);
  CHECK(Near(r.z, 2.5067182457620487, 1e-12));
  CHECK(Near(r.p_value, 0.006092890177672409, 1e-9));
  // Reversed: U = 0, z = (0 - 12.5 - 0.5) / 4.7871 = -2.715611, p = 0.9966923.
  r = canary::MannWhitneyUGreater(std::vector<double>{6, 7, 8, 9, 10},
                                  std::vector<double>{1, 2, 3, 4, 5});
  CHECK(r.u == 0);
  CHECK(Near(r.p_value, 0.9966923245172357, 1e-12));
  // Ties: stable {1,2,2,3}, canary {2,3,3,4}. Ranks: 1 -> 1; the three 2s ->
  // 3; the three 3s -> 6; 4 -> 8. R_canary = 3 + 6 + 6 + 8 = 23, U = 23 - 10
  // = 13. Tie term = (27 - 3) + (27 - 3) = 48; var = 16/12 * (9 - 48/56) =
  // 10.857143; z = (13 - 8 - 0.5) / 3.295018 = 1.365698; p = 0.0860169.
  r = canary::MannWhitneyUGreater(std::vector<double>{1, 2, 2, 3}, std::vector<double>{2, 3, 3, 4});
  CHECK(r.u == 13);
  CHECK(Near(r.z, 1.365698202000489, 1e-12));
  CHECK(Near(r.p_value, 0.08601685446091148, 1e-9));
  // Identical samples: U = 4.5 = mean, z = -0.5 / sqrt(4.8), p = 0.5903.
  r = canary::MannWhitneyUGreater(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 3});
  CHECK(r.u == 4.5);
  CHECK(Near(r.p_value, 0.5902615116112394, 1e-9));
  // Degenerate: all tied (variance 0), an empty arm, NaNs dropped.
  CHECK(canary::MannWhitneyUGreater(std::vector<double>{7, 7}, std::vector<double>{7, 7}).p_value ==
        1);
  CHECK(canary::MannWhitneyUGreater({}, std::vector<double>{1, 2}).p_value == 1);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r = canary::MannWhitneyUGreater(std::vector<double>{1, nan, 2, 3, 4, 5},
                                  std::vector<double>{6, 7, nan, 8, 9, 10});
  CHECK(r.u == 25);
  CHECK(Near(r.p_value, 0.006092890177672409, 1e-9));
}
