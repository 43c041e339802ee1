// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: clock.h
// -----------------------------------------------------------------------------
// The one injectable time source. Every time-dependent decision in edgekit
// takes `now` as an argument; stateful classes that need to read time take a
// `Clock&` and default to `RealClock::Get()`. Tests pass a
// `edgekit::testing::FakeClock` and never sleep.
//
// Two time lines:
//   * `MonotonicNow()`: a steady clock for rate limiters, breakers and waiter
//     deadlines. It is an `absl::Time` on an arbitrary epoch: only differences
//     between two readings mean anything, and it never goes backwards.
//   * `SystemNow()`: wall-clock time for JWT `exp`/`nbf`/`iat` and HTTP
//     `Date`/`Age`/`Expires`. It may jump.
//
// Example:
//
//   edgekit::Clock& clock = edgekit::RealClock::Get();
//   absl::Time deadline = clock.MonotonicNow() + absl::Milliseconds(50);
//
// Thread-safety: `RealClock` is thread-safe; implementations must be too.

#ifndef EDGEKIT_BASE_CLOCK_H_
#define EDGEKIT_BASE_CLOCK_H_

#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN

// Abstract time source. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;

  // Steady time on an arbitrary epoch; never decreases.
  virtual absl::Time MonotonicNow() = 0;

  // Wall-clock (Unix epoch) time.
  virtual absl::Time SystemNow() = 0;
};

// The process's real clocks. The only place in edgekit that reads them.
// Thread-safe; `Get()` returns a stateless object with static storage.
class RealClock final : public Clock {
 public:
  static RealClock& Get() {
    static RealClock clock;  // Stateless; safe to share.
    return clock;
  }

  absl::Time MonotonicNow() override {
    const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
    return absl::UnixEpoch() + absl::FromChrono(since_epoch);
  }

  absl::Time SystemNow() override { return absl::Now(); }
};

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_CLOCK_H_
