// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::ratelimit, each beside a floor doing the same work in
// the same binary. The headline figures are the calls users make:
// `TryAcquire()` reading the real clock, random keys where keys vary.
//
// Single key (RealClock read in every call):
//   BM_Baseline_ClockReadAtomicAdd    clock read + one relaxed atomic increment
//   BM_Gcra_TryAcquire                Gcra::TryAcquire()
//   BM_TokenBucket_TryAcquire         TokenBucket::TryAcquire() (lock-free form)
//   BM_TokenBucket_TryAcquire_Mutex   TokenBucket::TryAcquire() (mutex form)
// Every call allowed, so every call writes; 1 and 2 threads on one object:
//   BM_Baseline_ClockReadAtomicAdd_Contended   the floor
//   BM_Baseline_MutexTokenBucket_Contended     a plain mutex-guarded token bucket
//   BM_Gcra_Contended                          Gcra::TryAcquire()
//   BM_TokenBucket_Contended                   TokenBucket::TryAcquire()
// Keyed, random keys from a set of 1,000 or 1,000,000 (every key stored
// first), 1 and 2 threads, same keys in the same order for both:
//   BM_Baseline_ShardedMutexMap/<keys>   clock read, absl::Hash of the key, 64
//                                        shards of absl::flat_hash_map<uint64_t,
//                                        int64_t> under a mutex, GCRA update;
//                                        counter bytes_per_key (hashed keys)
//   BM_KeyedGcra/<keys>                  KeyedLimiter<GcraPolicy>::TryAcquire(key);
//                                        counter bytes_per_key (hashed keys)
//   BM_KeyedGcra_PrehashedKey/<keys>     the same with a KeyBuilder-made key
// Explicit `now` (no clock read), for the algorithms' own cost:
//   BM_<Algorithm>_Apply              the pure transition of each policy
//
// Build in Release. Run: edgekit_ratelimit_benchmark --benchmark_min_time=0.2

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "edgekit/base/clock.h"
#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/key_builder.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"

namespace rl = edgekit::ratelimit;

namespace {

constexpr int64_t kStartNs = int64_t{1700000000} * 1000000000;

// A host that shares a limiter between threads is a multi-threaded process.
// glibc skips the atomic instructions of pthread mutexes while a process has
// never started a second thread, which would make every mutex-based floor
// here (and no real server) look cheaper; start and join one thread first.
const bool kMultiThreaded = [] {
  std::thread([] {}).join();
  return true;
}();

// One unit per nanosecond with a burst of 10^9: every call is allowed, so
// every call writes its state.
rl::GcraPolicy AllowAllGcra() {
  return *rl::GcraPolicy::Create(1000000000, absl::Seconds(1), 1000000000);
}
rl::TokenBucketPolicy AllowAllBucket() {
  return *rl::TokenBucketPolicy::Create(1000000000, 1000000000, absl::Seconds(1));
}

int64_t NowNs(edgekit::Clock& clock) { return absl::ToUnixNanos(clock.MonotonicNow()); }

// The share of calls allowed, averaged over the benchmark's threads.
void ReportAllowedShare(benchmark::State& state, int64_t allowed) {
  state.counters["allowed_share"] =
      benchmark::Counter(static_cast<double>(allowed) / static_cast<double>(state.iterations()),
                         benchmark::Counter::kAvgThreads);
}

// ---------------------------------------------------------------------------
// Single key.

void BM_Baseline_ClockReadAtomicAdd(benchmark::State& state) {
  edgekit::Clock& clock = edgekit::RealClock::Get();
  std::atomic<int64_t> counter{0};
  for (auto _ : state) {
    benchmark::DoNotOptimize(counter.fetch_add(NowNs(clock) & 1, std::memory_order_relaxed));
  }
}
BENCHMARK(BM_Baseline_ClockReadAtomicAdd);

void BM_Gcra_TryAcquire(benchmark::State& state) {
  rl::Gcra limiter(AllowAllGcra());
  for (auto _ : state) benchmark::DoNotOptimize(limiter.TryAcquire());
}
BENCHMARK(BM_Gcra_TryAcquire);

void BM_TokenBucket_TryAcquire(benchmark::State& state) {
  rl::TokenBucket bucket(AllowAllBucket());
  if (!bucket.lock_free()) state.SkipWithError("expected the lock-free form");
  for (auto _ : state) benchmark::DoNotOptimize(bucket.TryAcquire());
}
BENCHMARK(BM_TokenBucket_TryAcquire);

// 999,999,999 tokens per second is not a whole number of ns per token: the
// exact fixed-point state sits under a mutex.
void BM_TokenBucket_TryAcquire_Mutex(benchmark::State& state) {
  rl::TokenBucket bucket(*rl::TokenBucketPolicy::Create(1000000000, 999999999, absl::Seconds(1)));
  if (bucket.lock_free()) state.SkipWithError("expected the mutex form");
  for (auto _ : state) benchmark::DoNotOptimize(bucket.TryAcquire());
}
BENCHMARK(BM_TokenBucket_TryAcquire_Mutex);

// ---------------------------------------------------------------------------
// One object, 1 and 2 threads, every call allowed.

void BM_Baseline_ClockReadAtomicAdd_Contended(benchmark::State& state) {
  static std::atomic<int64_t> counter{0};
  edgekit::Clock& clock = edgekit::RealClock::Get();
  for (auto _ : state) {
    benchmark::DoNotOptimize(counter.fetch_add(NowNs(clock) & 1, std::memory_order_relaxed));
  }
}
BENCHMARK(BM_Baseline_ClockReadAtomicAdd_Contended)->ThreadRange(1, 2)->UseRealTime();

// The plain token bucket a host would write: a mutex, a token count and the
// time of the last refill, the clock read under the lock.
class MutexTokenBucket {
 public:
  MutexTokenBucket(int64_t capacity, int64_t tokens_per_second)
      : capacity_(capacity), per_second_(tokens_per_second), tokens_(capacity) {}
  bool TryAcquire(edgekit::Clock& clock) {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = NowNs(clock);
    if (last_ns_ != 0 && now > last_ns_) {
      const int64_t add = (now - last_ns_) * per_second_ / 1000000000;
      tokens_ = tokens_ + add > capacity_ ? capacity_ : tokens_ + add;
    }
    last_ns_ = now;
    if (tokens_ < 1) return false;
    --tokens_;
    return true;
  }

