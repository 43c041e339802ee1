// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/global_limiter.h"

#include <atomic>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/redis/commands.h"
#include "redis/metrics_util.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("redis: global limiter: ", AbslView(what)));
}

// The algorithm without I/O: builds each decision's command, turns its reply
// (or its failure) into a decision, applies the failure policy and counts.
// Shared by the sync and the event-loop limiters. Thread-safe.
class Core {
 public:
  static absl::StatusOr<std::unique_ptr<Core>> Create(GlobalLimiterOptions options, Clock& clock);

  Command Build(std::string_view key, absl::Time now, int64_t cost) const {
    if (options_.algorithm == GlobalAlgorithm::kGcra) {
      return BuildGcraCommand(options_.key_prefix, key, now, emission_interval_us_, burst_, cost);
    }
    return BuildSlidingWindowCommand(options_.key_prefix, key, now, options_.window, options_.limit,
                                     cost);
  }

  GlobalDecision Complete(std::string_view key, absl::Time now, int64_t cost,
                          const absl::StatusOr<Reply>& reply) {
    absl::Status cause;
    if (reply.ok()) {
      if (std::optional<ratelimit::Decision> d = ParseLimitReply(*reply, options_.limit)) {
        GlobalDecision g{*d, GlobalDecision::Source::kRedis};
        Count(g);
        return g;
      }
      cause = absl::InternalError(
          absl::StrCat("redis: unexpected limit reply", reply->is_error() ? ": " : "", reply->str));
    } else {
      cause = reply.status();
    }
    return OnFailure(key, now, cost, std::move(cause));
  }

  GlobalLimiterCounters counters() const {
    GlobalLimiterCounters c;
    c.redis_decisions = redis_decisions_.load(std::memory_order_relaxed);
    c.failure_policy_decisions = failures_.load(std::memory_order_relaxed);
    c.allowed = allowed_.load(std::memory_order_relaxed);
    c.rejected = rejected_.load(std::memory_order_relaxed);
    return c;
  }

  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  Core(GlobalLimiterOptions options) : options_(std::move(options)) {}

  GlobalDecision OnFailure(std::string_view key, absl::Time now, int64_t cost, absl::Status cause);
  void Count(const GlobalDecision& d) {
    (d.decision.allowed ? allowed_ : rejected_).fetch_add(1, std::memory_order_relaxed);
    (d.source == GlobalDecision::Source::kRedis ? redis_decisions_ : failures_)
        .fetch_add(1, std::memory_order_relaxed);
  }

  const GlobalLimiterOptions options_;
  int64_t emission_interval_us_ = 0;
  int64_t burst_ = 0;
  std::unique_ptr<ratelimit::KeyedLimiter<ratelimit::GcraPolicy>> fallback_;
  std::atomic<uint64_t> redis_decisions_{0}, failures_{0}, allowed_{0}, rejected_{0};
};

