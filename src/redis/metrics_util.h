// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// One place that turns a redis type's counters into `edgekit::Metric`s.

#ifndef EDGEKIT_SRC_REDIS_METRICS_UTIL_H_
#define EDGEKIT_SRC_REDIS_METRICS_UTIL_H_

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/redis/client.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

// Reports one counter (or gauge) with the same labels as its siblings.
class MetricEmitter {
 public:
  explicit MetricEmitter(MetricsVisitor& visitor, absl::Span<const MetricLabel> labels = {})
      : visitor_(visitor), labels_(labels) {}

  void Counter(std::string_view name, std::string_view help, uint64_t value) const {
    Emit(name, help, MetricType::kCounter, value);
  }
  void Gauge(std::string_view name, std::string_view help, uint64_t value) const {
    Emit(name, help, MetricType::kGauge, value);
  }

 private:
  void Emit(std::string_view name, std::string_view help, MetricType type, uint64_t value) const {
    VisitSample(visitor_, name, help, type, static_cast<double>(value), labels_);
  }

  MetricsVisitor& visitor_;
  absl::Span<const MetricLabel> labels_;
};

// The client counters, named "<prefix><what>" (both clients report them).
void VisitClientCounters(MetricsVisitor& visitor, std::string_view prefix,
                         const redis::ClientCounters& counters, redis::Topology topology);

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_METRICS_UTIL_H_
