// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Staged ramp schedule, its parser, and the gate-driven controller (ramp.h).

#include "edgekit/canary/ramp.h"

#include "edgekit/canary/bucket.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {
namespace {

const absl::Duration kMaxStageDuration = absl::Hours(24 * 30);

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status SyntaxError(size_t pos, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("ramp schedule, byte ", pos, ": ", absl::string_view(what.data(), what.size())));
}

// A cursor over the schedule text.
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  void SkipSpace() {
    while (pos_ < s_.size() && IsSpace(s_[pos_])) ++pos_;
  }
  bool AtEnd() const { return pos_ == s_.size(); }
  bool Consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  size_t pos() const { return pos_; }

  // percent = 1*3DIGIT ["." 1*2DIGIT], returned in basis points.
  absl::StatusOr<uint32_t> Percent() {
    const size_t start = pos_;
    uint32_t whole = 0;
    size_t digits = 0;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) {
      if (++digits > 3) return SyntaxError(pos_, "percentage has more than 3 integer digits");
      whole = whole * 10 + static_cast<uint32_t>(s_[pos_] - '0');
      ++pos_;
    }
    if (digits == 0) return SyntaxError(start, "expected a percentage");
    uint32_t frac = 0;
    if (Consume('.')) {
      size_t frac_digits = 0;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) {
        if (++frac_digits > 2) return SyntaxError(pos_, "percentage has more than 2 decimals");
        frac = frac * 10 + static_cast<uint32_t>(s_[pos_] - '0');
        ++pos_;
      }
      if (frac_digits == 0) return SyntaxError(pos_, "expected digits after '.'");
      if (frac_digits == 1) frac *= 10;
    }
    const uint32_t bp = whole * 100 + frac;
    if (bp == 0 || bp > 10000) return SyntaxError(start, "percentage must be in 0.01..100");
    return bp;
  }

  // A duration token: everything up to the next ',' or space.
  absl::StatusOr<absl::Duration> Duration() {
    const size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && !IsSpace(s_[pos_])) ++pos_;
    const std::string_view token = s_.substr(start, pos_ - start);
    if (token.empty()) return SyntaxError(start, "expected a duration after '/'");
    absl::Duration d;
    if (!absl::ParseDuration(absl::string_view(token.data(), token.size()), &d)) {
      return SyntaxError(start, "malformed duration (use e.g. 90s, 10m, 1h30m)");
    }
    if (d < absl::ZeroDuration() || d > kMaxStageDuration) {
      return SyntaxError(start, "duration must be in [0, 720h]");
    }
    return d;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<RampStage> DefaultRampSchedule(absl::Duration dwell) {
  return {{100, dwell}, {500, dwell}, {2500, dwell}, {5000, dwell}, {10000, dwell}};
}

