// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Randomized comparison of CircuitBreaker against a deliberately simple,
// single-threaded reference model of the documented behaviour: same options,
// same event sequence, same states and admission decisions after every event.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace {

using edgekit::SplitMix64;
using edgekit::ToUnitInterval;
using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::Outcome;
using edgekit::breaker::Permit;
using edgekit::breaker::Rejection;
using edgekit::breaker::State;
using edgekit::breaker::WindowType;
using edgekit::testing::FakeClock;

// The reference: plain containers, a full re-scan of the window on every
// recorded call, no atomics, no fast paths.
class ModelBreaker {
 public:
  struct Ticket {
    bool admitted = false;
    Rejection rejection = Rejection::kNone;
    bool probe = false;
    uint64_t generation = 0;
    int64_t probe_id = 0;
    absl::Time start;
  };

  ModelBreaker(const CircuitBreakerOptions& o, absl::Time now, uint64_t seed)
      : o_(o), rng_(seed), head_sec_(Sec(now)) {
    min_calls_ = o.minimum_calls;
  }

  State state() const { return state_; }

  Ticket Acquire(absl::Time now) {
    Ticket t;
    t.start = now;
    if (state_ == State::kClosed) {
      t.admitted = true;
      t.generation = gen_;
      return t;
    }
    if (state_ == State::kOpen) {
      if (now < open_until_) {
        t.rejection = Rejection::kOpen;
        return t;
      }
      Enter(State::kHalfOpen, now);
    }
    // Half-open.
    for (auto it = probes_.begin(); it != probes_.end();) {
      it = now >= it->second ? probes_.erase(it) : it + 1;
    }
    if (recorded_ + static_cast<int>(probes_.size()) >= o_.permitted_calls_in_half_open) {
      t.rejection = Rejection::kHalfOpenFull;
      return t;
    }
    t.admitted = true;
    t.probe = true;
    t.generation = gen_;
    t.probe_id = ++next_probe_;
    probes_.push_back({t.probe_id, now + o_.probe_timeout});
    return t;
  }

  // `outcome` empty: abandoned.
  void Complete(const Ticket& t, bool abandoned, Outcome outcome, absl::Duration latency) {
    if (!t.admitted) return;
    const absl::Time end = t.start + std::max(latency, absl::ZeroDuration());
    const bool slow = latency > o_.slow_call_duration;
    if (!t.probe) {
      if (abandoned || outcome == Outcome::kIgnored) return;
      if (t.generation != gen_) return;
      AddToWindow(end, outcome == Outcome::kFailure, slow);
      if (outcome == Outcome::kFailure) {
        ++consecutive_;
      } else {
        consecutive_ = 0;
      }
      if (o_.consecutive_failures > 0 && consecutive_ >= o_.consecutive_failures) {
        Enter(State::kOpen, end);
        return;
      }
      int calls = 0, failures = 0, slows = 0;
      WindowTotals(&calls, &failures, &slows);
      if (calls >= min_calls_ && (Reached(failures, calls, o_.failure_rate_threshold) ||
                                  Reached(slows, calls, o_.slow_call_rate_threshold))) {
        Enter(State::kOpen, end);
      }
      return;
    }
    if (t.generation != gen_ || state_ != State::kHalfOpen) return;
    auto it = probes_.begin();
    while (it != probes_.end() && it->first != t.probe_id) ++it;
    if (it == probes_.end()) return;
    const absl::Time deadline = it->second;
    probes_.erase(it);
    if (abandoned || outcome == Outcome::kIgnored) return;
    if (end >= deadline) return;
    ++recorded_;
    if (outcome == Outcome::kFailure) ++probe_failures_;
    if (slow) ++probe_slow_;
    if (recorded_ == o_.permitted_calls_in_half_open) {
      if (Reached(probe_failures_, recorded_, o_.failure_rate_threshold) ||
          Reached(probe_slow_, recorded_, o_.slow_call_rate_threshold)) {
        Enter(State::kOpen, end);
      } else {
        Enter(State::kClosed, end);
      }
    }
  }

