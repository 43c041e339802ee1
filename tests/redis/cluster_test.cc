// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Redis Cluster for real: three primaries with a replica each on loopback
// (redis-server --cluster-enabled yes, redis-cli --cluster create). Slot
// hashing agrees with the servers, every command goes to its slot's primary,
// multi-key scripts never cross slots, and one limit holds while a slot
// migrates (MOVED, ASK, ASKING) and while a primary fails over. Tagged [slow]:
// it starts six servers (about 10 s in all).

#include <memory>
#include <string>
#include <vector>

#include <event2/event.h>

#include "edgekit/redis/async_client.h"
#include "edgekit/redis/cluster.h"
#include "edgekit/redis/global_limiter.h"
#include "edgekit/redis/hybrid_limiter.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "redis_server.h"

namespace redis = edgekit::redis;
using edgekit::testing::FakeClock;
using Source = redis::GlobalDecision::Source;

namespace {

class MapRecorder : public redis::ClientObserver {
 public:
  void OnClusterMapRefreshed(const redis::ClusterMapRefreshed& e) override {
    if (e.status.ok()) {
      ++refreshed;
      primaries = e.primaries;
    }
  }
  int refreshed = 0;
  size_t primaries = 0;
};

std::shared_ptr<redis::Client> ClusterClient(const edgekit_test::RedisCluster& cluster,
                                             FakeClock& clock, redis::ClientObserver* observer,
                                             bool one_seed = false) {
  redis::ClientOptions o;
  o.topology = redis::Topology::kCluster;
  o.endpoints = cluster.seeds();
  if (one_seed) o.endpoints.resize(1);  // the rest is discovered from CLUSTER SLOTS
  o.connections = 2;
  o.command_timeout = absl::Seconds(1);
  o.connect_timeout = absl::Milliseconds(200);
  o.reconnect_backoff_min = absl::Milliseconds(50);
  o.reconnect_backoff_max = absl::Milliseconds(50);
  o.cluster_refresh_interval = absl::Milliseconds(10);
  o.observer = observer;
  return std::shared_ptr<redis::Client>(redis::Client::Create(o, clock).value());
}

}  // namespace

