// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/cache/freshness.h: RFC 9111 §4.2 arithmetic.
#include "edgekit/cache/freshness.h"

#include "edgekit_catch.h"

namespace cache = edgekit::cache;

TEST_CASE("CorrectedInitialAge follows RFC 9111 4.2.3", "[cache]") {
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  cache::AgeInputs in;
  in.request_time = t0;
  in.response_time = t0 + absl::Seconds(2);  // response_delay = 2
  SECTION("no Date, no Age: the response delay") {
    CHECK(cache::CorrectedInitialAge(in) == absl::Seconds(2));
  }
  SECTION("apparent_age = response_time - date_value wins when larger") {
    in.date_value = t0 - absl::Seconds(10);
    CHECK(cache::CorrectedInitialAge(in) == absl::Seconds(12));
  }
  SECTION("apparent_age is clamped at 0 for a Date in the future") {
    in.date_value = t0 + absl::Seconds(100);
    CHECK(cache::CorrectedInitialAge(in) == absl::Seconds(2));
  }
  SECTION("corrected_age_value = age_value + response_delay") {
    in.date_value = t0 + absl::Seconds(2);
    in.age_value = absl::Seconds(30);
    CHECK(cache::CorrectedInitialAge(in) == absl::Seconds(32));
  }
  SECTION("current_age = corrected_initial_age + resident_time") {
    in.age_value = absl::Seconds(30);
    const absl::Duration initial = cache::CorrectedInitialAge(in);
    CHECK(cache::CurrentAge(initial, in.response_time, in.response_time + absl::Seconds(5)) ==
          absl::Seconds(37));
    // A clock that went back does not make the age shrink below the initial.
    CHECK(cache::CurrentAge(initial, in.response_time, in.response_time - absl::Seconds(5)) ==
          initial);
  }
}

TEST_CASE("FreshnessLifetime: s-maxage, max-age, Expires, heuristic (RFC 9111 4.2.1, 4.2.2)",
          "[cache]") {
  const absl::Time date = absl::FromUnixSeconds(100000);
  cache::FreshnessInputs in;
  in.date = date;
  in.response_time = date;
  SECTION("s-maxage beats max-age for a shared cache") {
    in.s_maxage = absl::Seconds(5);
    in.max_age = absl::Seconds(50);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Seconds(5));
  }
  SECTION("max-age beats Expires") {
    in.max_age = absl::Seconds(50);
    in.has_expires = true;
    in.expires = date + absl::Seconds(500);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Seconds(50));
  }
  SECTION("Expires - Date") {
    in.has_expires = true;
    in.expires = date + absl::Seconds(500);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Seconds(500));
    CHECK(cache::FreshnessLifetime(in).explicit_);
  }
  SECTION("Expires without Date uses response_time") {
    in.date.reset();
    in.response_time = date + absl::Seconds(100);
    in.has_expires = true;
    in.expires = date + absl::Seconds(500);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Seconds(400));
  }
  SECTION("an invalid Expires (e.g. \"0\") means already expired (5.3)") {
    in.has_expires = true;
    in.last_modified = date - absl::Hours(10);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::ZeroDuration());
  }
  SECTION("Expires before Date means stale") {
    in.has_expires = true;
    in.expires = date - absl::Seconds(5);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::ZeroDuration());
  }
  SECTION("heuristic: 10% of Date - Last-Modified, capped (4.2.2)") {
    in.last_modified = date - absl::Seconds(1000);
    auto f = cache::FreshnessLifetime(in);
    CHECK(f.lifetime == absl::Seconds(100));
    CHECK(f.heuristic);
    in.last_modified = date - absl::Hours(24 * 365);
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Hours(24));
  }
  SECTION("heuristic only for heuristically cacheable statuses or public") {
    in.last_modified = date - absl::Seconds(1000);
    in.status = 302;
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::ZeroDuration());
    in.public_ = true;
    CHECK(cache::FreshnessLifetime(in).lifetime == absl::Seconds(100));
  }
}

TEST_CASE("Heuristically cacheable statuses are RFC 9110 15.1's list", "[cache]") {
  for (int s : {200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501}) {
    CHECK(cache::IsHeuristicallyCacheableStatus(s));
  }
  for (int s : {201, 302, 303, 307, 400, 403, 500, 502, 503, 504, 299}) {
    CHECK_FALSE(cache::IsHeuristicallyCacheableStatus(s));
  }
  CHECK(cache::IsUnderstoodStatus(200));
  CHECK_FALSE(cache::IsUnderstoodStatus(299));
  CHECK_FALSE(cache::IsUnderstoodStatus(206));
}
