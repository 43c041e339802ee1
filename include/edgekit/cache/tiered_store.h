// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: tiered_store.h
// -----------------------------------------------------------------------------
// `edgekit::cache::TieredStore`: memory in front of disk, as one `CacheStore`
// (edgekit/cache/store.h). Inserts are written through to both tiers (the
// memory tier's S3-FIFO keeps what is reused, the disk tier keeps everything
// its budget allows and survives restarts); lookups try memory first; a disk
// hit on an object seen `promote_after_hits` times is copied into memory
// (read on the lookup's thread: a read the request needed anyway), so hot
// objects are served from memory, sharing one copy among their readers.
// Updates, soft marks and removals apply to both tiers.
//
// Example:
//
//   auto memory = cache::MemoryStore::Create(mem_options).value();
//   auto disk = cache::DiskStore::Create(disk_options).value();
//   options.store = cache::TieredStore::Create(std::move(memory), std::move(disk)).value();
//
// Thread-safety: thread-safe (each tier is). Errors: `Create` returns
// kInvalidArgument for a null tier or bad options.

#ifndef EDGEKIT_CACHE_TIERED_STORE_H_
#define EDGEKIT_CACHE_TIERED_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

struct TieredStoreOptions {
  // Disk hits of an object before it is copied into memory. Range: 1..255.
  uint32_t promote_after_hits = 2;
  // Objects larger than this stay on disk. Range: > 0.
  size_t max_promote_bytes = size_t{1} << 20;
};

class EDGEKIT_API TieredStore final : public CacheStore {
 public:
  static absl::StatusOr<std::unique_ptr<TieredStore>> Create(std::shared_ptr<CacheStore> memory,
                                                             std::shared_ptr<CacheStore> disk,
                                                             TieredStoreOptions options = {});
  ~TieredStore() override;

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

  // Objects copied from disk into memory so far.
  [[nodiscard]] uint64_t promotions() const;
  [[nodiscard]] CacheStore& memory() const;
  [[nodiscard]] CacheStore& disk() const;

  struct Impl;

 private:
  explicit TieredStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_TIERED_STORE_H_