 private:
  std::mutex mu_;
  const int64_t capacity_;
  const int64_t per_second_;
  int64_t tokens_;
  int64_t last_ns_ = 0;
};

void BM_Baseline_MutexTokenBucket_Contended(benchmark::State& state) {
  static auto* bucket = new MutexTokenBucket(1000000000, 1000000000);  // leaked: shared
  edgekit::Clock& clock = edgekit::RealClock::Get();
  int64_t allowed = 0;
  for (auto _ : state) allowed += bucket->TryAcquire(clock) ? 1 : 0;
  ReportAllowedShare(state, allowed);
}
BENCHMARK(BM_Baseline_MutexTokenBucket_Contended)->ThreadRange(1, 2)->UseRealTime();

void BM_Gcra_Contended(benchmark::State& state) {
  static auto* shared = new rl::Gcra(AllowAllGcra());  // leaked: shared by threads
  int64_t allowed = 0;
  for (auto _ : state) allowed += shared->TryAcquire().allowed ? 1 : 0;
  ReportAllowedShare(state, allowed);
}
BENCHMARK(BM_Gcra_Contended)->ThreadRange(1, 2)->UseRealTime();

void BM_TokenBucket_Contended(benchmark::State& state) {
  static auto* shared = new rl::TokenBucket(AllowAllBucket());  // leaked: shared
  int64_t allowed = 0;
  for (auto _ : state) allowed += shared->TryAcquire().allowed ? 1 : 0;
  ReportAllowedShare(state, allowed);
}
BENCHMARK(BM_TokenBucket_Contended)->ThreadRange(1, 2)->UseRealTime();

// ---------------------------------------------------------------------------
// Keyed: random keys.

constexpr size_t kMaxKeys = 1000000;
constexpr size_t kOrderLength = size_t{1} << 21;

// Client-address-like keys "10.a.b.c".
const std::vector<std::string>& Keys() {
  static const auto* keys = [] {
    auto* v = new std::vector<std::string>();
    v->reserve(kMaxKeys);
    char buf[32];
    for (size_t i = 0; i < kMaxKeys; ++i) {
      std::snprintf(buf, sizeof(buf), "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
      v->emplace_back(buf);
    }
    return v;
  }();
  return *keys;
}

// A random sequence of key indices below `n`, precomputed so the loop measures
// the table; the same sequence for the limiter and the baseline.
const std::vector<uint32_t>& Order(size_t n) {
  static auto* orders = new std::vector<std::unique_ptr<std::vector<uint32_t>>>();
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& o : *orders) {
    if (o->back() == n) return *o;
  }
  auto o = std::make_unique<std::vector<uint32_t>>(kOrderLength + 1);
  std::mt19937 rng(42);
  for (size_t i = 0; i < kOrderLength; ++i) (*o)[i] = static_cast<uint32_t>(rng() % n);
  o->back() = static_cast<uint32_t>(n);  // tag, never used as an index
  orders->push_back(std::move(o));
  return *orders->back();
}

// The floor for a keyed limiter: the usual table of hashed keys (64 shards of
// absl::flat_hash_map<uint64_t, int64_t>, each under a std::mutex), the clock
// read under the lock and a GCRA update of the key's 64-bit state.
class ShardedMutexMap {
 public:
  static constexpr int64_t kIntervalNs = 1;
  static constexpr int64_t kBurstNs = 1000000000;

