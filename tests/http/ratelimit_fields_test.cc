// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/ratelimit_fields.h (draft-ietf-httpapi-ratelimit-headers
// fields as RFC 8941 Lists; Retry-After per RFC 9110 §10.2.3).
#include "edgekit/http/ratelimit_fields.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/http/structured_fields.h"
#include "edgekit_catch.h"

namespace http = edgekit::http;

TEST_CASE("RateLimit-Policy lists quota policies as structured fields", "[http]") {
  std::vector<http::RateLimitPolicyItem> items;
  items.push_back({"default", 100, absl::Minutes(1)});
  items.push_back({"daily", 10000, absl::Hours(24), "requests", "client-1"});
  items.push_back({"no-window", 7, absl::ZeroDuration()});
  const std::string v = http::RateLimitPolicyValue(items);
  CHECK(v ==
        "\"default\";q=100;w=60, \"daily\";q=10000;qu=requests;w=86400;pk=:Y2xpZW50LTE=:, "
        "\"no-window\";q=7");
  CHECK(http::IsValidSfList(v));
  CHECK(http::kRateLimitPolicyField == "RateLimit-Policy");
  CHECK(http::kRateLimitField == "RateLimit");
  CHECK(http::kRetryAfterField == "Retry-After");
}

TEST_CASE("RateLimit carries remaining and seconds to reset, rounded up", "[http]") {
  CHECK(http::RateLimitValue("default", 49, absl::Milliseconds(30600)) == "\"default\";r=49;t=31");
  CHECK(http::RateLimitValue("default", 0, absl::Seconds(60)) == "\"default\";r=0;t=60");
  CHECK(http::RateLimitValue("default", 3, absl::ZeroDuration(), "k") ==
        "\"default\";r=3;t=0;pk=:aw==:");
  CHECK(http::IsValidSfList(http::RateLimitValue("default", 3, absl::Seconds(1), "k")));
  // Negative numbers are capped to 0, huge ones to sf-integer.
  CHECK(http::RateLimitValue("p", -5, absl::InfiniteDuration()) == "\"p\";r=0;t=999999999999999");
}

TEST_CASE("The three values of one decision come together", "[http]") {
  const http::RateLimitPolicyItem item{"default", 100, absl::Minutes(1)};
  http::RateLimitFields f =
      http::MakeRateLimitFields(item, 49, absl::Milliseconds(30600), absl::ZeroDuration());
  CHECK(f.policy == "\"default\";q=100;w=60");
  CHECK(f.ratelimit == "\"default\";r=49;t=31");
  CHECK(f.retry_after.empty());
  f = http::MakeRateLimitFields(item, 0, absl::Seconds(60), absl::Milliseconds(600));
  CHECK(f.ratelimit == "\"default\";r=0;t=60");
  CHECK(f.retry_after == "1");
  CHECK(http::IsValidSfItem(f.retry_after));
}

TEST_CASE("Retry-After is whole seconds rounded up and absent when waiting cannot help", "[http]") {
  CHECK(http::RetryAfterValue(absl::Nanoseconds(2000000001)) == "3");
  CHECK(http::RetryAfterValue(absl::Seconds(2)) == "2");
  CHECK(http::RetryAfterValue(absl::Nanoseconds(1)) == "1");
  CHECK(http::RetryAfterValue(absl::InfiniteDuration()).empty());
  CHECK(http::RetryAfterValue(absl::ZeroDuration()).empty());
  CHECK(http::RetryAfterValue(-absl::Seconds(1)).empty());
  CHECK(http::RetryAfterValue(absl::Hours(int64_t{24} * 365 * 40000000)) == "999999999999999");
}

TEST_CASE("Invalid names and units never produce an invalid field", "[http]") {
  const std::vector<http::RateLimitPolicyItem> items{
      {"bad\nname", 5, absl::ZeroDuration()},
      {"ok", int64_t{1} << 62, absl::ZeroDuration(), "not a token"},
  };
  const std::string v = http::RateLimitPolicyValue(items);
  CHECK(v == "\"ok\";q=999999999999999");
  CHECK(http::IsValidSfList(v));
  CHECK(http::RateLimitValue("bad\x01", 1, absl::Seconds(1)).empty());
}
