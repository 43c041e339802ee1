// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Fleet-wide revocations and purges through a real redis-server: what one node
// does, the others apply after their next Subscriber::Poll.

#include "edgekit/redis/fleet_sync.h"

#include <memory>
#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
namespace jwt = edgekit::jwt;
using edgekit::testing::FakeClock;

namespace {

redis::ClientOptions Options(int port) {
  redis::ClientOptions o;
  o.port = port;
  o.connect_timeout = absl::Milliseconds(200);
  o.command_timeout = absl::Milliseconds(500);
  o.reconnect_backoff_min = absl::Milliseconds(100);
  o.reconnect_backoff_max = absl::Milliseconds(100);
  return o;
}

// Polls until `done()`, at most 100 times (each waits at most 50 ms of real
// time for the socket: delivery is real I/O). The fake clock moves 100 ms per
// poll so reconnect backoffs elapse.
template <typename Done>
bool PollUntil(redis::Subscriber& sub, FakeClock& clock, Done done) {
  for (int i = 0; i < 100 && !done(); ++i) {
    auto n = sub.Poll(absl::Milliseconds(50));
    (void)n;
    clock.Advance(absl::Milliseconds(100));
  }
  return done();
}

struct Node {
  std::shared_ptr<redis::Client> client;
  std::unique_ptr<redis::Subscriber> subscriber;
  std::shared_ptr<jwt::RevocationList> revoked = std::make_shared<jwt::RevocationList>(1000);
  std::unique_ptr<redis::RevocationSync> sync;

  Node(int port, FakeClock& clock) {
    client = std::shared_ptr<redis::Client>(redis::Client::Create(Options(port), clock).value());
    redis::SubscriberOptions so;
    so.redis = Options(port);
    subscriber = redis::Subscriber::Create(so, clock).value();
    sync = std::make_unique<redis::RevocationSync>(client, revoked, redis::RevocationSyncOptions{},
                                                   clock);
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
    CHECK(PollUntil(*nodes[i]->subscriber, clock,
                    [&] { return nodes[i]->revoked->IsRevoked("token-42", clock.SystemNow()); }));
  }
  // Redis keeps it only as long as the token lives (PXAT = exp).
  auto ttl = nodes[0]->client->Command({"PEXPIRETIME", "edgekit:jti:token-42"});
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
  REQUIRE(b.client->Command({"CLIENT", "KILL", "TYPE", "pubsub"}).ok());
  const absl::Time now = clock.SystemNow();
  REQUIRE(a.sync->Revoke("missed", now + absl::Hours(1), now).ok());
  // ...then it notices, reconnects after the backoff and resyncs from Redis.
  CHECK(PollUntil(*b.subscriber, clock,
                  [&] { return b.revoked->IsRevoked("missed", clock.SystemNow()); }));
  CHECK(b.subscriber->counters().reconnects >= 2);
}

TEST_CASE("RevocationSync ignores malformed messages", "[redis]") {
  FakeClock clock;
  auto client = std::shared_ptr<redis::Client>(redis::Client::Create({}, clock).value());
  auto list = std::make_shared<jwt::RevocationList>(10);
  redis::RevocationSync sync(client, list, {}, clock);
  const absl::Time now = clock.SystemNow();
  for (std::string_view bad : {"", "nospace", "abc def", " x", "123 "}) sync.Apply(bad, now);
  CHECK(sync.malformed() == 5);
  CHECK(sync.applied() == 0);
  sync.Apply(std::to_string(absl::ToUnixMillis(now + absl::Minutes(5))) + " ok id", now);
  CHECK(sync.applied() == 1);
  CHECK(list->IsRevoked("ok id", now));
}

namespace {

namespace cache = edgekit::cache;

struct CacheNode {
  std::shared_ptr<cache::HttpCache> http_cache{cache::HttpCache::Create({}).value()};
  std::unique_ptr<redis::Subscriber> subscriber;
  std::unique_ptr<redis::PurgeSync> purges;

  CacheNode(int port, std::string id, FakeClock& clock) {
    auto client =
        std::shared_ptr<redis::Client>(redis::Client::Create(Options(port), clock).value());
    redis::SubscriberOptions so;
    so.redis = Options(port);
    subscriber = redis::Subscriber::Create(so, clock).value();
    redis::PurgeSyncOptions po;
    po.node_id = std::move(id);
    purges = std::make_unique<redis::PurgeSync>(client, http_cache, po, clock);
    purges->Attach(*subscriber);
    REQUIRE(subscriber->Poll(absl::ZeroDuration()).ok());
  }

  void StoreTagged(std::string_view uri, std::string_view tags, absl::Time now) {
    const edgekit::http::HeaderField fields[] = {{"Cache-Control", "max-age=600"},
                                                 {"Surrogate-Key", tags}};
    const cache::CacheRequest request{"GET", uri, edgekit::http::HeaderView()};
    auto stored =
        http_cache->Store(request, 200, edgekit::http::HeaderView(fields), "body", now, now);
    REQUIRE(stored.outcome == cache::StoreOutcome::kStored);
  }

  bool Fresh(std::string_view uri, absl::Time now) {
    const cache::CacheRequest request{"GET", uri, edgekit::http::HeaderView()};
    return http_cache->Lookup(request, now).action == cache::LookupAction::kServeFresh;
  }
};

}  // namespace

TEST_CASE("A purge by surrogate key on one node empties the tagged entries on the others",
          "[redis]") {
  edgekit_test::RedisServer server;
  INFO(server.error());
  REQUIRE(server.ok());
  FakeClock clock;
  CacheNode a(server.port(), "node-a", clock);
  CacheNode b(server.port(), "node-b", clock);
  CacheNode c(server.port(), "node-c", clock);
  const absl::Time now = clock.SystemNow();
  for (CacheNode* n : {&a, &b, &c}) {
    n->StoreTagged("https://shop.example/tv", "category-electronics product-1", now);
    n->StoreTagged("https://shop.example/radio", "category-electronics", now);
    n->StoreTagged("https://shop.example/sofa", "category-furniture", now);
  }

  auto purged = a.purges->PurgeTag("category-electronics");
  REQUIRE(purged.ok());
  CHECK(*purged == 2);  // local, at once
  CHECK_FALSE(a.Fresh("https://shop.example/tv", now));

  for (CacheNode* n : {&b, &c}) {
    CHECK(PollUntil(*n->subscriber, clock, [&] { return n->purges->applied() == 1; }));
    CHECK_FALSE(n->Fresh("https://shop.example/tv", now));
    CHECK_FALSE(n->Fresh("https://shop.example/radio", now));
    CHECK(n->Fresh("https://shop.example/sofa", now));  // other tags untouched
  }
  // node-a ignored its own broadcast (already applied).
  CHECK(PollUntil(*a.subscriber, clock, [] { return true; }));
  CHECK(a.purges->applied() == 0);

  // Purge by URL reaches the others too.
  REQUIRE(b.purges->PurgeUrl("https://shop.example/sofa").ok());
  CHECK(PollUntil(*c.subscriber, clock, [&] { return c.purges->applied() == 2; }));
  CHECK_FALSE(c.Fresh("https://shop.example/sofa", now));
}
