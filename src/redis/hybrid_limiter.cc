// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/hybrid_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <list>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/mutex.h"
#include "edgekit/base/string_view.h"
#include "edgekit/redis/commands.h"
#include "redis/metrics_util.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

constexpr int64_t kNoWindow = std::numeric_limits<int64_t>::min();

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("redis: hybrid limiter: ", AbslView(what)));
}

struct KeyState {
  int64_t window = kNoWindow;  // index of the current window
  int64_t cur_total = 0;       // fleet total of `window` at the last sync (ours included)
  int64_t prev_total = 0;      // fleet total of `window - 1`
  int64_t unsynced = 0;        // ours in `window`, not yet pushed
  int64_t pending_prev = 0;    // ours in `window - 1`, not yet pushed
  bool syncing = false;        // a Sync is pushing our counts
  int64_t in_flight = 0;       // ours in `in_flight_window`, being pushed
  int64_t in_flight_window = kNoWindow;
  int64_t local_count = 0;        // ours in `window` (fallback mode)
  int64_t last_used = kNoWindow;  // window index of the last Decide
  absl::Time last_sync_ok = absl::InfinitePast();
  std::list<std::string>::iterator lru;
};

void Roll(KeyState& s, int64_t index) {
  if (s.window == index) return;
  if (s.window != kNoWindow && s.window == index - 1) {
    s.prev_total = s.cur_total + s.unsynced + (s.in_flight_window == s.window ? s.in_flight : 0);
    s.pending_prev = s.unsynced;
  } else {
    s.prev_total = 0;
    s.pending_prev = 0;
  }
  s.cur_total = 0;
  s.unsynced = 0;
  s.local_count = 0;
  s.window = index;
}

}  // namespace

struct HybridLimiter::Impl {
  Impl(HybridLimiterOptions o, std::shared_ptr<Client> c, Clock& k)
      : options(std::move(o)), client(std::move(c)), clock(k) {}

  const HybridLimiterOptions options;
  const std::shared_ptr<Client> client;
  Clock& clock;

  mutable Mutex mu;
  absl::flat_hash_map<std::string, KeyState> keys ABSL_GUARDED_BY(mu);
  std::list<std::string> lru ABSL_GUARDED_BY(mu);  // front: most recently used
  // The last sync in which nothing failed (or the first decision).
  absl::Time last_healthy ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  absl::Status last_failure ABSL_GUARDED_BY(mu);
  bool seen_time ABSL_GUARDED_BY(mu) = false;
  HybridLimiterCounters counters ABSL_GUARDED_BY(mu);

  ratelimit::Decision DecideLocked(std::string_view key, absl::Time now, int64_t cost,
                                   std::optional<absl::Status>* fallback_cause)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
};

// One key's share of a sync.
struct HybridLimiter::SyncPlan {
  struct Entry {
    std::string key;
    int64_t window;
    int64_t delta;
    int64_t prev_delta;
  };
  absl::Time now;
  std::vector<Entry> entries;
  std::vector<Command> commands;

  static SyncPlan Prepare(Impl& m, absl::Time now);
  static absl::Status Finish(Impl& m, const SyncPlan& plan,
                             absl::Span<const absl::StatusOr<Reply>> replies);
};

absl::StatusOr<std::unique_ptr<HybridLimiter>> HybridLimiter::Create(HybridLimiterOptions o,
                                                                     std::shared_ptr<Client> client,
                                                                     Clock& clock) {
  if (o.limit < 1 || o.limit >= kMaxExactScriptNumber) return Invalid("limit must be in [1, 2^53)");
  if (o.window < absl::Milliseconds(1) || o.window > absl::Hours(24 * 365)) {
    return Invalid("window must be in [1ms, 365 days]");
  }
  if (o.max_unsynced < 1 || o.max_unsynced > o.limit) {
    return Invalid("max_unsynced must be in [1, limit]");
  }
  if (o.max_keys < 1 || o.max_keys > (size_t{1} << 32))
    return Invalid("max_keys must be in [1, 2^32]");
  if (o.stale_after <= absl::ZeroDuration() || o.stale_after > absl::Hours(24 * 365)) {
    return Invalid("stale_after must be in (0, 365 days]");
  }
  if (o.fallback_local_limit < 0 || o.fallback_local_limit >= kMaxExactScriptNumber) {
    return Invalid("fallback_local_limit must be in [0, 2^53)");
  }
  if (o.sync_interval <= absl::ZeroDuration() || o.sync_interval > o.window) {
    return Invalid("sync_interval must be in (0, window]");
  }
  return std::unique_ptr<HybridLimiter>(
      new HybridLimiter(std::make_shared<Impl>(std::move(o), std::move(client), clock)));
}

