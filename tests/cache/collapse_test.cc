// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of HttpCache request collapsing, XFetch early expiration and
// concurrency (TSan-checked stress test).
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cache_test_util.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit_catch.h"

using cache_test::Fields;
using cache_test::Harness;
namespace cache = edgekit::cache;
using LA = cache::LookupAction;
using WO = cache::WaitOutcome;

namespace {
const std::string kUri = "https://example.com/hot";
const Fields kFresh{{"Cache-Control", "max-age=60"}, {"ETag", "\"1\""}};
}  // namespace

TEST_CASE("Followers wait for the leader and are served its response, collapsed", "[cache]") {
  Harness h;
  auto leader = h.Get(kUri);
  REQUIRE(leader.action == LA::kFetch);
  REQUIRE(leader.ticket.role() == cache::CollapseTicket::Role::kLeader);
  auto f1 = h.Get(kUri);
  auto f2 = h.Get(kUri);
  REQUIRE(f1.action == LA::kWaitForLeader);
  REQUIRE(f2.action == LA::kWaitForLeader);
  std::vector<WO> seen;
  f1.ticket.OnReady([&](WO o) { seen.push_back(o); });
  f2.ticket.OnReady([&](WO o) { seen.push_back(o); });
  CHECK(seen.empty());
  auto st = h.Put(kUri, 200, kFresh, "v", {}, &leader.ticket);
  CHECK(st.outcome == cache::StoreOutcome::kStored);
  CHECK(seen == std::vector<WO>{WO::kReady, WO::kReady});
  cache::CacheRequest req{"GET", kUri, {}};
  auto r1 = h.cache->Resume(req, f1.ticket, h.now());
  REQUIRE(r1.action == LA::kServeFresh);
  CHECK(r1.collapsed);
  CHECK(r1.cache_status == "edgekit;hit;ttl=60;collapsed");
  CHECK(r1.response->body->ToString() == "v");
  // A callback registered after completion runs at once.
  auto late = h.Get(kUri);
  CHECK(late.action == LA::kServeFresh);
  auto c = h.cache->counters();
  CHECK(c.collapsed_waiters == 2);
  CHECK(c.collapsed_hits == 1);
}

TEST_CASE("Followers are told to fetch themselves when the response is not storable", "[cache]") {
  Harness h;
  auto leader = h.Get(kUri);
  auto f = h.Get(kUri);
  REQUIRE(f.action == LA::kWaitForLeader);
  WO outcome = WO::kNotAFollower;
  f.ticket.OnReady([&](WO o) { outcome = o; });
  h.Put(kUri, 200, {{"Cache-Control", "private"}}, "p", {}, &leader.ticket);
  CHECK(outcome == WO::kFetchYourself);
  auto r = h.cache->Resume({"GET", kUri, {}}, f.ticket, h.now());
  CHECK(r.action == LA::kFetch);
  CHECK_FALSE(r.ticket.is_leader());
}

TEST_CASE("A leader ticket destroyed without completion releases followers (RAII)", "[cache]") {
  Harness h;
  WO outcome = WO::kNotAFollower;
  cache::LookupResult f;
  {
    auto leader = h.Get(kUri);
    REQUIRE(leader.ticket.is_leader());
    f = h.Get(kUri);
    REQUIRE(f.action == LA::kWaitForLeader);
    f.ticket.OnReady([&](WO o) { outcome = o; });
  }
  CHECK(outcome == WO::kFetchYourself);
  // The flight is gone: the next request leads a new one.
  CHECK(h.Get(kUri).ticket.is_leader());
}

TEST_CASE("Wait bounds: timeout, Cancel and the waiter limit", "[cache]") {
  cache::HttpCacheOptions o;
  o.max_waiters_per_key = 2;
  Harness h(o);
  auto leader = h.Get(kUri);
  auto f1 = h.Get(kUri);
  auto f2 = h.Get(kUri);
  auto f3 = h.Get(kUri);
  CHECK(f1.action == LA::kWaitForLeader);
  CHECK(f2.action == LA::kWaitForLeader);
  CHECK(f3.action == LA::kFetch);  // over the waiter bound: fetch, uncollapsed
  CHECK(f3.ticket.role() == cache::CollapseTicket::Role::kNone);
  CHECK(f1.ticket.Wait(absl::ZeroDuration()) == WO::kTimeout);
  WO cancelled = WO::kReady;
  f2.ticket.OnReady([&](WO w) { cancelled = w; });
  f2.ticket.Cancel();
  CHECK(cancelled == WO::kTimeout);
  CHECK(leader.ticket.Wait(absl::ZeroDuration()) == WO::kNotAFollower);
  auto c = h.cache->counters();
  CHECK(c.wait_timeouts == 2);
  CHECK(c.waiter_limit_hits == 1);
}

