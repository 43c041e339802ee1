// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: counters.h
// -----------------------------------------------------------------------------
// Private: the cache's counters. Lookups and hits are counted on every hit, so
// they live in per-thread stripes (a plain load and store on a cache line no
// other thread writes: no locked instruction, no shared line). A thread
// leases a stripe of its own at its first count and gives it back when it
// exits (a later thread reuses it); while 63 threads hold one, further
// threads share the last stripe with atomic adds. The other counters are
// plain relaxed atomics.
// Thread-safety: thread-safe; reads are relaxed snapshots.

#ifndef EDGEKIT_SRC_CACHE_COUNTERS_H_
#define EDGEKIT_SRC_CACHE_COUNTERS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// The calling thread's stripe: < kSharedStripe is its own until it exits.
constexpr size_t kStripes = 64;
constexpr size_t kSharedStripe = kStripes - 1;
size_t ThreadStripe();
// How many stripes have ever been handed out, a bound on the private stripes
// in use (sequentially consistent with a thread's first ThreadStripe call
// that takes a new one).
size_t StripesInUse();

class HotCounters {
 public:
  HotCounters() : stripes_(new Stripe[kStripes]) {}
  void Count(bool hit) {
    const size_t i = ThreadStripe();
    Stripe& s = stripes_[i];
    if (i != kSharedStripe) {
      s.lookups.store(s.lookups.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
      if (hit) s.hits.store(s.hits.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    } else {
      s.lookups.fetch_add(1, std::memory_order_relaxed);
      if (hit) s.hits.fetch_add(1, std::memory_order_relaxed);
    }
  }
  void CountHitOnly() {
    const size_t i = ThreadStripe();
    Stripe& s = stripes_[i];
    if (i != kSharedStripe) {
      s.hits.store(s.hits.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    } else {
      s.hits.fetch_add(1, std::memory_order_relaxed);
    }
  }
  uint64_t lookups() const { return Sum(&Stripe::lookups); }
  uint64_t hits() const { return Sum(&Stripe::hits); }

 private:
  struct alignas(64) Stripe {
    std::atomic<uint64_t> lookups{0};
    std::atomic<uint64_t> hits{0};
  };
  uint64_t Sum(std::atomic<uint64_t> Stripe::*field) const {
    uint64_t n = 0;
    for (size_t i = 0; i < kStripes; ++i) n += (stripes_[i].*field).load(std::memory_order_relaxed);
    return n;
  }
  std::unique_ptr<Stripe[]> stripes_;
};

struct Counters {
  HotCounters hot;
  std::atomic<uint64_t> stale_served{0}, misses_uri{0}, misses_vary{0}, misses_stale{0},
      misses_request{0}, bypasses{0}, gateway_timeouts{0}, revalidations{0}, revalidated_304{0},
      stores{0}, not_stored{0}, invalidations{0}, evictions{0}, purges{0}, collapsed_waiters{0},
      collapsed_hits{0}, wait_timeouts{0}, waiter_limit_hits{0}, early_refreshes{0},
      aborted_inserts{0}, store_faults{0};
  std::atomic<uint64_t> not_stored_by_reason[16] = {};
};

inline void Inc(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_COUNTERS_H_
