// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Benchmarks of edgekit::cache, each beside its baseline (the floor doing the
// same work) in this binary:
//   BM_Baseline_FlatHashMapFind   one absl::flat_hash_map find of the same key
//   BM_Baseline_SharedFind        the same find, announced in a reader slot (a
//                                 sequentially consistent store), returning a
//                                 shared_ptr copy (what a thread-safe find pays)
//   BM_CacheHit_Vary              a fresh hit with Vary: Accept-Encoding, Age and
//                                 Cache-Status built (1 and 2 threads)
//   BM_CacheServeHit              the same plus every field to send visited
//                                 (ForEachField, 10 stored fields) and the body's
//                                 chunks taken; allocs_per_iter counted
//   BM_CacheHit_AfterThreadChurn  two threads on one hot key, both created after
//                                 200 threads that each looked up once and exited
//   BM_Baseline_FindAndCopy_RandomKey/N  flat_hash_map find + shared_ptr copy,
//                                 keys in a random order among N
//   BM_CacheHit_RandomKey/N       cache hits in the same order among N entries
//   BM_Baseline_MapInsertCopy_10Fields   a copy of 10 fields and a 1 KiB body
//                                 inserted into a flat_hash_map (1,000 keys, replacing)
//   BM_CacheStore_10Fields        Store of the same response (1,000 keys, replacing)
//   BM_Baseline_Memcpy            1 MiB copied in 16 KiB pieces, then read back
//   BM_StoreStream_Memory         1 MiB streamed into the memory store in 16 KiB
//                                 chunks, committed, read back through a BodyReader
//   BM_Baseline_FileWriteRead     1 MiB written (16 KiB writes) to a new file,
//                                 pread back, file removed
//   BM_StoreStream_Disk           the same 1 MiB through the disk store
//   BM_MemoryResident             resident memory after filling a 128 MiB memory
//                                 store with 1 KiB objects, against the budget
//   BM_PurgeTag10k                hard purge of a tag carried by 10,000 entries
//   BM_HitRatio_S3FIFO_vs_LRU     Zipf(0.9), 1M requests over 100k objects of varied
//                                 sizes, same byte budget: S3-FIFO vs an LRU simulator
// Build in Release. Ratios are read within one run.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "edgekit/cache/disk_store.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/memory_store.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// GCC pairs the replaced operators with malloc/free and warns falsely.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// Counting replacements of the global allocation functions.
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

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

// Ten fields of a typical static response (about 400 bytes).
const std::vector<http::HeaderField>& TenFields() {
  static const std::vector<http::HeaderField> f = {
      {"Cache-Control", "public, max-age=3600"},
      {"Content-Type", "application/javascript; charset=utf-8"},
      {"Content-Length", "1024"},
      {"ETag", "\"5f1b-3a7c9e0d2b4f1\""},
      {"Last-Modified", "Tue, 03 Nov 2026 10:00:00 GMT"},
      {"Date", "Tue, 14 Nov 2023 22:13:20 GMT"},
      {"Vary", "Accept-Encoding"},
      {"Server", "origin/1.2"},
      {"X-Request-Id", "6c0f8b1e-2d44-4c1e-9a57-0b8f3f0c9d11"},
      {"Access-Control-Allow-Origin", "*"}};
  return f;
}

// What the hit benchmarks' cache holds, in a bare map: 1,000 keys and kUri.
absl::flat_hash_map<std::string, std::shared_ptr<const std::string>> BaselineMap() {
  absl::flat_hash_map<std::string, std::shared_ptr<const std::string>> map;
  for (int i = 0; i < 1000; ++i) {
    map["https://www.example.com/static/app/x" + std::to_string(i)] =
        std::make_shared<const std::string>("v");
  }
  map[kUri] = std::make_shared<const std::string>(std::string(1024, 'b'));
  return map;
}

void BM_Baseline_FlatHashMapFind(benchmark::State& state) {
  const auto map = BaselineMap();
  const std::string key = kUri;
  for (auto _ : state) {
    auto it = map.find(key);
    benchmark::DoNotOptimize(it->second.get());
  }
}
BENCHMARK(BM_Baseline_FlatHashMapFind);

