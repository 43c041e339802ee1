// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::http keeps no shared mutable state: parsers are pure and a const
// HeaderMap (e.g. a cached response) may be read from many threads at once.
// Run under TSan in CI; assertions are made on the main thread only.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/http/cache_control.h"
#include "edgekit/http/cache_status.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/http_date.h"
#include "edgekit_catch.h"

TEST_CASE("Parsers and a shared const HeaderMap are safe from many threads",
          "[http][concurrency]") {
  edgekit::http::HeaderMap shared;
  shared.Add("Cache-Control", "public, max-age=60, no-cache=\"Set-Cookie\"");
  shared.Add("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
  shared.Add("Vary", "Accept-Encoding, Accept-Language");
  constexpr int kThreads = 4;
  constexpr int kIterations = 500;
  std::vector<int> failures(kThreads, 0);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const edgekit::http::HeaderMap& m = shared;
      for (int i = 0; i < kIterations; ++i) {
        const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(m.view());
        if (cc.max_age != absl::Seconds(60) || cc.no_cache_fields.size() != 1) ++failures[t];
        if (edgekit::http::ParseHttpDate(*m.Get("date")) != absl::FromUnixSeconds(784111777)) {
          ++failures[t];
        }
        int members = 0;
        m.ForEachListMember("vary", [&](std::string_view) { ++members; });
        if (members != 2) ++failures[t];
        edgekit::http::HeaderMap copy(m.view());
        copy.Set("Age", std::to_string(i));
        edgekit::http::CacheStatusEntry e;
        e.cache_name = "edge";
        e.ttl_seconds = i;
        if (edgekit::http::FormatCacheStatus(e) != "edge;ttl=" + std::to_string(i)) ++failures[t];
      }
    });
  }
  go.store(true, std::memory_order_release);
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(failures[t] == 0);
}
