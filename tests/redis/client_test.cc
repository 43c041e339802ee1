// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis::Client against real redis-server processes started by the
// tests: commands, pipelining, multiplexing under concurrency, scripts, AUTH,
// ACL users, SELECT and the observer.

#include "edgekit/redis/client.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/redis/commands.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;

namespace {

redis::ClientOptions OptionsFor(const edgekit_test::RedisServer& server) {
  redis::ClientOptions o;
  o.endpoints = {server.endpoint()};
  o.connect_timeout = absl::Milliseconds(500);
  o.command_timeout = absl::Seconds(2);
  return o;
}

class Recorder : public redis::ClientObserver {
 public:
  void OnConnectionLost(const redis::ConnectionLost& e) override {
    lost.push_back(std::string(e.endpoint));
    causes.push_back(e.status.code());
  }
  void OnConnectionRestored(const redis::ConnectionRestored& e) override {
    restored.push_back(std::string(e.endpoint));
  }
  std::vector<std::string> lost, restored;
  std::vector<absl::StatusCode> causes;
};

}  // namespace

TEST_CASE("Client rejects options out of range, naming the field", "[redis]") {
  auto code = [](redis::ClientOptions o) { return redis::Client::Create(o).status(); };
  redis::ClientOptions o;
  o.endpoints = {};
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.endpoints = {{"", 6379}};
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.endpoints = {{"h", 70000}};
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.endpoints = {{"a", 1}, {"b", 2}};  // several servers only for a cluster
  CHECK(absl::IsInvalidArgument(code(o)));
  o.topology = redis::Topology::kCluster;
  CHECK(code(o).ok());
  o.database = 1;  // clusters have database 0 only
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.connections = 0;
  CHECK(code(o).message() == "redis: connections must be in [1, 64]");
  o.connections = 65;  // rejected, not clamped
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.max_queue = 0;
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.command_timeout = absl::ZeroDuration();
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.reconnect_backoff_max = absl::Milliseconds(1);  // below the min
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.username = "alice";  // a user without a password
  CHECK(absl::IsInvalidArgument(code(o)));
  o = {};
  o.database = -1;
  CHECK(absl::IsInvalidArgument(code(o)));
  CHECK(redis::Client::Create(redis::ClientOptions{}).ok());  // never connects here
}

TEST_CASE("Client runs commands and batches against redis-server", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  auto client = redis::Client::Create(OptionsFor(server)).value();

  auto pong = client->Execute({"PING"});
  REQUIRE(pong.ok());
  CHECK(pong->type == redis::Reply::Type::kStatus);
  CHECK(pong->str == "PONG");

  REQUIRE(client->Execute(redis::Command({"SET", "k", std::string("a\0b", 3)})).ok());
  auto got = client->Execute({"GET", "k"});
  REQUIRE(got.ok());
  CHECK(got->str == std::string("a\0b", 3));  // binary safe
  auto nil = client->Execute({"GET", "missing"});
  REQUIRE(nil.ok());
  CHECK(nil->is_nil());

  // A server's "no" is a reply, not a failure.
  auto wrong = client->Execute({"INCR", "k"});
  REQUIRE(wrong.ok());
  CHECK(wrong->is_error());
  CHECK(absl::IsInvalidArgument(client->Execute(redis::Command()).status()));

  const redis::Command batch[] = {{"DEL", "n"}, {"INCR", "n"}, {"INCRBY", "n", "41"}, {"GET", "n"}};
  auto replies = client->ExecuteBatch(batch);
  REQUIRE(replies.size() == 4);
  for (const auto& r : replies) REQUIRE(r.ok());
  CHECK(replies[2]->integer == 42);
  CHECK(replies[3]->str == "42");

  auto keys = client->ScanKeys("*", 100);
  REQUIRE(keys.ok());
  CHECK(keys->size() == 2);
  CHECK(client->counters().commands >= 10);
}

TEST_CASE("Scripts are named by the SHA-1 Redis computes and reloaded after SCRIPT FLUSH",
          "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  auto client = redis::Client::Create(OptionsFor(server)).value();
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const redis::Command commands[] = {
      redis::BuildGcraCommand("t:", "k", now, 1000, 10, 1),
      redis::BuildSlidingWindowCommand("t:", "k", now, absl::Seconds(1), 10, 1),
      redis::BuildHybridSyncCommand("t:", "k", 5, 1, 0, absl::Seconds(3)),
  };
  for (const redis::Command& c : commands) {
    auto sha = client->Execute({"SCRIPT", "LOAD", c.script_source});
    REQUIRE(sha.ok());
    CHECK(sha->str == c.args[1]);
  }
  REQUIRE(client->Execute({"SCRIPT", "FLUSH"}).ok());
  // EVALSHA gets NOSCRIPT; the client sends EVAL with the source instead...
  auto first = client->Execute(commands[0]);
  REQUIRE(first.ok());
  CHECK(redis::ParseLimitReply(*first, 10).has_value());
  CHECK(client->counters().script_reloads == 1);
  // ...which cached the script again: EVALSHA works from then on.
  REQUIRE(client->Execute(commands[0]).ok());
  CHECK(client->counters().script_reloads == 1);
}

