// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for edgekit::ratelimit::ParseRules and RuleLimiter: any input
// either fails to parse with kInvalidArgument or yields rules that build (or
// are rejected with kInvalidArgument) and decide requests without crashing;
// every verdict is consistent (a rule's name, quota and window when matched,
// remaining >= 0, rejections reported to the observer exactly once).
//
// Input: rules text, optionally followed by "\x00" and request bytes that pick
// method, path, tier, subject, headers, claims and keys for a few checks.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "edgekit/ratelimit/rules.h"

namespace rl = edgekit::ratelimit;

namespace {

// Every header and claim has the same value (or none).
class Attributes : public rl::RequestAttributes {
 public:
  std::string_view Header(std::string_view) const override { return value; }
  std::string_view Claim(std::string_view) const override { return value; }
  std::string_view value;
};

class Tiers : public rl::TierLookup {
 public:
  std::string_view TierOf(const rl::Request& r) const override {
    return r.api_key.empty() ? std::string_view() : std::string_view("standard");
  }
};

class Counter : public rl::RuleLimiterObserver {
 public:
  void OnRejected(const rl::RuleRejection& r) override {
    if (r.request == nullptr || r.decision.allowed) std::abort();
    ++rejections;
  }
  uint64_t rejections = 0;
};

}  // namespace

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
  Counter observer;
  rl::RuleLimiterOptions o;
  o.per_rule.max_keys = 64;
  o.per_rule.shards = 4;
  o.observer = &observer;
  Tiers tiers;
  o.tier_lookup = &tiers;
  auto limiter = rl::RuleLimiter::Create(*rules, o);
  if (!limiter.ok()) {
    if (limiter.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  static constexpr std::string_view kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  static constexpr std::string_view kPaths[] = {"/", "/api/login", "/api/items", "/static/a"};
  static constexpr std::string_view kTiers[] = {"", "premium", "standard", "gold"};
  absl::Time now = absl::FromUnixSeconds(1700000000);
  uint64_t rejected = 0;
  for (size_t i = 0; i + 3 <= reqs.size() && i < 3 * 256; i += 3) {
    const auto a = static_cast<uint8_t>(reqs[i]), b = static_cast<uint8_t>(reqs[i + 1]),
               c = static_cast<uint8_t>(reqs[i + 2]);
    rl::Request r;
    r.method = kMethods[a & 3];
    r.path = kPaths[(a >> 2) & 3];
    r.tier = kTiers[(a >> 4) & 3];
    const std::string ip = "10.0.0." + std::to_string(b & 15);
    const std::string key = (b & 16) != 0 ? std::string() : "key-" + std::to_string(b >> 5);
    const std::string subject = (c & 8) != 0 ? "user-" + std::to_string(c >> 4) : std::string();
    Attributes attributes;
    attributes.value = (a & 64) != 0 ? std::string_view() : std::string_view(ip);
    r.client_ip = ip;
    r.api_key = key;
    r.subject = subject;
    r.attributes = (a & 128) != 0 ? &attributes : nullptr;
    now += absl::Milliseconds(c * 37);
    const auto v = (*limiter)->Check(r, now, c & 7);
    if (v.matched() != (v.rule >= 0)) std::abort();
    if (v.matched()) {
      const rl::Rule& rule = (*limiter)->rules()[static_cast<size_t>(v.rule)];
      if (v.rule_name != rule.name || v.quota <= 0 || v.window <= absl::ZeroDuration()) {
        std::abort();
      }
      if (!v.decision.allowed) ++rejected;
    } else if (!v.decision.allowed || !v.rule_name.empty()) {
      std::abort();
    }
    if (v.decision.remaining < 0) std::abort();
  }
  if (observer.rejections != rejected) std::abort();
  return 0;
}
