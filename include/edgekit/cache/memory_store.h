// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: memory_store.h
// -----------------------------------------------------------------------------
// `edgekit::cache::MemoryStore`: the default `CacheStore` (edgekit/cache/
// store.h). Everything lives in memory under one byte budget that charges
// what the allocator holds (fields and metadata in one allocation per
// response, body blocks, index nodes), split across shards, each with its own
// lock. Eviction is S3-FIFO (a small probation FIFO of 10%, a main FIFO with
// 2-bit use counts, a ghost FIFO of hashes reserved out of the budget).
// Bodies are shared immutable chunks: N readers of one object hold one copy;
// an object removed while read lives on (outside the budget) until its last
// reader drops it.
//
// Example:
//
//   cache::MemoryStoreOptions o;
//   o.max_bytes = size_t{1} << 30;
//   std::shared_ptr<cache::CacheStore> memory = cache::MemoryStore::Create(o).value();
//
// Thread-safety: thread-safe. No I/O.
// Errors: `Create` returns kInvalidArgument for out-of-range options.

#ifndef EDGEKIT_CACHE_MEMORY_STORE_H_
#define EDGEKIT_CACHE_MEMORY_STORE_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

struct MemoryStoreOptions {
  // Byte budget (allocator bytes). Range: > 0.
  size_t max_bytes = size_t{256} << 20;
  // Largest object (fields + body + index share); also bounded by the
  // per-shard budget. Range: > 0.
  size_t max_object_bytes = size_t{8} << 20;
  // Shards, each with its own lock. Range: 1..1024.
  int shard_count = 16;
};

class EDGEKIT_API MemoryStore final : public CacheStore {
 public:
  static absl::StatusOr<std::unique_ptr<MemoryStore>> Create(MemoryStoreOptions options);
  ~MemoryStore() override;

  FindResult Find(const StoreKey& key, const VariantMatcher& matcher) override;
  std::vector<StoredVariant> Variants(const StoreKey& key) override;
  std::unique_ptr<StoreWriter> BeginInsert(InsertRequest request) override;
  bool Update(const StoreKey& key, const StoredResponse& old,
              std::shared_ptr<StoredResponse> updated) override;
  bool MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) override;
  size_t Remove(const StoreKey& key, const StoredResponse* variant) override;
  size_t Purge(const StoreKey& key, PurgeMode mode, absl::Time now) override;
  size_t PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) override;
  size_t PurgeAll() override;
  [[nodiscard]] StoreUsage usage() const override;
  [[nodiscard]] size_t max_object_bytes() const override;
  void SetListener(StoreListener* listener) override;

  // Bytes charged for `response`'s fields, metadata and index node (its body
  // is charged as its blocks are allocated).
  [[nodiscard]] static size_t HeadCharge(const StoredResponse& response);

  struct Impl;

 private:
  explicit MemoryStore(MemoryStoreOptions options);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_MEMORY_STORE_H_