HybridLimiter::HybridLimiter(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HybridLimiter::~HybridLimiter() = default;

HybridLimiterCounters HybridLimiter::counters() const {
  MutexLock lock(&impl_->mu);
  HybridLimiterCounters c = impl_->counters;
  c.keys = impl_->keys.size();
  return c;
}

void HybridLimiter::VisitMetrics(MetricsVisitor& visitor) const {
  const HybridLimiterCounters c = counters();
  const redis_internal::MetricEmitter emit(visitor);
  emit.Counter("edgekit_redis_hybrid_allowed_total", "Requests allowed", c.allowed);
  emit.Counter("edgekit_redis_hybrid_rejected_total", "Requests rejected", c.rejected);
  emit.Counter("edgekit_redis_hybrid_rejected_unsynced_total",
               "Requests rejected only because this node waits for a sync", c.rejected_unsynced);
  emit.Counter("edgekit_redis_hybrid_syncs_total", "Syncs in which every key succeeded", c.syncs);
  emit.Counter("edgekit_redis_hybrid_sync_failures_total", "Syncs in which some key failed",
               c.sync_failures);
  emit.Counter("edgekit_redis_hybrid_fallback_decisions_total",
               "Decisions made by the local fallback limit while Redis is stale",
               c.fallback_decisions);
  emit.Counter("edgekit_redis_hybrid_evictions_total", "Keys evicted from the bounded table",
               c.evictions);
  emit.Gauge("edgekit_redis_hybrid_keys", "Keys tracked now", c.keys);
}

ratelimit::Decision HybridLimiter::Decide(std::string_view key, int64_t cost) {
  return Decide(key, impl_->clock.SystemNow(), cost);
}

ratelimit::Decision HybridLimiter::Decide(std::string_view key, absl::Time now, int64_t cost) {
  std::optional<absl::Status> fallback_cause;
  ratelimit::Decision d;
  {
    MutexLock lock(&impl_->mu);
    d = impl_->DecideLocked(key, now, std::max<int64_t>(0, cost), &fallback_cause);
  }
  if (fallback_cause.has_value() && impl_->options.observer != nullptr) {
    impl_->options.observer->OnFailurePolicyDecision(FailurePolicyDecision{
        "hybrid", key, FailurePolicy::kLocalFallback, d.allowed, std::move(*fallback_cause)});
  }
  return d;
}

ratelimit::Decision HybridLimiter::Impl::DecideLocked(std::string_view key, absl::Time now,
                                                      int64_t cost,
                                                      std::optional<absl::Status>* fallback_cause) {
  const int64_t window_us = absl::ToInt64Microseconds(options.window);
  const int64_t index = WindowIndex(now, options.window);
  const int64_t elapsed_us = absl::ToUnixMicros(now) - index * window_us;
  ratelimit::Decision d;
  d.limit = options.limit;
  d.reset_after_ns = (window_us - elapsed_us) * 1000;
  if (!seen_time) {
    seen_time = true;
    last_healthy = now;  // the stale clock starts with the first decision
  }
  auto it = keys.find(AbslView(key));
  if (it == keys.end()) {
    if (keys.size() >= options.max_keys) {
      // Evict the least recently used key with nothing of ours unpushed.
      bool evicted = false;
      for (auto lit = lru.end(); lit != lru.begin();) {
        --lit;
        auto victim = keys.find(*lit);
        const KeyState& v = victim->second;
        if (!v.syncing && v.unsynced == 0 && v.pending_prev == 0) {
          keys.erase(victim);
          lru.erase(lit);
          ++counters.evictions;
          evicted = true;
          break;
        }
      }
      if (!evicted) {
        ++counters.rejected;
        d.reason = ratelimit::Reason::kLimited;
        d.retry_after_ns = absl::ToInt64Nanoseconds(options.sync_interval);
        return d;
      }
    }
    lru.emplace_front(key);
    it = keys.emplace(lru.front(), KeyState{}).first;
    it->second.lru = lru.begin();
  } else {
    lru.splice(lru.begin(), lru, it->second.lru);
  }
  KeyState& s = it->second;
  Roll(s, index);
  s.last_used = index;

  if (now - std::max(s.last_sync_ok, last_healthy) > options.stale_after) {
    // Redis has been away too long for this key: a local limit per node.
    ++counters.fallback_decisions;
    // A copy of its own: no status payload is shared across threads.
    *fallback_cause = last_failure.ok() ? absl::UnavailableError("redis: no successful sync")
                                        : absl::Status(last_failure.code(), last_failure.message());
    if (s.local_count + cost <= options.fallback_local_limit) {
      s.local_count += cost;
      s.unsynced += cost;
      ++counters.allowed;
      d.allowed = true;
      d.reason = ratelimit::Reason::kAllowed;
      d.remaining = options.fallback_local_limit - s.local_count;
      return d;
    }
    ++counters.rejected;
    d.reason = ratelimit::Reason::kLimited;
    d.retry_after_ns = d.reset_after_ns;
    return d;
  }

  const double weight =
      static_cast<double>(window_us - elapsed_us) / static_cast<double>(window_us);
  const int64_t in_flight_cur = s.in_flight_window == index ? s.in_flight : 0;
  const int64_t cur = s.cur_total + s.unsynced + in_flight_cur;
  const double estimate = static_cast<double>(s.prev_total) * weight + static_cast<double>(cur);
  if (cost > options.limit) {
    ++counters.rejected;
    d.reason = ratelimit::Reason::kCostExceedsLimit;
    d.retry_after_ns = ratelimit::Decision::kNever;
    return d;
  }
  if (estimate + static_cast<double>(cost) <= static_cast<double>(options.limit)) {
    if (s.unsynced + cost > options.max_unsynced) {
      ++counters.rejected;
      ++counters.rejected_unsynced;
      d.reason = ratelimit::Reason::kLimited;
      d.remaining = 0;
      d.retry_after_ns = absl::ToInt64Nanoseconds(options.sync_interval);
      return d;
    }
    s.unsynced += cost;
    s.local_count += cost;
    ++counters.allowed;
    d.allowed = true;
    d.reason = ratelimit::Reason::kAllowed;
    d.remaining = static_cast<int64_t>(
        std::floor(static_cast<double>(options.limit) - estimate - static_cast<double>(cost)));
    return d;
  }
  ++counters.rejected;
  d.reason = ratelimit::Reason::kLimited;
  d.remaining = std::max<int64_t>(
      0, static_cast<int64_t>(std::floor(static_cast<double>(options.limit) - estimate)));
  if (cur + cost > options.limit || s.prev_total == 0) {
    d.retry_after_ns = (window_us - elapsed_us) * 1000;
  } else {
    // prev * (window - e') / window + cur + cost <= limit  =>  e' >= ...
    const double free_share =
        static_cast<double>(options.limit - cur - cost) / static_cast<double>(s.prev_total);
    const int64_t e2 =
        window_us - static_cast<int64_t>(std::floor(static_cast<double>(window_us) * free_share));
    d.retry_after_ns = std::max<int64_t>(1, e2 - elapsed_us) * 1000;
  }
  return d;
}

HybridLimiter::SyncPlan HybridLimiter::SyncPlan::Prepare(Impl& m, absl::Time now) {
  SyncPlan plan;
  plan.now = now;
  const int64_t index = WindowIndex(now, m.options.window);
  const absl::Duration ttl = 2 * m.options.window + absl::Seconds(1);
  {
    MutexLock lock(&m.mu);
    for (auto& [key, s] : m.keys) {
      Roll(s, index);
      if (s.syncing) continue;  // a concurrent Sync owns it
      if (s.last_used < index - 1 && s.unsynced == 0 && s.pending_prev == 0) continue;  // idle
      plan.entries.push_back(Entry{key, s.window, s.unsynced, s.pending_prev});
      s.syncing = true;
      s.in_flight = s.unsynced;
      s.in_flight_window = s.window;
      s.unsynced = 0;
      s.pending_prev = 0;
    }
  }
  plan.commands.reserve(plan.entries.size());
  for (const Entry& e : plan.entries) {
    plan.commands.push_back(
        BuildHybridSyncCommand(m.options.key_prefix, e.key, e.window, e.delta, e.prev_delta, ttl));
  }
  return plan;
}

absl::Status HybridLimiter::SyncPlan::Finish(Impl& m, const SyncPlan& plan,
                                             absl::Span<const absl::StatusOr<Reply>> replies) {
  absl::Status first_failure;
  MutexLock lock(&m.mu);
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const Entry& e = plan.entries[i];
    std::optional<WindowTotals> totals;
    absl::Status failure;
    if (i >= replies.size()) {
      failure = absl::InternalError("redis: sync reply missing");
    } else if (!replies[i].ok()) {
      failure = replies[i].status();
    } else if (!(totals = ParseHybridSyncReply(*replies[i])).has_value()) {
      failure = absl::InternalError(absl::StrCat("redis: unexpected sync reply ", replies[i]->str));
    }
    if (!failure.ok() && first_failure.ok()) first_failure = failure;
    auto it = m.keys.find(e.key);
    if (it == m.keys.end()) continue;  // cannot happen: keys being synced are never evicted
    KeyState& s = it->second;
    s.syncing = false;
    s.in_flight = 0;
    s.in_flight_window = kNoWindow;
    if (!totals.has_value()) {
      // Keep our counts for the next Sync.
      if (s.window == e.window) {
        s.unsynced += e.delta;
        s.pending_prev += e.prev_delta;
      } else if (s.window == e.window + 1) {
        s.pending_prev += e.delta;
      }
      continue;
    }
    s.last_sync_ok = plan.now;
    if (s.window == e.window) {
      s.cur_total = totals->current;
      s.prev_total = totals->previous;
    } else if (s.window == e.window + 1) {
      s.prev_total = totals->current;
    }
  }
  if (!first_failure.ok()) {
    ++m.counters.sync_failures;
    m.last_failure = absl::Status(first_failure.code(), first_failure.message());
    return first_failure;
  }
  ++m.counters.syncs;
  m.last_healthy = plan.now;
  return absl::OkStatus();
}

