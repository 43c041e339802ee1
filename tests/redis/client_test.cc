// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis::Client against a real redis-server started by the test.

#include "edgekit/redis/client.h"

#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;

namespace {

redis::ClientOptions OptionsFor(const edgekit_test::RedisServer& server) {
  redis::ClientOptions o;
  o.port = server.port();
  o.connect_timeout = absl::Milliseconds(200);
  o.command_timeout = absl::Milliseconds(500);
  return o;
}

}  // namespace

TEST_CASE("Client rejects bad options", "[redis]") {
  redis::ClientOptions o;
  o.host = "";
  CHECK(redis::Client::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
  o = {};
  o.port = 70000;
  CHECK(redis::Client::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
  o = {};
  o.command_timeout = absl::ZeroDuration();
  CHECK(redis::Client::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Client runs commands and pipelines against redis-server", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  auto client = redis::Client::Create(OptionsFor(server));
  REQUIRE(client.ok());
  auto& c = **client;

  auto pong = c.Command({"PING"});
  REQUIRE(pong.ok());
  CHECK(pong->type == redis::Reply::Type::kStatus);
  CHECK(pong->str == "PONG");

  REQUIRE(c.Command({"SET", "k", std::string("a\0b", 3)}).ok());
  auto got = c.Command({"GET", "k"});
  REQUIRE(got.ok());
  CHECK(got->str == std::string("a\0b", 3));  // binary safe

  auto nil = c.Command({"GET", "missing"});
  REQUIRE(nil.ok());
  CHECK(nil->is_nil());

  auto wrong = c.Command({"INCR", "k"});
  REQUIRE(wrong.ok());  // an error reply is a reply, not a transport failure
  CHECK(wrong->is_error());

  auto replies = c.Pipeline({{"INCRBY", "n", "5"}, {"INCRBY", "n", "7"}, {"GET", "n"}});
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 3);
  CHECK((*replies)[0].integer == 5);
  CHECK((*replies)[1].integer == 12);
  CHECK((*replies)[2].str == "12");
  CHECK(c.counters().reconnects == 1);
}

TEST_CASE("Client caches scripts and reloads them after NOSCRIPT", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  auto client = redis::Client::Create(OptionsFor(server));
  REQUIRE(client.ok());
  redis::Script script("return tonumber(ARGV[1]) + redis.call('INCR', KEYS[1])");
  // SHA-1 of the source, as Redis computes it.
  auto sha = (*client)->Command({"SCRIPT", "LOAD", script.source()});
  REQUIRE(sha.ok());
  CHECK(sha->str == script.sha1());
  REQUIRE((*client)->Command({"SCRIPT", "FLUSH"}).ok());

  const std::vector<std::string> keys = {"counter"};
  const std::vector<std::string> args = {"100"};
  auto r1 = (*client)->Eval(script, keys, args);
  REQUIRE(r1.ok());
  CHECK(r1->integer == 101);
  CHECK((*client)->counters().script_loads == 1);
  auto r2 = (*client)->Eval(script, keys, args);
  REQUIRE(r2.ok());
  CHECK(r2->integer == 102);
  CHECK((*client)->counters().script_loads == 1);  // cached: EVALSHA hit

  redis::Script broken("return redis.call('NOSUCHCOMMAND')");
  auto r3 = (*client)->Eval(broken, keys, {});
  CHECK(r3.status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("Client fails fast while Redis is down and reconnects after the backoff", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  redis::ClientOptions o = OptionsFor(server);
  o.reconnect_backoff_min = absl::Seconds(1);
  o.reconnect_backoff_max = absl::Seconds(4);
  auto client = redis::Client::Create(o, clock);
  REQUIRE(client.ok());
  auto& c = **client;
  REQUIRE(c.Command({"PING"}).ok());

  server.Kill();
  auto down = c.Command({"PING"});
  CHECK(down.status().code() == absl::StatusCode::kUnavailable);
  CHECK_FALSE(c.connected());
  // Within the backoff: refused without touching the network.
  auto fast = c.Command({"PING"});
  CHECK(fast.status().code() == absl::StatusCode::kUnavailable);
  CHECK(c.counters().fast_failures == 1);

  // After the backoff a connect is tried (and fails: still down); backoff doubles.
  clock.Advance(absl::Seconds(1));
  CHECK_FALSE(c.Command({"PING"}).ok());
  clock.Advance(absl::Seconds(1));
  CHECK_FALSE(c.Command({"PING"}).ok());  // 2 s backoff not over yet
  CHECK(c.counters().fast_failures == 2);

  REQUIRE(server.Restart());
  clock.Advance(absl::Seconds(1));
  auto back = c.Command({"PING"});
  REQUIRE(back.ok());
  CHECK(back->str == "PONG");
  CHECK(c.counters().reconnects == 2);
}

TEST_CASE("Client with kNoWait never queues behind a busy connection", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  auto client = redis::Client::Create(OptionsFor(server));
  REQUIRE(client.ok());
  // Uncontended: kNoWait behaves like kBlock.
  auto r = (*client)->Command({"PING"}, redis::Wait::kNoWait);
  REQUIRE(r.ok());
  CHECK((*client)->counters().busy == 0);
}
