// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: circuit_breaker.h
// -----------------------------------------------------------------------------
// `CircuitBreaker`: a per-upstream circuit breaker that fails fast while an
// origin is unhealthy and can never get stuck.
//
//   * States: closed (calls flow, outcomes are counted), open (calls are
//     refused), half-open (exactly `permitted_calls_in_half_open` probe calls
//     decide), plus the operator states forced-open and disabled.
//   * A rolling window over the closed state's outcomes: count-based (the last
//     N recorded calls) or time-based (the last N one-second buckets; buckets
//     roll one second at a time, nothing resets on an interval boundary).
//   * Trips (closed -> open) when, after at least `minimum_calls` calls in the
//     window, the failure rate or the slow-call rate reaches its threshold, or
//     on `consecutive_failures` failures in a row.
//   * open -> half-open once the wait has elapsed, checked on the next call
//     (no timers, no threads). The wait grows with repeated trips:
//     min(wait_in_open * multiplier^(k-1), max_wait_in_open) * (1 +- jitter)
//     for the k-th consecutive trip; k returns to 0 when the breaker closes.
//   * Half-open hands out probe permits as tokens: at most N are ever
//     admitted, even under contention. A probe that never reports back expires
//     after `probe_timeout`, which frees its slot, so half-open never sticks.
//   * The host decides what a failure is: it reports success, failure or
//     ignored, with the call's latency, through the `Permit`.
//
// The closed path (`TryAcquire` + `Permit::Record(kSuccess)` of a call that is
// not slow) is lock-free and does not allocate: one atomic load to admit, one
// atomic add to record. Failures, slow calls, half-open and transitions take a
// short internal lock.
//
// Example:
//
//   edgekit::breaker::CircuitBreakerOptions options;
//   options.name = "origin-eu";
//   options.failure_rate_threshold = 0.5;
//   auto breaker = edgekit::breaker::CircuitBreaker::Create(options).value();
//
//   edgekit::breaker::Permit permit = breaker->TryAcquire();
//   if (!permit) return ServeStaleOr503();   // ToString(permit.rejection())
//   Response r = CallOrigin();
//   permit.Record(r.status >= 500 ? Outcome::kFailure : Outcome::kSuccess);
//
// Thread-safety: `CircuitBreaker` is thread-safe. A `Permit` is a move-only
// value owned by one thread at a time (thread-compatible).
//
// Errors: `Create` returns kInvalidArgument naming the first invalid option.
// Hot-path calls return values (`Permit`, `Rejection`), never a status.
//
// Events: `CircuitBreakerObserver::OnStateChange` runs on the thread whose
// call caused the transition, after the change is complete and outside every
// internal lock; it may call back into the breaker and must not throw. Two
// changes raced by two threads may reach the observer out of order:
// `StateChange::sequence` orders them. `Permit`'s destructor never causes a
// transition, so it never calls the observer.

#ifndef EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_
#define EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/base/random.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

// The breaker's state. kForcedOpen and kDisabled are entered and left only by
// operator calls (`ForceOpen`, `Disable`, `Reset`).
enum class State : uint8_t {
  kClosed = 0,
  kOpen = 1,
  kHalfOpen = 2,
  kForcedOpen = 3,  // refuses every call until Reset()
  kDisabled = 4,    // admits every call, records nothing
};
inline constexpr int kNumStates = 5;

// What the host reports for a call it made under a permit.
enum class Outcome : uint8_t {
  kSuccess = 0,
  kFailure = 1,
  kIgnored = 2,  // neither: not counted in any rate (e.g. a 4xx, a cancel)
};

// Why `TryAcquire` refused a call (kNone for an admitted permit).
enum class Rejection : uint8_t {
  kNone = 0,
  kOpen = 1,          // open, the wait has not elapsed
  kHalfOpenFull = 2,  // half-open, every probe slot is taken or decided
  kForcedOpen = 3,    // an operator forced the breaker open
};

