// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: redis_server.h
// -----------------------------------------------------------------------------
// A real redis-server (Debian's package) for the redis tests: started on a free
// loopback port with a temporary directory and no persistence, stopped (and
// restartable on the same port) by the test. Waiting for the process to accept
// connections uses real time; no test waits to make time pass.

#ifndef EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_
#define EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_

#include <sys/types.h>

#include <string>

namespace edgekit_test {

class RedisServer {
 public:
  // Starts a server; `ok()` tells whether it came up.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  int port() const { return port_; }
  const std::string& error() const { return error_; }

  // Kills the server (SIGKILL: as abrupt as a crash) and reaps it.
  void Kill();
  // Starts it again on the same port. Returns whether it came up.
  bool Restart();

 private:
  bool Start();

  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
  std::string error_;
};

}  // namespace edgekit_test

#endif  // EDGEKIT_TESTS_REDIS_REDIS_SERVER_H_
