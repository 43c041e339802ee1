// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: internal/chunk_owner.h
// -----------------------------------------------------------------------------
// Not API. The intrusive, refcounted owner of the bytes behind a
// `cache::BodyChunk`: an inline block the cache allocated, a moved-in
// `std::string`, or a host buffer held by `std::shared_ptr`. One allocation
// per owner (the count lives in it). Include `edgekit/cache/body.h` instead.
//
// Thread-safety: `Ref` / `Unref` are thread-safe; the bytes are immutable once
// a chunk refers to them (a block's writer appends only past every published
// view).

#ifndef EDGEKIT_CACHE_INTERNAL_CHUNK_OWNER_H_
#define EDGEKIT_CACHE_INTERNAL_CHUNK_OWNER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

class EDGEKIT_API ChunkOwner {
 public:
  ChunkOwner(const ChunkOwner&) = delete;
  ChunkOwner& operator=(const ChunkOwner&) = delete;

  void Ref() const { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() const {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) Destroy();
  }
  // Bytes the allocator holds for this owner and its bytes (charged against
  // budgets).
  [[nodiscard]] size_t allocated_bytes() const { return allocated_bytes_; }

 protected:
  explicit ChunkOwner(size_t allocated_bytes) : allocated_bytes_(allocated_bytes) {}
  virtual ~ChunkOwner() = default;

 private:
  void Destroy() const;  // deletes through the virtual destructor

  mutable std::atomic<uint32_t> refs_{1};
  size_t allocated_bytes_;
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_INTERNAL_CHUNK_OWNER_H_
