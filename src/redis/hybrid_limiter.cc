// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/hybrid_limiter.h"

#include <cmath>
#include <list>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

constexpr int64_t kNoWindow = std::numeric_limits<int64_t>::min();

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
  std::list<std::string>::iterator lru;
};

// The count carried by a GET or INCRBY reply (nil: 0).
int64_t CountOf(const Reply& r) {
  if (r.type == Reply::Type::kInteger) return r.integer;
  int64_t v = 0;
  if (r.type == Reply::Type::kString && absl::SimpleAtoi(r.str, &v)) return v;
  return 0;
}

}  // namespace

struct HybridLimiter::Impl {
  mutable Mutex mu;
  absl::flat_hash_map<std::string, KeyState> keys ABSL_GUARDED_BY(mu);
  std::list<std::string> lru ABSL_GUARDED_BY(mu);  // front: most recently used
  absl::Time last_sync_ok ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  bool seen_time ABSL_GUARDED_BY(mu) = false;
  Counters counters ABSL_GUARDED_BY(mu);
};

absl::StatusOr<std::unique_ptr<HybridLimiter>> HybridLimiter::Create(
    HybridLimiterOptions options, std::shared_ptr<Client> client) {
  if (options.limit <= 0) return absl::InvalidArgumentError("hybrid: limit must be > 0");
  if (options.window < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("hybrid: window must be >= 1 ms");
  }
  if (options.max_unsynced <= 0) {
    return absl::InvalidArgumentError("hybrid: max_unsynced must be > 0");
  }
  if (options.max_keys == 0) return absl::InvalidArgumentError("hybrid: max_keys must be > 0");
  if (options.fallback_local_limit < 0) {
    return absl::InvalidArgumentError("hybrid: fallback_local_limit must be >= 0");
  }
  if (client == nullptr) return absl::InvalidArgumentError("hybrid: no client");
  return std::unique_ptr<HybridLimiter>(new HybridLimiter(std::move(options), std::move(client)));
}

HybridLimiter::HybridLimiter(HybridLimiterOptions options, std::shared_ptr<Client> client)
    : options_(std::move(options)), client_(std::move(client)), impl_(std::make_unique<Impl>()) {}

HybridLimiter::~HybridLimiter() = default;

HybridLimiter::Counters HybridLimiter::counters() const {
  MutexLock lock(&impl_->mu);
  Counters c = impl_->counters;
  c.keys = impl_->keys.size();
  return c;
}

