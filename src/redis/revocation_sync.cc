// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/revocation_sync.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "edgekit/redis/commands.h"
#include "edgekit/redis/messages.h"
#include "redis/metrics_util.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// GETs per pipelined batch during a resync.
constexpr size_t kResyncBatch = 1000;

// `prefix` as a SCAN MATCH pattern that matches it literally, then anything.
std::string PrefixPattern(std::string_view prefix) {
  std::string pattern;
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('*');
  return pattern;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RevocationSync>> RevocationSync::Create(
    RevocationSyncOptions options, std::shared_ptr<Client> client,
    std::shared_ptr<jwt::RevocationList> local, Clock& clock) {
  if (client == nullptr || local == nullptr) {
    return absl::InvalidArgumentError("redis: revocation sync needs a client and a list");
  }
  if (options.key_prefix.empty()) return absl::InvalidArgumentError("redis: key_prefix is empty");
  if (options.channel.empty()) return absl::InvalidArgumentError("redis: channel is empty");
  if (options.max_resync_keys < 1 || options.max_resync_keys > (size_t{1} << 24)) {
    return absl::InvalidArgumentError("redis: max_resync_keys must be in [1, 2^24]");
  }
  return std::unique_ptr<RevocationSync>(
      new RevocationSync(std::move(options), std::move(client), std::move(local), clock));
}

RevocationSync::RevocationSync(RevocationSyncOptions options, std::shared_ptr<Client> client,
                               std::shared_ptr<jwt::RevocationList> local, Clock& clock)
    : options_(std::move(options)),
      client_(std::move(client)),
      local_(std::move(local)),
      clock_(clock) {}

absl::Status RevocationSync::Revoke(std::string_view jti, absl::Time expires_at) {
  return Revoke(jti, expires_at, clock_.SystemNow());
}

absl::Status RevocationSync::Revoke(std::string_view jti, absl::Time expires_at, absl::Time now) {
  if (absl::Status s = local_->Revoke(jti, expires_at, now);
      !s.ok() && !absl::IsResourceExhausted(s)) {
    return s;
  }
  if (expires_at <= now) return absl::OkStatus();  // nothing left to spread
  const Command commands[] = {
      BuildRevocationStoreCommand(options_.key_prefix, jti, expires_at),
      BuildPublishCommand(options_.channel, FormatRevocationMessage(jti, expires_at)),
  };
  for (const absl::StatusOr<Reply>& r : client_->ExecuteBatch(commands)) {
    if (!r.ok()) return r.status();
    if (r->is_error()) return absl::InternalError(absl::StrCat("redis: ", r->str));
  }
  revoked_.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

void RevocationSync::Apply(std::string_view message, absl::Time now) {
  const std::optional<RevocationMessage> m = ParseRevocationMessage(message);
  if (m.has_value() && local_->Revoke(m->jti, m->expires_at, now).ok()) {
    applied_.fetch_add(1, std::memory_order_relaxed);
  } else {
    malformed_.fetch_add(1, std::memory_order_relaxed);
  }
}

absl::StatusOr<size_t> RevocationSync::Resync(absl::Time now) {
  absl::StatusOr<std::vector<std::string>> keys =
      client_->ScanKeys(PrefixPattern(options_.key_prefix), options_.max_resync_keys);
  if (!keys.ok()) {
    resync_failures_.fetch_add(1, std::memory_order_relaxed);
    return keys.status();
  }
  size_t applied = 0;
  std::vector<Command> gets;
  for (size_t begin = 0; begin < keys->size(); begin += kResyncBatch) {
    const size_t end = std::min(keys->size(), begin + kResyncBatch);
    gets.clear();
    for (size_t i = begin; i < end; ++i) gets.push_back(BuildGetCommand((*keys)[i]));
    const std::vector<absl::StatusOr<Reply>> values = client_->ExecuteBatch(gets);
    for (size_t i = begin; i < end; ++i) {
      const absl::StatusOr<Reply>& value = values[i - begin];
      if (!value.ok()) {
        resync_failures_.fetch_add(1, std::memory_order_relaxed);
        return value.status();
      }
      const std::optional<absl::Time> expiry = ParseRevocationValue(*value);
      if (!expiry.has_value()) continue;  // expired between SCAN and GET, or not ours
      const std::string_view jti = std::string_view((*keys)[i]).substr(options_.key_prefix.size());
      if (local_->Revoke(jti, *expiry, now).ok()) ++applied;
    }
  }
  resynced_.fetch_add(applied, std::memory_order_relaxed);
  return applied;
}

void RevocationSync::Attach(Subscriber& subscriber) {
  subscriber.Subscribe(
      options_.channel, [this](std::string_view message) { Apply(message, clock_.SystemNow()); },
      [this] { (void)Resync(clock_.SystemNow()); });
}

RevocationSyncCounters RevocationSync::counters() const {
  RevocationSyncCounters c;
  c.revoked = revoked_.load(std::memory_order_relaxed);
  c.applied = applied_.load(std::memory_order_relaxed);
  c.malformed = malformed_.load(std::memory_order_relaxed);
  c.resynced = resynced_.load(std::memory_order_relaxed);
  c.resync_failures = resync_failures_.load(std::memory_order_relaxed);
  return c;
}

void RevocationSync::VisitMetrics(MetricsVisitor& visitor) const {
  const RevocationSyncCounters c = counters();
  const redis_internal::MetricEmitter emit(visitor);
  emit.Counter("edgekit_redis_revocation_revoked_total", "Revocations stored and announced",
               c.revoked);
  emit.Counter("edgekit_redis_revocation_applied_total", "Announced revocations applied locally",
               c.applied);
  emit.Counter("edgekit_redis_revocation_malformed_total", "Revocation messages ignored",
               c.malformed);
  emit.Counter("edgekit_redis_revocation_resynced_total", "Stored revocations applied by resyncs",
               c.resynced);
  emit.Counter("edgekit_redis_revocation_resync_failures_total", "Resyncs that failed",
               c.resync_failures);
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
