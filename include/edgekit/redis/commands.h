// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: commands.h
// -----------------------------------------------------------------------------
// The fleet algorithms as command builders and reply parsers, with no I/O:
// the global limits (GCRA and sliding-window counter, one Lua script each),
// the hybrid limiter's sync, SCAN pages and PUBLISH. `GlobalLimiter`,
// `HybridLimiter` and the fleet syncs are built on these and carry them over
// the sync `Client` or the event-loop `AsyncClient`; a host with its own Redis
// client can carry them itself.
//
// Each command touches one Redis key, which carries the caller's key as a
// hash tag (`<prefix>{<key>}...`), so it runs on one Redis Cluster slot and a
// slot migration moves its state at once; `Command::key_arg` names the key
// that routes it. Scripts are sent as EVALSHA
// with `Command::script_source` set, so a client that gets NOSCRIPT resends
// them as EVAL.
//
// Example:
//
//   edgekit::redis::Command c = edgekit::redis::BuildGcraCommand(
//       "edgekit:gl:", "tenant-7", now, /*emission_interval_us=*/600000, /*burst=*/100, 1);
//   // ... send c, get `reply` ...
//   std::optional<edgekit::ratelimit::Decision> d = edgekit::redis::ParseLimitReply(reply, 100);
//
// Thread-safety: pure functions. Parsers accept any reply and return nullopt
// for anything they do not recognise (fuzzed in tests/fuzz/redis_reply_fuzzer.cc).

#ifndef EDGEKIT_REDIS_COMMANDS_H_
#define EDGEKIT_REDIS_COMMANDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

// Lua numbers are doubles: counts and microsecond times stay exact below 2^53.
inline constexpr int64_t kMaxExactScriptNumber = int64_t{1} << 53;

// GCRA on key "<key_prefix>{<key>}" (its theoretical arrival time, in µs).
// `emission_interval_us` >= 1 is the window divided by the limit; `burst` >= 1
// the capacity; `cost` >= 0.
[[nodiscard]] EDGEKIT_API Command BuildGcraCommand(std::string_view key_prefix,
                                                   std::string_view key, absl::Time now,
                                                   int64_t emission_interval_us, int64_t burst,
                                                   int64_t cost);

// Sliding-window counter on key "<key_prefix>{<key>}:w", a hash of unit
// counts by window index (windows aligned on the Unix epoch; only the current
// and the previous window are kept). One key per limited key: a cluster slot
// migration moves a decision's whole state at once (never TRYAGAIN).
[[nodiscard]] EDGEKIT_API Command BuildSlidingWindowCommand(std::string_view key_prefix,
                                                            std::string_view key, absl::Time now,
                                                            absl::Duration window, int64_t limit,
                                                            int64_t cost);

// The reply of either limit script: {allowed, remaining, retry_after_us,
// reset_after_us}. nullopt when the reply is anything else (an error reply
// included).
[[nodiscard]] EDGEKIT_API std::optional<ratelimit::Decision> ParseLimitReply(const Reply& reply,
                                                                             int64_t limit);

// The index of the window holding `now` (windows aligned on the Unix epoch;
// -1 before it).
[[nodiscard]] EDGEKIT_API int64_t WindowIndex(absl::Time now, absl::Duration window);

// Hybrid limiter sync for one key: adds this node's new units to the fleet
// counts of window `window_index` and the one before (fields of the hash
// "<key_prefix>{<key>}:w"), sets its time to live to `ttl`, and reads both
// totals back, in one script.
[[nodiscard]] EDGEKIT_API Command BuildHybridSyncCommand(std::string_view key_prefix,
                                                         std::string_view key, int64_t window_index,
                                                         int64_t current_delta,
                                                         int64_t previous_delta,
                                                         absl::Duration ttl);

struct WindowTotals {
  int64_t current = 0;   // fleet units in the current window
  int64_t previous = 0;  // fleet units in the previous window
};

// The sync script's {current_total, previous_total}; nullopt for anything else.
[[nodiscard]] EDGEKIT_API std::optional<WindowTotals> ParseHybridSyncReply(const Reply& reply);

// SCAN <cursor> MATCH <pattern> COUNT <count> (keyless: a cluster client sends
// it to each primary in turn).
[[nodiscard]] EDGEKIT_API Command BuildScanCommand(std::string_view cursor,
                                                   std::string_view pattern, size_t count);

struct ScanPage {
  std::string cursor;  // "0" when the scan is complete
  std::vector<std::string> keys;
};

// A SCAN reply: [cursor, [key...]]. nullopt for anything else or a cursor
// that is not a decimal number.
[[nodiscard]] EDGEKIT_API std::optional<ScanPage> ParseScanReply(const Reply& reply);

// PUBLISH <channel> <message> (keyless: Redis Cluster forwards a publication
// to every node).
[[nodiscard]] EDGEKIT_API Command BuildPublishCommand(std::string_view channel,
                                                      std::string_view message);

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_COMMANDS_H_
