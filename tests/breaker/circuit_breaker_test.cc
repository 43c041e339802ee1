// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::breaker::CircuitBreaker: every transition and threshold
// with an injected clock, operator states, listeners and counters.
#include "edgekit/breaker/circuit_breaker.h"

#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "observer_helper.h"

namespace {

using edgekit::SplitMix64;
using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::Outcome;
using edgekit::breaker::Permit;
using edgekit::breaker::Rejection;
using edgekit::breaker::State;
using edgekit::breaker::StateChange;
using edgekit::breaker::TransitionReason;
using edgekit::breaker::WindowType;
using edgekit::testing::FakeClock;

// Calls end when they start unless a test says otherwise, so `now` is the clock.
constexpr absl::Duration kFast = absl::ZeroDuration();

CircuitBreakerOptions Basic() {
  CircuitBreakerOptions o;
  o.name = "origin";
  o.window_size = 10;
  o.minimum_calls = 10;
  o.failure_rate_threshold = 0.5;
  o.slow_call_rate_threshold = 1.0;
  o.slow_call_duration = absl::Seconds(1);
  o.wait_in_open = absl::Seconds(10);
  o.wait_multiplier = 2;
  o.max_wait_in_open = absl::Seconds(35);
  o.wait_jitter = 0;
  o.permitted_calls_in_half_open = 3;
  o.probe_timeout = absl::Seconds(5);
  return o;
}

std::unique_ptr<CircuitBreaker> Make(const CircuitBreakerOptions& o, FakeClock& clock) {
  auto b = CircuitBreaker::Create(o, clock);
  REQUIRE(b.ok());
  return std::move(b).value();
}

// One call at the clock's now with the given outcome and latency.
void Call(CircuitBreaker& b, FakeClock& clock, Outcome o, absl::Duration latency = kFast) {
  Permit p = b.TryAcquire(clock.MonotonicNow());
  REQUIRE(p.admitted());
  p.Record(o, latency);
}

void Calls(CircuitBreaker& b, FakeClock& clock, int n, Outcome o, absl::Duration latency = kFast) {
  for (int i = 0; i < n; ++i) Call(b, clock, o, latency);
}

// Trips a Basic() breaker with 10 failures.
void Trip(CircuitBreaker& b, FakeClock& clock) {
  Calls(b, clock, 10, Outcome::kFailure);
  REQUIRE(b.state() == State::kOpen);
}

}  // namespace

TEST_CASE("CircuitBreaker::Validate rejects each invalid option", "[breaker]") {
  using Mutator = void (*)(CircuitBreakerOptions&);
  const Mutator bad[] = {
      [](CircuitBreakerOptions& o) { o.window_size = 0; },
      [](CircuitBreakerOptions& o) { o.window_size = (1 << 20) + 1; },
      [](CircuitBreakerOptions& o) {
        o.window_type = WindowType::kTimeBased;
        o.window_size = 3601;
      },
      [](CircuitBreakerOptions& o) { o.minimum_calls = 0; },
      [](CircuitBreakerOptions& o) { o.failure_rate_threshold = 0; },
      [](CircuitBreakerOptions& o) { o.failure_rate_threshold = 1.01; },
      [](CircuitBreakerOptions& o) { o.slow_call_rate_threshold = -1; },
      [](CircuitBreakerOptions& o) { o.slow_call_duration = absl::ZeroDuration(); },
      [](CircuitBreakerOptions& o) { o.consecutive_failures = -1; },
      [](CircuitBreakerOptions& o) { o.wait_in_open = absl::ZeroDuration(); },
      [](CircuitBreakerOptions& o) { o.max_wait_in_open = absl::Seconds(1); },
      [](CircuitBreakerOptions& o) { o.wait_multiplier = 0.5; },
      [](CircuitBreakerOptions& o) { o.wait_jitter = 1.0; },
      [](CircuitBreakerOptions& o) { o.permitted_calls_in_half_open = 0; },
      [](CircuitBreakerOptions& o) { o.permitted_calls_in_half_open = 1025; },
      [](CircuitBreakerOptions& o) { o.probe_timeout = absl::ZeroDuration(); },
  };
  CHECK(CircuitBreaker::Validate(Basic()).ok());
  for (Mutator m : bad) {
    CircuitBreakerOptions o = Basic();
    m(o);
    const absl::Status s = CircuitBreaker::Validate(o);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    FakeClock clock;
    CHECK_FALSE(CircuitBreaker::Create(o, clock).ok());
  }
}