// Why the state changed.
enum class TransitionReason : uint8_t {
  kFailureRate = 0,          // closed -> open
  kSlowCallRate = 1,         // closed -> open
  kConsecutiveFailures = 2,  // closed -> open
  kWaitElapsed = 3,          // open -> half-open
  kProbesSucceeded = 4,      // half-open -> closed
  kProbesFailed = 5,         // half-open -> open (failure or slow rate of probes)
  kOperator = 6,             // ForceOpen / Disable / Reset
};

enum class WindowType : uint8_t {
  kCountBased = 0,  // the last `window_size` recorded calls
  kTimeBased = 1,   // the calls of the last `window_size` one-second buckets
};

// Stable snake_case labels, usable as metric label values:
//   State: closed, open, half_open, forced_open, disabled
//   Outcome: success, failure, ignored
//   Rejection: admitted, open, half_open_full, forced_open
//   TransitionReason: failure_rate, slow_call_rate, consecutive_failures,
//     wait_elapsed, probes_succeeded, probes_failed, operator
//   WindowType: count_based, time_based
[[nodiscard]] EDGEKIT_API std::string_view ToString(State state);
[[nodiscard]] EDGEKIT_API std::string_view ToString(Outcome outcome);
[[nodiscard]] EDGEKIT_API std::string_view ToString(Rejection rejection);
[[nodiscard]] EDGEKIT_API std::string_view ToString(TransitionReason reason);
[[nodiscard]] EDGEKIT_API std::string_view ToString(WindowType type);

// One state change, as passed to the observer.
struct StateChange {
  std::string_view breaker_name;  // valid during the observer call only
  State from = State::kClosed;
  State to = State::kClosed;
  TransitionReason reason = TransitionReason::kOperator;
  absl::Time at;            // the `now` of the call that caused it
  uint64_t sequence = 0;    // strictly increasing per breaker
  absl::Duration open_for;  // to == kOpen: the wait before half-open; else 0
};

// Receives a breaker's events (see the file comment). The default methods do
// nothing. Must outlive every breaker that uses it; may be shared by many
// breakers (`StateChange::breaker_name` tells them apart) and is then called
// from many threads.
class CircuitBreakerObserver {
 public:
  virtual ~CircuitBreakerObserver() = default;
  // After each state change.
  virtual void OnStateChange(const StateChange& change) { static_cast<void>(change); }
};

// Bounds of the configuration (every table has a bound).
inline constexpr int kMaxCountWindow = 1 << 20;     // calls
inline constexpr int kMaxTimeWindowSeconds = 3600;  // buckets
inline constexpr int kMaxHalfOpenPermits = 1024;    // probe slots

// Options of a breaker. Each field lists its valid range; `Create` rejects a
// value outside it with kInvalidArgument naming the field.
struct CircuitBreakerOptions {
  // Shown to the observer and used by `BreakerRegistry` as the key.
  std::string name;

  WindowType window_type = WindowType::kCountBased;
  // Calls (count-based, [1, kMaxCountWindow]) or seconds (time-based,
  // [1, kMaxTimeWindowSeconds]).
  int window_size = 100;
  // No rate trips before the window holds this many calls: [1, window_size]
  // for a count-based window, >= 1 for a time-based one.
  int minimum_calls = 100;
  // Trip when failures / calls >= this, in (0, 1].
  double failure_rate_threshold = 0.5;
  // Trip when slow calls / calls >= this, in (0, 1]. A call is slow when its
  // latency is longer than (>) `slow_call_duration` (positive, finite); a
  // slow failure counts as both a failure and a slow call.
  double slow_call_rate_threshold = 1.0;
  absl::Duration slow_call_duration = absl::Seconds(60);
  // Trip after this many failures in a row in the closed state (>= 0; 0:
  // off). Successes reset the run; ignored calls do not.
  int consecutive_failures = 0;

