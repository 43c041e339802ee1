// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis_cache alone (it brings edgekit::redis and edgekit::cache),
// without a server: another node's purge message removes the stored response;
// a purge while Redis is away still purges locally and reports the failure.
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/messages.h"
#include "edgekit/redis/purge_sync.h"

namespace cache = edgekit::cache;
namespace redis = edgekit::redis;

int main() {
  Checks checks("redis_cache");
  redis::ClientOptions client_options;
  client_options.endpoints = {{"127.0.0.1", 1}};  // nothing listens on tcpmux
  client_options.connect_timeout = absl::Milliseconds(200);
  absl::StatusOr<std::shared_ptr<redis::Client>> client = redis::Client::Create(client_options);
  auto created = cache::HttpCache::Create(cache::HttpCacheOptions());
  checks.Expect(client.ok() && created.ok(), "client and cache");
  if (!client.ok() || !created.ok()) return checks.ExitCode();
  std::shared_ptr<cache::HttpCache> http_cache = std::move(*created);
  redis::PurgeSyncOptions options;
  checks.Expect(!redis::PurgeSync::Create(options, *client, http_cache).ok(),
                "empty node id refused");
  options.node_id = "edge-1";
  auto purges = redis::PurgeSync::Create(options, *client, http_cache);
  checks.Expect(purges.ok(), "Create");
  if (!purges.ok()) return checks.ExitCode();

  const std::vector<edgekit::http::HeaderField> no_fields;
  const std::vector<edgekit::http::HeaderField> origin = {{"Cache-Control", "max-age=60"}};
  const absl::Time t0 = absl::Now();
  auto store = [&](const char* url) {
    const cache::CacheRequest req{"GET", url, no_fields};
    cache::LookupResult miss = http_cache->Lookup(req, t0);
    http_cache->Store(req, 200, origin, "hello", t0, t0, &miss.ticket);
    return req;
  };
  const cache::CacheRequest a = store("https://example.com/a");
  redis::PurgeMessage message;
  message.node_id = "edge-2";
  message.value = "https://example.com/a";
  checks.Expect((*purges)->Apply(redis::FormatPurgeMessage(message)) == 1,
                "another node's purge applied");
  checks.Expect(http_cache->Lookup(a, t0).action == cache::LookupAction::kFetch, "entry gone");
  const cache::CacheRequest b = store("https://example.com/b");
  checks.Expect(!(*purges)->PurgeUrl("https://example.com/b").ok(), "PurgeUrl reports Redis away");
  checks.Expect(http_cache->Lookup(b, t0).action == cache::LookupAction::kFetch,
                "local purge happened");
  return checks.ExitCode();
}
