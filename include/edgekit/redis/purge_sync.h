// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: purge_sync.h   (target edgekit::redis_cache)
// -----------------------------------------------------------------------------
// Fleet-wide cache purges through Redis pub/sub. A purge by URL, surrogate
// key (hard or soft) or of everything is applied to the local
// `cache::HttpCache` and published; every other node's `Subscriber` applies
// it to its own cache. Purges are not stored: a node whose subscription was
// lost misses those published meanwhile, so `on_reconnect` says what to do
// then (purge everything, or nothing and let the host decide from
// `counters().resubscriptions`). Format: messages.h.
//
// Example:
//
//   edgekit::redis::PurgeSyncOptions o;
//   o.node_id = "edge-fra-3";
//   auto purges = edgekit::redis::PurgeSync::Create(o, client, cache).value();
//   purges->Attach(*subscriber);
//   purges->PurgeTag("product-42", edgekit::redis::PurgeMode::kSoft);
//
// Thread-safety: thread-safe. Handlers run on the thread that calls
// `Subscriber::Poll`. The sync must outlive the subscriber it is attached to.

#ifndef EDGEKIT_REDIS_PURGE_SYNC_H_
#define EDGEKIT_REDIS_PURGE_SYNC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/messages.h"
#include "edgekit/redis/subscriber.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

// What a node does after its subscription was lost and restored.
enum class ReconnectPurge : uint8_t { kNone, kPurgeAll };

struct PurgeSyncOptions {
  // Non-empty.
  std::string channel = "edgekit:purges";
  // Identifies this node so it skips its own messages (already applied);
  // non-empty, no spaces.
  std::string node_id;
  ReconnectPurge on_reconnect = ReconnectPurge::kNone;
};

struct PurgeSyncCounters {
  uint64_t published = 0;
  uint64_t applied = 0;    // other nodes' purges applied locally
  uint64_t malformed = 0;  // channel messages ignored
  uint64_t resubscriptions = 0;
};

class EDGEKIT_API PurgeSync {
 public:
  // Soft purges mark entries stale from `clock.SystemNow()` on.
  // Errors: kInvalidArgument for an option out of range or a null pointer.
  static absl::StatusOr<std::unique_ptr<PurgeSync>> Create(PurgeSyncOptions options,
                                                           std::shared_ptr<Client> client,
                                                           std::shared_ptr<cache::HttpCache> cache,
                                                           Clock& clock = RealClock::Get());

  // Applies locally, then publishes. Returns the number of local entries
  // purged, or the client's error when the broadcast failed (the local purge
  // still happened), or kInternal when Redis refused it.
  absl::StatusOr<size_t> PurgeUrl(std::string_view url, PurgeMode mode = PurgeMode::kHard);
  absl::StatusOr<size_t> PurgeTag(std::string_view tag, PurgeMode mode = PurgeMode::kHard);
  absl::StatusOr<size_t> PurgeAll();

  void Attach(Subscriber& subscriber);
  // Applies one channel message. Returns the number of entries purged.
  size_t Apply(std::string_view message);

  [[nodiscard]] PurgeSyncCounters counters() const;
  // Metrics edgekit_redis_purge_*.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  PurgeSync(PurgeSyncOptions options, std::shared_ptr<Client> client,
            std::shared_ptr<cache::HttpCache> cache, Clock& clock);
  size_t PurgeLocal(PurgeKind kind, PurgeMode mode, std::string_view value);
  absl::StatusOr<size_t> Publish(PurgeKind kind, PurgeMode mode, std::string_view value,
                                 size_t purged);

  const PurgeSyncOptions options_;
  const std::shared_ptr<Client> client_;
  const std::shared_ptr<cache::HttpCache> cache_;
  Clock& clock_;
  std::atomic<uint64_t> published_{0}, applied_{0}, malformed_{0}, resubscriptions_{0};
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_PURGE_SYNC_H_
