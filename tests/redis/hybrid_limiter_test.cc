// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis::HybridLimiter: local decisions, periodic fleet sync through a
// real redis-server. Four instances stand for four nodes; time is injected.

#include "edgekit/redis/hybrid_limiter.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;

TEST_CASE("HybridLimiter validates its options", "[redis]") {
  redis::HybridLimiterOptions o;
  FakeClock clock;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  CHECK(redis::HybridLimiter::Create(o, client).status().code() ==
        absl::StatusCode::kInvalidArgument);
  o.limit = 10;
  CHECK(redis::HybridLimiter::Create(o, client).status().code() ==
        absl::StatusCode::kInvalidArgument);  // max_unsynced
  o.max_unsynced = 2;
  CHECK(redis::HybridLimiter::Create(o, client).ok());
  o.max_unsynced = 11;  // more than the limit: rejected, not clamped
  CHECK(redis::HybridLimiter::Create(o, client).status().message() ==
        "redis: hybrid limiter: max_unsynced must be in [1, limit]");
  o.max_unsynced = 2;
  o.sync_interval = absl::ZeroDuration();
  CHECK(absl::IsInvalidArgument(redis::HybridLimiter::Create(o, client).status()));
  o.sync_interval = absl::Milliseconds(100);
  o.stale_after = absl::ZeroDuration();
  CHECK(absl::IsInvalidArgument(redis::HybridLimiter::Create(o, client).status()));
  o.stale_after = absl::Seconds(1);
  // Without a client only SyncAsync can sync.
  auto no_client = redis::HybridLimiter::Create(o, nullptr, clock).value();
  CHECK(absl::IsFailedPrecondition(no_client->Sync()));
}

TEST_CASE("HybridLimiter holds the fleet limit within the documented overshoot", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock(absl::FromUnixSeconds(1700000040));  // 40 s into a minute window
  constexpr int kNodes = 4;
  redis::HybridLimiterOptions o;
  o.limit = 1000;
  o.window = absl::Minutes(1);
  o.max_unsynced = 25;  // accepted overshoot: 4 * 25 = 100
  std::vector<std::unique_ptr<redis::HybridLimiter>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(
        redis::HybridLimiter::Create(o, edgekit_test::TestClient(server.port(), clock), clock)
            .value());
  }
  // Traffic: 4,000 requests, uneven across nodes, in 100 ms ticks over 10 s;
  // every node syncs once per tick.
  std::mt19937 rng(7);
  int allowed = 0;
  for (int tick = 0; tick < 100; ++tick) {
    for (int r = 0; r < 40; ++r) {
      const int node = static_cast<int>(rng() % 7) % kNodes;  // skewed
      allowed += nodes[node]->Decide("tenant", clock.SystemNow()).allowed;
    }
    for (auto& n : nodes) REQUIRE(n->Sync(clock.SystemNow()).ok());
    clock.Advance(absl::Milliseconds(100));
  }
  INFO("admitted " << allowed << " of 4000 for a fleet limit of 1000");
  CHECK(allowed >= 1000);
  CHECK(allowed <= 1000 + kNodes * 25);
  uint64_t unsynced_rejects = 0;
  for (auto& n : nodes) unsynced_rejects += n->counters().rejected_unsynced;
  WARN("hybrid limiter: admitted " << allowed << " for a limit of 1000 (overshoot "
                                   << allowed - 1000 << ", bound " << kNodes * 25
                                   << "); refused waiting for a sync: " << unsynced_rejects);
}

TEST_CASE("HybridLimiter decides locally while Redis is down and falls back when stale",
          "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock(absl::FromUnixSeconds(1700000040));
  redis::HybridLimiterOptions o;
  o.limit = 1000;
  o.window = absl::Minutes(1);
  o.max_unsynced = 10;
  o.stale_after = absl::Seconds(2);
  o.fallback_local_limit = 5;
  edgekit_test::LimiterRecorder recorder;
  o.observer = &recorder;
  auto node = redis::HybridLimiter::Create(o, edgekit_test::TestClient(server.port(), clock), clock)
                  .value();
  for (int i = 0; i < 10; ++i) REQUIRE(node->Decide("k", clock.SystemNow()).allowed);
  CHECK_FALSE(node->Decide("k", clock.SystemNow()).allowed);  // waits for a sync
  REQUIRE(node->Sync(clock.SystemNow()).ok());
  CHECK(node->Decide("k", clock.SystemNow()).allowed);

  server.Kill();
  CHECK(node->Sync(clock.SystemNow()).code() == absl::StatusCode::kUnavailable);
  // Not stale yet: the unsynced cap still applies (9 more, then a sync is needed).
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += node->Decide("k", clock.SystemNow()).allowed;
  CHECK(allowed == 9);
  // Stale: the local fallback of 5 per window (counted from what this node admitted).
  clock.Advance(absl::Seconds(3));
  allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += node->Decide("other", clock.SystemNow()).allowed;
  CHECK(allowed == 5);
  CHECK(node->counters().fallback_decisions >= 20);
  REQUIRE(recorder.keys.size() == node->counters().fallback_decisions);
  CHECK(recorder.keys.back() == "other");
  CHECK(recorder.limiters.back() == "hybrid");
  CHECK(recorder.causes.back() == absl::StatusCode::kUnavailable);

  REQUIRE(server.Restart());
  clock.Advance(absl::Milliseconds(200));  // past the client's backoff
  REQUIRE(node->Sync(clock.SystemNow()).ok());
  CHECK(node->Decide("k", clock.SystemNow()).allowed);  // back on fleet totals
  // What was admitted while Redis was down reached Redis with that sync (the
  // restarted server, without persistence, lost the 10 synced before).
  auto client = edgekit_test::TestClient(server.port(), clock);
  const int64_t index = absl::ToUnixSeconds(clock.SystemNow()) / 60;
  auto total = client->Execute(redis::Command({"HGET", "edgekit:hl:{k}:w", std::to_string(index)}));
  REQUIRE(total.ok());
  CHECK(total->str == "10");  // 1 + 9 admitted while it was down
}

TEST_CASE("HybridLimiter keeps at most max_keys keys and never evicts unsynced ones", "[redis]") {
  FakeClock clock(absl::FromUnixSeconds(1700000040));
  redis::HybridLimiterOptions o;
  o.limit = 100;
  o.max_unsynced = 100;
  o.max_keys = 3;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  auto node = redis::HybridLimiter::Create(o, client, clock).value();
  CHECK(node->Decide("a", clock.SystemNow()).allowed);
  CHECK(node->Decide("b", clock.SystemNow()).allowed);
  CHECK(node->Decide("c", clock.SystemNow()).allowed);
  // Full of keys with unsynced counts: a new key is refused rather than losing counts.
  CHECK_FALSE(node->Decide("d", clock.SystemNow()).allowed);
  CHECK(node->counters().keys == 3);
  CHECK(node->counters().evictions == 0);
}