TEST_CASE("Count window: no trip before minimum_calls, trip exactly at the failure rate",
          "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  SECTION("5 failures then 4 successes stay closed; the 10th call reaches 50%") {
    Calls(*b, clock, 5, Outcome::kFailure);
    Calls(*b, clock, 4, Outcome::kSuccess);
    CHECK(b->state() == State::kClosed);
    CHECK(b->window().calls == 9);
    CHECK(b->window().failures == 5);
    Call(*b, clock, Outcome::kSuccess);  // 5/10 = threshold
    CHECK(b->state() == State::kOpen);
  }
  SECTION("4 failures in 10 calls stay closed (40% < 50%)") {
    Calls(*b, clock, 6, Outcome::kSuccess);
    Calls(*b, clock, 4, Outcome::kFailure);
    CHECK(b->state() == State::kClosed);
    CHECK(b->window().failure_rate == Approx(0.4));
    Call(*b, clock, Outcome::kFailure);  // oldest success leaves: 5/10
    CHECK(b->state() == State::kOpen);
  }
  SECTION("ignored and abandoned calls count nowhere") {
    for (int i = 0; i < 20; ++i) {
      Call(*b, clock, Outcome::kIgnored);
      Permit p = b->TryAcquire(clock.MonotonicNow());
      REQUIRE(p);
    }  // abandoned
    CHECK(b->window().calls == 0);
    CHECK(b->state() == State::kClosed);
    CHECK(b->counters().of(State::kClosed).ignored == 20);
    CHECK(b->counters().of(State::kClosed).abandoned == 20);
  }
}

TEST_CASE("Count window rolls: old failures leave the last-N window", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Calls(*b, clock, 4, Outcome::kFailure);
  Calls(*b, clock, 6, Outcome::kSuccess);
  CHECK(b->window().failures == 4);
  Calls(*b, clock, 4, Outcome::kSuccess);  // the 4 failures roll out
  CHECK(b->window().calls == 10);
  CHECK(b->window().failures == 0);
  Calls(*b, clock, 4, Outcome::kFailure);
  CHECK(b->state() == State::kClosed);  // 4/10
  CHECK(b->counters().of(State::kClosed).successes == 10);
  CHECK(b->counters().of(State::kClosed).failures == 8);
}

TEST_CASE("minimum_calls above a count window is rejected, not clamped", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.window_size = 4;
  o.minimum_calls = 100;
  const absl::Status s = CircuitBreaker::Validate(o);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(s.message()).find("minimum_calls") != std::string::npos);
  // A time-based window has no such bound (its size is in seconds).
  o.window_type = WindowType::kTimeBased;
  CHECK(CircuitBreaker::Validate(o).ok());
  o.window_type = WindowType::kCountBased;
  o.minimum_calls = 4;
  auto b = Make(o, clock);
  Calls(*b, clock, 3, Outcome::kFailure);
  CHECK(b->state() == State::kClosed);
  Call(*b, clock, Outcome::kSuccess);  // 3/4 with 4 calls
  CHECK(b->state() == State::kOpen);
}

