// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/global_limiter.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "redis/scripts.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// {allowed, remaining, retry_after_us, reset_after_us} → Decision.
std::optional<ratelimit::Decision> ParseScriptReply(const Reply& r, int64_t limit) {
  if (r.type != Reply::Type::kArray || r.elements.size() != 4) return std::nullopt;
  for (const Reply& e : r.elements) {
    if (e.type != Reply::Type::kInteger) return std::nullopt;
  }
  ratelimit::Decision d;
  d.limit = limit;
  d.allowed = r.elements[0].integer == 1;
  d.remaining = std::max<int64_t>(0, r.elements[1].integer);
  const int64_t retry_us = r.elements[2].integer;
  d.reset_after_ns = std::max<int64_t>(0, r.elements[3].integer) * 1000;
  if (d.allowed) {
    d.reason = ratelimit::Reason::kAllowed;
  } else if (retry_us < 0) {
    d.reason = ratelimit::Reason::kCostExceedsLimit;
    d.retry_after_ns = ratelimit::Decision::kNever;
  } else {
    d.reason = ratelimit::Reason::kLimited;
    d.retry_after_ns = retry_us * 1000;
  }
  return d;
}

}  // namespace

absl::string_view ToString(GlobalDecision::Source source) {
  switch (source) {
    case GlobalDecision::Source::kRedis:
      return "redis";
    case GlobalDecision::Source::kFallback:
      return "fallback";
    case GlobalDecision::Source::kFailOpen:
      return "fail_open";
    case GlobalDecision::Source::kFailClosed:
      return "fail_closed";
  }
  return "unknown";
}

struct GlobalLimiter::Impl {
  std::vector<std::shared_ptr<Client>> clients;
  std::atomic<size_t> next{0};
  Script script;
  std::unique_ptr<ratelimit::KeyedLimiter<ratelimit::GcraPolicy>> fallback;
  int64_t emission_interval_us = 0;
  int64_t burst = 0;
  explicit Impl(std::string source) : script(std::move(source)) {}
};

absl::StatusOr<std::unique_ptr<GlobalLimiter>> GlobalLimiter::Create(GlobalLimiterOptions options,
                                                                     Clock& clock) {
  if (options.limit <= 0) return absl::InvalidArgumentError("global: limit must be > 0");
  if (options.window < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError("global: window must be >= 1 ms");
  }
  if (options.burst < 0) return absl::InvalidArgumentError("global: burst must be >= 0");
  if (options.connections == 0) return absl::InvalidArgumentError("global: connections == 0");
  if (options.fallback_limit < 0) {
    return absl::InvalidArgumentError("global: fallback_limit must be >= 0");
  }
  auto impl = std::make_unique<Impl>(options.algorithm == GlobalAlgorithm::kGcra
                                         ? redis_internal::kGcraScript
                                         : redis_internal::kSlidingWindowScript);
  for (size_t i = 0; i < options.connections; ++i) {
    auto client = Client::Create(options.redis, clock);
    if (!client.ok()) return client.status();
    impl->clients.push_back(std::move(*client));
  }
  const int64_t window_us = absl::ToInt64Microseconds(options.window);
  impl->emission_interval_us = (window_us + options.limit - 1) / options.limit;
  impl->burst = options.burst == 0 ? options.limit : options.burst;
  if (options.on_failure == FailurePolicy::kLocalFallback && options.fallback_limit > 0) {
    auto policy = ratelimit::GcraPolicy::Create(options.fallback_limit, options.window);
    if (!policy.ok()) return policy.status();
    ratelimit::KeyedLimiterOptions ko;
    ko.max_keys = options.fallback_max_keys;
    // Shards must be a power of two no larger than max_keys.
    ko.shards = 16;
    while (ko.shards > 1 && ko.shards > ko.max_keys) ko.shards /= 2;
    auto keyed = ratelimit::KeyedLimiter<ratelimit::GcraPolicy>::Create(*policy, ko, clock);
    if (!keyed.ok()) return keyed.status();
    impl->fallback = std::move(*keyed);
  }
  return std::unique_ptr<GlobalLimiter>(
      new GlobalLimiter(std::move(options), clock, std::move(impl)));
}

GlobalLimiter::GlobalLimiter(GlobalLimiterOptions options, Clock& clock, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), clock_(clock), impl_(std::move(impl)) {}

GlobalLimiter::~GlobalLimiter() = default;

GlobalLimiter::Counters GlobalLimiter::counters() const {
  Counters c;
  c.redis_decisions = redis_decisions_.load(std::memory_order_relaxed);
  c.failures = failures_.load(std::memory_order_relaxed);
  c.allowed = allowed_.load(std::memory_order_relaxed);
  c.rejected = rejected_.load(std::memory_order_relaxed);
  return c;
}

void GlobalLimiter::Count(const GlobalDecision& d) {
  (d.decision.allowed ? allowed_ : rejected_).fetch_add(1, std::memory_order_relaxed);
  if (d.source == GlobalDecision::Source::kRedis) {
    redis_decisions_.fetch_add(1, std::memory_order_relaxed);
  } else {
    failures_.fetch_add(1, std::memory_order_relaxed);
  }
}

