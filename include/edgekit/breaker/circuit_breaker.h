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
//   if (!permit) return ServeStaleOr503();         // open: < 1 us to refuse
//   Response r = CallOrigin();
//   permit.Record(r.status >= 500 ? Outcome::kFailure : Outcome::kSuccess);
//
// Thread-safety: `CircuitBreaker` is thread-safe. A `Permit` is a move-only
// value owned by one thread at a time (thread-compatible).
//
// Errors: `Create` returns kInvalidArgument for an invalid configuration.
// Hot-path calls return values (`Permit`, `Rejection`), never a status.
//
// Listeners: state-change listeners run on the thread whose call caused the
// transition, after the change is complete and outside every internal lock;
// they may call back into the breaker. Two changes raced by two threads may
// reach listeners out of order: `StateChange::sequence` orders them. If a
// listener throws, the exception propagates out of the breaker call that
// caused the transition (the breaker itself is already consistent) and the
// later listeners of that change are not called. `Permit`'s destructor never
// causes a transition, so it never runs a listener.

#ifndef EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_
#define EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/random.h"

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

inline std::string_view ToString(State s) {
  switch (s) {
    case State::kClosed:
      return "closed";
    case State::kOpen:
      return "open";
    case State::kHalfOpen:
      return "half-open";
    case State::kForcedOpen:
      return "forced-open";
    case State::kDisabled:
      return "disabled";
  }
  return "unknown";
}

// What the host reports for a call it made under a permit.
enum class Outcome : uint8_t {
  kSuccess = 0,
  kFailure = 1,
  kIgnored = 2,  // neither: not counted in any rate (e.g. a 4xx, a cancel)
};

