// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// A fleet of two gateways sharing one limit through Redis.
//
// Each gateway has its own Redis client (a few multiplexed sockets) and its
// own GlobalLimiter; both decide against the same key in Redis, so together
// they admit 5 requests per minute for tenant-7, whichever gateway a request
// lands on. When Redis cannot answer, each gateway falls back to a local share
// of the limit and tells its observer.
//
//   redis-server --port 6379 &
//   ./edgekit_redis_example 127.0.0.1:6379
//
// Prints, for example:
//   gateway-a  tenant-7  allowed   remaining 4  (redis)
//   gateway-b  tenant-7  allowed   remaining 3  (redis)
//   ...
//   gateway-a  tenant-7  rejected  retry after 12s  (redis)

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "edgekit/redis/client.h"
#include "edgekit/redis/global_limiter.h"

namespace redis = edgekit::redis;

namespace {

// Logs what a host would log: decisions Redis could not make.
class LogFailures : public redis::LimiterObserver {
 public:
  void OnFailurePolicyDecision(const redis::FailurePolicyDecision& d) override {
    std::printf("  (redis unavailable: %s; %s decided)\n", std::string(d.cause.message()).c_str(),
                std::string(redis::ToString(d.policy)).c_str());
  }
};

struct Gateway {
  std::string name;
  std::unique_ptr<redis::GlobalLimiter> limiter;
};

}  // namespace

int main(int argc, char** argv) {
  redis::Endpoint endpoint;  // 127.0.0.1:6379
  if (argc > 1) {
    const std::string address = argv[1];
    const size_t colon = address.rfind(':');
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(address.substr(colon + 1), &endpoint.port)) {
      std::fprintf(stderr, "usage: %s [host:port]\n", argv[0]);
      return 2;
    }
    endpoint.host = address.substr(0, colon);
  }

  LogFailures log_failures;
  redis::GlobalLimiterOptions limit;
  limit.limit = 5;
  limit.window = absl::Minutes(1);
  limit.on_failure = redis::FailurePolicy::kLocalFallback;
  limit.fallback_limit = 2;  // each gateway's share while Redis is away
  limit.observer = &log_failures;

  std::vector<Gateway> fleet;
  for (const char* name : {"gateway-a", "gateway-b"}) {
    redis::ClientOptions client_options;
    client_options.endpoints = {endpoint};
    auto client = redis::Client::Create(client_options);
    if (!client.ok()) {
      std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
      return 1;
    }
    auto limiter = redis::GlobalLimiter::Create(limit, std::move(*client));
    if (!limiter.ok()) {
      std::fprintf(stderr, "%s\n", limiter.status().ToString().c_str());
      return 1;
    }
    fleet.push_back({name, std::move(*limiter)});
  }

  // Eight requests for one tenant, alternating between the gateways.
  for (int i = 0; i < 8; ++i) {
    Gateway& gateway = fleet[static_cast<size_t>(i % 2)];
    const redis::GlobalDecision d = gateway.limiter->Decide("tenant-7");
    if (d.decision.allowed) {
      std::printf("%s  tenant-7  allowed   remaining %lld  (%s)\n", gateway.name.c_str(),
                  static_cast<long long>(d.decision.remaining),
                  std::string(redis::ToString(d.source)).c_str());
    } else {
      std::printf("%s  tenant-7  rejected  retry after %llds  (%s)\n", gateway.name.c_str(),
                  static_cast<long long>(d.decision.RetryAfterSeconds()),
                  std::string(redis::ToString(d.source)).c_str());
    }
  }
  return 0;
}
