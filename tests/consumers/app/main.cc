// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// A small program that uses two edgekit components the way a user would, built
// by scripts/consumers against an installed package, add_subdirectory and
// FetchContent. Exits 0 when both behave.

#include <cstdio>

#include "edgekit/http/cache_control.h"
#include "edgekit/http/http_date.h"
#include "edgekit/ratelimit/token_bucket.h"
#include "edgekit/testing/fake_clock.h"

int main() {
  // edgekit::http: parse a response's Cache-Control and format a Date.
  const edgekit::http::CacheControl cc =
      edgekit::http::ParseCacheControl("public, max-age=60, stale-while-revalidate=30");
  const bool http_ok = cc.public_ && cc.max_age == absl::Seconds(60) &&
                       cc.stale_while_revalidate == absl::Seconds(30) &&
                       edgekit::http::FormatHttpDate(absl::FromUnixSeconds(784111777)) ==
                           "Sun, 06 Nov 1994 08:49:37 GMT";

  // edgekit::ratelimit: a token bucket of 5 at 1/s lets a burst of 5 through.
  edgekit::testing::FakeClock clock;
  auto policy = edgekit::ratelimit::TokenBucketPolicy::Create(5, 1, absl::Seconds(1));
  if (!policy.ok()) {
    std::printf("consumer: bad policy: %s\n", policy.status().ToString().c_str());
    return 1;
  }
  edgekit::ratelimit::TokenBucket bucket(*policy, clock);
  int allowed = 0;
  for (int i = 0; i < 8; ++i) allowed += bucket.TryAcquire().allowed ? 1 : 0;
  clock.Advance(absl::Seconds(1));
  const bool refilled = bucket.TryAcquire().allowed;

  const bool ok = http_ok && allowed == 5 && refilled;
  std::printf("consumer: http %s, ratelimit %d/8 allowed then refill %s: %s\n",
              http_ok ? "ok" : "WRONG", allowed, refilled ? "ok" : "WRONG", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
