// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: metrics_text.h
// -----------------------------------------------------------------------------
// Metrics visitors that come with the library:
//
//   * `PrometheusTextWriter`: collects samples and writes the Prometheus text
//     exposition format, version 0.0.4 (what a `/metrics` endpoint serves with
//     `kPrometheusContentType`).
//   * `LabelingVisitor`: adds constant labels (an instance name, a region) to
//     every sample before passing it on, so one host can report two caches or
//     many breakers through one writer.
//
// Example:
//
//   edgekit::PrometheusTextWriter writer;
//   edgekit::LabelingVisitor edge(writer, {{"cache", "edge"}});
//   edge_cache->VisitMetrics(edge);
//   edgekit::LabelingVisitor shield(writer, {{"cache", "shield"}});
//   shield_cache->VisitMetrics(shield);
//   Respond(200, edgekit::kPrometheusContentType, writer.Text());
//
// The writer groups samples by metric name: `# HELP` and `# TYPE` appear once
// per family, followed by all its samples, even when they arrive in separate
// `Visit` calls (as above). Families appear in the order they were first
// visited, samples in the order they were visited. Label values are escaped
// (`\\`, `\"`, `\n`), as is HELP text (`\\`, `\n`). A histogram becomes
// cumulative `<name>_bucket{le="..."}` lines ending with `le="+Inf"`, then
// `<name>_sum` and `<name>_count`; the +Inf bucket and `_count` are both the
// sum of the sample's bucket counts, so they always agree.
//
// A sample the format cannot carry is dropped and counted in `dropped()`: a
// metric or label name outside the Prometheus grammar, a label name starting
// with `__` or repeated, a label value or HELP text that is not UTF-8, a type
// different from the family's first sample, a histogram without a sample or
// with bounds that are not finite and strictly increasing or that uses the
// label `le`, and any sample past the byte bound.
//
// Thread-safety: thread-compatible (one writer per scrape; `Visit` calls come
// from the thread that calls `VisitMetrics`). Errors: none beyond `dropped()`.

#ifndef EDGEKIT_BASE_METRICS_TEXT_H_
#define EDGEKIT_BASE_METRICS_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN

// The Content-Type of the text format 0.0.4.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Writes a double as the text format reads it: `NaN`, `+Inf`, `-Inf`,
// integers without exponent or fraction up to 2^53, otherwise the shortest
// text that reads back as the same double. Appends to `out`.
EDGEKIT_API void AppendPrometheusValue(double value, std::string& out);

// True if `name` matches [a-zA-Z_:][a-zA-Z0-9_:]* (metric names).
[[nodiscard]] EDGEKIT_API bool IsValidMetricName(std::string_view name);
// True if `name` matches [a-zA-Z_][a-zA-Z0-9_]* (label names; the writer
// also refuses names starting with "__", which Prometheus reserves).
[[nodiscard]] EDGEKIT_API bool IsValidLabelName(std::string_view name);

class EDGEKIT_API PrometheusTextWriter final : public MetricsVisitor {
 public:
  // Samples whose lines would take the text past this size are dropped.
  static constexpr size_t kDefaultMaxBytes = size_t{64} << 20;

  explicit PrometheusTextWriter(size_t max_bytes = kDefaultMaxBytes);
  ~PrometheusTextWriter() override;
  PrometheusTextWriter(const PrometheusTextWriter&) = delete;
  PrometheusTextWriter& operator=(const PrometheusTextWriter&) = delete;

  void Visit(const Metric& metric) override;

  // The exposition of every sample visited since construction or `Clear()`.
  [[nodiscard]] std::string Text() const;
  // Appends the same text to `out`.
  void AppendTo(std::string& out) const;

  [[nodiscard]] size_t families() const;
  [[nodiscard]] uint64_t samples() const;  // samples written
  [[nodiscard]] uint64_t dropped() const;  // samples refused (see the file comment)
  // Forgets every family and sample (keeps the byte bound).
  void Clear();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Passes every sample on to `next` with `labels` added before the sample's
// own labels. The label names and values are copied. Adds no allocation per
// sample up to 16 labels in all.
//
// Thread-safety: thread-safe if `next` is (it holds no mutable state).
class EDGEKIT_API LabelingVisitor final : public MetricsVisitor {
 public:
  LabelingVisitor(MetricsVisitor& next, absl::Span<const MetricLabel> labels);
  LabelingVisitor(const LabelingVisitor&) = delete;
  LabelingVisitor& operator=(const LabelingVisitor&) = delete;

  void Visit(const Metric& metric) override;

 private:
  MetricsVisitor& next_;
  std::vector<std::pair<std::string, std::string>> owned_;
  std::vector<MetricLabel> labels_;  // views into owned_
};

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_METRICS_TEXT_H_
