// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: alloc_size.h
// -----------------------------------------------------------------------------
// Private: what the allocator holds for an allocation of `n` bytes, so byte
// budgets charge real memory rather than payload. The model is glibc malloc
// (x86-64): an 8-byte chunk header, 16-byte granularity, 32-byte minimum.
// Thread-safety: pure functions.

#ifndef EDGEKIT_SRC_CACHE_ALLOC_SIZE_H_
#define EDGEKIT_SRC_CACHE_ALLOC_SIZE_H_

#include <cstddef>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

constexpr size_t AllocatedSize(size_t n) {
  const size_t chunk = (n + 8 + 15) & ~size_t{15};
  return chunk < 32 ? 32 : chunk;
}

// A std::shared_ptr control block with a deleter (what a shared_ptr built
// from a raw pointer allocates beside the object).
constexpr size_t kSharedControlBlock = AllocatedSize(32);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_ALLOC_SIZE_H_