// The same find as BM_Baseline_FlatHashMapFind, plus the synchronisation any
// store shared by threads pays to hand out an owning reference: the reader
// announces itself (a sequentially consistent store to its own line, then a
// load of a writer flag), copies the value's shared_ptr, leaves, and the
// copy is dropped (a locked add and a locked sub on its count).
void BM_Baseline_SharedFind(benchmark::State& state) {
  const auto map = BaselineMap();
  const std::string key = kUri;
  struct alignas(64) Line {
    std::atomic<uint32_t> v{0};
  };
  static Line slot;
  static Line writing;
  for (auto _ : state) {
    slot.v.store(1, std::memory_order_seq_cst);
    if (writing.v.load(std::memory_order_seq_cst) != 0) state.SkipWithError("writer");
    auto it = map.find(key);
    std::shared_ptr<const std::string> ref = it->second;
    slot.v.store(0, std::memory_order_release);
    benchmark::DoNotOptimize(ref.get());
  }
}
BENCHMARK(BM_Baseline_SharedFind);

cache::HttpCache* g_hit_cache = nullptr;

void FillHitCache(const std::vector<http::HeaderField>& resp) {
  g_hit_cache = MakeCache().release();
  std::vector<http::HeaderField> req{{"Accept-Encoding", "gzip, br"}};
  for (int i = 0; i < 1000; ++i) {
    const std::string uri = "https://www.example.com/static/app/x" + std::to_string(i);
    cache::CacheRequest r{"GET", uri, req};
    (void)g_hit_cache->Store(r, 200, resp, "v", kT0, kT0);
  }
  (void)g_hit_cache->Store({"GET", kUri, req}, 200, resp, std::string(1024, 'b'), kT0, kT0);
}

// The response BM_CacheHit_Vary hits (Vary: Accept-Encoding), and the
// request fields every hit benchmark sends.
std::vector<http::HeaderField> VaryResponse() {
  return {{"Cache-Control", "max-age=3600"},
          {"Vary", "Accept-Encoding"},
          {"Content-Type", "application/javascript"},
          {"ETag", "\"abc\""}};
}
const std::vector<http::HeaderField>& HitRequestFields() {
  static const std::vector<http::HeaderField> f{
      {"Accept-Encoding", "gzip, br"}, {"User-Agent", "bench"}, {"Accept", "*/*"}};
  return f;
}

