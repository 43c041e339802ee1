// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for edgekit::ratelimit::ParseRules and RuleLimiter: any input
// either fails to parse with kInvalidArgument or yields rules that build (or
// are rejected with kInvalidArgument) and decide requests without crashing;
// every produced RateLimit field is a valid RFC 8941 list.
//
// Input: rules text, optionally followed by "\x00" and request bytes that pick
// method, path, tier and keys for a few checks.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "edgekit/http/structured_fields.h"
#include "edgekit/ratelimit/rules.h"

namespace rl = edgekit::ratelimit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view text = input.substr(0, nul);
  const std::string_view reqs =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  auto rules = rl::ParseRules(text);
  if (!rules.ok()) {
    if (rules.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (rules->size() > 256) std::abort();
  rl::KeyedLimiterOptions o;
  o.max_keys = 64;
  o.shards = 4;
  auto limiter = rl::RuleLimiter::Create(*rules, o);
  if (!limiter.ok()) {
    if (limiter.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  static constexpr std::string_view kPaths[] = {"/", "/api/login", "/api/items", "/static/a"};
  absl::Time now = absl::FromUnixSeconds(1700000000);
  for (size_t i = 0; i + 3 <= reqs.size() && i < 3 * 256; i += 3) {
    const auto a = static_cast<uint8_t>(reqs[i]), b = static_cast<uint8_t>(reqs[i + 1]),
               c = static_cast<uint8_t>(reqs[i + 2]);
    rl::Request r;
    r.method = kMethods[a & 3];
    r.path = kPaths[(a >> 2) & 3];
    r.tier = static_cast<rl::Tier>((a >> 4) % 3);
    const std::string ip = "10.0.0." + std::to_string(b & 15);
    const std::string key = (b & 16) != 0 ? std::string() : "key-" + std::to_string(b >> 5);
    r.client_ip = ip;
    r.api_key = key;
    now += absl::Milliseconds(c * 37);
    const auto v = (*limiter)->Check(r, now, c & 7);
    const rl::RateLimitFields f = (*limiter)->Fields(v);
    if (v.matched() != (v.rule >= 0)) std::abort();
    if (!edgekit::http::IsValidSfList(f.policy) || !edgekit::http::IsValidSfList(f.ratelimit)) {
      std::abort();
    }
    if (v.decision.remaining < 0) std::abort();
  }
  return 0;
}
