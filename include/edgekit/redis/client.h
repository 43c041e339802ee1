// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: client.h
// -----------------------------------------------------------------------------
// A small, bounded Redis client over hiredis for edgekit's fleet backends:
// connect and command timeouts, reconnection with exponential backoff, pipelining
// and Lua script caching (EVALSHA, reloading the script on NOSCRIPT).
//
// The request path never waits longer than the configured timeouts: while the
// server is unreachable, calls fail at once with kUnavailable until the next
// reconnect attempt is due (backoff measured on the injected clock).
//
// Example:
//
//   edgekit::redis::ClientOptions options;
//   options.port = 6379;
//   auto client = edgekit::redis::Client::Create(options);
//   if (!client.ok()) return client.status();
//   absl::StatusOr<edgekit::redis::Reply> pong = (*client)->Command({"PING"});
//
// Thread-safety: `Client` is thread-safe; calls are serialized on one connection
// (a fleet backend makes few, short calls; use one client per thread for more).
// Errors: kInvalidArgument (bad options), kUnavailable (not connected, I/O error
// or timeout; the connection is dropped and re-established later), kInternal
// (the server answered with an error reply other than NOSCRIPT).

#ifndef EDGEKIT_REDIS_CLIENT_H_
#define EDGEKIT_REDIS_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct ClientOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Bound on establishing a TCP connection.
  absl::Duration connect_timeout = absl::Milliseconds(100);
  // Bound on each command's (or pipeline's) round trip.
  absl::Duration command_timeout = absl::Milliseconds(50);
  // Reconnect backoff: first wait, doubled after each failure, capped.
  absl::Duration reconnect_backoff_min = absl::Milliseconds(50);
  absl::Duration reconnect_backoff_max = absl::Seconds(2);
  // Replies larger than this (bytes of bulk strings, summed) are refused.
  size_t max_reply_bytes = 16 << 20;
};

// An owned Redis reply (RESP2).
struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;              // kString, kStatus, kError
  std::vector<Reply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
};

// A Lua script with its SHA-1, loaded lazily with SCRIPT LOAD / EVALSHA.
class Script {
 public:
  explicit Script(std::string source);
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;  // lowercase hex, computed locally
};

// Whether a call waits for the connection when another thread is using it.
// kNoWait fails at once with kUnavailable ("busy"): with a pool of clients this
// bounds a request's wait to its own round trip.
enum class Wait { kBlock, kNoWait };

class EDGEKIT_API Client {
 public:
  // Connects lazily: Create never blocks on the network. Errors:
  // kInvalidArgument for an empty host, a bad port or non-positive timeouts.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options,
                                                        Clock& clock = RealClock::Get());
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One command. A server error reply is returned as a Reply of type kError
  // (not a Status), so callers can tell "Redis said no" from "Redis is away".
  absl::StatusOr<Reply> Command(absl::Span<const std::string_view> argv, Wait wait = Wait::kBlock);
  absl::StatusOr<Reply> Command(std::initializer_list<std::string_view> argv,
                                Wait wait = Wait::kBlock) {
    return Command(absl::MakeConstSpan(argv.begin(), argv.size()), wait);
  }

  // Several commands in one round trip. Either every reply or an error.
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands,
                                              Wait wait = Wait::kBlock);

  // EVALSHA, falling back to SCRIPT LOAD + EVALSHA when the server answers
  // NOSCRIPT (after a restart or SCRIPT FLUSH). Error replies from the script
  // come back as kInternal.
  absl::StatusOr<Reply> Eval(const Script& script, absl::Span<const std::string> keys,
                             absl::Span<const std::string> args, Wait wait = Wait::kBlock);

  // Whether the last call found the server reachable.
  bool connected() const;

  // Counters (monotonic).
  struct Counters {
    uint64_t commands = 0;
    uint64_t errors = 0;         // I/O errors and timeouts
    uint64_t reconnects = 0;     // successful (re)connections
    uint64_t fast_failures = 0;  // calls refused while waiting for the backoff
    uint64_t script_loads = 0;
    uint64_t busy = 0;  // kNoWait calls that found the connection in use
  };
  Counters counters() const;

 private:
  struct Impl;
  Client(ClientOptions options, Clock& clock);
  // Takes mu_ (or fails with kUnavailable for kNoWait when it is held).
  bool Acquire(Wait wait) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, mu_);
  absl::Status EnsureConnectedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DropLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<Reply> EvalLocked(const Script& script, absl::Span<const std::string> keys,
                                   absl::Span<const std::string> args)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::vector<Reply>> RoundTripLocked(
      const std::vector<std::vector<std::string_view>>& commands)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const ClientOptions options_;
  Clock& clock_;
  mutable Mutex mu_;
  std::unique_ptr<Impl> impl_ ABSL_GUARDED_BY(mu_);
  absl::Time next_attempt_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_);
  Counters counters_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> busy_{0};
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_CLIENT_H_
