// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: base/internal/shard_mutex.h
// -----------------------------------------------------------------------------
// Not API. `ShardMutex`: the lock of one table shard whose critical section
// is a few operations (tens of nanoseconds): a keyed limiter's probe, clock
// read and state update, or a coalescer's flight lookup.
// Uncontended it costs one atomic exchange to lock and one to unlock (a
// pthread mutex costs about 75 instructions more per lock/unlock pair, as much
// as the rest of a decision). A contended caller spins briefly (the holder is
// usually done by then), then sleeps on its table's `ParkingLot` (an
// `edgekit::Mutex` / `CondVar` pair) until an unlock wakes it, so a
// descheduled holder costs waiters no CPU. A shard's mutex is 8 bytes. A
// futex sleep and wake-up per contended lock (what a plain mutex does) costs
// microseconds, far more than the wait it avoids; perf showed them
// dominating two threads on distinct coalescer keys.
//
// Why not absl::Mutex, which does the same: Debian's Abseil is not built
// with ThreadSanitizer, which would then miss its synchronisation (see
// edgekit/base/mutex.h). This one synchronises through std::atomic and the
// standard mutex, both of which TSan understands.
//
// Thread-safety: a mutex. Not reentrant.

#ifndef EDGEKIT_BASE_INTERNAL_SHARD_MUTEX_H_
#define EDGEKIT_BASE_INTERNAL_SHARD_MUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"

EDGEKIT_NAMESPACE_BEGIN
namespace base_internal {

// Where contended lockers sleep: one per table, shared by its shard mutexes
// (sleeping is rare, so one condition variable serves them all and a wake-up
// wakes every sleeper of the table to check its own shard).
struct ParkingLot {
  Mutex mu;
  CondVar cv;
};

// Tells the CPU the caller is spinning on a memory location (x86 `pause`,
// Arm `yield`): cheaper for the core's sibling and for the line's owner.
inline void SpinPause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class ABSL_LOCKABLE ShardMutex {
 public:
  ShardMutex() = default;
  ShardMutex(const ShardMutex&) = delete;
  ShardMutex& operator=(const ShardMutex&) = delete;

  // `lot` is where a contended caller sleeps: the same for every call.
  void Lock(ParkingLot* lot) ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    if (ABSL_PREDICT_TRUE(!locked_.exchange(true, std::memory_order_acquire))) return;
    LockSlow(lot);
  }

  // Documents (for the analysis) that the caller holds the lock.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

  void Unlock(ParkingLot* lot) ABSL_UNLOCK_FUNCTION() {
    // Sequentially consistent with the sleeper count (a Dekker pair with
    // LockSlow): either this unlock sees the sleeper, or the sleeper's
    // exchange sees the lock free. No wake-up is lost.
    locked_.exchange(false, std::memory_order_seq_cst);
    if (ABSL_PREDICT_FALSE(sleepers_.load(std::memory_order_seq_cst) != 0)) Wake(lot);
  }

 private:
  ABSL_ATTRIBUTE_NOINLINE void LockSlow(ParkingLot* lot) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    // Poll with a growing pause (1, 2, 4, ... 64 pauses): every poll pulls
    // the line from the holder, which writes it during its critical section.
    for (int round = 0, pauses = 1; round < 24; ++round) {
      for (int p = 0; p < pauses; ++p) SpinPause();
      if (pauses < 64) pauses *= 2;
      if (!locked_.load(std::memory_order_relaxed) &&
          !locked_.exchange(true, std::memory_order_acquire)) {
        return;
      }
    }
    MutexLock lock(&lot->mu);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    while (locked_.exchange(true, std::memory_order_seq_cst)) lot->cv.Wait(&lot->mu);
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Under the lot's mutex: a sleeper holds it from its last check until it
  // waits, so the signal cannot fall between the two.
  static ABSL_ATTRIBUTE_NOINLINE void Wake(ParkingLot* lot) {
    MutexLock lock(&lot->mu);
    lot->cv.SignalAll();
  }

  std::atomic<bool> locked_{false};
  std::atomic<uint32_t> sleepers_{0};
};

// Scoped lock of a `ShardMutex`.
class ABSL_SCOPED_LOCKABLE ShardMutexLock {
 public:
  ShardMutexLock(ShardMutex* mu, ParkingLot* lot) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu)
      : mu_(mu), lot_(lot) {
    mu_->Lock(lot_);
  }
  ~ShardMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(lot_); }
  ShardMutexLock(const ShardMutexLock&) = delete;
  ShardMutexLock& operator=(const ShardMutexLock&) = delete;

 private:
  ShardMutex* const mu_;
  ParkingLot* const lot_;
};

}  // namespace base_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_INTERNAL_SHARD_MUTEX_H_
