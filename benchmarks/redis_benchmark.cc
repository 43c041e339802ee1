// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fleet backends against a real redis-server on loopback, started by the
// benchmark (tests/redis/redis_server_helper.cc); without one the Redis
// benchmarks report an error and the local ones still run.
//
// Baselines in this binary:
// - BM_Baseline_PipelinedPing/threads:N: the same number of callers sending
//   raw PINGs through the same client (same sockets, same pipelining): the
//   floor of a decision's transport. BM_Global_Decide_Concurrent/threads:N
//   adds the GCRA script and the limiter around it.
// - BM_Baseline_RawHiredisPing: one raw hiredis connection per thread, each
//   pipelining 4 PINGs per round trip (no multiplexer at all).
// - BM_Baseline_BlockingRawPing/threads:16: 16 blocking callers, a raw hiredis
//   connection each, one PING per round trip (the floor of blocking callers).
// - BM_Global_Decide_OneConnection: one caller, one socket, one round trip per
//   decision (the previous design's figure). BM_Async_Decide: the event-loop
//   adapter, 64 decisions in flight from one loop thread.
// - BM_Baseline_LocalKeyedGcra: the floor of the hybrid limiter's local path.
// The overshoot benchmarks report admitted units against the documented bound
// (counters "admitted", "limit", "bound").

#include <event2/event.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/redis/async_client.h"
#include "edgekit/redis/client.h"
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

std::shared_ptr<redis::Client> NewClient(size_t connections, edgekit::Clock& clock) {
  redis::ClientOptions o;
  o.endpoints = {Server().endpoint()};
  o.connections = connections;
  o.command_timeout = absl::Seconds(1);
  return std::shared_ptr<redis::Client>(redis::Client::Create(o, clock).value());
}

std::unique_ptr<redis::GlobalLimiter> NewGlobal(std::shared_ptr<redis::Client> client,
                                                edgekit::Clock& clock, int64_t limit = 1000000000,
                                                absl::Duration window = absl::Seconds(1000)) {
  redis::GlobalLimiterOptions o;
  o.limit = limit;
  o.window = window;
  o.on_failure = redis::FailurePolicy::kFailClosed;
  return redis::GlobalLimiter::Create(o, std::move(client), clock).value();
}

void ReportRate(benchmark::State& state, const char* name, double per_iteration = 1) {
  state.counters[name] = benchmark::Counter(static_cast<double>(state.iterations()) * per_iteration,
                                            benchmark::Counter::kIsRate);
}

// ---------------------------------------------------------------------------
// Global limiter

void BM_Global_Decide_OneConnection(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  edgekit::testing::FakeClock clock;
  auto limiter = NewGlobal(NewClient(1, clock), clock);
  const auto keys = Keys(1024);
  size_t i = 0;
  for (auto _ : state) {
    auto d = limiter->Decide(keys[i++ & 1023], clock.SystemNow());
    benchmark::DoNotOptimize(d);
  }
  ReportRate(state, "decisions/s");
  state.counters["failure_policy"] =
      static_cast<double>(limiter->counters().failure_policy_decisions);
}
BENCHMARK(BM_Global_Decide_OneConnection)->UseRealTime();

struct Shared {
  edgekit::testing::FakeClock clock;
  std::shared_ptr<redis::Client> client;
  std::unique_ptr<redis::GlobalLimiter> limiter;
};

Shared& SharedState() {
  static Shared* shared = new Shared();
  return *shared;
}

// 16 callers on 4 sockets, unpaced: every decision should come from Redis.
void BM_Global_Decide_Concurrent(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  Shared& s = SharedState();
  if (state.thread_index() == 0) {
    s.client = NewClient(4, s.clock);
    s.limiter = NewGlobal(s.client, s.clock);
  }
  const auto keys = Keys(1024);
  size_t i = static_cast<size_t>(state.thread_index()) * 64;
  for (auto _ : state) {
    auto d = s.limiter->Decide(keys[i++ & 1023], s.clock.SystemNow());
    benchmark::DoNotOptimize(d);
  }
  ReportRate(state, "decisions/s");
  if (state.thread_index() == 0) {
    const auto c = s.limiter->counters();
    state.counters["failure_policy"] = static_cast<double>(c.failure_policy_decisions);
    const auto cc = s.client->counters();
    state.counters["replies/read"] =
        static_cast<double>(cc.commands) / static_cast<double>(std::max<uint64_t>(1, cc.reads));
  }
}
BENCHMARK(BM_Global_Decide_Concurrent)->Threads(16)->UseRealTime();

