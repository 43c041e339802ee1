// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// observability_example: what a host wires once to see an edge tier.
//
//   1. Trace context: read `traceparent` / `tracestate` from a request, send
//      the origin a child span, add this edge's own tracestate member.
//   2. Event hooks: log breaker transitions through an observer.
//   3. Metrics: two breakers (one per region) and an origin-latency histogram
//      reported through one visitor, labelled per instance, written as
//      Prometheus text (what /metrics serves) and collected into the
//      OpenTelemetry-shaped snapshot an OTel exporter takes.
//
// Time and the origin are simulated, so the program runs instantly.

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/base/histogram.h"
#include "edgekit/base/metrics_snapshot.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/base/random.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/trace_context.h"

namespace eb = edgekit::breaker;
namespace http = edgekit::http;

namespace {

int Len(std::string_view s) { return static_cast<int>(s.size()); }

class LogTransitions final : public eb::CircuitBreakerObserver {
 public:
  void OnStateChange(const eb::StateChange& c) override {
    std::printf("event: breaker %.*s %.*s -> %.*s (%.*s)\n", Len(c.breaker_name),
                c.breaker_name.data(), Len(ToString(c.from)), ToString(c.from).data(),
                Len(ToString(c.to)), ToString(c.to).data(), Len(ToString(c.reason)),
                ToString(c.reason).data());
  }
};

}  // namespace

int main() {
  // 1. Trace context. The request as the host's server parsed it.
  const std::vector<http::HeaderField> request = {
      {"host", "api.example.com"},
      {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
      {"tracestate", "congo=t61rcWkgMzE"},
  };
  edgekit::SplitMix64 random(/*seed=*/2026);  // hosts keep one per process
  http::TraceContext incoming = http::ExtractTraceContext(request);
  const http::TraceParent span = http::ChildTraceParent(incoming.traceparent, random);
  http::HeaderMap upstream;  // the request to the origin
  upstream.Set("traceparent", http::FormatTraceParent(span).view());
  if (incoming.traceparent.ok()) {
    if (!incoming.tracestate.Set("edge", http::ToHex(span.parent_id)).ok()) return 1;
    upstream.Set("tracestate", incoming.tracestate.Serialize());
  }
  std::printf("incoming traceparent: %.*s\n", Len(ToString(incoming.traceparent.status)),
              ToString(incoming.traceparent.status).data());
  for (const http::HeaderField& f : upstream) {
    std::printf("to origin: %.*s: %.*s\n", Len(f.name), f.name.data(), Len(f.value),
                f.value.data());
  }

  // 2. Event hooks: one observer for both breakers.
  LogTransitions log;
  eb::CircuitBreakerOptions options;
  options.window_size = 10;
  options.minimum_calls = 10;
  options.wait_jitter = 0;
  options.observer = &log;
  options.name = "origin-eu";
  auto eu = eb::CircuitBreaker::Create(options).value();
  options.name = "origin-us";
  auto us = eb::CircuitBreaker::Create(options).value();
  edgekit::Histogram latency;  // seconds, 0.5 ms .. 10 s

  const absl::Time start = absl::UnixEpoch() + absl::Hours(1);
  for (int i = 0; i < 40; ++i) {
    const absl::Time now = start + absl::Milliseconds(100 * i);
    for (eb::CircuitBreaker* b : {eu.get(), us.get()}) {
      eb::Permit permit = b->TryAcquire(now);
      if (!permit) continue;
      const bool us_down = b == us.get() && i >= 20;  // the US origin fails after 2 s
      const absl::Duration took = absl::Milliseconds(us_down ? 3 : 20 + i % 7);
      latency.Observe(took);
      permit.Record(us_down ? eb::Outcome::kFailure : eb::Outcome::kSuccess, took);
    }
  }

  // 3. Metrics: one visitor, instance labels added on the way.
  edgekit::PrometheusTextWriter prometheus;
  const edgekit::MetricLabel eu_label[] = {{"origin", "eu"}};
  const edgekit::MetricLabel us_label[] = {{"origin", "us"}};
  edgekit::LabelingVisitor eu_visitor(prometheus, eu_label);
  edgekit::LabelingVisitor us_visitor(prometheus, us_label);
  eu->VisitMetrics(eu_visitor);
  us->VisitMetrics(us_visitor);
  latency.Visit(prometheus, "edgekit_example_origin_latency_seconds", "Origin response latency");
  const std::string text = prometheus.Text();
  std::printf("\n/metrics (%zu families, %llu samples):\n", prometheus.families(),
              static_cast<unsigned long long>(prometheus.samples()));
  for (size_t pos = 0; pos < text.size();) {  // the breaker state and the histogram only
    const size_t end = text.find('\n', pos);
    const std::string_view line(text.data() + pos, end - pos);
    if (line.find("breaker_state") != std::string_view::npos ||
        line.find("latency_seconds") != std::string_view::npos) {
      std::printf("  %.*s\n", Len(line), line.data());
    }
    pos = end + 1;
  }

  edgekit::MetricsSnapshot otel;
  edgekit::LabelingVisitor eu_otel(otel, eu_label);
  eu->VisitMetrics(eu_otel);
  latency.Visit(otel, "edgekit_example_origin_latency_seconds", "Origin response latency");
  std::printf("\nOpenTelemetry shape:\n");
  for (const edgekit::MetricFamily& f : otel.families()) {
    std::printf("  %-42s %-9.*s unit=%-2s points=%zu%s\n", f.name.c_str(), Len(ToString(f.kind)),
                ToString(f.kind).data(), f.unit.c_str(), f.points.size(),
                f.monotonic ? " monotonic" : "");
  }
  return 0;
}
