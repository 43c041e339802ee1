// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// breaker_example: a circuit breaker per upstream from a registry, an observer
// that logs state changes, and a minute of simulated traffic against an origin
// that fails from t=10s to t=30s. Time is passed explicitly so the run takes
// no time; a host calls TryAcquire() and Record(outcome), which read the
// clock. At the end, the registry's metrics in Prometheus text.
//
//   $ ./edgekit_breaker_example
//   [t=10.1s] origin-eu: closed -> open (failure_rate, wait 5.0s)
//   [t=15.1s] origin-eu: open -> half_open (wait_elapsed)
//   ...
#include <cstdio>
#include <memory>
#include <string_view>

#include "edgekit/base/metrics_text.h"
#include "edgekit/breaker/breaker_registry.h"
#include "edgekit/breaker/circuit_breaker.h"

namespace eb = edgekit::breaker;

namespace {

int Len(std::string_view s) { return static_cast<int>(s.size()); }

// Logs every transition of every breaker of the registry.
class LogTransitions final : public eb::CircuitBreakerObserver {
 public:
  explicit LogTransitions(absl::Time start) : start_(start) {}
  void OnStateChange(const eb::StateChange& c) override {
    const std::string_view from = ToString(c.from), to = ToString(c.to);
    const std::string_view reason = ToString(c.reason);
    std::printf("[t=%4.1fs] %.*s: %.*s -> %.*s (%.*s", absl::ToDoubleSeconds(c.at - start_),
                Len(c.breaker_name), c.breaker_name.data(), Len(from), from.data(), Len(to),
                to.data(), Len(reason), reason.data());
    if (c.to == eb::State::kOpen) std::printf(", wait %.1fs", absl::ToDoubleSeconds(c.open_for));
    std::printf(")\n");
  }

 private:
  absl::Time start_;
};

}  // namespace

int main() {
  const absl::Time start = absl::UnixEpoch() + absl::Hours(1);
  LogTransitions log(start);

  eb::BreakerRegistryOptions options;
  options.max_breakers = 64;
  options.defaults.window_size = 20;  // the last 20 calls
  options.defaults.minimum_calls = 10;
  options.defaults.failure_rate_threshold = 0.5;
  options.defaults.wait_in_open = absl::Seconds(5);
  options.defaults.wait_jitter = 0;
  options.defaults.permitted_calls_in_half_open = 3;
  options.defaults.observer = &log;
  auto registry = eb::BreakerRegistry::Create(options).value();
  std::shared_ptr<eb::CircuitBreaker> origin = registry->Get("origin-eu");

  int served = 0, refused = 0;
  for (int i = 0; i < 6000; ++i) {  // 100 requests per second for 60 s
    const absl::Time now = start + absl::Milliseconds(10 * i);
    eb::Permit permit = origin->TryAcquire(now);
    if (!permit) {  // answered at once: serve stale or 503
      ++refused;
      continue;
    }
    const bool down = now - start >= absl::Seconds(10) && now - start < absl::Seconds(30);
    permit.RecordAt(down ? eb::Outcome::kFailure : eb::Outcome::kSuccess,
                    now + absl::Milliseconds(20));
    ++served;
  }
  std::printf("served %d, refused %d, final state %.*s\n\n", served, refused,
              Len(ToString(origin->state())), ToString(origin->state()).data());

  edgekit::PrometheusTextWriter metrics;
  registry->VisitMetrics(metrics);
  const std::string text = metrics.Text();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
