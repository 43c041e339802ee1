// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis::GlobalLimiter: four limiter instances standing for four
// nodes share one real redis-server. Time is injected (FakeClock); only the
// network round trips take real time.

#include "edgekit/redis/global_limiter.h"

#include <memory>
#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;
using Source = redis::GlobalDecision::Source;

namespace {

redis::GlobalLimiterOptions Options(redis::GlobalAlgorithm algorithm) {
  redis::GlobalLimiterOptions o;
  o.algorithm = algorithm;
  o.limit = 100;
  o.window = absl::Minutes(1);
  return o;
}

// `n` nodes, each with its own client, sharing the server at `port`.
std::vector<std::unique_ptr<redis::GlobalLimiter>> Nodes(const redis::GlobalLimiterOptions& o,
                                                         int port, FakeClock& clock, int n) {
  std::vector<std::unique_ptr<redis::GlobalLimiter>> nodes;
  for (int i = 0; i < n; ++i) {
    auto l = redis::GlobalLimiter::Create(
        o, edgekit_test::TestClient(port, clock, absl::Seconds(1)), clock);
    REQUIRE(l.ok());
    nodes.push_back(std::move(*l));
  }
  return nodes;
}

}  // namespace

TEST_CASE("GlobalLimiter rejects options out of range instead of clamping them", "[redis]") {
  FakeClock clock;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  auto status = [&](const redis::GlobalLimiterOptions& o) {
    return redis::GlobalLimiter::Create(o, client, clock).status();
  };
  redis::GlobalLimiterOptions o;
  CHECK(status(o).message() ==
        "redis: global limiter: limit must be in [1, window in microseconds]");
  o.limit = 10;
  CHECK(status(o).ok());
  CHECK(absl::IsInvalidArgument(redis::GlobalLimiter::Create(o, nullptr, clock).status()));
  o.window = absl::Microseconds(10);
  CHECK(absl::IsInvalidArgument(status(o)));
  o.window = absl::Milliseconds(1);
  o.limit = 1001;  // more than one unit per microsecond
  CHECK(absl::IsInvalidArgument(status(o)));
  o = {};
  o.limit = 10;
  o.burst = -1;
  CHECK(absl::IsInvalidArgument(status(o)));
  o.burst = 0;
  o.fallback_max_keys = 0;
  CHECK(absl::IsInvalidArgument(status(o)));
  o.fallback_max_keys = 10;
  o.failure_retry_after = absl::Minutes(2);  // longer than the window
  CHECK(absl::IsInvalidArgument(status(o)));
  CHECK(redis::ToString(redis::FailurePolicy::kLocalFallback) == "local_fallback");
  CHECK(redis::ToString(redis::GlobalDecision::Source::kFailClosed) == "fail_closed");
  CHECK(redis::ToString(redis::GlobalAlgorithm::kSlidingWindowCounter) == "sliding_window_counter");
}

TEST_CASE("GlobalLimiter enforces one limit across four nodes", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  const auto algorithm =
      GENERATE(redis::GlobalAlgorithm::kGcra, redis::GlobalAlgorithm::kSlidingWindowCounter);
  FakeClock clock;
  auto nodes = Nodes(Options(algorithm), server.port(), clock, 4);

  // 400 requests spread round-robin over the nodes at one instant: exactly 100 pass.
  int allowed = 0;
  for (int i = 0; i < 400; ++i) {
    redis::GlobalDecision d = nodes[i % 4]->Decide("api-key-1", clock.SystemNow());
    CHECK(d.source == Source::kRedis);
    if (d.decision.allowed) ++allowed;
  }
  CHECK(allowed == 100);
  redis::GlobalDecision rejected = nodes[0]->Decide("api-key-1", clock.SystemNow());
  CHECK_FALSE(rejected.decision.allowed);
  CHECK(rejected.decision.retry_after() > absl::ZeroDuration());
  CHECK(rejected.decision.retry_after() <= absl::Minutes(1));

  // Another key has its own quota.
  CHECK(nodes[3]->Decide("api-key-2", clock.SystemNow()).decision.allowed);

  // A cost larger than the limit can never pass.
  redis::GlobalDecision huge = nodes[1]->Decide("api-key-3", clock.SystemNow(), 1000);
  CHECK(huge.decision.reason == edgekit::ratelimit::Reason::kCostExceedsLimit);
}

