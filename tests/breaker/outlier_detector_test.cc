// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::breaker::OutlierDetector: consecutive-error and
// success-rate ejection, growing ejection time, the maximum ejected share.
#include "edgekit/breaker/outlier_detector.h"

#include <atomic>
#include <thread>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace {

using edgekit::breaker::Outcome;
using edgekit::breaker::OutlierDetector;
using edgekit::breaker::OutlierDetectorOptions;
using edgekit::testing::FakeClock;

Outcome OutcomeOf(bool error) { return error ? Outcome::kFailure : Outcome::kSuccess; }

std::unique_ptr<OutlierDetector> Make(size_t n, const OutlierDetectorOptions& o, FakeClock& clock) {
  auto d = OutlierDetector::Create(n, o, clock);
  REQUIRE(d.ok());
  return std::move(d).value();
}

OutlierDetectorOptions ConsecutiveOnly() {
  OutlierDetectorOptions o;
  o.consecutive_errors = 3;
  o.success_rate_enabled = false;
  o.base_ejection_time = absl::Seconds(30);
  o.max_ejection_time = absl::Seconds(75);
  o.max_ejection_percent = 50;
  o.interval = absl::Seconds(10);
  return o;
}

}  // namespace

TEST_CASE("OutlierDetector ejects after consecutive errors; successes reset the run", "[breaker]") {
  FakeClock clock;
  auto d = Make(4, ConsecutiveOnly(), clock);
  const absl::Time t0 = clock.MonotonicNow();
  d->RecordResult(1, Outcome::kFailure, t0);
  d->RecordResult(1, Outcome::kFailure, t0);
  d->RecordResult(1, Outcome::kSuccess, t0);  // resets
  d->RecordResult(1, Outcome::kFailure, t0);
  d->RecordResult(1, Outcome::kFailure, t0);
  CHECK_FALSE(d->IsEjected(1, t0));
  CHECK(d->status(1, t0).consecutive_errors == 2);
  d->RecordResult(1, Outcome::kFailure, t0);
  CHECK(d->IsEjected(1, t0));
  CHECK(d->status(1, t0).ejected_until == t0 + absl::Seconds(30));
  CHECK(d->IsEjected(1, t0 + absl::Seconds(30) - absl::Nanoseconds(1)));
  CHECK_FALSE(d->IsEjected(1, t0 + absl::Seconds(30)));  // back when the time is up
  CHECK(d->counters().ejections_consecutive == 1);
  CHECK_FALSE(d->IsEjected(0, t0));
}

TEST_CASE("OutlierDetector ejection time grows with repeated ejections and caps", "[breaker]") {
  FakeClock clock;
  auto d = Make(4, ConsecutiveOnly(), clock);
  const absl::Duration expected[] = {absl::Seconds(30), absl::Seconds(60), absl::Seconds(75),
                                     absl::Seconds(75)};
  for (absl::Duration want : expected) {
    const absl::Time now = clock.MonotonicNow();
    for (int i = 0; i < 3; ++i) d->RecordResult(2, Outcome::kFailure, now);
    REQUIRE(d->IsEjected(2, now));
    CHECK(d->status(2, now).ejected_until - now == want);
    // An interval evaluated while the host is still out forgives nothing.
    clock.Advance(want);
    d->Evaluate(clock.MonotonicNow() - absl::Nanoseconds(1));
  }
  SECTION("intervals spent healthy forgive one step each") {
    const uint32_t k = d->status(2, clock.MonotonicNow()).ejection_count;
    CHECK(k == 4);
    clock.Advance(absl::Seconds(10));
    d->Evaluate(clock.MonotonicNow());
    CHECK(d->status(2, clock.MonotonicNow()).ejection_count == 3);
  }
}

TEST_CASE("OutlierDetector never ejects more than the maximum share, but at least one",
          "[breaker]") {
  FakeClock clock;
  OutlierDetectorOptions o = ConsecutiveOnly();
  SECTION("50% of 4 hosts: two") {
    auto d = Make(4, o, clock);
    const absl::Time now = clock.MonotonicNow();
    for (size_t h = 0; h < 4; ++h) {
      for (int i = 0; i < 3; ++i) d->RecordResult(h, Outcome::kFailure, now);
    }
    CHECK(d->ejected_count(now) == 2);
    CHECK(d->max_ejected() == 2);
    CHECK(d->counters().skipped_max_ejected == 2);
    // When one returns, another failing host can take its place.
    const absl::Time later = now + absl::Seconds(30);
    d->RecordResult(3, Outcome::kFailure, later);
    CHECK(d->IsEjected(3, later));
    CHECK(d->ejected_count(later) == 1);
  }
  SECTION("10% of 3 hosts still allows one") {
    o.max_ejection_percent = 10;
    auto d = Make(3, o, clock);
    const absl::Time now = clock.MonotonicNow();
    for (size_t h = 0; h < 3; ++h) {
      for (int i = 0; i < 3; ++i) d->RecordResult(h, Outcome::kFailure, now);
    }
    CHECK(d->max_ejected() == 1);
    CHECK(d->ejected_count(now) == 1);
    CHECK(d->IsEjected(0, now));
  }
}

