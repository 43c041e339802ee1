// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The conformance suite every CacheStore passes (memory, disk, tiered): the
// same decisions, the same streaming behaviour, budgets, purges, floods and
// concurrency.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "cache_test_util.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit_catch.h"
#include "store_kinds.h"

using cache_test::DiskKind;
using cache_test::Fields;
using cache_test::Harness;
using cache_test::MemoryKind;
using cache_test::StoreSpec;
using cache_test::TieredKind;
namespace cache = edgekit::cache;
using LA = cache::LookupAction;
using SO = cache::StoreOutcome;
using BS = cache::BodyStatus;

namespace {

const std::string kUri = "https://example.com/conformance/a";

template <class Kind>
cache::HttpCacheOptions WithStore(Kind& kind, const StoreSpec& spec = {}) {
  cache::HttpCacheOptions o;
  o.store = kind.Make(spec);
  return o;
}

// Reads everything a reader can get now.
std::string Drain(cache::BodyReader& reader, BS* last) {
  std::string out;
  cache::BodyChunk c;
  for (;;) {
    *last = reader.Next(&c);
    if (*last != BS::kOk) return out;
    out.append(c.data(), c.size());
  }
}

}  // namespace

TEMPLATE_TEST_CASE("Every store gives the same decisions (RFC 9111 3, 4, 4.1, 4.3, 4.4)", "[cache]",
                   MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const Fields gzip{{"Accept-Encoding", "gzip"}};
  const Fields br{{"Accept-Encoding", "br"}};
  const Fields resp{{"Cache-Control", "max-age=60"},
                    {"ETag", "\"v1\""},
                    {"Vary", "Accept-Encoding"},
                    {"Surrogate-Key", "k1"},
                    {"Content-Type", "text/plain"}};
  auto miss = h.Get(kUri, gzip);
  CHECK(miss.action == LA::kFetch);
  CHECK(miss.fwd == cache::ForwardReason::kUriMiss);
  REQUIRE(miss.ticket.is_leader());
  auto st = h.Put(kUri, 200, resp, "hello gzip", gzip, &miss.ticket);
  CHECK(st.outcome == SO::kStored);
  CHECK(st.cache_status == "edgekit;fwd=uri-miss;fwd-status=200;ttl=60;stored");

  h.clock.Advance(absl::Seconds(10));
  auto hit = h.Get(kUri, gzip);
  REQUIRE(hit.action == LA::kServeFresh);
  CHECK(hit.response->body->ToString() == "hello gzip");
  CHECK(hit.age_value == "10");
  CHECK(hit.cache_status == "edgekit;hit;ttl=50");
  CHECK_FALSE(hit.ResponseHeaders().Contains("Surrogate-Key"));  // stripped when served

  // §4.1: another Accept-Encoding selects no stored variant.
  auto vary_miss = h.Get(kUri, br);
  CHECK(vary_miss.action == LA::kFetch);
  CHECK(vary_miss.fwd == cache::ForwardReason::kVaryMiss);
  h.Put(kUri, 200, resp, "hello br", br, &vary_miss.ticket);
  CHECK(h.Get(kUri, br).response->body->ToString() == "hello br");
  CHECK(h.Get(kUri, gzip).response->body->ToString() == "hello gzip");
  CHECK(h.cache->counters().entries == 2);

  // §4.3.2: the client's own condition is answered from storage.
  CHECK(h.Get(kUri, Fields(gzip).Add("If-None-Match", "\"v1\"")).not_modified);

  // §4.3.1 / §4.3.4: stale → conditional request → 304 freshens (body kept).
  h.clock.Advance(absl::Seconds(120));
  auto reval = h.Get(kUri, gzip);
  REQUIRE(reval.action == LA::kRevalidate);
  CHECK(reval.if_none_match == "\"v1\"");
  auto upd = h.Put(kUri, 304, {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=100"}}, "", gzip,
                   &reval.ticket);
  CHECK(upd.outcome == SO::kUpdated);
  CHECK(upd.body() == "hello gzip");
  auto fresh = h.Get(kUri, gzip);
  REQUIRE(fresh.action == LA::kServeFresh);
  CHECK(fresh.cache_status == "edgekit;hit;ttl=100");
  CHECK(fresh.response->body->ToString() == "hello gzip");

  // HEAD is answered from the stored GET.
  CHECK(h.Get(kUri, gzip, "HEAD").action == LA::kServeFresh);

  // §4.4: an unsafe method invalidates every variant of the URI.
  auto post = h.Put(kUri, 204, {}, "", {}, nullptr, "POST");
  CHECK(post.outcome == SO::kInvalidated);
  CHECK(h.Get(kUri, gzip).fwd == cache::ForwardReason::kUriMiss);
  CHECK(h.Get(kUri, br).fwd == cache::ForwardReason::kUriMiss);
  CHECK(h.cache->counters().entries == 0);
}

TEMPLATE_TEST_CASE("Streaming: readers read an object as it fills; Commit completes it", "[cache]",
                   MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const cache::CacheRequest req{"GET", kUri, {}};
  auto leader = h.cache->Lookup(req, h.now());
  auto follower = h.cache->Lookup(req, h.now());
  REQUIRE(follower.action == LA::kWaitForLeader);
  cache::WaitOutcome released = cache::WaitOutcome::kNotAFollower;
  follower.ticket.OnReady([&](cache::WaitOutcome o) { released = o; });

  const Fields resp{{"Cache-Control", "max-age=60"}, {"Content-Type", "text/plain"}};
  auto s = h.cache->BeginStore(req, 200, resp.view(), h.now(), h.now(), &leader.ticket);
  REQUIRE(s.outcome == SO::kStored);
  REQUIRE(s.writer.is_open());
  // The follower is released as soon as the fields are stored.
  CHECK(released == cache::WaitOutcome::kReady);
  auto collapsed = h.cache->Resume(req, follower.ticket, h.now());
  REQUIRE(collapsed.action == LA::kServeFresh);
  CHECK(collapsed.collapsed);
  // A new request finds the object still filling, too.
  auto fresh = h.cache->Lookup(req, h.now());
  REQUIRE(fresh.action == LA::kServeFresh);
  CHECK_FALSE(fresh.response->body->complete());

  cache::BodyReader r1(collapsed.response->body);
  cache::BodyReader r2(fresh.response->body);
  BS last;
  CHECK(Drain(r1, &last).empty());
  CHECK(last == BS::kPending);
  bool woken = false;
  r1.OnReadable([&] { woken = true; });
  REQUIRE(s.writer.Append("first "));
  CHECK(woken);  // the writer's append woke the waiting reader
  CHECK(Drain(r1, &last) == "first ");
  CHECK(last == BS::kPending);
  REQUIRE(s.writer.Append("second"));
  CHECK(Drain(r2, &last) == "first second");
  CHECK(last == BS::kPending);
  r2.OnReadable([&] { woken = false; });
  REQUIRE(s.writer.Commit());
  CHECK_FALSE(woken);  // completion wakes readers too
  CHECK(Drain(r1, &last) == "second");
  CHECK(last == BS::kEnd);
  CHECK(Drain(r2, &last).empty());
  CHECK(last == BS::kEnd);
  auto hit = h.cache->Lookup(req, h.now());
  REQUIRE(hit.action == LA::kServeFresh);
  CHECK(hit.response->body->complete());
  CHECK(hit.response->body->ToString() == "first second");
  CHECK(h.cache->counters().stores == 1);
}

TEMPLATE_TEST_CASE("Streaming: an origin failure mid-stream stores nothing; readers see kAborted",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const cache::CacheRequest req{"GET", kUri, {}};
  // An older stored response of the same variant stays until a new one
  // completes.
  h.Put(kUri, 200, {{"Cache-Control", "max-age=1"}}, "old");
  h.clock.Advance(absl::Seconds(5));
  auto miss = h.cache->Lookup(req, h.now());
  REQUIRE(miss.action == LA::kFetch);
  auto s = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                               h.now(), &miss.ticket);
  REQUIRE(s.writer.Append("partial"));
  auto reader_lookup = h.cache->Lookup(req, h.now());
  REQUIRE(reader_lookup.action == LA::kServeFresh);
  cache::BodyReader reader(reader_lookup.response->body);
  BS last;
  CHECK(Drain(reader, &last) == "partial");
  CHECK(last == BS::kPending);
  s.writer.Abort();  // the origin connection broke
  cache::BodyChunk c;
  CHECK(reader.Next(&c) == BS::kAborted);
  CHECK(reader_lookup.response->body->aborted());
  CHECK(reader_lookup.response->body->ToString().empty());
  // Nothing new was stored; the old response is still there (stale).
  auto after = h.cache->Lookup(req, h.now());
  CHECK(after.action == LA::kFetch);
  CHECK(after.fwd == cache::ForwardReason::kStale);
  CHECK(h.cache->counters().aborted_inserts == 1);
  CHECK(h.cache->counters().entries == 1);

  SECTION("a writer destroyed without Commit aborts too") {
    auto s2 = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                                  h.now(), &after.ticket);
    REQUIRE(s2.writer.Append("x"));
    auto fill = h.cache->Lookup(req, h.now());
    REQUIRE(fill.response != nullptr);
    { cache::BodyWriter dropped = std::move(s2.writer); }
    CHECK(fill.response->body->aborted());
    CHECK(h.cache->Lookup(req, h.now()).action == LA::kFetch);
  }
}

