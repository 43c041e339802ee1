// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Benchmarks of edgekit::breaker, each beside its baseline in this binary.
//
//   BM_Baseline_ClockReadsAndAtomics     the floor of the documented path: the
//                                        protected call between two reads of
//                                        the clock (through `Clock&`), one
//                                        atomic load and one atomic add
//   BM_Breaker_DocumentedPath            the protected call under TryAcquire()
//                                        + Record(kSuccess), both reading the
//                                        breaker's clock (RealClock)
//   BM_Breaker_DocumentedPath_TimeWindow the same with a time-based window
//   BM_Baseline_CallAndAtomicIncrement   the protected call + one atomic add
//   BM_Breaker_ClosedPath_FixedNow       TryAcquire(now) + Record(kSuccess,
//                                        latency): the breaker's own work,
//                                        with the time passed in
//   BM_Breaker_OpenReject                refusing a call while open
//   BM_UpstreamSelector_Pick             pick + report over 16 hosts
//
// Each reports `allocs_per_iter` (global operator new calls per iteration,
// counted by the replacement below). Run in a Release build.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "allocation_meter.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/random.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/upstream_selector.h"

namespace {

using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::Outcome;
using edgekit::breaker::Permit;
using edgekit::breaker::Selection;
using edgekit::breaker::UpstreamHost;
using edgekit::breaker::UpstreamSelector;
using edgekit::breaker::UpstreamSelectorOptions;
using edgekit::breaker::WindowType;
using edgekit_bench::AllocationMeter;

// The host's protected call: opaque to the optimizer, as cheap as possible.
ABSL_ATTRIBUTE_NOINLINE int ProtectedCall(int x) {
  benchmark::DoNotOptimize(x);
  return x + 1;
}

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const absl::Duration kLatency = absl::Microseconds(300);

std::atomic<uint64_t> g_counter{0};

void BM_Baseline_CallAndAtomicIncrement(benchmark::State& state) {
  AllocationMeter meter(state);
  for (auto _ : state) {
    int r = ProtectedCall(1);
    benchmark::DoNotOptimize(r);
    g_counter.fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_Baseline_CallAndAtomicIncrement);
BENCHMARK(BM_Baseline_CallAndAtomicIncrement)->Threads(2)->UseRealTime();

CircuitBreaker& SharedBreaker(WindowType type) {
  static CircuitBreaker* breakers[2] = {nullptr, nullptr};
  static std::once_flag once;
  std::call_once(once, [] {
    for (int i = 0; i < 2; ++i) {
      CircuitBreakerOptions o;
      o.window_type = i == 0 ? WindowType::kCountBased : WindowType::kTimeBased;
      o.window_size = i == 0 ? 100 : 10;
      o.minimum_calls = 20;
      o.consecutive_failures = 5;
      breakers[i] = CircuitBreaker::Create(o).value().release();  // lives for the process
    }
  });
  return *breakers[type == WindowType::kCountBased ? 0 : 1];
}

void ClosedPath(benchmark::State& state, WindowType type) {
  CircuitBreaker& breaker = SharedBreaker(type);
  AllocationMeter meter(state);
  for (auto _ : state) {
    Permit permit = breaker.TryAcquire(kNow);
    int r = ProtectedCall(1);
    benchmark::DoNotOptimize(r);
    permit.Record(Outcome::kSuccess, kLatency);
  }
}

void BM_Breaker_ClosedPath_FixedNow(benchmark::State& state) {
  ClosedPath(state, WindowType::kCountBased);
}
BENCHMARK(BM_Breaker_ClosedPath_FixedNow);
BENCHMARK(BM_Breaker_ClosedPath_FixedNow)->Threads(2)->UseRealTime();

// The clock as the breaker sees it: a `Clock&` the optimizer cannot
// devirtualize.
edgekit::Clock& OpaqueClock() {
  edgekit::Clock* clock = &edgekit::RealClock::Get();
  benchmark::DoNotOptimize(clock);
  return *clock;
}

std::atomic<uint64_t> g_state_word{0};

void BM_Baseline_ClockReadsAndAtomics(benchmark::State& state) {
  edgekit::Clock& clock = OpaqueClock();
  AllocationMeter meter(state);
  for (auto _ : state) {
    const absl::Time start = clock.MonotonicNow();
    const uint64_t word = g_state_word.load(std::memory_order_acquire);
    int r = ProtectedCall(1);
    benchmark::DoNotOptimize(r);
    const absl::Time end = clock.MonotonicNow();
    g_counter.fetch_add(1, std::memory_order_relaxed);
    benchmark::DoNotOptimize(word);
    benchmark::DoNotOptimize(end - start);
  }
}
BENCHMARK(BM_Baseline_ClockReadsAndAtomics);
BENCHMARK(BM_Baseline_ClockReadsAndAtomics)->Threads(2)->UseRealTime();

void DocumentedPath(benchmark::State& state, WindowType type) {
  CircuitBreaker& breaker = SharedBreaker(type);
  AllocationMeter meter(state);
  for (auto _ : state) {
    Permit permit = breaker.TryAcquire();
    int r = ProtectedCall(1);
    benchmark::DoNotOptimize(r);
    permit.Record(Outcome::kSuccess);
  }
}

void BM_Breaker_DocumentedPath(benchmark::State& state) {
  DocumentedPath(state, WindowType::kCountBased);
}
BENCHMARK(BM_Breaker_DocumentedPath);
BENCHMARK(BM_Breaker_DocumentedPath)->Threads(2)->UseRealTime();

void BM_Breaker_DocumentedPath_TimeWindow(benchmark::State& state) {
  DocumentedPath(state, WindowType::kTimeBased);
}
BENCHMARK(BM_Breaker_DocumentedPath_TimeWindow);
BENCHMARK(BM_Breaker_DocumentedPath_TimeWindow)->Threads(2)->UseRealTime();

void BM_Breaker_OpenReject(benchmark::State& state) {
  static CircuitBreaker* breaker = [] {
    CircuitBreakerOptions o;
    o.consecutive_failures = 1;
    CircuitBreaker* b = CircuitBreaker::Create(o).value().release();
    b->TryAcquire(kNow).Record(Outcome::kFailure, kLatency);
    return b;
  }();
  AllocationMeter meter(state);
  for (auto _ : state) {
    Permit permit = breaker->TryAcquire(kNow);
    benchmark::DoNotOptimize(permit.admitted());
  }
}
BENCHMARK(BM_Breaker_OpenReject);
BENCHMARK(BM_Breaker_OpenReject)->Threads(2)->UseRealTime();

// Pick + report over 16 hosts with 16 breakers (all closed): the full
// per-request cost of the selector. The baseline is one random draw and one
// atomic add, the floor of any randomized balancer.
UpstreamSelector& SharedSelector() {
  static UpstreamSelector* selector = [] {
    static std::vector<std::unique_ptr<CircuitBreaker>> breakers;
    std::vector<UpstreamHost> hosts;
    for (int i = 0; i < 16; ++i) {
      breakers.push_back(CircuitBreaker::Create(CircuitBreakerOptions{}).value());
      hosts.push_back({"10.0.0." + std::to_string(i) + ":443", breakers.back().get()});
    }
    return UpstreamSelector::Create(std::move(hosts), {}, UpstreamSelectorOptions{})
        .value()
        .release();
  }();
  return *selector;
}

void BM_Baseline_RandomDrawAndAtomicIncrement(benchmark::State& state) {
  static edgekit::SplitMix64 random(1);
  AllocationMeter meter(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(random.Next() % 16);
    g_counter.fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_Baseline_RandomDrawAndAtomicIncrement);
BENCHMARK(BM_Baseline_RandomDrawAndAtomicIncrement)->Threads(2)->UseRealTime();

void BM_UpstreamSelector_Pick(benchmark::State& state) {
  UpstreamSelector& selector = SharedSelector();
  AllocationMeter meter(state);
  int64_t i = 0;
  for (auto _ : state) {
    Selection s = selector.Pick(kNow);
    benchmark::DoNotOptimize(s.index());
    s.Record(Outcome::kSuccess, absl::Microseconds(200 + (++i & 255)));
  }
}
BENCHMARK(BM_UpstreamSelector_Pick);
BENCHMARK(BM_UpstreamSelector_Pick)->Threads(2)->UseRealTime();

}  // namespace
