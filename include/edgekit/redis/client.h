// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: client.h
// -----------------------------------------------------------------------------
// The sync Redis client of edgekit's fleet backends: a blocking adapter over
// the command builders of commands.h, for hosts that call from worker threads.
// (Event-loop hosts use `AsyncClient`, async_client.h.)
//
// Multiplexed: concurrent callers share `connections` sockets per server by
// pipelining. A caller's command is queued on the least loaded connection and
// written together with the others queued meanwhile; replies are handed back
// in order. A busy connection is never a failure: only a real fault is (no
// reply before the deadline, connection refused, reset or closed, a queue that
// stays full until the deadline).
//
// Deadlines: every call returns by its deadline (`command_timeout`, or the
// timeout passed), measured in real time since sockets wait in real time;
// connecting and waiting for room in the queue count against it. A fault
// closes the connection; the next attempt waits for the reconnect backoff,
// measured on the injected clock, and calls to a server whose connections all
// wait fail at once with kUnavailable.
//
// Redis Cluster (`topology = kCluster`): the slot map is read with CLUSTER
// SLOTS from the seed endpoints, each command goes to the primary of its
// key's hash slot, MOVED and ASK redirections are followed (ASKING) and the
// map is read again after a MOVED or a failed node (at most once per
// `cluster_refresh_interval`). TRYAGAIN is retried within `max_redirects`.
//
// AUTH (password, or ACL user and password) and SELECT run on every new
// connection. RESP2 only; no TLS (Debian's hiredis 0.14 has none); Sentinel is
// not supported.
//
// Example:
//
//   edgekit::redis::ClientOptions options;
//   options.endpoints = {{"10.0.0.5", 6379}};
//   options.password = "s3cret";
//   auto client = edgekit::redis::Client::Create(options);
//   if (!client.ok()) return client.status();
//   absl::StatusOr<edgekit::redis::Reply> pong = (*client)->Execute({"PING"});
//
// Thread-safety: thread-safe. The observer is called on the thread whose call
// saw the event, after the call's locks are released.

#ifndef EDGEKIT_REDIS_CLIENT_H_
#define EDGEKIT_REDIS_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

enum class Topology : uint8_t { kStandalone, kCluster };
[[nodiscard]] EDGEKIT_API std::string_view ToString(Topology topology);  // "standalone", "cluster"

struct ConnectionLost {
  std::string_view endpoint;  // "host:port"
  absl::Status status;        // why: kUnavailable, kDeadlineExceeded, kUnauthenticated...
};
struct ConnectionRestored {
  std::string_view endpoint;
};
struct ClusterMapRefreshed {
  std::string_view endpoint;  // the node that answered (empty when none did)
  absl::Status status;        // OK, or why no node gave a usable map
  size_t ranges = 0;
  size_t primaries = 0;
};

// Events a host logs. Called on the thread whose call caused the event, never
// under an internal lock; must not throw; must outlive the client. A loss is
// reported once per connection until it is restored.
class ClientObserver {
 public:
  virtual ~ClientObserver() = default;
  virtual void OnConnectionLost(const ConnectionLost& /*event*/) {}
  virtual void OnConnectionRestored(const ConnectionRestored& /*event*/) {}
  virtual void OnClusterMapRefreshed(const ClusterMapRefreshed& /*event*/) {}
};

struct ClientOptions {
  // Standalone: exactly one server. Cluster: one or more seed nodes.
  std::vector<Endpoint> endpoints = {Endpoint{}};
  Topology topology = Topology::kStandalone;
  // AUTH on connect: `password` alone (requirepass, or the default ACL user),
  // or `username` and `password` (an ACL user). Empty password: no AUTH.
  std::string username;
  std::string password;
  // SELECT on connect; [0, 2^31). Redis Cluster has database 0 only.
  int database = 0;
  // Sockets per server, shared by all callers; [1, 64].
  size_t connections = 4;
  // Commands queued or in flight per socket; [1, 2^20]. A caller waits for
  // room until its deadline.
  size_t max_queue = 1024;
  // Bound on opening a connection (within the call's deadline); > 0.
  absl::Duration connect_timeout = absl::Milliseconds(100);
  // A call's deadline unless one is passed; > 0.
  absl::Duration command_timeout = absl::Milliseconds(50);
  // Reconnect backoff (injected clock): first wait, doubled after each
  // failure up to the max; 0 < min <= max.
  absl::Duration reconnect_backoff_min = absl::Milliseconds(50);
  absl::Duration reconnect_backoff_max = absl::Seconds(2);
  // Bound on one reply's bytes (strings and array bookkeeping); [1 KiB, 1 GiB].
  size_t max_reply_bytes = 16 << 20;
  // Cluster: redirections (MOVED, ASK, TRYAGAIN, NOSCRIPT) followed per
  // command; [1, 64]. Minimum time between two slot-map reads; >= 0.
  size_t max_redirects = 8;
  absl::Duration cluster_refresh_interval = absl::Milliseconds(100);
  // Cluster: bound on distinct nodes known; [1, 4096].
  size_t max_cluster_nodes = 1024;
  ClientObserver* observer = nullptr;
};