  bool TryAcquire(std::string_view key, edgekit::Clock& clock) {
    return TryAcquireAt(key, nullptr, &clock);
  }
  bool TryAcquire(std::string_view key, int64_t now_ns) {
    return TryAcquireAt(key, &now_ns, nullptr);
  }
  bool TryAcquireAt(std::string_view key, const int64_t* now_ns, edgekit::Clock* clock) {
    // The hash the limiter uses too: Abseil's, of the key's bytes.
    const uint64_t h = absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
    Shard& shard = shards_[h >> 58];
    std::lock_guard<std::mutex> lock(shard.mu);
    const int64_t now = now_ns != nullptr ? *now_ns : NowNs(*clock);
    int64_t& tat = shard.map[h];
    const int64_t next = (tat > now ? tat : now) + kIntervalNs;
    if (next - now > kBurstNs) return false;
    tat = next;
    return true;
  }
  double BytesPerKey() {
    double bytes = 0;
    double keys = 0;
    for (Shard& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mu);
      // One control byte and one 16-byte slot per bucket.
      bytes += static_cast<double>(s.map.capacity()) * (1 + sizeof(std::pair<uint64_t, int64_t>));
      keys += static_cast<double>(s.map.size());
    }
    return bytes / keys;
  }

 private:
  struct alignas(64) Shard {
    std::mutex mu;
    absl::flat_hash_map<uint64_t, int64_t> map;
  };
  Shard shards_[64];
};

using KeyedGcra = rl::KeyedLimiter<rl::GcraPolicy>;

// The shared tables, built once per key count (every key stored up front).
ShardedMutexMap& SharedMap(size_t n) {
  static auto* maps = new std::vector<std::pair<size_t, std::unique_ptr<ShardedMutexMap>>>();
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& m : *maps) {
    if (m.first == n) return *m.second;
  }
  auto map = std::make_unique<ShardedMutexMap>();
  for (size_t i = 0; i < n; ++i) (void)map->TryAcquire(Keys()[i], edgekit::RealClock::Get());
  maps->emplace_back(n, std::move(map));
  return *maps->back().second;
}

KeyedGcra& SharedKeyed(size_t n) {
  static auto* tables = new std::vector<std::pair<size_t, std::unique_ptr<KeyedGcra>>>();
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  for (auto& t : *tables) {
    if (t.first == n) return *t.second;
  }
  rl::KeyedLimiterOptions o;
  // Room for uneven shards: each holds max_keys / 64.
  o.max_keys = std::max(n + n / 4, size_t{64} * 64);
  o.shards = 64;
  auto keyed = KeyedGcra::Create(AllowAllGcra(), o);
  for (size_t i = 0; i < n; ++i) (void)(*keyed)->TryAcquire(Keys()[i]);
  tables->emplace_back(n, *std::move(keyed));
  return *tables->back().second;
}

void BM_Baseline_ShardedMutexMap(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  ShardedMutexMap& map = SharedMap(n);
  const auto& keys = Keys();
  const auto& order = Order(n);
  edgekit::Clock& clock = edgekit::RealClock::Get();
  size_t i = static_cast<size_t>(state.thread_index()) * (kOrderLength / 2);
  int64_t allowed = 0;
  for (auto _ : state) {
    allowed += map.TryAcquire(keys[order[i]], clock) ? 1 : 0;
    i = (i + 1) & (kOrderLength - 1);
  }
  if (state.thread_index() == 0) state.counters["bytes_per_key"] = map.BytesPerKey();
  if (allowed != static_cast<int64_t>(state.iterations())) state.SkipWithError("rejected");
}
BENCHMARK(BM_Baseline_ShardedMutexMap)->Arg(1000)->Arg(1000000)->ThreadRange(1, 2)->UseRealTime();

