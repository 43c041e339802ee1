// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::breaker::BreakerRegistry: creation, the bound under both
// policies, eviction semantics, listeners and concurrent use.
#include "edgekit/breaker/breaker_registry.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "observer_helper.h"

namespace {

using edgekit::breaker::BreakerRegistry;
using edgekit::breaker::BreakerRegistryOptions;
using edgekit::breaker::CircuitBreaker;
using edgekit::breaker::CircuitBreakerOptions;
using edgekit::breaker::FullPolicy;
using edgekit::breaker::Outcome;
using edgekit::breaker::State;
using edgekit::breaker::StateChange;
using edgekit::testing::FakeClock;

std::unique_ptr<BreakerRegistry> MakeRegistry(BreakerRegistryOptions o, FakeClock& clock) {
  auto r = BreakerRegistry::Create(std::move(o), clock);
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace

TEST_CASE("BreakerRegistry creates one breaker per upstream, named by the key", "[breaker]") {
  FakeClock clock;
  std::vector<std::string> opened;
  BreakerRegistryOptions o;
  o.defaults.consecutive_failures = 1;
  edgekit_breaker_test::FnObserver observer([&opened](const StateChange& c) {
    if (c.to == State::kOpen) opened.emplace_back(c.breaker_name);
  });

  o.defaults.observer = &observer;
  auto registry = MakeRegistry(o, clock);
  auto a = registry->Get("origin-a");
  auto a2 = registry->Get(std::string("origin-a"));
  auto b = registry->Get("origin-b");
  REQUIRE(a != nullptr);
  CHECK(a.get() == a2.get());
  CHECK(a.get() != b.get());
  CHECK(a->name() == "origin-a");
  CHECK(registry->size() == 2);
  CHECK(registry->counters().created == 2);
  CHECK(registry->Find("origin-c") == nullptr);
  CHECK(registry->size() == 2);  // Find does not create

  b->TryAcquire(clock.MonotonicNow()).Record(Outcome::kFailure, absl::ZeroDuration());
  CHECK(opened == std::vector<std::string>{"origin-b"});
  CHECK(a->state() == State::kClosed);

  SECTION("GetOrCreate uses specific options only when creating") {
    CircuitBreakerOptions special;
    special.window_size = 7;
    special.minimum_calls = 7;  // [1, window_size] for a count-based window
    auto c = registry->GetOrCreate("origin-c", special);
    REQUIRE(c.ok());
    CHECK((*c)->options().window_size == 7);
    CHECK((*c)->name() == "origin-c");
    auto again = registry->GetOrCreate("origin-a", special);
    REQUIRE(again.ok());
    CHECK((*again)->options().window_size == 100);
    special.window_size = 0;
    CHECK(registry->GetOrCreate("origin-d", special).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }
  SECTION("Remove forgets a breaker; the next Get starts a new one") {
    CHECK(registry->Remove("origin-b"));
    CHECK_FALSE(registry->Remove("origin-b"));
    auto fresh = registry->Get("origin-b");
    CHECK(fresh->state() == State::kClosed);
    CHECK(b->state() == State::kOpen);  // the old one lives on for its holder
    CHECK(registry->counters().removed == 1);
  }
}

TEST_CASE("BreakerRegistry bound: LRU eviction keeps the most recently used", "[breaker]") {
  FakeClock clock;
  BreakerRegistryOptions o;
  o.max_breakers = 3;
  auto registry = MakeRegistry(o, clock);
  auto a = registry->Get("a");
  (void)registry->Get("b");
  (void)registry->Get("c");
  (void)registry->Get("a");  // a is now most recent; b is least
  auto d = registry->Get("d");
  REQUIRE(d != nullptr);
  CHECK(registry->size() == 3);
  CHECK(registry->Names() == std::vector<std::string>{"d", "a", "c"});
  CHECK(registry->Find("b") == nullptr);
  CHECK(registry->counters().evicted == 1);
  // An evicted breaker still works for a holder.
  (void)registry->Get("e");  // evicts c
  (void)registry->Get("f");  // evicts a (d, e, f remain)
  CHECK(registry->Find("a") == nullptr);
  auto permit = a->TryAcquire(clock.MonotonicNow());
  CHECK(permit.admitted());
  permit.Record(Outcome::kSuccess, absl::ZeroDuration());
  CHECK(registry->size() == 3);
}

TEST_CASE("BreakerRegistry bound: reject when full", "[breaker]") {
  FakeClock clock;
  BreakerRegistryOptions o;
  o.max_breakers = 2;
  o.when_full = FullPolicy::kReject;
  auto registry = MakeRegistry(o, clock);
  CHECK(registry->Get("a") != nullptr);
  CHECK(registry->Get("b") != nullptr);
  CHECK(registry->Get("c") == nullptr);
  CHECK(registry->GetOrCreate("c", CircuitBreakerOptions{}).status().code() ==
        absl::StatusCode::kResourceExhausted);
  CHECK(registry->Get("a") != nullptr);  // existing names still resolve
  CHECK(registry->counters().rejected_full == 2);
  CHECK(registry->size() == 2);
}

TEST_CASE("BreakerRegistry::Create validates its options", "[breaker]") {
  FakeClock clock;
  BreakerRegistryOptions o;
  o.max_breakers = 0;
  CHECK(BreakerRegistry::Create(o, clock).status().code() == absl::StatusCode::kInvalidArgument);
  o.max_breakers = 10;
  o.defaults.failure_rate_threshold = 2;
  CHECK(BreakerRegistry::Create(o, clock).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("BreakerRegistry under concurrent lookups stays within its bound",
          "[breaker][concurrency]") {
  FakeClock clock;
  BreakerRegistryOptions o;
  o.max_breakers = 16;
  o.defaults.window_size = 10;
  o.defaults.minimum_calls = 10;
  auto registry = MakeRegistry(o, clock);
  std::atomic<int> nulls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3000; ++i) {
        const std::string name = "upstream-" + std::to_string((i * 7 + t) % 40);
        auto b = registry->Get(name);
        if (b == nullptr) {
          nulls.fetch_add(1);
          continue;
        }
        b->TryAcquire(clock.MonotonicNow())
            .Record(i % 3 == 0 ? Outcome::kFailure : Outcome::kSuccess, absl::ZeroDuration());
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(nulls.load() == 0);
  CHECK(registry->size() == 16);
  const auto c = registry->counters();
  CHECK(c.created - c.evicted == 16);
}
