// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Fleet-wide JWT revocations (edgekit::redis_jwt) through a real redis-server:
// what one node revokes, the others reject after their next Subscriber::Poll.

#include "edgekit/redis/revocation_sync.h"

#include "edgekit/redis/cluster.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
namespace jwt = edgekit::jwt;
using edgekit::testing::FakeClock;

namespace {

struct Node {
  std::shared_ptr<redis::Client> client;
  std::unique_ptr<redis::Subscriber> subscriber;
  std::shared_ptr<jwt::RevocationList> revoked = std::make_shared<jwt::RevocationList>(1000);
  std::unique_ptr<redis::RevocationSync> sync;

  Node(int port, FakeClock& clock) {
    client = std::shared_ptr<redis::Client>(
        redis::Client::Create(edgekit_test::TestClientOptions(port), clock).value());
    redis::SubscriberOptions so;
    so.redis = edgekit_test::TestClientOptions(port);
    subscriber = redis::Subscriber::Create(so, clock).value();
    sync = redis::RevocationSync::Create({}, client, revoked, clock).value();
    sync->Attach(*subscriber);
    REQUIRE(subscriber->Poll(absl::ZeroDuration()).ok());  // subscribe now
  }
};

}  // namespace

TEST_CASE("A revocation on one node rejects the token on the others", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  // Redis expires keys on its own wall clock: the fleet's must agree with it.
  FakeClock clock(edgekit::RealClock::Get().SystemNow());
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < 3; ++i) nodes.push_back(std::make_unique<Node>(server.port(), clock));

  const absl::Time now = clock.SystemNow();
  const absl::Time exp = now + absl::Hours(1);
  REQUIRE(nodes[0]->sync->Revoke("token-42", exp, now).ok());
  CHECK(nodes[0]->revoked->IsRevoked("token-42", now));  // at once, locally
  for (int i = 1; i < 3; ++i) {
    CHECK(edgekit_test::PollUntil(*nodes[i]->subscriber, clock, [&] {
      return nodes[i]->revoked->IsRevoked("token-42", clock.SystemNow());
    }));
  }
  // Redis keeps it only as long as the token lives (PXAT = exp).
  auto ttl = nodes[0]->client->Execute({"PEXPIRETIME", "edgekit:jti:token-42"});
  REQUIRE(ttl.ok());
  CHECK(ttl->integer == absl::ToUnixMillis(exp));
  // And the local entries expire with the token.
  CHECK_FALSE(nodes[1]->revoked->IsRevoked("token-42", exp + absl::Seconds(1)));
}

TEST_CASE("A node that was disconnected catches up on revocations after reconnecting", "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock(edgekit::RealClock::Get().SystemNow());  // Redis's wall clock
  Node a(server.port(), clock);
  Node b(server.port(), clock);
  // b misses the message: its subscription is dropped while a revokes...
  REQUIRE(b.client->Execute({"CLIENT", "KILL", "TYPE", "pubsub"}).ok());
  const absl::Time now = clock.SystemNow();
  REQUIRE(a.sync->Revoke("missed", now + absl::Hours(1), now).ok());
  // ...then it notices, reconnects after the backoff and resyncs from Redis.
  CHECK(edgekit_test::PollUntil(*b.subscriber, clock,
                                [&] { return b.revoked->IsRevoked("missed", clock.SystemNow()); }));
  CHECK(b.subscriber->counters().connects >= 2);
  CHECK(b.sync->counters().resynced >= 1);
}

TEST_CASE("RevocationSync ignores malformed messages", "[redis]") {
  FakeClock clock;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  auto list = std::make_shared<jwt::RevocationList>(10);
  auto sync = redis::RevocationSync::Create({}, client, list, clock).value();
  const absl::Time now = clock.SystemNow();
  for (std::string_view bad : {"", "nospace", "abc def", " x", "123 "}) sync->Apply(bad, now);
  CHECK(sync->counters().malformed == 5);
  CHECK(sync->counters().applied == 0);
  sync->Apply(std::to_string(absl::ToUnixMillis(now + absl::Minutes(5))) + " ok id", now);
  CHECK(sync->counters().applied == 1);
  CHECK(list->IsRevoked("ok id", now));
}

// Redis Cluster: revocations are stored on every primary (each key on its
// slot's owner), announced cluster-wide, and a resync scans every primary;
// they survive a primary's crash (its replica takes over). Tagged [slow]: it
// starts six servers and waits for a failover (about 15 s in all).
namespace {

// Counts the metrics one scrape reports.
class CountingVisitor : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& /*metric*/) override { ++metrics; }
  size_t metrics = 0;
};

}  // namespace

TEST_CASE("Counters and metrics are read from another thread while a node polls and applies",
          "[redis][concurrency]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock(edgekit::RealClock::Get().SystemNow());  // Redis's wall clock
  Node a(server.port(), clock);
  Node b(server.port(), clock);
  constexpr uint64_t kRevocations = 200;
  // b's host loop: polls until every revocation arrived (or 20 s of real time).
  std::atomic<bool> polling{true};
  std::thread loop([&] {
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (b.sync->counters().applied < kRevocations && absl::Now() < give_up) {
      (void)b.subscriber->Poll(absl::Milliseconds(10));
    }
    polling.store(false);
  });
  // A metrics scrape beside the polling thread, after every revocation and
  // until the loop ends (TSan checks the reads).
  uint64_t seen_messages = 0;
  size_t scrapes = 0;
  auto scrape = [&] {
    CountingVisitor visitor;
    b.subscriber->VisitMetrics(visitor);
    b.sync->VisitMetrics(visitor);
    seen_messages = std::max(seen_messages, b.subscriber->counters().messages);
    scrapes += visitor.metrics > 0 ? 1 : 0;
  };
  const absl::Time now = clock.SystemNow();
  size_t revoke_failures = 0;
  for (uint64_t i = 0; i < kRevocations; ++i) {
    if (!a.sync->Revoke("jti-" + std::to_string(i), now + absl::Hours(1), now).ok()) {
      ++revoke_failures;
    }
    scrape();
  }
  while (polling.load()) {
    scrape();
    std::this_thread::yield();
  }
  loop.join();
  CHECK(revoke_failures == 0);
  CHECK(scrapes >= kRevocations);
  CHECK(b.sync->counters().applied == kRevocations);
  CHECK(b.subscriber->counters().messages == kRevocations);
  CHECK(seen_messages <= kRevocations);
  for (uint64_t i = 0; i < kRevocations; ++i) {
    CHECK(b.revoked->IsRevoked("jti-" + std::to_string(i), now));
  }
}

