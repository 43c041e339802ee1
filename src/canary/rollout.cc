// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Router (region-gated sticky canary routing) and WeightedVariants.

#include "edgekit/canary/rollout.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

std::string_view ToString(Cohort cohort) {
  switch (cohort) {
    case Cohort::kStable:
      return "stable";
    case Cohort::kCanary:
      return "canary";
  }
  return "unknown";
}

Router::Router(std::string_view salt) : hasher_(salt), default_percent_(0) {}

absl::Status Router::SetDefaultPercent(uint32_t percent_bp) {
  if (percent_bp > kBuckets) {
    return absl::InvalidArgumentError(
        absl::StrCat("percent_bp must be in 0..10000, got ", percent_bp));
  }
  default_percent_.store(percent_bp, std::memory_order_release);
  return absl::OkStatus();
}

int Router::FindSlot(std::string_view region, uint64_t region_hash) const {
  const size_t n = published_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    if (slots_[i].name_hash == region_hash && slots_[i].name == region) return static_cast<int>(i);
  }
  return -1;
}

absl::Status Router::SetRegionPercent(std::string_view region, uint32_t percent_bp) {
  if (percent_bp > kBuckets) {
    return absl::InvalidArgumentError(
        absl::StrCat("percent_bp must be in 0..10000, got ", percent_bp));
  }
  if (region.empty() || region.size() > kMaxRegionLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("region name must be 1..", kMaxRegionLength, " bytes"));
  }
  const uint64_t region_hash = StableHash64(region, 0);
  MutexLock lock(&write_mu_);
  const int found = FindSlot(region, region_hash);
  if (found >= 0) {
    slots_[static_cast<size_t>(found)].percent.store(percent_bp, std::memory_order_release);
    return absl::OkStatus();
  }
  const size_t n = published_.load(std::memory_order_relaxed);
  if (n == kMaxRegions) {
    return absl::ResourceExhaustedError(
        absl::StrCat("a router holds at most ", kMaxRegions, " regions"));
  }
  // Slot n is not visible to readers until published_ moves past it.
  slots_[n].name.assign(region.data(), region.size());
  slots_[n].name_hash = region_hash;
  slots_[n].percent.store(percent_bp, std::memory_order_relaxed);
  published_.store(n + 1, std::memory_order_release);
  return absl::OkStatus();
}

void Router::ClearRegionPercent(std::string_view region) {
  const uint64_t region_hash = StableHash64(region, 0);
  MutexLock lock(&write_mu_);
  const int found = FindSlot(region, region_hash);
  if (found >= 0) {
    slots_[static_cast<size_t>(found)].percent.store(kInherit, std::memory_order_release);
  }
}

uint32_t Router::PercentFor(std::string_view region) const {
  if (!region.empty() && published_.load(std::memory_order_acquire) != 0) {
    const int found = FindSlot(region, StableHash64(region, 0));
    if (found >= 0) {
      const uint32_t p = slots_[static_cast<size_t>(found)].percent.load(std::memory_order_acquire);
      if (p != kInherit) return p;
    }
  }
  return default_percent_.load(std::memory_order_acquire);
}

RouteDecision Router::Route(std::string_view unit, std::string_view region) const {
  RouteDecision d;
  d.bucket = hasher_.Bucket(unit);
  d.percent_bp = PercentFor(region);
  CounterShard& shard = counters_[d.bucket % kCounterShards];
  if (InPercent(d.bucket, d.percent_bp)) {
    d.cohort = Cohort::kCanary;
    shard.canary.fetch_add(1, std::memory_order_relaxed);
  } else {
    shard.stable.fetch_add(1, std::memory_order_relaxed);
  }
  return d;
}

RouterCounters Router::counters() const {
  RouterCounters c;
  for (const CounterShard& shard : counters_) {
    c.stable += shard.stable.load(std::memory_order_relaxed);
    c.canary += shard.canary.load(std::memory_order_relaxed);
  }
  return c;
}

void Router::VisitMetrics(MetricsVisitor& visitor) const {
  const RouterCounters c = counters();
  for (Cohort cohort : {Cohort::kStable, Cohort::kCanary}) {
    const MetricLabel l[] = {{"cohort", ToString(cohort)}};
    VisitSample(visitor, "edgekit_canary_routes_total", "Routing decisions, by cohort",
                MetricType::kCounter,
                static_cast<double>(cohort == Cohort::kStable ? c.stable : c.canary), l);
  }
  VisitSample(visitor, "edgekit_canary_share_ratio",
              "Share of units routed to the canary where no region share applies",
              MetricType::kGauge, static_cast<double>(default_percent()) / kBuckets);
  const size_t n = published_.load(std::memory_order_acquire);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t p = slots_[i].percent.load(std::memory_order_acquire);
    if (p == kInherit) continue;
    const MetricLabel l[] = {{"region", slots_[i].name}};
    VisitSample(visitor, "edgekit_canary_region_share_ratio",
                "Share of units routed to the canary in a region with its own share",
                MetricType::kGauge, static_cast<double>(p) / kBuckets, l);
  }
}

absl::StatusOr<WeightedVariants> WeightedVariants::Create(std::string_view salt,
                                                          std::vector<Variant> variants) {
  if (variants.empty() || variants.size() > kMaxVariants) {
    return absl::InvalidArgumentError(
        absl::StrCat("need 1..", kMaxVariants, " variants, got ", variants.size()));
  }
  absl::flat_hash_set<std::string_view> names;
  std::vector<uint64_t> cumulative;
  cumulative.reserve(variants.size());
  uint64_t total = 0;
  for (const Variant& v : variants) {
    if (v.name.empty()) return absl::InvalidArgumentError("variant name is empty");
    if (!names.insert(v.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate variant name '", v.name, "'"));
    }
    total += v.weight;
    cumulative.push_back(total);
  }
  if (total == 0 || total > UINT32_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("total weight must be in 1..4294967295, got ", total));
  }
  return WeightedVariants(salt, std::move(variants), std::move(cumulative));
}

size_t WeightedVariants::Choose(std::string_view unit) const {
  const uint64_t point = ScaleHash(hasher_.Hash(unit), cumulative_.back());
  // First i with point < C_i; zero-weight variants (C_i == C_{i-1}) never win.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), point);
  return static_cast<size_t>(it - cumulative_.begin());
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
