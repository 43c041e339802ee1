// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Counts global operator new calls in a benchmark binary and reports them as
// the `allocs_per_iter` counter. Include it from exactly one source file of a
// benchmark binary: it replaces the global allocation functions.
#ifndef EDGEKIT_BENCHMARKS_ALLOCATION_METER_H_
#define EDGEKIT_BENCHMARKS_ALLOCATION_METER_H_

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace edgekit_bench {
inline std::atomic<uint64_t> g_allocations{0};

// Sets `allocs_per_iter` (operator new calls per iteration of thread 0's
// loop) when it goes out of scope; create it before the benchmark loop.
class AllocationMeter {
 public:
  explicit AllocationMeter(benchmark::State& state)
      : state_(state), start_(g_allocations.load(std::memory_order_relaxed)) {}
  ~AllocationMeter() {
    if (state_.thread_index() != 0) return;
    const double n = static_cast<double>(g_allocations.load(std::memory_order_relaxed) - start_);
    state_.counters["allocs_per_iter"] =
        benchmark::Counter(n / static_cast<double>(state_.iterations()));
  }
  AllocationMeter(const AllocationMeter&) = delete;
  AllocationMeter& operator=(const AllocationMeter&) = delete;

 private:
  benchmark::State& state_;
  uint64_t start_;
};
}  // namespace edgekit_bench

// GCC pairs the replaced operators with malloc/free and warns falsely.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  edgekit_bench::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif  // EDGEKIT_BENCHMARKS_ALLOCATION_METER_H_
