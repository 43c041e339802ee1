// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::breaker::UpstreamSelector: p2c over peak-EWMA latency and
// in-flight load, the error penalty, skipping open breakers and ejected
// hosts, failover to the backup pool, determinism with a seeded source.
#include "edgekit/breaker/upstream_selector.h"

#include <atomic>
#include <thread>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace {

using edgekit::SplitMix64;
using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::Outcome;
using edgekit::breaker::PickStatus;
using edgekit::breaker::Pool;
using edgekit::breaker::Selection;
using edgekit::breaker::UpstreamHost;
using edgekit::breaker::UpstreamSelector;
using edgekit::breaker::UpstreamSelectorOptions;
using edgekit::testing::FakeClock;

Outcome OutcomeOf(bool error) { return error ? Outcome::kFailure : Outcome::kSuccess; }

std::vector<UpstreamHost> Hosts(int n, const char* prefix = "h") {
  std::vector<UpstreamHost> hosts;
  for (int i = 0; i < n; ++i) hosts.push_back({std::string(prefix) + std::to_string(i), nullptr});
  return hosts;
}

std::unique_ptr<UpstreamSelector> Make(std::vector<UpstreamHost> primary,
                                       std::vector<UpstreamHost> backup, UpstreamSelectorOptions o,
                                       FakeClock& clock) {
  auto s = UpstreamSelector::Create(std::move(primary), std::move(backup), std::move(o), clock);
  REQUIRE(s.ok());
  return std::move(s).value();
}

// Sequential traffic: each request is picked, answered by `respond(host)`
// (latency, error) and reported; the clock moves 1 ms per request.
template <typename Respond>
std::vector<int> Drive(UpstreamSelector& s, FakeClock& clock, int requests, Respond respond) {
  std::vector<int> picks(s.size(Pool::kPrimary), 0);
  for (int i = 0; i < requests; ++i) {
    Selection sel = s.Pick(clock.MonotonicNow());
    REQUIRE(sel.ok());
    REQUIRE(sel.pool() == Pool::kPrimary);
    ++picks[sel.index()];
    const auto [latency, error] = respond(sel.index());
    sel.Record(OutcomeOf(error), latency);
    clock.Advance(absl::Milliseconds(1));
  }
  return picks;
}

}  // namespace

TEST_CASE("UpstreamSelector sends most traffic to the faster of two hosts", "[breaker]") {
  FakeClock clock;
  SplitMix64 random(1);
  UpstreamSelectorOptions o;
  o.random = &random;
  auto s = Make(Hosts(2), {}, o, clock);
  const auto picks = Drive(*s, clock, 2000, [](size_t host) {
    return std::make_pair(host == 0 ? absl::Milliseconds(10) : absl::Milliseconds(50), false);
  });
  INFO("fast " << picks[0] << " slow " << picks[1]);
  CHECK(picks[0] > 1800);
  CHECK(picks[1] > 0);  // the slow host was measured
  CHECK(s->host_status(Pool::kPrimary, 1, clock.MonotonicNow()).latency_estimate_ms > 10);
}

TEST_CASE("UpstreamSelector keeps fast error responses from attracting traffic", "[breaker]") {
  FakeClock clock;
  SplitMix64 random(2);
  UpstreamSelectorOptions o;
  o.random = &random;
  o.outlier_detection = false;  // the penalty alone must do it
  // Host 0 answers in 20 ms; host 1 answers 503 in 1 ms.
  auto respond = [](size_t host) {
    return host == 0 ? std::make_pair(absl::Milliseconds(20), false)
                     : std::make_pair(absl::Milliseconds(1), true);
  };
  SECTION("with the error penalty the healthy host gets the traffic") {
    auto s = Make(Hosts(2), {}, o, clock);
    const auto picks = Drive(*s, clock, 2000, respond);
    INFO("healthy " << picks[0] << " failing " << picks[1]);
    CHECK(picks[0] > 1900);
    CHECK(s->host_status(Pool::kPrimary, 1, clock.MonotonicNow()).errors ==
          static_cast<uint64_t>(picks[1]));
  }
  SECTION("without it the fast failing host would win (why the penalty exists)") {
    o.error_penalty = absl::ZeroDuration();
    auto s = Make(Hosts(2), {}, o, clock);
    const auto picks = Drive(*s, clock, 2000, respond);
    CHECK(picks[1] > 1500);
  }
}