TEMPLATE_TEST_CASE("Streaming: a truncated body (Content-Length) is never stored as complete",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const cache::CacheRequest req{"GET", kUri, {}};
  auto s = h.cache->BeginStore(
      req, 200, Fields{{"Cache-Control", "max-age=60"}, {"Content-Length", "10"}}.view(), h.now(),
      h.now());
  REQUIRE(s.outcome == SO::kStored);
  auto fill = h.cache->Lookup(req, h.now());
  REQUIRE(s.writer.Append("12345"));
  CHECK_FALSE(s.writer.Commit());  // 5 of 10 bytes
  CHECK(fill.response->body->aborted());
  CHECK(h.cache->Lookup(req, h.now()).action == LA::kFetch);
  // The exact length commits.
  auto s2 = h.cache->BeginStore(
      req, 200, Fields{{"Cache-Control", "max-age=60"}, {"Content-Length", "10"}}.view(), h.now(),
      h.now());
  REQUIRE(s2.writer.Append("1234567890"));
  CHECK(s2.writer.Commit());
  CHECK(h.cache->Lookup(req, h.now()).response->body->ToString() == "1234567890");
}

TEMPLATE_TEST_CASE("Streaming: max_object_bytes is enforced mid-stream; the client stream goes on",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  StoreSpec spec;
  cache::HttpCacheOptions o = WithStore(kind, spec);
  o.max_object_bytes = 64 * 1024;
  Harness h(o);
  const cache::CacheRequest req{"GET", kUri, {}};
  SECTION("unknown length: abandoned when the bytes pass the cap") {
    auto s = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                                 h.now());
    REQUIRE(s.outcome == SO::kStored);
    auto fill = h.cache->Lookup(req, h.now());
    const std::string chunk(16 * 1024, 'x');
    int accepted = 0;
    for (int i = 0; i < 8; ++i) accepted += s.writer.Append(chunk) ? 1 : 0;
    CHECK(accepted < 5);              // refused once past 64 KiB
    CHECK_FALSE(s.writer.is_open());  // abandoned: later appends are no-ops
    CHECK_FALSE(s.writer.Append(chunk));
    CHECK_FALSE(s.writer.Commit());
    CHECK(fill.response->body->aborted());
    CHECK(h.cache->Lookup(req, h.now()).action == LA::kFetch);
    CHECK(h.cache->counters().entries == 0);
  }
  SECTION("known length over the cap: not stored at all") {
    auto s = h.cache->BeginStore(
        req, 200, Fields{{"Cache-Control", "max-age=60"}, {"Content-Length", "1000000"}}.view(),
        h.now(), h.now());
    CHECK(s.outcome == SO::kNotStored);
    CHECK(s.reason == cache::NotStoredReason::kTooLarge);
    CHECK_FALSE(s.writer.is_open());
  }
}

