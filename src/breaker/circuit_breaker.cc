// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/breaker/circuit_breaker.h"

#include <algorithm>
#include <cmath>

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

bool RateReached(uint64_t count, uint64_t calls, double threshold) {
  return static_cast<double>(count) >= threshold * static_cast<double>(calls);
}

}  // namespace

std::string_view ToString(State s) {
  switch (s) {
    case State::kClosed:
      return "closed";
    case State::kOpen:
      return "open";
    case State::kHalfOpen:
      return "half_open";
    case State::kForcedOpen:
      return "forced_open";
    case State::kDisabled:
      return "disabled";
  }
  return "unknown";
}

std::string_view ToString(Outcome o) {
  switch (o) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kFailure:
      return "failure";
    case Outcome::kIgnored:
      return "ignored";
  }
  return "unknown";
}

std::string_view ToString(Rejection r) {
  switch (r) {
    case Rejection::kNone:
      return "admitted";
    case Rejection::kOpen:
      return "open";
    case Rejection::kHalfOpenFull:
      return "half_open_full";
    case Rejection::kForcedOpen:
      return "forced_open";
  }
  return "unknown";
}

std::string_view ToString(TransitionReason r) {
  switch (r) {
    case TransitionReason::kFailureRate:
      return "failure_rate";
    case TransitionReason::kSlowCallRate:
      return "slow_call_rate";
    case TransitionReason::kConsecutiveFailures:
      return "consecutive_failures";
    case TransitionReason::kWaitElapsed:
      return "wait_elapsed";
    case TransitionReason::kProbesSucceeded:
      return "probes_succeeded";
    case TransitionReason::kProbesFailed:
      return "probes_failed";
    case TransitionReason::kOperator:
      return "operator";
  }
  return "unknown";
}

std::string_view ToString(WindowType t) {
  switch (t) {
    case WindowType::kCountBased:
      return "count_based";
    case WindowType::kTimeBased:
      return "time_based";
  }
  return "unknown";
}

// ---- Permit ------------------------------------------------------------------

void Permit::AbandonPending() {
  CircuitBreaker* b = std::exchange(breaker_, nullptr);
  b->Complete(*this, CircuitBreaker::Completion::kAbandoned, 0);
}

// ---- creation ------------------------------------------------------------------

