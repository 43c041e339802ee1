// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Many threads hammering one key never exceed the limit in total, for every
// single-key limiter and for KeyedLimiter, while another thread moves a
// FakeClock forward. Assertions on the main thread only.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/rules.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace rl = edgekit::ratelimit;

namespace {

constexpr int kThreads = 4;
constexpr int kAttempts = 5000;
constexpr int kTicks = 400;

struct Hammered {
  int64_t allowed = 0;
  absl::Duration elapsed;
};

// Runs kThreads threads calling `acquire()` kAttempts times each while a ticker
// advances `clock` kTicks times by `tick`. Some threads pass a `now` they read
// before the others moved the clock (stale), via acquire(bool stale).
template <typename Acquire>
Hammered Hammer(edgekit::testing::FakeClock& clock, absl::Duration tick, Acquire acquire) {
  const absl::Time start = clock.MonotonicNow();
  std::atomic<bool> go{false};
  std::vector<int64_t> allowed(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const absl::Time stale = clock.MonotonicNow();
      int64_t n = 0;
      for (int i = 0; i < kAttempts; ++i) n += acquire(t % 2 == 1 && i % 3 == 0, stale);
      allowed[t] = n;
    });
  }
  std::thread ticker([&] {
    while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
    for (int i = 0; i < kTicks; ++i) {
      clock.Advance(tick);
      std::this_thread::yield();
    }
  });
  go.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  ticker.join();
  Hammered h;
  for (int64_t n : allowed) h.allowed += n;
  h.elapsed = clock.MonotonicNow() - start;
  return h;
}

template <typename Limiter>
Hammered HammerSingle(Limiter& limiter, edgekit::testing::FakeClock& clock, absl::Duration tick) {
  return Hammer(clock, tick, [&](bool use_stale, absl::Time stale) {
    return use_stale ? limiter.TryAcquire(stale, 1).allowed : limiter.TryAcquire(1).allowed;
  });
}

// The bucket bound every GCRA / token-bucket run must meet: at least the
// burst, and at most burst + elapsed * rate (rate `per_second`, whole requests
// rounded down).
void CheckWithinRate(const Hammered& h, int64_t burst, int64_t per_second) {
  const int64_t bound = burst + absl::ToInt64Milliseconds(h.elapsed) * per_second / 1000;
  INFO("allowed " << h.allowed << " bound " << bound);
  CHECK(h.allowed <= bound);
  CHECK(h.allowed >= burst);
}

}  // namespace

TEST_CASE("Gcra: many threads on one key never exceed burst + elapsed * rate",
          "[ratelimit][concurrency]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(100, absl::Seconds(1), 50);  // T = 10 ms
  REQUIRE(p.ok());
  rl::Gcra limiter(*p, clock);
  CheckWithinRate(HammerSingle(limiter, clock, absl::Milliseconds(1)), 50, 100);
  // Frozen clock: exactly the burst.
  edgekit::testing::FakeClock frozen;
  rl::Gcra again(*p, frozen);
  const Hammered f = HammerSingle(again, frozen, absl::ZeroDuration());
  CHECK(f.allowed == 50);
}

TEST_CASE("TokenBucket: many threads on one key never exceed capacity + elapsed * rate",
          "[ratelimit][concurrency]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::TokenBucketPolicy::Create(50, 100, absl::Seconds(1));
  REQUIRE(p.ok());
  rl::TokenBucket bucket(*p, clock);
  CheckWithinRate(HammerSingle(bucket, clock, absl::Milliseconds(1)), 50, 100);
  // The mutex fallback (99/s is not a whole number of ns per token).
  auto q = rl::TokenBucketPolicy::Create(50, 99, absl::Seconds(1));
  REQUIRE(q.ok());
  edgekit::testing::FakeClock clock2;
  rl::TokenBucket locked(*q, clock2);
  REQUIRE_FALSE(locked.lock_free());
  CheckWithinRate(HammerSingle(locked, clock2, absl::Milliseconds(1)), 50, 99);
}

