// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// xxHash's XXH3 compiled for AVX2 (see checksum_vectors.h). Built with -mavx2
// on x86-64; called only when the CPU has AVX2. Elsewhere it is the baseline
// code again and never called.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache/checksum_vectors.h"

namespace edgekit_checksum_avx2 {

unsigned long long Hash(const void* data, unsigned long size) { return XXH3_64bits(data, size); }
void Reset(void* state) { XXH3_64bits_reset(static_cast<XXH3_state_t*>(state)); }
void Update(void* state, const void* data, unsigned long size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state), data, size);
}
unsigned long long Digest(const void* state) {
  return XXH3_64bits_digest(static_cast<const XXH3_state_t*>(state));
}

}  // namespace edgekit_checksum_avx2