TEST_CASE("Time window: one-second buckets roll, no interval reset", "[breaker]") {
  FakeClock clock(absl::FromUnixSeconds(1000));
  CircuitBreakerOptions o = Basic();
  o.window_type = WindowType::kTimeBased;
  o.window_size = 10;  // seconds
  o.minimum_calls = 4;
  auto b = Make(o, clock);
  SECTION("calls on both sides of a ten-second boundary count together") {
    clock.Advance(absl::Seconds(8));  // t = 1008
    Calls(*b, clock, 2, Outcome::kFailure);
    clock.Advance(absl::Seconds(3));  // t = 1011: a fixed interval would have reset
    Call(*b, clock, Outcome::kSuccess);
    CHECK(b->state() == State::kClosed);  // 3 calls < 4
    Call(*b, clock, Outcome::kSuccess);   // 2/4 = 50%
    CHECK(b->state() == State::kOpen);
    CHECK(b->counters().entered[static_cast<int>(State::kOpen)] == 1);
  }
  SECTION("calls of different seconds inside the window add up") {
    Calls(*b, clock, 2, Outcome::kFailure);  // second 1000
    clock.Advance(absl::Seconds(5));
    Call(*b, clock, Outcome::kSuccess);  // second 1005: 2/3, below minimum_calls
    CHECK(b->state() == State::kClosed);
    Call(*b, clock, Outcome::kSuccess);  // 2/4
    CHECK(b->state() == State::kOpen);
  }
  SECTION("expired buckets no longer count") {
    Calls(*b, clock, 3, Outcome::kFailure);  // second 1000
    clock.Advance(absl::Seconds(9));         // 1009: still in the window
    Call(*b, clock, Outcome::kSuccess);
    CHECK(b->window().calls == 4);
    CHECK(b->state() == State::kOpen);  // 3/4
  }
  SECTION("after the window has passed, the old failures are gone") {
    Calls(*b, clock, 3, Outcome::kFailure);  // second 1000
    clock.Advance(absl::Seconds(10));        // 1010: second 1000 left
    Calls(*b, clock, 3, Outcome::kSuccess);
    CHECK(b->window().calls == 3);
    CHECK(b->window().failures == 0);
    Call(*b, clock, Outcome::kFailure);  // 1/4
    CHECK(b->state() == State::kClosed);
    clock.Advance(absl::Milliseconds(999));  // still second 1010
    Call(*b, clock, Outcome::kFailure);      // 2/5
    CHECK(b->state() == State::kClosed);
    Call(*b, clock, Outcome::kFailure);  // 3/6
    CHECK(b->state() == State::kOpen);
  }
  SECTION("a success crossing minimum_calls in a busy second trips") {
    Calls(*b, clock, 2, Outcome::kFailure);
    Call(*b, clock, Outcome::kSuccess);
    CHECK(b->state() == State::kClosed);
    Call(*b, clock, Outcome::kSuccess);  // fast path reaches minimum_calls
    CHECK(b->state() == State::kOpen);
  }
}

TEST_CASE("Slow-call rate trips even when every call succeeds", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.slow_call_rate_threshold = 0.6;
  o.slow_call_duration = absl::Milliseconds(200);
  std::vector<StateChange> changes;
  edgekit_breaker_test::FnObserver observer(
      [&changes](const StateChange& c) { changes.push_back(c); });

  o.observer = &observer;
  auto b = Make(o, clock);
  Calls(*b, clock, 4, Outcome::kSuccess, absl::Milliseconds(200));  // not slower: equal
  Calls(*b, clock, 5, Outcome::kSuccess, absl::Milliseconds(201));
  CHECK(b->window().slow_calls == 5);
  CHECK(b->state() == State::kClosed);
  Call(*b, clock, Outcome::kSuccess, absl::Milliseconds(300));  // 6/10 = 0.6
  CHECK(b->state() == State::kOpen);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].reason == TransitionReason::kSlowCallRate);
  CHECK(changes[0].breaker_name == "origin");
  CHECK(b->counters().of(State::kClosed).slow_calls == 6);
  CHECK(b->counters().of(State::kClosed).successes == 10);
}

TEST_CASE("A slow failure counts as failure and as slow call", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.failure_rate_threshold = 1.0;
  o.slow_call_rate_threshold = 0.3;
  auto b = Make(o, clock);
  Calls(*b, clock, 7, Outcome::kSuccess);
  Calls(*b, clock, 2, Outcome::kFailure, absl::Seconds(2));
  CHECK(b->window().slow_calls == 2);
  CHECK(b->window().failures == 2);
  Call(*b, clock, Outcome::kFailure, absl::Seconds(2));
  CHECK(b->state() == State::kOpen);
}

