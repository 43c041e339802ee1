// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Statistical tests for the rollback judge (stats.h).

#include "edgekit/canary/stats.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

EDGEKIT_NAMESPACE_BEGIN
namespace canary {
namespace {

constexpr double kSqrt2 = 1.41421356237309504880;

// ln(n!). A table below 256; Stirling's series above, whose truncation error
// there is below 1e-19 (the next term is 1/(1680 n^7)). Own implementation
// rather than std::lgamma, which writes the global `signgam` in glibc (a data
// race between threads).
double LogFactorial(uint64_t n) {
  static const std::array<double, 256> table = [] {
    std::array<double, 256> t{};
    t[0] = 0;
    for (size_t i = 1; i < t.size(); ++i) t[i] = t[i - 1] + std::log(static_cast<double>(i));
    return t;
  }();
  if (n < table.size()) return table[n];
  const double x = static_cast<double>(n);
  const double inv = 1.0 / x;
  const double inv2 = inv * inv;
  constexpr double kHalfLog2Pi = 0.91893853320467274178;
  return x * std::log(x) - x + 0.5 * std::log(x) + kHalfLog2Pi +
         inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260)));
}

double LogChoose(uint64_t n, uint64_t k) {
  return LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);
}

}  // namespace

double NormalCdf(double z) noexcept { return 0.5 * std::erfc(-z / kSqrt2); }

double NormalUpperTail(double z) noexcept { return 0.5 * std::erfc(z / kSqrt2); }

TestResult TwoProportionZTest(uint64_t stable_errors, uint64_t stable_requests,
                              uint64_t canary_errors, uint64_t canary_requests) noexcept {
  TestResult r;
  if (stable_requests == 0 || canary_requests == 0) return r;
  stable_errors = std::min(stable_errors, stable_requests);
  canary_errors = std::min(canary_errors, canary_requests);
  const double ns = static_cast<double>(stable_requests);
  const double nc = static_cast<double>(canary_requests);
  const double ps = static_cast<double>(stable_errors) / ns;
  const double pc = static_cast<double>(canary_errors) / nc;
  const double pooled = static_cast<double>(stable_errors + canary_errors) / (ns + nc);
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / ns + 1 / nc));
  if (!(se > 0)) return r;
  r.statistic = (pc - ps) / se;
  r.p_value = NormalUpperTail(r.statistic);
  return r;
}

TestResult FisherExactGreater(uint64_t stable_errors, uint64_t stable_requests,
                              uint64_t canary_errors, uint64_t canary_requests) noexcept {
  TestResult r;
  stable_errors = std::min(stable_errors, stable_requests);
  canary_errors = std::min(canary_errors, canary_requests);
  r.statistic = static_cast<double>(canary_errors);
  const uint64_t total = stable_requests + canary_requests;  // N
  const uint64_t errors = stable_errors + canary_errors;     // K
  const uint64_t n = canary_requests;
  if (total == 0 || n == 0 || stable_requests == 0) return r;
  // Support of X: [lo, hi].
  const uint64_t lo = n > total - errors ? n - (total - errors) : 0;
  const uint64_t hi = std::min(errors, n);
  const uint64_t a = canary_errors;
  if (a <= lo) return r;  // P(X >= lo) = 1
  const double log_denominator = LogChoose(total, n);
  auto pmf = [&](uint64_t x) {
    return std::exp(LogChoose(errors, x) + LogChoose(total - errors, n - x) - log_denominator);
  };
  // Mode of the hypergeometric distribution.
  const double mode_d =
      std::floor((static_cast<double>(n) + 1) * (static_cast<double>(errors) + 1) /
                 (static_cast<double>(total) + 2));
  const uint64_t mode = static_cast<uint64_t>(mode_d);
  // Sum away from the mode, where terms only shrink, and stop once they are
  // negligible: the upper tail directly when a is past the mode, else
  // 1 - the lower tail (then p >= ~1/2 and there is no cancellation).
  double sum = 0;
  if (a > mode) {
    for (uint64_t x = a; x <= hi; ++x) {
      const double t = pmf(x);
      sum += t;
      if (t <= sum * 1e-17) break;
    }
    r.p_value = std::min(1.0, sum);
  } else {
    for (uint64_t x = a; x-- > lo;) {
      const double t = pmf(x);
      sum += t;
      if (t <= sum * 1e-17) break;
    }
    r.p_value = std::clamp(1.0 - sum, 0.0, 1.0);
  }
  return r;
}

MannWhitneyResult MannWhitneyUGreater(absl::Span<const double> stable,
                                      absl::Span<const double> canary) {
  MannWhitneyResult r;
  // (value, is_canary)
  std::vector<std::pair<double, bool>> all;
  all.reserve(stable.size() + canary.size());
  for (const double v : stable) {
    if (!std::isnan(v)) all.emplace_back(v, false);
  }
  const size_t ns = all.size();
  for (const double v : canary) {
    if (!std::isnan(v)) all.emplace_back(v, true);
  }
  const size_t nc = all.size() - ns;
  if (ns == 0 || nc == 0) return r;
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  const double n = static_cast<double>(all.size());
  double rank_sum_canary = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    size_t canary_in_group = 0;
    while (j < all.size() && all[j].first == all[i].first) {
      canary_in_group += all[j].second;
      ++j;
    }
    const double t = static_cast<double>(j - i);
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // 1-based
    rank_sum_canary += avg_rank * static_cast<double>(canary_in_group);
    tie_term += t * t * t - t;
    i = j;
  }
  const double dnc = static_cast<double>(nc);
  const double dns = static_cast<double>(ns);
  r.u = rank_sum_canary - dnc * (dnc + 1) / 2;
  const double mean = dnc * dns / 2;
  const double var = dnc * dns / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (!(var > 0)) return r;
  r.z = (r.u - mean - 0.5) / std::sqrt(var);
  r.p_value = NormalUpperTail(r.z);
  return r;
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
