// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::canary's hot paths, each beside its baseline:
//   BM_Canary_Assign vs BM_Baseline_Hash: bucket of a 36-byte UUID string vs
//     the raw XXH3-64 of the same bytes (the floor).
//   BM_Canary_RouterRoute vs BM_Canary_Assign: region-gated cohort decision
//     (hash + region lookup + counter) over the bare bucket; threaded too.
//   BM_Canary_WeightedChoose vs BM_Canary_Assign: A/B/n choice (binary search).
//   BM_Vendor_* vs BM_Baseline_Murmur3 / BM_Baseline_Fnv1a: vendor modes
//     (string assembly + vendor hash) over the bare vendor hash.
//   BM_Judge_Evaluate/N: the rollback judge on N latency samples per arm
//     (not a per-request path; runs once per judging interval).
// Build in Release:
//   cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-rel --target edgekit_canary_benchmark
//   build-rel/benchmarks/edgekit_canary_benchmark --benchmark_min_time=0.05

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "edgekit/canary/bucket.h"
#include "edgekit/canary/judge.h"
#include "edgekit/canary/rollout.h"
#include "edgekit/canary/vendor.h"

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

// Route through a router with 16 regions, the unit's region found last.
void BM_Canary_RouterRoute(benchmark::State& state) {
  static edgekit::canary::Router* router = [] {
    auto* r = new edgekit::canary::Router("checkout-v2");
    if (!r->SetDefaultPercent(100).ok()) std::abort();
    for (int i = 0; i < 16; ++i) {
      (void)r->SetRegionPercent("region-" + std::to_string(i), 500);
    }
    return r;
  }();
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(router->Route(unit, state.range(0) == 0 ? "region-0" : "region-15"));
  }
}
BENCHMARK(BM_Canary_RouterRoute)->Arg(0)->Arg(15)->ThreadRange(1, 2)->UseRealTime();

void BM_Canary_WeightedChoose(benchmark::State& state) {
  std::vector<edgekit::canary::Variant> v;
  for (int64_t i = 0; i < state.range(0); ++i) {
    v.push_back({"v" + std::to_string(i), 100});
  }
  auto variants = edgekit::canary::WeightedVariants::Create("abn", std::move(v));
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(variants->Choose(unit));
  }
}
BENCHMARK(BM_Canary_WeightedChoose)->Arg(2)->Arg(16);

void BM_Baseline_Murmur3(benchmark::State& state) {
  const std::string key = std::string("my-feature:") + kUuid;
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.data());
    benchmark::DoNotOptimize(edgekit::canary::Murmur3X86_32(key, 0));
  }
}
BENCHMARK(BM_Baseline_Murmur3);

void BM_Vendor_UnleashGradualRollout(benchmark::State& state) {
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(edgekit::canary::UnleashGradualRolloutEnabled(unit, "my-feature", 5));
  }
}
BENCHMARK(BM_Vendor_UnleashGradualRollout);

void BM_Baseline_Fnv1a(benchmark::State& state) {
  const std::string key = std::string(kUuid) + "my-feature";
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.data());
    benchmark::DoNotOptimize(edgekit::canary::Fnv1a32(key));
  }
}
BENCHMARK(BM_Baseline_Fnv1a);

void BM_Vendor_GrowthBookV1(benchmark::State& state) {
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(edgekit::canary::GrowthBookHash("my-feature", unit, 1));
  }
}
BENCHMARK(BM_Vendor_GrowthBookV1);

void BM_Vendor_LaunchDarkly(benchmark::State& state) {
  std::string unit(kUuid);
  for (auto _ : state) {
    benchmark::DoNotOptimize(unit.data());
    benchmark::DoNotOptimize(edgekit::canary::LaunchDarklyBucket("my-feature", "salt", unit));
  }
}
BENCHMARK(BM_Vendor_LaunchDarkly);

void BM_Judge_Evaluate(benchmark::State& state) {
  auto judge = edgekit::canary::RollbackJudge::Create({});
  std::vector<double> stable_lat;
  std::vector<double> canary_lat;
  for (int64_t i = 0; i < state.range(0); ++i) {
    stable_lat.push_back(static_cast<double>((i * 7919) % 1000));
    canary_lat.push_back(static_cast<double>((i * 104729) % 1100));
  }
  const edgekit::canary::ArmSample stable{1000000, 1000, stable_lat};
  const edgekit::canary::ArmSample canary{50000, 60, canary_lat};
  for (auto _ : state) {
    benchmark::DoNotOptimize(judge->Evaluate(stable, canary));
  }
}
BENCHMARK(BM_Judge_Evaluate)->Arg(0)->Arg(1000)->Arg(10000);

}  // namespace