TEMPLATE_TEST_CASE("The budget is never exceeded (flood of URLs)", "[cache]", MemoryKind, DiskKind,
                   TieredKind) {
  TestType kind;
  StoreSpec spec;
  spec.max_bytes = 512 * 1024;
  spec.max_object_bytes = 64 * 1024;
  Harness h(WithStore(kind, spec));
  const std::string body(3000, 'x');
  for (int i = 0; i < 3000; ++i) {
    h.Put("https://example.com/flood/" + std::to_string(i), 200, {{"Cache-Control", "max-age=600"}},
          body);
    const cache::StoreUsage u = h.cache->store().usage();
    REQUIRE(u.bytes <= u.capacity);
  }
  const cache::CacheCounters c = h.cache->counters();
  CHECK(c.evictions > 0);
  CHECK(c.entries > 20);
  CHECK(c.bytes <= h.cache->store().usage().capacity);
  // Recent objects are there.
  CHECK(h.Get("https://example.com/flood/2999").response->body->ToString() == body);
}

TEMPLATE_TEST_CASE("Purge by URL and by tag, hard and soft", "[cache]", MemoryKind, DiskKind,
                   TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const Fields tagged{{"Cache-Control", "max-age=60, stale-while-revalidate=30"},
                      {"ETag", "\"a\""},
                      {"Surrogate-Key", "product-1 shelf"}};
  h.Put(kUri, 200, tagged, "a");
  h.Put("https://example.com/b", 200, {{"Cache-Control", "max-age=60"}, {"Cache-Tag", "shelf"}},
        "b");
  h.Put("https://example.com/c", 200, {{"Cache-Control", "max-age=60"}}, "c");
  SECTION("hard URL") {
    CHECK(h.cache->PurgeUrl(kUri, cache::PurgeMode::kHard) == 1);
    CHECK(h.Get(kUri).action == LA::kFetch);
    CHECK(h.Get("https://example.com/b").action == LA::kServeFresh);
  }
  SECTION("soft URL: stale from now, revalidated in the background (RFC 5861)") {
    CHECK(h.cache->PurgeUrl(kUri, cache::PurgeMode::kSoft) == 1);
    auto r = h.Get(kUri);
    CHECK(r.action == LA::kServeStaleAndRevalidate);
    h.Put(kUri, 304, {{"ETag", "\"a\""}}, "", {}, &r.ticket);
    CHECK(h.Get(kUri).action == LA::kServeFresh);
  }
  SECTION("hard tag") {
    CHECK(h.cache->PurgeTag("shelf", cache::PurgeMode::kHard) == 2);
    CHECK(h.Get(kUri).action == LA::kFetch);
    CHECK(h.Get("https://example.com/b").action == LA::kFetch);
    CHECK(h.Get("https://example.com/c").action == LA::kServeFresh);
    CHECK(h.cache->counters().entries == 1);
  }
  SECTION("soft tag") {
    CHECK(h.cache->PurgeTag("product-1", cache::PurgeMode::kSoft) == 1);
    CHECK(h.Get(kUri).action == LA::kServeStaleAndRevalidate);
    CHECK(h.Get("https://example.com/b").action == LA::kServeFresh);
  }
  SECTION("all") {
    CHECK(h.cache->PurgeAll() == 3);
    CHECK(h.cache->counters().entries == 0);
    CHECK(h.cache->counters().bytes == 0);
  }
  CHECK(h.cache->counters().purges >= 1);
}

