// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: command.h
// -----------------------------------------------------------------------------
// The vocabulary every part of edgekit::redis speaks, with no I/O: a server
// `Endpoint`, an owned RESP2 `Reply`, and a `Command` (its arguments plus which
// argument is the key that routes it to a Redis Cluster hash slot).
//
// Algorithms (edgekit/redis/commands.h) build `Command`s and parse `Reply`s;
// the sync `Client` and the event-loop `AsyncClient` carry them. A host with a
// Redis client of its own can carry them too.
//
// Example:
//
//   edgekit::redis::Command get({"GET", "edgekit:jti:abc"}, /*key_arg=*/1);
//   absl::StatusOr<edgekit::redis::Reply> r = client->Execute(get);
//
// Thread-safety: value types (thread-compatible).

#ifndef EDGEKIT_REDIS_COMMAND_H_
#define EDGEKIT_REDIS_COMMAND_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

// A Redis server address. `host` is an IP address or a name (a name is
// resolved when a connection is opened, by the system resolver, which may
// block: prefer addresses where deadlines matter).
struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;

  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.port == b.port && a.host == b.host;
  }
  friend bool operator!=(const Endpoint& a, const Endpoint& b) { return !(a == b); }
};

// "host:port" (IPv6 hosts as "[::1]:port").
[[nodiscard]] EDGEKIT_API std::string ToString(const Endpoint& endpoint);

// An owned Redis reply (RESP2).
struct Reply {
  enum class Type : uint8_t { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;              // kString, kStatus, kError
  std::vector<Reply> elements;  // kArray

  [[nodiscard]] bool is_nil() const { return type == Type::kNil; }
  [[nodiscard]] bool is_error() const { return type == Type::kError; }
};

// One command. `key_arg` is the index in `args` of the key that routes it in a
// Redis Cluster (every other key of the command must share its hash slot:
// edgekit's commands hash-tag them); -1 means keyless (any node may run it).
//
// `script_source`, when set, is the Lua source of the script that args[1]
// names by SHA-1 in an EVALSHA: a client that gets NOSCRIPT (after a server
// restart, a failover or SCRIPT FLUSH) sends the command again as EVAL with
// this source, which also caches the script on that server.
// IMPORTANT: `script_source` is a view; it must outlive every use of the
// command (edgekit's own scripts are static).
struct Command {
  static constexpr int kNoKey = -1;

  std::vector<std::string> args;
  int key_arg = kNoKey;
  std::string_view script_source;

  Command() = default;
  explicit Command(std::vector<std::string> arguments, int key_index = kNoKey)
      : args(std::move(arguments)), key_arg(key_index) {}
  Command(std::initializer_list<std::string_view> arguments, int key_index = kNoKey)
      : key_arg(key_index) {
    args.reserve(arguments.size());
    for (std::string_view a : arguments) args.emplace_back(a);
  }

  [[nodiscard]] bool has_key() const {
    return key_arg >= 0 && static_cast<size_t>(key_arg) < args.size();
  }
  // The routing key; empty when keyless.
  [[nodiscard]] std::string_view key() const {
    return has_key() ? std::string_view(args[static_cast<size_t>(key_arg)]) : std::string_view();
  }
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_COMMAND_H_
