// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// The zero-copy host adapters against the plain-span HeaderView, on the
// header work of one request: Cache-Control parse, four lookups and a
// JWT-style Bearer token extraction (three dot-separated segments).
//
//   BM_Baseline_SpanHeaderView   the work over a std::vector<HeaderField>
//   BM_BeastFields               the same over Boost.Beast's request fields
//   BM_Nghttp2Nv                 the same over an nghttp2_nv array
//   BM_Baseline_CopyBeastToSpan  what a Beast host did before: copy the
//                                fields into a vector per request, then the
//                                span work (the allocations the adapter saves)
//   BM_TraceContext_*            traceparent extraction and child span
//
// Every benchmark reports `allocs_per_iter`: global operator new calls per
// iteration, counted by the replacement below. Build in Release.

#include <benchmark/benchmark.h>
#include <nghttp2/nghttp2.h>

#include <atomic>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "allocation_meter.h"
#include "edgekit/base/random.h"
#include "edgekit/http/beast_headers.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/nghttp2_headers.h"
#include "edgekit/http/trace_context.h"

namespace {

using edgekit_bench::AllocationMeter;
namespace http = edgekit::http;
namespace beast_http = boost::beast::http;

// A browser-like request with a bearer token; the looked-up fields sit at
// different depths.
const std::pair<std::string_view, std::string_view> kRequest[] = {
    {"host", "api.example.com"},
    {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"},
    {"accept", "application/json, text/plain, */*"},
    {"accept-encoding", "gzip, deflate, br"},
    {"accept-language", "en-US,en;q=0.9"},
    {"cache-control", "max-age=0, stale-if-error=60"},
    {"cookie", "session=4b2f8c; theme=dark"},
    {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
    {"x-forwarded-for", "203.0.113.7"},
    {"referer", "https://www.example.com/app"},
    {"authorization",
     "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxOTAwMDAwMDAwfQ."
     "c2lnbmF0dXJlLWJ5dGVzLWhlcmU"},
    {"if-none-match", "\"v42\""},
};

// The header work of one request. Returns something to keep.
size_t RequestWork(const http::HeaderView& headers) {
  size_t out = 0;
  const http::CacheControl cc = http::ParseCacheControl(headers);
  out += cc.max_age.has_value() ? 1 : 0;
  out += headers.Get("host").value_or("").size();
  out += headers.Get("accept-encoding").value_or("").size();
  out += headers.Contains("if-none-match") ? 1 : 0;
  // JWT-style extraction: "Bearer " then header.payload.signature.
  if (auto auth = headers.Get("authorization")) {
    if (auth->size() > 7 && http::EqualsIgnoreCase(auth->substr(0, 7), "Bearer ")) {
      const std::string_view token = auth->substr(7);
      const size_t dot1 = token.find('.');
      const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
      if (dot2 != std::string_view::npos) out += token.size() - dot2;
    }
  }
  return out;
}

std::vector<http::HeaderField> SpanFields() {
  std::vector<http::HeaderField> fields;
  for (const auto& [n, v] : kRequest) fields.push_back({n, v});
  return fields;
}

beast_http::request<beast_http::empty_body> BeastRequest() {
  beast_http::request<beast_http::empty_body> req{beast_http::verb::get, "/v1/items", 11};
  for (const auto& [n, v] : kRequest) {
    req.insert(boost::beast::string_view(n.data(), n.size()),
               boost::beast::string_view(v.data(), v.size()));
  }
  return req;
}

std::vector<nghttp2_nv> Nghttp2Request() {
  static const std::pair<std::string_view, std::string_view> kPseudo[] = {
      {":method", "GET"},
      {":scheme", "https"},
      {":authority", "api.example.com"},
      {":path", "/v1/items"}};
  std::vector<nghttp2_nv> nva;
  auto add = [&nva](std::string_view n, std::string_view v) {
    nghttp2_nv nv;
    nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(n.data()));
    nv.namelen = n.size();
    nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(v.data()));
    nv.valuelen = v.size();
    nv.flags = NGHTTP2_NV_FLAG_NONE;
    nva.push_back(nv);
  };
  for (const auto& [n, v] : kPseudo) add(n, v);
  for (const auto& [n, v] : kRequest) add(n, v);
  return nva;
}

void BM_Baseline_SpanHeaderView(benchmark::State& state) {
  const std::vector<http::HeaderField> fields = SpanFields();
  AllocationMeter meter(state);
  for (auto _ : state) {
    const http::HeaderView headers(fields);
    benchmark::DoNotOptimize(RequestWork(headers));
  }
}
BENCHMARK(BM_Baseline_SpanHeaderView);

void BM_BeastFields(benchmark::State& state) {
  const auto req = BeastRequest();
  AllocationMeter meter(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(RequestWork(http::FieldsOf(req)));
  }
}
BENCHMARK(BM_BeastFields);

void BM_Nghttp2Nv(benchmark::State& state) {
  const std::vector<nghttp2_nv> nva = Nghttp2Request();
  AllocationMeter meter(state);
  for (auto _ : state) {
    const http::Nghttp2Headers fields(nva.data(), nva.size());
    benchmark::DoNotOptimize(RequestWork(http::HeaderView(fields)));
  }
}
BENCHMARK(BM_Nghttp2Nv);

void BM_Baseline_CopyBeastToSpan(benchmark::State& state) {
  const auto req = BeastRequest();
  AllocationMeter meter(state);
  for (auto _ : state) {
    std::vector<http::HeaderField> copy;
    for (const auto& f : req) {
      copy.push_back({std::string_view(f.name_string().data(), f.name_string().size()),
                      std::string_view(f.value().data(), f.value().size())});
    }
    benchmark::DoNotOptimize(RequestWork(http::HeaderView(copy)));
  }
}
BENCHMARK(BM_Baseline_CopyBeastToSpan);

// Trace context at the edge: read traceparent/tracestate from Beast's fields,
// make the edge's child span and format it. The floor copies the 55 bytes of
// the incoming value into an outgoing buffer after the same lookup.
void BM_Baseline_TraceParentLookupAndCopy(benchmark::State& state) {
  const auto req = BeastRequest();
  AllocationMeter meter(state);
  char out[http::kTraceParentLength];
  for (auto _ : state) {
    const auto v = http::FieldsOf(req).Get("traceparent");
    if (v && v->size() == sizeof out) std::memcpy(out, v->data(), sizeof out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Baseline_TraceParentLookupAndCopy);

void BM_TraceContext_ExtractAndChild(benchmark::State& state) {
  const auto req = BeastRequest();
  edgekit::SplitMix64 random(1);
  AllocationMeter meter(state);
  for (auto _ : state) {
    const http::TraceContext tc = http::ExtractTraceContext(http::FieldsOf(req));
    const http::TraceParent child = http::ChildTraceParent(tc.traceparent, random);
    const http::TraceParentText text = http::FormatTraceParent(child);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_TraceContext_ExtractAndChild);

}  // namespace