// Stores `n` distinct keys through a 256 KiB budget.
template <class Kind>
void DistinctKeys(int n) {
  Kind kind;
  StoreSpec spec;
  spec.max_bytes = 256 * 1024;
  spec.max_object_bytes = 16 * 1024;
  Harness h(WithStore(kind, spec));
  const cache::StoreUsage cap = h.cache->store().usage();
  uint64_t max_seen = 0;
  std::string uri;
  for (int i = 0; i < n; ++i) {
    uri = "https://example.com/k/" + std::to_string(i);
    cache::CacheRequest req{"GET", uri, {}};
    auto s = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                                 h.now());
    (void)s.writer.Append("v");
    (void)s.writer.Commit();
    if ((i & 1023) == 0) max_seen = std::max(max_seen, h.cache->store().usage().bytes);
  }
  CHECK(max_seen <= cap.capacity);
  CHECK(h.cache->store().usage().bytes <= cap.capacity);
  CHECK(h.cache->counters().stores == static_cast<uint64_t>(n));
  CHECK(h.cache->counters().evictions > static_cast<uint64_t>(n) - 10000);
  CHECK(h.Get("https://example.com/k/" + std::to_string(n - 1)).action == LA::kServeFresh);
}

TEMPLATE_TEST_CASE("30k distinct keys pass through a small budget", "[cache]", MemoryKind, DiskKind,
                   TieredKind) {
  DistinctKeys<TestType>(30000);
}

