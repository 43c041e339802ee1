// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: hybrid_limiter.h
// -----------------------------------------------------------------------------
// `HybridLimiter`: a fleet-wide sliding-window limit whose decisions are local
// and immediate. Each node counts what it admits; the host calls `Sync(now)`
// periodically (from its own thread or timer; edgekit starts none), which, in
// one pipelined round trip per Redis node, adds the node's new counts to Redis
// and reads back the fleet's totals (one script per key, its keys hash-tagged
// to one cluster slot). `SyncAsync` does the same through the event-loop
// `AsyncClient`. Between syncs a node decides from the last fleet totals plus
// its own unsynced count, and admits at most `max_unsynced` units per key that
// the rest of the fleet has not seen yet.
//
// The estimate is the sliding-window counter over fleet totals:
//   prev_window_total * (1 - elapsed / window) + cur_window_total + unsynced
// and a request is admitted iff estimate + cost <= limit and the node's
// unsynced count stays within max_unsynced.
//
// Overshoot bound: in any window the fleet admits at most
// `limit + nodes * max_unsynced` per key, because each node can admit at most
// `max_unsynced` units the others have not seen. Pick max_unsynced =
// headroom / nodes, where headroom is the overshoot you accept. Smaller
// max_unsynced means more requests refused while waiting for a sync.
//
// Failure behaviour: `Decide` never touches the network. A key whose sync
// fails keeps its counts for the next sync. Once a key's last successful sync
// (or the last sync that fully succeeded) is older than `stale_after`, the node
// decides that key with its `fallback_local_limit` per window (the failure
// policy kLocalFallback; 0 is fail-closed, a large value fail-open), reported
// to the observer, until a sync succeeds again.
//
// Bounds: at most `max_keys` keys. When full, keys with nothing unsynced are
// evicted least-recently-used first (their totals live in Redis and are read
// again on the next Sync; until then a returning key is held to max_unsynced,
// like a new one). If every key has unsynced counts, a new key is refused.
//
// Example:
//
//   edgekit::redis::HybridLimiterOptions o;
//   o.limit = 1000; o.window = absl::Minutes(1); o.max_unsynced = 25;  // 4 nodes
//   auto limiter = edgekit::redis::HybridLimiter::Create(o, client).value();
//   if (!limiter->Decide(api_key).allowed) { /* 429 */ }
//   // every 100 ms, from the host's timer: limiter->Sync();
//
// Thread-safety: thread-safe. `Decide` takes one mutex briefly; `Sync` holds it
// only to snapshot and to apply results, never across the round trip.

#ifndef EDGEKIT_REDIS_HYBRID_LIMITER_H_
#define EDGEKIT_REDIS_HYBRID_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/redis/async_client.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/failure_policy.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct HybridLimiterOptions {
  // Redis keys are "<prefix>{<key>}:<window index>" (hash-tagged per key).
  std::string key_prefix = "edgekit:hl:";
  // Fleet-wide units per window; [1, 2^53).
  int64_t limit = 0;
  // [1 ms, 365 days]; windows are aligned on the Unix epoch.
  absl::Duration window = absl::Seconds(60);
  // Per key per node between syncs; [1, limit].
  int64_t max_unsynced = 0;
  // [1, 2^32].
  size_t max_keys = 100000;
  // (0, 365 days].
  absl::Duration stale_after = absl::Seconds(5);
  // Per node per window once a key is stale; [0, 2^53).
  int64_t fallback_local_limit = 0;
  // The Retry-After hint when a key waits for the next sync; (0, window].
  absl::Duration sync_interval = absl::Milliseconds(100);
  LimiterObserver* observer = nullptr;
};

struct HybridLimiterCounters {
  uint64_t allowed = 0;
  uint64_t rejected = 0;
  uint64_t rejected_unsynced = 0;  // refused only for lack of a sync
  uint64_t syncs = 0;              // syncs in which every key's command succeeded
  uint64_t sync_failures = 0;      // syncs in which some key's command failed
  uint64_t fallback_decisions = 0;
  uint64_t evictions = 0;
  uint64_t keys = 0;  // gauge
};

class EDGEKIT_API HybridLimiter {
 public:
  using SyncCallback = absl::AnyInvocable<void(absl::Status)>;

  // `client` may be null when only SyncAsync is used. Errors:
  // kInvalidArgument for an option out of its range (the message names it).
  static absl::StatusOr<std::unique_ptr<HybridLimiter>> Create(HybridLimiterOptions options,
                                                               std::shared_ptr<Client> client,
                                                               Clock& clock = RealClock::Get());
  ~HybridLimiter();
  HybridLimiter(const HybridLimiter&) = delete;
  HybridLimiter& operator=(const HybridLimiter&) = delete;

  // Local decision at wall-clock `now` (the overload without it reads the
  // clock's SystemNow()). Never blocks on the network. A negative cost counts
  // as 0.
  ratelimit::Decision Decide(std::string_view key, int64_t cost = 1);
  ratelimit::Decision Decide(std::string_view key, absl::Time now, int64_t cost = 1);

  // Pushes this node's unsynced counts and reads the fleet totals of every key
  // used in the last two windows. Keys whose command failed keep their counts.
  // Errors: kFailedPrecondition without a client; otherwise the first failed
  // key's error (kUnavailable, kDeadlineExceeded, kInternal...).
  absl::Status Sync();
  absl::Status Sync(absl::Time now);

  // The same through `client`; `done` runs on its event loop.
  void SyncAsync(AsyncClient& client, absl::Time now, SyncCallback done);

  [[nodiscard]] HybridLimiterCounters counters() const;
  // Metrics edgekit_redis_hybrid_*.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  struct Impl;
  struct SyncPlan;
  explicit HybridLimiter(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_HYBRID_LIMITER_H_