TEST_CASE("UpstreamSelector: the estimate is peak-sensitive and decays", "[breaker]") {
  FakeClock clock;
  UpstreamSelectorOptions o;
  o.decay = absl::Seconds(10);
  o.initial_latency = absl::Milliseconds(10);
  auto s = Make(Hosts(1), {}, o, clock);
  auto est = [&] {
    return s->host_status(Pool::kPrimary, 0, clock.MonotonicNow()).latency_estimate_ms;
  };
  CHECK(est() == Approx(10));
  s->Pick(clock.MonotonicNow()).Record(Outcome::kSuccess, absl::Milliseconds(200));
  CHECK(est() == Approx(200));  // a peak replaces the estimate at once
  // A lower sample ending 10 s (one time constant) after the first one ended
  // (at 200 ms) blends in with weight 1 - 1/e.
  clock.Advance(absl::Seconds(10) + absl::Milliseconds(100));
  Selection sel = s->Pick(clock.MonotonicNow());
  sel.Record(Outcome::kSuccess, absl::Milliseconds(100));  // ends at 10.2 s
  clock.Advance(absl::Milliseconds(100));
  const double blended = 200 * std::exp(-1.0) + 100 * (1 - std::exp(-1.0));
  CHECK(est() == Approx(blended).epsilon(1e-6));
  // With no samples it decays toward zero (e^-1 per time constant).
  clock.Advance(absl::Seconds(10));
  CHECK(est() == Approx(blended * std::exp(-1.0)).epsilon(1e-6));
}

TEST_CASE("UpstreamSelector weighs in-flight requests", "[breaker]") {
  FakeClock clock;
  SplitMix64 random(3);
  UpstreamSelectorOptions o;
  o.random = &random;
  auto s = Make(Hosts(2), {}, o, clock);
  // Both hosts equally fast. Outstanding requests spread evenly: with two
  // hosts every pick compares both, and the loaded one costs more.
  std::vector<Selection> held;
  for (int i = 0; i < 10; ++i) held.push_back(s->Pick(clock.MonotonicNow()));
  CHECK(s->host_status(Pool::kPrimary, 0, clock.MonotonicNow()).in_flight == 5);
  CHECK(s->host_status(Pool::kPrimary, 1, clock.MonotonicNow()).in_flight == 5);
  // Host 1's requests complete; host 0's stay stuck: new traffic avoids 0.
  for (Selection& sel : held) {
    if (sel.index() == 1) sel.Record(Outcome::kSuccess, absl::Milliseconds(10));
  }
  int to_idle = 0;
  for (int i = 0; i < 100; ++i) {
    Selection sel = s->Pick(clock.MonotonicNow());
    to_idle += sel.index() == 1 ? 1 : 0;
    sel.Record(Outcome::kSuccess, absl::Milliseconds(10));
  }
  CHECK(to_idle == 100);
  held.clear();  // host 0's are released without a report
  CHECK(s->host_status(Pool::kPrimary, 0, clock.MonotonicNow()).in_flight == 0);
}

TEST_CASE("UpstreamSelector skips open breakers and ejected hosts, then fails over", "[breaker]") {
  FakeClock clock;
  SplitMix64 random(4);
  CircuitBreakerOptions bo;
  bo.consecutive_failures = 1;
  bo.wait_jitter = 0;
  bo.wait_in_open = absl::Seconds(30);
  auto b0 = std::move(CircuitBreaker::Create(bo, clock)).value();
  auto b1 = std::move(CircuitBreaker::Create(bo, clock)).value();
  std::vector<UpstreamHost> primary = {{"p0", b0.get()}, {"p1", b1.get()}, {"p2", nullptr}};
  UpstreamSelectorOptions o;
  o.random = &random;
  o.outlier.consecutive_errors = 2;
  o.outlier.max_ejection_percent = 100;
  o.outlier.success_rate_enabled = false;
  auto s = Make(primary, Hosts(2, "b"), o, clock);

  // Open p0's breaker: it is never picked.
  b0->TryAcquire(clock.MonotonicNow()).Record(Outcome::kFailure, absl::ZeroDuration());
  for (int i = 0; i < 200; ++i) {
    Selection sel = s->Pick(clock.MonotonicNow());
    REQUIRE(sel.ok());
    CHECK(sel.name() != "p0");
  }
  // Eject p2 by consecutive errors (a selection's error report feeds the
  // pool's detector; here they go straight in).
  for (int k = 0; k < 2; ++k) {
    s->outlier_detector(Pool::kPrimary)->RecordResult(2, Outcome::kFailure, clock.MonotonicNow());
  }
  CHECK(s->host_status(Pool::kPrimary, 2, clock.MonotonicNow()).ejected);
  for (int i = 0; i < 100; ++i) CHECK(s->Pick(clock.MonotonicNow()).name() == "p1");

  // Open p1 too: the primary pool is empty of healthy hosts -> backup.
  b1->TryAcquire(clock.MonotonicNow()).Record(Outcome::kFailure, absl::ZeroDuration());
  {
    Selection sel = s->Pick(clock.MonotonicNow());
    REQUIRE(sel.ok());
    CHECK(sel.pool() == Pool::kBackup);
    CHECK(sel.name()[0] == 'b');
    CHECK(sel.breaker() == nullptr);
  }
  CHECK(s->counters().picks_backup == 1);

  // Eject both backups: nothing is healthy.
  for (size_t h = 0; h < 2; ++h) {
    for (int k = 0; k < 2; ++k) {
      s->outlier_detector(Pool::kBackup)->RecordResult(h, Outcome::kFailure, clock.MonotonicNow());
    }
  }
  Selection none = s->Pick(clock.MonotonicNow());
  CHECK_FALSE(none.ok());
  CHECK(none.status() == PickStatus::kNoHealthyHost);
  CHECK(none.name().empty());
  CHECK(s->counters().no_healthy_host == 1);

  // After the breaker wait, p0 and p1 are eligible again (half-open probes).
  clock.Advance(absl::Seconds(30));
  Selection back = s->Pick(clock.MonotonicNow());
  REQUIRE(back.ok());
  CHECK(back.pool() == Pool::kPrimary);
}

