// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the Prometheus text writer (exposition format 0.0.4) and
// LabelingVisitor: every expected exposition is compared line by line.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "edgekit/base/histogram.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/base/random.h"
#include "edgekit_catch.h"

namespace {

using edgekit::LabelingVisitor;
using edgekit::Metric;
using edgekit::MetricLabel;
using edgekit::MetricType;
using edgekit::PrometheusTextWriter;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  REQUIRE(!lines.empty());
  CHECK(lines.back().empty());  // the text ends with a newline
  lines.pop_back();
  return lines;
}

Metric Counter(std::string_view name, double value, absl::Span<const MetricLabel> labels = {},
               std::string_view help = "") {
  Metric m;
  m.name = name;
  m.help = help;
  m.type = MetricType::kCounter;
  m.labels = labels;
  m.value = value;
  return m;
}

}  // namespace

TEST_CASE("Prometheus writer: HELP and TYPE once per family, samples grouped", "[base]") {
  PrometheusTextWriter writer;
  const MetricLabel hit[] = {{"result", "hit"}};
  const MetricLabel miss[] = {{"result", "miss"}};
  writer.Visit(Counter("edgekit_cache_lookups_total", 10, hit, "Cache lookups by result"));
  Metric gauge;
  gauge.name = "edgekit_cache_entries";
  gauge.help = "Entries stored";
  gauge.type = MetricType::kGauge;
  gauge.value = 3;
  writer.Visit(gauge);
  // A second sample of the first family, in a later Visit call.
  writer.Visit(Counter("edgekit_cache_lookups_total", 4, miss, "ignored: first help wins"));
  CHECK(Lines(writer.Text()) == std::vector<std::string>{
                                    "# HELP edgekit_cache_lookups_total Cache lookups by result",
                                    "# TYPE edgekit_cache_lookups_total counter",
                                    "edgekit_cache_lookups_total{result=\"hit\"} 10",
                                    "edgekit_cache_lookups_total{result=\"miss\"} 4",
                                    "# HELP edgekit_cache_entries Entries stored",
                                    "# TYPE edgekit_cache_entries gauge",
                                    "edgekit_cache_entries 3",
                                });
  CHECK(writer.families() == 2);
  CHECK(writer.samples() == 3);
  CHECK(writer.dropped() == 0);
}

TEST_CASE("Prometheus writer: escaping of label values and HELP text", "[base]") {
  PrometheusTextWriter writer;
  const MetricLabel labels[] = {{"path", "a\\b\"c\nd"}, {"empty", ""}};
  writer.Visit(Counter("x_total", 1, labels, "line one\nback\\slash \"quoted\""));
  // Label values escape \ " and newline; HELP escapes \ and newline only.
  CHECK(Lines(writer.Text()) == std::vector<std::string>{
                                    "# HELP x_total line one\\nback\\\\slash \"quoted\"",
                                    "# TYPE x_total counter",
                                    "x_total{path=\"a\\\\b\\\"c\\nd\",empty=\"\"} 1",
                                });
}

TEST_CASE("Prometheus writer: no HELP line without help text", "[base]") {
  PrometheusTextWriter writer;
  writer.Visit(Counter("y_total", 2));
  CHECK(Lines(writer.Text()) == std::vector<std::string>{"# TYPE y_total counter", "y_total 2"});
}

