// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of MetricsSnapshot: samples grouped into OpenTelemetry-shaped families.
#include <vector>

#include "edgekit/base/histogram.h"
#include "edgekit/base/metrics_snapshot.h"
#include "edgekit_catch.h"

using edgekit::Metric;
using edgekit::MetricDataKind;
using edgekit::MetricFamily;
using edgekit::MetricLabel;
using edgekit::MetricsSnapshot;
using edgekit::MetricType;

TEST_CASE("MetricsSnapshot maps counters, gauges and histograms to OTel kinds", "[base]") {
  MetricsSnapshot snapshot;
  const MetricLabel hit[] = {{"result", "hit"}};
  const MetricLabel miss[] = {{"result", "miss"}};
  Metric c;
  c.name = "edgekit_cache_lookups_total";
  c.help = "Cache lookups";
  c.type = MetricType::kCounter;
  c.labels = hit;
  c.value = 10;
  snapshot.Visit(c);
  Metric g;
  g.name = "edgekit_cache_stored_bytes";
  g.help = "Bytes stored";
  g.type = MetricType::kGauge;
  g.value = 4096;
  snapshot.Visit(g);
  c.labels = miss;
  c.value = 3;
  snapshot.Visit(c);
  auto h = edgekit::Histogram::Create({0.1, 1}).value();
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(0.7);
  h->Visit(snapshot, "edgekit_origin_latency_seconds", "Origin latency");

  REQUIRE(snapshot.families().size() == 3);
  CHECK(snapshot.points() == 4);
  CHECK(snapshot.dropped() == 0);

  const MetricFamily& sum = snapshot.families()[0];
  CHECK(sum.name == "edgekit_cache_lookups");
  CHECK(sum.prometheus_name == "edgekit_cache_lookups_total");
  CHECK(sum.description == "Cache lookups");
  CHECK(sum.kind == MetricDataKind::kSum);
  CHECK(sum.monotonic);
  CHECK(sum.unit.empty());
  REQUIRE(sum.points.size() == 2);
  CHECK(sum.points[0].value == 10);
  REQUIRE(sum.points[0].attributes.size() == 1);
  CHECK(sum.points[0].attributes[0].key == "result");
  CHECK(sum.points[0].attributes[0].value == "hit");
  CHECK(sum.points[1].attributes[0].value == "miss");
  CHECK(sum.points[1].value == 3);

  const MetricFamily& gauge = snapshot.families()[1];
  CHECK(gauge.kind == MetricDataKind::kGauge);
  CHECK_FALSE(gauge.monotonic);
  CHECK(gauge.name == "edgekit_cache_stored_bytes");
  CHECK(gauge.unit == "By");

  const MetricFamily& hist = snapshot.families()[2];
  CHECK(hist.kind == MetricDataKind::kHistogram);
  CHECK(hist.unit == "s");
  REQUIRE(hist.points.size() == 1);
  CHECK(hist.points[0].explicit_bounds == std::vector<double>{0.1, 1});
  CHECK(hist.points[0].bucket_counts == std::vector<uint64_t>{1, 2, 0});
  CHECK(hist.points[0].count == 3);
  CHECK(hist.points[0].sum == Approx(1.25));

  CHECK(snapshot.Find("edgekit_cache_lookups") == &sum);
  CHECK(snapshot.Find("edgekit_cache_lookups_total") == &sum);
  CHECK(snapshot.Find("nope") == nullptr);
  CHECK(edgekit::ToString(MetricDataKind::kHistogram) == "histogram");
}

TEST_CASE("MetricsSnapshot drops conflicting types, bad histograms and points past the bound",
          "[base]") {
  MetricsSnapshot snapshot(/*max_points=*/2);
  Metric c;
  c.name = "x_total";
  c.type = MetricType::kCounter;
  snapshot.Visit(c);
  c.type = MetricType::kGauge;
  snapshot.Visit(c);  // other type
  Metric plain;
  plain.name = "x";  // collides with x_total's OpenTelemetry name
  plain.type = MetricType::kCounter;
  snapshot.Visit(plain);
  Metric h;
  h.name = "h";
  h.type = MetricType::kHistogram;
  snapshot.Visit(h);  // no sample
  Metric g;
  g.name = "g";
  g.type = MetricType::kGauge;
  snapshot.Visit(g);
  snapshot.Visit(g);  // third point: past the bound
  CHECK(snapshot.points() == 2);
  CHECK(snapshot.dropped() == 4);
}
