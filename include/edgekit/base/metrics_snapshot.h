// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: metrics_snapshot.h
// -----------------------------------------------------------------------------
// `MetricsSnapshot`: a metrics visitor that collects samples into owned
// families shaped like the OpenTelemetry metrics data model, so a host hands
// them to its OpenTelemetry exporter (OTLP, the SDK's producer interface)
// field by field, without parsing names or text:
//
//   edgekit MetricType   OpenTelemetry data point kind
//   kCounter             Sum, monotonic, cumulative temporality
//   kGauge               Gauge
//   kHistogram           Histogram, cumulative, explicit bounds
//
// Names follow OpenTelemetry's Prometheus compatibility rules backwards: a
// counter `edgekit_cache_lookups_total` becomes the Sum `edgekit_cache_lookups`
// (exporters to Prometheus add `_total` back), and the unit comes from the
// name's unit suffix (`_seconds` -> "s", `_bytes` -> "By", `_ratio` -> "1"),
// which stays in the name. Labels become attributes, in visit order.
//
// Example:
//
//   edgekit::MetricsSnapshot snapshot;
//   cache->VisitMetrics(snapshot);
//   breaker->VisitMetrics(snapshot);
//   for (const edgekit::MetricFamily& f : snapshot.families()) {
//     // f.kind, f.name, f.description, f.unit, f.monotonic, f.points[i]...
//   }
//
// Start and observation timestamps are the host's: edgekit objects count from
// their creation, so the start time of a cumulative Sum is when the host
// created the object; the observation time is when it took the snapshot.
//
// Bounds: at most `max_points` data points (default 100,000); samples past
// that, samples with a different type than their family's first, and
// histograms whose bounds are not finite and strictly increasing are dropped
// and counted in `dropped()`.
//
// Thread-safety: thread-compatible. Errors: none beyond `dropped()`.

#ifndef EDGEKIT_BASE_METRICS_SNAPSHOT_H_
#define EDGEKIT_BASE_METRICS_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN

// The OpenTelemetry data point kinds edgekit produces.
enum class MetricDataKind : uint8_t { kSum, kGauge, kHistogram };

// "sum", "gauge", "histogram".
[[nodiscard]] EDGEKIT_API std::string_view ToString(MetricDataKind kind);

struct MetricAttribute {
  std::string key;
  std::string value;
};

// One data point: a value (Sum, Gauge) or a distribution (Histogram).
struct MetricPoint {
  std::vector<MetricAttribute> attributes;
  double value = 0;  // Sum and Gauge
  // Histogram: OpenTelemetry's explicit-bounds layout. bucket_counts has
  // explicit_bounds.size() + 1 entries and is not cumulative; bucket i counts
  // values in (explicit_bounds[i-1], explicit_bounds[i]].
  std::vector<double> explicit_bounds;
  std::vector<uint64_t> bucket_counts;
  uint64_t count = 0;  // sum of bucket_counts
  double sum = 0;
};

struct MetricFamily {
  std::string name;             // OpenTelemetry name (no `_total`)
  std::string prometheus_name;  // the name as visited
  std::string description;      // the first sample's help
  std::string unit;             // UCUM ("s", "By", "1") or empty
  MetricDataKind kind = MetricDataKind::kSum;
  bool monotonic = false;  // Sum: always true (edgekit counters only grow)
  std::vector<MetricPoint> points;
};

class EDGEKIT_API MetricsSnapshot final : public MetricsVisitor {
 public:
  static constexpr size_t kDefaultMaxPoints = 100000;

  explicit MetricsSnapshot(size_t max_points = kDefaultMaxPoints);
  ~MetricsSnapshot() override;
  MetricsSnapshot(const MetricsSnapshot&) = delete;
  MetricsSnapshot& operator=(const MetricsSnapshot&) = delete;

  void Visit(const Metric& metric) override;

  // Families in the order first visited; points in visit order.
  [[nodiscard]] const std::vector<MetricFamily>& families() const { return families_; }
  // The family named `name` (OpenTelemetry or Prometheus spelling), or nullptr.
  [[nodiscard]] const MetricFamily* Find(std::string_view name) const;
  [[nodiscard]] size_t points() const { return points_; }
  [[nodiscard]] uint64_t dropped() const { return dropped_; }

 private:
  struct Index;
  std::vector<MetricFamily> families_;
  std::unique_ptr<Index> index_;
  size_t max_points_;
  size_t points_ = 0;
  uint64_t dropped_ = 0;
};

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_METRICS_SNAPSHOT_H_
