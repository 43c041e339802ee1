// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis::AsyncClient (hiredis's async API on a libevent loop the test
// runs) and the event-loop adapters of the limiters, against real
// redis-server processes: pipelining, replies in order, deadlines under
// SIGSTOP, kill and restart, AUTH and SELECT, cancellation at destruction.

#include "edgekit/redis/async_client.h"

#include <event2/event.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "edgekit/redis/global_limiter.h"
#include "edgekit/redis/hybrid_limiter.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;

namespace {

struct Loop {
  event_base* base = event_base_new();
  ~Loop() { event_base_free(base); }

  // Runs the loop until `done()`, at most 20 s of real time.
  bool RunUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      timeval tick{0, 5000};
      event_base_loopexit(base, &tick);
      event_base_dispatch(base);
    }
    return done();
  }
};

redis::ClientOptions OptionsFor(const edgekit_test::RedisServer& server) {
  redis::ClientOptions o;
  o.endpoints = {server.endpoint()};
  o.connections = 2;
  o.command_timeout = absl::Seconds(2);
  o.reconnect_backoff_min = absl::Seconds(1);
  o.reconnect_backoff_max = absl::Seconds(1);
  return o;
}

}  // namespace

TEST_CASE("AsyncClient pipelines commands and answers in order on the loop", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  Loop loop;
  CHECK(absl::IsInvalidArgument(redis::AsyncClient::Create(OptionsFor(server), nullptr).status()));
  redis::ClientOptions o = OptionsFor(server);
  o.connections = 1;  // one socket: replies in the order of the commands
  auto client = redis::AsyncClient::Create(o, loop.base).value();

  bool inside_submit = true;
  bool ran_inside = false;
  std::string pong;
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) {
    ran_inside = inside_submit;
    if (r.ok()) pong = r->str;
  });
  inside_submit = false;
  std::vector<int64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    client->Submit({"INCR", "n"}, [&](absl::StatusOr<redis::Reply> r) {
      seen.push_back(r.ok() ? r->integer : -1);
    });
  }
  int empty_code = 0;
  client->Submit(redis::Command(), [&](absl::StatusOr<redis::Reply> r) {
    empty_code = static_cast<int>(r.status().code());
  });
  REQUIRE(loop.RunUntil([&] { return seen.size() == 1000 && empty_code != 0; }));
  CHECK(pong == "PONG");
  CHECK_FALSE(ran_inside);  // callbacks never run inside Submit
  for (size_t i = 0; i < seen.size(); ++i) REQUIRE(seen[i] == static_cast<int64_t>(i + 1));
  CHECK(empty_code == static_cast<int>(absl::StatusCode::kInvalidArgument));
  CHECK(client->counters().commands == 1001);
}

TEST_CASE("AsyncGlobalLimiter holds one limit across four event-loop nodes", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  Loop loop;
  FakeClock clock;
  redis::GlobalLimiterOptions o;
  o.limit = 100;
  o.window = absl::Minutes(1);
  std::vector<std::unique_ptr<redis::AsyncClient>> clients;
  std::vector<std::unique_ptr<redis::AsyncGlobalLimiter>> nodes;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(redis::AsyncClient::Create(OptionsFor(server), loop.base, clock).value());
    nodes.push_back(redis::AsyncGlobalLimiter::Create(o, *clients.back(), clock).value());
  }
  int answered = 0, allowed = 0, from_redis = 0;
  for (int i = 0; i < 400; ++i) {
    nodes[static_cast<size_t>(i % 4)]->Decide(
        "tenant", clock.SystemNow(), 1, [&](redis::GlobalDecision d) {
          ++answered;
          allowed += d.decision.allowed;
          from_redis += d.source == redis::GlobalDecision::Source::kRedis;
        });
  }
  REQUIRE(loop.RunUntil([&] { return answered == 400; }));
  CHECK(allowed == 100);
  CHECK(from_redis == 400);
  CHECK(nodes[0]->counters().redis_decisions == 100);
}

TEST_CASE("HybridLimiter syncs through the event-loop client", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  Loop loop;
  FakeClock clock(absl::FromUnixSeconds(1700000040));
  auto client = redis::AsyncClient::Create(OptionsFor(server), loop.base, clock).value();
  redis::HybridLimiterOptions o;
  o.limit = 10;
  o.window = absl::Minutes(1);
  o.max_unsynced = 4;
  auto a = redis::HybridLimiter::Create(o, nullptr, clock).value();
  auto b = redis::HybridLimiter::Create(o, nullptr, clock).value();
  for (int i = 0; i < 4; ++i) REQUIRE(a->Decide("k", clock.SystemNow()).allowed);
  int synced = 0;
  absl::Status status = absl::UnknownError("not yet");
  a->SyncAsync(*client, clock.SystemNow(), [&](absl::Status s) {
    status = s;
    ++synced;
  });
  REQUIRE(loop.RunUntil([&] { return synced == 1; }));
  REQUIRE(status.ok());
  b->SyncAsync(*client, clock.SystemNow(), [&](absl::Status) { ++synced; });  // reads 4
  REQUIRE(loop.RunUntil([&] { return synced == 2; }));
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += b->Decide("k", clock.SystemNow()).allowed;
  CHECK(allowed == 4);  // unsynced cap: b may add 4 to the fleet's 4
}

