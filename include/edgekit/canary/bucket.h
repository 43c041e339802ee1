// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: bucket.h
// -----------------------------------------------------------------------------
// Sticky bucketing: `(unit id, salt) -> bucket` in 0..9999 basis points, the
// same answer on every platform, compiler and process. This is the primitive
// every canary decision in edgekit is built on.
//
// THE CONTRACT (pinned by golden vectors in tests/canary/bucket_test.cc; it
// never changes within major version 0):
//
//   seed   = XXH3_64bits(salt bytes, seed 0)              (xxHash 0.8 XXH3-64)
//   hash   = XXH3_64bits_withSeed(unit bytes, seed)
//   bucket = floor(hash * 10000 / 2^64)                   (the high 64 bits of
//                                                          the 128-bit product)
//
// The strings are hashed as raw bytes (pass UTF-8). The multiply-high maps the
// 64-bit hash onto 0..9999 with no modulo bias beyond 1e-15 (each bucket gets
// floor or ceil of 2^64/10000 hash values). The salt is hashed once, when the
// `BucketHasher` is built, so a lookup costs one XXH3 call over the unit id.
// Never `std::hash` or `absl::Hash`: they change between processes.
//
// Example:
//
//   const edgekit::canary::BucketHasher hasher("checkout-v2");
//   const uint32_t bucket = hasher.Bucket(user_id);     // 0..9999
//   if (edgekit::canary::InPercent(bucket, 500)) { ... } // 5.00% canary
//
// Thread-safety: `BucketHasher` is immutable after construction; every method
// is const and safe to call from many threads. The free functions are pure.
// Errors: none; every input (including empty strings) has a bucket.

#ifndef EDGEKIT_CANARY_BUCKET_H_
#define EDGEKIT_CANARY_BUCKET_H_

#include <cstdint>
#include <string_view>

#include "absl/numeric/int128.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

// Number of buckets: percentages are expressed in basis points (1/100 of a
// percent), so 10000 means 100%.
inline constexpr uint32_t kBuckets = 10000;

// XXH3-64 of `data` with `seed` (xxHash 0.8, stable across platforms).
[[nodiscard]] EDGEKIT_API uint64_t StableHash64(std::string_view data, uint64_t seed) noexcept;

// The seed a salt contributes: XXH3-64 of the salt with seed 0.
[[nodiscard]] EDGEKIT_API uint64_t SaltSeed(std::string_view salt) noexcept;

// Maps a 64-bit hash onto [0, n) by multiply-high: floor(hash * n / 2^64).
// Requires nothing; n == 0 gives 0.
[[nodiscard]] inline uint64_t ScaleHash(uint64_t hash, uint64_t n) noexcept {
  return absl::Uint128High64(absl::uint128(hash) * absl::uint128(n));
}

// True iff a unit in `bucket` is inside a rollout of `percent_bp` basis points.
// The rule `bucket < percent_bp` makes ramps monotonic: raising the percentage
// never moves a unit out, lowering it only moves units out. 0 admits nobody,
// 10000 (or more) admits everyone.
[[nodiscard]] constexpr bool InPercent(uint32_t bucket, uint32_t percent_bp) noexcept {
  return bucket < percent_bp;
}

// Hashes unit ids under one salt. Build one per experiment/rollout and keep
// it: construction hashes the salt, lookups only hash the unit id.
// Thread-safe (immutable).
class BucketHasher {
 public:
  explicit BucketHasher(std::string_view salt) noexcept : seed_(SaltSeed(salt)) {}

  // The 64-bit hash of `unit` under this salt (see the contract above).
  [[nodiscard]] uint64_t Hash(std::string_view unit) const noexcept {
    return StableHash64(unit, seed_);
  }

  // The unit's bucket in 0..9999.
  [[nodiscard]] uint32_t Bucket(std::string_view unit) const noexcept {
    return static_cast<uint32_t>(ScaleHash(Hash(unit), kBuckets));
  }

  // True iff `unit` is inside a rollout of `percent_bp` basis points.
  [[nodiscard]] bool InRollout(std::string_view unit, uint32_t percent_bp) const noexcept {
    return InPercent(Bucket(unit), percent_bp);
  }

  // The seed derived from the salt (for logging and cross-checks).
  [[nodiscard]] uint64_t seed() const noexcept { return seed_; }

 private:
  uint64_t seed_;
};

// One-shot convenience: the bucket of `unit` under `salt` (hashes the salt
// too; prefer a long-lived `BucketHasher` on hot paths).
[[nodiscard]] inline uint32_t Bucket(std::string_view unit, std::string_view salt) noexcept {
  return BucketHasher(salt).Bucket(unit);
}

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_BUCKET_H_
