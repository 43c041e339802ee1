// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::ratelimit with their baselines in the same binary.
//
//   BM_Baseline_AtomicFetchAdd      one relaxed atomic increment: the floor
//   BM_Baseline_RealClockRead       one RealClock::MonotonicNow()
//   BM_Gcra_Uncontended             pure transition, explicit now
//   BM_Gcra_Uncontended_Atomic      lock-free object (CAS), explicit now
//   BM_Gcra_Uncontended_RealClock   lock-free object reading RealClock
//   BM_Gcra_Contended               one shared object, 1 and 2 threads
//   BM_TokenBucket_*                the same for the token bucket (lock-free object
//                                   when exact, and its mutex fallback)
//   BM_<Window>_Uncontended         pure paths of the window algorithms
//   BM_KeyedGcra_1MKeys             random keys from a 1M set (table bound 1M),
//                                   counter bytes_per_key; 1 and 2 threads
//   BM_Baseline_FlatHashMap_1MKeys  absl::flat_hash_map<std::string, int64_t>
//                                   find + update with the same keys, with its
//                                   estimated bytes per key
//
// Goals (issue 6): uncontended GCRA / token bucket <= 2x the atomic baseline;
// keyed GCRA <= 48 bytes per key plus the key's bytes.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"
#include "edgekit/base/clock.h"
#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"

namespace rl = edgekit::ratelimit;