void BM_CacheHit_Vary(benchmark::State& state) {
  if (state.thread_index() == 0) {
    FillHitCache(VaryResponse());
  }
  const std::vector<http::HeaderField>& req = HitRequestFields();
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

// What a host does to send a hit: lookup, visit every field to send, take
// the body's chunks (views shared with the store: no copy, no refcount).
void BM_CacheServeHit(benchmark::State& state) {
  if (state.thread_index() == 0) FillHitCache(TenFields());
  const std::vector<http::HeaderField>& req = HitRequestFields();
  const cache::CacheRequest r{"GET", kUri, req};
  const absl::Time now = kT0 + absl::Seconds(5);
  // Allocations are counted once the item is hot: its first hits by each
  // thread allocate that thread's reference to it (a one-time cost).
  constexpr int64_t kWarmHits = 16;
  uint64_t allocs_before = 0;
  int64_t n = 0;
  size_t fields = 0;
  for (auto _ : state) {
    if (n++ == kWarmHits) allocs_before = g_allocations.load(std::memory_order_relaxed);
    cache::LookupResult res = g_hit_cache->Lookup(r, now);
    size_t bytes = 0;
    res.ForEachField([&bytes](std::string_view name, std::string_view value) {
      bytes += name.size() + value.size();
    });
    fields += bytes;
    for (const cache::BodyChunk& c : res.response->body->resident_chunks()) {
      benchmark::DoNotOptimize(c.data());
    }
  }
  benchmark::DoNotOptimize(fields);
  if (state.thread_index() == 0) {
    if (n > kWarmHits) {
      state.counters["allocs_per_iter"] =
          static_cast<double>(g_allocations.load(std::memory_order_relaxed) - allocs_before) /
          static_cast<double>(n - kWarmHits);
    }
    delete g_hit_cache;
    g_hit_cache = nullptr;
  }
}
BENCHMARK(BM_CacheServeHit);
BENCHMARK(BM_CacheServeHit)->Threads(2)->UseRealTime();

// Two threads hitting one hot key, as BM_CacheHit_Vary/threads:2, but both
// created after 200 earlier threads (each made one lookup, then exited): a
// host that creates threads as it goes (a thread per connection, a pool that
// grows and shrinks). Manual time: the wall time of both threads' loops;
// read it per hit against BM_CacheHit_Vary/threads:2.
void BM_CacheHit_AfterThreadChurn(benchmark::State& state) {
  FillHitCache(VaryResponse());
  const std::vector<http::HeaderField>& req = HitRequestFields();
  const cache::CacheRequest r{"GET", kUri, req};
  const absl::Time now = kT0 + absl::Seconds(5);
  for (int i = 0; i < 200; ++i) {
    std::thread([&] { benchmark::DoNotOptimize(g_hit_cache->Lookup(r, now).action); }).join();
  }
  constexpr int kHitsPerThread = 100000;
  auto hits = [&] {
    for (int i = 0; i < kHitsPerThread; ++i) {
      cache::LookupResult res = g_hit_cache->Lookup(r, now);
      benchmark::DoNotOptimize(res.cache_status.data());
    }
  };
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    std::thread a(hits);
    std::thread b(hits);
    a.join();
    b.join();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.SetItemsProcessed(state.iterations() * 2 * kHitsPerThread);
  delete g_hit_cache;
  g_hit_cache = nullptr;
}
BENCHMARK(BM_CacheHit_AfterThreadChurn)->UseManualTime();

// --- Random keys among N entries (issue: the working set) -------------------

std::vector<std::string> Keys(size_t n) {
  std::vector<std::string> keys;
  keys.reserve(n);
  for (size_t i = 0; i < n; ++i) keys.push_back("https://www.example.com/o/" + std::to_string(i));
  return keys;
}
// A fixed random visiting order, the same for the baseline and the cache.
std::vector<uint32_t> Order(size_t n) {
  std::vector<uint32_t> order(std::max<size_t>(n, 1 << 20));
  std::mt19937_64 rng(7);
  for (auto& o : order) o = static_cast<uint32_t>(rng() % n);
  return order;
}

void BM_Baseline_FindAndCopy_RandomKey(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<std::string> keys = Keys(n);
  const std::vector<uint32_t> order = Order(n);
  absl::flat_hash_map<std::string, std::shared_ptr<const std::string>> map;
  map.reserve(n);
  for (const std::string& k : keys) map[k] = std::make_shared<const std::string>("v");
  size_t i = 0;
  for (auto _ : state) {
    auto it = map.find(keys[order[i]]);
    std::shared_ptr<const std::string> copy = it->second;
    benchmark::DoNotOptimize(copy.get());
    i = (i + 1) & (order.size() - 1);
  }
}
BENCHMARK(BM_Baseline_FindAndCopy_RandomKey)->Arg(1000)->Arg(1000000);

void BM_CacheHit_RandomKey(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::vector<std::string> keys = Keys(n);
  const std::vector<uint32_t> order = Order(n);
  auto c = MakeCache(size_t{4} << 30);
  const std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=3600"},
                                            {"Content-Type", "text/plain"}};
  for (const std::string& k : keys) {
    (void)c->Store(cache::CacheRequest{"GET", k, {}}, 200, resp, "v", kT0, kT0);
  }
  const absl::Time now = kT0 + absl::Seconds(5);
  size_t i = 0;
  uint64_t hits = 0;
  for (auto _ : state) {
    cache::LookupResult res = c->Lookup(cache::CacheRequest{"GET", keys[order[i]], {}}, now);
    hits += res.action == cache::LookupAction::kServeFresh;
    benchmark::DoNotOptimize(res.response.get());
    i = (i + 1) & (order.size() - 1);
  }
  state.counters["hit_fraction"] =
      static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_CacheHit_RandomKey)->Arg(1000)->Arg(1000000);

// --- Store of a 10-field 1 KiB response -------------------------------------