void BM_Baseline_PipelinedPing(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  Shared& s = SharedState();
  if (state.thread_index() == 0) s.client = NewClient(4, s.clock);
  const redis::Command ping({"PING"});
  uint64_t failures = 0;
  for (auto _ : state) {
    auto r = s.client->Execute(ping);
    failures += r.ok() ? 0 : 1;
    benchmark::DoNotOptimize(r);
  }
  ReportRate(state, "pings/s");
  if (failures != 0) state.SkipWithError("PING failed");
}
BENCHMARK(BM_Baseline_PipelinedPing)->Threads(16)->UseRealTime();

// One raw hiredis connection per thread, 4 PINGs per round trip.
void BM_Baseline_RawHiredisPing(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  redisContext* ctx = redisConnect("127.0.0.1", Server().port());
  if (ctx == nullptr || ctx->err != 0) return state.SkipWithError("connect failed");
  for (auto _ : state) {
    for (int k = 0; k < 4; ++k) redisAppendCommand(ctx, "PING");
    for (int k = 0; k < 4; ++k) {
      void* reply = nullptr;
      if (redisGetReply(ctx, &reply) != REDIS_OK) {
        state.SkipWithError("PING failed");
        break;
      }
      freeReplyObject(reply);
    }
  }
  redisFree(ctx);
  ReportRate(state, "pings/s", 4);
}
BENCHMARK(BM_Baseline_RawHiredisPing)->Threads(4)->UseRealTime();

// 16 blocking callers without multiplexing: a raw hiredis socket each, one
// PING per round trip. The floor of any design where a caller's thread waits
// for its reply.
void BM_Baseline_BlockingRawPing(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  redisContext* ctx = redisConnect("127.0.0.1", Server().port());
  if (ctx == nullptr || ctx->err != 0) return state.SkipWithError("connect failed");
  for (auto _ : state) {
    void* reply = redisCommand(ctx, "PING");
    if (reply == nullptr) {
      state.SkipWithError("PING failed");
      break;
    }
    freeReplyObject(reply);
  }
  redisFree(ctx);
  ReportRate(state, "pings/s");
}
BENCHMARK(BM_Baseline_BlockingRawPing)->Threads(16)->UseRealTime();

void BM_Global_DecideBatch(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  edgekit::testing::FakeClock clock;
  auto limiter = NewGlobal(NewClient(1, clock), clock);
  const auto keys = Keys(static_cast<size_t>(state.range(0)));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  for (auto _ : state) {
    auto d = limiter->DecideBatch(views, clock.SystemNow());
    benchmark::DoNotOptimize(d);
  }
  ReportRate(state, "decisions/s", static_cast<double>(state.range(0)));
  state.counters["failure_policy"] =
      static_cast<double>(limiter->counters().failure_policy_decisions);
}
BENCHMARK(BM_Global_DecideBatch)->Arg(128)->UseRealTime();

// The event-loop adapter: one loop thread keeps 64 decisions in flight on one
// socket; no thread waits per decision.
void BM_Async_Decide(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  edgekit::testing::FakeClock clock;
  event_base* base = event_base_new();
  redis::ClientOptions o;
  o.endpoints = {Server().endpoint()};
  o.connections = 1;
  o.command_timeout = absl::Seconds(1);
  {
    auto client = redis::AsyncClient::Create(o, base, clock).value();
    redis::GlobalLimiterOptions lo;
    lo.limit = 1000000000;
    lo.window = absl::Seconds(1000);
    lo.on_failure = redis::FailurePolicy::kFailClosed;
    auto limiter = redis::AsyncGlobalLimiter::Create(lo, *client, clock).value();
    const auto keys = Keys(1024);
    size_t i = 0;
    int outstanding = 0;
    for (auto _ : state) {
      while (outstanding >= 64) event_base_loop(base, EVLOOP_ONCE);
      ++outstanding;
      limiter->Decide(keys[i++ & 1023], clock.SystemNow(), 1, [&](redis::GlobalDecision d) {
        benchmark::DoNotOptimize(d);
        --outstanding;
      });
    }
    while (outstanding > 0) event_base_loop(base, EVLOOP_ONCE);
    ReportRate(state, "decisions/s");
    state.counters["failure_policy"] =
        static_cast<double>(limiter->counters().failure_policy_decisions);
  }
  event_base_free(base);
}
BENCHMARK(BM_Async_Decide)->UseRealTime();

