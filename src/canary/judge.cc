// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// The rollback judge (judge.h).

#include "edgekit/canary/judge.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "edgekit/canary/stats.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {
namespace {

absl::Span<const double> Bounded(absl::Span<const double> s, size_t max) {
  return s.size() > max ? s.subspan(0, max) : s;
}

// Median of the non-NaN values (mean of the two middle ones for even counts).
double Median(absl::Span<const double> s) {
  std::vector<double> v;
  v.reserve(s.size());
  for (const double x : s) {
    if (!std::isnan(x)) v.push_back(x);
  }
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;
}

}  // namespace

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kContinue:
      return "continue";
    case Verdict::kPromote:
      return "promote";
    case Verdict::kRollBack:
      return "roll_back";
  }
  return "unknown";
}

std::string_view ToString(JudgeReason reason) {
  switch (reason) {
    case JudgeReason::kInsufficientData:
      return "insufficient_data";
    case JudgeReason::kHealthy:
      return "healthy";
    case JudgeReason::kErrorRate:
      return "error_rate";
    case JudgeReason::kLatency:
      return "latency";
    case JudgeReason::kInvalidInput:
      return "invalid_input";
  }
  return "unknown";
}

absl::StatusOr<RollbackJudge> RollbackJudge::Create(const JudgeOptions& o) {
  if (!(o.confidence > 0 && o.confidence < 1)) {
    return absl::InvalidArgumentError("confidence must be in (0, 1)");
  }
  if (!(o.max_error_ratio >= 1) || !std::isfinite(o.max_error_ratio)) {
    return absl::InvalidArgumentError("max_error_ratio must be finite and >= 1");
  }
  if (!(o.error_rate_floor >= 0 && o.error_rate_floor <= 1)) {
    return absl::InvalidArgumentError("error_rate_floor must be in [0, 1]");
  }
  if (!(o.max_latency_ratio >= 1) || !std::isfinite(o.max_latency_ratio)) {
    return absl::InvalidArgumentError("max_latency_ratio must be finite and >= 1");
  }
  if (o.min_requests < 1) return absl::InvalidArgumentError("min_requests must be >= 1");
  if (o.min_latency_samples < 2) {
    return absl::InvalidArgumentError("min_latency_samples must be >= 2");
  }
  if (o.max_latency_samples < o.min_latency_samples) {
    return absl::InvalidArgumentError("max_latency_samples must be >= min_latency_samples");
  }
  return RollbackJudge(o);
}

Judgement RollbackJudge::Evaluate(const ArmSample& stable, const ArmSample& canary) const {
  const JudgeOptions& o = options_;
  Judgement j;
  if (stable.errors > stable.requests || canary.errors > canary.requests) {
    j.reason = JudgeReason::kInvalidInput;
    return j;
  }
  const double alpha = 1 - o.confidence;
  if (stable.requests > 0) {
    j.stable_error_rate = static_cast<double>(stable.errors) / static_cast<double>(stable.requests);
  }
  if (canary.requests > 0) {
    j.canary_error_rate = static_cast<double>(canary.errors) / static_cast<double>(canary.requests);
  }
  const double reference = std::max(j.stable_error_rate, o.error_rate_floor);
  j.error_ratio = reference > 0 ? j.canary_error_rate / reference : 0;

  // Rule 1: error rate.
  bool error_failed = false;
  if (stable.requests >= o.min_requests && canary.requests >= o.min_requests) {
    j.error_rule_evaluated = true;
    const double n = static_cast<double>(stable.requests + canary.requests);
    const double k = static_cast<double>(stable.errors + canary.errors);
    const double nc = static_cast<double>(canary.requests);
    const double ns = static_cast<double>(stable.requests);
    const double min_expected =
        std::min({nc * k / n, nc * (n - k) / n, ns * k / n, ns * (n - k) / n});
    j.used_fisher = min_expected < 5;
    j.error_p_value =
        j.used_fisher
            ? FisherExactGreater(stable.errors, stable.requests, canary.errors, canary.requests)
                  .p_value
            : TwoProportionZTest(stable.errors, stable.requests, canary.errors, canary.requests)
                  .p_value;
    const bool exceeded = j.canary_error_rate > o.max_error_ratio * reference;
    error_failed = exceeded && (!o.require_significance || j.error_p_value < alpha);
  }

  // Rule 2: latency.
  bool latency_failed = false;
  const absl::Span<const double> sl = Bounded(stable.latencies, o.max_latency_samples);
  const absl::Span<const double> cl = Bounded(canary.latencies, o.max_latency_samples);
  if (sl.size() >= o.min_latency_samples && cl.size() >= o.min_latency_samples) {
    j.latency_rule_evaluated = true;
    j.latency_p_value = MannWhitneyUGreater(sl, cl).p_value;
    j.stable_latency_median = Median(sl);
    j.canary_latency_median = Median(cl);
    latency_failed = j.latency_p_value < alpha &&
                     j.canary_latency_median > o.max_latency_ratio * j.stable_latency_median;
  }

  if (error_failed) {
    j.verdict = Verdict::kRollBack;
    j.reason = JudgeReason::kErrorRate;
    return j;
  }
  if (latency_failed) {
    j.verdict = Verdict::kRollBack;
    j.reason = JudgeReason::kLatency;
    return j;
  }
  if (!j.error_rule_evaluated) {
    j.reason = JudgeReason::kInsufficientData;
    return j;
  }
  const bool latency_absent = stable.latencies.empty() && canary.latencies.empty();
  const bool latency_ok = j.latency_rule_evaluated || latency_absent;
  j.reason = latency_ok ? JudgeReason::kHealthy : JudgeReason::kInsufficientData;
  j.verdict = latency_ok && canary.requests >= o.promote_min_requests ? Verdict::kPromote
                                                                      : Verdict::kContinue;
  return j;
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
