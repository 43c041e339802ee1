// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::cache alone: a miss, the origin's response stored, then a fresh hit
// (RFC 9111 §4.2: max-age=60, looked up 10 s later).
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/cache/http_cache.h"

namespace cache = edgekit::cache;

int main() {
  Checks checks("cache");
  auto created = cache::HttpCache::Create(cache::HttpCacheOptions());
  checks.Expect(created.ok(), "Create");
  if (!created.ok()) return checks.ExitCode();
  cache::HttpCache& c = **created;
  const std::vector<edgekit::http::HeaderField> no_fields;
  const cache::CacheRequest req{"GET", "https://example.com/a", no_fields};
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  cache::LookupResult miss = c.Lookup(req, t0);
  checks.Expect(miss.action == cache::LookupAction::kFetch, "first lookup misses");
  const std::vector<edgekit::http::HeaderField> origin = {
      {"Cache-Control", "max-age=60"}, {"Date", "Tue, 14 Nov 2023 22:13:20 GMT"}};
  c.Store(req, 200, origin, "hello", t0, t0, &miss.ticket);
  const cache::LookupResult hit = c.Lookup(req, t0 + absl::Seconds(10));
  checks.Expect(hit.action == cache::LookupAction::kServeFresh, "fresh hit 10 s later");
  return checks.ExitCode();
}