TEST_CASE("A blocked follower thread wakes when the leader stores", "[cache][concurrency]") {
  Harness h;
  auto leader = h.Get(kUri);
  auto f = h.Get(kUri);
  REQUIRE(f.action == LA::kWaitForLeader);
  WO outcome = WO::kNotAFollower;
  std::thread waiter([&] { outcome = f.ticket.Wait(absl::Seconds(30)); });
  h.Put(kUri, 200, kFresh, "v", {}, &leader.ticket);
  waiter.join();
  CHECK(outcome == WO::kReady);
}

TEST_CASE("50,000 concurrent requests for one expired key cause exactly one origin fetch",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200, kFresh, "old");
  h.clock.Advance(absl::Seconds(120));  // expired
  constexpr int kRequests = 50000;
  int origin_fetches = 0;
  int served = 0;
  int ready = 0;
  std::vector<cache::LookupResult> pending;
  pending.reserve(kRequests);
  cache::CacheRequest req{"GET", kUri, {}};
  for (int i = 0; i < kRequests; ++i) {
    pending.push_back(h.cache->Lookup(req, h.now()));
    auto& r = pending.back();
    if (r.action == LA::kRevalidate || r.action == LA::kFetch) {
      ++origin_fetches;
    } else if (r.action == LA::kWaitForLeader) {
      r.ticket.OnReady([&](WO o) { ready += o == WO::kReady; });
    }
  }
  CHECK(origin_fetches == 1);
  REQUIRE(pending[0].action == LA::kRevalidate);
  // The origin answers the single conditional request with 304.
  auto st = h.Put(kUri, 304, kFresh, "", {}, &pending[0].ticket);
  CHECK(st.outcome == cache::StoreOutcome::kUpdated);
  CHECK(ready == kRequests - 1);
  for (int i = 1; i < kRequests; ++i) {
    auto r = h.cache->Resume(req, pending[i].ticket, h.now());
    served += r.action == LA::kServeFresh && r.collapsed && r.response->body->ToString() == "old";
  }
  CHECK(served == kRequests - 1);
  CHECK(h.cache->counters().collapsed_waiters == kRequests - 1);
}

TEST_CASE("XFetch refreshes early with an injected random source", "[cache]") {
  cache_test::FixedRandom rnd(1.0);
  cache::HttpCacheOptions o;
  o.early_expiration = true;
  o.early_expiration_beta = 1.0;
  o.random = &rnd;
  Harness h(o);
  // Fetch took 2 s (delta); fresh for 10 s.
  h.Put(kUri, 200, {{"Cache-Control", "max-age=10"}, {"ETag", "\"1\""}}, "v", {}, nullptr, "GET",
        absl::Seconds(2));
  // Age is 2 s (response delay): 8 s left. -ln(1) = 0: no early refresh.
  CHECK(h.Get(kUri).action == LA::kServeFresh);
  // -2 * ln(0.01) = 9.2 s >= 8 s: refresh early, one ticket.
  rnd.Set(0.01);
  auto r = h.Get(kUri);
  CHECK(r.action == LA::kServeStaleAndRevalidate);
  CHECK(r.ticket.role() == cache::CollapseTicket::Role::kRevalidator);
  CHECK(r.if_none_match == "\"1\"");
  CHECK(h.Get(kUri).action == LA::kServeFresh);  // refresh in flight
  CHECK(h.cache->counters().early_refreshes == 1);
  // -2 * ln(0.1) = 4.6 s < 8 s: no.
  r.ticket.Reset();
  rnd.Set(0.1);
  CHECK(h.Get(kUri).action == LA::kServeFresh);
}