// About 10 s (memory) to 2 min (disk) in Release: run with [stress].
TEMPLATE_TEST_CASE("1M distinct keys pass through a small budget", "[cache][.stress]", MemoryKind,
                   DiskKind, TieredKind) {
  DistinctKeys<TestType>(1000000);
}

TEMPLATE_TEST_CASE("Concurrent readers and writers stay consistent", "[cache][concurrency]",
                   MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  StoreSpec spec;
  spec.max_bytes = 256 * 1024;
  cache::HttpCacheOptions o = WithStore(kind, spec);
  auto cache = cache::HttpCache::Create(o).value();
  constexpr int kThreads = 4;
  constexpr int kOps = 1500;
  std::atomic<int> complete_reads{0};
  std::atomic<int> stored{0};
  std::atomic<int> bad{0};
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint32_t x = 777u + static_cast<uint32_t>(t);
      for (int i = 0; i < kOps; ++i) {
        x = x * 1664525u + 1013904223u;
        const int k = static_cast<int>((x >> 8) % 32);
        const std::string uri = "https://e.com/k" + std::to_string(k);
        const std::string expect = "body-" + std::to_string(k) + std::string(2000, 'z');
        cache::CacheRequest r{"GET", uri, {}};
        const absl::Time now = t0 + absl::Milliseconds(i);
        const int op = static_cast<int>((x >> 4) % 16);
        if (op == 0) {
          cache->PurgeTag("t" + std::to_string(k % 4),
                          (x >> 12) % 2 ? cache::PurgeMode::kSoft : cache::PurgeMode::kHard, now);
          continue;
        }
        auto res = cache->Lookup(r, now);
        if (res.response != nullptr) {
          // Read it, possibly while it fills: never a wrong or partial body
          // presented as complete.
          cache::BodyReader reader(res.response->body);
          std::string got;
          cache::BodyChunk c;
          for (;;) {
            const BS s = reader.Next(&c);
            if (s == BS::kOk) {
              got.append(c.data(), c.size());
            } else if (s == BS::kPending) {
              (void)reader.Wait(absl::Milliseconds(50));
            } else {
              if (s == BS::kEnd) {
                complete_reads += 1;
                if (got != expect) bad += 1;
              }
              break;
            }
          }
          continue;
        }
        if (res.action == LA::kWaitForLeader) {
          (void)res.ticket.Wait(absl::Milliseconds(5));
          (void)cache->Resume(r, res.ticket, now);
          continue;
        }
        const Fields resp{{"Cache-Control", "max-age=1"},
                          {"Surrogate-Key", "t" + std::to_string(k % 4)}};
        auto s = cache->BeginStore(r, 200, resp.view(), now, now, &res.ticket);
        if (!s.writer.is_open()) continue;
        bool ok = true;
        for (size_t off = 0; off < expect.size() && ok; off += 700) {
          ok = s.writer.Append(std::string_view(expect).substr(off, 700));
        }
        if (ok && (x >> 20) % 8 != 0 && s.writer.Commit()) stored += 1;
        // else: abort (writer destroyed)
      }
    });
  }
  for (auto& th : threads) th.join();
  const cache::StoreUsage u = cache->store().usage();
  CHECK(bad.load() == 0);
  CHECK(stored.load() > 0);
  CHECK(complete_reads.load() > 0);
  CHECK(u.bytes <= u.capacity);
  cache->PurgeAll();
  CHECK(cache->counters().entries == 0);
  CHECK(cache->store().usage().bytes == 0);
}

