// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/rules.h: the text form, first-match selection,
// key-by choices, tiers, carryover rules and response fields.
#include "edgekit/ratelimit/rules.h"

#include <string>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace rl = edgekit::ratelimit;

namespace {

constexpr const char* kTable = R"(
# Edge policy
login:     5/5m     path=/api/login method=POST key=ip algo=sliding_log
premium:   10000/1h key=api_key tier=premium
standard:  1000/1h  key=api_key tier=standard algo=quota carry=3 cap=2000
anonymous: 60/1m    key=ip
)";

rl::Request Req(std::string_view method, std::string_view path, std::string_view ip,
                std::string_view api_key = {}, rl::Tier tier = rl::Tier::kAnonymous) {
  rl::Request r;
  r.method = method;
  r.path = path;
  r.client_ip = ip;
  r.api_key = api_key;
  r.tier = tier;
  return r;
}

}  // namespace

TEST_CASE("ParseRules reads the text form", "[ratelimit]") {
  auto rules = rl::ParseRules(kTable);
  REQUIRE(rules.ok());
  REQUIRE(rules->size() == 4);
  const rl::Rule& login = (*rules)[0];
  CHECK(login.name == "login");
  CHECK(login.limit == 5);
  CHECK(login.window == absl::Minutes(5));
  CHECK(login.path_prefix == "/api/login");
  CHECK(login.method == "POST");
  CHECK(login.key_by == rl::KeyBy::kClientIp);
  CHECK(login.algorithm == rl::Algorithm::kSlidingWindowLog);
  CHECK(login.tiers == rl::kAllTiers);
  const rl::Rule& standard = (*rules)[2];
  CHECK(standard.tiers == rl::TierBit(rl::Tier::kStandard));
  CHECK(standard.algorithm == rl::Algorithm::kQuota);
  CHECK(standard.carry_periods == 3);
  CHECK(standard.carry_cap == 2000);
  CHECK(rl::ToString(standard.algorithm) == "quota");
  auto semi = rl::ParseRules("a: 1/1s; b: 2/2d key=global tier=premium,standard burst=4");
  REQUIRE(semi.ok());
  REQUIRE(semi->size() == 2);
  CHECK((*semi)[1].window == absl::Hours(48));
  CHECK((*semi)[1].key_by == rl::KeyBy::kGlobal);
  CHECK((*semi)[1].burst == 4);
  CHECK((*semi)[1].tiers == (rl::TierBit(rl::Tier::kPremium) | rl::TierBit(rl::Tier::kStandard)));
  CHECK(rl::ParseRules("").ok());
  CHECK(rl::ParseRules("# only a comment\n\n").value().empty());
}

