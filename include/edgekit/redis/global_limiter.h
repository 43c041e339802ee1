// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: global_limiter.h
// -----------------------------------------------------------------------------
// `GlobalLimiter`: fleet-wide rate-limit decisions made atomically in Redis,
// one Lua script per algorithm (GCRA, sliding-window counter). Every node that
// shares the Redis (or Redis Cluster: each key's Redis keys share a hash tag,
// `{key}`, so a script touches one slot) sees one limit.
//
// Times are the caller's wall clock (`Clock::SystemNow()`), passed to the
// script; fleet nodes must keep their clocks in sync (NTP). The script never
// reads the server's clock, so decisions are deterministic given their inputs.
//
// Failure behaviour: a decision never waits longer than one command timeout
// (`redis.command_timeout`): calls use a small pool of connections without
// queueing (`Wait::kNoWait`), and while Redis is unreachable the clients fail
// fast until their reconnect backoff is over. A decision that cannot reach
// Redis follows `on_failure`: fail open (allow), fail closed (reject), or a
// local per-node limit (`fallback_limit` per window, GCRA, bounded table).
// Recovery is automatic: the next decision after the backoff tries Redis again.
//
// Example:
//
//   edgekit::redis::GlobalLimiterOptions o;
//   o.limit = 1000; o.window = absl::Minutes(1);
//   o.on_failure = edgekit::redis::FailurePolicy::kLocalFallback;
//   o.fallback_limit = 250;  // a quarter of the limit: 4 nodes
//   auto limiter = edgekit::redis::GlobalLimiter::Create(o);
//   edgekit::redis::GlobalDecision d = (*limiter)->Decide(api_key);
//
// Thread-safety: thread-safe.

#ifndef EDGEKIT_REDIS_GLOBAL_LIMITER_H_
#define EDGEKIT_REDIS_GLOBAL_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/redis/client.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

enum class GlobalAlgorithm { kGcra, kSlidingWindowCounter };
enum class FailurePolicy { kFailOpen, kFailClosed, kLocalFallback };

struct GlobalLimiterOptions {
  // Redis keys: "<prefix>{<key>}" (GCRA) or "<prefix>{<key>}:<window>" (SWC).
  std::string key_prefix = "edgekit:gl:";
  GlobalAlgorithm algorithm = GlobalAlgorithm::kGcra;
  int64_t limit = 0;  // units per window
  absl::Duration window = absl::Seconds(60);
  int64_t burst = 0;  // GCRA burst (0: limit)
  FailurePolicy on_failure = FailurePolicy::kLocalFallback;
  int64_t fallback_limit = 0;  // per node per window
  size_t fallback_max_keys = 100000;
  ClientOptions redis;
  size_t connections = 4;  // pool size
};

struct GlobalDecision {
  enum class Source : uint8_t { kRedis, kFallback, kFailOpen, kFailClosed };
  ratelimit::Decision decision;
  Source source = Source::kRedis;
};

[[nodiscard]] EDGEKIT_API absl::string_view ToString(GlobalDecision::Source source);

class EDGEKIT_API GlobalLimiter {
 public:
  // Errors: kInvalidArgument (limit <= 0, window < 1 ms, burst < 0, zero
  // connections, negative fallback, bad Redis options). Never connects here.
  static absl::StatusOr<std::unique_ptr<GlobalLimiter>> Create(GlobalLimiterOptions options,
                                                               Clock& clock = RealClock::Get());
  ~GlobalLimiter();

  GlobalDecision Decide(std::string_view key, int64_t cost = 1);
  GlobalDecision Decide(std::string_view key, absl::Time now, int64_t cost = 1);

  // Decides for several keys in one pipelined round trip (each key once, in
  // order). On failure every decision follows `on_failure`.
  std::vector<GlobalDecision> DecideBatch(absl::Span<const std::string_view> keys, absl::Time now,
                                          int64_t cost = 1);

  struct Counters {
    uint64_t redis_decisions = 0;
    uint64_t failures = 0;  // decisions that could not use Redis
    uint64_t allowed = 0;
    uint64_t rejected = 0;
  };
  Counters counters() const;

 private:
  struct Impl;
  GlobalLimiter(GlobalLimiterOptions options, Clock& clock, std::unique_ptr<Impl> impl);
  GlobalDecision OnFailure(std::string_view key, absl::Time now, int64_t cost);
  std::vector<std::string> ScriptArgs(std::string_view key, absl::Time now, int64_t cost,
                                      std::vector<std::string>* keys) const;
  void Count(const GlobalDecision& d);

  const GlobalLimiterOptions options_;
  Clock& clock_;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> redis_decisions_{0}, failures_{0}, allowed_{0}, rejected_{0};
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_GLOBAL_LIMITER_H_