TEST_CASE("Consecutive failures trip regardless of the rate window", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.window_size = 100;
  o.minimum_calls = 100;
  o.consecutive_failures = 3;
  std::vector<StateChange> changes;
  edgekit_breaker_test::FnObserver observer(
      [&changes](const StateChange& c) { changes.push_back(c); });

  o.observer = &observer;
  auto b = Make(o, clock);
  Calls(*b, clock, 2, Outcome::kFailure);
  Call(*b, clock, Outcome::kSuccess);  // resets the run
  Calls(*b, clock, 2, Outcome::kFailure);
  Call(*b, clock, Outcome::kIgnored);  // does not reset
  CHECK(b->window().consecutive_failures == 2);
  CHECK(b->state() == State::kClosed);
  Call(*b, clock, Outcome::kFailure);
  CHECK(b->state() == State::kOpen);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].reason == TransitionReason::kConsecutiveFailures);
  CHECK(changes[0].from == State::kClosed);
  CHECK(changes[0].to == State::kOpen);
  CHECK(changes[0].open_for == absl::Seconds(10));
}

TEST_CASE("Open refuses until the wait elapses, then half-open on the next call", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Trip(*b, clock);
  CHECK(b->open_until() == clock.MonotonicNow() + absl::Seconds(10));
  clock.Advance(absl::Seconds(10) - absl::Nanoseconds(1));
  Permit p = b->TryAcquire(clock.MonotonicNow());
  CHECK_FALSE(p.admitted());
  CHECK(p.rejection() == Rejection::kOpen);
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  CHECK(b->state() == State::kOpen);  // nothing happens without a call
  clock.Advance(absl::Nanoseconds(1));
  CHECK(b->AllowsRequests(clock.MonotonicNow()));
  CHECK(b->state() == State::kOpen);
  Permit probe = b->TryAcquire(clock.MonotonicNow());
  CHECK(probe.admitted());
  CHECK(probe.is_probe());
  CHECK(b->state() == State::kHalfOpen);
  CHECK(b->counters().of(State::kOpen).rejected == 1);
}

TEST_CASE("Half-open admits exactly N probes and their outcomes decide", "[breaker]") {
  FakeClock clock;
  std::vector<StateChange> changes;
  CircuitBreakerOptions o = Basic();
  edgekit_breaker_test::FnObserver observer(
      [&changes](const StateChange& c) { changes.push_back(c); });

  o.observer = &observer;
  auto b = Make(o, clock);
  Trip(*b, clock);
  clock.Advance(absl::Seconds(10));
  std::vector<Permit> probes;
  for (int i = 0; i < 3; ++i) {
    probes.push_back(b->TryAcquire(clock.MonotonicNow()));
    REQUIRE(probes.back().admitted());
  }
  Permit fourth = b->TryAcquire(clock.MonotonicNow());
  CHECK(fourth.rejection() == Rejection::kHalfOpenFull);
  CHECK(b->probes_in_flight() == 3);

  SECTION("all succeed: closed, window empty, backoff reset") {
    for (Permit& p : probes) p.Record(Outcome::kSuccess, kFast);
    CHECK(b->state() == State::kClosed);
    CHECK(b->window().calls == 0);
    CHECK(b->consecutive_trips() == 0);
    REQUIRE(changes.size() == 3);
    CHECK(changes[1].reason == TransitionReason::kWaitElapsed);
    CHECK(changes[2].reason == TransitionReason::kProbesSucceeded);
    CHECK(changes[0].sequence < changes[1].sequence);
    CHECK(changes[1].sequence < changes[2].sequence);
    // The next trip waits the base time again.
    Trip(*b, clock);
    CHECK(b->open_until() == clock.MonotonicNow() + absl::Seconds(10));
  }
  SECTION("a failure rate at threshold among probes reopens with a longer wait") {
    probes[0].Record(Outcome::kSuccess, kFast);
    probes[1].Record(Outcome::kFailure, kFast);
    CHECK(b->state() == State::kHalfOpen);       // undecided until all report
    probes[2].Record(Outcome::kFailure, kFast);  // 2/3 >= 0.5
    CHECK(b->state() == State::kOpen);
    CHECK(changes.back().reason == TransitionReason::kProbesFailed);
    CHECK(changes.back().open_for == absl::Seconds(20));
    CHECK(b->consecutive_trips() == 2);
  }
  SECTION("one failure of three stays under the threshold: closed") {
    probes[0].Record(Outcome::kFailure, kFast);
    probes[1].Record(Outcome::kSuccess, kFast);
    probes[2].Record(Outcome::kSuccess, kFast);
    CHECK(b->state() == State::kClosed);
  }
  SECTION("slow probes reopen by the slow-call rate") {
    for (Permit& p : probes) p.Record(Outcome::kSuccess, absl::Seconds(2));
    CHECK(b->state() == State::kOpen);
    CHECK(b->counters().of(State::kHalfOpen).slow_calls == 3);
  }
  SECTION("ignored and abandoned probes free their slot for another probe") {
    probes[0].Record(Outcome::kIgnored, kFast);
    probes[1].Abandon();
    CHECK(b->probes_in_flight() == 1);
    Permit a = b->TryAcquire(clock.MonotonicNow());
    Permit c = b->TryAcquire(clock.MonotonicNow());
    Permit d = b->TryAcquire(clock.MonotonicNow());
    CHECK(a.admitted());
    CHECK(c.admitted());
    CHECK(d.rejection() == Rejection::kHalfOpenFull);
    probes[2].Record(Outcome::kSuccess, kFast);
    a.Record(Outcome::kSuccess, kFast);
    CHECK(b->state() == State::kHalfOpen);
    c.Record(Outcome::kSuccess, kFast);
    CHECK(b->state() == State::kClosed);
    const auto counters = b->counters();
    CHECK(counters.of(State::kHalfOpen).permitted == 5);
    CHECK(counters.of(State::kHalfOpen).ignored == 1);
    CHECK(counters.of(State::kHalfOpen).abandoned == 1);
    CHECK(counters.of(State::kHalfOpen).successes == 3);
    CHECK(counters.of(State::kHalfOpen).rejected == 2);
  }
  SECTION("a probe destroyed without a report is abandoned") {
    { Permit gone = std::move(probes[0]); }
    CHECK(b->probes_in_flight() == 2);
    CHECK(b->TryAcquire(clock.MonotonicNow()).admitted());  // and abandoned again
    CHECK(b->counters().of(State::kHalfOpen).abandoned == 2);
  }
  SECTION("recorded probes do not free admission: N decided calls at most") {
    probes[0].Record(Outcome::kSuccess, kFast);
    CHECK(b->TryAcquire(clock.MonotonicNow()).rejection() == Rejection::kHalfOpenFull);
  }
}