TEST_CASE("AsyncClient meets its deadlines when the server stops, dies and comes back", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  Loop loop;
  FakeClock clock;
  class Recorder : public redis::ClientObserver {
   public:
    void OnConnectionLost(const redis::ConnectionLost&) override { ++lost; }
    void OnConnectionRestored(const redis::ConnectionRestored&) override { ++restored; }
    int lost = 0, restored = 0;
  } recorder;
  redis::ClientOptions o = OptionsFor(server);
  o.connections = 1;
  o.command_timeout = absl::Milliseconds(50);
  o.observer = &recorder;
  auto client = redis::AsyncClient::Create(o, loop.base, clock).value();
  int ok = 0;
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) { ok += r.ok(); });
  REQUIRE(loop.RunUntil([&] { return ok == 1; }));

  // SIGSTOP: no reply; every command fails with kDeadlineExceeded at its deadline.
  server.Pause();
  std::vector<absl::StatusCode> codes;
  std::chrono::nanoseconds worst{0};
  for (int i = 0; i < 20; ++i) {
    const auto start = std::chrono::steady_clock::now();
    client->Submit({"PING"}, [&, start](absl::StatusOr<redis::Reply> r) {
      worst = std::max(worst, std::chrono::steady_clock::now() - start);
      codes.push_back(r.status().code());
    });
  }
  REQUIRE(loop.RunUntil([&] { return codes.size() == 20; }));
  server.Resume();
  for (absl::StatusCode c : codes) CHECK(c == absl::StatusCode::kDeadlineExceeded);
  CHECK(worst <= std::chrono::milliseconds(50 + 25));
  CHECK(recorder.lost == 1);
  CHECK(client->counters().timeouts == 20);

  // Waiting for the backoff (injected clock): refused at once.
  int refused = 0;
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) {
    refused += absl::IsUnavailable(r.status());
  });
  REQUIRE(loop.RunUntil([&] { return refused == 1; }));
  clock.Advance(absl::Seconds(1));
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) { ok += r.ok(); });
  REQUIRE(loop.RunUntil([&] { return ok == 2; }));
  CHECK(recorder.restored == 1);

  // Killed: the connection closes and its commands fail with kUnavailable.
  server.Kill();
  int unavailable = 0;
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) {
    unavailable += absl::IsUnavailable(r.status());
  });
  REQUIRE(loop.RunUntil([&] { return unavailable == 1; }));
  REQUIRE(server.Restart());
  clock.Advance(absl::Seconds(2));
  client->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) { ok += r.ok(); });
  REQUIRE(loop.RunUntil([&] { return ok == 3; }));
  CHECK(recorder.restored == 2);
}

TEST_CASE("AsyncClient authenticates, selects a database and cancels on destruction", "[redis]") {
  edgekit_test::RedisServer server({"--requirepass", "pw"});
  INFO(server.error());
  REQUIRE(server.ok());
  Loop loop;
  redis::ClientOptions o = OptionsFor(server);
  o.password = "wrong";
  auto bad = redis::AsyncClient::Create(o, loop.base).value();
  absl::StatusCode code = absl::StatusCode::kOk;
  bad->Submit({"PING"}, [&](absl::StatusOr<redis::Reply> r) { code = r.status().code(); });
  REQUIRE(loop.RunUntil([&] { return code != absl::StatusCode::kOk; }));
  CHECK(code == absl::StatusCode::kUnauthenticated);

  o.password = "pw";
  o.database = 5;
  auto good = redis::AsyncClient::Create(o, loop.base).value();
  std::string value;
  good->Submit({"SET", "k", "five"}, [](absl::StatusOr<redis::Reply>) {});
  good->Submit({"GET", "k"},
               [&](absl::StatusOr<redis::Reply> r) { value = r.ok() ? r->str : "?"; });
  REQUIRE(loop.RunUntil([&] { return !value.empty(); }));
  CHECK(value == "five");
  auto in_db5 = edgekit_test::AdminClient(server.port(), "pw")
                    ->Execute(redis::Command({"GET", "k"}));  // database 0
  REQUIRE(in_db5.ok());
  CHECK(in_db5->is_nil());

  server.Pause();  // nothing will answer: destruction cancels what is outstanding
  int cancelled = 0;
  good->Submit({"PING"},
               [&](absl::StatusOr<redis::Reply> r) { cancelled += absl::IsCancelled(r.status()); });
  good.reset();
  CHECK(cancelled == 1);
  server.Resume();
}
