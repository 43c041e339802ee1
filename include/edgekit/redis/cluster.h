// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cluster.h
// -----------------------------------------------------------------------------
// Redis Cluster routing without I/O: the hash slot of a key (CRC16 of its hash
// tag, modulo 16384), the slot map read from a `CLUSTER SLOTS` reply, and the
// `MOVED` / `ASK` redirections a node answers with. The sync `Client` and the
// `AsyncClient` route with these; a host routing commands itself can too.
//
// Example:
//
//   int slot = edgekit::redis::KeySlot("edgekit:gl:{tenant-7}");  // slot of "tenant-7"
//   auto ranges = edgekit::redis::ParseClusterSlots(reply, "10.0.0.5");
//   if (auto r = edgekit::redis::ParseRedirect(reply.str)) { ... r->target ... }
//
// Thread-safety: pure functions. Every parser accepts any input (fuzzed in
// tests/fuzz/redis_reply_fuzzer.cc) and bounds what it returns.

#ifndef EDGEKIT_REDIS_CLUSTER_H_
#define EDGEKIT_REDIS_CLUSTER_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

inline constexpr int kClusterSlots = 16384;

// CRC16-CCITT in its XMODEM form (polynomial 0x1021, initial value 0, no
// reflection), the checksum Redis Cluster hashes keys with.
[[nodiscard]] EDGEKIT_API uint16_t Crc16Xmodem(std::string_view data);

// The hash slot of `key`: if the key holds a '{' followed later by a '}' with
// at least one byte between the first '{' and the first '}' after it, only
// those bytes are hashed (the hash tag); otherwise the whole key.
[[nodiscard]] EDGEKIT_API int KeySlot(std::string_view key);

// One range of slots and the nodes that serve it.
struct SlotRange {
  int first = 0;  // inclusive
  int last = 0;   // inclusive
  Endpoint primary;
  std::vector<Endpoint> replicas;
};

// Parses a `CLUSTER SLOTS` reply. A node listed with an empty host ("" or "?",
// which Redis sends when it does not know its own address) is given
// `queried_host`, the host the command was sent to. Ranges may come in any
// order; overlapping ranges are refused.
// Errors: kInvalidArgument (not a well-formed CLUSTER SLOTS reply: slots
// outside [0, 16383], ports outside [1, 65535], hosts over 255 bytes, more
// than 16384 ranges or 16 replicas per range).
EDGEKIT_API absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(const Reply& reply,
                                                                     std::string_view queried_host);

// A cluster redirection carried by an error reply.
struct Redirect {
  enum class Kind : uint8_t { kMoved, kAsk };
  Kind kind = Kind::kMoved;
  int slot = 0;
  Endpoint target;
};

// Parses "MOVED <slot> <host>:<port>" or "ASK <slot> <host>:<port>" (the
// error text of a reply). A redirection with an empty host (a node that does
// not know its address) yields an empty `target.host`: the caller substitutes
// the host it sent the command to. nullopt for anything else.
[[nodiscard]] EDGEKIT_API std::optional<Redirect> ParseRedirect(std::string_view error);

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_CLUSTER_H_