TEST_CASE("Redis Cluster: routing, resharding and failover keep one limit",
          "[redis][cluster][slow]") {
  edgekit_test::RedisCluster cluster(3);
  INFO(cluster.error());
  REQUIRE(cluster.ok());
  FakeClock clock;
  MapRecorder recorder;
  auto client = ClusterClient(cluster, clock, &recorder, /*one_seed=*/true);

  {  // Slots, routing and hash-tagged multi-key commands.
    // CRC16 and hash tags agree with the servers' own CLUSTER KEYSLOT.
    std::vector<std::string> keys;
    std::vector<redis::Command> keyslot;
    for (int i = 0; i < 2000; ++i) {
      keys.push_back(i % 5 == 0 ? "user{" + std::to_string(i % 97) + "}.x" + std::to_string(i)
                                : "key:" + std::to_string(i * 7919));
      keyslot.push_back(redis::Command({"CLUSTER", "KEYSLOT", keys.back()}));
    }
    auto slots = client->ExecuteBatch(keyslot);
    int agreed = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      agreed += slots[i].ok() && slots[i]->integer == redis::KeySlot(keys[i]);
    }
    CHECK(agreed == 2000);
    CHECK(recorder.refreshed >= 1);
    CHECK(recorder.primaries == 3);

    // Writes and reads spread over every primary, each sent to its slot's owner.
    std::vector<redis::Command> sets, gets;
    for (const std::string& k : keys) {
      sets.push_back(redis::Command({"SET", k, "v:" + k}, 1));
      gets.push_back(redis::Command({"GET", k}, 1));
    }
    for (const auto& r : client->ExecuteBatch(sets)) REQUIRE((r.ok() && r->str == "OK"));
    auto values = client->ExecuteBatch(gets);
    for (size_t i = 0; i < keys.size(); ++i)
      REQUIRE((values[i].ok() && values[i]->str == "v:" + keys[i]));
    CHECK(client->counters().moved == 0);  // the map was right from the start

    // Two-key scripts (sliding window, hybrid sync) over many keys: never CROSSSLOT.
    redis::GlobalLimiterOptions o;
    o.algorithm = redis::GlobalAlgorithm::kSlidingWindowCounter;
    o.limit = 5;
    o.window = absl::Minutes(1);
    o.on_failure = redis::FailurePolicy::kFailClosed;
    auto swc = redis::GlobalLimiter::Create(o, client, clock).value();
    std::vector<std::string> tenants;
    for (int i = 0; i < 200; ++i) tenants.push_back("tenant-" + std::to_string(i));
    std::vector<std::string_view> views(tenants.begin(), tenants.end());
    for (const auto& d : swc->DecideBatch(views, clock.SystemNow())) {
      REQUIRE(d.source == Source::kRedis);
      REQUIRE(d.decision.allowed);
    }
    redis::HybridLimiterOptions ho;
    ho.limit = 100;
    ho.window = absl::Minutes(1);
    ho.max_unsynced = 10;
    auto hybrid = redis::HybridLimiter::Create(ho, client, clock).value();
    for (const std::string& t : tenants) REQUIRE(hybrid->Decide(t, clock.SystemNow()).allowed);
    REQUIRE(hybrid->Sync(clock.SystemNow()).ok());

    // Keys on every primary are found by scanning each of them.
    auto found = client->ScanKeys("key:*", 10000);
    REQUIRE(found.ok());
    CHECK(found->size() == 1600);

    // The event-loop client routes the same way.
    event_base* base = event_base_new();
    redis::ClientOptions ao;
    ao.topology = redis::Topology::kCluster;
    ao.endpoints = {cluster.seeds()[1]};
    ao.command_timeout = absl::Seconds(1);
    {
      auto async = redis::AsyncClient::Create(ao, base, clock).value();
      int right = 0, answered = 0;
      for (size_t i = 0; i < 300; ++i) {
        async->Submit(gets[i], [&, i](absl::StatusOr<redis::Reply> r) {
          ++answered;
          right += r.ok() && r->str == "v:" + keys[i];
        });
      }
      REQUIRE(edgekit_test::WaitUntil(
          [&] {
            event_base_loop(base, EVLOOP_NONBLOCK);
            return answered == 300;
          },
          10));
      CHECK(right == 300);
      CHECK(async->counters().cluster_refreshes >= 1);
    }
    event_base_free(base);
  }

  {  // TRYAGAIN: a multi-key command whose keys a migration has split.
    const std::string a = "{split}.a", b = "{split}.b";
    const int slot = redis::KeySlot(a);
    REQUIRE(client->Execute(redis::Command({"SET", a, "1"}, 1)).ok());
    REQUIRE(client->Execute(redis::Command({"SET", b, "2"}, 1)).ok());
    const int source = cluster.PrimaryOf(slot);
    const int target = cluster.OtherPrimary(source);
    int step = 0;
    absl::Status split_status;
    uint64_t tryagain = 0;
    REQUIRE(cluster.MigrateSlot(slot, target, [&] {
      if (step++ != 0) return;
      // The slot is migrating: move one key only, then read both.
      REQUIRE(!edgekit_test::Admin(source, {"MIGRATE", "127.0.0.1", std::to_string(target), "", "0",
                                            "5000", "KEYS", a})
                   .is_error());
      const uint64_t before = client->counters().tryagain;
      split_status = client->Execute(redis::Command({"MGET", a, b}, 1)).status();
      tryagain = client->counters().tryagain - before;
    }) == "");
    CHECK(absl::IsUnavailable(split_status));  // retried up to max_redirects, then a fault
    CHECK(tryagain >= 2);
    auto both = client->Execute(redis::Command({"MGET", a, b}, 1));  // settled: MOVED, then served
    REQUIRE(both.ok());
    REQUIRE(both->elements.size() == 2);
    CHECK(both->elements[0].str == "1");
    CHECK(both->elements[1].str == "2");
  }

  {  // One limit holds while its slot migrates and while its primary fails over.
    // Four nodes, each with its own cluster client, share a GCRA and a
    // sliding-window limit of 100 on one key.
    constexpr int kLimit = 100;
    const std::string key = "tenant-migrating";
    const int slot = redis::KeySlot("edgekit:gl:{" + key + "}");
    std::vector<std::shared_ptr<redis::Client>> clients;
    std::vector<std::unique_ptr<redis::GlobalLimiter>> nodes;
    for (int n = 0; n < 4; ++n) {
      clients.push_back(ClusterClient(cluster, clock, nullptr));
      for (auto algorithm :
           {redis::GlobalAlgorithm::kGcra, redis::GlobalAlgorithm::kSlidingWindowCounter}) {
        redis::GlobalLimiterOptions o;
        o.algorithm = algorithm;
        o.limit = kLimit;
        o.window = absl::Minutes(10);
        o.on_failure = redis::FailurePolicy::kFailClosed;
        nodes.push_back(redis::GlobalLimiter::Create(o, clients.back(), clock).value());
      }
    }
    int allowed[2] = {0, 0};
    int attempts = 0;
    auto decide = [&](int rounds) {
      for (int r = 0; r < rounds; ++r) {
        for (size_t n = 0; n < nodes.size(); ++n) {
          allowed[n % 2] += nodes[n]->Decide(key, clock.SystemNow()).decision.allowed;
        }
        ++attempts;
      }
    };
    decide(10);  // 40 of each limit used before the migration
    const int source = cluster.PrimaryOf(slot);
    const int target = cluster.OtherPrimary(source);
    REQUIRE(source != 0);
    REQUIRE(target != 0);
    REQUIRE(cluster.MigrateSlot(slot, target, [&] { decide(5); }) == "");
    REQUIRE(cluster.PrimaryOf(slot) == target);
    decide(5);
    uint64_t moved = 0, ask = 0, failures = 0;
    for (auto& n : nodes) failures += n->counters().failure_policy_decisions;
    for (auto& c : clients) {
      moved += c->counters().moved;
      ask += c->counters().ask;
    }
    INFO("after the migration: allowed " << allowed[0] << " / " << allowed[1] << ", failures "
                                         << failures << ", MOVED " << moved << ", ASK " << ask);
    CHECK(failures == 0);
    CHECK(moved >= 4);  // every client learnt the new owner
    CHECK(ask >= 8);    // keys on the target while the slot was still the source's
    CHECK(allowed[0] == kLimit);
    CHECK(allowed[1] == kLimit);

    // Manual failover of the slot's new primary: its replica takes over with
    // every write (CLUSTER FAILOVER waits for the replica to catch up).
    const int replica = cluster.ReplicaOf(target);
    REQUIRE(replica != 0);
    REQUIRE(!edgekit_test::Admin(replica, {"CLUSTER", "FAILOVER"}).is_error());
    REQUIRE(edgekit_test::WaitUntil(
        [&] { return cluster.PrimaryOf(slot) == replica && cluster.Settled(slot); }, 20));
    decide(10);
    failures = 0;
    for (auto& n : nodes) failures += n->counters().failure_policy_decisions;
    CHECK(failures == 0);
    CHECK(allowed[0] == kLimit);  // the limit held across the failover
    CHECK(allowed[1] == kLimit);
    // The limit is exhausted on the new primary too: time is what refills it.
    clock.Advance(absl::Seconds(6));  // GCRA: one unit per 6 s
    int refill = 0;
    for (size_t n = 0; n < nodes.size(); n += 2) {
      refill += nodes[n]->Decide(key, clock.SystemNow()).decision.allowed;
    }
    CHECK(refill == 1);
    (void)attempts;
  }
}
