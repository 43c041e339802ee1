// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// A host streaming a miss through edgekit::cache (docs/cache.md):
//   1. a request misses; the host leads the fetch, and a second request for
//      the same URL collapses onto it;
//   2. the origin's fields arrive: BeginStore opens a streamed insert and
//      releases the follower, which reads the object as it fills;
//   3. each origin chunk is appended to the insert while it is "sent" to the
//      first client; Commit completes the object;
//   4. a third request is a hit, sent without building a HeaderMap, and a
//      fourth asks for a byte range, which the library answers.
// The origin and the clients are simulated in-process so the program runs
// anywhere; a real host does the same calls around its sockets. With a
// directory argument, objects go to a disk store behind memory (they survive
// a restart: run it twice with the same directory).
//
// Build: cmake --build build --target edgekit_cache_example
// Run:   build/examples/edgekit_cache_example [cache-directory]
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/cache/disk_store.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/memory_store.h"
#include "edgekit/cache/tiered_store.h"

namespace cache = edgekit::cache;
namespace http = edgekit::http;

namespace {

// A client connection: prints what would go on the wire.
struct Client {
  std::string name;
  size_t body_bytes = 0;
  void Status(int status) { std::printf("[%s] HTTP/1.1 %d\n", name.c_str(), status); }
  void Field(std::string_view n, std::string_view v) {
    std::printf("[%s]   %.*s: %.*s\n", name.c_str(), static_cast<int>(n.size()), n.data(),
                static_cast<int>(v.size()), v.data());
  }
  void Body(std::string_view bytes) { body_bytes += bytes.size(); }
};

// Sends whatever `reader` has now; returns false once the body is done (or
// broken: a real host closes the connection instead of ending the response).
bool Pump(Client& client, cache::BodyReader& reader) {
  cache::BodyChunk chunk;
  for (;;) {
    switch (reader.Next(&chunk)) {
      case cache::BodyStatus::kOk:
        client.Body(chunk.view());  // the chunk's bytes are shared, not copied
        continue;
      case cache::BodyStatus::kPending:
        return true;  // wait: reader.OnReadable(...) in an event loop
      case cache::BodyStatus::kEnd:
        std::printf("[%s] body complete, %zu bytes\n", client.name.c_str(), client.body_bytes);
        return false;
      default:
        std::printf("[%s] origin failed: abort the connection\n", client.name.c_str());
        return false;
    }
  }
}

std::shared_ptr<cache::CacheStore> MakeStore(const char* directory) {
  cache::MemoryStoreOptions m;
  m.max_bytes = size_t{64} << 20;
  std::shared_ptr<cache::CacheStore> memory = cache::MemoryStore::Create(m).value();
  if (directory == nullptr) return memory;
  cache::DiskStoreOptions d;
  d.directory = directory;
  d.max_bytes = uint64_t{1} << 30;
  auto disk = cache::DiskStore::Create(d);
  if (!disk.ok()) {
    std::fprintf(stderr, "disk store: %s\n", std::string(disk.status().message()).c_str());
    return memory;
  }
  std::printf("disk store: %llu objects back from %s\n",
              static_cast<unsigned long long>((*disk)->recovery().loaded), directory);
  return cache::TieredStore::Create(memory, *std::move(disk)).value();
}

}  // namespace

int main(int argc, char** argv) {
  cache::HttpCacheOptions options;
  options.store = MakeStore(argc > 1 ? argv[1] : nullptr);
  std::unique_ptr<cache::HttpCache> c = cache::HttpCache::Create(options).value();

  const std::string url = "https://example.com/video/intro.mp4";
  const std::vector<http::HeaderField> request_fields = {{"Accept", "*/*"}};
  const cache::CacheRequest request{"GET", url, request_fields};

  // 1. A miss, and a second request collapsing onto it.
  cache::LookupResult first = c->Lookup(request);
  cache::LookupResult second = c->Lookup(request);
  std::printf("first: %s, second: %s\n", std::string(cache::ToString(first.action)).c_str(),
              std::string(cache::ToString(second.action)).c_str());
  if (first.action != cache::LookupAction::kFetch) {
    std::printf("already cached (a previous run): %s\n", first.cache_status.str().c_str());
    return 0;
  }

  // 2. The origin's fields arrive (the host sent the request at t0).
  const absl::Time t0 = edgekit::RealClock::Get().SystemNow();
  const std::vector<http::HeaderField> origin_fields = {{"Cache-Control", "public, max-age=300"},
                                                        {"Content-Type", "video/mp4"},
                                                        {"ETag", "\"intro-v1\""},
                                                        {"Surrogate-Key", "videos intro"}};
  cache::StoreResult store = c->BeginStore(request, 200, origin_fields, t0,
                                           edgekit::RealClock::Get().SystemNow(), &first.ticket);
  Client alice{"alice"};
  alice.Status(store.status);
  store.ForEachField([&](std::string_view n, std::string_view v) { alice.Field(n, v); });

  // The follower was released when the fields were stored: it reads the
  // object as it fills.
  Client bob{"bob"};
  cache::LookupResult collapsed = c->Resume(request, second.ticket);
  bob.Status(collapsed.status());
  collapsed.ForEachField([&](std::string_view n, std::string_view v) { bob.Field(n, v); });
  cache::BodyReader bob_reader = collapsed.BodyToSend();

  // 3. The origin's body, chunk by chunk: into the cache and to alice; bob
  // reads what is there each time.
  for (int i = 0; i < 64; ++i) {
    const std::string chunk(16 * 1024, static_cast<char>('a' + i % 26));
    if (!store.writer.Append(chunk)) std::printf("insert abandoned; alice still gets it\n");
    alice.Body(chunk);
    Pump(bob, bob_reader);
  }
  const bool stored = store.writer.Commit();  // origin done (Abort() if it had failed)
  std::printf("[alice] body complete, %zu bytes; stored: %s\n", alice.body_bytes,
              stored ? "yes" : "no");
  while (Pump(bob, bob_reader)) {
  }

  // 4. A hit: fields visited in place, the body's chunks shared with the store.
  Client carol{"carol"};
  cache::LookupResult hit = c->Lookup(request);
  carol.Status(hit.status());
  hit.ForEachField([&](std::string_view n, std::string_view v) { carol.Field(n, v); });
  cache::BodyReader carol_reader = hit.BodyToSend();
  while (Pump(carol, carol_reader)) {
  }

  // A byte range (RFC 9110 §14), answered by the library.
  const std::vector<http::HeaderField> range_fields = {{"Range", "bytes=0-99,-100"}};
  Client dave{"dave"};
  cache::LookupResult partial = c->Lookup(cache::CacheRequest{"GET", url, range_fields});
  dave.Status(partial.status());
  partial.ForEachField([&](std::string_view n, std::string_view v) { dave.Field(n, v); });
  cache::BodyReader dave_reader = partial.BodyToSend();
  while (Pump(dave, dave_reader)) {
  }

  const cache::CacheCounters counters = c->counters();
  std::printf("lookups %llu, hits %llu, collapsed hits %llu, stores %llu, bytes %llu\n",
              static_cast<unsigned long long>(counters.lookups),
              static_cast<unsigned long long>(counters.hits),
              static_cast<unsigned long long>(counters.collapsed_hits),
              static_cast<unsigned long long>(counters.stores),
              static_cast<unsigned long long>(counters.bytes));
  return 0;
}