inline std::string_view ToString(Outcome o) {
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

// Why `TryAcquire` refused a call (kNone for an admitted permit).
enum class Rejection : uint8_t {
  kNone = 0,
  kOpen = 1,          // open, the wait has not elapsed
  kHalfOpenFull = 2,  // half-open, every probe slot is taken or decided
  kForcedOpen = 3,    // an operator forced the breaker open
};

inline std::string_view ToString(Rejection r) {
  switch (r) {
    case Rejection::kNone:
      return "admitted";
    case Rejection::kOpen:
      return "open";
    case Rejection::kHalfOpenFull:
      return "half-open-full";
    case Rejection::kForcedOpen:
      return "forced-open";
  }
  return "unknown";
}

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

inline std::string_view ToString(TransitionReason r) {
  switch (r) {
    case TransitionReason::kFailureRate:
      return "failure-rate";
    case TransitionReason::kSlowCallRate:
      return "slow-call-rate";
    case TransitionReason::kConsecutiveFailures:
      return "consecutive-failures";
    case TransitionReason::kWaitElapsed:
      return "wait-elapsed";
    case TransitionReason::kProbesSucceeded:
      return "probes-succeeded";
    case TransitionReason::kProbesFailed:
      return "probes-failed";
    case TransitionReason::kOperator:
      return "operator";
  }
  return "unknown";
}

// One state change, as passed to listeners.
struct StateChange {
  std::string_view breaker_name;  // valid during the listener call only
  State from = State::kClosed;
  State to = State::kClosed;
  TransitionReason reason = TransitionReason::kOperator;
  absl::Time at;            // the `now` of the call that caused it
  uint64_t sequence = 0;    // strictly increasing per breaker
  absl::Duration open_for;  // to == kOpen: the wait before half-open; else 0
};

using StateListener = std::function<void(const StateChange&)>;

enum class WindowType : uint8_t {
  kCountBased = 0,  // the last `window_size` recorded calls
  kTimeBased = 1,   // the calls of the last `window_size` one-second buckets
};

// Bounds of the configuration (every table has a bound).
inline constexpr int kMaxCountWindow = 1 << 20;     // calls
inline constexpr int kMaxTimeWindowSeconds = 3600;  // buckets
inline constexpr int kMaxHalfOpenPermits = 1024;    // probe slots

struct CircuitBreakerOptions {
  // Shown to listeners and used by `BreakerRegistry` as the key.
  std::string name;

  WindowType window_type = WindowType::kCountBased;
  // Calls (count-based, 1..kMaxCountWindow) or seconds (time-based,
  // 1..kMaxTimeWindowSeconds).
  int window_size = 100;
  // No rate trips before the window holds this many calls (>= 1). For a
  // count-based window, values above `window_size` are clamped to it.
  int minimum_calls = 100;
  // Trip when failures / calls >= this, in (0, 1].
  double failure_rate_threshold = 0.5;
  // Trip when slow calls / calls >= this, in (0, 1]. A call is slow when its
  // latency is longer than (>) `slow_call_duration`; a slow failure counts as
  // both a failure and a slow call.
  double slow_call_rate_threshold = 1.0;
  absl::Duration slow_call_duration = absl::Seconds(60);
  // Trip after this many failures in a row in the closed state (0: off).
  // Successes reset the run; ignored calls do not.
  int consecutive_failures = 0;

  // Wait in open before half-open, for the first trip; later consecutive
  // trips multiply it by `wait_multiplier` (>= 1) up to `max_wait_in_open`
  // (>= wait_in_open). Jitter in [0, 1): the wait is scaled by a uniform
  // factor in [1 - jitter, 1 + jitter) drawn from `random`.
  absl::Duration wait_in_open = absl::Seconds(60);
  double wait_multiplier = 2.0;
  absl::Duration max_wait_in_open = absl::Minutes(10);
  double wait_jitter = 0.1;

  // Probe calls in half-open (1..kMaxHalfOpenPermits). Their failure and
  // slow-call rates against the thresholds decide open or closed once all of
  // them have reported.
  int permitted_calls_in_half_open = 10;
  // A probe expires `probe_timeout` after it was admitted: a report that ends
  // at or after that time is not counted, and once a later `TryAcquire` sees
  // the deadline passed, the probe's slot is free again for a new probe.
  absl::Duration probe_timeout = absl::Seconds(30);

  // Jitter source; nullptr: an internal SplitMix64 seeded from the breaker's
  // address and the clock. If set, must outlive the breaker.
  RandomSource* random = nullptr;

  // Called after each state change, outside any lock (see the file comment).
  std::vector<StateListener> listeners;
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
  const StateCounters& of(State s) const { return by_state[static_cast<int>(s)]; }
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
class Permit {
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
  void Abandon();

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

  CircuitBreaker* breaker_ = nullptr;  // non-null while a report is pending
  int64_t start_ns_ = 0;
  uint64_t epoch_ = 0;
  uint64_t token_ = 0;
  uint32_t slot_ = 0;
  Kind kind_ = Kind::kRejected;
  Rejection rejection_ = Rejection::kNone;
};

// See the file comment. Thread-safe.
class CircuitBreaker {
 public:
  using Options = CircuitBreakerOptions;

  // Returns kInvalidArgument naming the first invalid option, else OK.
  static absl::Status Validate(const Options& o) {
    if (o.window_size < 1) return absl::InvalidArgumentError("window_size must be >= 1");
    if (o.window_type == WindowType::kCountBased && o.window_size > kMaxCountWindow)
      return absl::InvalidArgumentError("count-based window_size must be <= 1048576");
    if (o.window_type == WindowType::kTimeBased && o.window_size > kMaxTimeWindowSeconds)
      return absl::InvalidArgumentError("time-based window_size must be <= 3600 seconds");
    if (o.minimum_calls < 1) return absl::InvalidArgumentError("minimum_calls must be >= 1");
    if (!(o.failure_rate_threshold > 0 && o.failure_rate_threshold <= 1))
      return absl::InvalidArgumentError("failure_rate_threshold must be in (0, 1]");
    if (!(o.slow_call_rate_threshold > 0 && o.slow_call_rate_threshold <= 1))
      return absl::InvalidArgumentError("slow_call_rate_threshold must be in (0, 1]");
    if (o.slow_call_duration <= absl::ZeroDuration() ||
        o.slow_call_duration == absl::InfiniteDuration())
      return absl::InvalidArgumentError("slow_call_duration must be positive and finite");
    if (o.consecutive_failures < 0)
      return absl::InvalidArgumentError("consecutive_failures must be >= 0");
    if (o.wait_in_open <= absl::ZeroDuration() || o.wait_in_open > absl::Hours(24 * 365))
      return absl::InvalidArgumentError("wait_in_open must be in (0, 1 year]");
    if (o.max_wait_in_open < o.wait_in_open || o.max_wait_in_open > absl::Hours(24 * 365))
      return absl::InvalidArgumentError("max_wait_in_open must be in [wait_in_open, 1 year]");
    if (!(o.wait_multiplier >= 1 && o.wait_multiplier <= 1000))
      return absl::InvalidArgumentError("wait_multiplier must be in [1, 1000]");
    if (!(o.wait_jitter >= 0 && o.wait_jitter < 1))
      return absl::InvalidArgumentError("wait_jitter must be in [0, 1)");
    if (o.permitted_calls_in_half_open < 1 || o.permitted_calls_in_half_open > kMaxHalfOpenPermits)
      return absl::InvalidArgumentError("permitted_calls_in_half_open must be in [1, 1024]");
    if (o.probe_timeout <= absl::ZeroDuration() || o.probe_timeout > absl::Hours(24))
      return absl::InvalidArgumentError("probe_timeout must be in (0, 24h]");
    for (const StateListener& l : o.listeners) {
      if (!l) return absl::InvalidArgumentError("listeners must not be empty functions");
    }
    return absl::OkStatus();
  }

  // Creates a closed breaker reading time from `clock` (which must outlive
  // it). Errors: kInvalidArgument (see Validate).
  static absl::StatusOr<std::unique_ptr<CircuitBreaker>> Create(Options options,
                                                                Clock& clock = RealClock::Get()) {
    absl::Status s = Validate(options);
    if (!s.ok()) return s;
    return std::unique_ptr<CircuitBreaker>(new CircuitBreaker(std::move(options), clock));
  }

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Asks to make one call at `now` (monotonic). Closed: lock-free, no
  // allocation. Open: refuses until the wait has elapsed, then moves to
  // half-open and admits a probe if a slot is free.
  [[nodiscard]] Permit TryAcquire(absl::Time now) {
    const int64_t now_ns = absl::ToUnixNanos(now);
    const uint64_t word = state_word_.load(std::memory_order_acquire);
    switch (StateOf(word)) {
      case State::kClosed:
        return Permit(this, Permit::Kind::kClosed, now_ns, EpochOf(word), 0, 0);
      case State::kDisabled:
        Bump(State::kDisabled, kPermitted);
        return Permit(nullptr, Permit::Kind::kDisabled, now_ns, 0, 0, 0);
      case State::kForcedOpen:
        Bump(State::kForcedOpen, kRejected);
        return Permit(Rejection::kForcedOpen);
      case State::kOpen:
        if (now_ns < open_until_ns_.load(std::memory_order_acquire)) {
          Bump(State::kOpen, kRejected);
          return Permit(Rejection::kOpen);
        }
        return AcquireSlow(now_ns);
      case State::kHalfOpen:
        return AcquireSlow(now_ns);
    }
    return Permit(Rejection::kForcedOpen);
  }
  [[nodiscard]] Permit TryAcquire() { return TryAcquire(clock_.MonotonicNow()); }

  // The current state (a snapshot; it may change right after).
  [[nodiscard]] State state() const { return StateOf(state_word_.load(std::memory_order_acquire)); }

  // Whether a call at `now` could be admitted: false when forced-open, open
  // with the wait not yet elapsed, or half-open with every probe slot taken
  // (until the earliest of those probes could expire). Lock-free; used by
  // `UpstreamSelector` to skip upstreams that would refuse. A hint: the
  // state may change right after.
  [[nodiscard]] bool AllowsRequests(absl::Time now) const {
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

  // When an open breaker may move to half-open (meaningful in kOpen only).
  [[nodiscard]] absl::Time open_until() const {
    return absl::FromUnixNanos(open_until_ns_.load(std::memory_order_acquire));
  }

  // Consecutive trips since the breaker last closed (drives the backoff).
  [[nodiscard]] int consecutive_trips() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return static_cast<int>(trips_);
  }

  [[nodiscard]] const std::string& name() const { return options_.name; }
  [[nodiscard]] const Options& options() const { return options_; }

  // Operator controls. Each is a no-op (no listener call) if the breaker is
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
  [[nodiscard]] CircuitBreakerCounters counters() const ABSL_LOCKS_EXCLUDED(mu_) {
    CircuitBreakerCounters c;
    for (int s = 0; s < kNumStates; ++s) {
      StateCounters& sc = c.by_state[s];
      sc.permitted = Load(s, kPermitted);
      sc.rejected = Load(s, kRejected);
      sc.successes = Load(s, kSuccesses);
      sc.failures = Load(s, kFailures);
      sc.slow_calls = Load(s, kSlow);
      sc.ignored = Load(s, kIgnored);
      sc.abandoned = Load(s, kAbandoned);
      sc.expired = Load(s, kExpired);
      sc.late = Load(s, kLate);
      c.entered[s] = entered_[s].load(std::memory_order_relaxed);
    }
    // Closed successes are not counted on the fast path: every recorded
    // closed call passes through the window, so they are derived from it.
    uint64_t recorded = 0;
    {
      MutexLock lock(&mu_);
      if (options_.window_type == WindowType::kCountBased) {
        recorded = seq_.load(std::memory_order_relaxed);
      } else {
        recorded = retired_calls_;
        for (int i = 0; i < window_size_; ++i) {
          recorded += buckets_[i].calls.load(std::memory_order_relaxed);
        }
      }
    }
    StateCounters& closed = c.by_state[static_cast<int>(State::kClosed)];
    closed.successes = recorded >= closed.failures ? recorded - closed.failures : 0;
    closed.permitted =
        closed.successes + closed.failures + closed.ignored + closed.abandoned + closed.late;
    return c;
  }

  // The closed window as of the last recorded call.
  [[nodiscard]] WindowSnapshot window() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    const Totals t = TotalsLockHeld();
    WindowSnapshot w;
    w.calls = t.calls;
    w.failures = t.failures;
    w.slow_calls = t.slow;
    if (t.calls > 0) {
      w.failure_rate = static_cast<double>(t.failures) / static_cast<double>(t.calls);
      w.slow_call_rate = static_cast<double>(t.slow) / static_cast<double>(t.calls);
    }
    w.consecutive_failures = consecutive_failures_.load(std::memory_order_relaxed);
    return w;
  }

  // Probes admitted and not yet reported, expired or abandoned (half-open).
  [[nodiscard]] int probes_in_flight() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    int n = 0;
    for (const ProbeSlot& p : probes_) n += p.token != 0 ? 1 : 0;
    return n;
  }

 private:
  friend class Permit;

  enum Counter : int {
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
    int n = 0;
  };

  static constexpr int64_t kNanosPerSecond = 1000000000;
  static constexpr uint8_t kFailBit = 1;
  static constexpr uint8_t kSlowBit = 2;

  CircuitBreaker(Options options, Clock& clock)
      : options_(std::move(options)),
        clock_(clock),
        window_size_(options_.window_size),
        min_calls_(static_cast<uint64_t>(options_.window_type == WindowType::kCountBased
                                             ? std::min(options_.minimum_calls, window_size_)
                                             : options_.minimum_calls)),
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
    if (options_.window_type == WindowType::kCountBased) {
      slots_ = std::make_unique<std::atomic<uint8_t>[]>(static_cast<size_t>(window_size_));
      for (int i = 0; i < window_size_; ++i) slots_[i].store(0, std::memory_order_relaxed);
    } else {
      buckets_ = std::make_unique<Bucket[]>(static_cast<size_t>(window_size_));
      head_sec_.store(SecondOf(absl::ToUnixNanos(now)), std::memory_order_relaxed);
    }
    for (auto& row : counters_) {
      for (auto& c : row) c.store(0, std::memory_order_relaxed);
    }
    for (auto& e : entered_) e.store(0, std::memory_order_relaxed);
  }

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
    counters_[static_cast<int>(s)][c].fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t Load(int s, Counter c) const { return counters_[s][c].load(std::memory_order_relaxed); }

  // ---- completion (called by Permit) ----------------------------------------

  void Complete(const Permit& p, Completion c, int64_t latency_ns) {
    if (p.kind_ == Permit::Kind::kClosed) {
      CompleteClosed(p, c, latency_ns);
    } else {
      CompleteProbe(p, c, latency_ns);
    }
  }

  // The closed fast path: a non-slow success is one atomic add.
  void CompleteClosed(const Permit& p, Completion c, int64_t latency_ns) {
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
    const int64_t end_ns = p.start_ns_ + std::max<int64_t>(latency_ns, 0);
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
    RecordClosedSlow(p.epoch_,
                     static_cast<uint8_t>((failure ? kFailBit : 0) | (slow ? kSlowBit : 0)), end_ns,
                     kNoSeq);
  }

  void ResetConsecutive() {
    if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
      consecutive_failures_.store(0, std::memory_order_relaxed);
    }
  }

  static constexpr uint64_t kNoSeq = std::numeric_limits<uint64_t>::max();

  // Records a failure / slow call (or finishes a success whose count-window
  // slot held one) and evaluates the trip conditions.
  ABSL_ATTRIBUTE_NOINLINE void RecordClosedSlow(uint64_t epoch, uint8_t bits, int64_t now_ns,
                                                uint64_t seq) ABSL_LOCKS_EXCLUDED(mu_) {
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

  ABSL_ATTRIBUTE_NOINLINE void EvaluateSlow(uint64_t epoch, int64_t now_ns)
      ABSL_LOCKS_EXCLUDED(mu_) {
    Pending pending;
    {
      MutexLock lock(&mu_);
      if (EpochOf(state_word_.load(std::memory_order_relaxed)) != epoch) return;
      EvaluateLockHeld(now_ns, &pending);
    }
    Notify(pending);
  }

  // Moves the time window's head to `sec` (if later), clearing the buckets
  // that fall out of the window.
  void RotateLockHeld(int64_t sec) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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
    for (int i = 0; i < window_size_; ++i) {
      if (static_cast<size_t>(i) != head_index) {
        others += buckets_[i].calls.load(std::memory_order_relaxed);
      }
    }
    others_calls_.store(others, std::memory_order_relaxed);
  }

  Totals TotalsLockHeld() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Totals t;
    if (options_.window_type == WindowType::kCountBased) {
      const uint64_t n =
          seq_.load(std::memory_order_relaxed) - base_.load(std::memory_order_relaxed);
      t.calls = std::min<uint64_t>(n, static_cast<uint64_t>(window_size_));
      t.failures = window_failures_;
      t.slow = window_slow_;
    } else {
      for (int i = 0; i < window_size_; ++i) {
        t.calls += buckets_[i].calls.load(std::memory_order_relaxed);
        t.failures += buckets_[i].failures.load(std::memory_order_relaxed);
        t.slow += buckets_[i].slow.load(std::memory_order_relaxed);
      }
    }
    return t;
  }

  bool RateReached(uint64_t count, uint64_t calls, double threshold) const {
    return static_cast<double>(count) >= threshold * static_cast<double>(calls);
  }

  void EvaluateLockHeld(int64_t now_ns, Pending* pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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

  // ---- half-open -------------------------------------------------------------

  ABSL_ATTRIBUTE_NOINLINE Permit AcquireSlow(int64_t now_ns) ABSL_LOCKS_EXCLUDED(mu_) {
    Pending pending;
    Permit permit;
    {
      MutexLock lock(&mu_);
      permit = AcquireLockHeld(now_ns, &pending);
    }
    Notify(pending);
    return permit;
  }

  Permit AcquireLockHeld(int64_t now_ns, Pending* pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    uint64_t word = state_word_.load(std::memory_order_relaxed);
    switch (StateOf(word)) {
      case State::kClosed:
        return Permit(this, Permit::Kind::kClosed, now_ns, EpochOf(word), 0, 0);
      case State::kDisabled:
        Bump(State::kDisabled, kPermitted);
        return Permit(nullptr, Permit::Kind::kDisabled, now_ns, 0, 0, 0);
      case State::kForcedOpen:
        Bump(State::kForcedOpen, kRejected);
        return Permit(Rejection::kForcedOpen);
      case State::kOpen:
        if (now_ns < open_until_ns_.load(std::memory_order_relaxed)) {
          Bump(State::kOpen, kRejected);
          return Permit(Rejection::kOpen);
        }
        TransitionLockHeld(State::kHalfOpen, TransitionReason::kWaitElapsed, now_ns, pending);
        word = state_word_.load(std::memory_order_relaxed);
        break;
      case State::kHalfOpen:
        break;
    }
    // Half-open: expire silent probes, then hand out a free slot if the
    // admitted-and-undecided probes leave room.
    uint32_t in_flight = 0;
    int free_slot = -1;
    for (size_t i = 0; i < probes_.size(); ++i) {
      ProbeSlot& p = probes_[i];
      if (p.token != 0 && now_ns >= p.deadline_ns) {
        p.token = 0;
        Bump(State::kHalfOpen, kExpired);
      }
      if (p.token != 0) {
        ++in_flight;
      } else if (free_slot < 0) {
        free_slot = static_cast<int>(i);
      }
    }
    if (free_slot < 0 || probe_recorded_ + in_flight >= probes_.size()) {
      Bump(State::kHalfOpen, kRejected);
      UpdateProbeGateLockHeld();
      return Permit(Rejection::kHalfOpenFull);
    }
    ProbeSlot& slot = probes_[static_cast<size_t>(free_slot)];
    slot.token = ++next_token_;
    slot.deadline_ns = SaturatingAdd(now_ns, probe_timeout_ns_);
    Bump(State::kHalfOpen, kPermitted);
    UpdateProbeGateLockHeld();
    return Permit(this, Permit::Kind::kProbe, now_ns, EpochOf(word),
                  static_cast<uint32_t>(free_slot), slot.token);
  }

  ABSL_ATTRIBUTE_NOINLINE void CompleteProbe(const Permit& p, Completion c, int64_t latency_ns)
      ABSL_LOCKS_EXCLUDED(mu_) {
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

  void RecordProbeLockHeld(const Permit& p, Completion c, int64_t latency_ns, Pending* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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
      const int64_t now_ns = end_ns;
      if (RateReached(probe_failures_, probe_recorded_, options_.failure_rate_threshold) ||
          RateReached(probe_slow_, probe_recorded_, options_.slow_call_rate_threshold)) {
        TransitionLockHeld(State::kOpen, TransitionReason::kProbesFailed, now_ns, pending);
      } else {
        TransitionLockHeld(State::kClosed, TransitionReason::kProbesSucceeded, now_ns, pending);
      }
    }
  }

  // Publishes, for the lock-free AllowsRequests, until when half-open has no
  // probe capacity: the earliest deadline of the probes holding it, or the
  // distant past when a probe could be admitted now.
  void UpdateProbeGateLockHeld() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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

  // ---- transitions -----------------------------------------------------------

  static int64_t SaturatingAdd(int64_t a, int64_t b) {
    if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
      return std::numeric_limits<int64_t>::max();
    }
    return a + b;
  }

  // The wait before half-open for the `trips`-th consecutive trip.
  absl::Duration WaitForTrip(uint32_t trips) {
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

  void ResetWindowLockHeld(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    consecutive_failures_.store(0, std::memory_order_relaxed);
    if (options_.window_type == WindowType::kCountBased) {
      for (int i = 0; i < window_size_; ++i) slots_[i].store(0, std::memory_order_relaxed);
      window_failures_ = 0;
      window_slow_ = 0;
      base_.store(seq_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    } else {
      for (int i = 0; i < window_size_; ++i) {
        retired_calls_ += buckets_[i].calls.exchange(0, std::memory_order_relaxed);
        buckets_[i].failures.store(0, std::memory_order_relaxed);
        buckets_[i].slow.store(0, std::memory_order_relaxed);
      }
      others_calls_.store(0, std::memory_order_relaxed);
      head_sec_.store(SecondOf(now_ns), std::memory_order_release);
    }
  }

  void TransitionLockHeld(State to, TransitionReason reason, int64_t now_ns, Pending* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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
    entered_[static_cast<int>(to)].fetch_add(1, std::memory_order_relaxed);
    if (!options_.listeners.empty() && pending->n < static_cast<int>(pending->changes.size())) {
      pending->changes[static_cast<size_t>(pending->n++)] = change;
    }
  }

  void Operator(State to, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_) {
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

  void Notify(const Pending& pending) ABSL_LOCKS_EXCLUDED(mu_) {
    for (int i = 0; i < pending.n; ++i) {
      StateChange change = pending.changes[static_cast<size_t>(i)];
      change.breaker_name = options_.name;
      for (const StateListener& listener : options_.listeners) listener(change);
    }
  }

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

  std::atomic<uint64_t> counters_[kNumStates][kNumCounters];
  std::atomic<uint64_t> entered_[kNumStates];
};

// ---- Permit ------------------------------------------------------------------

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

inline void Permit::Abandon() {
  CircuitBreaker* b = std::exchange(breaker_, nullptr);
  if (b == nullptr) return;
  b->Complete(*this, CircuitBreaker::Completion::kAbandoned, 0);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_CIRCUIT_BREAKER_H_