  // Wait in open before half-open, for the first trip, in (0, 1 year]; later
  // consecutive trips multiply it by `wait_multiplier` ([1, 1000]) up to
  // `max_wait_in_open` ([wait_in_open, 1 year]). Jitter in [0, 1): the wait
  // is scaled by a uniform factor in [1 - jitter, 1 + jitter) drawn from
  // `random`.
  absl::Duration wait_in_open = absl::Seconds(60);
  double wait_multiplier = 2.0;
  absl::Duration max_wait_in_open = absl::Minutes(10);
  double wait_jitter = 0.1;

  // Probe calls in half-open ([1, kMaxHalfOpenPermits]). Their failure and
  // slow-call rates against the thresholds decide open or closed once all of
  // them have reported.
  int permitted_calls_in_half_open = 10;
  // A probe expires `probe_timeout` ((0, 24h]) after it was admitted: a
  // report that ends at or after that time is not counted, and once a later
  // `TryAcquire` sees the deadline passed, the probe's slot is free again.
  absl::Duration probe_timeout = absl::Seconds(30);

  // Jitter source (edgekit/base/random.h); nullptr: a private SplitMix64
  // seeded once from the breaker's address and the clock. If set, must
  // outlive the breaker.
  RandomSource* random = nullptr;

  // Events (see the file comment); nullptr: none.
  CircuitBreakerObserver* observer = nullptr;
};

// Counts of what the breaker did while in one state. Permits are counted in
// the state in which they were issued.
struct StateCounters {
  uint64_t permitted = 0;   // admitted calls (closed: counted on completion)
  uint64_t rejected = 0;    // refused calls
  uint64_t successes = 0;   // reported successes (slow ones included)
  uint64_t failures = 0;    // reported failures
  uint64_t slow_calls = 0;  // reported calls slower than slow_call_duration
  uint64_t ignored = 0;     // reported kIgnored
  uint64_t abandoned = 0;   // permits destroyed without a report
  uint64_t expired = 0;     // half-open probes that timed out
  uint64_t late = 0;        // reports dropped: the state changed (or the
                            // probe expired) since the permit was issued
};

struct CircuitBreakerCounters {
  std::array<StateCounters, kNumStates> by_state;  // indexed by State
  std::array<uint64_t, kNumStates> entered{};      // transitions into each state
  [[nodiscard]] const StateCounters& of(State s) const { return by_state[static_cast<size_t>(s)]; }
};

// The closed window's content, as of the last recorded call.
struct WindowSnapshot {
  uint64_t calls = 0;
  uint64_t failures = 0;
  uint64_t slow_calls = 0;
  double failure_rate = 0;    // failures / calls, 0 when empty
  double slow_call_rate = 0;  // slow_calls / calls, 0 when empty
  uint32_t consecutive_failures = 0;
};

class CircuitBreaker;

// The right to make one call, returned by `CircuitBreaker::TryAcquire`.
// `admitted()` (or `explicit operator bool`) says whether the call may go
// ahead; `rejection()` says why not. Report the call's outcome exactly once
// with one of the `Record*` methods; later reports are no-ops.
//
// A permit destroyed (or moved-onto) without a report is *abandoned*: it
// counts like kIgnored (no effect on rates) and, in half-open, frees its probe
// slot at once so another probe can be admitted.
//
// IMPORTANT: the breaker must outlive its permits.
// Thread-safety: thread-compatible (move it between threads, do not share).
class EDGEKIT_API Permit {
 public:
  Permit() = default;  // a rejected permit (Rejection::kNone, not admitted)
  Permit(Permit&& other) noexcept { MoveFrom(other); }
  Permit& operator=(Permit&& other) noexcept {
    if (this != &other) {
      Abandon();
      MoveFrom(other);
    }
    return *this;
  }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;
  ~Permit() { Abandon(); }

  [[nodiscard]] bool admitted() const { return kind_ >= Kind::kClosed; }
  explicit operator bool() const { return admitted(); }
  [[nodiscard]] Rejection rejection() const { return rejection_; }
  // True for a half-open probe.
  [[nodiscard]] bool is_probe() const { return kind_ == Kind::kProbe; }
  // The `now` at which the permit was issued.
  [[nodiscard]] absl::Time start() const { return absl::FromUnixNanos(start_ns_); }
  // True until the outcome is recorded or the permit abandoned.
  [[nodiscard]] bool pending() const { return breaker_ != nullptr; }