  absl::Time open_until() const { return open_until_; }

 private:
  struct Rec {
    int64_t sec;
    bool failure;
    bool slow;
  };

  static int64_t Sec(absl::Time t) {
    return absl::ToInt64Seconds(absl::Floor(t - absl::UnixEpoch(), absl::Seconds(1)));
  }
  static bool Reached(int count, int calls, double threshold) {
    return static_cast<double>(count) >= threshold * static_cast<double>(calls);
  }

  void AddToWindow(absl::Time end, bool failure, bool slow) {
    if (o_.window_type == WindowType::kCountBased) {
      window_.push_back({0, failure, slow});
      if (static_cast<int>(window_.size()) > o_.window_size) window_.pop_front();
      return;
    }
    head_sec_ = std::max(head_sec_, Sec(end));
    window_.push_back({head_sec_, failure, slow});
  }

  void WindowTotals(int* calls, int* failures, int* slows) const {
    for (const Rec& r : window_) {
      if (o_.window_type == WindowType::kTimeBased && r.sec <= head_sec_ - o_.window_size) {
        continue;
      }
      ++*calls;
      *failures += r.failure ? 1 : 0;
      *slows += r.slow ? 1 : 0;
    }
  }

  void Enter(State to, absl::Time now) {
    ++gen_;
    state_ = to;
    if (to == State::kOpen) {
      ++trips_;
      // The documented formula: min(base * m^(k-1), cap) * (1 + j * (2u - 1)).
      double wait = absl::ToDoubleSeconds(o_.wait_in_open) *
                    std::pow(o_.wait_multiplier, static_cast<double>(trips_ - 1));
      wait = std::min(wait, absl::ToDoubleSeconds(o_.max_wait_in_open));
      if (o_.wait_jitter > 0) {
        wait *= 1.0 + o_.wait_jitter * (2.0 * ToUnitInterval(rng_.Next()) - 1.0);
      }
      open_until_ = now + absl::Nanoseconds(static_cast<int64_t>(wait * 1e9));
    } else if (to == State::kHalfOpen) {
      probes_.clear();
      recorded_ = probe_failures_ = probe_slow_ = 0;
    } else if (to == State::kClosed) {
      trips_ = 0;
      window_.clear();
      consecutive_ = 0;
      head_sec_ = Sec(now);
    }
  }

  CircuitBreakerOptions o_;
  SplitMix64 rng_;
  State state_ = State::kClosed;
  uint64_t gen_ = 0;
  int min_calls_ = 0;
  std::deque<Rec> window_;
  int64_t head_sec_;
  int consecutive_ = 0;
  int trips_ = 0;
  absl::Time open_until_;
  std::vector<std::pair<int64_t, absl::Time>> probes_;  // id, deadline
  int64_t next_probe_ = 0;
  int recorded_ = 0, probe_failures_ = 0, probe_slow_ = 0;
};

}  // namespace

