// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: fake_clock.h
// -----------------------------------------------------------------------------
// A manual `edgekit::Clock` for deterministic tests: time moves only when the
// test says so.
//
// Example:
//
//   edgekit::testing::FakeClock clock;                 // both at Unix 1.7e9
//   edgekit::ratelimit::TokenBucket bucket(options, clock);
//   clock.Advance(absl::Seconds(1));
//
// Thread-safety: thread-safe; readings are atomic.

#ifndef EDGEKIT_TESTING_FAKE_CLOCK_H_
#define EDGEKIT_TESTING_FAKE_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace testing {

class FakeClock final : public Clock {
 public:
  // Both time lines start at `start` (default: 2023-11-14T22:13:20Z).
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000))
      : mono_ns_(absl::ToUnixNanos(start)), sys_ns_(absl::ToUnixNanos(start)) {}

  absl::Time MonotonicNow() override {
    return absl::FromUnixNanos(mono_ns_.load(std::memory_order_acquire));
  }
  absl::Time SystemNow() override {
    return absl::FromUnixNanos(sys_ns_.load(std::memory_order_acquire));
  }

  // Moves both time lines forward. A negative `d` moves only the system
  // clock back (the monotonic clock never goes backwards).
  void Advance(absl::Duration d) {
    const int64_t ns = absl::ToInt64Nanoseconds(d);
    if (ns > 0) mono_ns_.fetch_add(ns, std::memory_order_acq_rel);
    sys_ns_.fetch_add(ns, std::memory_order_acq_rel);
  }

  // Sets the system clock (it may jump either way); the monotonic clock moves
  // forward by the same amount if `t` is later, and stays otherwise.
  void SetSystem(absl::Time t) {
    const int64_t ns = absl::ToUnixNanos(t);
    const int64_t old = sys_ns_.exchange(ns, std::memory_order_acq_rel);
    if (ns > old) mono_ns_.fetch_add(ns - old, std::memory_order_acq_rel);
  }

 private:
  std::atomic<int64_t> mono_ns_;
  std::atomic<int64_t> sys_ns_;
};

}  // namespace testing
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_TESTING_FAKE_CLOCK_H_
