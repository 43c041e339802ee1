// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: checksum_vectors.h
// -----------------------------------------------------------------------------
// Private: the AVX2 build of xxHash's XXH3 (checksum_avx2.cc, compiled with
// -mavx2 on x86-64) as seen by checksum.cc. Plain C types only: the AVX2
// translation unit includes nothing but xxHash, so that no inline function
// of another header is compiled there with AVX2 instructions (the linker
// could keep that copy for the whole program). `state` is an XXH3_state_t.
// Thread-safety: as xxHash's functions.

#ifndef EDGEKIT_SRC_CACHE_CHECKSUM_VECTORS_H_
#define EDGEKIT_SRC_CACHE_CHECKSUM_VECTORS_H_

namespace edgekit_checksum_avx2 {

unsigned long long Hash(const void* data, unsigned long size);
void Reset(void* state);
void Update(void* state, const void* data, unsigned long size);
unsigned long long Digest(const void* state);

}  // namespace edgekit_checksum_avx2

#endif  // EDGEKIT_SRC_CACHE_CHECKSUM_VECTORS_H_
