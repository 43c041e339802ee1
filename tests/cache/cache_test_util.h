// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_test_util.h
// -----------------------------------------------------------------------------
// Test helpers for edgekit::cache: owned header lists and a small harness that
// drives an HttpCache with a FakeClock.

#ifndef EDGEKIT_TESTS_CACHE_CACHE_TEST_UTIL_H_
#define EDGEKIT_TESTS_CACHE_CACHE_TEST_UTIL_H_

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "edgekit/base/random.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/http/http_date.h"
#include "edgekit/testing/fake_clock.h"

namespace cache_test {

namespace cache = edgekit::cache;
namespace http = edgekit::http;

// Header fields that own their strings.
class Fields {
 public:
  Fields() = default;
  Fields(std::initializer_list<std::pair<std::string, std::string>> f) : owned_(f) { Reindex(); }
  Fields(const Fields& o) : owned_(o.owned_) { Reindex(); }
  Fields& operator=(const Fields& o) {
    owned_ = o.owned_;
    Reindex();
    return *this;
  }
  Fields& Add(std::string n, std::string v) {
    owned_.emplace_back(std::move(n), std::move(v));
    Reindex();
    return *this;
  }
  http::HeaderView view() const { return http::HeaderView(views_); }

 private:
  void Reindex() {
    views_.clear();
    for (const auto& [n, v] : owned_) views_.push_back({n, v});
  }
  std::vector<std::pair<std::string, std::string>> owned_;
  std::vector<http::HeaderField> views_;
};

inline std::string Date(absl::Time t) { return http::FormatHttpDate(t); }

// A RandomSource whose draws the cache reads as `u` (XFetch uses u in
// (0, 1]: 1 - ToUnitInterval(draw)).
class FixedRandom final : public edgekit::RandomSource {
 public:
  explicit FixedRandom(double u) { Set(u); }
  void Set(double u) {
    const double x = 1.0 - u;  // ToUnitInterval(draw) == x
    draw_ = static_cast<uint64_t>(x * 9007199254740992.0) << 11;
  }
  uint64_t Next() override {
    draws_.fetch_add(1, std::memory_order_relaxed);
    return draw_;
  }
  uint64_t draws() const { return draws_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> draw_{0};
  std::atomic<uint64_t> draws_{0};
};

// A fresh directory, removed with its contents: under $EDGEKIT_TEST_DIR, else
// /dev/shm when `prefer_memory_fs` and it exists (the floods create hundreds
// of thousands of files), else $TMPDIR or /tmp.
class TempDir {
 public:
  explicit TempDir(bool prefer_memory_fs = false) {
    std::string base = "/tmp";
    if (const char* t = std::getenv("TMPDIR")) base = t;
    if (prefer_memory_fs && std::filesystem::is_directory("/dev/shm")) base = "/dev/shm";
    if (const char* e = std::getenv("EDGEKIT_TEST_DIR")) base = e;
    std::string templ = base + "/edgekit-cache-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Harness {
  edgekit::testing::FakeClock clock;
  explicit Harness(cache::HttpCacheOptions o = {}) {
    auto c = cache::HttpCache::Create(std::move(o), clock);
    cache = std::move(c).value();
  }
  absl::Time now() { return clock.SystemNow(); }

  cache::LookupResult Get(const std::string& uri, const Fields& req = {},
                          const std::string& method = "GET") {
    cache::CacheRequest r{method, uri, req.view()};
    return cache->Lookup(r, now());
  }
  // Stores an origin response received "now" for a request sent `delay` ago.
  cache::StoreResult Put(const std::string& uri, int status, const Fields& resp,
                         std::string body = "body", const Fields& req = {},
                         cache::CollapseTicket* ticket = nullptr, const std::string& method = "GET",
                         absl::Duration delay = absl::ZeroDuration()) {
    cache::CacheRequest r{method, uri, req.view()};
    return cache->Store(r, status, resp.view(), std::move(body), now() - delay, now(), ticket);
  }

  std::unique_ptr<cache::HttpCache> cache;
};

}  // namespace cache_test

#endif  // EDGEKIT_TESTS_CACHE_CACHE_TEST_UTIL_H_