  // Reports the call's outcome and latency (host-measured).
  void Record(Outcome outcome, absl::Duration latency);
  // Reports the outcome of a call that ended at `now` (latency = now - start).
  void RecordAt(Outcome outcome, absl::Time now) { Record(outcome, now - start()); }
  // Reports the outcome, reading the end time from the breaker's clock.
  void Record(Outcome outcome);
  // Gives the permit up without an outcome (see the class comment).
  void Abandon() {
    if (breaker_ != nullptr) AbandonPending();
  }

 private:
  friend class CircuitBreaker;
  enum class Kind : uint8_t { kRejected = 0, kClosed = 1, kProbe = 2, kDisabled = 3 };

  Permit(CircuitBreaker* breaker, Kind kind, int64_t start_ns, uint64_t epoch, uint32_t slot,
         uint64_t token)
      : breaker_(breaker),
        start_ns_(start_ns),
        epoch_(epoch),
        token_(token),
        slot_(slot),
        kind_(kind) {}
  explicit Permit(Rejection r) : rejection_(r) {}

  void MoveFrom(Permit& o) {
    breaker_ = std::exchange(o.breaker_, nullptr);
    start_ns_ = o.start_ns_;
    epoch_ = o.epoch_;
    token_ = o.token_;
    slot_ = o.slot_;
    kind_ = o.kind_;
    rejection_ = o.rejection_;
  }
  void AbandonPending();

  CircuitBreaker* breaker_ = nullptr;  // non-null while a report is pending
  int64_t start_ns_ = 0;
  uint64_t epoch_ = 0;
  uint64_t token_ = 0;
  uint32_t slot_ = 0;
  Kind kind_ = Kind::kRejected;
  Rejection rejection_ = Rejection::kNone;
};

// See the file comment. Thread-safe.
class EDGEKIT_API CircuitBreaker {
 public:
  using Options = CircuitBreakerOptions;

  // Returns kInvalidArgument naming the first invalid option, else OK.
  static absl::Status Validate(const Options& options);

  // Creates a closed breaker reading time from `clock` (which must outlive
  // it). Errors: kInvalidArgument (see Validate).
  static absl::StatusOr<std::unique_ptr<CircuitBreaker>> Create(Options options,
                                                                Clock& clock = RealClock::Get());

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;
  ~CircuitBreaker();

  // Asks to make one call at `now` (monotonic). Closed: lock-free, no
  // allocation. Open: refuses until the wait has elapsed, then moves to
  // half-open and admits a probe if a slot is free.
  [[nodiscard]] Permit TryAcquire(absl::Time now);
  // The same at the clock's monotonic now.
  [[nodiscard]] Permit TryAcquire();

  // The current state (a snapshot; it may change right after).
  [[nodiscard]] State state() const { return StateOf(state_word_.load(std::memory_order_acquire)); }

  // Whether a call at `now` could be admitted: false when forced-open, open
  // with the wait not yet elapsed, or half-open with every probe slot taken
  // (until the earliest of those probes could expire). Lock-free; used by
  // `UpstreamSelector` to skip upstreams that would refuse. A hint: the
  // state may change right after.
  [[nodiscard]] bool AllowsRequests(absl::Time now) const;
  [[nodiscard]] bool AllowsRequests() const { return AllowsRequests(clock_.MonotonicNow()); }

  // When an open breaker may move to half-open (meaningful in kOpen only).
  [[nodiscard]] absl::Time open_until() const {
    return absl::FromUnixNanos(open_until_ns_.load(std::memory_order_acquire));
  }

  // Consecutive trips since the breaker last closed (drives the backoff).
  [[nodiscard]] int consecutive_trips() const ABSL_LOCKS_EXCLUDED(mu_);

