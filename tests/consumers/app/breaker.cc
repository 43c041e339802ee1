// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::breaker alone: four failures of four calls open the breaker, which
// then refuses calls.
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/breaker/circuit_breaker.h"

namespace breaker = edgekit::breaker;

int main() {
  Checks checks("breaker");
  breaker::CircuitBreakerOptions options;
  options.name = "origin";
  options.window_size = 4;
  options.minimum_calls = 4;
  options.failure_rate_threshold = 0.5;
  auto created = breaker::CircuitBreaker::Create(options);
  checks.Expect(created.ok(), "Create");
  if (!created.ok()) return checks.ExitCode();
  breaker::CircuitBreaker& b = **created;
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  for (int i = 0; i < 4; ++i) {
    breaker::Permit permit = b.TryAcquire(now);
    if (permit) permit.Record(breaker::Outcome::kFailure, absl::Milliseconds(5));
  }
  checks.Expect(b.state() == breaker::State::kOpen, "open after 4 failures of 4");
  checks.Expect(!b.TryAcquire(now), "refuses while open");
  return checks.ExitCode();
}