absl::Status CircuitBreaker::Validate(const Options& o) {
  if (o.window_type == WindowType::kCountBased &&
      (o.window_size < 1 || o.window_size > kMaxCountWindow)) {
    return absl::InvalidArgumentError(
        "window_size must be in [1, 1048576] calls for a count-based window");
  }
  if (o.window_type == WindowType::kTimeBased &&
      (o.window_size < 1 || o.window_size > kMaxTimeWindowSeconds)) {
    return absl::InvalidArgumentError(
        "window_size must be in [1, 3600] seconds for a time-based window");
  }
  if (o.minimum_calls < 1) return absl::InvalidArgumentError("minimum_calls must be >= 1");
  if (o.window_type == WindowType::kCountBased && o.minimum_calls > o.window_size) {
    return absl::InvalidArgumentError(
        "minimum_calls must be in [1, window_size] for a count-based window");
  }
  if (!(o.failure_rate_threshold > 0 && o.failure_rate_threshold <= 1)) {
    return absl::InvalidArgumentError("failure_rate_threshold must be in (0, 1]");
  }
  if (!(o.slow_call_rate_threshold > 0 && o.slow_call_rate_threshold <= 1)) {
    return absl::InvalidArgumentError("slow_call_rate_threshold must be in (0, 1]");
  }
  if (o.slow_call_duration <= absl::ZeroDuration() ||
      o.slow_call_duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("slow_call_duration must be positive and finite");
  }
  if (o.consecutive_failures < 0) {
    return absl::InvalidArgumentError("consecutive_failures must be >= 0");
  }
  if (o.wait_in_open <= absl::ZeroDuration() || o.wait_in_open > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError("wait_in_open must be in (0, 1 year]");
  }
  if (o.max_wait_in_open < o.wait_in_open || o.max_wait_in_open > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError("max_wait_in_open must be in [wait_in_open, 1 year]");
  }
  if (!(o.wait_multiplier >= 1 && o.wait_multiplier <= 1000)) {
    return absl::InvalidArgumentError("wait_multiplier must be in [1, 1000]");
  }
  if (!(o.wait_jitter >= 0 && o.wait_jitter < 1)) {
    return absl::InvalidArgumentError("wait_jitter must be in [0, 1)");
  }
  if (o.permitted_calls_in_half_open < 1 || o.permitted_calls_in_half_open > kMaxHalfOpenPermits) {
    return absl::InvalidArgumentError("permitted_calls_in_half_open must be in [1, 1024]");
  }
  if (o.probe_timeout <= absl::ZeroDuration() || o.probe_timeout > absl::Hours(24)) {
    return absl::InvalidArgumentError("probe_timeout must be in (0, 24h]");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<CircuitBreaker>> CircuitBreaker::Create(Options options,
                                                                       Clock& clock) {
  absl::Status s = Validate(options);
  if (!s.ok()) return s;
  return std::unique_ptr<CircuitBreaker>(new CircuitBreaker(std::move(options), clock));
}

CircuitBreaker::CircuitBreaker(Options options, Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      window_size_(options_.window_size),
      min_calls_(static_cast<uint64_t>(options_.minimum_calls)),
      slow_ns_(absl::ToInt64Nanoseconds(options_.slow_call_duration)),
      probe_timeout_ns_(absl::ToInt64Nanoseconds(options_.probe_timeout)),
      probes_(static_cast<size_t>(options_.permitted_calls_in_half_open)) {
  const absl::Time now = clock_.MonotonicNow();
  random_ = options_.random;
  if (random_ == nullptr) {
    own_random_ =
        std::make_unique<SplitMix64>(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this)) ^
                                     static_cast<uint64_t>(absl::ToUnixNanos(now)));
    random_ = own_random_.get();
  }
  const size_t n = static_cast<size_t>(window_size_);
  if (options_.window_type == WindowType::kCountBased) {
    slots_ = std::make_unique<std::atomic<uint8_t>[]>(n);
    for (size_t i = 0; i < n; ++i) slots_[i].store(0, std::memory_order_relaxed);
  } else {
    buckets_ = std::make_unique<Bucket[]>(n);
    head_sec_.store(SecondOf(absl::ToUnixNanos(now)), std::memory_order_relaxed);
  }
  for (auto& row : counters_) {
    for (auto& c : row) c.store(0, std::memory_order_relaxed);
  }
  for (auto& e : entered_) e.store(0, std::memory_order_relaxed);
}

CircuitBreaker::~CircuitBreaker() = default;

// ---- admission -----------------------------------------------------------------

// Decides a call without the lock in every state but half-open and an open
// state whose wait has elapsed; false when a probe must be considered.
bool CircuitBreaker::DecideWithoutProbe(uint64_t word, int64_t now_ns, Permit* out) {
  switch (StateOf(word)) {
    case State::kClosed:
      *out = Permit(this, Permit::Kind::kClosed, now_ns, EpochOf(word), 0, 0);
      return true;
    case State::kDisabled:
      Bump(State::kDisabled, kPermitted);
      *out = Permit(nullptr, Permit::Kind::kDisabled, now_ns, 0, 0, 0);
      return true;
    case State::kForcedOpen:
      Bump(State::kForcedOpen, kRejected);
      *out = Permit(Rejection::kForcedOpen);
      return true;
    case State::kOpen:
      if (now_ns < open_until_ns_.load(std::memory_order_acquire)) {
        Bump(State::kOpen, kRejected);
        *out = Permit(Rejection::kOpen);
        return true;
      }
      return false;
    case State::kHalfOpen:
      return false;
  }
  return false;
}

Permit CircuitBreaker::TryAcquireSlow(int64_t now_ns, uint64_t word) {
  Permit permit;
  if (DecideWithoutProbe(word, now_ns, &permit)) return permit;
  return AcquireSlow(now_ns);
}

bool CircuitBreaker::AllowsRequests(absl::Time now) const {
  const State s = state();
  if (s == State::kForcedOpen) return false;
  if (s == State::kOpen) {
    return absl::ToUnixNanos(now) >= open_until_ns_.load(std::memory_order_acquire);
  }
  if (s == State::kHalfOpen) {
    return absl::ToUnixNanos(now) >= probe_gate_ns_.load(std::memory_order_acquire);
  }
  return true;
}

int CircuitBreaker::consecutive_trips() const {
  MutexLock lock(&mu_);
  return static_cast<int>(trips_);
}

// ---- the closed path's slow part --------------------------------------------------

// Records a failure / slow call (or finishes a success whose count-window
// slot held one) and evaluates the trip conditions.
void CircuitBreaker::RecordClosedSlow(uint64_t epoch, uint8_t bits, int64_t now_ns, uint64_t seq) {
  Pending pending;
  {
    MutexLock lock(&mu_);
    const uint64_t word = state_word_.load(std::memory_order_relaxed);
    if (EpochOf(word) != epoch) {
      // A success that already took a sequence number is counted there.
      if (seq == kNoSeq) Bump(State::kClosed, kLate);
      return;
    }
    if (bits & kFailBit) {
      Bump(State::kClosed, kFailures);
      consecutive_failures_.fetch_add(1, std::memory_order_relaxed);
    } else {
      ResetConsecutive();
    }
    if (bits & kSlowBit) Bump(State::kClosed, kSlow);
    if (options_.window_type == WindowType::kCountBased) {
      if (seq == kNoSeq) seq = seq_.fetch_add(1, std::memory_order_relaxed);
      const size_t slot = static_cast<size_t>(seq % static_cast<uint64_t>(window_size_));
      const uint8_t old = slots_[slot].exchange(bits, std::memory_order_relaxed);
      if (old & kFailBit) --window_failures_;
      if (old & kSlowBit) --window_slow_;
      if (bits & kFailBit) ++window_failures_;
      if (bits & kSlowBit) ++window_slow_;
    } else {
      RotateLockHeld(SecondOf(now_ns));
      Bucket& b = buckets_[BucketIndex(head_sec_.load(std::memory_order_relaxed))];
      b.calls.fetch_add(1, std::memory_order_relaxed);
      if (bits & kFailBit) b.failures.fetch_add(1, std::memory_order_relaxed);
      if (bits & kSlowBit) b.slow.fetch_add(1, std::memory_order_relaxed);
    }
    EvaluateLockHeld(now_ns, &pending);
  }
  Notify(pending);
}

void CircuitBreaker::EvaluateSlow(uint64_t epoch, int64_t now_ns) {
  Pending pending;
  {
    MutexLock lock(&mu_);
    if (EpochOf(state_word_.load(std::memory_order_relaxed)) != epoch) return;
    EvaluateLockHeld(now_ns, &pending);
  }
  Notify(pending);
}

// Moves the time window's head to `sec` (if later), clearing the buckets that
// fall out of the window.
void CircuitBreaker::RotateLockHeld(int64_t sec) {
  const int64_t head = head_sec_.load(std::memory_order_relaxed);
  if (sec <= head) return;
  const int64_t steps = std::min<int64_t>(sec - head, window_size_);
  for (int64_t k = 1; k <= steps; ++k) {
    Bucket& b = buckets_[BucketIndex(sec - steps + k)];
    retired_calls_ += b.calls.exchange(0, std::memory_order_relaxed);
    b.failures.store(0, std::memory_order_relaxed);
    b.slow.store(0, std::memory_order_relaxed);
  }
  head_sec_.store(sec, std::memory_order_release);
  uint64_t others = 0;
  const size_t head_index = BucketIndex(sec);
  for (size_t i = 0; i < static_cast<size_t>(window_size_); ++i) {
    if (i != head_index) others += buckets_[i].calls.load(std::memory_order_relaxed);
  }
  others_calls_.store(others, std::memory_order_relaxed);
}

CircuitBreaker::Totals CircuitBreaker::TotalsLockHeld() const {
  Totals t;
  if (options_.window_type == WindowType::kCountBased) {
    const uint64_t n = seq_.load(std::memory_order_relaxed) - base_.load(std::memory_order_relaxed);
    t.calls = std::min<uint64_t>(n, static_cast<uint64_t>(window_size_));
    t.failures = window_failures_;
    t.slow = window_slow_;
  } else {
    for (size_t i = 0; i < static_cast<size_t>(window_size_); ++i) {
      t.calls += buckets_[i].calls.load(std::memory_order_relaxed);
      t.failures += buckets_[i].failures.load(std::memory_order_relaxed);
      t.slow += buckets_[i].slow.load(std::memory_order_relaxed);
    }
  }
  return t;
}

void CircuitBreaker::EvaluateLockHeld(int64_t now_ns, Pending* pending) {
  if (StateOf(state_word_.load(std::memory_order_relaxed)) != State::kClosed) return;
  if (options_.consecutive_failures > 0 &&
      consecutive_failures_.load(std::memory_order_relaxed) >=
          static_cast<uint32_t>(options_.consecutive_failures)) {
    TransitionLockHeld(State::kOpen, TransitionReason::kConsecutiveFailures, now_ns, pending);
    return;
  }
  const Totals t = TotalsLockHeld();
  if (t.calls < min_calls_) return;
  if (RateReached(t.failures, t.calls, options_.failure_rate_threshold)) {
    TransitionLockHeld(State::kOpen, TransitionReason::kFailureRate, now_ns, pending);
  } else if (RateReached(t.slow, t.calls, options_.slow_call_rate_threshold)) {
    TransitionLockHeld(State::kOpen, TransitionReason::kSlowCallRate, now_ns, pending);
  }
}

// ---- half-open -------------------------------------------------------------------

Permit CircuitBreaker::AcquireSlow(int64_t now_ns) {
  Pending pending;
  Permit permit;
  {
    MutexLock lock(&mu_);
    permit = AcquireLockHeld(now_ns, &pending);
  }
  Notify(pending);
  return permit;
}

Permit CircuitBreaker::AcquireLockHeld(int64_t now_ns, Pending* pending) {
  uint64_t word = state_word_.load(std::memory_order_relaxed);
  Permit decided;
  if (DecideWithoutProbe(word, now_ns, &decided)) return decided;
  if (StateOf(word) == State::kOpen) {  // the wait has elapsed
    TransitionLockHeld(State::kHalfOpen, TransitionReason::kWaitElapsed, now_ns, pending);
    word = state_word_.load(std::memory_order_relaxed);
  }
  // Half-open: expire silent probes, then hand out a free slot if the
  // admitted-and-undecided probes leave room.
  uint32_t in_flight = 0;
  size_t free_slot = probes_.size();
  for (size_t i = 0; i < probes_.size(); ++i) {
    ProbeSlot& p = probes_[i];
    if (p.token != 0 && now_ns >= p.deadline_ns) {
      p.token = 0;
      Bump(State::kHalfOpen, kExpired);
    }
    if (p.token != 0) {
      ++in_flight;
    } else if (free_slot == probes_.size()) {
      free_slot = i;
    }
  }
  if (free_slot == probes_.size() || probe_recorded_ + in_flight >= probes_.size()) {
    Bump(State::kHalfOpen, kRejected);
    UpdateProbeGateLockHeld();
    return Permit(Rejection::kHalfOpenFull);
  }
  ProbeSlot& slot = probes_[free_slot];
  slot.token = ++next_token_;
  slot.deadline_ns = SaturatingAdd(now_ns, probe_timeout_ns_);
  Bump(State::kHalfOpen, kPermitted);
  UpdateProbeGateLockHeld();
  return Permit(this, Permit::Kind::kProbe, now_ns, EpochOf(word), static_cast<uint32_t>(free_slot),
                slot.token);
}

void CircuitBreaker::CompleteProbe(const Permit& p, Completion c, int64_t latency_ns) {
  Pending pending;
  {
    MutexLock lock(&mu_);
    const uint64_t word = state_word_.load(std::memory_order_relaxed);
    if (EpochOf(word) != p.epoch_ || StateOf(word) != State::kHalfOpen ||
        probes_[p.slot_].token != p.token_) {
      // The probe expired or the state moved on: drop the report.
      Bump(State::kHalfOpen, c == Completion::kAbandoned ? kAbandoned : kLate);
      return;
    }
    probes_[p.slot_].token = 0;
    RecordProbeLockHeld(p, c, latency_ns, &pending);
    if (StateOf(state_word_.load(std::memory_order_relaxed)) == State::kHalfOpen) {
      UpdateProbeGateLockHeld();
    }
  }
  Notify(pending);
}

void CircuitBreaker::RecordProbeLockHeld(const Permit& p, Completion c, int64_t latency_ns,
                                         Pending* pending) {
  const int64_t end_ns = p.start_ns_ + std::max<int64_t>(latency_ns, 0);
  if (c != Completion::kAbandoned && end_ns >= probes_[p.slot_].deadline_ns) {
    Bump(State::kHalfOpen, kExpired);  // reported after its timeout
    return;
  }
  switch (c) {
    case Completion::kIgnored:
      Bump(State::kHalfOpen, kIgnored);
      return;
    case Completion::kAbandoned:
      Bump(State::kHalfOpen, kAbandoned);
      return;
    case Completion::kSuccess:
      Bump(State::kHalfOpen, kSuccesses);
      break;
    case Completion::kFailure:
      Bump(State::kHalfOpen, kFailures);
      ++probe_failures_;
      break;
  }
  if (latency_ns > slow_ns_) {
    Bump(State::kHalfOpen, kSlow);
    ++probe_slow_;
  }
  ++probe_recorded_;
  if (probe_recorded_ >= probes_.size()) {
    if (RateReached(probe_failures_, probe_recorded_, options_.failure_rate_threshold) ||
        RateReached(probe_slow_, probe_recorded_, options_.slow_call_rate_threshold)) {
      TransitionLockHeld(State::kOpen, TransitionReason::kProbesFailed, end_ns, pending);
    } else {
      TransitionLockHeld(State::kClosed, TransitionReason::kProbesSucceeded, end_ns, pending);
    }
  }
}

// Publishes, for the lock-free AllowsRequests, until when half-open has no
// probe capacity: the earliest deadline of the probes holding it, or the
// distant past when a probe could be admitted now.
void CircuitBreaker::UpdateProbeGateLockHeld() {
  uint32_t in_flight = 0;
  int64_t earliest = std::numeric_limits<int64_t>::max();
  for (const ProbeSlot& p : probes_) {
    if (p.token == 0) continue;
    ++in_flight;
    earliest = std::min(earliest, p.deadline_ns);
  }
  const bool full = in_flight > 0 && probe_recorded_ + in_flight >= probes_.size();
  probe_gate_ns_.store(full ? earliest : std::numeric_limits<int64_t>::min(),
                       std::memory_order_release);
}

// ---- transitions -----------------------------------------------------------------

// The wait before half-open for the `trips`-th consecutive trip.
absl::Duration CircuitBreaker::WaitForTrip(uint32_t trips) {
  const double base = absl::ToDoubleSeconds(options_.wait_in_open);
  const double cap = absl::ToDoubleSeconds(options_.max_wait_in_open);
  double wait = base * std::pow(options_.wait_multiplier, static_cast<double>(trips - 1));
  if (!(wait <= cap)) wait = cap;  // also catches inf
  if (options_.wait_jitter > 0) {
    const double u = ToUnitInterval(random_->Next());
    wait *= 1.0 + options_.wait_jitter * (2.0 * u - 1.0);
  }
  return absl::Nanoseconds(static_cast<int64_t>(wait * 1e9));
}

void CircuitBreaker::ResetWindowLockHeld(int64_t now_ns) {
  consecutive_failures_.store(0, std::memory_order_relaxed);
  const size_t n = static_cast<size_t>(window_size_);
  if (options_.window_type == WindowType::kCountBased) {
    for (size_t i = 0; i < n; ++i) slots_[i].store(0, std::memory_order_relaxed);
    window_failures_ = 0;
    window_slow_ = 0;
    base_.store(seq_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  } else {
    for (size_t i = 0; i < n; ++i) {
      retired_calls_ += buckets_[i].calls.exchange(0, std::memory_order_relaxed);
      buckets_[i].failures.store(0, std::memory_order_relaxed);
      buckets_[i].slow.store(0, std::memory_order_relaxed);
    }
    others_calls_.store(0, std::memory_order_relaxed);
    head_sec_.store(SecondOf(now_ns), std::memory_order_release);
  }
}

void CircuitBreaker::TransitionLockHeld(State to, TransitionReason reason, int64_t now_ns,
                                        Pending* pending) {
  const uint64_t word = state_word_.load(std::memory_order_relaxed);
  const State from = StateOf(word);
  const uint64_t epoch = EpochOf(word) + 1;
  StateChange change;
  change.from = from;
  change.to = to;
  change.reason = reason;
  change.at = absl::FromUnixNanos(now_ns);
  change.sequence = epoch;
  change.open_for = absl::ZeroDuration();
  switch (to) {
    case State::kOpen: {
      ++trips_;
      const absl::Duration wait = WaitForTrip(trips_);
      change.open_for = wait;
      open_until_ns_.store(SaturatingAdd(now_ns, absl::ToInt64Nanoseconds(wait)),
                           std::memory_order_relaxed);
      break;
    }
    case State::kHalfOpen:
      for (ProbeSlot& p : probes_) p = ProbeSlot{};
      probe_recorded_ = 0;
      probe_failures_ = 0;
      probe_slow_ = 0;
      probe_gate_ns_.store(std::numeric_limits<int64_t>::min(), std::memory_order_relaxed);
      break;
    case State::kClosed:
      trips_ = 0;
      ResetWindowLockHeld(now_ns);
      break;
    case State::kForcedOpen:
    case State::kDisabled:
      break;
  }
  state_word_.store((epoch << 3) | static_cast<uint64_t>(to), std::memory_order_release);
  entered_[static_cast<size_t>(to)].fetch_add(1, std::memory_order_relaxed);
  if (options_.observer != nullptr && pending->n < pending->changes.size()) {
    pending->changes[pending->n++] = change;
  }
}

void CircuitBreaker::Operator(State to, absl::Time now) {
  const int64_t now_ns = absl::ToUnixNanos(now);
  Pending pending;
  {
    MutexLock lock(&mu_);
    const State from = StateOf(state_word_.load(std::memory_order_relaxed));
    if (from == to) {
      if (to == State::kClosed) {
        trips_ = 0;
        ResetWindowLockHeld(now_ns);
      }
      return;
    }
    TransitionLockHeld(to, TransitionReason::kOperator, now_ns, &pending);
  }
  Notify(pending);
}

void CircuitBreaker::Notify(const Pending& pending) {
  for (size_t i = 0; i < pending.n; ++i) {
    StateChange change = pending.changes[i];
    change.breaker_name = options_.name;
    options_.observer->OnStateChange(change);
  }
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END
