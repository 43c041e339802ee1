// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: store_kinds.h
// -----------------------------------------------------------------------------
// The stores the conformance suite runs against (TEMPLATE_TEST_CASE types):
// each makes a fresh store of its kind for a given budget; disk-backed kinds
// own a temporary directory.

#ifndef EDGEKIT_TESTS_CACHE_STORE_KINDS_H_
#define EDGEKIT_TESTS_CACHE_STORE_KINDS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "cache_test_util.h"
#include "edgekit/cache/disk_store.h"
#include "edgekit/cache/memory_store.h"
#include "edgekit/cache/tiered_store.h"

namespace cache_test {

struct StoreSpec {
  uint64_t max_bytes = uint64_t{64} << 20;
  uint64_t max_object_bytes = uint64_t{8} << 20;
  int shards = 4;
};

struct MemoryKind {
  static constexpr const char* kName = "memory";
  std::shared_ptr<cache::CacheStore> Make(const StoreSpec& s) {
    cache::MemoryStoreOptions o;
    o.max_bytes = s.max_bytes;
    o.max_object_bytes = s.max_object_bytes;
    o.shard_count = s.shards;
    return cache::MemoryStore::Create(o).value();
  }
};

struct DiskKind {
  static constexpr const char* kName = "disk";
  TempDir dir{/*prefer_memory_fs=*/true};
  std::shared_ptr<cache::CacheStore> Make(const StoreSpec& s) {
    cache::DiskStoreOptions o;
    o.directory = dir.path() + "/store";
    o.max_bytes = s.max_bytes;
    o.max_object_bytes = s.max_object_bytes;
    o.shard_count = s.shards;
    return cache::DiskStore::Create(o).value();
  }
};

// Memory in front of disk, each tier with half of the budget.
struct TieredKind {
  static constexpr const char* kName = "tiered";
  TempDir dir{/*prefer_memory_fs=*/true};
  std::shared_ptr<cache::CacheStore> Make(const StoreSpec& s) {
    StoreSpec half = s;
    half.max_bytes = s.max_bytes / 2;
    cache::DiskStoreOptions d;
    d.directory = dir.path() + "/store";
    d.max_bytes = half.max_bytes;
    d.max_object_bytes = s.max_object_bytes;
    d.shard_count = s.shards;
    return cache::TieredStore::Create(MemoryKind().Make(half), cache::DiskStore::Create(d).value())
        .value();
  }
};

}  // namespace cache_test

#endif  // EDGEKIT_TESTS_CACHE_STORE_KINDS_H_