TEST_CASE("Revocations hold across a Redis Cluster and a primary's crash",
          "[redis][cluster][slow]") {
  edgekit_test::RedisCluster cluster(3);
  INFO(cluster.error());
  REQUIRE(cluster.ok());
  FakeClock clock(edgekit::RealClock::Get().SystemNow());  // Redis expires on its wall clock
  redis::ClientOptions o;
  o.topology = redis::Topology::kCluster;
  o.endpoints = cluster.seeds();
  o.command_timeout = absl::Seconds(1);
  o.connect_timeout = absl::Milliseconds(200);
  o.reconnect_backoff_min = absl::Milliseconds(50);
  o.reconnect_backoff_max = absl::Milliseconds(50);
  o.cluster_refresh_interval = absl::Milliseconds(10);

  struct ClusterNode {
    std::shared_ptr<redis::Client> client;
    std::unique_ptr<redis::Subscriber> subscriber;
    std::shared_ptr<jwt::RevocationList> revoked = std::make_shared<jwt::RevocationList>(1000);
    std::unique_ptr<redis::RevocationSync> sync;
  };
  auto make_node = [&](size_t first_seed, bool subscribe_now = true) {
    auto n = std::make_unique<ClusterNode>();
    n->client = std::shared_ptr<redis::Client>(redis::Client::Create(o, clock).value());
    redis::SubscriberOptions so;
    so.redis = o;
    // Each subscriber starts on a different node: publications cross the cluster bus.
    std::rotate(so.redis.endpoints.begin(),
                so.redis.endpoints.begin() + static_cast<long>(first_seed),
                so.redis.endpoints.end());
    n->subscriber = redis::Subscriber::Create(so, clock).value();
    n->sync = redis::RevocationSync::Create({}, n->client, n->revoked, clock).value();
    n->sync->Attach(*n->subscriber);
    if (subscribe_now) REQUIRE(n->subscriber->Poll(absl::ZeroDuration()).ok());
    return n;
  };
  auto a = make_node(0);
  auto b = make_node(3);

  const absl::Time exp = clock.SystemNow() + absl::Hours(1);
  std::vector<std::string> jtis;
  for (int i = 0; i < 60; ++i) jtis.push_back("jti-" + std::to_string(i * 131));
  for (const std::string& jti : jtis) REQUIRE(a->sync->Revoke(jti, exp).ok());
  auto all_revoked = [&](ClusterNode& n) {
    for (const std::string& jti : jtis) {
      if (!n.revoked->IsRevoked(jti, clock.SystemNow())) return false;
    }
    return true;
  };
  CHECK(edgekit_test::PollUntil(*b->subscriber, clock, [&] { return all_revoked(*b); }));

  // A node that joins later reads them back from every primary.
  auto c = make_node(1);
  auto resynced = c->sync->Resync(clock.SystemNow());
  REQUIRE(resynced.ok());
  CHECK(*resynced == jtis.size());
  CHECK(all_revoked(*c));

  // A primary crashes; its replica is promoted (cluster-node-timeout 1 s).
  const int victim = cluster.PrimaryOf(redis::KeySlot("edgekit:jti:" + jtis[0]));
  const int heir = cluster.ReplicaOf(victim);
  REQUIRE(heir != 0);
  // Replication is asynchronous: crash the primary once its replica has every
  // key (a crash before that loses the writes not yet replicated, as the guide
  // says).
  REQUIRE(edgekit_test::WaitUntil(
      [&] {
        return edgekit_test::Admin(heir, {"DBSIZE"}).integer ==
               edgekit_test::Admin(victim, {"DBSIZE"}).integer;
      },
      10));
  for (size_t i = 0; i < cluster.size(); ++i) {
    if (cluster.server(i).port() == victim) cluster.server(i).Kill();
  }
  REQUIRE(edgekit_test::WaitUntil(
      [&] { return cluster.PrimaryOf(redis::KeySlot("edgekit:jti:" + jtis[0])) == heir; }, 20));
  // Nothing was lost (the writes had long been replicated), and a new
  // revocation on a slot the dead primary served goes to its heir.
  auto d = make_node(1, /*subscribe_now=*/false);  // its first seed may be the dead one
  absl::StatusOr<size_t> after;
  REQUIRE(edgekit_test::WaitUntil(
      [&] {
        clock.Advance(absl::Milliseconds(100));  // past the client's backoff
        after = d->sync->Resync(clock.SystemNow());
        return after.ok();
      },
      10));
  CHECK(*after == jtis.size());
  absl::Status late;
  REQUIRE(edgekit_test::WaitUntil(
      [&] {
        clock.Advance(absl::Milliseconds(100));
        late = a->sync->Revoke(jtis[0] + "-late", exp);
        return late.ok();
      },
      10));
  CHECK(edgekit_test::PollUntil(*b->subscriber, clock, [&] {
    return b->revoked->IsRevoked(jtis[0] + "-late", clock.SystemNow());
  }));
}
