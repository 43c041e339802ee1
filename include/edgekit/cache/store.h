// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: store.h
// -----------------------------------------------------------------------------
// `edgekit::cache::CacheStore`: the storage seam of the HTTP cache. The
// semantic engine (`HttpCache`: keys, Vary, freshness, conditionals,
// Cache-Status, purge rules, stampede control) keeps nothing itself; it finds,
// inserts, updates and removes stored responses through this interface.
// Three stores ship with edgekit: `MemoryStore` (memory_store.h, the
// default), `DiskStore` (disk_store.h) and `TieredStore` (tiered_store.h,
// memory in front of disk); all pass the same conformance suite
// (tests/cache/store_conformance_test.cc).
//
// The contract, for anyone writing a store:
//   * A key (`StoreKey`, the normalised URI) has up to `max_variants`
//     variants, newest first. `Find` returns the newest one the matcher
//     accepts (the engine matches Vary), counts a use for eviction, and says
//     whether the key had variants at all.
//   * `BeginInsert` publishes the response (fields and metadata complete) at
//     once as the newest variant, with a filling body (`Body`): lookups find
//     it and read it as it fills (unless `visible_while_filling` is false). The returned
//     `StoreWriter` appends bytes, then `Commit`s (the body completes; older variants with the same
//     Vary values, and `InsertRequest::replaces`, are removed) or `Abort`s (the variant is removed,
//     its body answers kAborted). A writer destroyed without `Commit` aborts. `Append` returns
//     false once the store gave up (object over `max_object_bytes`, budget, I/O fault): the insert
//     is abandoned exactly as by `Abort`.
//   * The budget (`StoreUsage::capacity`) is never exceeded by what the
//     store charges; responses removed while readers hold them live on until
//     the last reader drops them, outside the budget.
//   * `Update` replaces a variant's fields and metadata (304, HEAD) keeping
//     its body; `MarkStale`, `Purge` and `PurgeTag` with `PurgeMode::kSoft`
//     mark variants stale from a time on (`StoredVariant::stale_from`).
//   * Every method is thread-safe and never calls back into the cache under
//     a lock of its own: evictions and faults reach the `StoreListener` after
//     the store's locks are released, on the thread whose call caused them.
//   * Where I/O happens is each store's documented choice (disk_store.h).
//
// Thread-safety: implementations are thread-safe; `StoreWriter` is
// thread-compatible (one writer).

#ifndef EDGEKIT_CACHE_STORE_H_
#define EDGEKIT_CACHE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/body.h"
#include "edgekit/cache/options.h"
#include "edgekit/cache/stored_response.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

// A primary key with its hash, computed once per call.
struct StoreKey {
  std::string_view key;
  uint64_t hash = 0;  // StoreKeyHash(key)
};
// The in-process hash of a key (not stable across processes).
[[nodiscard]] EDGEKIT_API uint64_t StoreKeyHash(std::string_view key);
[[nodiscard]] inline StoreKey MakeStoreKey(std::string_view key) {
  return StoreKey{key, StoreKeyHash(key)};
}

// Chooses among a key's variants (the engine's Vary match). Called under the
// store's lock: must be quick and must not call into the store.
class VariantMatcher {
 public:
  virtual bool Matches(const StoredResponse& response) const = 0;

 protected:
  ~VariantMatcher() = default;
};

// A stored variant as a lookup sees it.
struct StoredVariant {
  std::shared_ptr<const StoredResponse> response;
  // Soft purge: stale from this time on (InfiniteFuture: not marked).
  absl::Time stale_from = absl::InfiniteFuture();
};

struct FindResult {
  StoredVariant variant;   // `variant.response` null: no variant matched
  bool key_found = false;  // the key has variants (uri-miss vs vary-miss)
};

// One insert in progress. See the contract above.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;
  virtual bool Append(const BodyChunk& chunk) = 0;
  virtual bool Commit() = 0;
  virtual void Abort() = 0;
};

struct InsertRequest {
  StoreKey key;
  // Fields and metadata complete; the store attaches its body.
  std::shared_ptr<StoredResponse> response;
  // Also removed at commit (a full answer to this variant's revalidation).
  const StoredResponse* replaces = nullptr;
  // Content-Length when the host knows it (the store may refuse at once, or
  // size its buffers).
  std::optional<uint64_t> expected_length;
  size_t max_variants = 16;
  // The engine's own cap; a store applies the smaller of this and its own.
  size_t max_object_bytes = SIZE_MAX;
  // False: lookups find the variant only once committed (the whole body is
  // at hand and appended at once).
  bool visible_while_filling = true;
};

struct StoreUsage {
  uint64_t bytes = 0;         // charged now (allocator bytes, or file-system bytes)
  uint64_t capacity = 0;      // the budget
  uint64_t entries = 0;       // variants stored, filling ones included
  uint64_t memory_bytes = 0;  // RAM the store holds for them (index, metadata, bodies)
};

// Where a store reports events (the cache installs itself). Called outside
// the store's locks.
class StoreListener {
 public:
  virtual void OnEvicted(std::string_view key, uint64_t bytes, EvictionReason reason) = 0;
  virtual void OnFault(StoreFault fault, std::string_view detail) = 0;

 protected:
  ~StoreListener() = default;
};

class CacheStore {
 public:
  virtual ~CacheStore() = default;

  // The newest variant of `key` that `matcher` accepts; counts a use.
  virtual FindResult Find(const StoreKey& key, const VariantMatcher& matcher) = 0;
  // Every variant of `key`, newest first (no use counted).
  virtual std::vector<StoredVariant> Variants(const StoreKey& key) = 0;
  // Publishes `request.response` and opens its body. Null: refused (larger
  // than the object limit, or a store fault); nothing was published.
  virtual std::unique_ptr<StoreWriter> BeginInsert(InsertRequest request) = 0;
  // Replaces the variant `old` (same key) by `updated`, which shares its body.
  // False if `old` is no longer stored.
  virtual bool Update(const StoreKey& key, const StoredResponse& old,
                      std::shared_ptr<StoredResponse> updated) = 0;
  // Marks one variant stale from `at` (soft). False if it is gone.
  virtual bool MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) = 0;
  // Removes one variant (or, with null, every variant of `key`). Returns how
  // many were removed.
  virtual size_t Remove(const StoreKey& key, const StoredResponse* variant) = 0;
  // Every variant of `key` / carrying `tag` / everything: hard removes, soft
  // marks stale from `now`. Return how many were affected.
  virtual size_t Purge(const StoreKey& key, PurgeMode mode, absl::Time now) = 0;
  virtual size_t PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) = 0;
  virtual size_t PurgeAll() = 0;

  [[nodiscard]] virtual StoreUsage usage() const = 0;
  // The largest object this store accepts.
  [[nodiscard]] virtual size_t max_object_bytes() const = 0;
  // Installs the listener (null: none). Set once, before use.
  virtual void SetListener(StoreListener* listener) = 0;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_STORE_H_