static void Roll(KeyState& s, int64_t index) {
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

ratelimit::Decision HybridLimiter::Decide(std::string_view key, absl::Time now, int64_t cost) {
  const int64_t window_ns = absl::ToInt64Nanoseconds(options_.window);
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t index = now_ns >= 0 ? now_ns / window_ns : -1;
  const int64_t elapsed_ns = now_ns - index * window_ns;
  ratelimit::Decision d;
  d.limit = options_.limit;
  d.reset_after_ns = window_ns - elapsed_ns;
  if (cost < 0) cost = 0;

  Impl& m = *impl_;
  MutexLock lock(&m.mu);
  if (!m.seen_time) {
    m.seen_time = true;
    m.last_sync_ok = now;  // the stale clock starts with the first decision
  }
  auto it = m.keys.find(AbslView(key));
  if (it == m.keys.end()) {
    if (m.keys.size() >= options_.max_keys) {
      // Evict the least recently used key with nothing of ours unpushed.
      bool evicted = false;
      for (auto lit = m.lru.end(); lit != m.lru.begin();) {
        --lit;
        auto victim = m.keys.find(*lit);
        const KeyState& v = victim->second;
        if (!v.syncing && v.unsynced == 0 && v.pending_prev == 0) {
          m.keys.erase(victim);
          m.lru.erase(lit);
          ++m.counters.evictions;
          evicted = true;
          break;
        }
      }
      if (!evicted) {
        ++m.counters.rejected;
        d.reason = ratelimit::Reason::kLimited;
        d.retry_after_ns = absl::ToInt64Nanoseconds(options_.sync_interval);
        return d;
      }
    }
    m.lru.emplace_front(key);
    it = m.keys.emplace(m.lru.front(), KeyState{}).first;
    it->second.lru = m.lru.begin();
  } else {
    m.lru.splice(m.lru.begin(), m.lru, it->second.lru);
  }
  KeyState& s = it->second;
  Roll(s, index);
  s.last_used = index;

  if (now - m.last_sync_ok > options_.stale_after) {
    // Redis has been away too long: a local limit per node.
    ++m.counters.fallback_decisions;
    if (s.local_count + cost <= options_.fallback_local_limit) {
      s.local_count += cost;
      s.unsynced += cost;
      ++m.counters.allowed;
      d.allowed = true;
      d.reason = ratelimit::Reason::kAllowed;
      d.remaining = options_.fallback_local_limit - s.local_count;
      return d;
    }
    ++m.counters.rejected;
    d.reason = ratelimit::Reason::kLimited;
    d.retry_after_ns = d.reset_after_ns;
    return d;
  }

  const double weight =
      static_cast<double>(window_ns - elapsed_ns) / static_cast<double>(window_ns);
  const int64_t in_flight_cur = s.in_flight_window == index ? s.in_flight : 0;
  const int64_t cur = s.cur_total + s.unsynced + in_flight_cur;
  const double estimate = static_cast<double>(s.prev_total) * weight + static_cast<double>(cur);
  if (cost > options_.limit) {
    ++m.counters.rejected;
    d.reason = ratelimit::Reason::kCostExceedsLimit;
    d.retry_after_ns = ratelimit::Decision::kNever;
    return d;
  }
  if (estimate + static_cast<double>(cost) <= static_cast<double>(options_.limit)) {
    if (s.unsynced + cost > options_.max_unsynced) {
      ++m.counters.rejected;
      ++m.counters.rejected_unsynced;
      d.reason = ratelimit::Reason::kLimited;
      d.remaining = 0;
      d.retry_after_ns = absl::ToInt64Nanoseconds(options_.sync_interval);
      return d;
    }
    s.unsynced += cost;
    s.local_count += cost;
    ++m.counters.allowed;
    d.allowed = true;
    d.reason = ratelimit::Reason::kAllowed;
    d.remaining = static_cast<int64_t>(
        std::floor(static_cast<double>(options_.limit) - estimate - static_cast<double>(cost)));
    return d;
  }
  ++m.counters.rejected;
  d.reason = ratelimit::Reason::kLimited;
  d.remaining = std::max<int64_t>(
      0, static_cast<int64_t>(std::floor(static_cast<double>(options_.limit) - estimate)));
  if (cur + cost > options_.limit || s.prev_total == 0) {
    d.retry_after_ns = window_ns - elapsed_ns;
  } else {
    // prev * (window - e') / window + cur + cost <= limit  =>  e' >= ...
    const double free_share =
        static_cast<double>(options_.limit - cur - cost) / static_cast<double>(s.prev_total);
    const int64_t e2 =
        window_ns - static_cast<int64_t>(std::floor(static_cast<double>(window_ns) * free_share));
    d.retry_after_ns = std::max<int64_t>(1, e2 - elapsed_ns);
  }
  return d;
}

absl::Status HybridLimiter::Sync(absl::Time now) {
  struct Pending {
    std::string key;
    int64_t window;
    int64_t delta;
    int64_t prev_delta;
  };
  const int64_t window_ns = absl::ToInt64Nanoseconds(options_.window);
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t index = now_ns >= 0 ? now_ns / window_ns : -1;
  const std::string ttl_ms = absl::StrCat(2 * absl::ToInt64Milliseconds(options_.window) + 1000);

  std::vector<Pending> pending;
  std::vector<std::vector<std::string>> commands;
  {
    MutexLock lock(&impl_->mu);
    for (auto& [key, s] : impl_->keys) {
      Roll(s, index);
      if (s.syncing) continue;  // a concurrent Sync owns it
      if (s.last_used < index - 1 && s.unsynced == 0 && s.pending_prev == 0) continue;  // idle
      Pending p{key, s.window, s.unsynced, s.pending_prev};
      s.syncing = true;
      s.in_flight = s.unsynced;
      s.in_flight_window = s.window;
      s.unsynced = 0;
      s.pending_prev = 0;
      pending.push_back(std::move(p));
    }
  }
  if (pending.empty()) return absl::OkStatus();
  for (const Pending& p : pending) {
    const std::string base = absl::StrCat(options_.key_prefix, "{", p.key, "}:");
    const std::string cur_key = absl::StrCat(base, p.window);
    const std::string prev_key = absl::StrCat(base, p.window - 1);
    if (p.delta > 0) {
      commands.push_back({"INCRBY", cur_key, absl::StrCat(p.delta)});
      commands.push_back({"PEXPIRE", cur_key, ttl_ms});
    } else {
      commands.push_back({"GET", cur_key});
    }
    if (p.prev_delta > 0) {
      commands.push_back({"INCRBY", prev_key, absl::StrCat(p.prev_delta)});
    } else {
      commands.push_back({"GET", prev_key});
    }
  }
  absl::StatusOr<std::vector<Reply>> replies = client_->Pipeline(commands);

  MutexLock lock(&impl_->mu);
  size_t r = 0;
  for (const Pending& p : pending) {
    auto it = impl_->keys.find(p.key);
    if (it == impl_->keys.end()) continue;  // cannot happen: in-flight keys are never evicted
    KeyState& s = it->second;
    s.syncing = false;
    s.in_flight = 0;
    s.in_flight_window = kNoWindow;
    if (!replies.ok()) {
      // Keep our counts for the next Sync.
      if (s.window == p.window) {
        s.unsynced += p.delta;
        s.pending_prev += p.prev_delta;
      } else if (s.window == p.window + 1) {
        s.pending_prev += p.delta;
      }
      continue;
    }
    const int64_t cur_total = CountOf((*replies)[r]);
    r += p.delta > 0 ? 2 : 1;
    const int64_t prev_total = CountOf((*replies)[r]);
    r += 1;
    if (s.window == p.window) {
      s.cur_total = cur_total;
      s.prev_total = prev_total;
    } else if (s.window == p.window + 1) {
      s.prev_total = cur_total;
    }
  }
  if (!replies.ok()) {
    ++impl_->counters.sync_failures;
    return replies.status();
  }
  ++impl_->counters.syncs;
  impl_->last_sync_ok = now;
  return absl::OkStatus();
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
