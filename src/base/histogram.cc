// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/base/histogram.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"

EDGEKIT_NAMESPACE_BEGIN

absl::StatusOr<std::unique_ptr<Histogram>> Histogram::Create(
    absl::Span<const double> upper_bounds) {
  if (upper_bounds.empty() || upper_bounds.size() > kMaxBounds) {
    return absl::InvalidArgumentError("upper_bounds must have 1 to 32 values");
  }
  for (size_t i = 0; i < upper_bounds.size(); ++i) {
    if (!std::isfinite(upper_bounds[i])) {
      return absl::InvalidArgumentError("upper_bounds must be finite");
    }
    if (i > 0 && !(upper_bounds[i] > upper_bounds[i - 1])) {
      return absl::InvalidArgumentError("upper_bounds must be strictly increasing");
    }
  }
  return std::unique_ptr<Histogram>(new Histogram(upper_bounds));
}

Histogram::Histogram() : Histogram(kLatencyBoundsSeconds) {}

Histogram::Histogram(absl::Span<const double> upper_bounds) : num_bounds_(upper_bounds.size()) {
  for (size_t i = 0; i < num_bounds_; ++i) bounds_[i] = upper_bounds[i];
}

uint64_t Histogram::LoadCounts(uint64_t* counts) const {
  uint64_t total = 0;
  for (size_t i = 0; i <= num_bounds_; ++i) {
    counts[i] = counts_[i].load(std::memory_order_relaxed);
    total += counts[i];
  }
  return total;
}

HistogramSnapshot Histogram::Snapshot() const {
  HistogramSnapshot s;
  s.upper_bounds.assign(bounds_.begin(), bounds_.begin() + static_cast<ptrdiff_t>(num_bounds_));
  s.bucket_counts.resize(num_bounds_ + 1);
  s.count = LoadCounts(s.bucket_counts.data());
  s.sum = FromBits(sum_bits_.load(std::memory_order_relaxed));
  return s;
}

void Histogram::Visit(MetricsVisitor& visitor, std::string_view name, std::string_view help,
                      absl::Span<const MetricLabel> labels) const {
  std::array<uint64_t, kMaxBounds + 1> counts;
  HistogramSample sample;
  sample.count = LoadCounts(counts.data());
  sample.sum = FromBits(sum_bits_.load(std::memory_order_relaxed));
  sample.upper_bounds = upper_bounds();
  sample.bucket_counts = absl::MakeConstSpan(counts.data(), num_bounds_ + 1);
  Metric m;
  m.name = name;
  m.help = help;
  m.type = MetricType::kHistogram;
  m.labels = labels;
  m.histogram = &sample;
  visitor.Visit(m);
}

EDGEKIT_NAMESPACE_END
