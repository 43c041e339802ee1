// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: global_limiter.h
// -----------------------------------------------------------------------------
// Fleet-wide rate-limit decisions made atomically in Redis, one Lua script per
// algorithm (GCRA, sliding-window counter; commands.h builds them). Every node
// that shares the Redis, or the Redis Cluster (each key's Redis keys share a
// hash tag, so a script touches one slot), sees one limit.
//
// `GlobalLimiter` decides through the sync `Client` (the calling thread waits
// for the reply); `AsyncGlobalLimiter` through the event-loop `AsyncClient`
// (the decision comes to a callback). Both apply the same failure policy: a
// decision Redis could not make (no reply before the client's deadline,
// connection refused or reset, a malformed reply) follows `on_failure` and is
// reported to the observer. A busy connection is not a failure: the client
// queues and pipelines.
//
// Times are the caller's wall clock (`Clock::SystemNow()`), passed to the
// script; fleet nodes keep their clocks in sync (NTP).
//
// Example:
//
//   auto client = std::shared_ptr<edgekit::redis::Client>(
//       edgekit::redis::Client::Create(client_options).value());
//   edgekit::redis::GlobalLimiterOptions o;
//   o.limit = 1000; o.window = absl::Minutes(1);
//   o.on_failure = edgekit::redis::FailurePolicy::kLocalFallback;
//   o.fallback_limit = 250;  // a quarter of the limit: 4 nodes
//   auto limiter = edgekit::redis::GlobalLimiter::Create(o, client);
//   edgekit::redis::GlobalDecision d = (*limiter)->Decide(api_key);
//
// Thread-safety: GlobalLimiter is thread-safe; AsyncGlobalLimiter belongs to
// its event loop's thread, like its client.

#ifndef EDGEKIT_REDIS_GLOBAL_LIMITER_H_
#define EDGEKIT_REDIS_GLOBAL_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/redis/async_client.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/failure_policy.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

enum class GlobalAlgorithm : uint8_t { kGcra, kSlidingWindowCounter };
[[nodiscard]] EDGEKIT_API std::string_view ToString(GlobalAlgorithm algorithm);  // "gcra", ...

struct GlobalLimiterOptions {
  // Redis keys: "<prefix>{<key>}" (GCRA) or "<prefix>{<key>}:<window>" (SWC).
  std::string key_prefix = "edgekit:gl:";
  GlobalAlgorithm algorithm = GlobalAlgorithm::kGcra;
  // Units per window; [1, window in microseconds] (GCRA spaces units by
  // window / limit, in whole microseconds).
  int64_t limit = 0;
  // [1 ms, 365 days].
  absl::Duration window = absl::Seconds(60);
  // GCRA burst; 0 means `limit`; [0, 2^53).
  int64_t burst = 0;
  FailurePolicy on_failure = FailurePolicy::kLocalFallback;
  // kLocalFallback: units per window per node, GCRA in a bounded table of
  // `fallback_max_keys` keys; [0, 2^53) and [1, 2^32].
  int64_t fallback_limit = 0;
  size_t fallback_max_keys = 100000;
  // The Retry-After hint of a rejection the failure policy made (fail closed,
  // or a fallback limit of 0); (0, window].
  absl::Duration failure_retry_after = absl::Seconds(1);
  LimiterObserver* observer = nullptr;
};

struct GlobalDecision {
  enum class Source : uint8_t { kRedis, kFallback, kFailOpen, kFailClosed };
  ratelimit::Decision decision;
  Source source = Source::kRedis;
};

// "redis", "fallback", "fail_open", "fail_closed".
[[nodiscard]] EDGEKIT_API std::string_view ToString(GlobalDecision::Source source);

struct GlobalLimiterCounters {
  uint64_t redis_decisions = 0;
  uint64_t failure_policy_decisions = 0;  // decisions Redis could not make
  uint64_t allowed = 0;
  uint64_t rejected = 0;
};

class EDGEKIT_API GlobalLimiter {
 public:
  // Never connects here. Errors: kInvalidArgument for an option out of its
  // range (the message names it) or a null client.
  static absl::StatusOr<std::unique_ptr<GlobalLimiter>> Create(GlobalLimiterOptions options,
                                                               std::shared_ptr<Client> client,
                                                               Clock& clock = RealClock::Get());
  ~GlobalLimiter();
  GlobalLimiter(const GlobalLimiter&) = delete;
  GlobalLimiter& operator=(const GlobalLimiter&) = delete;

  // One decision; waits at most the client's command_timeout. `now` is wall
  // time (the overload without it reads the clock's SystemNow()).
  GlobalDecision Decide(std::string_view key, int64_t cost = 1);
  GlobalDecision Decide(std::string_view key, absl::Time now, int64_t cost = 1);

  // One decision per key, in order, pipelined, all within one
  // command_timeout. Each decision Redis could not make follows `on_failure`.
  std::vector<GlobalDecision> DecideBatch(absl::Span<const std::string_view> keys, absl::Time now,
                                          int64_t cost = 1);

  [[nodiscard]] GlobalLimiterCounters counters() const;
  // Metrics edgekit_redis_global_*.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  struct Impl;
  explicit GlobalLimiter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class EDGEKIT_API AsyncGlobalLimiter {
 public:
  using Callback = absl::AnyInvocable<void(GlobalDecision)>;

  // Errors: as GlobalLimiter::Create. `client` must outlive the limiter.
  static absl::StatusOr<std::unique_ptr<AsyncGlobalLimiter>> Create(
      GlobalLimiterOptions options, AsyncClient& client, Clock& clock = RealClock::Get());
  ~AsyncGlobalLimiter();
  AsyncGlobalLimiter(const AsyncGlobalLimiter&) = delete;
  AsyncGlobalLimiter& operator=(const AsyncGlobalLimiter&) = delete;

  // Sends the decision's command and returns at once; `done` runs on the
  // event loop with the decision (never inside Decide).
  void Decide(std::string_view key, absl::Time now, int64_t cost, Callback done);

  [[nodiscard]] GlobalLimiterCounters counters() const;
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  struct Impl;
  explicit AsyncGlobalLimiter(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_GLOBAL_LIMITER_H_
