// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: redis_server.h
// -----------------------------------------------------------------------------
// Real redis-server processes (Debian's package) for the redis tests and
// benchmarks: one server on a free loopback port with a temporary directory
// and no persistence, which a test can kill, restart, stop (SIGSTOP) and
// continue; and a Redis Cluster of such servers built with
// `redis-cli --cluster create`. Waiting for processes to come up or for the
// cluster to agree uses real time (bounded); no test waits to make edgekit's
// time pass.

#ifndef EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_
#define EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/failure_policy.h"
#include "edgekit/redis/subscriber.h"
#include "edgekit/testing/fake_clock.h"

namespace edgekit_test {

class RedisServer {
 public:
  // Starts a server with `extra_args` appended to its command line (for
  // example {"--requirepass", "pw"}); `ok()` tells whether it came up.
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::string& error() const { return error_; }
  edgekit::redis::Endpoint endpoint() const { return {"127.0.0.1", port_}; }

  // Kills the server (SIGKILL: as abrupt as a crash) and reaps it.
  void Kill();
  // Starts it again on the same port. Returns whether it came up.
  bool Restart();
  // SIGSTOP / SIGCONT: a server that accepts connections but never answers.
  void Pause();
  void Resume();

 private:
  bool Start();

  std::vector<std::string> extra_args_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
  std::string dir_;
  std::string error_;
};

// Client options for the tests: one server on loopback, timeouts generous
// enough for a loaded machine (connect 200 ms, commands 500 ms), `backoff`
// between reconnects (injected clock).
edgekit::redis::ClientOptions TestClientOptions(int port,
                                                absl::Duration backoff = absl::Milliseconds(100));
std::shared_ptr<edgekit::redis::Client> TestClient(
    int port, edgekit::Clock& clock, absl::Duration backoff = absl::Milliseconds(100));

// Polls until `done()`, at most 100 times (each waits at most 50 ms of real
// time for the socket: delivery is real I/O). The fake clock moves 100 ms per
// poll so reconnect backoffs elapse.
bool PollUntil(edgekit::redis::Subscriber& subscriber, edgekit::testing::FakeClock& clock,
               const std::function<bool()>& done);

// Records the limiters' failure-policy decisions.
class LimiterRecorder : public edgekit::redis::LimiterObserver {
 public:
  void OnFailurePolicyDecision(const edgekit::redis::FailurePolicyDecision& d) override {
    keys.push_back(std::string(d.key));
    limiters.push_back(std::string(d.limiter));
    causes.push_back(d.cause.code());
  }
  std::vector<std::string> keys, limiters;
  std::vector<absl::StatusCode> causes;
};

// A client for admin commands on one server (a standalone view of one node).
std::unique_ptr<edgekit::redis::Client> AdminClient(int port, const std::string& password = "");

// Runs `command` on the server at `port`; "" with the reason on failure.
edgekit::redis::Reply Admin(int port, std::vector<std::string> command);

// Calls `done` every 20 ms of real time until it returns true or `seconds`
// pass; returns its last answer. For external processes only.
bool WaitUntil(const std::function<bool()>& done, double seconds);

// A Redis Cluster of `primaries` primaries with one replica each, on
// loopback, created with `redis-cli --cluster create ... --cluster-replicas 1`.
class RedisCluster {
 public:
  explicit RedisCluster(int primaries = 3);
  ~RedisCluster();

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::vector<edgekit::redis::Endpoint> seeds() const;
  size_t size() const { return servers_.size(); }
  RedisServer& server(size_t i) { return *servers_[i]; }
  // The port of the primary serving `slot` (asked of a live node), 0 if none.
  int PrimaryOf(int slot);
  // The port of a replica of the primary at `primary_port`, 0 if none.
  int ReplicaOf(int primary_port);
  // The port of another primary than `port`.
  int OtherPrimary(int port);
  // Moves `slot` from its primary to the one at `target_port` the way
  // redis-cli --cluster reshard does (SETSLOT IMPORTING / MIGRATING, MIGRATE
  // the keys, SETSLOT NODE on every node), calling `between` after each step
  // so a test keeps deciding while the slot migrates. Returns "" or the failure.
  std::string MigrateSlot(int slot, int target_port, const std::function<void()>& between);
  // Whether every live node reports cluster_state:ok and agrees on `slot`'s primary.
  bool Settled(int slot);

 private:
  std::string NodeId(int port);

  std::vector<std::unique_ptr<RedisServer>> servers_;
  bool ok_ = false;
  std::string error_;
};

}  // namespace edgekit_test

#endif  // EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_
