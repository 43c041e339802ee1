// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: histogram.h
// -----------------------------------------------------------------------------
// `edgekit::Histogram`: a fixed-bucket distribution (latencies, sizes) that
// many threads observe into without a lock, and that reports through the
// metrics visitor (edgekit/base/metrics.h) as one histogram sample.
//
// Buckets are given by their inclusive upper bounds, strictly increasing and
// finite; an implicit last bucket holds everything above the last bound (the
// Prometheus `+Inf` bucket, OpenTelemetry's overflow bucket). The default
// bounds suit request latencies in seconds, from 0.5 ms to 10 s.
//
// Example:
//
//   edgekit::Histogram latency;                        // kLatencyBoundsSeconds
//   latency.Observe(absl::Microseconds(850));          // one observation
//   const edgekit::MetricLabel labels[] = {{"origin", "eu"}};
//   latency.Visit(visitor, "edgekit_proxy_origin_latency_seconds",
//                 "Origin response latency", labels);
//
// Thread-safety: thread-safe. `Observe` is lock-free and allocation-free (one
// relaxed atomic add on the bucket, a compare-and-swap loop on the sum);
// `Visit` and `Snapshot` read each bucket atomically, the set is not one
// atomic snapshot (the count always equals the sum of the buckets read).
// Errors: `Create` returns kInvalidArgument for unusable bounds; `Observe`
// ignores NaN.

#ifndef EDGEKIT_BASE_HISTOGRAM_H_
#define EDGEKIT_BASE_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN

// Request-latency bounds in seconds: 0.5 ms .. 10 s, roughly x2.5 apart.
inline constexpr std::array<double, 14> kLatencyBoundsSeconds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// An owned copy of a histogram's state (see `Histogram::Snapshot`).
struct HistogramSnapshot {
  std::vector<double> upper_bounds;
  std::vector<uint64_t> bucket_counts;  // upper_bounds.size() + 1, not cumulative
  uint64_t count = 0;                   // sum of bucket_counts
  double sum = 0;
};

class EDGEKIT_API Histogram {
 public:
  // At most this many explicit bounds (the +Inf bucket comes on top).
  static constexpr size_t kMaxBounds = 32;

  // A histogram with `upper_bounds`: 1..kMaxBounds finite values, strictly
  // increasing. Errors: kInvalidArgument naming what is wrong.
  static absl::StatusOr<std::unique_ptr<Histogram>> Create(absl::Span<const double> upper_bounds);

  // A histogram with kLatencyBoundsSeconds (cannot fail).
  Histogram();
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `value` in the first bucket whose bound is >= value (the +Inf
  // bucket if none) and adds it to the sum. NaN is ignored.
  void Observe(double value) {
    if (std::isnan(value)) return;
    size_t i = 0;
    while (i < num_bounds_ && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
    while (!sum_bits_.compare_exchange_weak(old_bits, ToBits(FromBits(old_bits) + value),
                                            std::memory_order_relaxed, std::memory_order_relaxed)) {
    }
  }
  // Observes a duration in seconds.
  void Observe(absl::Duration d) { Observe(absl::ToDoubleSeconds(d)); }

  [[nodiscard]] absl::Span<const double> upper_bounds() const {
    return absl::MakeConstSpan(bounds_.data(), num_bounds_);
  }

  // The current buckets, count and sum (allocates the vectors).
  [[nodiscard]] HistogramSnapshot Snapshot() const;

  // Reports the histogram as one sample `name{labels}` to `visitor`. No
  // allocation: the buckets are read onto the stack.
  void Visit(MetricsVisitor& visitor, std::string_view name, std::string_view help,
             absl::Span<const MetricLabel> labels = {}) const;

 private:
  explicit Histogram(absl::Span<const double> upper_bounds);
  static uint64_t ToBits(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
  }
  static double FromBits(uint64_t b) {
    double d;
    std::memcpy(&d, &b, sizeof d);
    return d;
  }
  // Reads the buckets into `counts` (num_bounds_ + 1 entries); returns their sum.
  uint64_t LoadCounts(uint64_t* counts) const;

  std::array<double, kMaxBounds> bounds_{};
  size_t num_bounds_ = 0;
  std::array<std::atomic<uint64_t>, kMaxBounds + 1> counts_{};
  std::atomic<uint64_t> sum_bits_{0};  // a double's bits (0 is +0.0)
};

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_HISTOGRAM_H_