absl::Status ValidateRampSchedule(const std::vector<RampStage>& stages) {
  if (stages.empty() || stages.size() > kMaxRampStages) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ramp has 1..", kMaxRampStages, " stages, got ", stages.size()));
  }
  for (size_t i = 0; i < stages.size(); ++i) {
    const RampStage& s = stages[i];
    if (s.percent_bp == 0 || s.percent_bp > 10000) {
      return absl::InvalidArgumentError(
          absl::StrCat("stage ", i, ": percent_bp must be in 1..10000, got ", s.percent_bp));
    }
    if (i > 0 && s.percent_bp <= stages[i - 1].percent_bp) {
      return absl::InvalidArgumentError(
          absl::StrCat("stage ", i, ": percentages must strictly increase"));
    }
    if (s.min_duration < absl::ZeroDuration() || s.min_duration > kMaxStageDuration) {
      return absl::InvalidArgumentError(
          absl::StrCat("stage ", i, ": min_duration must be in [0, 720h]"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RampStage>> ParseRampSchedule(std::string_view spec) {
  if (spec.size() > kMaxRampSpecBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("ramp schedule longer than ", kMaxRampSpecBytes, " bytes"));
  }
  Parser p(spec);
  std::vector<RampStage> stages;
  while (true) {
    if (stages.size() == kMaxRampStages) {
      return SyntaxError(p.pos(), "too many stages");
    }
    p.SkipSpace();
    RampStage stage;
    absl::StatusOr<uint32_t> bp = p.Percent();
    if (!bp.ok()) return bp.status();
    stage.percent_bp = *bp;
    if (!p.Consume('%')) return SyntaxError(p.pos(), "expected '%'");
    p.SkipSpace();
    if (p.Consume('/')) {
      p.SkipSpace();
      absl::StatusOr<absl::Duration> d = p.Duration();
      if (!d.ok()) return d.status();
      stage.min_duration = *d;
      p.SkipSpace();
    }
    if (!stages.empty() && stage.percent_bp <= stages.back().percent_bp) {
      return SyntaxError(p.pos(), "percentages must strictly increase");
    }
    stages.push_back(stage);
    if (p.AtEnd()) break;
    if (!p.Consume(',')) return SyntaxError(p.pos(), "expected ',' or the end");
  }
  return stages;
}

std::string_view ToString(RampState state) {
  switch (state) {
    case RampState::kRamping:
      return "ramping";
    case RampState::kComplete:
      return "complete";
    case RampState::kRolledBack:
      return "rolled_back";
  }
  return "unknown";
}

std::string_view ToString(RampAction action) {
  switch (action) {
    case RampAction::kHold:
      return "hold";
    case RampAction::kAdvance:
      return "advance";
    case RampAction::kComplete:
      return "complete";
    case RampAction::kRollBack:
      return "roll_back";
  }
  return "unknown";
}

RampController::RampController(std::vector<RampStage> stages, RollbackJudge judge, Clock& clock)
    : stages_(std::move(stages)),
      judge_(std::move(judge)),
      clock_(clock),
      stage_started_(clock.MonotonicNow()) {}

absl::StatusOr<std::unique_ptr<RampController>> RampController::Create(
    std::vector<RampStage> stages, const JudgeOptions& judge, Clock& clock) {
  if (absl::Status s = ValidateRampSchedule(stages); !s.ok()) return s;
  absl::StatusOr<RollbackJudge> j = RollbackJudge::Create(judge);
  if (!j.ok()) return j.status();
  return std::unique_ptr<RampController>(
      new RampController(std::move(stages), *std::move(j), clock));
}

uint32_t RampController::PercentLockHeld() const {
  return state_ == RampState::kRolledBack ? 0 : stages_[stage_].percent_bp;
}

RampStep RampController::Step(absl::Time now, const ArmSample& stable, const ArmSample& canary) {
  RampStep step;
  step.judgement = judge_.Evaluate(stable, canary);  // pure; outside the lock
  MutexLock lock(&mu_);
  step.time_in_stage = now - stage_started_;
  if (state_ == RampState::kRamping) {
    if (step.judgement.verdict == Verdict::kRollBack) {
      state_ = RampState::kRolledBack;
      step.action = RampAction::kRollBack;
    } else if (step.judgement.verdict == Verdict::kPromote &&
               step.time_in_stage >= stages_[stage_].min_duration) {
      if (stage_ + 1 == stages_.size()) {
        state_ = RampState::kComplete;
        step.action = RampAction::kComplete;
      } else {
        ++stage_;
        stage_started_ = now;
        step.action = RampAction::kAdvance;
      }
    }
  }
  switch (step.action) {
    case RampAction::kHold:
      ++counters_.holds;
      break;
    case RampAction::kAdvance:
      ++counters_.advances;
      break;
    case RampAction::kComplete:
      ++counters_.completions;
      break;
    case RampAction::kRollBack:
      ++counters_.rollbacks;
      break;
  }
  step.state = state_;
  step.stage = stage_;
  step.percent_bp = PercentLockHeld();
  return step;
}

void RampController::RollBack() {
  MutexLock lock(&mu_);
  if (state_ == RampState::kRamping) {
    state_ = RampState::kRolledBack;
    ++counters_.manual_rollbacks;
  }
}

RampCounters RampController::counters() const {
  MutexLock lock(&mu_);
  return counters_;
}

void RampController::VisitMetrics(MetricsVisitor& visitor) const {
  RampCounters c;
  RampState state;
  size_t stage;
  uint32_t percent;
  {
    MutexLock lock(&mu_);
    c = counters_;
    state = state_;
    stage = stage_;
    percent = PercentLockHeld();
  }
  VisitSample(visitor, "edgekit_canary_ramp_share_ratio",
              "Share of units the ramp sends to the canary", MetricType::kGauge,
              static_cast<double>(percent) / kBuckets);
  VisitSample(visitor, "edgekit_canary_ramp_stage", "Index of the current stage in the schedule",
              MetricType::kGauge, static_cast<double>(stage));
  for (RampState s : {RampState::kRamping, RampState::kComplete, RampState::kRolledBack}) {
    const MetricLabel l[] = {{"state", ToString(s)}};
    VisitSample(visitor, "edgekit_canary_ramp_state", "1 for the ramp's current state, else 0",
                MetricType::kGauge, s == state ? 1 : 0, l);
  }
  const std::pair<RampAction, uint64_t> steps[] = {{RampAction::kHold, c.holds},
                                                   {RampAction::kAdvance, c.advances},
                                                   {RampAction::kComplete, c.completions},
                                                   {RampAction::kRollBack, c.rollbacks}};
  for (const auto& [action, n] : steps) {
    const MetricLabel l[] = {{"action", ToString(action)}};
    VisitSample(visitor, "edgekit_canary_ramp_steps_total", "Step() calls, by what the ramp did",
                MetricType::kCounter, static_cast<double>(n), l);
  }
  VisitSample(visitor, "edgekit_canary_ramp_manual_rollbacks_total",
              "RollBack() calls that dropped the canary", MetricType::kCounter,
              static_cast<double>(c.manual_rollbacks));
}

uint32_t RampController::percent_bp() const {
  MutexLock lock(&mu_);
  return PercentLockHeld();
}

size_t RampController::stage() const {
  MutexLock lock(&mu_);
  return stage_;
}

RampState RampController::state() const {
  MutexLock lock(&mu_);
  return state_;
}

absl::Time RampController::stage_started() const {
  MutexLock lock(&mu_);
  return stage_started_;
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
