// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Conan test_package: the package links and two components work.
#include <cstdio>

#include "absl/time/time.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/version.h"

int main() {
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl("max-age=60");
  auto policy = edgekit::ratelimit::GcraPolicy::Create(10, absl::Seconds(1));
  const bool ok = cc.max_age == absl::Seconds(60) && policy.ok();
  std::printf("edgekit %d.%d.%d: %s\n", EDGEKIT_VERSION_MAJOR, EDGEKIT_VERSION_MINOR,
              EDGEKIT_VERSION_PATCH, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
