// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the reply side of the non-blocking core: bytes from a server go
// through the RESP reader, and every reply through every parser (limit
// scripts, hybrid sync, SCAN, CLUSTER SLOTS). Any bytes must give replies or a
// clear error within the reader's bound, never a crash, a hang or unbounded
// memory; parsed slot maps must stay within the slot range.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgekit/redis/cluster.h"
#include "edgekit/redis/commands.h"
#include "edgekit/redis/resp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace redis = edgekit::redis;
  auto reader = redis::ReplyReader::Create(64 << 10).value();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Fed in two pieces: replies split across reads must parse the same.
  const size_t half = size / 2;
  if (!reader->Feed(bytes.substr(0, half)).ok()) return 0;
  bool fed_rest = false;
  for (int replies = 0; replies < 1000; ++replies) {
    absl::StatusOr<std::optional<redis::Reply>> next = reader->Next();
    if (!next.ok()) return 0;
    if (!next->has_value()) {
      if (fed_rest || !reader->Feed(bytes.substr(half)).ok()) return 0;
      fed_rest = true;
      continue;
    }
    const redis::Reply& r = **next;
    (void)redis::ParseLimitReply(r, 100);
    (void)redis::ParseHybridSyncReply(r);
    (void)redis::ParseScanReply(r);
    if (auto ranges = redis::ParseClusterSlots(r, "127.0.0.1"); ranges.ok()) {
      for (const redis::SlotRange& range : *ranges) {
        if (range.first < 0 || range.last >= redis::kClusterSlots || range.first > range.last) {
          __builtin_trap();
        }
      }
    }
  }
  return 0;
}
