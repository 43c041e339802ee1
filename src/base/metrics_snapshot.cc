// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/base/metrics_snapshot.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "base/metrics_common.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN

std::string_view ToString(MetricDataKind kind) {
  switch (kind) {
    case MetricDataKind::kSum:
      return "sum";
    case MetricDataKind::kGauge:
      return "gauge";
    case MetricDataKind::kHistogram:
      return "histogram";
  }
  return "unknown";
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view UnitOf(std::string_view name) {
  if (EndsWith(name, "_seconds")) return "s";
  if (EndsWith(name, "_bytes")) return "By";
  if (EndsWith(name, "_ratio")) return "1";
  return "";
}

}  // namespace

struct MetricsSnapshot::Index {
  absl::flat_hash_map<std::string, size_t> by_name;  // both spellings -> family
};

MetricsSnapshot::MetricsSnapshot(size_t max_points)
    : index_(std::make_unique<Index>()), max_points_(max_points) {}

MetricsSnapshot::~MetricsSnapshot() = default;

void MetricsSnapshot::Visit(const Metric& metric) {
  const bool histogram = metric.type == MetricType::kHistogram;
  if (points_ >= max_points_ || (histogram && !base_internal::HistogramValid(metric.histogram))) {
    ++dropped_;
    return;
  }
  const MetricDataKind kind = metric.type == MetricType::kCounter ? MetricDataKind::kSum
                              : metric.type == MetricType::kGauge ? MetricDataKind::kGauge
                                                                  : MetricDataKind::kHistogram;
  MetricFamily* family = nullptr;
  auto it = index_->by_name.find(AbslView(metric.name));
  if (it != index_->by_name.end()) {
    family = &families_[it->second];
    if (family->kind != kind || family->prometheus_name != metric.name) {
      ++dropped_;
      return;
    }
  } else {
    MetricFamily f;
    f.prometheus_name = std::string(metric.name);
    std::string_view otel = metric.name;
    if (kind == MetricDataKind::kSum && EndsWith(otel, "_total")) {
      otel.remove_suffix(6);
    }
    if (index_->by_name.count(AbslView(otel)) != 0) {  // "x_total" after an unrelated "x"
      ++dropped_;
      return;
    }
    f.name = std::string(otel);
    f.description = std::string(metric.help);
    f.unit = std::string(UnitOf(otel));
    f.kind = kind;
    f.monotonic = kind == MetricDataKind::kSum;
    index_->by_name.emplace(f.prometheus_name, families_.size());
    if (f.name != f.prometheus_name) index_->by_name.emplace(f.name, families_.size());
    families_.push_back(std::move(f));
    family = &families_.back();
  }

  MetricPoint p;
  p.attributes.reserve(metric.labels.size());
  for (const MetricLabel& l : metric.labels) {
    p.attributes.push_back(MetricAttribute{std::string(l.name), std::string(l.value)});
  }
  if (histogram) {
    const HistogramSample& h = *metric.histogram;
    p.explicit_bounds.assign(h.upper_bounds.begin(), h.upper_bounds.end());
    p.bucket_counts.assign(h.bucket_counts.begin(), h.bucket_counts.end());
    for (uint64_t c : p.bucket_counts) p.count += c;
    p.sum = h.sum;
  } else {
    p.value = metric.value;
  }
  family->points.push_back(std::move(p));
  ++points_;
}

const MetricFamily* MetricsSnapshot::Find(std::string_view name) const {
  auto it = index_->by_name.find(AbslView(name));
  return it == index_->by_name.end() ? nullptr : &families_[it->second];
}

EDGEKIT_NAMESPACE_END
