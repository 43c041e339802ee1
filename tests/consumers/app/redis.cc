// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis alone, without a server: options are validated, and a command
// to a port where nothing listens fails as a status (never a crash or a hang).
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/redis/client.h"

namespace redis = edgekit::redis;

int main() {
  Checks checks("redis");
  redis::ClientOptions bad;
  bad.endpoints.clear();
  checks.Expect(!redis::Client::Create(bad).ok(), "no endpoint refused");
  redis::ClientOptions options;
  options.endpoints = {{"127.0.0.1", 1}};  // nothing listens on tcpmux
  options.connect_timeout = absl::Milliseconds(200);
  auto client = redis::Client::Create(options);
  checks.Expect(client.ok(), "Create connects lazily");
  if (!client.ok()) return checks.ExitCode();
  checks.Expect(!(*client)->Execute({"PING"}).ok(), "PING to a closed port fails");
  return checks.ExitCode();
}
