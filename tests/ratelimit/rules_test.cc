// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/rules.h: the text form, first-match selection,
// keys from any request attribute and their combinations, tiers from the
// host's lookup, carryover rules, the rejection observer and metrics.
#include "edgekit/ratelimit/rules.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/string_view.h"
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
                std::string_view api_key = {}, std::string_view tier = {}) {
  rl::Request r;
  r.method = method;
  r.path = path;
  r.client_ip = ip;
  r.api_key = api_key;
  r.tier = tier;
  return r;
}

// Headers and claims of a test request (header names case-insensitive).
class Attributes : public rl::RequestAttributes {
 public:
  std::string_view Header(std::string_view name) const override {
    for (const auto& h : headers) {
      if (absl::EqualsIgnoreCase(edgekit::AbslView(h.first), edgekit::AbslView(name))) {
        return h.second;
      }
    }
    return {};
  }
  std::string_view Claim(std::string_view name) const override {
    const auto it = claims.find(std::string(name));
    return it == claims.end() ? std::string_view() : std::string_view(it->second);
  }
  std::vector<std::pair<std::string, std::string>> headers;
  std::map<std::string, std::string> claims;
};

// A host's plan store: API key -> tier, counting how often it is asked.
class Plans : public rl::TierLookup {
 public:
  std::string_view TierOf(const rl::Request& r) const override {
    ++calls;
    if (r.api_key == "key-p") return "premium";
    if (r.api_key == "key-s" || r.api_key == "key-t") return "standard";
    return {};
  }
  mutable int calls = 0;
};