TEST_CASE("GlobalLimiter GCRA refills at the configured rate", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  auto nodes = Nodes(Options(redis::GlobalAlgorithm::kGcra), server.port(), clock, 2);
  for (int i = 0; i < 100; ++i)
    REQUIRE(nodes[i % 2]->Decide("k", clock.SystemNow()).decision.allowed);
  CHECK_FALSE(nodes[0]->Decide("k", clock.SystemNow()).decision.allowed);
  // 100 per minute: one unit every 600 ms.
  clock.Advance(absl::Milliseconds(600));
  CHECK(nodes[1]->Decide("k", clock.SystemNow()).decision.allowed);
  CHECK_FALSE(nodes[0]->Decide("k", clock.SystemNow()).decision.allowed);
  clock.Advance(absl::Seconds(6));
  int allowed = 0;
  for (int i = 0; i < 20; ++i)
    allowed += nodes[i % 2]->Decide("k", clock.SystemNow()).decision.allowed;
  CHECK(allowed == 10);
}

TEST_CASE("GlobalLimiter batches decisions in one round trip", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  auto o = Options(redis::GlobalAlgorithm::kSlidingWindowCounter);
  o.limit = 3;
  auto nodes = Nodes(o, server.port(), clock, 1);
  const std::vector<std::string_view> keys = {"a", "a", "a", "a", "b"};
  auto decisions = nodes[0]->DecideBatch(keys, clock.SystemNow());
  REQUIRE(decisions.size() == 5);
  CHECK(decisions[0].decision.allowed);
  CHECK(decisions[2].decision.allowed);
  CHECK_FALSE(decisions[3].decision.allowed);
  CHECK(decisions[4].decision.allowed);
  for (const auto& d : decisions) CHECK(d.source == Source::kRedis);
}

TEST_CASE("GlobalLimiter keeps deciding when Redis dies and uses it again after restart",
          "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  const auto policy = GENERATE(redis::FailurePolicy::kFailOpen, redis::FailurePolicy::kFailClosed,
                               redis::FailurePolicy::kLocalFallback);
  auto o = Options(redis::GlobalAlgorithm::kGcra);
  o.on_failure = policy;
  o.fallback_limit = 10;
  edgekit_test::LimiterRecorder recorder;
  o.observer = &recorder;
  auto nodes = Nodes(o, server.port(), clock, 4);
  REQUIRE(nodes[0]->Decide("k", clock.SystemNow()).source == Source::kRedis);

  server.Kill();
  int allowed = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    redis::GlobalDecision d = nodes[0]->Decide("k", clock.SystemNow());
    CHECK(d.source != Source::kRedis);
    allowed += d.decision.allowed;
  }
  // Bounded: the first call finds the dead connection (refused at once on
  // loopback), the rest fail fast during the backoff.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  switch (policy) {
    case redis::FailurePolicy::kFailOpen:
      CHECK(allowed == 40);
      break;
    case redis::FailurePolicy::kFailClosed:
      CHECK(allowed == 0);
      break;
    case redis::FailurePolicy::kLocalFallback:
      CHECK(allowed == 10);  // the node's local share
      break;
  }
  CHECK(nodes[0]->counters().failure_policy_decisions == 40);
  REQUIRE(recorder.keys.size() == 40);
  CHECK(recorder.keys[0] == "k");
  CHECK(recorder.limiters[0] == "global");
  CHECK(recorder.causes[0] == absl::StatusCode::kUnavailable);

  REQUIRE(server.Restart());
  clock.Advance(absl::Seconds(2));  // past the reconnect backoff
  redis::GlobalDecision back = nodes[0]->Decide("k", clock.SystemNow());
  CHECK(back.source == Source::kRedis);
  CHECK(back.decision.allowed);  // the restarted Redis is empty
}