absl::StatusOr<std::unique_ptr<Core>> Core::Create(GlobalLimiterOptions o, Clock& clock) {
  const int64_t window_us = absl::ToInt64Microseconds(o.window);
  if (o.window < absl::Milliseconds(1) || o.window > absl::Hours(24 * 365)) {
    return Invalid("window must be in [1ms, 365 days]");
  }
  if (o.limit < 1 || o.limit > window_us) {
    return Invalid("limit must be in [1, window in microseconds]");
  }
  if (o.burst < 0 || o.burst >= kMaxExactScriptNumber) return Invalid("burst must be in [0, 2^53)");
  if (o.fallback_limit < 0 || o.fallback_limit >= kMaxExactScriptNumber) {
    return Invalid("fallback_limit must be in [0, 2^53)");
  }
  if (o.fallback_max_keys < 1 || o.fallback_max_keys > (size_t{1} << 32)) {
    return Invalid("fallback_max_keys must be in [1, 2^32]");
  }
  if (o.failure_retry_after <= absl::ZeroDuration() || o.failure_retry_after > o.window) {
    return Invalid("failure_retry_after must be in (0, window]");
  }
  auto core = std::unique_ptr<Core>(new Core(std::move(o)));
  const GlobalLimiterOptions& opt = core->options_;
  core->emission_interval_us_ = (window_us + opt.limit - 1) / opt.limit;
  core->burst_ = opt.burst == 0 ? opt.limit : opt.burst;
  if (opt.on_failure == FailurePolicy::kLocalFallback && opt.fallback_limit > 0) {
    auto policy = ratelimit::GcraPolicy::Create(opt.fallback_limit, opt.window);
    if (!policy.ok()) return policy.status();
    ratelimit::KeyedLimiterOptions ko;
    ko.max_keys = opt.fallback_max_keys;
    // Shards: a power of two no larger than max_keys.
    ko.shards = 16;
    while (ko.shards > 1 && ko.shards > ko.max_keys) ko.shards /= 2;
    auto keyed = ratelimit::KeyedLimiter<ratelimit::GcraPolicy>::Create(*policy, ko, clock);
    if (!keyed.ok()) return keyed.status();
    core->fallback_ = std::move(*keyed);
  }
  return core;
}

GlobalDecision Core::OnFailure(std::string_view key, absl::Time now, int64_t cost,
                               absl::Status cause) {
  GlobalDecision g;
  g.decision.limit = options_.limit;
  const int64_t retry_ns = absl::ToInt64Nanoseconds(options_.failure_retry_after);
  switch (options_.on_failure) {
    case FailurePolicy::kFailOpen:
      g.source = GlobalDecision::Source::kFailOpen;
      g.decision.allowed = true;
      g.decision.reason = ratelimit::Reason::kAllowed;
      break;
    case FailurePolicy::kFailClosed:
      g.source = GlobalDecision::Source::kFailClosed;
      g.decision.reason = ratelimit::Reason::kLimited;
      g.decision.retry_after_ns = retry_ns;
      break;
    case FailurePolicy::kLocalFallback:
      g.source = GlobalDecision::Source::kFallback;
      if (fallback_ != nullptr) {
        g.decision = fallback_->TryAcquire(key, now, cost);
      } else {
        g.decision.reason = ratelimit::Reason::kLimited;  // a fallback limit of 0
        g.decision.retry_after_ns = retry_ns;
      }
      break;
  }
  Count(g);
  if (options_.observer != nullptr) {
    options_.observer->OnFailurePolicyDecision(FailurePolicyDecision{
        "global", key, options_.on_failure, g.decision.allowed, std::move(cause)});
  }
  return g;
}

void Core::VisitMetrics(MetricsVisitor& visitor) const {
  const GlobalLimiterCounters c = counters();
  const MetricLabel algorithm[] = {{"algorithm", ToString(options_.algorithm)}};
  const redis_internal::MetricEmitter emit(visitor, algorithm);
  emit.Counter("edgekit_redis_global_redis_decisions_total", "Decisions made by Redis",
               c.redis_decisions);
  emit.Counter("edgekit_redis_global_failure_policy_decisions_total",
               "Decisions made by the failure policy because Redis could not decide",
               c.failure_policy_decisions);
  emit.Counter("edgekit_redis_global_allowed_total", "Requests allowed", c.allowed);
  emit.Counter("edgekit_redis_global_rejected_total", "Requests rejected", c.rejected);
}

}  // namespace

std::string_view ToString(FailurePolicy policy) {
  switch (policy) {
    case FailurePolicy::kFailOpen:
      return "fail_open";
    case FailurePolicy::kFailClosed:
      return "fail_closed";
    case FailurePolicy::kLocalFallback:
      return "local_fallback";
  }
  return "unknown";
}

std::string_view ToString(GlobalAlgorithm algorithm) {
  switch (algorithm) {
    case GlobalAlgorithm::kGcra:
      return "gcra";
    case GlobalAlgorithm::kSlidingWindowCounter:
      return "sliding_window_counter";
  }
  return "unknown";
}