class Rejections : public rl::RuleLimiterObserver {
 public:
  void OnRejected(const rl::RuleRejection& r) override {
    names.emplace_back(r.rule_name);
    reasons.push_back(r.decision.reason);
    paths.emplace_back(r.request->path);
  }
  std::vector<std::string> names;
  std::vector<rl::Reason> reasons;
  std::vector<std::string> paths;
};

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
  REQUIRE(login.key.size() == 1);
  CHECK(login.key[0].part == rl::KeyPart::kClientIp);
  CHECK(login.algorithm == rl::Algorithm::kSlidingWindowLog);
  CHECK(login.tiers.empty());
  const rl::Rule& standard = (*rules)[2];
  CHECK(standard.tiers == std::vector<std::string>{"standard"});
  CHECK(standard.algorithm == rl::Algorithm::kQuota);
  CHECK(standard.carry_periods == 3);
  CHECK(standard.carry_cap == 2000);
  CHECK(rl::ToString(standard.algorithm) == "quota");

  auto semi = rl::ParseRules(
      "a: 1/1s; b: 2/48h key=global tier=premium,standard burst=4; "
      "c: 3/1m30s key=subject+path+header:X-Org+claim:tenant+method+tier+api_key");
  REQUIRE(semi.ok());
  REQUIRE(semi->size() == 3);
  CHECK((*semi)[1].window == absl::Hours(48));
  CHECK((*semi)[1].key.empty());
  CHECK((*semi)[1].burst == 4);
  CHECK((*semi)[1].tiers == std::vector<std::string>{"premium", "standard"});
  const rl::Rule& c = (*semi)[2];
  CHECK(c.window == absl::Seconds(90));
  REQUIRE(c.key.size() == 7);
  CHECK(c.key[0].part == rl::KeyPart::kSubject);
  CHECK(c.key[1].part == rl::KeyPart::kPath);
  CHECK(c.key[2].part == rl::KeyPart::kHeader);
  CHECK(c.key[2].name == "x-org");  // header names are stored lower-case
  CHECK(c.key[3].part == rl::KeyPart::kClaim);
  CHECK(c.key[3].name == "tenant");
  CHECK(rl::ToString(c.key[4].part) == "method");
  CHECK(rl::ToString(c.key[5].part) == "tier");
  CHECK(rl::ToString(c.key[6].part) == "api_key");
  // Durations are absl::ParseDuration's.
  CHECK(rl::ParseRules("a: 1/250ms").value()[0].window == absl::Milliseconds(250));
  CHECK(rl::ParseRules("a: 1/1.5s").value()[0].window == absl::Milliseconds(1500));
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
      "login: 5/2d",  // absl::ParseDuration has no day unit
      "login: 5/0s",
      "login: 5/-1s",
      "login: 5/inf",
      "login: 5/5m key=ua",
      "login: 5/5m key=",
      "login: 5/5m key=ip+",
      "login: 5/5m key=ip++path",
      "login: 5/5m key=header:",
      "login: 5/5m key=header:a(b",
      "login: 5/5m key=claim:",
      "login: 5/5m key=ip+ip+ip+ip+ip+ip+ip+ip+ip",
      "login: 5/5m path=api",
      "login: 5/5m tier=",
      "login: 5/5m tier=a,,b",
      "login: 5/5m tier=a/b",
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
  std::string many;
  for (int i = 0; i < 257; ++i) many += "r" + std::to_string(i) + ": 1/1s\n";
  CHECK(rl::ParseRules(many).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("RuleLimiter::Create validates limits, names, keys and options", "[ratelimit]") {
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
  r.key = {rl::KeyPartSpec{rl::KeyPart::kHeader, ""}};
  CHECK(rl::RuleLimiter::Create({r}).status().code() == absl::StatusCode::kInvalidArgument);
  r.key = std::vector<rl::KeyPartSpec>(9);
  CHECK(rl::RuleLimiter::Create({r}).status().code() == absl::StatusCode::kInvalidArgument);
  r.key = {};
  r.name = "tab\tname";
  CHECK(rl::RuleLimiter::Create({r}).status().code() == absl::StatusCode::kInvalidArgument);
  r.name = "x";
  rl::RuleLimiterOptions o;
  o.per_rule.shards = 3;
  const auto bad_shards = rl::RuleLimiter::Create({r}, o);
  CHECK(bad_shards.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(bad_shards.status().message()).find("shards") != std::string::npos);
  CHECK(rl::RuleLimiter::Create({r}).ok());
}

TEST_CASE("RuleLimiter applies the first matching rule, keyed as the rule says", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  rl::RuleLimiterOptions o;
  o.per_rule.max_keys = 1024;
  auto limiter = rl::RuleLimiter::CreateFromText(kTable, o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;

  // 5 logins per 5 minutes per IP.
  for (int i = 0; i < 5; ++i) {
    const auto v = l.Check(Req("POST", "/api/login", "192.0.2.1"));
    REQUIRE(v.matched());
    CHECK(v.rule_name == "login");
    CHECK(v.decision.allowed);
  }
  auto v = l.Check(Req("POST", "/api/login", "192.0.2.1"));
  CHECK_FALSE(v.decision.allowed);
  CHECK(v.rule_name == "login");
  CHECK(v.quota == 5);
  CHECK(v.window == absl::Minutes(5));
  CHECK(v.decision.remaining == 0);
  CHECK(v.decision.retry_after() == absl::Minutes(5));
  CHECK(l.Check(Req("POST", "/api/login", "192.0.2.2")).decision.allowed);  // other IP
  // GET /api/login is not the login rule: the anonymous per-IP rule applies.
  v = l.Check(Req("GET", "/api/login", "192.0.2.1"));
  CHECK(v.rule_name == "anonymous");
  CHECK(v.decision.allowed);

  // Premium and standard API keys are limited per key; anonymous lowest.
  for (int i = 0; i < 60; ++i) {
    CHECK(l.Check(Req("GET", "/items", "198.51.100.9")).decision.allowed);
  }
  CHECK_FALSE(l.Check(Req("GET", "/items", "198.51.100.9")).decision.allowed);
  int premium = 0, standard = 0;
  for (int i = 0; i < 1200; ++i) {
    premium += l.Check(Req("GET", "/items", "198.51.100.9", "key-p", "premium")).decision.allowed;
    standard += l.Check(Req("GET", "/items", "198.51.100.9", "key-s", "standard")).decision.allowed;
  }
  CHECK(premium == 1200);
  CHECK(standard == 1000);
  v = l.Check(Req("GET", "/items", "198.51.100.9", "key-s", "standard"));
  CHECK(v.rule_name == "standard");
  CHECK(v.quota == 1000);
  CHECK(v.window == absl::Hours(1));
  // A premium-tier request without an API key falls through to the IP rule.
  v = l.Check(Req("GET", "/items", "198.51.100.9", "", "premium"));
  CHECK(v.rule_name == "anonymous");

  // Standard's quota carries over: a key that used 400 has 1000 + 600 next hour.
  for (int i = 0; i < 400; ++i) {
    (void)l.Check(Req("GET", "/x", "203.0.113.5", "key-t", "standard"));
  }
  clock.Advance(absl::Hours(1));
  v = l.Check(Req("GET", "/x", "203.0.113.5", "key-t", "standard"), 0);
  CHECK(v.decision.remaining == 1600);

  const rl::RuleLimiterCounters counters = l.counters();
  REQUIRE(counters.rules.size() == 4);
  CHECK(counters.rules[0].name == "login");
  CHECK(counters.rules[0].counters.allowed == 6);
  CHECK(counters.rules[0].counters.rejected() == 1);
  CHECK(counters.rules[2].counters.keys == 2);
  CHECK(counters.unmatched == 0);
}

TEST_CASE("Tiers come from the host's lookup, asked once per check and only when needed",
          "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  Plans plans;
  rl::RuleLimiterOptions o;
  o.tier_lookup = &plans;
  auto limiter = rl::RuleLimiter::CreateFromText(
      "premium: 3/1m key=api_key tier=premium; standard: 1/1m key=api_key tier=standard,trial; "
      "anon: 2/1m key=ip",
      o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;
  for (int i = 0; i < 3; ++i) {
    CHECK(l.Check(Req("GET", "/", "192.0.2.1", "key-p")).rule_name == "premium");
  }
  CHECK_FALSE(l.Check(Req("GET", "/", "192.0.2.1", "key-p")).decision.allowed);
  CHECK(plans.calls == 4);
  auto v = l.Check(Req("GET", "/", "192.0.2.1", "key-s"));
  CHECK(v.rule_name == "standard");
  CHECK(v.decision.allowed);
  CHECK_FALSE(l.Check(Req("GET", "/", "192.0.2.1", "key-s")).decision.allowed);
  // An unknown key has no tier: only the untiered rule applies.
  CHECK(l.Check(Req("GET", "/", "192.0.2.1", "key-x")).rule_name == "anon");
  // A tier set on the request wins over the lookup, which is then not asked.
  const int calls = plans.calls;
  v = l.Check(Req("GET", "/", "192.0.2.1", "key-x", "trial"));
  CHECK(v.rule_name == "standard");
  CHECK(plans.calls == calls);

  // Without tier conditions the lookup is never asked.
  Plans unused;
  o.tier_lookup = &unused;
  auto plain = rl::RuleLimiter::CreateFromText("anon: 2/1m key=ip", o, clock);
  REQUIRE(plain.ok());
  (void)(*plain)->Check(Req("GET", "/", "192.0.2.1", "key-p"));
  CHECK(unused.calls == 0);
}

TEST_CASE("Keys combine any request attributes: subject, path, headers, claims, tier",
          "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  Plans plans;
  rl::RuleLimiterOptions o;
  o.tier_lookup = &plans;
  auto limiter = rl::RuleLimiter::CreateFromText(
      "partner: 2/1m key=header:X-Partner-Id; "
      "tenant: 1/1m key=claim:tenant+path; "
      "per_tier: 2/1m key=tier tier=premium,standard; "
      "user: 1/1m key=subject+method",
      o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;

  Attributes partner;
  partner.headers = {{"x-partner-id", "acme"}};
  rl::Request r = Req("GET", "/a", "192.0.2.1");
  r.attributes = &partner;
  CHECK(l.Check(r).rule_name == "partner");
  CHECK(l.Check(r).decision.allowed);
  CHECK_FALSE(l.Check(r).decision.allowed);
  Attributes other_partner;
  other_partner.headers = {{"X-PARTNER-ID", "globex"}};
  r.attributes = &other_partner;
  CHECK(l.Check(r).decision.allowed);  // another header value, another key

  Attributes tenant;
  tenant.claims = {{"tenant", "t1"}};
  r.attributes = &tenant;
  r.path = "/orders";
  auto v = l.Check(r);
  CHECK(v.rule_name == "tenant");
  CHECK(v.decision.allowed);
  CHECK_FALSE(l.Check(r).decision.allowed);  // same tenant, same path
  r.path = "/invoices";
  CHECK(l.Check(r).decision.allowed);  // same tenant, other path

  // No header, no claim: a tier key for known plans, shared by the whole tier.
  rl::Request premium1 = Req("GET", "/", "192.0.2.1", "key-p");
  rl::Request premium2 = Req("GET", "/", "192.0.2.2", "key-p");
  CHECK(l.Check(premium1).rule_name == "per_tier");
  CHECK(l.Check(premium2).decision.allowed);
  CHECK_FALSE(l.Check(premium1).decision.allowed);
  CHECK(l.Check(Req("GET", "/", "192.0.2.1", "key-s")).decision.allowed);  // standard tier

  // Subject and method.
  rl::Request user = Req("GET", "/", "192.0.2.9");
  user.subject = "alice";
  v = l.Check(user);
  CHECK(v.rule_name == "user");
  CHECK(v.decision.allowed);
  CHECK_FALSE(l.Check(user).decision.allowed);
  user.method = "POST";
  CHECK(l.Check(user).decision.allowed);
  user.subject = "";
  CHECK_FALSE(l.Check(user).matched());  // no rule's key parts are all present

  // Rule::KeyFor composes the same key the limiter uses.
  const rl::Rule& tenant_rule = l.rules()[1];
  rl::Request t = Req("GET", "/orders", "");
  t.attributes = &tenant;
  CHECK(tenant_rule.KeyFor(t, "") == rl::KeyBuilder().Add("t1").Add("/orders").Build());
  t.attributes = nullptr;
  CHECK_FALSE(tenant_rule.KeyFor(t, "").has_value());
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
  CHECK(v.rule_name.empty());
  CHECK(v.quota == 0);
  CHECK((*limiter)->counters().unmatched == 1);
  CHECK((*limiter)->Match(Req("GET", "/static/x", "")) == -1);
  CHECK((*limiter)->Match(Req("GET", "/api/x", "")) == 0);
  CHECK((*limiter)
            ->Check(Req("GET", "/api/c", ""), clock.MonotonicNow() + absl::Minutes(1))
            .decision.allowed);
}

TEST_CASE("The observer hears every rejection with its rule, reason and request", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  Rejections rejections;
  rl::RuleLimiterOptions o;
  o.observer = &rejections;
  auto limiter =
      rl::RuleLimiter::CreateFromText("login: 1/1m path=/login; anon: 2/1m key=ip", o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;
  CHECK(l.Check(Req("POST", "/login", "192.0.2.1")).decision.allowed);
  CHECK_FALSE(l.Check(Req("POST", "/login", "192.0.2.1")).decision.allowed);
  CHECK_FALSE(l.Check(Req("GET", "/", "192.0.2.1"), 3).decision.allowed);  // cost > burst
  CHECK(l.Check(Req("GET", "/", "192.0.2.1")).decision.allowed);
  REQUIRE(rejections.names.size() == 2);
  CHECK(rejections.names[0] == "login");
  CHECK(rejections.reasons[0] == rl::Reason::kLimited);
  CHECK(rejections.paths[0] == "/login");
  CHECK(rejections.names[1] == "anon");
  CHECK(rejections.reasons[1] == rl::Reason::kCostExceedsLimit);
}

namespace {

class Collect : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& m) override {
    std::string key(m.name);
    for (const auto& l : m.labels) key += "|" + std::string(l.name) + "=" + std::string(l.value);
    values[key] = m.value;
  }
  std::map<std::string, double> values;
};

}  // namespace

TEST_CASE("RuleLimiter reports each rule's metrics labelled by rule", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto limiter = rl::RuleLimiter::CreateFromText("a: 1/1m path=/a; b: 5/1m path=/b", {}, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;
  (void)l.Check(Req("GET", "/a", "192.0.2.1"));
  (void)l.Check(Req("GET", "/a", "192.0.2.1"));
  (void)l.Check(Req("GET", "/b", "192.0.2.1"));
  (void)l.Check(Req("GET", "/c", "192.0.2.1"));
  Collect c;
  l.VisitMetrics(c);
  CHECK(c.values["edgekit_ratelimit_decisions_total|rule=a|reason=allowed"] == 1);
  CHECK(c.values["edgekit_ratelimit_decisions_total|rule=a|reason=limited"] == 1);
  CHECK(c.values["edgekit_ratelimit_decisions_total|rule=b|reason=allowed"] == 1);
  CHECK(c.values["edgekit_ratelimit_keys|rule=b"] == 1);
  CHECK(c.values["edgekit_ratelimit_unmatched_total"] == 1);
  CHECK(c.values.size() == 2 * 6 + 1);
}