TEMPLATE_TEST_CASE("A hot variant is served as updated, soft-purged and purged (RFC 9111 4.3.4)",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  // Lookups of a hot item hand out per-thread references to its response:
  // they must follow every change the index makes to the item.
  TestType kind;
  Harness h(WithStore(kind));
  h.Put(kUri, 200, {{"Cache-Control", "max-age=10"}, {"ETag", "\"v1\""}, {"X-Version", "1"}},
        "body");
  for (int i = 0; i < 8; ++i) REQUIRE(h.Get(kUri).action == LA::kServeFresh);  // hot now
  auto held = h.Get(kUri);  // a result kept across the update
  h.clock.Advance(absl::Seconds(20));
  auto reval = h.Get(kUri);
  REQUIRE(reval.action == LA::kRevalidate);
  auto upd =
      h.Put(kUri, 304, {{"ETag", "\"v1\""}, {"Cache-Control", "max-age=100"}, {"X-Version", "2"}},
            "", {}, &reval.ticket);
  REQUIRE(upd.outcome == SO::kUpdated);
  for (int i = 0; i < 8; ++i) {
    auto hit = h.Get(kUri);
    REQUIRE(hit.action == LA::kServeFresh);
    CHECK(hit.ResponseHeaders().Get("X-Version") == "2");
    CHECK(hit.cache_status == "edgekit;hit;ttl=100");
  }
  CHECK(held.ResponseHeaders().Get("X-Version") == "1");  // still the old one
  CHECK(held.response->body->ToString() == "body");
  // A soft purge marks it stale; a hard purge removes it.
  h.cache->PurgeUrl(kUri, cache::PurgeMode::kSoft);
  CHECK(h.Get(kUri).action == LA::kRevalidate);
  h.cache->PurgeUrl(kUri);
  CHECK(h.Get(kUri).fwd == cache::ForwardReason::kUriMiss);
}

TEMPLATE_TEST_CASE("Hot items' per-thread references are charged to the budget", "[cache]",
                   MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  StoreSpec spec;
  spec.shards = 1;
  spec.max_bytes = 256 * 1024;
  Harness h(WithStore(kind, spec));
  constexpr int kObjects = 20;
  auto uri = [](int i) { return kUri + "/hot" + std::to_string(i); };
  for (int i = 0; i < kObjects; ++i) {
    h.Put(uri(i), 200, {{"Cache-Control", "max-age=60"}}, std::string(1000, 'h'));
  }
  const uint64_t cold = h.cache->store().usage().bytes;
  for (int i = 0; i < kObjects; ++i) {
    for (int n = 0; n < 8; ++n) REQUIRE(h.Get(uri(i)).action == LA::kServeFresh);
  }
  const cache::StoreUsage hot = h.cache->store().usage();
  CHECK(hot.bytes > cold);  // the references are counted...
  CHECK(hot.bytes <= hot.capacity);
  // ...and given back with their items.
  CHECK(h.cache->PurgeAll() == kObjects);
  CHECK(h.cache->store().usage().bytes == 0);
}

namespace {
// A host's matcher that fails (throws) on every call.
class ThrowingMatcher final : public cache::VariantMatcher {
 public:
  bool Matches(const cache::StoredResponse&) const override {
    throw std::runtime_error("matcher failed");
  }
};
}  // namespace

