// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: sharded_counter.h
// -----------------------------------------------------------------------------
// `ShardedCounter`: a statistics counter that loop threads bump without
// sharing a cache line. Each thread adds to its own slot (one of 8, assigned
// round-robin when the thread first counts); a read sums the slots. Counters
// the example servers bump on every request use it, so the hit path of one
// thread never writes a line another thread is writing.
//
// Same calls as the `std::atomic<uint64_t>` it replaces (`fetch_add`,
// `load`); reads are a relaxed snapshot, which is what a metrics scrape is.
//
// Thread-safety: thread-safe.

#ifndef EDGEKIT_EXAMPLES_COMMON_SHARDED_COUNTER_H_
#define EDGEKIT_EXAMPLES_COMMON_SHARDED_COUNTER_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace edgekit_examples {

class ShardedCounter {
 public:
  void fetch_add(uint64_t n, std::memory_order = std::memory_order_relaxed) {
    slots_[ThisThreadSlot()].value.fetch_add(n, std::memory_order_relaxed);
  }
  uint64_t load(std::memory_order = std::memory_order_relaxed) const {
    uint64_t sum = 0;
    for (const Slot& s : slots_) sum += s.value.load(std::memory_order_relaxed);
    return sum;
  }

 private:
  static constexpr size_t kSlots = 8;
  struct alignas(64) Slot {
    std::atomic<uint64_t> value{0};
  };
  static size_t ThisThreadSlot() {
    static std::atomic<size_t> next{0};
    thread_local const size_t slot = next.fetch_add(1, std::memory_order_relaxed) % kSlots;
    return slot;
  }
  std::array<Slot, kSlots> slots_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_SHARDED_COUNTER_H_