TEST_CASE("Abandoned probes that never report expire so half-open never sticks", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Trip(*b, clock);
  clock.Advance(absl::Seconds(10));
  std::vector<Permit> silent;
  for (int i = 0; i < 3; ++i) silent.push_back(b->TryAcquire(clock.MonotonicNow()));
  clock.Advance(absl::Seconds(5) - absl::Nanoseconds(1));
  CHECK(b->TryAcquire(clock.MonotonicNow()).rejection() == Rejection::kHalfOpenFull);
  clock.Advance(absl::Nanoseconds(1));  // probe_timeout reached
  std::vector<Permit> fresh;
  for (int i = 0; i < 3; ++i) {
    fresh.push_back(b->TryAcquire(clock.MonotonicNow()));
    CHECK(fresh.back().admitted());
  }
  CHECK(b->counters().of(State::kHalfOpen).expired == 3);
  // The silent probes finally report: dropped, they decide nothing.
  for (Permit& p : silent) p.RecordAt(Outcome::kFailure, clock.MonotonicNow());
  CHECK(b->state() == State::kHalfOpen);
  CHECK(b->counters().of(State::kHalfOpen).late == 3);
  for (Permit& p : fresh) p.Record(Outcome::kSuccess, kFast);
  CHECK(b->state() == State::kClosed);
}

TEST_CASE("AllowsRequests is false while half-open has no free probe slot", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Trip(*b, clock);
  clock.Advance(absl::Seconds(10));
  std::vector<Permit> probes;
  for (int i = 0; i < 2; ++i) probes.push_back(b->TryAcquire(clock.MonotonicNow()));
  CHECK(b->AllowsRequests(clock.MonotonicNow()));  // one slot left
  probes.push_back(b->TryAcquire(clock.MonotonicNow()));
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  probes[0].Record(Outcome::kSuccess, kFast);  // recorded: keeps its slot
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  probes[1].Record(Outcome::kIgnored, kFast);  // frees one
  CHECK(b->AllowsRequests(clock.MonotonicNow()));
  probes.push_back(b->TryAcquire(clock.MonotonicNow()));
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  // Silent probes: allowed again once the earliest of them could expire.
  clock.Advance(absl::Seconds(5) - absl::Nanoseconds(1));
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  clock.Advance(absl::Nanoseconds(1));
  CHECK(b->AllowsRequests(clock.MonotonicNow()));
  CHECK(b->TryAcquire(clock.MonotonicNow()).admitted());
}