void BM_KeyedGcra(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  KeyedGcra& keyed = SharedKeyed(n);
  const auto& keys = Keys();
  const auto& order = Order(n);
  size_t i = static_cast<size_t>(state.thread_index()) * (kOrderLength / 2);
  int64_t allowed = 0;
  for (auto _ : state) {
    allowed += keyed.TryAcquire(keys[order[i]]).allowed ? 1 : 0;
    i = (i + 1) & (kOrderLength - 1);
  }
  if (state.thread_index() == 0) state.counters["bytes_per_key"] = keyed.BytesPerKey();
  if (allowed != static_cast<int64_t>(state.iterations())) state.SkipWithError("rejected");
}
BENCHMARK(BM_KeyedGcra)->Arg(1000)->Arg(1000000)->ThreadRange(1, 2)->UseRealTime();

// The same two with an explicit `now` (no clock read): the tables alone.
void BM_Baseline_ShardedMutexMap_ExplicitNow(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  ShardedMutexMap& map = SharedMap(n);
  const auto& keys = Keys();
  const auto& order = Order(n);
  size_t i = 0;
  // From the real clock's time, 1 ns a call: behind real time, so the tables
  // stay usable by the clock-reading benchmarks.
  int64_t now = NowNs(edgekit::RealClock::Get());
  for (auto _ : state) {
    benchmark::DoNotOptimize(map.TryAcquire(keys[order[i]], ++now));
    i = (i + 1) & (kOrderLength - 1);
  }
}
BENCHMARK(BM_Baseline_ShardedMutexMap_ExplicitNow)->Arg(1000)->Arg(1000000);

void BM_KeyedGcra_ExplicitNow(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  KeyedGcra& keyed = SharedKeyed(n);
  const auto& keys = Keys();
  const auto& order = Order(n);
  size_t i = 0;
  absl::Time now = edgekit::RealClock::Get().MonotonicNow();
  for (auto _ : state) {
    benchmark::DoNotOptimize(keyed.TryAcquire(keys[order[i]], now += absl::Nanoseconds(1)));
    i = (i + 1) & (kOrderLength - 1);
  }
}
BENCHMARK(BM_KeyedGcra_ExplicitNow)->Arg(1000)->Arg(1000000);

// A key composed by the host (here: one part) and hashed once.
void BM_KeyedGcra_PrehashedKey(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  KeyedGcra& keyed = SharedKeyed(n);
  const auto& keys = Keys();
  const auto& order = Order(n);
  size_t i = 0;
  for (auto _ : state) {
    const rl::LimitKey key = rl::KeyBuilder().Add(keys[order[i]]).Build();
    benchmark::DoNotOptimize(keyed.TryAcquire(key));
    i = (i + 1) & (kOrderLength - 1);
  }
}
BENCHMARK(BM_KeyedGcra_PrehashedKey)->Arg(1000)->Arg(1000000);

// ---------------------------------------------------------------------------
// Pure transitions at an explicit `now` advancing 500 ns a call, from a fresh
// state (limit 1000 per ms: about half the calls allowed).

template <typename Policy>
void PureApply(benchmark::State& state, const Policy& policy) {
  typename Policy::State s{};
  int64_t now = kStartNs;
  for (auto _ : state) {
    now += 500;
    benchmark::DoNotOptimize(policy.Apply(&s, now, 1));
  }
}

void BM_Gcra_Apply(benchmark::State& state) {
  PureApply(state, *rl::GcraPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_Gcra_Apply);
void BM_TokenBucket_Apply(benchmark::State& state) {
  PureApply(state, *rl::TokenBucketPolicy::Create(1000, 1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_TokenBucket_Apply);
void BM_FixedWindow_Apply(benchmark::State& state) {
  PureApply(state, *rl::FixedWindowPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_FixedWindow_Apply);
void BM_SlidingWindowCounter_Apply(benchmark::State& state) {
  PureApply(state, *rl::SlidingWindowCounterPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_SlidingWindowCounter_Apply);
void BM_SlidingWindowLog_Apply(benchmark::State& state) {
  PureApply(state, *rl::SlidingWindowLogPolicy::Create(1000, absl::Milliseconds(1)));
}
BENCHMARK(BM_SlidingWindowLog_Apply);

}  // namespace