TEST_CASE("Concurrent callers share a few connections by pipelining", "[redis][concurrency]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  redis::ClientOptions o = OptionsFor(server);
  o.connections = 2;
  o.max_queue = 8;  // small: callers also wait for room
  auto client = redis::Client::Create(o).value();
  constexpr int kThreads = 12;
  constexpr int kPerThread = 300;
  std::atomic<int> failures{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string key = "counter-" + std::to_string(t);
      for (int i = 1; i <= kPerThread; ++i) {
        auto r = client->Execute({"INCR", key});
        if (!r.ok()) {
          failures.fetch_add(1);
        } else if (r->integer != i) {
          wrong.fetch_add(1);  // a reply routed to the wrong caller
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  CHECK(wrong.load() == 0);
  const redis::ClientCounters c = client->counters();
  CHECK(c.commands == kThreads * kPerThread);
  CHECK(c.connects == 2);
  CHECK(c.timeouts == 0);
  CHECK(c.queue_full == 0);
  // Pipelining: a read brings several callers' replies on average.
  CHECK(c.reads < c.commands);
}

TEST_CASE("AUTH with requirepass and an ACL user, SELECT a database", "[redis]") {
  edgekit_test::RedisServer server(
      {"--requirepass", "s3cret", "--user", "edge", "on", ">edge-pw", "~edgekit:*", "+@all"});
  INFO(server.error());
  REQUIRE(server.ok());
  redis::ClientOptions o = OptionsFor(server);

  SECTION("no password: NOAUTH is the server's answer") {
    auto client = redis::Client::Create(o).value();
    auto r = client->Execute({"GET", "x"});
    REQUIRE(r.ok());
    CHECK(r->is_error());
    CHECK(r->str.rfind("NOAUTH", 0) == 0);
  }
  SECTION("requirepass") {
    o.password = "s3cret";
    auto client = redis::Client::Create(o).value();
    auto r = client->Execute({"SET", "x", "1"});
    REQUIRE(r.ok());
    CHECK(r->str == "OK");
  }
  SECTION("an ACL user limited to edgekit:* keys") {
    o.username = "edge";
    o.password = "edge-pw";
    auto client = redis::Client::Create(o).value();
    auto allowed = client->Execute({"SET", "edgekit:x", "1"});
    REQUIRE(allowed.ok());
    CHECK(allowed->str == "OK");
    auto denied = client->Execute({"SET", "other", "1"});
    REQUIRE(denied.ok());
    CHECK(denied->str.rfind("NOPERM", 0) == 0);
    auto who = client->Execute({"ACL", "WHOAMI"});
    REQUIRE(who.ok());
    CHECK(who->str == "edge");
  }
  SECTION("a wrong password is a fault: kUnauthenticated, reported to the observer") {
    Recorder recorder;
    o.password = "wrong";
    o.observer = &recorder;
    auto client = redis::Client::Create(o).value();
    auto r = client->Execute({"PING"});
    CHECK(absl::IsUnauthenticated(r.status()));
    REQUIRE(recorder.lost.size() == 1);
    CHECK(recorder.causes[0] == absl::StatusCode::kUnauthenticated);
    CHECK(client->counters().connection_errors == 1);
  }
  SECTION("SELECT keeps databases apart") {
    o.password = "s3cret";
    auto db0 = redis::Client::Create(o).value();
    o.database = 3;
    auto db3 = redis::Client::Create(o).value();
    REQUIRE(db3->Execute({"SET", "edgekit:db", "three"}).ok());
    auto in0 = db0->Execute({"GET", "edgekit:db"});
    REQUIRE(in0.ok());
    CHECK(in0->is_nil());
    auto in3 = db3->Execute({"GET", "edgekit:db"});
    REQUIRE(in3.ok());
    CHECK(in3->str == "three");
    o.database = 99;  // beyond the server's 16 databases: refused at connect
    auto bad = redis::Client::Create(o).value();
    CHECK(absl::IsInvalidArgument(bad->Execute({"PING"}).status()));
  }
}

TEST_CASE("Client reports lost and restored connections and reconnects after the backoff",
          "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  Recorder recorder;
  redis::ClientOptions o = OptionsFor(server);
  o.connections = 1;
  o.reconnect_backoff_min = absl::Seconds(1);
  o.reconnect_backoff_max = absl::Seconds(4);
  o.observer = &recorder;
  auto client = redis::Client::Create(o, clock).value();
  REQUIRE(client->Execute({"PING"}).ok());

  server.Kill();
  CHECK(absl::IsUnavailable(client->Execute({"PING"}).status()));
  REQUIRE(recorder.lost.size() == 1);
  CHECK(recorder.lost[0] == edgekit::redis::ToString(server.endpoint()));
  REQUIRE(server.Restart());
  // Within the backoff (injected clock): fail at once, no connect attempt.
  CHECK(absl::IsUnavailable(client->Execute({"PING"}).status()));
  CHECK(client->counters().fast_failures == 1);
  clock.Advance(absl::Seconds(1));
  REQUIRE(client->Execute({"PING"}).ok());
  CHECK(recorder.restored.size() == 1);
  CHECK(recorder.lost.size() == 1);
  CHECK(client->counters().connected == 1);
}