TEST_CASE("Prometheus writer: values", "[base]") {
  auto text = [](double v) {
    std::string out;
    edgekit::AppendPrometheusValue(v, out);
    return out;
  };
  CHECK(text(0) == "0");
  CHECK(text(-0.0) == "0");
  CHECK(text(1e6) == "1000000");
  CHECK(text(9007199254740992.0) == "9007199254740992");
  CHECK(text(0.25) == "0.25");
  CHECK(text(0.1) == "0.1");
  CHECK(text(-1.5) == "-1.5");
  CHECK(text(1e300) == "1e+300");
  // Go's 'g' layout, as Prometheus' own clients write `le` values.
  CHECK(text(0.0005) == "0.0005");
  CHECK(text(0.00005) == "5e-05");
  CHECK(text(-0.0025) == "-0.0025");
  CHECK(text(123456.75) == "123456.75");
  CHECK(text(1234567.5) == "1.2345675e+06");
  CHECK(text(1.0 / 3) == "0.3333333333333333");
  CHECK(text(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(text(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(text(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("Prometheus writer: every finite value reads back exactly", "[base]") {
  edgekit::SplitMix64 random(99);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t bits = random.Next();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    if (i % 3 == 0) v = std::ldexp(static_cast<double>(bits >> 40), -static_cast<int>(i % 40));
    std::string out;
    edgekit::AppendPrometheusValue(v, out);
    INFO(out);
    CHECK(out.find_first_not_of("0123456789.e+-") == std::string::npos);
    CHECK(std::strtod(out.c_str(), nullptr) == v);
  }
}

TEST_CASE("Prometheus writer: histograms are cumulative with +Inf, _sum and _count", "[base]") {
  PrometheusTextWriter writer;
  const double bounds[] = {0.1, 0.5, 1};
  const uint64_t counts[] = {2, 0, 3, 1};  // per bucket, last is above 1
  edgekit::HistogramSample h;
  h.upper_bounds = bounds;
  h.bucket_counts = counts;
  h.count = 6;
  h.sum = 4.25;
  const MetricLabel labels[] = {{"origin", "eu"}};
  Metric m;
  m.name = "edgekit_origin_latency_seconds";
  m.help = "Origin latency";
  m.type = MetricType::kHistogram;
  m.labels = labels;
  m.histogram = &h;
  writer.Visit(m);
  CHECK(Lines(writer.Text()) ==
        std::vector<std::string>{
            "# HELP edgekit_origin_latency_seconds Origin latency",
            "# TYPE edgekit_origin_latency_seconds histogram",
            "edgekit_origin_latency_seconds_bucket{origin=\"eu\",le=\"0.1\"} 2",
            "edgekit_origin_latency_seconds_bucket{origin=\"eu\",le=\"0.5\"} 2",
            "edgekit_origin_latency_seconds_bucket{origin=\"eu\",le=\"1\"} 5",
            "edgekit_origin_latency_seconds_bucket{origin=\"eu\",le=\"+Inf\"} 6",
            "edgekit_origin_latency_seconds_sum{origin=\"eu\"} 4.25",
            "edgekit_origin_latency_seconds_count{origin=\"eu\"} 6",
        });
}

TEST_CASE("Prometheus writer: an edgekit::Histogram without labels", "[base]") {
  auto h = edgekit::Histogram::Create({1, 2}).value();
  h->Observe(0.5);
  h->Observe(2);
  h->Observe(7);
  PrometheusTextWriter writer;
  h->Visit(writer, "h", "");
  CHECK(Lines(writer.Text()) == std::vector<std::string>{
                                    "# TYPE h histogram",
                                    "h_bucket{le=\"1\"} 1",
                                    "h_bucket{le=\"2\"} 2",
                                    "h_bucket{le=\"+Inf\"} 3",
                                    "h_sum 9.5",
                                    "h_count 3",
                                });
}

TEST_CASE("Prometheus writer: samples the format cannot carry are dropped", "[base]") {
  PrometheusTextWriter writer;
  const MetricLabel dup[] = {{"a", "1"}, {"a", "2"}};
  const MetricLabel reserved[] = {{"__name__", "x"}};
  const MetricLabel bad_name[] = {{"9a", "x"}};
  const MetricLabel bad_utf8[] = {{"a", "\xff"}};
  const MetricLabel le[] = {{"le", "1"}};
  writer.Visit(Counter("ok_total", 1));
  writer.Visit(Counter("", 1));
  writer.Visit(Counter("1abc", 1));
  writer.Visit(Counter("has-dash", 1));
  writer.Visit(Counter("d_total", 1, dup));
  writer.Visit(Counter("d_total", 1, reserved));
  writer.Visit(Counter("d_total", 1, bad_name));
  writer.Visit(Counter("d_total", 1, bad_utf8));
  Metric g;
  g.name = "ok_total";  // same family, other type
  g.type = MetricType::kGauge;
  writer.Visit(g);
  Metric h;
  h.name = "hist";
  h.type = MetricType::kHistogram;  // no sample
  writer.Visit(h);
  const double unsorted[] = {2, 1};
  const uint64_t counts[] = {0, 0, 0};
  edgekit::HistogramSample hs;
  hs.upper_bounds = unsorted;
  hs.bucket_counts = counts;
  h.histogram = &hs;
  writer.Visit(h);
  const double bounds[] = {1, 2};
  const uint64_t short_counts[] = {0, 0};
  hs.upper_bounds = bounds;
  hs.bucket_counts = short_counts;
  writer.Visit(h);
  hs.bucket_counts = counts;
  h.labels = le;
  writer.Visit(h);
  CHECK(writer.dropped() == 12);
  CHECK(Lines(writer.Text()) == std::vector<std::string>{"# TYPE ok_total counter", "ok_total 1"});
  // Label names may use colons in metric names only; this one is fine.
  writer.Visit(Counter("ns:metric_total", 1));
  CHECK(writer.dropped() == 12);
}

TEST_CASE("Prometheus writer: the byte bound drops whole samples", "[base]") {
  PrometheusTextWriter writer(/*max_bytes=*/64);
  writer.Visit(Counter("a_total", 1));  // "# TYPE a_total counter\na_total 1\n" = 33 bytes
  writer.Visit(Counter("a_total", 2));  // + 10 = 43
  writer.Visit(Counter("b_total", 3));  // + 33 > 64: dropped
  writer.Visit(Counter("a_total", 4));  // + 10 = 53
  CHECK(writer.dropped() == 1);
  const std::string text = writer.Text();
  CHECK(text.size() == 53);
  CHECK(Lines(text) ==
        std::vector<std::string>{"# TYPE a_total counter", "a_total 1", "a_total 2", "a_total 4"});
  writer.Clear();
  CHECK(writer.Text().empty());
  CHECK(writer.families() == 0);
  CHECK(writer.dropped() == 0);
}

TEST_CASE("LabelingVisitor adds constant labels before the sample's own", "[base]") {
  PrometheusTextWriter writer;
  std::string instance = "edge";
  const MetricLabel constant[] = {{"cache", instance}};
  LabelingVisitor edge(writer, constant);
  instance = "changed";  // the visitor copied the labels
  const MetricLabel hit[] = {{"result", "hit"}};
  edge.Visit(Counter("lookups_total", 5, hit));
  const MetricLabel shield_labels[] = {{"cache", "shield"}};
  LabelingVisitor shield(writer, shield_labels);
  shield.Visit(Counter("lookups_total", 7, hit));
  shield.Visit(Counter("lookups_total", 1, shield_labels));  // duplicate label: dropped
  CHECK(writer.dropped() == 1);
  CHECK(Lines(writer.Text()) == std::vector<std::string>{
                                    "# TYPE lookups_total counter",
                                    "lookups_total{cache=\"edge\",result=\"hit\"} 5",
                                    "lookups_total{cache=\"shield\",result=\"hit\"} 7",
                                });
}