  [[nodiscard]] const std::string& name() const { return options_.name; }
  [[nodiscard]] const Options& options() const { return options_; }

  // Operator controls. Each is a no-op (no observer call) if the breaker is
  // already in the target state, except `Reset`, which always clears the
  // window and the backoff.
  //   ForceOpen: refuse every call until Reset.
  //   Disable:   admit every call and record nothing until Reset.
  //   Reset:     closed, empty window, backoff back to the first wait.
  void ForceOpen(absl::Time now) { Operator(State::kForcedOpen, now); }
  void ForceOpen() { ForceOpen(clock_.MonotonicNow()); }
  void Disable(absl::Time now) { Operator(State::kDisabled, now); }
  void Disable() { Disable(clock_.MonotonicNow()); }
  void Reset(absl::Time now) { Operator(State::kClosed, now); }
  void Reset() { Reset(clock_.MonotonicNow()); }

  // Counters since creation (each field is read atomically; the set is not a
  // single snapshot under concurrent calls).
  [[nodiscard]] CircuitBreakerCounters counters() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reports the counters, the state and the window (edgekit/base/metrics.h):
  //   edgekit_breaker_state{state}                     gauge, 1 for the current
  //   edgekit_breaker_transitions_total{to}            counter
  //   edgekit_breaker_permitted_total{state}           counter
  //   edgekit_breaker_rejected_total{reason}           counter (Rejection labels)
  //   edgekit_breaker_calls_total{state,result}        counter: success, failure,
  //                                                    ignored, abandoned, late,
  //                                                    expired (half_open)
  //   edgekit_breaker_slow_calls_total{state}          counter
  //   edgekit_breaker_window_calls                     gauge
  //   edgekit_breaker_window_failure_ratio             gauge
  //   edgekit_breaker_window_slow_call_ratio           gauge
  //   edgekit_breaker_consecutive_trips                gauge
  // No instance label: `BreakerRegistry::VisitMetrics` adds `breaker`.
  void VisitMetrics(MetricsVisitor& visitor) const ABSL_LOCKS_EXCLUDED(mu_);

  // The closed window as of the last recorded call.
  [[nodiscard]] WindowSnapshot window() const ABSL_LOCKS_EXCLUDED(mu_);

  // Probes admitted and not yet reported, expired or abandoned (half-open).
  [[nodiscard]] int probes_in_flight() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class Permit;

  enum Counter : size_t {
    kPermitted = 0,
    kRejected,
    kSuccesses,
    kFailures,
    kSlow,
    kIgnored,
    kAbandoned,
    kExpired,
    kLate,
    kNumCounters
  };

  // Outcome of a completion, with kAbandoned for a permit given up.
  enum class Completion : uint8_t { kSuccess, kFailure, kIgnored, kAbandoned };

  struct Bucket {
    std::atomic<uint64_t> calls{0};
    std::atomic<uint64_t> failures{0};
    std::atomic<uint64_t> slow{0};
  };
  struct ProbeSlot {
    uint64_t token = 0;  // 0: free
    int64_t deadline_ns = 0;
  };
  struct Totals {
    uint64_t calls = 0;
    uint64_t failures = 0;
    uint64_t slow = 0;
  };
  // At most two changes per call (open -> half-open, or one decision).
  struct Pending {
    std::array<StateChange, 2> changes;
    size_t n = 0;
  };

  CircuitBreaker(Options options, Clock& clock);

  static constexpr int64_t kNanosPerSecond = 1000000000;
  static constexpr uint8_t kFailBit = 1;
  static constexpr uint8_t kSlowBit = 2;
  static constexpr uint64_t kNoSeq = std::numeric_limits<uint64_t>::max();