TEST_CASE("A probe reporting after its timeout is not counted", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.permitted_calls_in_half_open = 1;
  auto b = Make(o, clock);
  Trip(*b, clock);
  clock.Advance(absl::Seconds(10));
  Permit p = b->TryAcquire(clock.MonotonicNow());
  REQUIRE(p);
  p.Record(Outcome::kSuccess, absl::Seconds(5));  // ends at the deadline
  CHECK(b->state() == State::kHalfOpen);
  CHECK(b->counters().of(State::kHalfOpen).expired == 1);
  Permit q = b->TryAcquire(clock.MonotonicNow());
  REQUIRE(q);
  q.Record(Outcome::kSuccess, absl::Seconds(1));
  CHECK(b->state() == State::kClosed);
}

TEST_CASE("Open waits grow exponentially, cap, and reset when closed", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Trip(*b, clock);
  const absl::Duration expected[] = {absl::Seconds(10), absl::Seconds(20), absl::Seconds(35),
                                     absl::Seconds(35)};
  for (int i = 0; i < 4; ++i) {
    CHECK(b->open_until() - clock.MonotonicNow() == expected[i]);
    CHECK(b->consecutive_trips() == i + 1);
    clock.Advance(expected[i]);
    std::vector<Permit> probes;
    for (int k = 0; k < 3; ++k) probes.push_back(b->TryAcquire(clock.MonotonicNow()));
    for (Permit& p : probes) p.Record(Outcome::kFailure, kFast);
    REQUIRE(b->state() == State::kOpen);
  }
}

TEST_CASE("Jitter keeps the wait within +-jitter and follows the injected source", "[breaker]") {
  FakeClock clock;
  SplitMix64 random_a(7), random_b(7);
  CircuitBreakerOptions o = Basic();
  o.wait_jitter = 0.25;
  o.random = &random_a;
  auto a = Make(o, clock);
  o.random = &random_b;
  auto b = Make(o, clock);
  Trip(*a, clock);
  Trip(*b, clock);
  const absl::Duration wait = a->open_until() - clock.MonotonicNow();
  CHECK(wait >= absl::Seconds(7.5));
  CHECK(wait < absl::Seconds(12.5));
  CHECK(a->open_until() == b->open_until());  // same seed, same wait
}

TEST_CASE("Late reports from before a transition are dropped", "[breaker]") {
  FakeClock clock;
  auto b = Make(Basic(), clock);
  Permit old = b->TryAcquire(clock.MonotonicNow());
  REQUIRE(old);
  Trip(*b, clock);
  old.Record(Outcome::kSuccess, kFast);
  old.Record(Outcome::kFailure, kFast);  // second report: no-op
  CHECK(b->counters().of(State::kClosed).late == 1);
  CHECK_FALSE(old.pending());
  CHECK(b->state() == State::kOpen);
}

