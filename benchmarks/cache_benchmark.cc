// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Benchmarks of edgekit::cache::HttpCache, each beside its baseline:
//   BM_Baseline_FlatHashMapFind  the floor: one absl::flat_hash_map find of the
//                                same key string
//   BM_CacheHit_Vary             a fresh hit with Vary: Accept-Encoding, Age and
//                                Cache-Status built (1 and 2 threads)
//   BM_CacheMissStore            a miss plus the Store of a 1 KiB response
//   BM_PurgeTag10k               hard purge of a tag carried by 10,000 entries
//   BM_HitRatio_S3FIFO_vs_LRU    Zipf(0.9), 1M requests over 100k objects of
//                                varied sizes, same byte budget: hit ratios of
//                                the cache's S3-FIFO and of an LRU simulator
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/memory_store.h"

namespace {

namespace cache = edgekit::cache;
namespace http = edgekit::http;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);
const std::string kUri = "https://www.example.com/static/app/main.js?v=12345";

std::unique_ptr<cache::HttpCache> MakeCache(size_t bytes = size_t{256} << 20, int shards = 16) {
  cache::HttpCacheOptions o;
  o.max_bytes = bytes;
  o.shard_count = shards;
  return cache::HttpCache::Create(o).value();
}

void BM_Baseline_FlatHashMapFind(benchmark::State& state) {
  absl::flat_hash_map<std::string, std::shared_ptr<const std::string>> map;
  for (int i = 0; i < 1000; ++i) {
    map["https://www.example.com/static/app/x" + std::to_string(i)] =
        std::make_shared<const std::string>("v");
  }
  map[kUri] = std::make_shared<const std::string>(std::string(1024, 'b'));
  const std::string key = kUri;
  for (auto _ : state) {
    auto it = map.find(key);
    benchmark::DoNotOptimize(it->second.get());
  }
}
BENCHMARK(BM_Baseline_FlatHashMapFind);

cache::HttpCache* g_hit_cache = nullptr;

void BM_CacheHit_Vary(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_hit_cache = MakeCache().release();
    std::vector<http::HeaderField> req{{"Accept-Encoding", "gzip, br"}};
    std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=3600"},
                                        {"Vary", "Accept-Encoding"},
                                        {"Content-Type", "application/javascript"},
                                        {"ETag", "\"abc\""}};
    for (int i = 0; i < 1000; ++i) {
      const std::string uri = "https://www.example.com/static/app/x" + std::to_string(i);
      cache::CacheRequest r{"GET", uri, req};
      (void)g_hit_cache->Store(r, 200, resp, "v", kT0, kT0);
    }
    (void)g_hit_cache->Store({"GET", kUri, req}, 200, resp, std::string(1024, 'b'), kT0, kT0);
  }
  std::vector<http::HeaderField> req{
      {"Accept-Encoding", "gzip, br"}, {"User-Agent", "bench"}, {"Accept", "*/*"}};
  const cache::CacheRequest r{"GET", kUri, req};
  const absl::Time now = kT0 + absl::Seconds(5);
  for (auto _ : state) {
    cache::LookupResult res = g_hit_cache->Lookup(r, now);
    benchmark::DoNotOptimize(res.cache_status.data());
    benchmark::DoNotOptimize(res.age_value.data());
  }
  if (state.thread_index() == 0) {
    state.counters["hits"] = static_cast<double>(g_hit_cache->counters().hits);
    delete g_hit_cache;
    g_hit_cache = nullptr;
  }
}
BENCHMARK(BM_CacheHit_Vary);
BENCHMARK(BM_CacheHit_Vary)->Threads(2)->UseRealTime();

void BM_CacheMissStore(benchmark::State& state) {
  auto c = MakeCache(size_t{64} << 20);
  std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=3600"},
                                      {"Content-Type", "text/html"}};
  const std::string body(1024, 'b');
  uint64_t i = 0;
  std::string uri;
  for (auto _ : state) {
    uri = "https://www.example.com/p/" + std::to_string(i++);
    cache::CacheRequest r{"GET", uri, {}};
    cache::LookupResult l = c->Lookup(r, kT0);
    cache::StoreResult s = c->Store(r, 200, resp, body, kT0, kT0, &l.ticket);
    benchmark::DoNotOptimize(s.outcome);
  }
}
BENCHMARK(BM_CacheMissStore);

void BM_PurgeTag10k(benchmark::State& state) {
  auto c = MakeCache(size_t{256} << 20);
  std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=3600"},
                                      {"Surrogate-Key", "category-electronics other"}};
  for (auto _ : state) {
    for (int i = 0; i < 10000; ++i) {
      const std::string uri = "https://shop.example/item/" + std::to_string(i);
      cache::CacheRequest r{"GET", uri, {}};
      (void)c->Store(r, 200, resp, "x", kT0, kT0);
    }
    const auto start = std::chrono::steady_clock::now();
    const size_t n = c->PurgeTag("category-electronics");
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(n);
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    state.counters["purged"] = static_cast<double>(n);
  }
}
BENCHMARK(BM_PurgeTag10k)->UseManualTime()->Unit(benchmark::kMicrosecond);