GlobalDecision GlobalLimiter::OnFailure(std::string_view key, absl::Time now, int64_t cost) {
  GlobalDecision g;
  g.decision.limit = options_.limit;
  switch (options_.on_failure) {
    case FailurePolicy::kFailOpen:
      g.source = GlobalDecision::Source::kFailOpen;
      g.decision.allowed = true;
      g.decision.reason = ratelimit::Reason::kAllowed;
      break;
    case FailurePolicy::kFailClosed:
      g.source = GlobalDecision::Source::kFailClosed;
      g.decision.reason = ratelimit::Reason::kLimited;
      g.decision.retry_after_ns = absl::ToInt64Nanoseconds(options_.redis.reconnect_backoff_min);
      break;
    case FailurePolicy::kLocalFallback:
      g.source = GlobalDecision::Source::kFallback;
      if (impl_->fallback != nullptr) {
        g.decision = impl_->fallback->TryAcquire(key, now, cost);
      } else {
        g.decision.reason = ratelimit::Reason::kLimited;  // a fallback limit of 0
        g.decision.retry_after_ns = absl::ToInt64Nanoseconds(options_.redis.reconnect_backoff_min);
      }
      break;
  }
  Count(g);
  return g;
}

std::vector<std::string> GlobalLimiter::ScriptArgs(std::string_view key, absl::Time now,
                                                   int64_t cost,
                                                   std::vector<std::string>* keys) const {
  const int64_t now_us = absl::ToUnixMicros(now);
  const std::string base = absl::StrCat(options_.key_prefix, "{", AbslView(key), "}");
  if (options_.algorithm == GlobalAlgorithm::kGcra) {
    *keys = {base};
    return {absl::StrCat(now_us), absl::StrCat(impl_->emission_interval_us),
            absl::StrCat(impl_->burst), absl::StrCat(cost)};
  }
  const int64_t window_us = absl::ToInt64Microseconds(options_.window);
  const int64_t index = now_us >= 0 ? now_us / window_us : -1;
  *keys = {absl::StrCat(base, ":", index), absl::StrCat(base, ":", index - 1)};
  return {absl::StrCat(now_us), absl::StrCat(window_us), absl::StrCat(options_.limit),
          absl::StrCat(cost), absl::StrCat(index * window_us)};
}

GlobalDecision GlobalLimiter::Decide(std::string_view key, int64_t cost) {
  return Decide(key, clock_.SystemNow(), cost);
}

GlobalDecision GlobalLimiter::Decide(std::string_view key, absl::Time now, int64_t cost) {
  std::vector<std::string> keys;
  const std::vector<std::string> args = ScriptArgs(key, now, cost, &keys);
  const size_t n = impl_->clients.size();
  const size_t start = impl_->next.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    Client& client = *impl_->clients[(start + i) % n];
    absl::StatusOr<Reply> reply = client.Eval(impl_->script, keys, args, Wait::kNoWait);
    if (!reply.ok()) {
      if (absl::IsUnavailable(reply.status()) &&
          absl::StrContains(reply.status().message(), "busy")) {
        continue;  // another request holds this connection: try the next one
      }
      break;
    }
    if (auto d = ParseScriptReply(*reply, options_.limit); d.has_value()) {
      GlobalDecision g{*d, GlobalDecision::Source::kRedis};
      Count(g);
      return g;
    }
    break;
  }
  return OnFailure(key, now, cost);
}

std::vector<GlobalDecision> GlobalLimiter::DecideBatch(absl::Span<const std::string_view> keys,
                                                       absl::Time now, int64_t cost) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size());
  for (std::string_view key : keys) {
    std::vector<std::string> rkeys;
    std::vector<std::string> args = ScriptArgs(key, now, cost, &rkeys);
    std::vector<std::string> cmd = {"EVALSHA", impl_->script.sha1(), absl::StrCat(rkeys.size())};
    cmd.insert(cmd.end(), rkeys.begin(), rkeys.end());
    cmd.insert(cmd.end(), args.begin(), args.end());
    commands.push_back(std::move(cmd));
  }
  std::vector<GlobalDecision> out;
  out.reserve(keys.size());
  Client& client =
      *impl_->clients[impl_->next.fetch_add(1, std::memory_order_relaxed) % impl_->clients.size()];
  absl::StatusOr<std::vector<Reply>> replies = client.Pipeline(commands);
  if (replies.ok() && !replies->empty() && (*replies)[0].is_error() &&
      absl::StartsWith((*replies)[0].str, "NOSCRIPT")) {
    // Load once and run the batch again (nothing ran: every reply was NOSCRIPT).
    auto loaded = client.Command({"SCRIPT", "LOAD", impl_->script.source()});
    replies = loaded.ok() ? client.Pipeline(commands)
                          : absl::StatusOr<std::vector<Reply>>(loaded.status());
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<ratelimit::Decision> d;
    if (replies.ok() && i < replies->size()) d = ParseScriptReply((*replies)[i], options_.limit);
    if (d.has_value()) {
      GlobalDecision g{*d, GlobalDecision::Source::kRedis};
      Count(g);
      out.push_back(g);
    } else {
      out.push_back(OnFailure(keys[i], now, cost));
    }
  }
  return out;
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
