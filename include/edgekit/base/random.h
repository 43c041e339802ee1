// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: random.h
// -----------------------------------------------------------------------------
// The one injectable random source of edgekit. Every component that draws
// random numbers (breaker jitter, power-of-two choices, the cache's early
// expiration) takes an `edgekit::RandomSource*` in its options; nullptr means
// a private `SplitMix64` seeded from the object's address and the clock. Tests
// pass a seeded `SplitMix64` and get the same sequence every run.
//
// Example:
//
//   edgekit::SplitMix64 random(/*seed=*/42);
//   options.random = &random;          // must outlive the object using it
//   double u = edgekit::ToUnitInterval(random.Next());
//
// Thread-safety: `RandomSource` implementations must be thread-safe;
// `SplitMix64` is (one atomic add per draw). Errors: none.

#ifndef EDGEKIT_BASE_RANDOM_H_
#define EDGEKIT_BASE_RANDOM_H_

#include <atomic>
#include <cstdint>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN

// A source of uniformly distributed 64-bit values. Must be thread-safe.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Returns the next value, uniform over [0, 2^64).
  virtual uint64_t Next() = 0;
};

// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): a Weyl sequence through a 64-bit finalizer. Not
// cryptographic. Thread-safe: concurrent callers each get a distinct element
// of the sequence (which caller gets which is unspecified).
class SplitMix64 final : public RandomSource {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() override {
    uint64_t z = state_.fetch_add(kGamma, std::memory_order_relaxed) + kGamma;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static constexpr uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  std::atomic<uint64_t> state_;
};

// Maps a 64-bit draw to a double uniform over [0, 1).
inline double ToUnitInterval(uint64_t r) {
  return static_cast<double>(r >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

// Maps a 64-bit draw to [0, n) using its high 32 bits (Lemire's
// multiply-shift; requires 0 < n <= 2^32).
inline uint64_t ToRange(uint64_t r, uint64_t n) { return ((r >> 32) * n) >> 32; }

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_RANDOM_H_