TEST_CASE("Operator states: forced-open, disabled and reset", "[breaker]") {
  FakeClock clock;
  std::vector<StateChange> changes;
  CircuitBreakerOptions o = Basic();
  edgekit_breaker_test::FnObserver observer(
      [&changes](const StateChange& c) { changes.push_back(c); });

  o.observer = &observer;
  auto b = Make(o, clock);
  b->ForceOpen(clock.MonotonicNow());
  CHECK(b->state() == State::kForcedOpen);
  clock.Advance(absl::Hours(1));
  CHECK(b->TryAcquire(clock.MonotonicNow()).rejection() == Rejection::kForcedOpen);
  CHECK_FALSE(b->AllowsRequests(clock.MonotonicNow()));
  b->ForceOpen(clock.MonotonicNow());  // no-op
  CHECK(changes.size() == 1);

  b->Disable(clock.MonotonicNow());
  CHECK(b->state() == State::kDisabled);
  for (int i = 0; i < 50; ++i) {
    Permit p = b->TryAcquire(clock.MonotonicNow());
    REQUIRE(p);
    p.Record(Outcome::kFailure, kFast);
  }
  CHECK(b->state() == State::kDisabled);
  CHECK(b->counters().of(State::kDisabled).permitted == 50);

  b->Reset(clock.MonotonicNow());
  CHECK(b->state() == State::kClosed);
  REQUIRE(changes.size() == 3);
  CHECK(changes[2].from == State::kDisabled);
  CHECK(changes[2].to == State::kClosed);
  CHECK(changes[2].reason == TransitionReason::kOperator);
  const auto c = b->counters();
  CHECK(c.entered[static_cast<int>(State::kForcedOpen)] == 1);
  CHECK(c.entered[static_cast<int>(State::kDisabled)] == 1);
  CHECK(c.entered[static_cast<int>(State::kClosed)] == 1);
  CHECK(c.of(State::kForcedOpen).rejected == 1);

  SECTION("Reset clears the window and the backoff") {
    Calls(*b, clock, 4, Outcome::kFailure);
    b->Reset(clock.MonotonicNow());
    CHECK(b->window().calls == 0);
    Trip(*b, clock);
    clock.Advance(absl::Seconds(10));
    std::vector<Permit> probes;
    for (int k = 0; k < 3; ++k) probes.push_back(b->TryAcquire(clock.MonotonicNow()));
    for (Permit& p : probes) p.Record(Outcome::kFailure, kFast);
    CHECK(b->consecutive_trips() == 2);
    b->Reset(clock.MonotonicNow());
    CHECK(b->consecutive_trips() == 0);
    Trip(*b, clock);
    CHECK(b->open_until() - clock.MonotonicNow() == absl::Seconds(10));
  }
}

TEST_CASE("Listeners run outside the lock and may call back into the breaker", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  std::vector<std::string> seen;
  CircuitBreaker* self = nullptr;
  edgekit_breaker_test::FnObserver observer([&](const StateChange& c) {
    // Re-entrant calls would deadlock if the lock were held.
    seen.push_back(std::string(ToString(c.from)) + "->" + std::string(ToString(c.to)) + ":" +
                   std::string(ToString(c.reason)) + ":" + std::string(ToString(self->state())));
    (void)self->window();
    (void)self->counters();
  });

  o.observer = &observer;
  auto b = Make(o, clock);
  self = b.get();
  Trip(*b, clock);
  clock.Advance(absl::Seconds(10));
  std::vector<Permit> probes;
  for (int k = 0; k < 3; ++k) probes.push_back(b->TryAcquire(clock.MonotonicNow()));
  for (Permit& p : probes) p.Record(Outcome::kSuccess, kFast);
  CHECK(seen == std::vector<std::string>{"closed->open:failure_rate:open",
                                         "open->half_open:wait_elapsed:half_open",
                                         "half_open->closed:probes_succeeded:closed"});
}

TEST_CASE("Permits: clock overloads, moves and rejection strings", "[breaker]") {
  FakeClock clock;
  CircuitBreakerOptions o = Basic();
  o.slow_call_duration = absl::Milliseconds(100);
  o.slow_call_rate_threshold = 0.1;
  o.minimum_calls = 1;
  o.window_size = 1;
  auto b = Make(o, clock);
  Permit p = b->TryAcquire();
  CHECK(p.start() == clock.MonotonicNow());
  Permit moved = std::move(p);
  CHECK_FALSE(p.pending());  // NOLINT(bugprone-use-after-move): tested on purpose
  CHECK(moved.pending());
  clock.Advance(absl::Milliseconds(150));
  moved.Record(Outcome::kSuccess);  // latency read from the breaker's clock: slow
  CHECK(b->state() == State::kOpen);
  CHECK(ToString(Rejection::kHalfOpenFull) == "half_open_full");
  CHECK(ToString(State::kForcedOpen) == "forced_open");
  CHECK(ToString(Outcome::kIgnored) == "ignored");
  Permit assigned;
  assigned = b->TryAcquire(clock.MonotonicNow());
  CHECK(assigned.rejection() == Rejection::kOpen);
}
