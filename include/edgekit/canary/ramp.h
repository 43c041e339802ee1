// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: ramp.h
// -----------------------------------------------------------------------------
// A staged ramp (for example 1% -> 5% -> 25% -> 50% -> 100%) that advances only
// through passed health gates: the canary must have spent the stage's minimum
// time at the stage's percentage AND the rollback judge (judge.h) must say
// "promote". Any "roll back" verdict drops the canary to 0% for good.
//
// Time is an argument: the host calls `Step(now, stable, canary)` on its own
// schedule (say once a second) with the counts for the current stage, applies
// `percent_bp()` to its `Router` (rollout.h), and resets its counters when a
// step reports kAdvance. To ramp region by region, run one controller per
// region and feed each region's percentage to `Router::SetRegionPercent`.
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
//   auto ramp = edgekit::canary::RampController::Create(*stages, {}, clock.MonotonicNow());
//   router.SetDefaultPercent((*ramp)->percent_bp());
//   ...
//   auto step = (*ramp)->Step(clock.MonotonicNow(), stable_counts, canary_counts);
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

// The schedule the issue names: 1% -> 5% -> 25% -> 50% -> 100%, `dwell` each.
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

class EDGEKIT_API RampController {
 public:
  // Starts at stage 0 at `start`. kInvalidArgument if the schedule or the
  // judge options are invalid.
  static absl::StatusOr<std::unique_ptr<RampController>> Create(std::vector<RampStage> stages,
                                                                const JudgeOptions& judge,
                                                                absl::Time start);

  // Judges the current stage's counts and moves the ramp: kRollBack on a
  // roll-back verdict; kAdvance/kComplete when the verdict is "promote" and
  // `now - stage start >= min_duration`; kHold otherwise (also in a terminal
  // state, which never changes again, and when `now` is before the stage
  // start).
  RampStep Step(absl::Time now, const ArmSample& stable, const ArmSample& canary)
      ABSL_LOCKS_EXCLUDED(mu_);
  // The same, with `now` read from `clock`'s monotonic time line.
  RampStep Step(Clock& clock, const ArmSample& stable, const ArmSample& canary)
      ABSL_LOCKS_EXCLUDED(mu_) {
    return Step(clock.MonotonicNow(), stable, canary);
  }

  // Rolls back by hand (an operator's kill switch). No-op once complete.
  void RollBack() ABSL_LOCKS_EXCLUDED(mu_);

  [[nodiscard]] uint32_t percent_bp() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] size_t stage() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] RampState state() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] absl::Time stage_started() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] const std::vector<RampStage>& stages() const { return stages_; }

 private:
  RampController(std::vector<RampStage> stages, RollbackJudge judge, absl::Time start);
  uint32_t PercentLockHeld() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::vector<RampStage> stages_;
  const RollbackJudge judge_;
  mutable Mutex mu_;
  size_t stage_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time stage_started_ ABSL_GUARDED_BY(mu_);
  RampState state_ ABSL_GUARDED_BY(mu_) = RampState::kRamping;
};

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_RAMP_H_
