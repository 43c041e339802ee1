// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: fleet_sync.h
// -----------------------------------------------------------------------------
// Fleet-wide token revocations and cache purges through Redis.
//
// `RevocationSync`: revoking a `jti` on one node writes it to Redis with the
// token's expiry as the key's expiry (so Redis forgets it when the token could
// no longer verify anyway) and announces it on a pub/sub channel; every node's
// subscriber applies it to its local `jwt::RevocationList`. After a lost
// connection the subscriber re-reads every stored revocation (`Resync`), so a
// message missed while disconnected is not lost.
//
// `PurgeSync`: a purge by URL, surrogate key (hard or soft) or of everything is
// applied to the local `cache::HttpCache` and published; every other node's
// subscriber applies it to its own cache. Purges are not stored: a node that was
// disconnected misses them, which `Subscriber::on_resubscribe` reports so the
// host can choose to purge all (`PurgeSyncOptions::purge_all_on_reconnect`).
//
// Example:
//
//   auto client = edgekit::redis::Client::Create(opts).value();  // shared
//   auto sub = edgekit::redis::Subscriber::Create({opts}).value();
//   edgekit::redis::RevocationSync revocations(client, revoked_list, {});
//   revocations.Attach(*sub);
//   revocations.Revoke("jti-123", exp, now);   // every node rejects it soon
//   // host loop: sub->Poll(absl::Milliseconds(50));
//
// Thread-safety: `Revoke` / `Purge*` are thread-safe (the client is). Handlers
// run on the thread that calls `Subscriber::Poll`.
// Message formats (documented for other languages in the fleet):
//   revocation channel: "<expiry unix ms> <jti>"
//   purge channel:      "<node id> <url|tag|all> <0|1 soft> <value>"

#ifndef EDGEKIT_REDIS_FLEET_SYNC_H_
#define EDGEKIT_REDIS_FLEET_SYNC_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/subscriber.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct RevocationSyncOptions {
  std::string key_prefix = "edgekit:jti:";
  std::string channel = "edgekit:revocations";
  // Bound on keys read back by Resync (match the local list's capacity).
  size_t max_resync_keys = 100000;
};

class EDGEKIT_API RevocationSync {
 public:
  RevocationSync(std::shared_ptr<Client> client, std::shared_ptr<jwt::RevocationList> local,
                 RevocationSyncOptions options, Clock& clock = RealClock::Get());

  // Revokes locally at once, then stores and announces it (one round trip).
  // Errors: kInvalidArgument (empty or over-long jti), kUnavailable (Redis
  // away: the local revocation still holds; call again to spread it).
  absl::Status Revoke(std::string_view jti, absl::Time expires_at, absl::Time now);

  // Re-reads every stored revocation into the local list (bounded by
  // max_resync_keys). Returns the number applied.
  absl::StatusOr<size_t> Resync(absl::Time now);

  // Subscribes `subscriber` to the channel; resyncs after reconnections.
  void Attach(Subscriber& subscriber);

  // Applies one channel message (exposed for tests and custom transports).
  // Malformed messages are ignored and counted.
  void Apply(std::string_view message, absl::Time now);

  uint64_t applied() const { return applied_; }
  uint64_t malformed() const { return malformed_; }

 private:
  std::shared_ptr<Client> client_;
  std::shared_ptr<jwt::RevocationList> local_;
  RevocationSyncOptions options_;
  Clock& clock_;
  uint64_t applied_ = 0;
  uint64_t malformed_ = 0;
};

struct PurgeSyncOptions {
  std::string channel = "edgekit:purges";
  // Identifies this node so it skips its own messages (already applied).
  std::string node_id;
  // After a lost subscription, purge the whole local cache (purges published
  // meanwhile were missed). Off: the host decides (see resyncs()).
  bool purge_all_on_reconnect = false;
};

class EDGEKIT_API PurgeSync {
 public:
  // Requires: node_id non-empty and without spaces; otherwise no message is
  // recognised as this node's own, and this node applies its purges twice
  // (harmless: purges are idempotent).
  // Soft purges mark entries stale from `clock.SystemNow()` on.
  PurgeSync(std::shared_ptr<Client> client, std::shared_ptr<cache::HttpCache> cache,
            PurgeSyncOptions options, Clock& clock = RealClock::Get());

  // Applies locally, then publishes. Return the local count purged, or
  // kUnavailable when the broadcast failed (the local purge still happened).
  absl::StatusOr<size_t> PurgeUrl(std::string_view url, bool soft = false);
  absl::StatusOr<size_t> PurgeTag(std::string_view tag, bool soft = false);
  absl::StatusOr<size_t> PurgeAll();

  void Attach(Subscriber& subscriber);
  // Applies one channel message. Returns the number of entries purged.
  size_t Apply(std::string_view message);

  uint64_t applied() const { return applied_; }
  uint64_t malformed() const { return malformed_; }
  uint64_t resyncs() const { return resyncs_; }

 private:
  absl::StatusOr<size_t> Publish(std::string_view kind, bool soft, std::string_view value,
                                 size_t purged);

  std::shared_ptr<Client> client_;
  std::shared_ptr<cache::HttpCache> cache_;
  PurgeSyncOptions options_;
  Clock& clock_;
  uint64_t applied_ = 0;
  uint64_t malformed_ = 0;
  uint64_t resyncs_ = 0;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_FLEET_SYNC_H_