std::string_view ToString(GlobalDecision::Source source) {
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

// ---------------------------------------------------------------------------
// GlobalLimiter: the sync adapter.

struct GlobalLimiter::Impl {
  std::unique_ptr<Core> core;
  std::shared_ptr<Client> client;
  Clock& clock;
};

absl::StatusOr<std::unique_ptr<GlobalLimiter>> GlobalLimiter::Create(GlobalLimiterOptions options,
                                                                     std::shared_ptr<Client> client,
                                                                     Clock& clock) {
  if (client == nullptr) return Invalid("client must not be null");
  auto core = Core::Create(std::move(options), clock);
  if (!core.ok()) return core.status();
  return std::unique_ptr<GlobalLimiter>(
      new GlobalLimiter(std::make_unique<Impl>(Impl{std::move(*core), std::move(client), clock})));
}

GlobalLimiter::GlobalLimiter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GlobalLimiter::~GlobalLimiter() = default;

GlobalDecision GlobalLimiter::Decide(std::string_view key, int64_t cost) {
  return Decide(key, impl_->clock.SystemNow(), cost);
}

GlobalDecision GlobalLimiter::Decide(std::string_view key, absl::Time now, int64_t cost) {
  return impl_->core->Complete(key, now, cost,
                               impl_->client->Execute(impl_->core->Build(key, now, cost)));
}

std::vector<GlobalDecision> GlobalLimiter::DecideBatch(absl::Span<const std::string_view> keys,
                                                       absl::Time now, int64_t cost) {
  std::vector<Command> commands;
  commands.reserve(keys.size());
  for (std::string_view key : keys) commands.push_back(impl_->core->Build(key, now, cost));
  std::vector<absl::StatusOr<Reply>> replies = impl_->client->ExecuteBatch(commands);
  std::vector<GlobalDecision> out;
  out.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    out.push_back(impl_->core->Complete(keys[i], now, cost, replies[i]));
  }
  return out;
}

GlobalLimiterCounters GlobalLimiter::counters() const { return impl_->core->counters(); }
void GlobalLimiter::VisitMetrics(MetricsVisitor& visitor) const {
  impl_->core->VisitMetrics(visitor);
}

// ---------------------------------------------------------------------------
// AsyncGlobalLimiter: the event-loop adapter.

struct AsyncGlobalLimiter::Impl {
  std::unique_ptr<Core> core;
  AsyncClient& client;
};

absl::StatusOr<std::unique_ptr<AsyncGlobalLimiter>> AsyncGlobalLimiter::Create(
    GlobalLimiterOptions options, AsyncClient& client, Clock& clock) {
  auto core = Core::Create(std::move(options), clock);
  if (!core.ok()) return core.status();
  return std::unique_ptr<AsyncGlobalLimiter>(
      new AsyncGlobalLimiter(std::make_shared<Impl>(Impl{std::move(*core), client})));
}

AsyncGlobalLimiter::AsyncGlobalLimiter(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsyncGlobalLimiter::~AsyncGlobalLimiter() = default;

void AsyncGlobalLimiter::Decide(std::string_view key, absl::Time now, int64_t cost, Callback done) {
  // The callback keeps the core alive: the limiter may go before its replies.
  impl_->client.Submit(impl_->core->Build(key, now, cost),
                       [impl = impl_, key = std::string(key), now, cost,
                        done = std::move(done)](absl::StatusOr<Reply> reply) mutable {
                         GlobalDecision d = impl->core->Complete(key, now, cost, reply);
                         if (done) done(d);
                       });
}

GlobalLimiterCounters AsyncGlobalLimiter::counters() const { return impl_->core->counters(); }
void AsyncGlobalLimiter::VisitMetrics(MetricsVisitor& visitor) const {
  impl_->core->VisitMetrics(visitor);
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
