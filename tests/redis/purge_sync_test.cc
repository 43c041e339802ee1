// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Fleet-wide cache purges (edgekit::redis_cache) through a real redis-server:
// what one node purges, the others purge after their next Subscriber::Poll.

#include "edgekit/redis/purge_sync.h"

#include <memory>
#include <string>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;

namespace {

namespace cache = edgekit::cache;

struct CacheNode {
  std::shared_ptr<cache::HttpCache> http_cache{cache::HttpCache::Create({}).value()};
  std::unique_ptr<redis::Subscriber> subscriber;
  std::unique_ptr<redis::PurgeSync> purges;

  CacheNode(int port, std::string id, FakeClock& clock) {
    auto client = std::shared_ptr<redis::Client>(
        redis::Client::Create(edgekit_test::TestClientOptions(port), clock).value());
    redis::SubscriberOptions so;
    so.redis = edgekit_test::TestClientOptions(port);
    subscriber = redis::Subscriber::Create(so, clock).value();
    redis::PurgeSyncOptions po;
    po.node_id = std::move(id);
    purges = redis::PurgeSync::Create(po, client, http_cache, clock).value();
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
    CHECK(edgekit_test::PollUntil(*n->subscriber, clock,
                                  [&] { return n->purges->counters().applied == 1; }));
    CHECK_FALSE(n->Fresh("https://shop.example/tv", now));
    CHECK_FALSE(n->Fresh("https://shop.example/radio", now));
    CHECK(n->Fresh("https://shop.example/sofa", now));  // other tags untouched
  }
  // node-a ignored its own broadcast (already applied).
  CHECK(edgekit_test::PollUntil(*a.subscriber, clock, [] { return true; }));
  CHECK(a.purges->counters().applied == 0);

  // Purge by URL reaches the others too.
  REQUIRE(b.purges->PurgeUrl("https://shop.example/sofa").ok());
  CHECK(edgekit_test::PollUntil(*c.subscriber, clock,
                                [&] { return c.purges->counters().applied == 2; }));
  CHECK_FALSE(c.Fresh("https://shop.example/sofa", now));
}
