// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: metrics.cc
// -----------------------------------------------------------------------------
// The rate limiters' metrics (edgekit/base/metrics.h conventions).

#include <cstddef>

#include "absl/types/span.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/keyed_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {
namespace {

// `labels` followed by one more label, in a small fixed buffer (label sets
// here have at most a rule name and a reason).
class Labels {
 public:
  Labels(absl::Span<const MetricLabel> base, MetricLabel extra) {
    for (const MetricLabel& l : base) {
      if (n_ < kMax - 1) labels_[n_++] = l;
    }
    labels_[n_++] = extra;
  }
  absl::Span<const MetricLabel> span() const { return absl::MakeConstSpan(labels_, n_); }

 private:
  static constexpr size_t kMax = 8;
  MetricLabel labels_[kMax];
  size_t n_ = 0;
};

void Emit(MetricsVisitor& visitor, std::string_view name, std::string_view help, MetricType type,
          absl::Span<const MetricLabel> labels, uint64_t value) {
  Metric m;
  m.name = name;
  m.help = help;
  m.type = type;
  m.labels = labels;
  m.value = static_cast<double>(value);
  visitor.Visit(m);
}

}  // namespace

void VisitMetrics(const KeyedLimiterCounters& counters, MetricsVisitor& visitor,
                  absl::Span<const MetricLabel> labels) {
  constexpr std::string_view kDecisions = "edgekit_ratelimit_decisions_total";
  constexpr std::string_view kDecisionsHelp = "Rate-limit decisions, by reason";
  const struct {
    Reason reason;
    uint64_t value;
  } decisions[] = {{Reason::kAllowed, counters.allowed},
                   {Reason::kLimited, counters.limited},
                   {Reason::kCostExceedsLimit, counters.cost_exceeded}};
  for (const auto& d : decisions) {
    const Labels l(labels, MetricLabel{"reason", ToString(d.reason)});
    Emit(visitor, kDecisions, kDecisionsHelp, MetricType::kCounter, l.span(), d.value);
  }
  Emit(visitor, "edgekit_ratelimit_keys", "Keys stored in the limiter's table", MetricType::kGauge,
       labels, counters.keys);
  Emit(visitor, "edgekit_ratelimit_evictions_total", "Idle keys evicted from the table",
       MetricType::kCounter, labels, counters.evictions);
  Emit(visitor, "edgekit_ratelimit_overflow_decisions_total",
       "Decisions made on a full shard's shared overflow state", MetricType::kCounter, labels,
       counters.overflow_decisions);
}

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END