TEST_CASE("OutlierDetector success-rate ejection: below mean - stdev * factor", "[breaker]") {
  FakeClock clock;
  OutlierDetectorOptions o;
  o.consecutive_errors = 0;
  o.success_rate_minimum_hosts = 5;
  o.success_rate_request_volume = 100;
  o.success_rate_stdev_factor = 1.0;
  o.max_ejection_percent = 100;
  o.interval = absl::Seconds(10);
  auto d = Make(6, o, clock);
  // Hosts 0..4 answer 100 requests; host 3 fails 30 of them. Host 5 has too
  // little volume to count and fails all of its 20.
  auto feed = [&](absl::Time now) {
    for (size_t h = 0; h < 5; ++h) {
      for (int i = 0; i < 100; ++i) d->RecordResult(h, OutcomeOf(h == 3 && i < 30), now);
    }
    for (int i = 0; i < 20; ++i) d->RecordResult(5, Outcome::kFailure, now);
  };
  feed(clock.MonotonicNow());
  CHECK(d->ejected_count(clock.MonotonicNow()) == 0);  // nothing before the interval ends
  clock.Advance(absl::Seconds(10));
  d->Evaluate(clock.MonotonicNow());
  // Rates 100,100,100,70,100: mean 94, stdev 12 -> threshold 82.
  CHECK(d->IsEjected(3, clock.MonotonicNow()));
  CHECK_FALSE(d->IsEjected(5, clock.MonotonicNow()));
  CHECK(d->ejected_count(clock.MonotonicNow()) == 1);
  CHECK(d->counters().ejections_success_rate == 1);
  CHECK(d->counters().intervals == 1);

  SECTION("too few hosts with enough volume: no success-rate ejection") {
    clock.Advance(absl::Seconds(60));  // host 3 returns
    const absl::Time now = clock.MonotonicNow();
    d->Evaluate(now);  // starts a fresh interval
    for (size_t h = 0; h < 4; ++h) {
      for (int i = 0; i < 100; ++i) d->RecordResult(h, OutcomeOf(h == 3 && i < 90), now);
    }
    clock.Advance(absl::Seconds(10));
    d->Evaluate(clock.MonotonicNow());
    CHECK(d->ejected_count(clock.MonotonicNow()) == 0);
  }
  SECTION("the evaluation also runs lazily on the next recorded result") {
    clock.Advance(absl::Seconds(60));
    d->Evaluate(clock.MonotonicNow());
    feed(clock.MonotonicNow());
    clock.Advance(absl::Seconds(10));
    d->RecordResult(0, Outcome::kSuccess, clock.MonotonicNow());
    CHECK(d->IsEjected(3, clock.MonotonicNow()));
    CHECK(d->status(3, clock.MonotonicNow()).ejection_count == 1);  // forgiven once, again 1
  }
}

TEST_CASE("OutlierDetector::Create validates", "[breaker]") {
  FakeClock clock;
  OutlierDetectorOptions o;
  CHECK_FALSE(OutlierDetector::Create(0, o, clock).ok());
  CHECK_FALSE(OutlierDetector::Create(70000, o, clock).ok());
  o.max_ejection_percent = 101;
  CHECK(OutlierDetector::Create(3, o, clock).status().code() == absl::StatusCode::kInvalidArgument);
  o = OutlierDetectorOptions{};
  o.max_ejection_time = absl::Seconds(1);
  CHECK_FALSE(OutlierDetector::Create(3, o, clock).ok());
}

TEST_CASE("OutlierDetector under concurrent results respects the maximum share",
          "[breaker][concurrency]") {
  FakeClock clock;
  OutlierDetectorOptions o = ConsecutiveOnly();
  o.success_rate_enabled = true;
  o.success_rate_minimum_hosts = 2;
  o.success_rate_request_volume = 10;
  o.interval = absl::Milliseconds(5);
  auto d = Make(8, o, clock);
  std::atomic<size_t> max_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        if (i % 500 == 0 && t == 0) clock.Advance(absl::Milliseconds(3));
        const size_t host = static_cast<size_t>((i + t) % 8);
        d->RecordResult(host, OutcomeOf(host < 5 && i % 4 != 0), clock.MonotonicNow());
        const size_t n = d->ejected_count(clock.MonotonicNow());
        size_t prev = max_seen.load();
        while (n > prev && !max_seen.compare_exchange_weak(prev, n)) {
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(max_seen.load() <= 4);
  CHECK(d->counters().ejections_consecutive + d->counters().ejections_success_rate > 0);
}
