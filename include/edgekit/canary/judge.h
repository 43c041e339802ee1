// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: judge.h
// -----------------------------------------------------------------------------
// The rollback judge: given what the stable and canary cohorts did (requests,
// errors, latency samples), decide whether the canary should roll back, keep
// running, or is healthy enough to promote.
//
// Rules, in order (all thresholds are `JudgeOptions`):
//   1. Errors: once each arm has `min_requests`, the canary fails when
//        canary_rate > max_error_ratio * max(stable_rate, error_rate_floor)
//      and (if `require_significance`) a one-sided test says the canary's
//      error rate is higher at `confidence`: the pooled two-proportion z-test,
//      or Fisher's exact test when an expected cell count of the 2x2 table is
//      below 5. The floor keeps a stable rate of 0 from making any canary
//      error infinitely worse (no division by zero).
//   2. Latency: once each arm has `min_latency_samples`, the canary fails when
//      the one-sided Mann-Whitney U test (as Kayenta uses) says canary
//      latencies are larger at `confidence` and the canary's median exceeds
//      `max_latency_ratio` times stable's (so a statistically significant but
//      negligible shift does not roll back).
//   3. Otherwise the canary is healthy. It may be promoted once it has served
//      `promote_min_requests` and the latency rule could be evaluated (or no
//      latency samples were supplied at all).
//
// Example:
//
//   auto judge = edgekit::canary::RollbackJudge::Create({});  // defaults
//   edgekit::canary::ArmSample stable{100000, 120, stable_latencies};
//   edgekit::canary::ArmSample canary{5000, 31, canary_latencies};
//   edgekit::canary::Judgement j = judge->Evaluate(stable, canary);
//   if (j.verdict == edgekit::canary::Verdict::kRollBack) { ... ToString(j.reason) ... }
//
// Thread-safety: `RollbackJudge` is immutable; `Evaluate` is const and
// thread-safe. Errors: `Create` returns kInvalidArgument for bad options;
// `Evaluate` never fails (inconsistent counts give reason kInvalidInput).

#ifndef EDGEKIT_CANARY_JUDGE_H_
#define EDGEKIT_CANARY_JUDGE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

// What one cohort did over the judged window. Latencies may be in any unit,
// the same for both arms; `latencies` must outlive the `Evaluate` call.
struct ArmSample {
  uint64_t requests = 0;
  uint64_t errors = 0;
  absl::Span<const double> latencies;
};

struct JudgeOptions {
  // Error rule.
  uint64_t min_requests = 1000;    // per arm, before the error rule may fire
  double max_error_ratio = 2.0;    // k in canary_rate > k * max(stable_rate, floor)
  double error_rate_floor = 1e-3;  // absolute floor for the stable rate, in [0, 1]
  bool require_significance = true;
  // Both statistical tests are one-sided at this confidence (alpha = 1 - it).
  double confidence = 0.99;
  // Latency rule.
  size_t min_latency_samples = 50;  // per arm
  double max_latency_ratio = 1.1;   // canary median / stable median tolerated
  // Bound on the latency samples examined per arm (the first ones are used).
  size_t max_latency_samples = size_t{1} << 20;
  // Promotion.
  uint64_t promote_min_requests = 10000;  // canary requests before kPromote
};

enum class Verdict : uint8_t { kContinue, kPromote, kRollBack };

enum class JudgeReason : uint8_t {
  kInsufficientData,  // not enough requests / samples to decide anything
  kHealthy,           // every rule that could run passed
  kErrorRate,         // rule 1 failed
  kLatency,           // rule 2 failed
  kInvalidInput,      // errors > requests on an arm; nothing decided
};

// Stable snake_case labels, usable as metric label values:
//   Verdict: continue, promote, roll_back
//   JudgeReason: insufficient_data, healthy, error_rate, latency, invalid_input
[[nodiscard]] EDGEKIT_API std::string_view ToString(Verdict verdict);
[[nodiscard]] EDGEKIT_API std::string_view ToString(JudgeReason reason);

// A decision and the numbers behind it (for logs and dashboards).
struct Judgement {
  Verdict verdict = Verdict::kContinue;
  JudgeReason reason = JudgeReason::kInsufficientData;
  double stable_error_rate = 0;
  double canary_error_rate = 0;
  // canary_rate / max(stable_rate, floor); 0 when the floor and stable are 0.
  double error_ratio = 0;
  bool error_rule_evaluated = false;
  bool used_fisher = false;  // Fisher's exact test instead of the z-test
  double error_p_value = 1;  // 1 when not computed
  bool latency_rule_evaluated = false;
  double latency_p_value = 1;
  double stable_latency_median = 0;
  double canary_latency_median = 0;
};

class EDGEKIT_API RollbackJudge {
 public:
  // kInvalidArgument unless: 0 < confidence < 1, max_error_ratio >= 1,
  // 0 <= error_rate_floor <= 1, max_latency_ratio >= 1, min_requests >= 1,
  // min_latency_samples >= 2, max_latency_samples >= min_latency_samples.
  static absl::StatusOr<RollbackJudge> Create(const JudgeOptions& options);

  [[nodiscard]] Judgement Evaluate(const ArmSample& stable, const ArmSample& canary) const;

  [[nodiscard]] const JudgeOptions& options() const { return options_; }

 private:
  explicit RollbackJudge(const JudgeOptions& options) : options_(options) {}
  JudgeOptions options_;
};

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_JUDGE_H_