TEST_CASE("CircuitBreaker matches the reference model on random event sequences", "[breaker]") {
  constexpr int kRuns = 150;
  constexpr int kEvents = 1500;
  int non_closed_events = 0;
  for (int run = 0; run < kRuns; ++run) {
    std::mt19937_64 gen(static_cast<uint64_t>(run) * 7919 + 1);
    auto uniform = [&gen](int lo, int hi) {
      return std::uniform_int_distribution<int>(lo, hi)(gen);
    };
    CircuitBreakerOptions o;
    o.window_type = uniform(0, 1) == 0 ? WindowType::kCountBased : WindowType::kTimeBased;
    o.window_size = uniform(1, 12);
    o.minimum_calls =
        o.window_type == WindowType::kCountBased ? uniform(1, o.window_size) : uniform(1, 15);
    o.failure_rate_threshold = uniform(1, 10) / 10.0;
    o.slow_call_rate_threshold = uniform(1, 10) / 10.0;
    o.slow_call_duration = absl::Milliseconds(uniform(100, 2000));
    o.consecutive_failures = uniform(0, 5);
    o.wait_in_open = absl::Milliseconds(uniform(500, 5000));
    o.wait_multiplier = uniform(10, 30) / 10.0;
    o.max_wait_in_open = o.wait_in_open * uniform(1, 8);
    o.wait_jitter = uniform(0, 3) / 10.0;
    o.permitted_calls_in_half_open = uniform(1, 4);
    o.probe_timeout = absl::Milliseconds(uniform(200, 5000));
    const uint64_t seed = gen();
    SplitMix64 random(seed);
    o.random = &random;
    INFO("run " << run << " window " << o.window_size << " type "
                << static_cast<int>(o.window_type));

    FakeClock clock(absl::FromUnixSeconds(1000000));
    auto created = CircuitBreaker::Create(o, clock);
    REQUIRE(created.ok());
    CircuitBreaker& real = **created;
    ModelBreaker model(o, clock.MonotonicNow(), seed);

    struct Pair {
      Permit permit;
      ModelBreaker::Ticket ticket;
    };
    std::vector<Pair> outstanding;
    for (int e = 0; e < kEvents; ++e) {
      const int kind = uniform(0, 99);
      const absl::Time now = clock.MonotonicNow();
      if (kind < 40) {
        Pair p{real.TryAcquire(now), model.Acquire(now)};
        REQUIRE(p.permit.admitted() == p.ticket.admitted);
        REQUIRE(p.permit.rejection() == p.ticket.rejection);
        REQUIRE(p.permit.is_probe() == p.ticket.probe);
        if (p.permit.admitted()) outstanding.push_back(std::move(p));
      } else if (kind < 80 && !outstanding.empty()) {
        const size_t i = static_cast<size_t>(uniform(0, static_cast<int>(outstanding.size()) - 1));
        const int oc = uniform(0, 9);
        const Outcome outcome =
            oc < 5 ? Outcome::kSuccess : (oc < 9 ? Outcome::kFailure : Outcome::kIgnored);
        // Mostly the latency since the permit was issued; sometimes an
        // explicit host-measured one.
        absl::Duration latency = now - outstanding[i].permit.start();
        if (uniform(0, 3) == 0) latency = absl::Milliseconds(uniform(0, 3000));
        outstanding[i].permit.Record(outcome, latency);
        model.Complete(outstanding[i].ticket, false, outcome, latency);
        outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(i));
      } else if (kind < 85 && !outstanding.empty()) {
        const size_t i = static_cast<size_t>(uniform(0, static_cast<int>(outstanding.size()) - 1));
        outstanding[i].permit.Abandon();
        model.Complete(outstanding[i].ticket, true, Outcome::kIgnored, absl::ZeroDuration());
        outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        const int step = uniform(0, 99);
        clock.Advance(step < 90 ? absl::Milliseconds(uniform(0, 400))
                                : absl::Milliseconds(uniform(1000, 8000)));
      }
      REQUIRE(real.state() == model.state());
      if (real.state() == State::kOpen) REQUIRE(real.open_until() == model.open_until());
      non_closed_events += model.state() != State::kClosed ? 1 : 0;
      if (outstanding.size() > 64) {  // keep permits bounded: finish the oldest
        outstanding.front().permit.Abandon();
        model.Complete(outstanding.front().ticket, true, Outcome::kIgnored, absl::ZeroDuration());
        outstanding.erase(outstanding.begin());
        REQUIRE(real.state() == model.state());
      }
    }
    for (Pair& p : outstanding) {
      p.permit.Abandon();
      model.Complete(p.ticket, true, Outcome::kIgnored, absl::ZeroDuration());
    }
  }
  CHECK(non_closed_events > 1000);  // the runs did exercise open and half-open
}