// ---------------------------------------------------------------------------
// Overshoot of one limit across 4 nodes deciding concurrently. Each thread is
// a node with its own client and limiter; time stands still (one window).

constexpr int kNodes = 4;
constexpr int64_t kLimit = 1000;
constexpr int64_t kMaxUnsynced = 25;

struct Fleet {
  edgekit::testing::FakeClock clock{absl::FromUnixSeconds(1700000040)};
  std::vector<std::unique_ptr<redis::GlobalLimiter>> global;
  std::vector<std::unique_ptr<redis::HybridLimiter>> hybrid;
  std::atomic<int64_t> admitted{0};
};

Fleet& FleetState() {
  static Fleet* fleet = new Fleet();
  return *fleet;
}

void BM_Global_Overshoot(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  Fleet& f = FleetState();
  if (state.thread_index() == 0) {
    f.global.clear();
    f.admitted = 0;
    for (int n = 0; n < kNodes; ++n) {
      f.global.push_back(NewGlobal(NewClient(1, f.clock), f.clock, kLimit, absl::Minutes(10)));
    }
    (void)NewClient(1, f.clock)->Execute({"DEL", "edgekit:gl:{overshoot}"});
  }
  redis::GlobalLimiter* node = nullptr;  // set inside the loop: after thread 0's setup
  for (auto _ : state) {
    if (node == nullptr) node = f.global[static_cast<size_t>(state.thread_index())].get();
    f.admitted += node->Decide("overshoot", f.clock.SystemNow()).decision.allowed;
  }
  if (state.thread_index() == 0) {
    state.counters["admitted"] = static_cast<double>(f.admitted.load());
    state.counters["limit"] = static_cast<double>(kLimit);
    state.counters["bound"] = static_cast<double>(kLimit);
  }
}
BENCHMARK(BM_Global_Overshoot)->Threads(kNodes)->Iterations(500)->UseRealTime();

void BM_Hybrid_Overshoot(benchmark::State& state) {
  if (!Server().ok()) return state.SkipWithError("no redis-server");
  Fleet& f = FleetState();
  if (state.thread_index() == 0) {
    f.hybrid.clear();
    f.admitted = 0;
    redis::HybridLimiterOptions o;
    static int run = 0;  // a fresh key per run of the benchmark
    o.key_prefix = "edgekit:bench-hl:" + std::to_string(++run) + ":";
    o.limit = kLimit;
    o.window = absl::Minutes(10);
    o.max_unsynced = kMaxUnsynced;
    for (int n = 0; n < kNodes; ++n) {
      f.hybrid.push_back(redis::HybridLimiter::Create(o, NewClient(1, f.clock), f.clock).value());
    }
  }
  redis::HybridLimiter* node = nullptr;  // set inside the loop: after thread 0's setup
  int64_t i = 0;
  for (auto _ : state) {
    if (node == nullptr) node = f.hybrid[static_cast<size_t>(state.thread_index())].get();
    f.admitted += node->Decide("overshoot", f.clock.SystemNow()).allowed;
    if (++i % 10 == 0) (void)node->Sync(f.clock.SystemNow());  // each node syncs on its own
  }
  if (state.thread_index() == 0) {
    state.counters["admitted"] = static_cast<double>(f.admitted.load());
    state.counters["limit"] = static_cast<double>(kLimit);
    state.counters["bound"] = static_cast<double>(kLimit + kNodes * kMaxUnsynced);
  }
}
BENCHMARK(BM_Hybrid_Overshoot)->Threads(kNodes)->Iterations(1000)->UseRealTime();

// ---------------------------------------------------------------------------
// Local paths

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

void BM_Hybrid_LocalDecide(benchmark::State& state) {
  edgekit::testing::FakeClock clock;
  redis::HybridLimiterOptions o;
  o.limit = 1000000000;
  o.max_unsynced = 1000000000;
  auto limiter = redis::HybridLimiter::Create(o, nullptr, clock).value();
  const auto keys = Keys(1024);
  size_t i = 0;
  const absl::Time now = clock.SystemNow();
  for (auto _ : state) {
    auto d = limiter->Decide(keys[i++ & 1023], now);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Hybrid_LocalDecide);

}  // namespace
