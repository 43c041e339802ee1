// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::canary's hot paths, each beside its baseline:
//   BM_Canary_Assign vs BM_Baseline_Hash: bucket of a 36-byte UUID string vs
//     the raw XXH3-64 of the same bytes (the floor; goal <= 1.2x).
//   BM_Canary_RouterRoute: region-gated cohort decision (hash + table lookup).
//   BM_Canary_Weighted: weighted variant choice.
// Build in Release:
//   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-rel --target edgekit_canary_benchmark
//   build-rel/benchmarks/edgekit_canary_benchmark --benchmark_min_time=0.05

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "edgekit/canary/bucket.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace {

// 36 bytes, the canonical textual UUID.
constexpr char kUuid[] = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
static_assert(sizeof(kUuid) - 1 == 36, "a UUID string is 36 bytes");

// Baseline: raw XXH3-64 of the same 36 bytes with a seed known only at run
// time (as a host's configured salt is; a compile-time seed would let the
// compiler fold the seed into XXH3's secret and measure something no host
// runs).
void BM_Baseline_Hash(benchmark::State& state) {
  std::string unit(kUuid);
  uint64_t seed = XXH3_64bits("checkout-v2", 11);
  benchmark::DoNotOptimize(seed);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(XXH3_64bits_withSeed(unit.data(), unit.size(), seed));
  }
}
BENCHMARK(BM_Baseline_Hash);

// Second baseline: unseeded XXH3-64 (XXH3_64bits) of the same bytes.
void BM_Baseline_HashNoSeed(benchmark::State& state) {
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(XXH3_64bits(unit.data(), unit.size()));
  }
}
BENCHMARK(BM_Baseline_HashNoSeed);

void BM_Canary_Assign(benchmark::State& state) {
  std::string unit(kUuid);
  const edgekit::canary::BucketHasher hasher("checkout-v2");
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(hasher.Bucket(unit));
  }
}
BENCHMARK(BM_Canary_Assign);

}  // namespace
