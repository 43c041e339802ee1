// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: disk_record.h
// -----------------------------------------------------------------------------
// Private: the disk store's file format. One file per stored variant:
//
//   [header 80 B][fields block][hole][body][block checksums][later fields blocks]
//
// The body starts at a multiple of kBodyAlign (the hole before it is sparse:
// never written, no disk blocks), so its writes and reads are aligned for the
// page cache.
// The header (little-endian) says where each part is and carries an XXH3
// checksum of the fields block, of the checksum table and of itself; the body
// is checksummed per 64 KiB block. A 304 appends a new fields block and
// rewrites the header; a soft purge rewrites the header. Anything that does
// not parse or check is rejected (the store drops the file and counts it).
// Thread-safety: pure functions.

#ifndef EDGEKIT_SRC_CACHE_DISK_RECORD_H_
#define EDGEKIT_SRC_CACHE_DISK_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "edgekit/cache/stored_response.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

constexpr size_t kFileHeaderSize = 80;
constexpr uint32_t kBodyBlockSize = uint32_t{64} << 10;
constexpr uint64_t kBodyAlign = uint64_t{16} << 10;
constexpr uint32_t kMaxFieldsBlock = uint32_t{16} << 20;
constexpr int64_t kNotStale = INT64_MAX;

struct FileHeader {
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  uint64_t meta_offset = 0;
  uint32_t meta_length = 0;
  uint32_t block_size = kBodyBlockSize;
  uint64_t meta_hash = 0;
  uint64_t sums_offset = 0;
  uint64_t sums_hash = 0;
  int64_t stale_from_ns = kNotStale;  // soft purge mark
};

uint64_t BlockCount(uint64_t body_length, uint32_t block_size);

// 80 bytes, header checksum included.
std::string EncodeHeader(const FileHeader& h);
// False unless magic, version, checksum and the layout's arithmetic hold
// (offsets within `file_size`).
bool DecodeHeader(std::string_view bytes, uint64_t file_size, FileHeader* out);

// The fields block: every field and metadata of `r` (not its body).
std::string EncodeFields(const cache::StoredResponse& r);
// The response it describes (no body attached, sequence 0); null when the
// bytes do not parse exactly.
std::shared_ptr<cache::StoredResponse> DecodeFields(std::string_view bytes);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_DISK_RECORD_H_