TEST_CASE("XFetch draws only when an early refresh is possible", "[cache]") {
  // The smallest draw is 2^-53 and -ln(2^-53) = 36.74: with delta 2 s and
  // beta 1, no refresh can start while more than 73.5 s remain, so no draw
  // is made (the random source is shared by every thread).
  cache_test::FixedRandom rnd(0x1p-53);
  cache::HttpCacheOptions o;
  o.early_expiration = true;
  o.early_expiration_beta = 1.0;
  o.random = &rnd;
  Harness h(o);
  h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}}, "v", {}, nullptr, "GET", absl::Seconds(2));
  // 98 s left: beyond 37 * delta.
  CHECK(h.Get(kUri).action == LA::kServeFresh);
  CHECK(rnd.draws() == 0);
  h.clock.Advance(absl::Seconds(24));            // 74 s left = 37 * delta: a draw
  CHECK(h.Get(kUri).action == LA::kServeFresh);  // 73.5 s < 74 s
  CHECK(rnd.draws() == 1);
  h.clock.Advance(absl::Seconds(1));  // 73 s left: the smallest draw refreshes
  auto r = h.Get(kUri);
  CHECK(r.action == LA::kServeStaleAndRevalidate);
  CHECK(rnd.draws() == 2);
}

TEST_CASE("Concurrent lookups, stores, purges and evictions stay consistent",
          "[cache][concurrency]") {
  cache::HttpCacheOptions o;
  o.max_bytes = 64 * 1024;
  o.shard_count = 4;
  auto cache = cache::HttpCache::Create(o).value();
  constexpr int kThreads = 4;
  constexpr int kOps = 3000;
  std::atomic<int> served{0};
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint32_t x = 12345u + static_cast<uint32_t>(t);
      for (int i = 0; i < kOps; ++i) {
        x = x * 1664525u + 1013904223u;
        const int k = static_cast<int>((x >> 8) % 64);
        const std::string uri = "https://e.com/k" + std::to_string(k);
        const std::string tag = "t" + std::to_string(k % 8);
        const std::string ae = (x >> 20) % 2 ? "gzip" : "br";
        std::vector<edgekit::http::HeaderField> req{{"Accept-Encoding", ae}};
        cache::CacheRequest r{"GET", uri, req};
        const absl::Time now = t0 + absl::Milliseconds(i);
        const int op = static_cast<int>((x >> 4) % 16);
        if (op == 0) {
          cache->PurgeTag(
              tag, (x >> 12) % 2 == 0 ? cache::PurgeMode::kSoft : cache::PurgeMode::kHard, now);
        } else if (op == 1) {
          cache->PurgeUrl(uri);
        } else {
          auto res = cache->Lookup(r, now);
          if (res.response) {
            served += res.response->body->size() == 700;
            (void)res.ResponseHeaders();
          } else if (res.action == LA::kWaitForLeader) {
            (void)res.ticket.Wait(absl::Milliseconds(1));
            (void)cache->Resume(r, res.ticket, now);
          } else {
            std::vector<edgekit::http::HeaderField> resp{
                {"Cache-Control", "max-age=1, stale-while-revalidate=1"},
                {"Vary", "Accept-Encoding"},
                {"ETag", "\"x\""},
                {"Surrogate-Key", tag}};
            auto st = cache->Store(r, (op == 2) ? 304 : 200, resp, std::string(700, 'b'), now, now,
                                   &res.ticket);
            stored += st.outcome == cache::StoreOutcome::kStored;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = cache->counters();
  CHECK(c.bytes <= o.max_bytes);
  CHECK(stored.load() > 0);
  CHECK(served.load() > 0);
  CHECK(c.evictions + c.purges + c.invalidations > 0);
  cache->PurgeAll();
  CHECK(cache->counters().bytes == 0);
  CHECK(cache->counters().entries == 0);
}

TEST_CASE("When the leader's origin fails, followers get the stale-if-error response too",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=10, stale-if-error=600"}, {"ETag", "\"1\""}}, "old");
  h.clock.Advance(absl::Seconds(20));
  auto leader = h.Get(kUri);
  REQUIRE(leader.action == LA::kRevalidate);
  auto f = h.Get(kUri);
  REQUIRE(f.action == LA::kWaitForLeader);
  SECTION("origin 503") {
    auto st = h.Put(kUri, 503, {}, "down", {}, &leader.ticket);
    CHECK(st.outcome == cache::StoreOutcome::kServeStale);
  }
  SECTION("no answer") {
    auto e = h.cache->OnOriginError({"GET", kUri, {}}, h.now(), &leader.ticket, 504);
    CHECK(e.action == LA::kServeStale);
  }
  CHECK(f.ticket.Wait(absl::ZeroDuration()) == WO::kFetchYourself);
  auto r = h.cache->Resume({"GET", kUri, {}}, f.ticket, h.now());
  REQUIRE(r.action == LA::kServeStale);
  CHECK(r.collapsed);
  CHECK(r.response->body->ToString() == "old");
}
