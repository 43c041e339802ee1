// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// CircuitBreaker's read side: counters, window snapshot and metrics.
#include "edgekit/breaker/circuit_breaker.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

CircuitBreakerCounters CircuitBreaker::counters() const {
  CircuitBreakerCounters c;
  for (size_t s = 0; s < static_cast<size_t>(kNumStates); ++s) {
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
  // Closed successes are not counted on the fast path: every recorded closed
  // call passes through the window, so they are derived from it.
  uint64_t recorded = 0;
  {
    MutexLock lock(&mu_);
    if (options_.window_type == WindowType::kCountBased) {
      recorded = seq_.load(std::memory_order_relaxed);
    } else {
      recorded = retired_calls_;
      for (size_t i = 0; i < static_cast<size_t>(window_size_); ++i) {
        recorded += buckets_[i].calls.load(std::memory_order_relaxed);
      }
    }
  }
  StateCounters& closed = c.by_state[static_cast<size_t>(State::kClosed)];
  closed.successes = recorded >= closed.failures ? recorded - closed.failures : 0;
  closed.permitted =
      closed.successes + closed.failures + closed.ignored + closed.abandoned + closed.late;
  return c;
}

WindowSnapshot CircuitBreaker::window() const {
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

int CircuitBreaker::probes_in_flight() const {
  MutexLock lock(&mu_);
  int n = 0;
  for (const ProbeSlot& p : probes_) n += p.token != 0 ? 1 : 0;
  return n;
}

void CircuitBreaker::VisitMetrics(MetricsVisitor& v) const {
  const CircuitBreakerCounters c = counters();
  const WindowSnapshot w = window();
  const int trips = consecutive_trips();
  const State current = state();
  constexpr State kStates[] = {State::kClosed, State::kOpen, State::kHalfOpen, State::kForcedOpen,
                               State::kDisabled};

  for (State s : kStates) {
    const MetricLabel l[] = {{"state", ToString(s)}};
    VisitSample(v, "edgekit_breaker_state", "1 for the breaker's current state, else 0",
                MetricType::kGauge, s == current ? 1 : 0, l);
  }
  for (State s : kStates) {
    const MetricLabel l[] = {{"to", ToString(s)}};
    VisitSample(v, "edgekit_breaker_transitions_total", "State changes, by the state entered",
                MetricType::kCounter, static_cast<double>(c.entered[static_cast<size_t>(s)]), l);
  }
  for (State s : {State::kClosed, State::kHalfOpen, State::kDisabled}) {
    const MetricLabel l[] = {{"state", ToString(s)}};
    VisitSample(v, "edgekit_breaker_permitted_total",
                "Calls admitted, by the state that admitted them", MetricType::kCounter,
                static_cast<double>(c.of(s).permitted), l);
  }
  const std::pair<Rejection, State> rejections[] = {{Rejection::kOpen, State::kOpen},
                                                    {Rejection::kHalfOpenFull, State::kHalfOpen},
                                                    {Rejection::kForcedOpen, State::kForcedOpen}};
  for (const auto& [reason, s] : rejections) {
    const MetricLabel l[] = {{"reason", ToString(reason)}};
    VisitSample(v, "edgekit_breaker_rejected_total", "Calls refused, by reason",
                MetricType::kCounter, static_cast<double>(c.of(s).rejected), l);
  }
  for (State s : {State::kClosed, State::kHalfOpen}) {
    const StateCounters& sc = c.of(s);
    const std::pair<std::string_view, uint64_t> results[] = {
        {"success", sc.successes},   {"failure", sc.failures}, {"ignored", sc.ignored},
        {"abandoned", sc.abandoned}, {"late", sc.late},        {"expired", sc.expired}};
    for (const auto& [result, n] : results) {
      if (s == State::kClosed && result == "expired") continue;  // probes only
      const MetricLabel l[] = {{"state", ToString(s)}, {"result", result}};
      VisitSample(v, "edgekit_breaker_calls_total",
                  "Completed permits, by the state that issued them and what the host reported",
                  MetricType::kCounter, static_cast<double>(n), l);
    }
    const MetricLabel l[] = {{"state", ToString(s)}};
    VisitSample(v, "edgekit_breaker_slow_calls_total", "Calls slower than slow_call_duration",
                MetricType::kCounter, static_cast<double>(sc.slow_calls), l);
  }
  VisitSample(v, "edgekit_breaker_window_calls", "Calls in the closed state's window",
              MetricType::kGauge, static_cast<double>(w.calls));
  VisitSample(v, "edgekit_breaker_window_failure_ratio", "Failures / calls in the window",
              MetricType::kGauge, w.failure_rate);
  VisitSample(v, "edgekit_breaker_window_slow_call_ratio", "Slow calls / calls in the window",
              MetricType::kGauge, w.slow_call_rate);
  VisitSample(v, "edgekit_breaker_consecutive_trips", "Trips since the breaker last closed",
              MetricType::kGauge, trips);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END
