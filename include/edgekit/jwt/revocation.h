// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: revocation.h
// -----------------------------------------------------------------------------
// `RevocationList`: a bounded set of revoked token ids (`jti`, RFC 7519
// §4.1.7). Each entry lives until the revoked token would have expired, so the
// set only holds tokens that could still verify. Attach it to a verifier
// through `VerifierOptions::revocations`.
//
// Example:
//
//   absl::StatusOr<std::unique_ptr<edgekit::jwt::RevocationList>> list =
//       edgekit::jwt::RevocationList::Create(10000);
//   std::shared_ptr<edgekit::jwt::RevocationList> revoked = *std::move(list);
//   revoked->Revoke("a1b2c3", absl::FromUnixSeconds(exp), now);
//   options.revocations = revoked;   // verifier now returns kRevoked for it
//
// Bound and policy when full: at most `capacity` entries. Expired entries are
// dropped first; if the set is still full, the entry that expires soonest is
// evicted (it has the shortest remaining window in which the token could be
// replayed), and if that is the new entry itself, `Revoke` returns
// `kResourceExhausted` and does not store it. Evictions are counted. Size the
// list for the revocation rate times the token lifetime.
//
// Thread-safety: thread-safe (one internal mutex); `IsRevoked` is O(1) average,
// `Revoke` O(log n). Metrics: edgekit_jwt_revoked_ids (gauge),
// edgekit_jwt_revocation_evictions_total, edgekit_jwt_revocation_expired_total.

#ifndef EDGEKIT_JWT_REVOCATION_H_
#define EDGEKIT_JWT_REVOCATION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

// A snapshot of a revocation list's size and counters.
struct RevocationListCounters {
  size_t size = 0;
  uint64_t evictions = 0;  // live entries dropped because the list was full
  uint64_t expired = 0;    // entries dropped because their token expired
};

class EDGEKIT_API RevocationList {
 public:
  static constexpr size_t kMaxCapacity = size_t{1} << 24;

  // Errors: kInvalidArgument unless 1 ≤ capacity ≤ kMaxCapacity (2^24).
  static absl::StatusOr<std::unique_ptr<RevocationList>> Create(size_t capacity);

  // Prefer Create() for configured values. A capacity of 0 stores nothing
  // (every Revoke is kResourceExhausted); no value is clamped. Ids longer
  // than 1024 bytes are refused by Revoke.
  explicit RevocationList(size_t capacity);
  ~RevocationList();
  RevocationList(const RevocationList&) = delete;
  RevocationList& operator=(const RevocationList&) = delete;

  // Revokes `jti` until `expires_at`. Re-revoking extends the entry to the
  // later expiry. Errors: kInvalidArgument for an empty or over-long id;
  // kResourceExhausted when full and this entry expires soonest (not stored).
  // An entry already expired at `now` is accepted and not stored.
  absl::Status Revoke(std::string_view jti, absl::Time expires_at, absl::Time now);
  // Removes an entry; returns whether it was present.
  bool Unrevoke(std::string_view jti);
  // True if `jti` is revoked and its entry has not expired at `now`.
  [[nodiscard]] bool IsRevoked(std::string_view jti, absl::Time now) const;
  // Drops every entry expired at `now`.
  void Purge(absl::Time now);

  [[nodiscard]] size_t capacity() const { return capacity_; }
  [[nodiscard]] RevocationListCounters counters() const;
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  struct Impl;
  const size_t capacity_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_REVOCATION_H_
