// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: rollout.h
// -----------------------------------------------------------------------------
// Sticky canary routing with per-region percentages, and weighted variants
// (A/B/n), both on top of the stable bucketing of bucket.h.
//
//   Router            which cohort (stable or canary) a unit belongs to, with a
//                     default percentage and per-region overrides, so a ramp
//                     can advance region by region. Percentages change at run
//                     time; a unit is in the canary iff bucket < percent, so
//                     raising a percentage never moves a unit out and lowering
//                     it only moves units out (monotonic ramp).
//   WeightedVariants  which of n weighted variants a unit sees.
//
// Example:
//
//   edgekit::canary::Router router("api-v2-canary");  // 0% until set
//   (void)router.SetDefaultPercent(100);            // 1% everywhere ...
//   (void)router.SetRegionPercent("eu-west-1", 2500);  // ... 25% in eu-west-1
//   if (router.Route(user_id, region).cohort == edgekit::canary::Cohort::kCanary) {
//     upstream = canary_pool;
//   }
//
// Thread-safety: `Router` is thread-safe; `Route` takes no lock (atomics
// only). `WeightedVariants` is immutable after `Create` and thread-safe.
// Errors: configuration returns absl::Status (kInvalidArgument for a bad value,
// kResourceExhausted past the region bound); routing never fails.

#ifndef EDGEKIT_CANARY_ROLLOUT_H_
#define EDGEKIT_CANARY_ROLLOUT_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/canary/bucket.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

enum class Cohort : uint8_t { kStable, kCanary };

// "stable" or "canary" (stable snake_case labels).
[[nodiscard]] EDGEKIT_API std::string_view ToString(Cohort cohort);

// A routing decision.
struct RouteDecision {
  Cohort cohort = Cohort::kStable;
  uint32_t bucket = 0;      // the unit's bucket, 0..9999
  uint32_t percent_bp = 0;  // the percentage that applied (region or default)
};

// Counters a host can export. Monotonic since construction.
struct RouterCounters {
  uint64_t stable = 0;
  uint64_t canary = 0;
};

// Sticky stable/canary routing with per-region percentages. The salt is fixed
// for the router's life: changing it would reshuffle every unit, so a new
// rollout gets a new router. Thread-safe; `Route` is lock-free.
class EDGEKIT_API Router {
 public:
  // Bounds: at most kMaxRegions distinct region names (each 1..kMaxRegionLength
  // bytes) may ever be configured on one router.
  static constexpr size_t kMaxRegions = 64;
  static constexpr size_t kMaxRegionLength = 64;

  // A router at 0% everywhere; set the share with `SetDefaultPercent`.
  explicit Router(std::string_view salt);
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Sets the percentage (basis points, 0..10000) for regions without their own.
  // kInvalidArgument if percent_bp > 10000.
  absl::Status SetDefaultPercent(uint32_t percent_bp);

  // Sets `region`'s own percentage. kInvalidArgument if percent_bp > 10000 or
  // the name is empty or longer than kMaxRegionLength; kResourceExhausted if
  // it would be the (kMaxRegions + 1)-th region name.
  absl::Status SetRegionPercent(std::string_view region, uint32_t percent_bp);

  // Makes `region` follow the default percentage again (its slot is kept).
  void ClearRegionPercent(std::string_view region);

  // The percentage that applies to `region` (the default if it has none).
  [[nodiscard]] uint32_t PercentFor(std::string_view region) const;
  [[nodiscard]] uint32_t default_percent() const {
    return default_percent_.load(std::memory_order_acquire);
  }

  // The unit's cohort in `region` (empty: the default percentage applies).
  [[nodiscard]] RouteDecision Route(std::string_view unit, std::string_view region = {}) const;

  // The bucket alone (no counters touched).
  [[nodiscard]] uint32_t Bucket(std::string_view unit) const { return hasher_.Bucket(unit); }

  [[nodiscard]] RouterCounters counters() const;

  // Reports (edgekit/base/metrics.h):
  //   edgekit_canary_routes_total{cohort}          counter, Route() decisions
  //   edgekit_canary_share_ratio                   gauge, the default share (bp / 10000)
  //   edgekit_canary_region_share_ratio{region}    gauge, regions with their own share
  // No instance label: wrap the visitor in a LabelingVisitor (rollout="...").
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  static constexpr uint32_t kInherit = UINT32_MAX;
  static constexpr size_t kCounterShards = 8;
  struct Slot {
    // Written once before the slot is published, never changed after.
    std::string name;
    uint64_t name_hash = 0;  // StableHash64(name, 0): compared before the name
    std::atomic<uint32_t> percent{kInherit};
  };
  // Counters are sharded by the unit's bucket so threads routing different
  // units rarely write the same cache line.
  struct alignas(64) CounterShard {
    std::atomic<uint64_t> stable{0};
    std::atomic<uint64_t> canary{0};
  };
  // Index of `region`'s slot among the published ones, or -1.
  int FindSlot(std::string_view region, uint64_t region_hash) const;

  const BucketHasher hasher_;
  std::atomic<uint32_t> default_percent_;
  std::array<Slot, kMaxRegions> slots_;
  std::atomic<size_t> published_{0};  // slots [0, published_) are readable
  Mutex write_mu_;                    // serializes slot creation
  mutable std::array<CounterShard, kCounterShards> counters_;
};

// One weighted variant.
struct Variant {
  std::string name;
  uint32_t weight = 0;
};

// Weighted assignment of units to variants (A/B/n).
//
// Definition: with weights w_0..w_{n-1}, total T and cumulative sums
// C_i = w_0 + ... + w_i, a unit with hash h (bucket.h's contract) gets the
// first i with floor(h * T / 2^64) < C_i. Equivalently, variant i owns the
// fraction [C_{i-1} / T, C_i / T) of the hash space.
//
// Effect of re-weighting: a unit changes variant only if its hash fraction
// lies between a boundary's old and new position. Moving weight between two
// adjacent variants (50/50 -> 60/40) moves exactly the units in the shifted
// slice, from one to the other, and nobody else. Changing the total (adding a
// variant with extra weight) rescales every boundary and moves units in every
// variant; to add a variant without that, keep the total fixed and carve the
// new weight from the last variant. Zero-weight variants own nothing.
//
// Give variants a salt of their own, not the Router's: under one salt the
// canary's first 5% of buckets would all land in the first variant.
// Thread-safe (immutable).
class EDGEKIT_API WeightedVariants {
 public:
  static constexpr size_t kMaxVariants = 1024;

  // kInvalidArgument if `variants` is empty or has more than kMaxVariants
  // entries, if a name is empty or repeated, or if the total weight is 0 or
  // exceeds 2^32 - 1.
  static absl::StatusOr<WeightedVariants> Create(std::string_view salt,
                                                 std::vector<Variant> variants);

  // The index of the unit's variant.
  [[nodiscard]] size_t Choose(std::string_view unit) const;
  // The name of the unit's variant.
  [[nodiscard]] const std::string& ChooseName(std::string_view unit) const {
    return variants_[Choose(unit)].name;
  }

  [[nodiscard]] const std::vector<Variant>& variants() const { return variants_; }
  [[nodiscard]] uint64_t total_weight() const { return cumulative_.back(); }

 private:
  WeightedVariants(std::string_view salt, std::vector<Variant> variants,
                   std::vector<uint64_t> cumulative)
      : hasher_(salt), variants_(std::move(variants)), cumulative_(std::move(cumulative)) {}

  BucketHasher hasher_;
  std::vector<Variant> variants_;
  std::vector<uint64_t> cumulative_;
};

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_ROLLOUT_H_