struct CopiedResponse {
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
};

void BM_Baseline_MapInsertCopy_10Fields(benchmark::State& state) {
  const std::vector<std::string> keys = Keys(1000);
  const std::string body(1024, 'b');
  absl::flat_hash_map<std::string, std::shared_ptr<const CopiedResponse>> map;
  size_t i = 0;
  const uint64_t allocs_before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    auto r = std::make_shared<CopiedResponse>();
    r->fields.reserve(TenFields().size());
    for (const http::HeaderField& f : TenFields()) r->fields.emplace_back(f.name, f.value);
    r->body = body;
    map[keys[i]] = std::move(r);
    i = (i + 1) % keys.size();
  }
  state.counters["allocs_per_iter"] =
      static_cast<double>(g_allocations.load(std::memory_order_relaxed) - allocs_before) /
      static_cast<double>(state.iterations());
}
BENCHMARK(BM_Baseline_MapInsertCopy_10Fields);

void BM_CacheStore_10Fields(benchmark::State& state) {
  const std::vector<std::string> keys = Keys(1000);
  const std::string body(1024, 'b');
  auto c = MakeCache(size_t{64} << 20);
  const std::vector<http::HeaderField> req{{"Accept-Encoding", "gzip"}};
  size_t i = 0;
  const uint64_t allocs_before = g_allocations.load(std::memory_order_relaxed);
  for (auto _ : state) {
    cache::StoreResult s =
        c->Store(cache::CacheRequest{"GET", keys[i], req}, 200, TenFields(), body, kT0, kT0);
    benchmark::DoNotOptimize(s.outcome);
    i = (i + 1) % keys.size();
  }
  state.counters["allocs_per_iter"] =
      static_cast<double>(g_allocations.load(std::memory_order_relaxed) - allocs_before) /
      static_cast<double>(state.iterations());
  state.counters["stored"] = static_cast<double>(c->counters().stores);
}
BENCHMARK(BM_CacheStore_10Fields);

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

// --- Streaming 1 MiB ----------------------------------------------------------

constexpr size_t kStreamBytes = size_t{1} << 20;
constexpr size_t kChunk = size_t{16} << 10;

const std::string& StreamBytes() {
  static const std::string bytes = [] {
    std::string s(kStreamBytes, '\0');
    std::mt19937_64 rng(3);
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  }();
  return bytes;
}

void BM_Baseline_Memcpy(benchmark::State& state) {
  const std::string& in = StreamBytes();
  std::vector<char> stored(kStreamBytes);
  std::vector<char> out(kStreamBytes);
  for (auto _ : state) {
    for (size_t off = 0; off < kStreamBytes; off += kChunk) {
      std::memcpy(stored.data() + off, in.data() + off, kChunk);
    }
    benchmark::ClobberMemory();
    std::memcpy(out.data(), stored.data(), kStreamBytes);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamBytes));
}
BENCHMARK(BM_Baseline_Memcpy);

// One streamed insert of 1 MiB and its read-back through `c`.
void StreamOnce(cache::HttpCache& c, std::vector<char>& out) {
  static const std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=3600"},
                                                   {"Content-Type", "application/octet-stream"}};
  const cache::CacheRequest req{"GET", "https://www.example.com/big.bin", {}};
  const std::string& in = StreamBytes();
  cache::StoreResult s = c.BeginStore(req, 200, resp, kT0, kT0);
  for (size_t off = 0; off < kStreamBytes; off += kChunk) {
    (void)s.writer.Append(std::string_view(in).substr(off, kChunk));
  }
  if (!s.writer.Commit()) std::abort();
  cache::BodyReader reader(s.response->body);
  cache::BodyChunk chunk;
  size_t off = 0;
  while (reader.Next(&chunk) == cache::BodyStatus::kOk) {
    std::memcpy(out.data() + off, chunk.data(), chunk.size());
    off += chunk.size();
  }
  if (off != kStreamBytes) std::abort();
  benchmark::DoNotOptimize(out.data());
}

