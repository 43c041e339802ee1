// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/fields.h.
#include "edgekit/ratelimit/fields.h"

#include <vector>

#include "edgekit/http/structured_fields.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/token_bucket.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace rl = edgekit::ratelimit;

TEST_CASE("RateLimit-Policy lists quota policies as structured fields", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(100, absl::Minutes(1));
  REQUIRE(p.ok());
  std::vector<rl::QuotaPolicyItem> items;
  items.push_back(rl::PolicyItem("default", *p));
  rl::QuotaPolicyItem day;
  day.name = "daily";
  day.quota = 10000;
  day.window = absl::Hours(24);
  day.quota_unit = "requests";
  day.partition_key = "client-1";
  items.push_back(day);
  const std::string v = rl::RateLimitPolicyValue(items);
  CHECK(v == "\"default\";q=100;w=60, \"daily\";q=10000;qu=requests;w=86400;pk=:Y2xpZW50LTE=:");
  CHECK(edgekit::http::IsValidSfList(v));
  CHECK(rl::kRateLimitPolicyField == "RateLimit-Policy");
}

TEST_CASE("RateLimit and Retry-After follow the decision", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(100, absl::Minutes(1));
  REQUIRE(p.ok());
  rl::Gcra limiter(*p, clock);
  const rl::QuotaPolicyItem item = rl::PolicyItem("default", *p);
  for (int i = 0; i < 50; ++i) (void)limiter.TryAcquire();
  rl::RateLimitFields f = rl::MakeRateLimitFields(item, limiter.TryAcquire());
  CHECK(f.policy == "\"default\";q=100;w=60");
  CHECK(f.ratelimit == "\"default\";r=49;t=31");  // 51 * 0.6 s = 30.6 s, rounded up
  CHECK(f.retry_after.empty());
  for (int i = 0; i < 49; ++i) (void)limiter.TryAcquire();
  f = rl::MakeRateLimitFields(item, limiter.TryAcquire());
  CHECK(f.ratelimit == "\"default\";r=0;t=60");
  CHECK(f.retry_after == "1");  // 600 ms, rounded up
  CHECK(edgekit::http::IsValidSfList(f.ratelimit));
  CHECK(edgekit::http::IsValidSfItem(f.retry_after));
}

TEST_CASE("Retry-After is whole seconds rounded up and absent when waiting cannot help",
          "[ratelimit]") {
  rl::Decision d;
  d.allowed = false;
  d.retry_after_ns = 2000000001;
  CHECK(rl::RetryAfterValue(d) == "3");
  d.retry_after_ns = 2000000000;
  CHECK(rl::RetryAfterValue(d) == "2");
  d.retry_after_ns = 1;
  CHECK(rl::RetryAfterValue(d) == "1");
  d.retry_after_ns = rl::Decision::kNever;
  CHECK(rl::RetryAfterValue(d).empty());
  d.allowed = true;
  d.retry_after_ns = 0;
  CHECK(rl::RetryAfterValue(d).empty());
}

TEST_CASE("Invalid names and units never produce an invalid field", "[ratelimit]") {
  rl::QuotaPolicyItem bad;
  bad.name = "bad\nname";
  bad.quota = 5;
  rl::QuotaPolicyItem good;
  good.name = "ok";
  good.quota = int64_t{1} << 62;  // capped to sf-integer
  good.quota_unit = "not a token";
  const std::vector<rl::QuotaPolicyItem> items{bad, good};
  const std::string v = rl::RateLimitPolicyValue(items);
  CHECK(v == "\"ok\";q=999999999999999");
  CHECK(edgekit::http::IsValidSfList(v));
  rl::Decision d;
  CHECK(rl::RateLimitValue("bad\x01", d).empty());
}