TEST_CASE("UpstreamSelector is deterministic with a seeded source", "[breaker]") {
  auto run = [](uint64_t seed) {
    FakeClock clock;
    SplitMix64 random(seed);
    UpstreamSelectorOptions o;
    o.random = &random;
    auto s = Make(Hosts(16), {}, o, clock);
    std::vector<size_t> seq;
    for (int i = 0; i < 300; ++i) {
      Selection sel = s->Pick(clock.MonotonicNow());
      seq.push_back(sel.index());
      sel.Record(OutcomeOf(sel.index() == 5),
                 absl::Milliseconds(1 + static_cast<int>(sel.index())));
      clock.Advance(absl::Milliseconds(2));
    }
    return seq;
  };
  CHECK(run(9) == run(9));
  CHECK(run(9) != run(10));
}

TEST_CASE("UpstreamSelector::Create validates", "[breaker]") {
  FakeClock clock;
  CHECK(UpstreamSelector::Create({}, {}, {}, clock).status().code() ==
        absl::StatusCode::kInvalidArgument);
  UpstreamSelectorOptions o;
  o.decay = absl::ZeroDuration();
  CHECK_FALSE(UpstreamSelector::Create(Hosts(2), {}, o, clock).ok());
  o = UpstreamSelectorOptions{};
  o.outlier.interval = absl::ZeroDuration();
  CHECK_FALSE(UpstreamSelector::Create(Hosts(2), {}, o, clock).ok());
  o.outlier_detection = false;
  CHECK(UpstreamSelector::Create(Hosts(2), {}, o, clock).ok());
}

TEST_CASE("UpstreamSelector under concurrent picks and reports", "[breaker][concurrency]") {
  FakeClock clock;
  SplitMix64 random(5);
  UpstreamSelectorOptions o;
  o.random = &random;
  o.outlier.consecutive_errors = 3;
  o.outlier.interval = absl::Milliseconds(10);
  o.outlier.success_rate_minimum_hosts = 2;
  o.outlier.success_rate_request_volume = 5;
  auto s = Make(Hosts(8), Hosts(2, "b"), o, clock);
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        if (t == 0 && i % 100 == 0) clock.Advance(absl::Milliseconds(1));
        Selection sel = s->Pick(clock.MonotonicNow());
        if (!sel) continue;
        ++ok[static_cast<size_t>(t)];
        if (i % 7 == 0) continue;  // released without a report
        const bool error = sel.pool() == Pool::kPrimary && sel.index() < 2 && i % 3 != 0;
        sel.Record(OutcomeOf(error), absl::Microseconds(100 * (1 + static_cast<int>(sel.index()))));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  int total = 0;
  for (int n : ok) total += n;
  const auto c = s->counters();
  CHECK(c.picks_primary + c.picks_backup == static_cast<uint64_t>(total));
  for (size_t h = 0; h < 8; ++h) {
    CHECK(s->host_status(Pool::kPrimary, h, clock.MonotonicNow()).in_flight == 0);
  }
}
