// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: revocation_sync.h   (target edgekit::redis_jwt)
// -----------------------------------------------------------------------------
// Fleet-wide JWT revocations through Redis. Revoking a `jti` on one node
// stores it in Redis with the token's expiry as the key's expiry (Redis
// forgets it when the token could no longer verify anyway) and announces it
// on a pub/sub channel; every node's `Subscriber` applies it to the node's
// `jwt::RevocationList`. After a lost subscription the sync re-reads every
// stored revocation (`Resync`: SCAN on the server, or on every primary of a
// cluster, then GETs routed by slot), so a message missed while disconnected
// is not lost. Formats: messages.h.
//
// Example:
//
//   auto sync = edgekit::redis::RevocationSync::Create({}, client, revoked).value();
//   sync->Attach(*subscriber);
//   sync->Revoke("jti-123", exp);         // every node rejects it after its next Poll
//   // host loop: subscriber->Poll(absl::Milliseconds(50));
//
// Thread-safety: thread-safe. Handlers run on the thread that calls
// `Subscriber::Poll`. The sync must outlive the subscriber it is attached to.

#ifndef EDGEKIT_REDIS_REVOCATION_SYNC_H_
#define EDGEKIT_REDIS_REVOCATION_SYNC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/subscriber.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct RevocationSyncOptions {
  // Keys "<key_prefix><jti>"; non-empty.
  std::string key_prefix = "edgekit:jti:";
  // Non-empty.
  std::string channel = "edgekit:revocations";
  // Bound on keys read back by Resync (match the local list's capacity);
  // [1, 2^24].
  size_t max_resync_keys = 100000;
};

struct RevocationSyncCounters {
  uint64_t revoked = 0;    // Revoke calls stored and announced
  uint64_t applied = 0;    // channel messages applied to the local list
  uint64_t malformed = 0;  // channel messages ignored
  uint64_t resynced = 0;   // stored revocations applied by Resync
  uint64_t resync_failures = 0;
};

class EDGEKIT_API RevocationSync {
 public:
  // Errors: kInvalidArgument for an option out of range or a null pointer.
  static absl::StatusOr<std::unique_ptr<RevocationSync>> Create(
      RevocationSyncOptions options, std::shared_ptr<Client> client,
      std::shared_ptr<jwt::RevocationList> local, Clock& clock = RealClock::Get());

  // Revokes locally at once, then stores and announces it (one round trip).
  // Errors: kInvalidArgument (empty or over-long jti), the client's errors
  // (Redis away: the local revocation still holds; call again to spread it),
  // kInternal (Redis refused the write).
  absl::Status Revoke(std::string_view jti, absl::Time expires_at);
  absl::Status Revoke(std::string_view jti, absl::Time expires_at, absl::Time now);

  // Re-reads every stored revocation into the local list (bounded by
  // max_resync_keys). Returns the number applied. Errors: the client's.
  absl::StatusOr<size_t> Resync(absl::Time now);

  // Subscribes `subscriber` to the channel; resyncs after reconnections.
  void Attach(Subscriber& subscriber);

  // Applies one channel message (exposed for tests and custom transports).
  // Malformed messages are ignored and counted.
  void Apply(std::string_view message, absl::Time now);

  [[nodiscard]] RevocationSyncCounters counters() const;
  // Metrics edgekit_redis_revocation_*.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  RevocationSync(RevocationSyncOptions options, std::shared_ptr<Client> client,
                 std::shared_ptr<jwt::RevocationList> local, Clock& clock);

  const RevocationSyncOptions options_;
  const std::shared_ptr<Client> client_;
  const std::shared_ptr<jwt::RevocationList> local_;
  Clock& clock_;
  std::atomic<uint64_t> revoked_{0}, applied_{0}, malformed_{0}, resynced_{0}, resync_failures_{0};
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_REVOCATION_SYNC_H_
