// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: async_client.h
// -----------------------------------------------------------------------------
// The event-loop Redis client: an adapter of the command builders of
// commands.h over hiredis's asynchronous API on the host's libevent loop
// (hiredis's libevent adapter). `Submit` returns at once; the reply comes to
// a callback on the loop. Commands are pipelined on `connections` sockets per
// server; deadlines are libevent timers.
//
// Same options and behaviour as the sync `Client` (client.h): AUTH and SELECT
// on connect; a fault (no reply before the deadline, refused, reset, closed)
// closes the connection and fails its outstanding commands; reconnecting
// waits for the backoff on the injected clock; Redis Cluster slot routing
// with MOVED / ASK / TRYAGAIN / NOSCRIPT followed and the slot map refreshed.
// A connection whose queue holds `max_queue` commands refuses more
// (kResourceExhausted) until replies drain it. Bounds: a reply's arrays and
// strings may take at most `max_reply_bytes` while hiredis builds them; unlike
// the sync client, the bytes of one bulk string still arriving are buffered by
// hiredis until it is complete or the command's deadline closes the connection.
//
// Example:
//
//   event_base* base = event_base_new();
//   auto client = edgekit::redis::AsyncClient::Create(options, base);
//   (*client)->Submit({"PING"}, [](absl::StatusOr<edgekit::redis::Reply> r) { ... });
//   event_base_dispatch(base);
//
// Thread-safety: not thread-safe. Call it, and destroy it, on the loop's
// thread. Callbacks run on the loop, never inside Submit; destroying the
// client runs every outstanding callback with kCancelled (so do not destroy it
// from one of its own callbacks).

#ifndef EDGEKIT_REDIS_ASYNC_CLIENT_H_
#define EDGEKIT_REDIS_ASYNC_CLIENT_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/command.h"

struct event_base;

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

class EDGEKIT_API AsyncClient {
 public:
  using Callback = absl::AnyInvocable<void(absl::StatusOr<Reply>)>;

  // Never connects here. Errors: kInvalidArgument as Client::Create, or a
  // null `base`. `base` must outlive the client.
  static absl::StatusOr<std::unique_ptr<AsyncClient>> Create(ClientOptions options,
                                                             event_base* base,
                                                             Clock& clock = RealClock::Get());
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // Sends `command`; `done` gets its reply (a server error reply is a Reply of
  // type kError) or kUnavailable / kDeadlineExceeded / kResourceExhausted /
  // kUnauthenticated / kInvalidArgument, as Client::Execute documents. The
  // deadline is `command_timeout` or `timeout` from now (real time).
  void Submit(Command command, Callback done);
  void Submit(Command command, absl::Duration timeout, Callback done);

  [[nodiscard]] ClientCounters counters() const;
  // Metrics edgekit_redis_async_client_*.
  void VisitMetrics(MetricsVisitor& visitor) const;
  [[nodiscard]] const ClientOptions& options() const;

 private:
  struct Impl;
  explicit AsyncClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_ASYNC_CLIENT_H_
