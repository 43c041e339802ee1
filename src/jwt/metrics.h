// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: metrics.h (private to src/jwt)
// -----------------------------------------------------------------------------
// One metric sample for a MetricsVisitor, for the jwt types' VisitMetrics.

#ifndef EDGEKIT_SRC_JWT_METRICS_H_
#define EDGEKIT_SRC_JWT_METRICS_H_

#include <string_view>

#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

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

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_JWT_METRICS_H_
