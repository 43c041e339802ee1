// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Benchmarks of edgekit::http hot paths, each beside its baseline:
//   BM_Baseline_ScanBytes   counts commas over the same Cache-Control bytes
//   BM_CacheControlParse    parses them (RFC 9111 §5.2)
//   BM_TargetedCacheControlParse  the RFC 9213 (RFC 8941 Dictionary) path
//   BM_Baseline_CopyDate / BM_HttpDateParse / BM_HttpDateFormat
//   BM_CacheStatusFormat    one RFC 9211 member
//   BM_HeaderViewGet / BM_HeaderViewForEachListMember
// Build in Release.

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/cache_status.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/http_date.h"
#include "edgekit/http/structured_fields.h"

namespace {

namespace http = edgekit::http;

// Typical response values: short, CDN-style, and one with a field list.
const std::string_view kCacheControl[] = {
    "public, max-age=3600",
    "max-age=600, s-maxage=86400, stale-while-revalidate=30, stale-if-error=1200, public",
    "private, no-cache=\"Set-Cookie\", must-revalidate, max-age=0",
};

void BM_Baseline_ScanBytes(benchmark::State& state) {
  const std::string_view v = kCacheControl[state.range(0)];
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    size_t commas = 0;
    for (char c : v) commas += c == ',' ? 1 : 0;
    benchmark::DoNotOptimize(commas);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_Baseline_ScanBytes)->DenseRange(0, 2);

void BM_CacheControlParse(benchmark::State& state) {
  const std::string_view v = kCacheControl[state.range(0)];
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    http::CacheControl cc = http::ParseCacheControl(v);
    benchmark::DoNotOptimize(cc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_CacheControlParse)->DenseRange(0, 2);

void BM_TargetedCacheControlParse(benchmark::State& state) {
  const std::string_view v = kCacheControl[1];
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    auto cc = http::ParseTargetedCacheControl(v);
    benchmark::DoNotOptimize(cc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * v.size()));
}
BENCHMARK(BM_TargetedCacheControlParse);

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

void BM_Baseline_CopyDate(benchmark::State& state) {
  char buf[http::kHttpDateSize];
  for (auto _ : state) {
    benchmark::DoNotOptimize(kDate.data());
    std::memcpy(buf, kDate.data(), sizeof(buf));
    benchmark::DoNotOptimize(buf);
  }
}
BENCHMARK(BM_Baseline_CopyDate);

void BM_HttpDateParse(benchmark::State& state) {
  const std::string_view forms[] = {kDate, "Sunday, 06-Nov-94 08:49:37 GMT",
                                    "Sun Nov  6 08:49:37 1994"};
  const std::string_view v = forms[state.range(0)];
  for (auto _ : state) {
    benchmark::DoNotOptimize(v.data());
    auto t = http::ParseHttpDate(v);
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_HttpDateParse)->DenseRange(0, 2);

void BM_HttpDateFormat(benchmark::State& state) {
  absl::Time t = absl::FromUnixSeconds(1795000000);
  char buf[http::kHttpDateSize];
  for (auto _ : state) {
    benchmark::DoNotOptimize(t);
    std::string_view s = http::FormatHttpDate(t, buf);
    benchmark::DoNotOptimize(s);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_HttpDateFormat);

void BM_HttpDateFormatString(benchmark::State& state) {
  absl::Time t = absl::FromUnixSeconds(1795000000);
  for (auto _ : state) {
    benchmark::DoNotOptimize(t);
    std::string s = http::FormatHttpDate(t);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_HttpDateFormatString);

void BM_Baseline_AbslFormatTime(benchmark::State& state) {
  absl::Time t = absl::FromUnixSeconds(1795000000);
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (auto _ : state) {
    benchmark::DoNotOptimize(t);
    std::string s = absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", t, utc);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_Baseline_AbslFormatTime);

void BM_Baseline_StringAppend(benchmark::State& state) {
  // Building a string of the same length as the Cache-Status member below.
  const std::string_view text = "ExampleCache;fwd=uri-miss;fwd-status=200;ttl=376;stored";
  for (auto _ : state) {
    std::string s;
    s.append(text.data(), text.size());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_Baseline_StringAppend);

void BM_CacheStatusFormat(benchmark::State& state) {
  http::CacheStatusEntry e;
  e.cache_name = "ExampleCache";
  e.fwd = http::CacheStatusEntry::Fwd::kUriMiss;
  e.fwd_status = 200;
  e.ttl_seconds = 376;
  e.stored = true;
  for (auto _ : state) {
    std::string s = http::FormatCacheStatus(e);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CacheStatusFormat);

std::vector<http::HeaderField> TypicalResponse() {
  return {{"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
          {"Content-Type", "text/html; charset=utf-8"},
          {"Content-Length", "1234"},
          {"Vary", "Accept-Encoding"},
          {"vary", "Accept-Language, Cookie"},
          {"Set-Cookie", "a=1"},
          {"ETag", "\"abc\""},
          {"Cache-Control", "public, max-age=3600"}};
}

void BM_HeaderViewGet(benchmark::State& state) {
  const std::vector<http::HeaderField> fields = TypicalResponse();
  const http::HeaderView view(fields);
  for (auto _ : state) {
    auto v = view.Get("cache-control");  // the last field: a full scan
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_HeaderViewGet);

void BM_HeaderViewForEachListMember(benchmark::State& state) {
  const std::vector<http::HeaderField> fields = TypicalResponse();
  const http::HeaderView view(fields);
  for (auto _ : state) {
    size_t n = 0;
    view.ForEachListMember("VARY", [&](std::string_view m) { n += m.size(); });
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_HeaderViewForEachListMember);

}  // namespace