TEST_CASE("Window limiters: many threads on one key never exceed the limit per window",
          "[ratelimit][concurrency]") {
  const absl::Duration w = absl::Milliseconds(100);
  SECTION("sliding log: at most limit in any window") {
    edgekit::testing::FakeClock clock;
    auto p = rl::SlidingWindowLogPolicy::Create(30, w);
    REQUIRE(p.ok());
    rl::SlidingWindowLog limiter(*p, clock);
    const Hammered h = HammerSingle(limiter, clock, absl::Milliseconds(1));
    CHECK(h.allowed <= 30 * (h.elapsed / w + 1));
    CHECK(h.allowed >= 30);
  }
  SECTION("sliding counter and fixed window: at most limit per aligned window") {
    edgekit::testing::FakeClock clock;
    auto c = rl::SlidingWindowCounterPolicy::Create(30, w);
    auto f = rl::FixedWindowPolicy::Create(30, w);
    REQUIRE(c.ok());
    REQUIRE(f.ok());
    rl::SlidingWindowCounter counter(*c, clock);
    const Hammered hc = HammerSingle(counter, clock, absl::Milliseconds(1));
    CHECK(hc.allowed <= 30 * (hc.elapsed / w + 2));
    rl::FixedWindow fixed(*f, clock);
    const Hammered hf = HammerSingle(fixed, clock, absl::Milliseconds(1));
    CHECK(hf.allowed <= 30 * (hf.elapsed / w + 2));
  }
}

TEST_CASE("KeyedLimiter: threads on one hot key plus a distinct-key flood stay within the limit",
          "[ratelimit][concurrency]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(100, absl::Seconds(1), 50);  // T = 10 ms
  REQUIRE(p.ok());
  rl::KeyedLimiterOptions o;
  o.max_keys = 512;
  o.shards = 8;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  std::atomic<uint64_t> next_key{1};
  const Hammered h = Hammer(clock, absl::Milliseconds(1), [&](bool use_stale, absl::Time stale) {
    // Every other call is a fresh distinct key, to keep shards evicting.
    const uint64_t n = next_key.fetch_add(1, std::memory_order_relaxed);
    char buf[8];
    std::memcpy(buf, &n, sizeof(n));
    (void)k->TryAcquire(std::string_view(buf, sizeof(buf)));
    return use_stale ? k->TryAcquire("hot", stale).allowed : k->TryAcquire("hot").allowed;
  });
  CheckWithinRate(h, 50, 100);
  CHECK(k->counters().keys <= 512);
}

TEST_CASE("RuleLimiter: threads checking shared rules never exceed each key's limit",
          "[ratelimit][concurrency]") {
  edgekit::testing::FakeClock clock;  // frozen: every key gets exactly its limit
  rl::RuleLimiterOptions o;
  o.per_rule.max_keys = 256;
  o.per_rule.shards = 4;
  auto limiter = rl::RuleLimiter::CreateFromText(
      "login: 5/5m path=/api/login key=ip algo=sliding_log; api: 50/1m key=api_key; "
      "anon: 20/1m key=ip algo=sliding_counter",
      o, clock);
  REQUIRE(limiter.ok());
  rl::RuleLimiter& l = **limiter;
  std::vector<std::vector<int64_t>> allowed(kThreads, std::vector<int64_t>(3, 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        rl::Request r;
        r.method = "POST";
        r.client_ip = (i % 2) == 0 ? "192.0.2.1" : "192.0.2.2";
        r.path = (i % 3) == 0 ? "/api/login" : "/items";
        r.api_key = (i % 5) == 0 ? "key-1" : "";
        const rl::RuleLimiter::Verdict v = l.Check(r);
        if (v.matched() && v.decision.allowed) ++allowed[t][static_cast<size_t>(v.rule)];
      }
    });
  }
  for (auto& th : threads) th.join();
  int64_t login = 0, api = 0, anon = 0;
  for (const auto& a : allowed) {
    login += a[0];
    api += a[1];
    anon += a[2];
  }
  CHECK(login == 2 * 5);  // two IPs
  CHECK(api == 50);       // one API key
  CHECK(anon == 2 * 20);  // two IPs
  CHECK(l.counters().unmatched == 0);
}
