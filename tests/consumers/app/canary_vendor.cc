// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::canary_vendor alone: LaunchDarkly's bucket of its SDK test vector.
#include "consumer.h"
#include "edgekit/canary/vendor.h"

int main() {
  Checks checks("canary_vendor");
  checks.Expect(edgekit::canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyA") == 0.42157587f,
                "LaunchDarkly SDK vector");
  return checks.ExitCode();
}
