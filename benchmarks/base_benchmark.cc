// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::base's observability pieces, each beside its floor:
//
//   BM_Baseline_AtomicAddAndCasSum  one relaxed atomic add on a counter plus a
//                                   compare-and-swap add of a double (the work
//                                   of one observation, without choosing a bucket)
//   BM_Histogram_Observe            edgekit::Histogram::Observe, latency bounds
//                                   (14 buckets), values spread over them
//   BM_Baseline_AppendSampleLine    appending one "name{a="x",b="y"} 12345\n"
//                                   line with std::to_chars (what any writer does)
//   BM_PrometheusWriter_Visit       one counter sample with two labels through
//                                   PrometheusTextWriter::Visit (validation,
//                                   escaping, family grouping)
// Build in Release.

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>

#include "edgekit/base/histogram.h"
#include "edgekit/base/metrics_text.h"

namespace {

// Latencies between 0.3 ms and 3 s, cycling through the buckets.
const std::array<double, 8> kValues = {0.0003, 0.0012, 0.004, 0.02, 0.07, 0.3, 0.9, 3.0};

std::atomic<uint64_t> g_count{0};
std::atomic<uint64_t> g_sum_bits{0};

void BM_Baseline_AtomicAddAndCasSum(benchmark::State& state) {
  size_t i = 0;
  for (auto _ : state) {
    const double v = kValues[i++ & 7];
    g_count.fetch_add(1, std::memory_order_relaxed);
    uint64_t old_bits = g_sum_bits.load(std::memory_order_relaxed);
    for (;;) {
      double sum;
      std::memcpy(&sum, &old_bits, sizeof sum);
      sum += v;
      uint64_t new_bits;
      std::memcpy(&new_bits, &sum, sizeof sum);
      if (g_sum_bits.compare_exchange_weak(old_bits, new_bits, std::memory_order_relaxed)) break;
    }
  }
}
BENCHMARK(BM_Baseline_AtomicAddAndCasSum);
BENCHMARK(BM_Baseline_AtomicAddAndCasSum)->Threads(2)->UseRealTime();

edgekit::Histogram& SharedHistogram() {
  static edgekit::Histogram* h = new edgekit::Histogram();  // lives for the process
  return *h;
}

void BM_Histogram_Observe(benchmark::State& state) {
  edgekit::Histogram& h = SharedHistogram();
  size_t i = 0;
  for (auto _ : state) h.Observe(kValues[i++ & 7]);
}
BENCHMARK(BM_Histogram_Observe);
BENCHMARK(BM_Histogram_Observe)->Threads(2)->UseRealTime();

void BM_Baseline_AppendSampleLine(benchmark::State& state) {
  std::string out;
  uint64_t value = 12345;
  for (auto _ : state) {
    if (out.size() > (1 << 20)) out.clear();
    out += "edgekit_cache_lookups_total{cache=\"edge\",result=\"hit\"} ";
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, ++value);
    out.append(buf, r.ptr);
    out += '\n';
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Baseline_AppendSampleLine);

void BM_PrometheusWriter_Visit(benchmark::State& state) {
  edgekit::PrometheusTextWriter writer;
  const edgekit::MetricLabel labels[] = {{"cache", "edge"}, {"result", "hit"}};
  edgekit::Metric m;
  m.name = "edgekit_cache_lookups_total";
  m.help = "Cache lookups by result";
  m.type = edgekit::MetricType::kCounter;
  m.labels = labels;
  m.value = 12345;
  uint64_t n = 0;
  for (auto _ : state) {
    if (++n % 16384 == 0) writer.Clear();
    m.value += 1;
    writer.Visit(m);
  }
  benchmark::DoNotOptimize(writer.samples());
}
BENCHMARK(BM_PrometheusWriter_Visit);

}  // namespace
