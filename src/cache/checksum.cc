// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// XXH3 checksums with a run-time choice of vector code (see checksum.h).
#include "cache/checksum.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "cache/checksum_vectors.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

static_assert(sizeof(XXH3_state_t) <= ChecksumStream::kStateBytes, "room for the XXH3 state");
static_assert(alignof(XXH3_state_t) <= 64, "the XXH3 state's alignment");

// Whether the AVX2 build (compiled only on x86-64) can run here.
bool UseAvx2() {
#if defined(EDGEKIT_CHECKSUM_AVX2)
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

XXH3_state_t* State(unsigned char* bytes) { return reinterpret_cast<XXH3_state_t*>(bytes); }
const XXH3_state_t* State(const unsigned char* bytes) {
  return reinterpret_cast<const XXH3_state_t*>(bytes);
}

}  // namespace

uint64_t Checksum(std::string_view bytes) {
  if (UseAvx2()) return edgekit_checksum_avx2::Hash(bytes.data(), bytes.size());
  return XXH3_64bits(bytes.data(), bytes.size());
}

void ChecksumStream::Reset() {
  if (UseAvx2()) {
    edgekit_checksum_avx2::Reset(state_);
  } else {
    XXH3_64bits_reset(State(state_));
  }
}

void ChecksumStream::Update(std::string_view bytes) {
  if (UseAvx2()) {
    edgekit_checksum_avx2::Update(state_, bytes.data(), bytes.size());
  } else {
    XXH3_64bits_update(State(state_), bytes.data(), bytes.size());
  }
}

uint64_t ChecksumStream::Digest() const {
  if (UseAvx2()) return edgekit_checksum_avx2::Digest(state_);
  return XXH3_64bits_digest(State(state_));
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
