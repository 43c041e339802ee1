// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/purge_sync.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/redis/commands.h"
#include "redis/metrics_util.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

absl::StatusOr<std::unique_ptr<PurgeSync>> PurgeSync::Create(
    PurgeSyncOptions options, std::shared_ptr<Client> client,
    std::shared_ptr<cache::HttpCache> cache, Clock& clock) {
  if (client == nullptr || cache == nullptr) {
    return absl::InvalidArgumentError("redis: purge sync needs a client and a cache");
  }
  if (options.channel.empty()) return absl::InvalidArgumentError("redis: channel is empty");
  if (options.node_id.empty() || options.node_id.find(' ') != std::string::npos) {
    return absl::InvalidArgumentError("redis: node_id must be non-empty without spaces");
  }
  return std::unique_ptr<PurgeSync>(
      new PurgeSync(std::move(options), std::move(client), std::move(cache), clock));
}

PurgeSync::PurgeSync(PurgeSyncOptions options, std::shared_ptr<Client> client,
                     std::shared_ptr<cache::HttpCache> cache, Clock& clock)
    : options_(std::move(options)),
      client_(std::move(client)),
      cache_(std::move(cache)),
      clock_(clock) {}

// The one place that calls the cache's purge API.
size_t PurgeSync::PurgeLocal(PurgeKind kind, PurgeMode mode, std::string_view value) {
  // The wire's mode (redis core cannot name the cache's enum) to the cache's.
  const cache::PurgeMode cache_mode =
      mode == PurgeMode::kSoft ? cache::PurgeMode::kSoft : cache::PurgeMode::kHard;
  switch (kind) {
    case PurgeKind::kUrl:
      return cache_->PurgeUrl(value, cache_mode, clock_.SystemNow());
    case PurgeKind::kTag:
      return cache_->PurgeTag(value, cache_mode, clock_.SystemNow());
    case PurgeKind::kAll:
      return cache_->PurgeAll();
  }
  return 0;
}

absl::StatusOr<size_t> PurgeSync::Publish(PurgeKind kind, PurgeMode mode, std::string_view value,
                                          size_t purged) {
  const absl::StatusOr<Reply> reply = client_->Execute(BuildPublishCommand(
      options_.channel, FormatPurgeMessage(PurgeMessage{options_.node_id, kind, mode, value})));
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return absl::InternalError(absl::StrCat("redis: ", reply->str));
  published_.fetch_add(1, std::memory_order_relaxed);
  return purged;
}

absl::StatusOr<size_t> PurgeSync::PurgeUrl(std::string_view url, PurgeMode mode) {
  return Publish(PurgeKind::kUrl, mode, url, PurgeLocal(PurgeKind::kUrl, mode, url));
}

absl::StatusOr<size_t> PurgeSync::PurgeTag(std::string_view tag, PurgeMode mode) {
  return Publish(PurgeKind::kTag, mode, tag, PurgeLocal(PurgeKind::kTag, mode, tag));
}

absl::StatusOr<size_t> PurgeSync::PurgeAll() {
  return Publish(PurgeKind::kAll, PurgeMode::kHard, "",
                 PurgeLocal(PurgeKind::kAll, PurgeMode::kHard, ""));
}

size_t PurgeSync::Apply(std::string_view message) {
  const std::optional<PurgeMessage> m = ParsePurgeMessage(message);
  if (!m.has_value()) {
    malformed_.fetch_add(1, std::memory_order_relaxed);
    return 0;
  }
  if (m->node_id == options_.node_id) return 0;  // our own, applied already
  applied_.fetch_add(1, std::memory_order_relaxed);
  return PurgeLocal(m->kind, m->mode, m->value);
}

void PurgeSync::Attach(Subscriber& subscriber) {
  subscriber.Subscribe(
      options_.channel, [this](std::string_view message) { Apply(message); },
      [this] {
        resubscriptions_.fetch_add(1, std::memory_order_relaxed);
        if (options_.on_reconnect == ReconnectPurge::kPurgeAll) {
          PurgeLocal(PurgeKind::kAll, PurgeMode::kHard, "");
        }
      });
}

PurgeSyncCounters PurgeSync::counters() const {
  PurgeSyncCounters c;
  c.published = published_.load(std::memory_order_relaxed);
  c.applied = applied_.load(std::memory_order_relaxed);
  c.malformed = malformed_.load(std::memory_order_relaxed);
  c.resubscriptions = resubscriptions_.load(std::memory_order_relaxed);
  return c;
}

void PurgeSync::VisitMetrics(MetricsVisitor& visitor) const {
  const PurgeSyncCounters c = counters();
  const redis_internal::MetricEmitter emit(visitor);
  emit.Counter("edgekit_redis_purge_published_total", "Purges published", c.published);
  emit.Counter("edgekit_redis_purge_applied_total", "Other nodes' purges applied locally",
               c.applied);
  emit.Counter("edgekit_redis_purge_malformed_total", "Purge messages ignored", c.malformed);
  emit.Counter("edgekit_redis_purge_resubscriptions_total",
               "Subscriptions restored after a loss (purges may have been missed)",
               c.resubscriptions);
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
