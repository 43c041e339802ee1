// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: ramp.h
// -----------------------------------------------------------------------------
// A staged ramp (for example 1% -> 5% -> 25% -> 50% -> 100%) that advances only
// through passed health gates: the canary must have spent the stage's minimum
// time at the stage's percentage AND the rollback judge (judge.h) must say
// "promote". Any "roll back" verdict drops the canary to 0% for good.
//
// The host calls `Step(stable, canary)` on its own schedule (say once a
// second) with the counts for the current stage, applies `percent_bp()` to its
// `Router` (rollout.h), and resets its counters when a step reports kAdvance.
// Time comes from the clock given to `Create` (monotonic), or as `Step(now,
// ...)`. To ramp region by region, run one controller per region and feed
// each region's percentage to `Router::SetRegionPercent`.
//
// Schedule text (ParseRampSchedule), for configuration files and flags:
//
//   schedule = stage *("," stage)
//   stage    = percent "%" ["/" duration]        ; spaces allowed around tokens
//   percent  = 1*3DIGIT ["." 1*2DIGIT]           ; 0.01 .. 100, basis-point exact
//   duration = absl::ParseDuration syntax        ; "90s", "10m", "1h30m"; default 0
//
//   "1%/10m, 5%/10m, 25%/30m, 50%/30m, 100%"
//
// Bounds: at most kMaxRampStages stages, kMaxRampSpecBytes bytes of text,
// percentages strictly increasing, durations in [0, 30 days].
//
// Example:
//
//   auto stages = edgekit::canary::ParseRampSchedule("1%/5m,5%/10m,25%/30m,100%");
//   auto ramp = edgekit::canary::RampController::Create(*stages, {}).value();
//   router.SetDefaultPercent(ramp->percent_bp());
//   ...
//   auto step = ramp->Step(stable_counts, canary_counts);
//   if (step.action != edgekit::canary::RampAction::kHold) {
//     router.SetDefaultPercent(step.percent_bp);
//   }
//
// Thread-safety: `RampController` is thread-safe (one internal mutex; the judge
// runs outside it). Errors: parsing and `Create` return kInvalidArgument.

#ifndef EDGEKIT_CANARY_RAMP_H_
#define EDGEKIT_CANARY_RAMP_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/canary/judge.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

inline constexpr size_t kMaxRampStages = 16;
inline constexpr size_t kMaxRampSpecBytes = 1024;

struct RampStage {
  uint32_t percent_bp = 0;  // 1..10000
  absl::Duration min_duration = absl::ZeroDuration();
};

// A common rollout schedule: 1% -> 5% -> 25% -> 50% -> 100%, `dwell` each.
[[nodiscard]] EDGEKIT_API std::vector<RampStage> DefaultRampSchedule(
    absl::Duration dwell = absl::Minutes(10));

// Parses schedule text (grammar above). kInvalidArgument with the offending
// position on any syntax error or bound violation.
[[nodiscard]] EDGEKIT_API absl::StatusOr<std::vector<RampStage>> ParseRampSchedule(
    std::string_view spec);

// Checks a schedule: 1..kMaxRampStages stages, percentages in 1..10000 and
// strictly increasing, durations in [0, 30 days]. kInvalidArgument otherwise.
[[nodiscard]] EDGEKIT_API absl::Status ValidateRampSchedule(const std::vector<RampStage>& stages);

enum class RampState : uint8_t { kRamping, kComplete, kRolledBack };

enum class RampAction : uint8_t {
  kHold,      // stay at the current stage
  kAdvance,   // moved to the next stage; reset per-stage counters
  kComplete,  // the last stage passed its gate; the rollout is done
  kRollBack,  // the judge said roll back; the canary is at 0% now
};

// Stable snake_case labels, usable as metric label values:
//   RampState: ramping, complete, rolled_back
//   RampAction: hold, advance, complete, roll_back
[[nodiscard]] EDGEKIT_API std::string_view ToString(RampState state);
[[nodiscard]] EDGEKIT_API std::string_view ToString(RampAction action);

struct RampStep {
  RampAction action = RampAction::kHold;
  RampState state = RampState::kRamping;
  size_t stage = 0;         // index into the schedule after this step
  uint32_t percent_bp = 0;  // the canary percentage to apply after this step
  absl::Duration time_in_stage = absl::ZeroDuration();  // before this step
  Judgement judgement;  // what the judge said about the counts given
};

// What a controller did since it was created.
struct RampCounters {
  uint64_t holds = 0;             // steps that stayed at the stage
  uint64_t advances = 0;          // steps to the next stage
  uint64_t completions = 0;       // 0 or 1
  uint64_t rollbacks = 0;         // roll-back verdicts that dropped the canary (0 or 1)
  uint64_t manual_rollbacks = 0;  // RollBack() calls that dropped it (0 or 1)
};

class EDGEKIT_API RampController {
 public:
  // Starts at stage 0 at `clock`'s monotonic now; `clock` must outlive the
  // controller. kInvalidArgument if the schedule or the judge options are
  // invalid.
  static absl::StatusOr<std::unique_ptr<RampController>> Create(std::vector<RampStage> stages,
                                                                const JudgeOptions& judge,
                                                                Clock& clock = RealClock::Get());

  // Judges the current stage's counts and moves the ramp: kRollBack on a
  // roll-back verdict; kAdvance/kComplete when the verdict is "promote" and
  // `now - stage start >= min_duration`; kHold otherwise (also in a terminal
  // state, which never changes again, and when `now` is before the stage
  // start).
  RampStep Step(absl::Time now, const ArmSample& stable, const ArmSample& canary)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The same at the clock's monotonic now.
  RampStep Step(const ArmSample& stable, const ArmSample& canary) ABSL_LOCKS_EXCLUDED(mu_) {
    return Step(clock_.MonotonicNow(), stable, canary);
  }

  // Rolls back by hand (an operator's kill switch). No-op once complete.
  void RollBack() ABSL_LOCKS_EXCLUDED(mu_);

  [[nodiscard]] uint32_t percent_bp() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] size_t stage() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] RampState state() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] absl::Time stage_started() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] const std::vector<RampStage>& stages() const { return stages_; }

  [[nodiscard]] RampCounters counters() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reports (edgekit/base/metrics.h):
  //   edgekit_canary_ramp_share_ratio      gauge, the canary share (percent_bp / 10000)
  //   edgekit_canary_ramp_stage            gauge, index into the schedule
  //   edgekit_canary_ramp_state{state}     gauge, 1 for the current RampState
  //   edgekit_canary_ramp_steps_total{action}   counter, Step() results
  //   edgekit_canary_ramp_manual_rollbacks_total counter
  // No instance label: wrap the visitor in a LabelingVisitor (region="eu").
  void VisitMetrics(MetricsVisitor& visitor) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  RampController(std::vector<RampStage> stages, RollbackJudge judge, Clock& clock);
  uint32_t PercentLockHeld() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::vector<RampStage> stages_;
  const RollbackJudge judge_;
  Clock& clock_;
  mutable Mutex mu_;
  RampCounters counters_ ABSL_GUARDED_BY(mu_);
  size_t stage_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time stage_started_ ABSL_GUARDED_BY(mu_);
  RampState state_ ABSL_GUARDED_BY(mu_) = RampState::kRamping;
};

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_RAMP_H_