absl::Status HybridLimiter::Sync() { return Sync(impl_->clock.SystemNow()); }

absl::Status HybridLimiter::Sync(absl::Time now) {
  if (impl_->client == nullptr)
    return absl::FailedPreconditionError("redis: hybrid limiter has no client");
  SyncPlan plan = SyncPlan::Prepare(*impl_, now);
  std::vector<absl::StatusOr<Reply>> replies;
  if (!plan.commands.empty()) replies = impl_->client->ExecuteBatch(plan.commands);
  return SyncPlan::Finish(*impl_, plan, replies);
}

void HybridLimiter::SyncAsync(AsyncClient& client, absl::Time now, SyncCallback done) {
  struct Gather {
    SyncPlan plan;
    std::vector<absl::StatusOr<Reply>> replies;
    size_t outstanding = 0;
    SyncCallback done;
  };
  auto gather = std::make_shared<Gather>();
  gather->plan = SyncPlan::Prepare(*impl_, now);
  gather->done = std::move(done);
  const size_t n = gather->plan.commands.size();
  gather->replies.assign(n, absl::StatusOr<Reply>(absl::UnavailableError("redis: not sent")));
  gather->outstanding = n;
  if (n == 0) {
    // Nothing to send; finish through the loop like every other completion.
    client.Submit(Command({"PING"}), [impl = impl_, gather](absl::StatusOr<Reply>) {
      absl::Status s = SyncPlan::Finish(*impl, gather->plan, gather->replies);
      if (gather->done) gather->done(std::move(s));
    });
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    client.Submit(std::move(gather->plan.commands[i]),
                  [impl = impl_, gather, i](absl::StatusOr<Reply> reply) {
                    gather->replies[i] = std::move(reply);
                    if (--gather->outstanding > 0) return;
                    absl::Status s = SyncPlan::Finish(*impl, gather->plan, gather->replies);
                    if (gather->done) gather->done(std::move(s));
                  });
  }
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
