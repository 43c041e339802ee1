// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::redis_jwt alone (it brings edgekit::redis and edgekit::jwt), without
// a server: a revocation message from another node revokes the token locally;
// a revocation stored while Redis is away still holds locally and reports the
// failure as a status.
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "consumer.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/messages.h"
#include "edgekit/redis/revocation_sync.h"

namespace redis = edgekit::redis;

int main() {
  Checks checks("redis_jwt");
  redis::ClientOptions client_options;
  client_options.endpoints = {{"127.0.0.1", 1}};  // nothing listens on tcpmux
  client_options.connect_timeout = absl::Milliseconds(200);
  absl::StatusOr<std::shared_ptr<redis::Client>> client = redis::Client::Create(client_options);
  checks.Expect(client.ok(), "client connects lazily");
  if (!client.ok()) return checks.ExitCode();
  auto revoked = std::make_shared<edgekit::jwt::RevocationList>(16);
  checks.Expect(!redis::RevocationSync::Create({}, *client, nullptr).ok(), "null list refused");
  auto sync = redis::RevocationSync::Create({}, *client, revoked);
  checks.Expect(sync.ok(), "Create");
  if (!sync.ok()) return checks.ExitCode();
  const absl::Time now = absl::Now();
  (*sync)->Apply(redis::FormatRevocationMessage("jti-1", now + absl::Minutes(5)), now);
  checks.Expect(revoked->IsRevoked("jti-1", now), "announced revocation applied");
  (*sync)->Apply("not a message", now);
  checks.Expect((*sync)->counters().malformed == 1, "malformed message counted");
  checks.Expect(!(*sync)->Revoke("jti-2", now + absl::Minutes(5), now).ok(),
                "Revoke reports Redis away");
  checks.Expect(revoked->IsRevoked("jti-2", now), "local revocation holds");
  return checks.ExitCode();
}