void BM_StoreStream_Memory(benchmark::State& state) {
  auto c = MakeCache(size_t{64} << 20);
  std::vector<char> out(kStreamBytes);
  for (auto _ : state) StreamOnce(*c, out);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamBytes));
}
BENCHMARK(BM_StoreStream_Memory);

std::string BenchDir() {
  const char* base = std::getenv("EDGEKIT_BENCH_DIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/edgekit-bench-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  return buf.data();
}

void BM_Baseline_FileWriteRead(benchmark::State& state) {
  const std::string dir = BenchDir();
  const std::string& in = StreamBytes();
  std::vector<char> out(kStreamBytes);
  int n = 0;
  for (auto _ : state) {
    const std::string path = dir + "/f" + std::to_string(n++);
    const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
    for (size_t off = 0; off < kStreamBytes; off += kChunk) {
      if (::write(fd, in.data() + off, kChunk) != static_cast<ssize_t>(kChunk)) std::abort();
    }
    for (size_t off = 0; off < kStreamBytes;) {
      const ssize_t r = ::pread(fd, out.data() + off, kStreamBytes - off, static_cast<off_t>(off));
      if (r <= 0) std::abort();
      off += static_cast<size_t>(r);
    }
    ::close(fd);
    ::unlink(path.c_str());
    benchmark::DoNotOptimize(out.data());
  }
  std::filesystem::remove_all(dir);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamBytes));
}
BENCHMARK(BM_Baseline_FileWriteRead);

void BM_StoreStream_Disk(benchmark::State& state) {
  const std::string dir = BenchDir();
  {
    cache::DiskStoreOptions d;
    d.directory = dir + "/store";
    d.max_bytes = uint64_t{256} << 20;
    cache::HttpCacheOptions o;
    o.store = cache::DiskStore::Create(d).value();
    auto c = cache::HttpCache::Create(o).value();
    std::vector<char> out(kStreamBytes);
    for (auto _ : state) StreamOnce(*c, out);
  }
  std::filesystem::remove_all(dir);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStreamBytes));
}
BENCHMARK(BM_StoreStream_Disk);

// --- Resident memory against the budget --------------------------------------

size_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  if (std::fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
  std::fclose(f);
  return resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

void BM_MemoryResident(benchmark::State& state) {
  constexpr size_t kBudget = size_t{128} << 20;
  const std::string body(1024, 'b');
  double ratio = 0;
  uint64_t entries = 0;
  for (auto _ : state) {
    const size_t before = ResidentBytes();
    auto c = MakeCache(kBudget);
    std::string uri;
    // Twice the budget's worth of objects: it fills and evicts.
    for (size_t i = 0; i < 2 * kBudget / 1024; ++i) {
      uri = "https://www.example.com/fill/" + std::to_string(i);
      (void)c->Store(cache::CacheRequest{"GET", uri, {}}, 200, TenFields(), body, kT0, kT0);
    }
    const size_t after = ResidentBytes();
    ratio = static_cast<double>(after - before) / static_cast<double>(kBudget);
    entries = c->counters().entries;
  }
  state.counters["resident_over_budget"] = ratio;
  state.counters["entries"] = static_cast<double>(entries);
}
BENCHMARK(BM_MemoryResident)->Iterations(1)->Unit(benchmark::kMillisecond);

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
    const size_t n = c->PurgeTag("category-electronics", cache::PurgeMode::kHard, kT0);
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
  const size_t budget =
      static_cast<size_t>(total_bytes * static_cast<uint64_t>(state.range(0)) / 100);
  double s3 = 0;
  double lru = 0;
  for (auto _ : state) {
    // shard_count 1: compare the policies, not the sharding.
    auto c = MakeCache(budget, 1);
    std::vector<size_t> charge(t.sizes.size(), 0);
    std::vector<http::HeaderField> resp{{"Cache-Control", "max-age=100000"}};
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
      if (charge[i] == 0) charge[i] = t.sizes[i] + 1200;
    }
    lru = LruHitRatio(t, charge, budget);
  }
  state.counters["s3fifo_hit_ratio"] = s3;
  state.counters["lru_hit_ratio"] = lru;
  state.counters["budget_pct"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_HitRatio_S3FIFO_vs_LRU)->Arg(1)->Arg(10)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