struct ClientCounters {
  uint64_t commands = 0;  // replies received (each redirection's too)
  uint64_t writes = 0;    // socket writes carrying commands
  uint64_t reads = 0;     // socket reads that brought replies (commands / reads: pipelining)
  uint64_t timeouts = 0;  // commands that got no reply before their deadline
  uint64_t connection_errors = 0;  // refused, reset, closed, protocol, AUTH/SELECT refused
  uint64_t fast_failures = 0;      // refused at once: the server's sockets wait to reconnect
  uint64_t queue_full = 0;         // commands that found no room before their deadline
  uint64_t connects = 0;           // connections opened (first ones included)
  uint64_t moved = 0;              // MOVED redirections followed
  uint64_t ask = 0;                // ASK redirections followed
  uint64_t tryagain = 0;           // TRYAGAIN replies retried
  uint64_t script_reloads = 0;     // NOSCRIPT answered by resending the script
  uint64_t cluster_refreshes = 0;  // slot maps read
  uint64_t connected = 0;          // gauge: sockets open now
};

class EDGEKIT_API Client {
 public:
  // Never connects here. Errors: kInvalidArgument for any option out of its
  // range (the message names it), no endpoint, several endpoints for a
  // standalone server, a database other than 0 in a cluster.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options,
                                                        Clock& clock = RealClock::Get());
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs one command and returns its reply. A server's error reply is a
  // Reply of type kError ("Redis said no"), except the redirections and
  // NOSCRIPT, which the client follows. Returns within the timeout
  // (default `command_timeout`).
  // Errors: kInvalidArgument (no arguments), kUnavailable (no connection,
  // refused, reset, waiting to reconnect, too many redirections),
  // kDeadlineExceeded (no reply, connection or queue room in time),
  // kUnauthenticated (AUTH refused), kInternal (a reply too large or deep).
  absl::StatusOr<Reply> Execute(const Command& command);
  absl::StatusOr<Reply> Execute(const Command& command, absl::Duration timeout);

  // Several commands pipelined, one result per command in order, all within
  // one timeout. In a cluster the commands of each node go in one pipeline,
  // node after node.
  std::vector<absl::StatusOr<Reply>> ExecuteBatch(absl::Span<const Command> commands);
  std::vector<absl::StatusOr<Reply>> ExecuteBatch(absl::Span<const Command> commands,
                                                  absl::Duration timeout);

  // The keys matching `pattern` on the server, or on every primary of a
  // cluster, at most `max_keys` (SCAN, each page within `command_timeout`).
  // Errors: those of Execute, kInternal for a malformed SCAN reply.
  absl::StatusOr<std::vector<std::string>> ScanKeys(std::string_view pattern, size_t max_keys);

  // Cluster: reads the slot map now (otherwise it is read lazily).
  // Errors: kFailedPrecondition for a standalone client; kUnavailable when no
  // known node answers with a usable map.
  absl::Status RefreshClusterMap();

  [[nodiscard]] ClientCounters counters() const;
  // Metrics edgekit_redis_client_*.
  void VisitMetrics(MetricsVisitor& visitor) const;
  [[nodiscard]] const ClientOptions& options() const;

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Validates connection options (shared with AsyncClient and Subscriber).
// Errors: kInvalidArgument naming the field.
EDGEKIT_API absl::Status ValidateClientOptions(const ClientOptions& options);

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_CLIENT_H_
