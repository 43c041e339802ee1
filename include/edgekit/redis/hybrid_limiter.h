// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: hybrid_limiter.h
// -----------------------------------------------------------------------------
// `HybridLimiter`: a fleet-wide sliding-window limit whose decisions are local
// and immediate. Each node counts what it admits; the host calls `Sync(now)`
// periodically (from its own thread or timer; edgekit starts none), which in
// one pipelined round trip adds the node's new counts to Redis and reads back
// the fleet's totals. Between syncs a node decides from the last fleet totals
// plus its own unsynced count, and admits at most `max_unsynced` units per key
// that the rest of the fleet has not seen yet.
//
// The estimate is the sliding-window counter over fleet totals:
//   prev_window_total * (1 - elapsed / window) + cur_window_total + unsynced
// and a request is admitted iff estimate + cost <= limit and the node's
// unsynced count stays within max_unsynced.
//
// Overshoot bound (documented and measured in tests): in any window the fleet
// admits at most `limit + nodes * max_unsynced` per key, because each node can
// admit at most `max_unsynced` units the others have not seen. Pick
// max_unsynced = headroom / nodes, where headroom is the overshoot you accept.
// Smaller max_unsynced means more requests refused while waiting for a sync.
//
// Failure behaviour: `Decide` never touches the network. When Sync fails
// (Redis down or slow: each Sync is bounded by the client's command timeout)
// the counts stay unsynced and are pushed by the next successful Sync. Once the
// last successful sync is older than `stale_after`, the node switches to its
// `fallback_local_limit` per window (fail-closed would be 0; fail-open a large
// value), and switches back after the next successful Sync.
//
// Bounds: at most `max_keys` keys. When full, keys with nothing unsynced are
// evicted least-recently-used first (their totals live in Redis and are read
// again on the next Sync; until then a returning key is held to max_unsynced,
// like a new one). If every key has unsynced counts, a new key is refused.
//
// Thread-safety: thread-safe. `Decide` takes one mutex briefly; `Sync` holds it
// only to snapshot and to apply results, never across the round trip.

#ifndef EDGEKIT_REDIS_HYBRID_LIMITER_H_
#define EDGEKIT_REDIS_HYBRID_LIMITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/redis/client.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct HybridLimiterOptions {
  // Redis keys are "<prefix>{<key>}:<window index>" (hash-tagged per key).
  std::string key_prefix = "edgekit:hl:";
  int64_t limit = 0;  // fleet-wide units per window
  absl::Duration window = absl::Seconds(60);
  int64_t max_unsynced = 0;  // per key per node between syncs (> 0)
  size_t max_keys = 100000;
  absl::Duration stale_after = absl::Seconds(5);
  int64_t fallback_local_limit = 0;  // per node per window once stale
  // Hint returned as retry-after when a key waits for the next sync.
  absl::Duration sync_interval = absl::Milliseconds(100);
};

class EDGEKIT_API HybridLimiter {
 public:
  // Errors: kInvalidArgument for limit <= 0, window < 1 ms, max_unsynced <= 0,
  // max_keys == 0 or a negative fallback.
  static absl::StatusOr<std::unique_ptr<HybridLimiter>> Create(HybridLimiterOptions options,
                                                               std::shared_ptr<Client> client);
  ~HybridLimiter();

  // Local decision at wall-clock `now` (windows are aligned on the Unix epoch
  // so every node agrees on them). Never blocks on the network.
  ratelimit::Decision Decide(std::string_view key, absl::Time now, int64_t cost = 1);

  // Pushes this node's unsynced counts and reads the fleet totals of every key
  // used in the last two windows, in one round trip. Errors: kUnavailable.
  absl::Status Sync(absl::Time now);

  struct Counters {
    uint64_t allowed = 0;
    uint64_t rejected = 0;
    uint64_t rejected_unsynced = 0;  // refused only for lack of a sync
    uint64_t syncs = 0;
    uint64_t sync_failures = 0;
    uint64_t fallback_decisions = 0;
    uint64_t evictions = 0;
    uint64_t keys = 0;
  };
  Counters counters() const;

 private:
  struct Impl;
  explicit HybridLimiter(HybridLimiterOptions options, std::shared_ptr<Client> client);

  const HybridLimiterOptions options_;
  std::shared_ptr<Client> client_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_HYBRID_LIMITER_H_