  static State StateOf(uint64_t word) { return static_cast<State>(word & 7); }
  static uint64_t EpochOf(uint64_t word) { return word >> 3; }
  static int64_t SecondOf(int64_t ns) {
    int64_t s = ns / kNanosPerSecond;
    if (ns % kNanosPerSecond < 0) --s;  // floor for times before the epoch
    return s;
  }
  size_t BucketIndex(int64_t sec) const {
    int64_t i = sec % window_size_;
    if (i < 0) i += window_size_;
    return static_cast<size_t>(i);
  }
  void Bump(State s, Counter c) {
    counters_[static_cast<size_t>(s)][c].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t Load(size_t s, Counter c) const {
    return counters_[s][c].load(std::memory_order_relaxed);
  }

  // Every state but closed.
  Permit TryAcquireSlow(int64_t now_ns, uint64_t word);
  bool DecideWithoutProbe(uint64_t word, int64_t now_ns, Permit* out);

  // Completion (called by Permit).
  void Complete(const Permit& p, Completion c, int64_t latency_ns);
  void CompleteClosed(const Permit& p, Completion c, int64_t latency_ns);
  void ResetConsecutive() {
    if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
      consecutive_failures_.store(0, std::memory_order_relaxed);
    }
  }
  void RecordClosedSlow(uint64_t epoch, uint8_t bits, int64_t now_ns, uint64_t seq)
      ABSL_LOCKS_EXCLUDED(mu_);
  void EvaluateSlow(uint64_t epoch, int64_t now_ns) ABSL_LOCKS_EXCLUDED(mu_);
  void RotateLockHeld(int64_t sec) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Totals TotalsLockHeld() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EvaluateLockHeld(int64_t now_ns, Pending* pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Half-open.
  Permit AcquireSlow(int64_t now_ns) ABSL_LOCKS_EXCLUDED(mu_);
  Permit AcquireLockHeld(int64_t now_ns, Pending* pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompleteProbe(const Permit& p, Completion c, int64_t latency_ns) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordProbeLockHeld(const Permit& p, Completion c, int64_t latency_ns, Pending* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void UpdateProbeGateLockHeld() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Transitions.
  absl::Duration WaitForTrip(uint32_t trips);
  void ResetWindowLockHeld(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TransitionLockHeld(State to, TransitionReason reason, int64_t now_ns, Pending* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Operator(State to, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void Notify(const Pending& pending) ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  Clock& clock_;
  const int window_size_;
  const uint64_t min_calls_;
  const int64_t slow_ns_;
  const int64_t probe_timeout_ns_;
  RandomSource* random_ = nullptr;
  std::unique_ptr<SplitMix64> own_random_;

  // (epoch << 3) | State. Read on every call; written on transitions only.
  alignas(64) std::atomic<uint64_t> state_word_{0};
  std::atomic<int64_t> open_until_ns_{0};
  std::atomic<uint32_t> consecutive_failures_{0};
  // Half-open: no probe can be admitted before this time (see AllowsRequests).
  std::atomic<int64_t> probe_gate_ns_{std::numeric_limits<int64_t>::min()};

  // Count-based window: slot seq % N holds the flags of call `seq`.
  alignas(64) std::atomic<uint64_t> seq_{0};  // closed calls recorded, ever
  std::atomic<uint64_t> base_{0};             // seq_ at the last window reset
  std::unique_ptr<std::atomic<uint8_t>[]> slots_;
  uint64_t window_failures_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t window_slow_ ABSL_GUARDED_BY(mu_) = 0;

  // Time-based window: bucket sec % N counts the calls of second `sec`.
  std::unique_ptr<Bucket[]> buckets_;
  std::atomic<int64_t> head_sec_{0};
  std::atomic<uint64_t> others_calls_{0};  // calls in non-head buckets
  uint64_t retired_calls_ ABSL_GUARDED_BY(mu_) = 0;

  mutable Mutex mu_;
  std::vector<ProbeSlot> probes_ ABSL_GUARDED_BY(mu_);
  uint64_t next_token_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t probe_recorded_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t probe_failures_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t probe_slow_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t trips_ ABSL_GUARDED_BY(mu_) = 0;

  std::array<std::array<std::atomic<uint64_t>, kNumCounters>, kNumStates> counters_;
  std::array<std::atomic<uint64_t>, kNumStates> entered_;
};

// ---- the closed path, inline -----------------------------------------------------
// Admission and the record of a closed call stay in the header: out of line,
// BM_Breaker_ClosedPath_FixedNow and BM_Breaker_DocumentedPath measured them
// slower (docs/breaker.md). Everything else is in src/breaker/.

inline Permit CircuitBreaker::TryAcquire(absl::Time now) {
  const int64_t now_ns = absl::ToUnixNanos(now);
  const uint64_t word = state_word_.load(std::memory_order_acquire);
  if (StateOf(word) == State::kClosed) {
    return Permit(this, Permit::Kind::kClosed, now_ns, EpochOf(word), 0, 0);
  }
  return TryAcquireSlow(now_ns, word);
}

inline Permit CircuitBreaker::TryAcquire() { return TryAcquire(clock_.MonotonicNow()); }

inline void Permit::Record(Outcome outcome, absl::Duration latency) {
  CircuitBreaker* b = std::exchange(breaker_, nullptr);
  if (b == nullptr) return;
  const CircuitBreaker::Completion c =
      outcome == Outcome::kSuccess   ? CircuitBreaker::Completion::kSuccess
      : outcome == Outcome::kFailure ? CircuitBreaker::Completion::kFailure
                                     : CircuitBreaker::Completion::kIgnored;
  b->Complete(*this, c, absl::ToInt64Nanoseconds(latency));
}

inline void Permit::Record(Outcome outcome) {
  if (breaker_ == nullptr) return;
  RecordAt(outcome, breaker_->clock_.MonotonicNow());
}

inline void CircuitBreaker::Complete(const Permit& p, Completion c, int64_t latency_ns) {
  if (p.kind_ == Permit::Kind::kClosed) {
    CompleteClosed(p, c, latency_ns);
  } else {
    CompleteProbe(p, c, latency_ns);
  }
}

// A non-slow success is one atomic add; the rest takes the lock out of line.
inline void CircuitBreaker::CompleteClosed(const Permit& p, Completion c, int64_t latency_ns) {
  if (c == Completion::kIgnored || c == Completion::kAbandoned) {
    Bump(State::kClosed, c == Completion::kIgnored ? kIgnored : kAbandoned);
    return;
  }
  if (EpochOf(state_word_.load(std::memory_order_acquire)) != p.epoch_) {
    Bump(State::kClosed, kLate);
    return;
  }
  const bool failure = c == Completion::kFailure;
  const bool slow = latency_ns > slow_ns_;
  const int64_t end_ns = p.start_ns_ + (latency_ns > 0 ? latency_ns : 0);
  if (!failure && !slow) {
    if (options_.window_type == WindowType::kCountBased) {
      const uint64_t seq = seq_.fetch_add(1, std::memory_order_relaxed);
      const size_t slot = static_cast<size_t>(seq % static_cast<uint64_t>(window_size_));
      ResetConsecutive();
      if (slots_[slot].load(std::memory_order_relaxed) != 0) {
        // Overwrites an old failure or slow call: fix the totals.
        RecordClosedSlow(p.epoch_, 0, end_ns, seq);
        return;
      }
      if (seq + 1 - base_.load(std::memory_order_relaxed) == min_calls_) {
        EvaluateSlow(p.epoch_, end_ns);  // the window just became eligible
      }
      return;
    }
    const int64_t sec = SecondOf(end_ns);
    const int64_t head = head_sec_.load(std::memory_order_acquire);
    if (sec <= head) {
      const uint64_t prev =
          buckets_[BucketIndex(head)].calls.fetch_add(1, std::memory_order_relaxed);
      ResetConsecutive();
      if (others_calls_.load(std::memory_order_relaxed) + prev + 1 == min_calls_) {
        EvaluateSlow(p.epoch_, end_ns);
      }
      return;
    }
  }
  RecordClosedSlow(p.epoch_, static_cast<uint8_t>((failure ? kFailBit : 0) | (slow ? kSlowBit : 0)),
                   end_ns, kNoSeq);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_
