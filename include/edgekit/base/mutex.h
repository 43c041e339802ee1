// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: mutex.h
// -----------------------------------------------------------------------------
// `edgekit::Mutex`, `edgekit::MutexLock` and `edgekit::CondVar`: a mutex with
// Clang thread-safety annotations (`ABSL_GUARDED_BY(mu_)` works with it).
//
// Why not `absl::Mutex`: Debian ships Abseil as a prebuilt library that is not
// compiled with ThreadSanitizer, and `absl::Mutex` synchronizes through its own
// atomics and futexes inside that library. TSan cannot see those edges and
// reports false races on every guarded member. `std::mutex` goes through
// pthread, which TSan intercepts, so our TSan runs stay exact. The annotated
// interface is Abseil's, so moving back to `absl::Mutex` (for example with a
// TSan-built Abseil) is a type alias away.
//
// Example:
//
//   class Counter {
//    public:
//     void Add() { edgekit::MutexLock lock(&mu_); ++n_; }
//    private:
//     edgekit::Mutex mu_;
//     int n_ ABSL_GUARDED_BY(mu_) = 0;
//   };
//
// Thread-safety: thread-safe (it is the lock).

#ifndef EDGEKIT_BASE_MUTEX_H_
#define EDGEKIT_BASE_MUTEX_H_

#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  [[nodiscard]] bool TryLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) { return mu_.try_lock(); }
  // Documents (for the analysis) that the caller holds the lock.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Scoped lock, as `absl::MutexLock lock(&mu_)`.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// Condition variable for `Mutex`. Waits in real time: only host-facing
// blocking calls use it; decisions never depend on it.
class CondVar {
 public:
  // Requires: `mu` is held. Returns with `mu` held.
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // Waits at most `timeout`. Returns true if it timed out.
  // Requires: `mu` is held. Returns with `mu` held.
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool timed_out =
        cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout)) == std::cv_status::timeout;
    lock.release();
    return timed_out;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_MUTEX_H_
