// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// breaker_example: one breaker per upstream from a registry, an upstream
// selector over them, and a simulated minute of traffic in which one origin
// fails hard for 20 seconds. Time is passed explicitly (no sleeps): a real
// host passes its clock's now, or uses the overloads that read edgekit's
// RealClock.
//
//   $ ./edgekit_breaker_example
//   [t=12.3s] origin-b: closed -> open (failure-rate, wait 5s)
//   ...
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "edgekit/breaker/breaker_registry.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/upstream_selector.h"

namespace eb = edgekit::breaker;

int main() {
  const absl::Time start = absl::UnixEpoch() + absl::Hours(1);

  // One breaker per upstream, created on first use; transitions are logged.
  eb::BreakerRegistryOptions registry_options;
  registry_options.max_breakers = 64;
  eb::CircuitBreakerOptions& d = registry_options.defaults;
  d.window_type = eb::WindowType::kTimeBased;
  d.window_size = 10;  // seconds
  d.minimum_calls = 20;
  d.consecutive_failures = 3;
  d.failure_rate_threshold = 0.5;
  d.slow_call_duration = absl::Milliseconds(500);
  d.slow_call_rate_threshold = 0.8;
  d.wait_in_open = absl::Seconds(5);
  d.max_wait_in_open = absl::Seconds(60);
  d.permitted_calls_in_half_open = 3;
  d.listeners.push_back([start](const eb::StateChange& c) {
    std::printf("[t=%.1fs] %s: %s -> %s (%s", absl::ToDoubleSeconds(c.at - start),
                std::string(c.breaker_name).c_str(), std::string(ToString(c.from)).c_str(),
                std::string(ToString(c.to)).c_str(), std::string(ToString(c.reason)).c_str());
    if (c.to == eb::State::kOpen) {
      std::printf(", wait %.1fs", absl::ToDoubleSeconds(c.open_for));
    }
    std::printf(")\n");
  });
  auto registry = eb::BreakerRegistry::Create(registry_options).value();

  std::vector<eb::UpstreamHost> primary;
  for (const char* name : {"origin-a", "origin-b", "origin-c"}) {
    primary.push_back({name, registry->Get(name).get()});
  }
  std::vector<eb::UpstreamHost> backup = {{"origin-dr", registry->Get("origin-dr").get()}};
  eb::UpstreamSelectorOptions selector_options;
  selector_options.outlier.consecutive_errors = 10;
  selector_options.outlier.max_ejection_percent = 34;  // one host of three
  auto selector = eb::UpstreamSelector::Create(primary, backup, selector_options).value();

  // The simulated origins: b fails fast between t=10s and t=30s; c is slow.
  auto respond = [](const std::string& name, absl::Duration t, absl::Duration* latency) {
    if (name == "origin-b" && t >= absl::Seconds(10) && t < absl::Seconds(30)) {
      *latency = absl::Milliseconds(2);
      return false;  // 503
    }
    *latency = name == "origin-c" ? absl::Milliseconds(80) : absl::Milliseconds(20);
    return true;
  };

  int served = 0, refused = 0;
  std::vector<std::pair<std::string, int>> picks;
  for (int i = 0; i < 60000; ++i) {  // 1000 requests per second for 60 s
    const absl::Time now = start + absl::Milliseconds(i);
    eb::Selection s = selector->Pick(now);
    if (!s) {
      ++refused;
      continue;
    }
    eb::Permit permit = s.breaker()->TryAcquire(now);
    if (!permit) {  // the selector saw it half-open, but its probes are taken
      ++refused;
      continue;
    }
    absl::Duration latency;
    const bool ok = respond(s.name(), now - start, &latency);
    permit.Record(ok ? eb::Outcome::kSuccess : eb::Outcome::kFailure, latency);
    s.Report(latency, /*error=*/!ok);
    ++served;
    bool found = false;
    for (auto& [name, n] : picks) {
      if (name == s.name()) {
        ++n;
        found = true;
      }
    }
    if (!found) picks.emplace_back(s.name(), 1);
  }

  std::printf("selector: served %d, refused %d\n", served, refused);
  for (const auto& [name, n] : picks) std::printf("  %-10s %6d requests\n", name.c_str(), n);
  std::printf("(origin-b's fast 503s cost it the traffic after its first error)\n\n");

  // Part 2: a client pinned to one origin, protected by its breaker alone.
  std::shared_ptr<eb::CircuitBreaker> pinned = registry->Get("origin-x");
  int refused_fast = 0;
  for (int i = 0; i < 6000; ++i) {  // 100 requests per second for 60 s
    const absl::Time now = start + absl::Milliseconds(10 * i);
    eb::Permit permit = pinned->TryAcquire(now);
    if (!permit) {
      ++refused_fast;  // answered at once: serve stale or 503
      continue;
    }
    absl::Duration latency;
    const bool ok = respond("origin-b", now - start, &latency);
    permit.Record(ok ? eb::Outcome::kSuccess : eb::Outcome::kFailure, latency);
  }
  const eb::CircuitBreakerCounters c = pinned->counters();
  std::printf("origin-x: opened %llu times, %d calls refused fast, final state %s\n",
              static_cast<unsigned long long>(c.entered[static_cast<int>(eb::State::kOpen)]),
              refused_fast, std::string(ToString(pinned->state())).c_str());
  return 0;
}