// --- Hit ratio: S3-FIFO (the cache itself) vs an LRU simulator -------------

struct Trace {
  std::vector<uint32_t> requests;
  std::vector<uint32_t> sizes;
};

const Trace& GetTrace() {
  static const Trace* trace = [] {
    auto* t = new Trace();
    constexpr int kObjects = 100000;
    constexpr int kRequests = 1000000;
    std::mt19937_64 rng(42);
    std::vector<double> cdf(kObjects);
    double sum = 0;
    for (int i = 0; i < kObjects; ++i) {
      sum += 1.0 / std::pow(static_cast<double>(i + 1), 0.9);
      cdf[static_cast<size_t>(i)] = sum;
    }
    // Sizes: log-uniform 200 B .. 64 KiB.
    std::uniform_real_distribution<double> u(0.0, 1.0);
    t->sizes.resize(kObjects);
    for (auto& s : t->sizes) s = static_cast<uint32_t>(200.0 * std::pow(327.68, u(rng)));
    // Ranks map to a random permutation of object ids.
    std::vector<uint32_t> perm(kObjects);
    for (uint32_t i = 0; i < kObjects; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    t->requests.reserve(kRequests);
    for (int i = 0; i < kRequests; ++i) {
      const double x = u(rng) * sum;
      const size_t rank =
          static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), x) - cdf.begin());
      t->requests.push_back(perm[std::min<size_t>(rank, kObjects - 1)]);
    }
    return t;
  }();
  return *trace;
}

double LruHitRatio(const Trace& t, const std::vector<size_t>& charge, size_t budget) {
  std::list<uint32_t> lru;
  std::unordered_map<uint32_t, std::list<uint32_t>::iterator> where;
  size_t bytes = 0;
  uint64_t hits = 0;
  for (uint32_t id : t.requests) {
    auto it = where.find(id);
    if (it != where.end()) {
      ++hits;
      lru.splice(lru.begin(), lru, it->second);
      continue;
    }
    if (charge[id] > budget) continue;
    while (bytes + charge[id] > budget && !lru.empty()) {
      const uint32_t victim = lru.back();
      lru.pop_back();
      where.erase(victim);
      bytes -= charge[victim];
    }
    lru.push_front(id);
    where[id] = lru.begin();
    bytes += charge[id];
  }
  return static_cast<double>(hits) / static_cast<double>(t.requests.size());
}

void BM_HitRatio_S3FIFO_vs_LRU(benchmark::State& state) {
  const Trace& t = GetTrace();
  uint64_t total_bytes = 0;
  for (uint32_t s : t.sizes) total_bytes += s;
  // Budget: a percentage (argument) of the total object bytes.
  const size_t budget = static_cast<size_t>(total_bytes * state.range(0) / 100);
  double s3 = 0;
  double lru = 0;
  for (auto _ : state) {
    // shard_count 1: compare the policies, not the sharding.
    auto c = MakeCache(budget, 1);
    std::vector<size_t> charge(t.sizes.size(), 0);
    std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=100000"}};
    std::vector<std::string> bodies;
    uint64_t hits = 0;
    std::string uri;
    for (uint32_t id : t.requests) {
      uri = "https://e.com/o/" + std::to_string(id);
      cache::CacheRequest r{"GET", uri, {}};
      cache::LookupResult l = c->Lookup(r, kT0);
      if (l.action == cache::LookupAction::kServeFresh) {
        ++hits;
        continue;
      }
      cache::StoreResult s =
          c->Store(r, 200, resp, std::string(t.sizes[id], 'b'), kT0, kT0, &l.ticket);
      if (s.response) {
        charge[id] = cache::MemoryStore::HeadCharge(*s.response) +
                     s.response->body->resident_allocated_bytes() + 48;
      }
    }
    s3 = static_cast<double>(hits) / static_cast<double>(t.requests.size());
    // Objects never stored (too large) keep a charge over the budget.
    for (size_t i = 0; i < charge.size(); ++i) {
      if (charge[i] == 0) charge[i] = t.sizes[i] + 400;
    }
    lru = LruHitRatio(t, charge, budget);
  }
  state.counters["s3fifo_hit_ratio"] = s3;
  state.counters["lru_hit_ratio"] = lru;
  state.counters["budget_pct"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_HitRatio_S3FIFO_vs_LRU)->Arg(1)->Arg(10)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
