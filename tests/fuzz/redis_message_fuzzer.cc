// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the fleet channel message parsers (revocations and purges): any bytes
// a compromised or buggy publisher could send must give a clear verdict
// (applied or counted as malformed), never a crash or unbounded memory.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "edgekit/cache/http_cache.h"
#include "edgekit/jwt/revocation.h"
#include "edgekit/redis/fleet_sync.h"
#include "edgekit/testing/fake_clock.h"

namespace {

struct Env {
  edgekit::testing::FakeClock clock;
  std::shared_ptr<edgekit::redis::Client> client{edgekit::redis::Client::Create({}, clock).value()};
  std::shared_ptr<edgekit::jwt::RevocationList> list =
      std::make_shared<edgekit::jwt::RevocationList>(64);
  std::shared_ptr<edgekit::cache::HttpCache> cache{edgekit::cache::HttpCache::Create({}).value()};
  edgekit::redis::RevocationSync revocations{client, list, {}, clock};
  edgekit::redis::PurgeSync purges{client, cache, {"edgekit:purges", "self", false}, clock};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = new Env();  // never destroyed: fuzzers exit without cleanup
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  const uint64_t before = env->revocations.applied() + env->revocations.malformed();
  env->revocations.Apply(message, env->clock.SystemNow());
  if (env->revocations.applied() + env->revocations.malformed() != before + 1) __builtin_trap();
  env->purges.Apply(message);
  return 0;
}