TEST_CASE("ParseRules rejects malformed rules with their position", "[ratelimit]") {
  const char* bad[] = {
      "login 5/5m",
      "login: 5",
      "login: 5/5",
      "login: x/5m",
      "login: 5/5y",
      "login: 5/5m key=ua",
      "login: 5/5m path=api",
      "login: 5/5m tier=gold",
      "login: 5/5m algo=lru",
      "login: 5/5m carry=9",
      "login: 5/5m key=ip key=ip",
      "bad name: 5/5m",
      ": 5/5m",
      "login: 5/5m nonsense",
      "login: 1234567890123456/1s",
      "login: 5/5m method=G3T",
  };
  for (const char* text : bad) {
    INFO(text);
    const auto r = rl::ParseRules(text);
    CHECK(r.status().code() == absl::StatusCode::kInvalidArgument);
  }
  const auto second = rl::ParseRules("ok: 1/1s\nbroken: 1");
  CHECK(std::string(second.status().message()).find("rule 2") != std::string::npos);
  CHECK(rl::ParseRules(std::string(70000, ' ')).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RuleLimiter::Create validates limits and names", "[ratelimit]") {
  CHECK(rl::RuleLimiter::CreateFromText("a: 0/1m").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::RuleLimiter::CreateFromText("a: 1/1m; a: 2/1m").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(rl::RuleLimiter::CreateFromText("a: 2000000/1m algo=sliding_log").status().code() ==
        absl::StatusCode::kInvalidArgument);
  rl::Rule r;
  r.name = "x";
  r.limit = 1;
  r.window = absl::Seconds(1);
  r.tiers = 0;
  CHECK(rl::RuleLimiter::Create({r}).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RuleLimiter applies the first matching rule, keyed as the rule says", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  rl::KeyedLimiterOptions o;
  o.max_keys = 1024;
  auto limiter = rl::RuleLimiter::CreateFromText(kTable, o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;

  // 5 logins per 5 minutes per IP.
  for (int i = 0; i < 5; ++i) {
    const auto v = l.Check(Req("POST", "/api/login", "192.0.2.1"));
    REQUIRE(v.matched());
    CHECK(l.rules()[static_cast<size_t>(v.rule)].name == "login");
    CHECK(v.decision.allowed);
  }
  auto v = l.Check(Req("POST", "/api/login", "192.0.2.1"));
  CHECK_FALSE(v.decision.allowed);
  rl::RateLimitFields f = l.Fields(v);
  CHECK(f.policy == "\"login\";q=5;w=300");
  CHECK(f.ratelimit == "\"login\";r=0;t=300");
  CHECK(f.retry_after == "300");
  CHECK(l.Check(Req("POST", "/api/login", "192.0.2.2")).decision.allowed);  // other IP
  // GET /api/login is not the login rule: the anonymous per-IP rule applies.
  v = l.Check(Req("GET", "/api/login", "192.0.2.1"));
  CHECK(l.rules()[static_cast<size_t>(v.rule)].name == "anonymous");
  CHECK(v.decision.allowed);

  // Premium and standard API keys are limited per key; anonymous lowest.
  for (int i = 0; i < 60; ++i) {
    CHECK(l.Check(Req("GET", "/items", "198.51.100.9")).decision.allowed);
  }
  CHECK_FALSE(l.Check(Req("GET", "/items", "198.51.100.9")).decision.allowed);
  int premium = 0, standard = 0;
  for (int i = 0; i < 1200; ++i) {
    premium +=
        l.Check(Req("GET", "/items", "198.51.100.9", "key-p", rl::Tier::kPremium)).decision.allowed;
    standard += l.Check(Req("GET", "/items", "198.51.100.9", "key-s", rl::Tier::kStandard))
                    .decision.allowed;
  }
  CHECK(premium == 1200);
  CHECK(standard == 1000);
  v = l.Check(Req("GET", "/items", "198.51.100.9", "key-s", rl::Tier::kStandard));
  CHECK(l.rules()[static_cast<size_t>(v.rule)].name == "standard");
  CHECK(l.Fields(v).policy == "\"standard\";q=1000;w=3600");
  // A premium-tier request without an API key falls through to the IP rule.
  v = l.Check(Req("GET", "/items", "198.51.100.9", "", rl::Tier::kPremium));
  CHECK(l.rules()[static_cast<size_t>(v.rule)].name == "anonymous");

  // Standard's quota carries over: 1000 used, so nothing to carry; a key that
  // used 400 has 1000 + 600 next hour.
  for (int i = 0; i < 400; ++i) {
    (void)l.Check(Req("GET", "/x", "203.0.113.5", "key-t", rl::Tier::kStandard));
  }
  clock.Advance(absl::Hours(1));
  v = l.Check(Req("GET", "/x", "203.0.113.5", "key-t", rl::Tier::kStandard), 0);
  CHECK(v.decision.remaining == 1600);

  const auto counters = l.counters();
  REQUIRE(counters.size() == 4);
  CHECK(counters[0].name == "login");
  CHECK(counters[0].counters.allowed == 6);
  CHECK(counters[0].counters.rejected == 1);
  CHECK(counters[2].counters.keys == 2);
  CHECK(l.unmatched() == 0);
}

TEST_CASE("RuleLimiter allows and counts requests no rule matches", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto limiter = rl::RuleLimiter::CreateFromText("api: 1/1m path=/api/ key=global", {}, clock);
  REQUIRE(limiter.ok());
  CHECK((*limiter)->Check(Req("GET", "/api/a", "")).decision.allowed);
  CHECK_FALSE((*limiter)->Check(Req("GET", "/api/b", "")).decision.allowed);  // one global key
  const auto v = (*limiter)->Check(Req("GET", "/static/x", "192.0.2.1"));
  CHECK_FALSE(v.matched());
  CHECK(v.decision.allowed);
  CHECK((*limiter)->Fields(v).policy.empty());
  CHECK((*limiter)->unmatched() == 1);
  CHECK((*limiter)
            ->Check(Req("GET", "/api/c", ""), clock.MonotonicNow() + absl::Minutes(1))
            .decision.allowed);
}
