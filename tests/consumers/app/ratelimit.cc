// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::ratelimit alone (Abseil is its only dependency): a token bucket of
// 5 refilled at 1/s lets a burst of 5 through, then one more a second later.
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/base/clock.h"
#include "edgekit/ratelimit/token_bucket.h"

namespace {

// The host's own clock, stepped by hand.
class ManualClock final : public edgekit::Clock {
 public:
  absl::Time MonotonicNow() override { return now_; }
  absl::Time SystemNow() override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

}  // namespace

int main() {
  Checks checks("ratelimit");
  ManualClock clock;
  auto policy = edgekit::ratelimit::TokenBucketPolicy::Create(5, 1, absl::Seconds(1));
  checks.Expect(policy.ok(), "policy 5, 1/s");
  if (!policy.ok()) return checks.ExitCode();
  edgekit::ratelimit::TokenBucket bucket(*policy, clock);
  int allowed = 0;
  for (int i = 0; i < 8; ++i) allowed += bucket.TryAcquire().allowed ? 1 : 0;
  checks.Expect(allowed == 5, "burst of 5 of 8");
  clock.Advance(absl::Seconds(1));
  checks.Expect(bucket.TryAcquire().allowed, "one token after a second");
  checks.Expect(!bucket.TryAcquire().allowed, "and only one");
  return checks.ExitCode();
}