namespace {

constexpr int64_t kStartNs = int64_t{1700000000} * 1000000000;

rl::GcraPolicy Gcra() { return *rl::GcraPolicy::Create(1000000, absl::Seconds(1), 1000); }
rl::TokenBucketPolicy Bucket() {
  return *rl::TokenBucketPolicy::Create(1000, 1000000, absl::Seconds(1));
}

void BM_Baseline_AtomicFetchAdd(benchmark::State& state) {
  static std::atomic<uint64_t> counter{0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(counter.fetch_add(1, std::memory_order_relaxed));
  }
}
BENCHMARK(BM_Baseline_AtomicFetchAdd)->ThreadRange(1, 2)->UseRealTime();

void BM_Baseline_RealClockRead(benchmark::State& state) {
  edgekit::Clock& clock = edgekit::RealClock::Get();
  for (auto _ : state) benchmark::DoNotOptimize(clock.MonotonicNow());
}
BENCHMARK(BM_Baseline_RealClockRead);

// The pure transition `policy.Apply` with an explicit now advancing 500 ns a
// call, from a fresh state. With kReportAllowedShare, also counts the allowed
// calls (reported as `allowed_share`) inside the timed loop.
template <bool kReportAllowedShare, typename Policy>
void PureApply(benchmark::State& state, const Policy& policy) {
  typename Policy::State s{};
  int64_t now = kStartNs;
  int64_t allowed = 0;
  for (auto _ : state) {
    now += 500;
    const rl::Decision d = policy.Apply(&s, now, 1);
    if constexpr (kReportAllowedShare) allowed += d.allowed;
    benchmark::DoNotOptimize(d);
  }
  if constexpr (kReportAllowedShare) {
    state.counters["allowed_share"] =
        static_cast<double>(allowed) / static_cast<double>(state.iterations());
  }
}

// ~half the calls are allowed: now advances by half an emission interval.
void BM_Gcra_Uncontended(benchmark::State& state) {
  PureApply</*kReportAllowedShare=*/true>(state, Gcra());
}
BENCHMARK(BM_Gcra_Uncontended);

void BM_Gcra_Uncontended_Atomic(benchmark::State& state) {
  rl::Gcra limiter(Gcra());
  int64_t now = kStartNs;
  for (auto _ : state) {
    now += 500;
    benchmark::DoNotOptimize(limiter.TryAcquireAtNanos(now, 1));
  }
}
BENCHMARK(BM_Gcra_Uncontended_Atomic);

void BM_Gcra_Uncontended_RealClock(benchmark::State& state) {
  rl::Gcra limiter(Gcra());
  for (auto _ : state) benchmark::DoNotOptimize(limiter.TryAcquire(1));
}
BENCHMARK(BM_Gcra_Uncontended_RealClock);

void BM_Gcra_Contended(benchmark::State& state) {
  static rl::Gcra* shared = new rl::Gcra(Gcra());  // leaked: shared by threads
  for (auto _ : state) benchmark::DoNotOptimize(shared->TryAcquire(1));
}
BENCHMARK(BM_Gcra_Contended)->ThreadRange(1, 2)->UseRealTime();

void BM_TokenBucket_Uncontended(benchmark::State& state) {
  PureApply</*kReportAllowedShare=*/true>(state, Bucket());
}
BENCHMARK(BM_TokenBucket_Uncontended);

// The object with an explicit now. Bucket() refills one token per 1000 ns
// exactly, so the object runs lock-free (GCRA-equivalent CAS).
void BM_TokenBucket_Uncontended_Object(benchmark::State& state) {
  rl::TokenBucket bucket(Bucket());
  if (!bucket.lock_free()) state.SkipWithError("expected the lock-free path");
  absl::Time now = absl::FromUnixNanos(kStartNs);
  for (auto _ : state) {
    now += absl::Nanoseconds(500);
    benchmark::DoNotOptimize(bucket.TryAcquire(now, 1));
  }
}
BENCHMARK(BM_TokenBucket_Uncontended_Object);

// The mutex fallback: 999,999 tokens per second is not a whole number of ns.
void BM_TokenBucket_Uncontended_Mutex(benchmark::State& state) {
  rl::TokenBucket bucket(*rl::TokenBucketPolicy::Create(1000, 999999, absl::Seconds(1)));
  if (bucket.lock_free()) state.SkipWithError("expected the mutex path");
  absl::Time now = absl::FromUnixNanos(kStartNs);
  for (auto _ : state) {
    now += absl::Nanoseconds(500);
    benchmark::DoNotOptimize(bucket.TryAcquire(now, 1));
  }
}
BENCHMARK(BM_TokenBucket_Uncontended_Mutex);

void BM_TokenBucket_Uncontended_RealClock(benchmark::State& state) {
  rl::TokenBucket bucket(Bucket());
  for (auto _ : state) benchmark::DoNotOptimize(bucket.TryAcquire(1));
}
BENCHMARK(BM_TokenBucket_Uncontended_RealClock);

void BM_TokenBucket_Contended(benchmark::State& state) {
  static rl::TokenBucket* shared = new rl::TokenBucket(Bucket());  // leaked: shared
  for (auto _ : state) benchmark::DoNotOptimize(shared->TryAcquire(1));
}
BENCHMARK(BM_TokenBucket_Contended)->ThreadRange(1, 2)->UseRealTime();

// Pure paths of the window algorithms (limit 1000 per ms: ~half allowed).
void BM_FixedWindow_Uncontended(benchmark::State& state) {
  PureApply</*kReportAllowedShare=*/false>(
      state, *rl::FixedWindowPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_FixedWindow_Uncontended);
void BM_SlidingWindowCounter_Uncontended(benchmark::State& state) {
  PureApply</*kReportAllowedShare=*/false>(
      state, *rl::SlidingWindowCounterPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_SlidingWindowCounter_Uncontended);
void BM_SlidingWindowLog_Uncontended(benchmark::State& state) {
  PureApply</*kReportAllowedShare=*/false>(
      state, *rl::SlidingWindowLogPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_SlidingWindowLog_Uncontended);

// ---------------------------------------------------------------------------
// 1M keys.
constexpr size_t kKeys = size_t{1} << 20;

const std::vector<std::string>& Keys() {
  static const std::vector<std::string>* keys = [] {
    auto* v = new std::vector<std::string>();
    v->reserve(kKeys);
    char buf[32];
    for (size_t i = 0; i < kKeys; ++i) {
      std::snprintf(buf, sizeof(buf), "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
      v->emplace_back(buf);
    }
    return v;
  }();
  return *keys;
}

// A random walk over the key set, precomputed so the loop measures the table.
const std::vector<uint32_t>& Order() {
  static const std::vector<uint32_t>* order = [] {
    auto* v = new std::vector<uint32_t>(kKeys);
    std::mt19937 rng(42);
    for (auto& x : *v) x = static_cast<uint32_t>(rng() % kKeys);
    return v;
  }();
  return *order;
}

double AverageKeyBytes() {
  double total = 0;
  for (const std::string& k : Keys()) total += static_cast<double>(k.size());
  return total / static_cast<double>(kKeys);
}

using KeyedGcra = rl::KeyedLimiter<rl::GcraPolicy>;

KeyedGcra& SharedKeyed() {
  static KeyedGcra* keyed = [] {
    rl::KeyedLimiterOptions o;
    o.max_keys = kKeys + kKeys / 8;  // headroom for uneven shards
    o.shards = 64;
    auto* k = new KeyedGcra(*KeyedGcra::Create(Gcra(), o));
    for (const std::string& key : Keys()) (void)k->TryAcquire(key, absl::FromUnixNanos(kStartNs));
    return k;
  }();
  return *keyed;
}

void BM_KeyedGcra_1MKeys(benchmark::State& state) {
  KeyedGcra& keyed = SharedKeyed();
  const auto& keys = Keys();
  const auto& order = Order();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  absl::Time now = absl::FromUnixNanos(kStartNs);
  for (auto _ : state) {
    now += absl::Nanoseconds(100);
    benchmark::DoNotOptimize(keyed.TryAcquire(keys[order[i]], now));
    i = (i + 1) & (kKeys - 1);
  }
  if (state.thread_index() == 0) {
    state.counters["bytes_per_key"] = keyed.BytesPerKey();
    state.counters["key_bytes"] = AverageKeyBytes();
    state.counters["keys"] = static_cast<double>(keyed.counters().keys);
  }
}
BENCHMARK(BM_KeyedGcra_1MKeys)->ThreadRange(1, 2)->UseRealTime();

void BM_KeyedGcra_1MKeys_RealClock(benchmark::State& state) {
  KeyedGcra& keyed = SharedKeyed();
  const auto& keys = Keys();
  const auto& order = Order();
  size_t i = static_cast<size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    benchmark::DoNotOptimize(keyed.TryAcquire(keys[order[i]]));
    i = (i + 1) & (kKeys - 1);
  }
}
BENCHMARK(BM_KeyedGcra_1MKeys_RealClock)->ThreadRange(1, 2)->UseRealTime();

// Baseline: the obvious table, single-threaded, no limiter logic beyond an
// add. Bytes per key: slots (32-byte std::string + 8) and control bytes over
// capacity, plus heap strings longer than the SSO buffer.
void BM_Baseline_FlatHashMap_1MKeys(benchmark::State& state) {
  static auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string, int64_t>();
    for (const std::string& k : Keys()) (*m)[k] = kStartNs;
    return m;
  }();
  const auto& keys = Keys();
  const auto& order = Order();
  size_t i = 0;
  int64_t now = kStartNs;
  for (auto _ : state) {
    now += 100;
    auto it = map->find(keys[order[i]]);
    if (it != map->end()) it->second = it->second > now ? it->second + 1000 : now + 1000;
    benchmark::DoNotOptimize(it);
    i = (i + 1) & (kKeys - 1);
  }
  double heap = 0;
  for (const auto& kv : *map) {
    if (kv.first.capacity() > 15) heap += static_cast<double>(kv.first.capacity() + 1);
  }
  const double slot = sizeof(std::pair<const std::string, int64_t>) + 1;
  state.counters["bytes_per_key"] =
      (static_cast<double>(map->capacity()) * slot + heap) / static_cast<double>(map->size());
}
BENCHMARK(BM_Baseline_FlatHashMap_1MKeys);

}  // namespace
