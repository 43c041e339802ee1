// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: stats.h
// -----------------------------------------------------------------------------
// The statistical tests behind the rollback judge (judge.h), exposed so hosts
// can log them and tests can check them against hand computations. Every test
// is one-sided in the direction that matters for a canary: "is the canary
// worse than stable?". A small p-value is evidence that it is.
//
//   TwoProportionZTest   error rates, large counts (pooled z-test)
//   FisherExactGreater   error rates, small counts (exact hypergeometric tail)
//   MannWhitneyUGreater  latency samples (rank test, normal approximation with
//                        tie correction and continuity correction, as Kayenta
//                        and scipy.stats.mannwhitneyu(alternative="greater",
//                        method="asymptotic") do)
//
// Example:
//
//   auto r = edgekit::canary::TwoProportionZTest(/*stable*/ 10, 1000,
//                                                /*canary*/ 25, 1000);
//   if (r.p_value < 0.01) { /* canary error rate significantly higher */ }
//
// Thread-safety: pure functions, thread-safe.
// Errors: degenerate inputs (empty arms, zero variance) give p_value = 1 (no
// evidence), never NaN and never a crash. NaN latency samples are ignored.

#ifndef EDGEKIT_CANARY_STATS_H_
#define EDGEKIT_CANARY_STATS_H_

#include <cstdint>

#include "absl/types/span.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

// A test's statistic and its one-sided p-value (canary worse than stable).
struct TestResult {
  double statistic = 0;  // z for the z-tests, the observed canary errors for Fisher
  double p_value = 1;
};

// Standard normal CDF and upper tail, via erfc (accurate in the tails).
[[nodiscard]] EDGEKIT_API double NormalCdf(double z) noexcept;
[[nodiscard]] EDGEKIT_API double NormalUpperTail(double z) noexcept;

// Pooled two-proportion z-test of H1: p_canary > p_stable.
//   p = (x_s + x_c) / (n_s + n_c),  se = sqrt(p (1 - p) (1/n_s + 1/n_c)),
//   z = (x_c/n_c - x_s/n_s) / se,   p_value = P(Z >= z).
// p_value is 1 when either n is 0 or se is 0 (all or no errors anywhere).
// Requires: errors <= requests (violations are clamped).
[[nodiscard]] EDGEKIT_API TestResult TwoProportionZTest(uint64_t stable_errors,
                                                        uint64_t stable_requests,
                                                        uint64_t canary_errors,
                                                        uint64_t canary_requests) noexcept;

// Fisher's exact test, one-sided (canary error odds greater): with K = all
// errors and N = all requests, P(X >= canary_errors) for X hypergeometric
// (N, K, canary_requests). Work is bounded by min(K, N - K, n_c, N - n_c)
// terms. Requires: errors <= requests (violations are clamped).
[[nodiscard]] EDGEKIT_API TestResult FisherExactGreater(uint64_t stable_errors,
                                                        uint64_t stable_requests,
                                                        uint64_t canary_errors,
                                                        uint64_t canary_requests) noexcept;

// Mann-Whitney U result. `u` counts (canary, stable) pairs with the canary
// sample larger (ties count 1/2); `z` = (u - n_c n_s / 2 - 1/2) / sigma with
// sigma^2 = n_c n_s / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))) over tie
// groups of size t; p_value = P(Z >= z).
struct MannWhitneyResult {
  double u = 0;
  double z = 0;
  double p_value = 1;
};

// One-sided Mann-Whitney U test of H1: canary samples tend to be larger
// (slower) than stable ones. NaNs are dropped. O((n_s + n_c) log(n_s + n_c))
// time and one copy of the samples. p_value is 1 if either arm is empty or
// every sample ties.
[[nodiscard]] EDGEKIT_API MannWhitneyResult MannWhitneyUGreater(absl::Span<const double> stable,
                                                                absl::Span<const double> canary);

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_STATS_H_
