// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: subscriber.h
// -----------------------------------------------------------------------------
// `Subscriber`: a Redis pub/sub connection that the host polls. edgekit starts
// no thread: the host calls `Poll(max_wait)` from its own loop or timer, and the
// handlers of the channels that received messages run on that thread, outside
// any internal lock.
//
// When the connection drops, `Poll` reconnects (with backoff, on the injected
// clock) and subscribes again, then calls each channel's `on_resubscribe` hook
// so the owner can catch up on what it missed (for example the revocation sync
// re-reads its keys).
//
// Endpoints: the subscriber connects to `redis.endpoints` in turn, moving to
// the next after a failure. In a Redis Cluster any node will do: a PUBLISH on
// any node reaches the subscribers of every node. AUTH runs on connect as in
// the `Client`.
//
// Example:
//
//   auto sub = edgekit::redis::Subscriber::Create(options);
//   (*sub)->Subscribe("edgekit:purge", [&](std::string_view msg) { ... });
//   for (;;) (*sub)->Poll(absl::Milliseconds(100));   // host's loop
//
// Thread-safety: thread-compatible; call it from one thread (or guard it),
// except `counters()` and `VisitMetrics`, which any thread may call (a metrics
// scrape beside the polling thread).
// Bounds: at most `max_message_bytes` per message (larger ones are dropped and
// counted); at most `max_messages_per_poll` handled per Poll.

#ifndef EDGEKIT_REDIS_SUBSCRIBER_H_
#define EDGEKIT_REDIS_SUBSCRIBER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/redis/client.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct SubscriberOptions {
  // Endpoints, AUTH, connect/command timeouts and backoff (the rest is unused).
  ClientOptions redis;
  // [1, 512 MiB]: larger messages are dropped and counted.
  size_t max_message_bytes = 64 << 10;
  // [1, 2^20].
  size_t max_messages_per_poll = 10000;
};

struct SubscriberCounters {
  uint64_t messages = 0;
  uint64_t dropped_oversized = 0;
  uint64_t connects = 0;
  uint64_t errors = 0;
};

class EDGEKIT_API Subscriber {
 public:
  using Handler = std::function<void(std::string_view message)>;

  // Never connects here. Errors: kInvalidArgument for an option out of range.
  static absl::StatusOr<std::unique_ptr<Subscriber>> Create(SubscriberOptions options,
                                                            Clock& clock = RealClock::Get());
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Registers `handler` for `channel` (one handler per channel; a second call
  // replaces it); at most 1024 channels (more are ignored). `on_resubscribe` runs after each
  // (re)subscription that follows a disconnection. The subscription itself happens on the next
  // Poll.
  void Subscribe(std::string channel, Handler handler,
                 std::function<void()> on_resubscribe = nullptr);

  // Connects and subscribes if needed, then waits at most `max_wait` for
  // messages and dispatches every complete one. Returns the number handled.
  // Errors: kUnavailable when Redis cannot be reached (the next Poll retries
  // after the backoff).
  absl::StatusOr<size_t> Poll(absl::Duration max_wait);

  [[nodiscard]] SubscriberCounters counters() const;
  // Metrics edgekit_redis_subscriber_*.
  void VisitMetrics(MetricsVisitor& visitor) const;
  [[nodiscard]] bool connected() const;

 private:
  struct Impl;
  Subscriber(SubscriberOptions options, Clock& clock);
  absl::Status EnsureSubscribed();
  void Drop();

  const SubscriberOptions options_;
  Clock& clock_;
  std::unique_ptr<Impl> impl_;
  struct Channel {
    std::string name;
    Handler handler;
    std::function<void()> on_resubscribe;
  };
  std::vector<Channel> channels_;
  bool ever_subscribed_ = false;
  absl::Time next_attempt_ = absl::InfinitePast();
  absl::Duration backoff_;
  size_t endpoint_ = 0;  // the endpoint tried next
  std::atomic<uint64_t> messages_{0}, dropped_oversized_{0}, connects_{0}, errors_{0};
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_SUBSCRIBER_H_
