// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Concurrency tests of CircuitBreaker (run under TSan in CI). Threads only
// record what they saw; every assertion is on the main thread.
#include <atomic>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "observer_helper.h"

namespace {

using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::Outcome;
using edgekit::breaker::Permit;
using edgekit::breaker::State;
using edgekit::breaker::StateChange;
using edgekit::breaker::WindowType;
using edgekit::testing::FakeClock;

constexpr int kThreads = 8;

// Spins until every thread has arrived, so the threads really contend.
class StartLine {
 public:
  explicit StartLine(int n) : waiting_(n) {}
  void ArriveAndWait() {
    waiting_.fetch_sub(1, std::memory_order_acq_rel);
    while (waiting_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> waiting_;
};

std::unique_ptr<CircuitBreaker> TrippedAndWaited(const CircuitBreakerOptions& o, FakeClock& clock) {
  auto b = std::move(CircuitBreaker::Create(o, clock)).value();
  for (int i = 0; i < o.consecutive_failures; ++i) {
    Permit p = b->TryAcquire(clock.MonotonicNow());
    p.Record(Outcome::kFailure, absl::ZeroDuration());
  }
  clock.Advance(o.max_wait_in_open * 2);
  return b;
}

}  // namespace

TEST_CASE("Half-open admits exactly N probes under many threads", "[breaker][concurrency]") {
  CircuitBreakerOptions o;
  o.consecutive_failures = 1;
  o.wait_in_open = absl::Seconds(1);
  o.max_wait_in_open = absl::Seconds(1);
  o.wait_jitter = 0;
  o.permitted_calls_in_half_open = 5;
  for (int round = 0; round < 10; ++round) {
    FakeClock clock;
    auto b = TrippedAndWaited(o, clock);
    const bool report = round % 2 == 1;  // odd rounds: probes report at once
    StartLine start(kThreads);
    std::vector<std::vector<Permit>> held(kThreads);
    std::vector<int> probes(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.ArriveAndWait();
        for (int i = 0; i < 200; ++i) {
          Permit p = b->TryAcquire(clock.MonotonicNow());
          if (!p.is_probe()) continue;
          ++probes[static_cast<size_t>(t)];
          if (report) {
            p.Record(Outcome::kSuccess, absl::Milliseconds(1));
          } else {
            held[static_cast<size_t>(t)].push_back(std::move(p));
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();
    int total = 0;
    for (int n : probes) total += n;
    CHECK(total == 5);
    CHECK(b->counters().of(State::kHalfOpen).permitted == 5);
    if (report) {
      CHECK(b->state() == State::kClosed);
    } else {
      CHECK(b->state() == State::kHalfOpen);
      CHECK(b->probes_in_flight() == 5);
      held.clear();  // abandoned: the slots free up
      CHECK(b->probes_in_flight() == 0);
      CHECK(b->TryAcquire(clock.MonotonicNow()).is_probe());
    }
  }
}

TEST_CASE("CircuitBreaker stress: mixed calls, transitions and time from many threads",
          "[breaker][concurrency]") {
  for (WindowType type : {WindowType::kCountBased, WindowType::kTimeBased}) {
    FakeClock clock;
    std::atomic<uint64_t> to_open{0};
    CircuitBreakerOptions o;
    o.window_type = type;
    o.window_size = type == WindowType::kCountBased ? 20 : 3;
    o.minimum_calls = 10;
    o.failure_rate_threshold = 0.5;
    o.slow_call_rate_threshold = 0.8;
    o.slow_call_duration = absl::Milliseconds(50);
    o.consecutive_failures = 6;
    o.wait_in_open = absl::Milliseconds(20);
    o.max_wait_in_open = absl::Milliseconds(100);
    o.permitted_calls_in_half_open = 3;
    o.probe_timeout = absl::Milliseconds(30);
    edgekit_breaker_test::FnObserver observer([&to_open](const StateChange& c) {
      if (c.to == State::kOpen) to_open.fetch_add(1, std::memory_order_relaxed);
    });

    o.observer = &observer;
    auto b = std::move(CircuitBreaker::Create(o, clock)).value();

    constexpr int kOps = 20000;
    StartLine start(kThreads);
    std::vector<uint64_t> admitted(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 gen(static_cast<uint32_t>(t) + 11);
        std::vector<Permit> held;
        start.ArriveAndWait();
        for (int i = 0; i < kOps; ++i) {
          const uint32_t r = gen() % 100;
          if (r < 2) {
            clock.Advance(absl::Milliseconds(gen() % 7));
          } else if (r == 2 && t == 0 && i % 1000 == 0) {
            b->ForceOpen();
            b->Reset();
          }
          Permit p = b->TryAcquire(clock.MonotonicNow());
          if (!p) continue;
          ++admitted[static_cast<size_t>(t)];
          const uint32_t oc = gen() % 10;
          const absl::Duration latency = absl::Milliseconds(gen() % 60);
          if (oc < 6) {
            p.Record(Outcome::kSuccess, latency);
          } else if (oc < 8) {
            p.Record(Outcome::kFailure, latency);
          } else if (oc < 9) {
            p.Record(Outcome::kIgnored, latency);
          } else if (held.size() < 4) {
            held.push_back(std::move(p));  // reported (or abandoned) later
          }
          if (!held.empty() && gen() % 8 == 0) {
            held.back().Record(Outcome::kSuccess);
            held.pop_back();
          }
        }
      });
    }
    for (std::thread& th : threads) th.join();

    uint64_t total_admitted = 0;
    for (uint64_t n : admitted) total_admitted += n;
    const auto c = b->counters();
    uint64_t total_permitted = 0;
    for (const auto& s : c.by_state) total_permitted += s.permitted;
    CHECK(total_permitted == total_admitted);
    CHECK(c.entered[static_cast<int>(State::kOpen)] == to_open.load());
    CHECK(c.entered[static_cast<int>(State::kOpen)] > 0);
    CHECK(c.entered[static_cast<int>(State::kHalfOpen)] > 0);
    CHECK(c.of(State::kOpen).rejected > 0);

    // It never sticks: after the longest wait, healthy probes close it.
    for (int round = 0; round < 5 && b->state() != State::kClosed; ++round) {
      clock.Advance(absl::Seconds(1));
      for (int k = 0; k < 3; ++k) {
        Permit p = b->TryAcquire(clock.MonotonicNow());
        p.Record(Outcome::kSuccess, absl::ZeroDuration());
      }
    }
    CHECK(b->state() == State::kClosed);
  }
}
