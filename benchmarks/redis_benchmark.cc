// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fleet backends. Global decisions per second against a real redis-server on
// loopback (one EVALSHA per decision, and pipelined batches), and the hybrid
// limiter's local decision beside the plain local keyed limiter (the floor:
// same work without fleet bookkeeping). The redis-server is started by the
// benchmark (tests/redis/redis_server_helper.cc); without one, the Redis
// benchmarks report an error and the local ones still run.

#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/redis/global_limiter.h"
#include "edgekit/redis/hybrid_limiter.h"
#include "edgekit/testing/fake_clock.h"
#include "redis_server.h"

namespace {

namespace redis = edgekit::redis;

edgekit_test::RedisServer& Server() {
  static edgekit_test::RedisServer server;  // stopped at exit
  return server;
}

std::vector<std::string> Keys(size_t n) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back("tenant-" + std::to_string(i));
  return keys;
}

std::unique_ptr<redis::GlobalLimiter> Global(edgekit::Clock& clock) {
  redis::GlobalLimiterOptions o;
  o.limit = 1000000000;
  o.window = absl::Seconds(1);
  o.redis.port = Server().port();
  o.redis.command_timeout = absl::Seconds(1);
  return redis::GlobalLimiter::Create(o, clock).value();
}

void BM_GlobalGcra_Decide(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  edgekit::testing::FakeClock clock;
  auto limiter = Global(clock);
  const auto keys = Keys(1024);
  size_t i = 0;
  for (auto _ : state) {
    auto d = limiter->Decide(keys[i++ & 1023], clock.SystemNow());
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (limiter->counters().failures != 0) state.SkipWithError("redis failures");
}
BENCHMARK(BM_GlobalGcra_Decide)->UseRealTime();

void BM_GlobalGcra_DecideBatch(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  edgekit::testing::FakeClock clock;
  auto limiter = Global(clock);
  const auto keys = Keys(static_cast<size_t>(state.range(0)));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  for (auto _ : state) {
    auto d = limiter->DecideBatch(views, clock.SystemNow());
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
  if (limiter->counters().failures != 0) state.SkipWithError("redis failures");
}
BENCHMARK(BM_GlobalGcra_DecideBatch)->Arg(16)->Arg(128)->UseRealTime();

// The floor for the hybrid limiter's local path: a keyed GCRA decision.
void BM_Baseline_LocalKeyedGcra(benchmark::State& state) {
  edgekit::testing::FakeClock clock;
  auto policy = edgekit::ratelimit::GcraPolicy::Create(1000000000, absl::Seconds(1)).value();
  auto limiter =
      edgekit::ratelimit::KeyedLimiter<edgekit::ratelimit::GcraPolicy>::Create(policy, {}, clock)
          .value();
  const auto keys = Keys(1024);
  size_t i = 0;
  const absl::Time now = clock.SystemNow();
  for (auto _ : state) {
    auto d = limiter->TryAcquire(keys[i++ & 1023], now);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Baseline_LocalKeyedGcra);

void BM_HybridLimiter_LocalDecide(benchmark::State& state) {
  edgekit::testing::FakeClock clock;
  redis::HybridLimiterOptions o;
  o.limit = 1000000000;
  o.max_unsynced = 1000000000;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  auto limiter = redis::HybridLimiter::Create(o, client).value();
  const auto keys = Keys(1024);
  size_t i = 0;
  const absl::Time now = clock.SystemNow();
  for (auto _ : state) {
    auto d = limiter->Decide(keys[i++ & 1023], now);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_HybridLimiter_LocalDecide);

}  // namespace