TEMPLATE_TEST_CASE("A matcher that throws leaves the store usable", "[cache]", MemoryKind, DiskKind,
                   TieredKind) {
  // A lookup that ends in an exception must release the shard: a writer on
  // it (this thread, the same shard) would otherwise wait forever.
  TestType kind;
  StoreSpec spec;
  spec.shards = 1;
  Harness h(WithStore(kind, spec));
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}}, "one");
  for (int i = 0; i < 8; ++i) REQUIRE(h.Get(kUri).action == LA::kServeFresh);  // hot
  const std::string key(h.Get(kUri).response->key());
  const ThrowingMatcher throwing;
  for (int i = 0; i < 3; ++i) {
    CHECK_THROWS_AS(h.cache->store().Find(cache::MakeStoreKey(key), throwing), std::runtime_error);
  }
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}}, "two");  // a writer on the shard
  CHECK(h.Get(kUri).response->body->ToString() == "two");
  CHECK(h.cache->PurgeUrl(kUri) == 1);
}

TEMPLATE_TEST_CASE("Readers of one shard never see an older version after a newer one",
                   "[cache][concurrency]", MemoryKind, DiskKind, TieredKind) {
  // One shard: every lookup reads the shard a writer keeps changing (each
  // commit replaces the previous version of the key and may evict the
  // filler keys), so readers that skip the shard's lock (reader slots) are
  // exercised against writers that take it.
  TestType kind;
  StoreSpec spec;
  spec.shards = 1;
  spec.max_bytes = 512 * 1024;
  cache::HttpCacheOptions o = WithStore(kind, spec);
  auto cache = cache::HttpCache::Create(o).value();
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const cache::CacheRequest hot{"GET", kUri, {}};
  constexpr int kVersions = 300;
  constexpr int kReaders = 2;
  std::atomic<bool> done{false};
  std::atomic<int> went_back{0};
  std::atomic<int> wrong_body{0};
  std::atomic<int> seen{0};
  auto store = [&](const cache::CacheRequest& r, const std::string& body) {
    auto s = cache->BeginStore(r, 200, Fields{{"Cache-Control", "max-age=600"}}.view(), now, now);
    return s.writer.is_open() && s.writer.Append(body) && s.writer.Commit();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&] {
      int last = -1;
      while (!done.load(std::memory_order_acquire)) {
        auto res = cache->Lookup(hot, now);
        if (res.response == nullptr) continue;
        // A version still filling is found too (readers stream it); only
        // complete ones are compared.
        cache::BodyReader reader(res.response->body);
        BS last_status = BS::kOk;
        const std::string body = Drain(reader, &last_status);
        if (last_status != BS::kEnd) continue;
        int v = -1;
        if (body.size() < 2 || !absl::SimpleAtoi(body.substr(1), &v) || body[0] != 'v') {
          wrong_body += 1;
          continue;
        }
        if (v < last) went_back += 1;
        last = v;
        seen += 1;
      }
    });
  }
  threads.emplace_back([&] {
    for (int v = 0; v < kVersions; ++v) {
      (void)store(hot, "v" + std::to_string(v));
      // Filler keys in the same shard: inserts, evictions and purges.
      const std::string filler_uri = kUri + "/f" + std::to_string(v % 50);
      const cache::CacheRequest filler{"GET", filler_uri, {}};
      (void)store(filler, std::string(4000, 'f'));
      if (v % 10 == 0) cache->PurgeUrl(filler_uri);
    }
    done.store(true, std::memory_order_release);
  });
  for (auto& th : threads) th.join();
  CHECK(went_back.load() == 0);
  CHECK(wrong_body.load() == 0);
  CHECK(seen.load() > 0);
  auto last = cache->Lookup(hot, now);
  REQUIRE(last.response != nullptr);
  CHECK(last.response->body->ToString() == "v" + std::to_string(kVersions - 1));
}

