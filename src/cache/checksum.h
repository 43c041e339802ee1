// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: checksum.h
// -----------------------------------------------------------------------------
// Private: the disk store's checksums, XXH3-64 (xxHash), computed with the
// widest vector code the CPU runs. xxHash's header-only implementation is
// compiled twice: for the build's baseline (SSE2 on x86-64) in checksum.cc and
// for AVX2 in checksum_avx2.cc; each call takes the AVX2 one when the CPU has
// it. XXH3 is defined bit for bit, so files written with either read with
// either. (Debian's libxxhash has a dispatcher too, but linking it would make
// xxHash a link dependency of every static consumer of cache_disk.)
//
// Thread-safety: Checksum is thread-safe; a ChecksumStream is
// thread-compatible.

#ifndef EDGEKIT_SRC_CACHE_CHECKSUM_H_
#define EDGEKIT_SRC_CACHE_CHECKSUM_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// XXH3-64 of `bytes` (seed 0).
uint64_t Checksum(std::string_view bytes);

// XXH3-64 of bytes fed in pieces: the same value as Checksum of them joined.
class ChecksumStream {
 public:
  ChecksumStream() { Reset(); }
  void Reset();
  void Update(std::string_view bytes);
  [[nodiscard]] uint64_t Digest() const;

  // Room for xxHash's XXH3_state_t (checked where it is defined).
  static constexpr size_t kStateBytes = 640;

 private:
  alignas(64) unsigned char state_[kStateBytes];
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_CHECKSUM_H_
