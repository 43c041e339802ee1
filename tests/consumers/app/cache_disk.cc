// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::cache_disk alone: a response stored through a DiskStore survives the
// store's restart (the index is rebuilt from the files) and is served fresh.
#include <stdlib.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/cache/disk_store.h"
#include "edgekit/cache/http_cache.h"

namespace cache = edgekit::cache;

namespace {

std::unique_ptr<cache::HttpCache> OpenCache(const std::string& dir, Checks& checks) {
  cache::DiskStoreOptions disk;
  disk.directory = dir;
  auto store = cache::DiskStore::Create(disk);
  checks.Expect(store.ok(), "DiskStore::Create");
  if (!store.ok()) return nullptr;
  cache::HttpCacheOptions options;
  options.store = std::move(*store);
  auto created = cache::HttpCache::Create(std::move(options));
  checks.Expect(created.ok(), "HttpCache::Create");
  return created.ok() ? std::move(*created) : nullptr;
}

}  // namespace

int main() {
  Checks checks("cache_disk");
  char tmpl[] = "/tmp/edgekit-cache-disk-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  checks.Expect(dir != nullptr, "mkdtemp");
  if (dir == nullptr) return checks.ExitCode();
  const std::vector<edgekit::http::HeaderField> no_fields;
  const cache::CacheRequest req{"GET", "https://example.com/a", no_fields};
  const absl::Time t0 = absl::FromUnixSeconds(1700000000);
  {
    auto c = OpenCache(dir, checks);
    if (c == nullptr) return checks.ExitCode();
    cache::LookupResult miss = c->Lookup(req, t0);
    checks.Expect(miss.action == cache::LookupAction::kFetch, "first lookup misses");
    const std::vector<edgekit::http::HeaderField> origin = {
        {"Cache-Control", "max-age=60"}, {"Date", "Tue, 14 Nov 2023 22:13:20 GMT"}};
    c->Store(req, 200, origin, "hello", t0, t0, &miss.ticket);
  }
  auto reopened = OpenCache(dir, checks);
  if (reopened == nullptr) return checks.ExitCode();
  const cache::LookupResult hit = reopened->Lookup(req, t0 + absl::Seconds(10));
  checks.Expect(hit.action == cache::LookupAction::kServeFresh, "fresh hit after a restart");
  (void)system((std::string("rm -rf ") + dir).c_str());
  return checks.ExitCode();
}
