// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// XXH3-64 behind edgekit::canary's stable bucketing contract (bucket.h). The
// xxHash implementation is compiled into this translation unit
// (XXH_INLINE_ALL), so no xxHash symbol or type leaks out of edgekit.

#include "edgekit/canary/bucket.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

uint64_t StableHash64(std::string_view data, uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(data.data(), data.size(), seed);
}

uint64_t SaltSeed(std::string_view salt) noexcept {
  return XXH3_64bits_withSeed(salt.data(), salt.size(), 0);
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
