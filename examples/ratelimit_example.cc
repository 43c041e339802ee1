// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::ratelimit in a host: a rule table keyed by what the host knows
// (client address, API key, a verified subject with the path, a header),
// tiers from the host's own plan store, rejections reported to an observer,
// a 429 with its RateLimit-Policy / RateLimit / Retry-After fields, and a
// keyed limiter used directly with a composed key. After the first part
// (the guide's example, docs/ratelimit.md), time is passed explicitly so the
// output is deterministic; a server calls Check(request) and the limiter
// reads its monotonic clock.

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/http/ratelimit_fields.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/key_builder.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/rules.h"

namespace rl = edgekit::ratelimit;

namespace {

// The host's plan store: which tier an API key pays for.
class Plans : public rl::TierLookup {
 public:
  std::string_view TierOf(const rl::Request& request) const override {
    return request.api_key == "key-gold" ? "premium" : std::string_view();
  }
};

// Logs every rejection (a host would count or log it).
class Log : public rl::RuleLimiterObserver {
 public:
  void OnRejected(const rl::RuleRejection& r) override {
    const std::string_view reason = ToString(r.decision.reason);
    std::printf("  [observer] rule %.*s rejected %.*s (%.*s)\n",
                static_cast<int>(r.rule_name.size()), r.rule_name.data(),
                static_cast<int>(r.request->client_ip.size()), r.request->client_ip.data(),
                static_cast<int>(reason.size()), reason.data());
  }
};

// The host's response under construction.
struct HostResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  void Add(std::string_view name, std::string_view value) {
    headers.emplace_back(std::string(name), std::string(value));
  }
};

int GuideExample(HostResponse& response) {
  // [guide-example]
  auto limiter = edgekit::ratelimit::RuleLimiter::CreateFromText(R"(
    login:     5/5m   path=/api/login method=POST key=ip algo=sliding_log
    partner:   100/1s key=header:x-partner-id
    user:      600/1m key=subject+path
    anonymous: 60/1m  key=ip
  )");
  if (!limiter.ok()) return 1;

  edgekit::ratelimit::Request request;  // views into the host's own request
  request.method = "POST";
  request.path = "/api/login";
  request.client_ip = "192.0.2.7";
  const auto verdict = (*limiter)->Check(request);  // reads the monotonic clock
  const edgekit::ratelimit::Decision& d = verdict.decision;
  if (!d.allowed) {
    const edgekit::http::RateLimitFields fields =
        edgekit::http::MakeRateLimitFields({verdict.rule_name, verdict.quota, verdict.window},
                                           d.remaining, d.reset_after(), d.retry_after());
    response.status = 429;
    response.Add(edgekit::http::kRateLimitPolicyField, fields.policy);
    response.Add(edgekit::http::kRateLimitField, fields.ratelimit);
    if (!fields.retry_after.empty()) {
      response.Add(edgekit::http::kRetryAfterField, fields.retry_after);
    }
  }
  // [guide-example-end]
  std::printf("guide example: rule %s, status %d\n", std::string(verdict.rule_name).c_str(),
              response.status);
  return 0;
}

}  // namespace

int main() {
  HostResponse response;
  if (GuideExample(response) != 0) return 1;

  Plans plans;
  Log log;
  rl::RuleLimiterOptions options;
  options.tier_lookup = &plans;
  options.observer = &log;
  auto limiter = rl::RuleLimiter::CreateFromText(R"(
    login:     5/5m     path=/api/login method=POST key=ip algo=sliding_log
    premium:   10000/1h key=api_key tier=premium
    user:      600/1m   key=subject+path
    anonymous: 60/1m    key=ip
  )",
                                                 options);
  if (!limiter.ok()) {
    std::fprintf(stderr, "bad rules: %s\n", std::string(limiter.status().message()).c_str());
    return 1;
  }
  absl::Time now = absl::FromUnixSeconds(1700000000);
  rl::Request login;
  login.method = "POST";
  login.path = "/api/login";
  login.client_ip = "192.0.2.7";
  for (int i = 1; i <= 6; ++i) {
    const rl::RuleLimiter::Verdict v = (*limiter)->Check(login, now);
    const edgekit::http::RateLimitFields f =
        edgekit::http::MakeRateLimitFields({v.rule_name, v.quota, v.window}, v.decision.remaining,
                                           v.decision.reset_after(), v.decision.retry_after());
    std::printf("login attempt %d: %s\n  RateLimit-Policy: %s\n  RateLimit: %s\n", i,
                v.decision.allowed ? "200" : "429", f.policy.c_str(), f.ratelimit.c_str());
    if (!f.retry_after.empty()) std::printf("  Retry-After: %s\n", f.retry_after.c_str());
    now += absl::Seconds(10);
  }
  rl::Request gold;
  gold.client_ip = "198.51.100.4";
  gold.api_key = "key-gold";
  rl::Request alice;
  alice.client_ip = "198.51.100.4";
  alice.subject = "alice";
  alice.path = "/orders";
  const std::string gold_rule((*limiter)->Check(gold, now).rule_name);
  const std::string alice_rule((*limiter)->Check(alice, now).rule_name);
  std::printf("key-gold -> rule %s; alice on /orders -> rule %s\n", gold_rule.c_str(),
              alice_rule.c_str());

  // The building blocks directly: a keyed GCRA limiter with a key bound, and
  // a key composed from two parts without allocating.
  auto policy = rl::GcraPolicy::Create(100, absl::Minutes(1));
  if (!policy.ok()) return 1;
  rl::KeyedLimiterOptions keyed;
  keyed.max_keys = 100000;
  auto per_tenant = rl::KeyedLimiter<rl::GcraPolicy>::Create(*policy, keyed);
  if (!per_tenant.ok()) return 1;
  const rl::LimitKey key = rl::KeyBuilder().Add("tenant-42").Add("/search").Build();
  int allowed = 0;
  for (int i = 0; i < 150; ++i) allowed += (*per_tenant)->TryAcquire(key, now).allowed;
  const rl::KeyedLimiterCounters c = (*per_tenant)->counters();
  std::printf("per-tenant GCRA 100/min: %d of 150 allowed; keys=%llu rejected=%llu\n", allowed,
              static_cast<unsigned long long>(c.keys),
              static_cast<unsigned long long>(c.rejected()));
  return 0;
}
