// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::ratelimit in a host: a rule table ("5 logins per 5 minutes per IP;
// 10,000 per hour per premium API key; anonymous 60 per minute per IP"),
// decisions, and the RateLimit / Retry-After fields a 429 carries. Time is
// passed explicitly here so the output is deterministic; a server would call
// Check(request) and let the limiter read its monotonic clock.

#include <cstdio>
#include <string>

#include "absl/time/time.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/rules.h"

namespace rl = edgekit::ratelimit;

int main() {
  auto limiter = rl::RuleLimiter::CreateFromText(R"(
    login:     5/5m     path=/api/login method=POST key=ip algo=sliding_log
    premium:   10000/1h key=api_key tier=premium
    anonymous: 60/1m    key=ip
  )");
  if (!limiter.ok()) {
    std::fprintf(stderr, "bad rules: %s\n", std::string(limiter.status().message()).c_str());
    return 1;
  }
  absl::Time now = absl::FromUnixSeconds(1700000000);
  rl::Request login;
  login.method = "POST";
  login.path = "/api/login";
  login.client_ip = "192.0.2.7";
  for (int i = 1; i <= 6; ++i) {
    const rl::RuleLimiter::Verdict v = (*limiter)->Check(login, now);
    const rl::RateLimitFields f = (*limiter)->Fields(v);
    std::printf("login attempt %d: %s\n  RateLimit-Policy: %s\n  RateLimit: %s\n", i,
                v.decision.allowed ? "200" : "429", f.policy.c_str(), f.ratelimit.c_str());
    if (!f.retry_after.empty()) std::printf("  Retry-After: %s\n", f.retry_after.c_str());
    now += absl::Seconds(10);
  }

  // The building blocks directly: a keyed GCRA limiter with a key bound.
  auto policy = rl::GcraPolicy::Create(100, absl::Minutes(1));
  rl::KeyedLimiterOptions options;
  options.max_keys = 100000;
  auto per_ip = rl::KeyedLimiter<rl::GcraPolicy>::Create(*policy, options);
  int allowed = 0;
  for (int i = 0; i < 150; ++i) allowed += per_ip->TryAcquire("198.51.100.1", now).allowed;
  const rl::KeyedCounters c = per_ip->counters();
  std::printf(
      "per-IP GCRA 100/min: %d of 150 allowed; keys=%llu allowed=%llu rejected=%llu, "
      "%.1f bytes per key\n",
      allowed, static_cast<unsigned long long>(c.keys), static_cast<unsigned long long>(c.allowed),
      static_cast<unsigned long long>(c.rejected), per_ip->BytesPerKey());
  return 0;
}