TEMPLATE_TEST_CASE("Threads that come and go read hot items correctly and are all counted",
                   "[cache][concurrency]", MemoryKind, DiskKind, TieredKind) {
  // Far more threads than there are private stripes (63), a few alive at a
  // time, so stripes are given back at exit and reused by later threads,
  // with their reader slots and their per-thread references to hot items
  // (TSan checks the hand-over) while a writer keeps changing every shard.
  TestType kind;
  StoreSpec spec;
  spec.max_bytes = 4 << 20;
  cache::HttpCacheOptions o = WithStore(kind, spec);
  auto cache = cache::HttpCache::Create(o).value();
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  auto store = [&](const std::string& uri, const std::string& body) {
    auto s = cache->BeginStore(cache::CacheRequest{"GET", uri, {}}, 200,
                               Fields{{"Cache-Control", "max-age=600"}}.view(), now, now);
    return s.writer.is_open() && s.writer.Append(body) && s.writer.Commit();
  };
  constexpr int kHot = 8;
  for (int k = 0; k < kHot; ++k) {
    REQUIRE(store(kUri + "/hot" + std::to_string(k), "hot-" + std::to_string(k)));
  }
  const uint64_t lookups_before = cache->counters().lookups;
  const uint64_t hits_before = cache->counters().hits;
  // Each launcher starts one short-lived reader at a time and joins it, so
  // readers of different launchers start and exit concurrently, ordered
  // only by the stripe hand-over itself.
  constexpr int kLaunchers = 3;
  constexpr int kRounds = 50;
  constexpr int kLookups = 40;
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::thread writer([&] {
    for (int i = 0; !done.load(std::memory_order_acquire); ++i) {
      (void)store(kUri + "/filler" + std::to_string(i % 64), std::string(1000, 'f'));
    }
  });
  auto reader = [&](int seed) {
    for (int i = 0; i < kLookups; ++i) {
      const int k = (seed + i) % kHot;
      auto res =
          cache->Lookup(cache::CacheRequest{"GET", kUri + "/hot" + std::to_string(k), {}}, now);
      if (res.action != LA::kServeFresh || res.response == nullptr ||
          res.response->body->ToString() != "hot-" + std::to_string(k)) {
        wrong += 1;
      }
    }
  };
  std::vector<std::thread> launchers;
  for (int l = 0; l < kLaunchers; ++l) {
    launchers.emplace_back([&, l] {
      for (int round = 0; round < kRounds; ++round) std::thread(reader, l + round).join();
    });
  }
  for (auto& th : launchers) th.join();
  done.store(true, std::memory_order_release);
  writer.join();
  CHECK(wrong.load() == 0);
  constexpr uint64_t kTotal = uint64_t{kLaunchers} * kRounds * kLookups;
  CHECK(cache->counters().lookups - lookups_before == kTotal);
  CHECK(cache->counters().hits - hits_before == kTotal);
}

TEMPLATE_TEST_CASE("Appended bytes are the store's own: the host reuses its buffer at once",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  Harness h(WithStore(kind));
  const cache::CacheRequest req{"GET", kUri, {}};
  auto s = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                               h.now());
  std::string buffer;
  std::string expect;
  for (int i = 0; i < 8; ++i) {
    buffer.assign(20000, static_cast<char>('a' + i));  // one buffer, overwritten each time
    expect += buffer;
    REQUIRE(s.writer.Append(buffer));
  }
  buffer.assign(buffer.size(), '!');
  REQUIRE(s.writer.Commit());
  buffer.clear();
  buffer.shrink_to_fit();
  CHECK(h.Get(kUri).response->body->ToString() == expect);
  // A chunk the host hands over with its own owner is copied too.
  auto owner = std::make_shared<std::string>(50000, 'o');
  auto s2 = h.cache->BeginStore(cache::CacheRequest{"GET", kUri + "/2", {}}, 200,
                                Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(), h.now());
  REQUIRE(s2.writer.Append(cache::BodyChunk::Share(owner, *owner)));
  REQUIRE(s2.writer.Commit());
  owner->assign(owner->size(), 'x');
  CHECK(h.Get(kUri + "/2").response->body->ToString() == std::string(50000, 'o'));
}
