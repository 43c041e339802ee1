// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: reader_slots.h
// -----------------------------------------------------------------------------
// Private: lets lookups read a shard of the variant index without writing any
// cache line another thread writes. A shard's mutex is one line; when two
// cores take it for every hit, each lock and unlock pulls that line from the
// other core, and perf showed those transfers (and the spinning behind them)
// as most of a hit's cost at two threads.
//
// The scheme is a "big reader" lock. Each of the first threads (those with a
// stripe of their own, see counters.h) has one slot on its own cache line. A
// reader announces the shard it reads in its slot, then checks the shard's
// `writing` flag; a writer takes the shard's mutex, raises the flag, then
// waits until no slot names its shard. Both sides use sequentially consistent
// operations (a Dekker pair): either the writer sees the reader's slot and
// waits for it, or the reader sees the flag and backs off to the mutex.
// Threads past the striped ones, and readers that find a writer, take the
// mutex (which excludes writers, who hold it throughout).
//
// Cost: a reader stores to and clears its own line (no locked instruction on
// a shared line); a writer loads one slot per stripe ever handed out (at most
// 63: a thread's stripe is given back when it exits and reused by the next
// new thread; a thread that starts while 63 others hold stripes takes the
// mutex for its life). A writer
// that meets a reader descheduled in its slot spins, then yields, until it
// runs again (it holds its slot for one lookup: no I/O, no callback).
//
// Thread-safety: thread-safe. A thread holds at most one slot at a time per
// ReaderSlots (lookups do not nest).

#ifndef EDGEKIT_SRC_CACHE_READER_SLOTS_H_
#define EDGEKIT_SRC_CACHE_READER_SLOTS_H_

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>

#include "cache/counters.h"
#include "edgekit/base/config.h"
#include "edgekit/base/internal/shard_mutex.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

class ReaderSlots {
 public:
  ReaderSlots() : slots_(new Slot[kSharedStripe]) {}

  // Announces that the calling thread (stripe `stripe`) reads shard `shard`.
  // False if a writer holds the shard or the thread has no slot of its own:
  // then it must take the shard's mutex instead.
  bool TryEnter(size_t stripe, size_t shard, const std::atomic<bool>& writing) {
    if (stripe >= kSharedStripe) return false;
    std::atomic<uint32_t>& slot = slots_[stripe].shard;
    // Lookups do not nest (a matcher must not call into the store): a
    // nested read would clear the outer one's slot.
    assert(slot.load(std::memory_order_relaxed) == 0);
    slot.store(static_cast<uint32_t>(shard) + 1, std::memory_order_seq_cst);
    if (!writing.load(std::memory_order_seq_cst)) return true;
    slot.store(0, std::memory_order_release);
    return false;
  }
  // Ends a read that TryEnter admitted.
  void Exit(size_t stripe) { slots_[stripe].shard.store(0, std::memory_order_release); }

  // Called by a writer after raising `writing` for `shard`: returns once no
  // reader admitted before the flag is still reading it.
  void WaitForReaders(size_t shard) const {
    const uint32_t mark = static_cast<uint32_t>(shard) + 1;
    const size_t used = std::min(StripesInUse(), kSharedStripe);
    for (size_t i = 0; i < used; ++i) {
      // A reader holds its slot for a lookup (tens of nanoseconds) unless it
      // was descheduled: then give the CPU away rather than spin.
      for (int spins = 0; slots_[i].shard.load(std::memory_order_seq_cst) == mark; ++spins) {
        if (spins < 64) {
          base_internal::SpinPause();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }

 private:
  struct alignas(64) Slot {
    std::atomic<uint32_t> shard{0};  // shard + 1 being read; 0: none
  };
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_READER_SLOTS_H_
