// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::canary alone (xxHash inside, not needed here): sticky buckets.
#include <cstdint>

#include "consumer.h"
#include "edgekit/canary/bucket.h"

int main() {
  Checks checks("canary");
  const edgekit::canary::BucketHasher hasher("checkout-v2");
  const uint32_t a = hasher.Bucket("user-1");
  checks.Expect(a < 10000, "bucket in 0..9999");
  checks.Expect(hasher.Bucket("user-1") == a, "same user, same bucket");
  checks.Expect(edgekit::canary::InPercent(a, 10000), "100.00% takes everyone");
  return checks.ExitCode();
}
