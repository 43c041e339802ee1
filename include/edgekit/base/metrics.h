// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: metrics.h
// -----------------------------------------------------------------------------
// The one metrics visitor every edgekit component reports through. A component
// that counts things has
//
//   void VisitMetrics(edgekit::MetricsVisitor& visitor) const;
//
// which calls `visitor.Visit(metric)` once per sample (one counter, gauge or
// histogram with one set of label values). The library's Prometheus text
// writer and a host's own exporter (OpenTelemetry, StatsD, logs) both consume
// the same calls.
//
// Example:
//
//   class Printer : public edgekit::MetricsVisitor {
//     void Visit(const edgekit::Metric& m) override {
//       std::printf("%.*s %g\n", int(m.name.size()), m.name.data(), m.value);
//     }
//   };
//   Printer printer;
//   cache->VisitMetrics(printer);
//
// Naming rules (Prometheus and OpenTelemetry both accept them):
//   * `name` is `edgekit_<component>_<what>`, snake_case, [a-z0-9_]; counters
//     end in `_total`; units are spelled out in the name in base units
//     (`_seconds`, `_bytes`).
//   * Label names are snake_case; label values are the components'
//     `ToString()` labels (snake_case, stable).
//   * A component never labels its own instance: a host with two caches wraps
//     its visitor to add `cache="edge"` (see `LabelingVisitor` in
//     edgekit/base/metrics_text.h).
//
// Lifetime: every view in `Metric` is valid only during the `Visit` call.
// Thread-safety: `VisitMetrics` is thread-safe wherever the component is; the
// values are a relaxed snapshot (each value is exact, the set is not atomic).
// Visitors are called on the caller's thread, never under an internal lock.

#ifndef EDGEKIT_BASE_METRICS_H_
#define EDGEKIT_BASE_METRICS_H_

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN

enum class MetricType {
  kCounter,    // monotonically increasing since the object was created
  kGauge,      // a current value that may go up and down
  kHistogram,  // a distribution: `histogram` is set, `value` is unused
};

// "counter", "gauge", "histogram" (the Prometheus TYPE words).
[[nodiscard]] constexpr std::string_view ToString(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

struct MetricLabel {
  std::string_view name;
  std::string_view value;
};

// A histogram sample. `bucket_counts[i]` counts observations <= `upper_bounds[i]`
// and above the previous bound (not cumulative); `bucket_counts` has one more
// element than `upper_bounds`: the last is the +Inf bucket.
struct HistogramSample {
  absl::Span<const double> upper_bounds;
  absl::Span<const uint64_t> bucket_counts;
  uint64_t count = 0;  // sum of bucket_counts
  double sum = 0;      // sum of the observed values
};

struct Metric {
  std::string_view name;  // e.g. "edgekit_cache_lookups_total"
  std::string_view help;  // one line, no trailing period needed
  MetricType type = MetricType::kCounter;
  absl::Span<const MetricLabel> labels;
  double value = 0;                            // counters and gauges
  const HistogramSample* histogram = nullptr;  // histograms only
};

// Receives metric samples. Implementations decide what to do with them.
class MetricsVisitor {
 public:
  virtual ~MetricsVisitor() = default;
  virtual void Visit(const Metric& metric) = 0;
};

// Reports one counter or gauge sample: the common line of a VisitMetrics.
//
//   const MetricLabel labels[] = {{"result", "hit"}};
//   VisitSample(visitor, "edgekit_cache_lookups_total", "Cache lookups by result",
//               MetricType::kCounter, static_cast<double>(c.hits), labels);
inline void VisitSample(MetricsVisitor& visitor, std::string_view name, std::string_view help,
                        MetricType type, double value, absl::Span<const MetricLabel> labels = {}) {
  Metric m;
  m.name = name;
  m.help = help;
  m.type = type;
  m.labels = labels;
  m.value = value;
  visitor.Visit(m);
}

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_METRICS_H_
