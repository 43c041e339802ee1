// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/ratelimit/keyed_limiter.h: per-key isolation, the key
// bound, idle-only eviction, the overflow state, and the 1M-key flood.
#include "edgekit/ratelimit/keyed_limiter.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/key_builder.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace rl = edgekit::ratelimit;

namespace {

// 8 raw bytes: a cheap distinct key per number.
struct NumKey {
  explicit NumKey(uint64_t n) { std::memcpy(buf, &n, sizeof(n)); }
  std::string_view view() const { return std::string_view(buf, sizeof(buf)); }
  char buf[8];
};

}  // namespace

TEST_CASE("KeyedLimiter::Create rejects out-of-range options, naming the field", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(10, absl::Seconds(1));
  REQUIRE(p.ok());
  struct Case {
    size_t max_keys, shards, sweep_budget;
    const char* field;
  };
  const Case bad[] = {
      {0, 1, 64, "max_keys"},
      {3, 4, 64, "max_keys"},
      {(size_t{1} << 32) + 1, 16, 64, "max_keys"},
      {1024, 0, 64, "shards"},
      {1024, 3, 64, "shards"},
      {4096, 2048, 64, "shards"},
      {1024, 16, 0, "sweep_budget"},
      {1024, 16, 65537, "sweep_budget"},
  };
  for (const Case& c : bad) {
    rl::KeyedLimiterOptions o;
    o.max_keys = c.max_keys;
    o.shards = c.shards;
    o.sweep_budget = c.sweep_budget;
    const auto k = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o);
    INFO(c.max_keys << " " << c.shards << " " << c.sweep_budget);
    CHECK(k.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(k.status().message()).find(c.field) != std::string::npos);
  }
  rl::KeyedLimiterOptions o;
  o.max_keys = 3;
  o.shards = 2;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o);
  REQUIRE(made.ok());
  auto& k = *made;
  CHECK(k->shards() == 2);
  CHECK(k->max_keys() == 2);  // 3 / 2 per shard, rounded down
}

TEST_CASE("A key composed with KeyBuilder is the same key as its string, part by part",
          "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(2, absl::Minutes(1));
  REQUIRE(p.ok());
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, {}, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  CHECK(rl::KeyBuilder().Add("192.0.2.1").Build() == rl::LimitKey::Of("192.0.2.1"));
  CHECK(k->TryAcquire("192.0.2.1").allowed);
  CHECK(k->TryAcquire(rl::KeyBuilder().Add("192.0.2.1").Build()).allowed);
  CHECK_FALSE(k->TryAcquire(rl::LimitKey::Of("192.0.2.1")).allowed);
  // Part boundaries and order count; numbers are parts of their own.
  const rl::LimitKey ab_c = rl::KeyBuilder().Add("ab").Add("c").Build();
  CHECK(ab_c != rl::KeyBuilder().Add("a").Add("bc").Build());
  CHECK(ab_c != rl::KeyBuilder().Add("c").Add("ab").Build());
  CHECK(ab_c != rl::LimitKey::Of("abc"));
  CHECK(rl::KeyBuilder().Add("t").Add(int64_t{7}).Build() !=
        rl::KeyBuilder().Add("t").Add("7").Build());
  CHECK(rl::KeyBuilder().Add("sub-1").Add("/api").Build() ==
        rl::KeyBuilder().Add("sub-1").Add("/api").Build());
  CHECK(rl::KeyBuilder().Build().hash() != 0);
  CHECK(rl::KeyBuilder().Add("x").parts() == 1);
  CHECK(k->TryAcquire(ab_c).allowed);
  CHECK(k->Peek(ab_c).allowed);
  CHECK(k->TryAcquire(ab_c).allowed);
  CHECK_FALSE(k->Peek(ab_c).allowed);
  CHECK(k->counters().keys == 2);
}

namespace {

struct Sample {
  std::string name;
  std::string labels;
  edgekit::MetricType type;
  double value;
};
class Recorder : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& m) override {
    std::string labels;
    for (const auto& l : m.labels) labels += std::string(l.name) + "=" + std::string(l.value) + ";";
    samples.push_back({std::string(m.name), labels, m.type, m.value});
  }
  const Sample* Find(std::string_view name, std::string_view labels) const {
    for (const Sample& s : samples) {
      if (s.name == name && s.labels == labels) return &s;
    }
    return nullptr;
  }
  std::vector<Sample> samples;
};

}  // namespace

TEST_CASE("KeyedLimiter reports its counters through the metrics visitor", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(1, absl::Minutes(1));
  REQUIRE(p.ok());
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, {}, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  CHECK(k->TryAcquire("a").allowed);
  CHECK_FALSE(k->TryAcquire("a").allowed);
  CHECK_FALSE(k->TryAcquire("a", 5).allowed);
  CHECK(k->TryAcquire("b").allowed);
  const rl::KeyedLimiterCounters c = k->counters();
  CHECK(c.allowed == 2);
  CHECK(c.limited == 1);
  CHECK(c.cost_exceeded == 1);
  CHECK(c.rejected() == 2);
  Recorder r;
  const edgekit::MetricLabel extra{"zone", "edge"};
  k->VisitMetrics(r, absl::MakeConstSpan(&extra, 1));
  const Sample* allowed = r.Find("edgekit_ratelimit_decisions_total", "zone=edge;reason=allowed;");
  REQUIRE(allowed != nullptr);
  CHECK(allowed->value == 2);
  CHECK(allowed->type == edgekit::MetricType::kCounter);
  REQUIRE(r.Find("edgekit_ratelimit_decisions_total", "zone=edge;reason=limited;") != nullptr);
  CHECK(
      r.Find("edgekit_ratelimit_decisions_total", "zone=edge;reason=cost_exceeds_limit;")->value ==
      1);
  const Sample* keys = r.Find("edgekit_ratelimit_keys", "zone=edge;");
  REQUIRE(keys != nullptr);
  CHECK(keys->type == edgekit::MetricType::kGauge);
  CHECK(keys->value == 2);
  CHECK(r.Find("edgekit_ratelimit_evictions_total", "zone=edge;") != nullptr);
  CHECK(r.Find("edgekit_ratelimit_overflow_decisions_total", "zone=edge;") != nullptr);
  CHECK(r.samples.size() == 6);
}

TEST_CASE("KeyedLimiter keeps one independent state per key", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::TokenBucketPolicy::Create(3, 1, absl::Seconds(1));
  REQUIRE(p.ok());
  auto made = rl::KeyedLimiter<rl::TokenBucketPolicy>::Create(*p, {}, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  for (int i = 0; i < 3; ++i) {
    CHECK(k->TryAcquire("10.0.0.1").allowed);
    CHECK(k->TryAcquire("10.0.0.2").allowed);
  }
  CHECK_FALSE(k->TryAcquire("10.0.0.1").allowed);
  CHECK(k->Peek("10.0.0.3").allowed);
  CHECK_FALSE(k->Peek("10.0.0.2").allowed);
  clock.Advance(absl::Seconds(1));
  CHECK(k->TryAcquire("10.0.0.1").allowed);
  CHECK(k->TryAcquire("10.0.0.1", clock.MonotonicNow() + absl::Seconds(1)).allowed);
  const rl::KeyedLimiterCounters c = k->counters();
  CHECK(c.allowed == 8);
  CHECK(c.rejected() == 1);
  CHECK(c.keys == 2);  // Peek stores nothing
  CHECK(c.evictions == 0);
}

TEST_CASE("KeyedLimiter evicts only idle keys and a returning key gets what it would have had",
          "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(2, absl::Seconds(10));  // T = 5 s, burst 2
  REQUIRE(p.ok());
  rl::KeyedLimiterOptions o;
  o.max_keys = 4;
  o.shards = 1;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  // Four keys: "busy" spends everything, the others one unit each.
  CHECK(k->TryAcquire("busy", 2).allowed);
  CHECK(k->TryAcquire("a").allowed);
  CHECK(k->TryAcquire("b").allowed);
  CHECK(k->TryAcquire("c").allowed);
  // Table full of non-idle keys: a new key is decided on the overflow state.
  rl::Decision d = k->TryAcquire("new1");
  CHECK(d.allowed);
  CHECK(k->counters().overflow_decisions == 1);
  CHECK(k->counters().keys == 4);
  // 5 s later a, b, c and the overflow are idle again; busy is not (10 s).
  clock.Advance(absl::Seconds(5));
  CHECK(k->TryAcquire("new2").allowed);  // evicts idle keys to make room
  rl::KeyedLimiterCounters c = k->counters();
  CHECK(c.evictions >= 1);
  CHECK(c.keys <= 4);
  // "busy" was never evicted: it still has exactly one unit (5 s of refill).
  d = k->TryAcquire("busy");
  CHECK(d.allowed);
  CHECK(d.remaining == 0);
  CHECK_FALSE(k->TryAcquire("busy").allowed);
  // "a" may have been evicted: it comes back full, as it would have been.
  d = k->TryAcquire("a");
  CHECK(d.allowed);
  CHECK(d.remaining == 1);
  const uint64_t keys = k->counters().keys;
  CHECK(k->EvictIdle(clock.MonotonicNow() + absl::Seconds(60)) == keys);
  CHECK(k->counters().keys == 0);
}

TEST_CASE("KeyedLimiter's overflow state is never refunded to a key that later gets a slot",
          "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(3, absl::Seconds(30));  // T = 10 s
  REQUIRE(p.ok());
  rl::KeyedLimiterOptions o;
  o.max_keys = 1;
  o.shards = 1;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  CHECK(k->TryAcquire("holder").allowed);  // holder busy for 10 s
  // "x" has no slot: it spends the overflow's 3 units.
  CHECK(k->TryAcquire("x", 3).allowed);
  CHECK_FALSE(k->TryAcquire("x").allowed);
  // 10 s later the holder is idle and can be evicted; x gets a slot but starts
  // from the overflow state (one unit refilled), not from a full bucket.
  clock.Advance(absl::Seconds(10));
  rl::Decision d = k->TryAcquire("x");
  CHECK(d.allowed);
  CHECK(d.remaining == 0);
  CHECK_FALSE(k->TryAcquire("x").allowed);
  CHECK(k->counters().evictions == 1);
}

TEST_CASE("KeyedLimiter works with a heap-owning state (sliding log)", "[ratelimit]") {
  edgekit::testing::FakeClock clock;
  auto p = rl::SlidingWindowLogPolicy::Create(20, absl::Seconds(1));
  REQUIRE(p.ok());
  rl::KeyedLimiterOptions o;
  o.max_keys = 256;
  o.shards = 4;
  auto made = rl::KeyedLimiter<rl::SlidingWindowLogPolicy>::Create(*p, o, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  int allowed = 0;
  for (int round = 0; round < 20; ++round) {
    for (uint64_t i = 0; i < 500; ++i) allowed += k->TryAcquire(NumKey(i).view(), 3).allowed;
    clock.Advance(absl::Milliseconds(300));
  }
  CHECK(allowed > 0);
  CHECK(k->counters().keys <= 256);
  CHECK(k->MemoryBytes() > 256 * 16);
}

namespace {

// Runs `flood` distinct one-request keys through a GCRA keyed limiter bounded
// at 20,000 keys, `gap` apart, while 50 victims keep spending (one unit every
// 10,000 flood requests, after an initial burst) and 50 returners take one
// unit at the start and come back at the end. Every decision of a victim or
// returner is compared with an exact, never-evicted reference state.
struct FloodResult {
  rl::KeyedLimiterCounters counters;
  uint64_t max_keys_seen = 0;
  int got_more = 0;  // decisions allowed by the limiter but not the reference
  int victim_got = 0, victim_want = 0, returner_got = 0, returner_want = 0;
};

FloodResult RunFlood(uint64_t flood, absl::Duration gap) {
  edgekit::testing::FakeClock clock;
  auto p = rl::GcraPolicy::Create(10, absl::Seconds(10));  // T = 1 s, burst 10
  rl::KeyedLimiterOptions o;
  o.max_keys = 20000;
  o.shards = 16;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o, clock);
  auto& k = *made;
  constexpr int kN = 50;
  std::vector<rl::GcraState> ref_victim(kN), ref_returner(kN);
  std::vector<std::string> victims, returners;
  for (int i = 0; i < kN; ++i) {
    victims.push_back(absl::StrCat("victim-", i));
    returners.push_back(absl::StrCat("returner-", i));
  }
  FloodResult r;
  auto both = [&](const std::string& key, rl::GcraState* ref, int* got, int* want) {
    const bool a = k->TryAcquire(key).allowed;
    const bool b = p->Apply(ref, clock.MonotonicNow()).allowed;
    r.got_more += a && !b;
    *got += a;
    *want += b;
  };
  int ignored_got = 0, ignored_want = 0;
  for (int i = 0; i < kN; ++i) {
    for (int j = 0; j < 10; ++j) both(victims[i], &ref_victim[i], &ignored_got, &ignored_want);
    both(returners[i], &ref_returner[i], &ignored_got, &ignored_want);
  }
  for (uint64_t i = 0; i < flood; ++i) {
    clock.Advance(gap);
    (void)k->TryAcquire(NumKey(i + 1000).view());
    if (i % 10000 == 0) {
      for (int v = 0; v < kN; ++v) both(victims[v], &ref_victim[v], &ignored_got, &ignored_want);
      const uint64_t keys = k->counters().keys;
      if (keys > r.max_keys_seen) r.max_keys_seen = keys;
    }
  }
  r.counters = k->counters();
  // Everyone returns and asks for 20 units, one at a time.
  for (int i = 0; i < kN; ++i) {
    for (int j = 0; j < 20; ++j) {
      both(victims[i], &ref_victim[i], &r.victim_got, &r.victim_want);
      both(returners[i], &ref_returner[i], &r.returner_got, &r.returner_want);
    }
  }
  return r;
}

}  // namespace

TEST_CASE(
    "A flood of 1M distinct keys stays within the key bound and no returning key gets a "
    "free refill",
    "[ratelimit]") {
  // 1M keys 100 us apart (100 s): each flood key is idle 1 s after its request,
  // so idle keys are recycled and nobody needs the overflow state.
  const FloodResult r = RunFlood(1000000, absl::Microseconds(100));
  CHECK(r.counters.keys <= 20000);
  CHECK(r.max_keys_seen <= 20000);
  CHECK(r.counters.evictions > 900000);
  CHECK(r.counters.overflow_decisions == 0);
  CHECK(r.got_more == 0);
  // Victims kept spending and were never evicted: exactly the reference.
  CHECK(r.victim_got == r.victim_want);
  CHECK(r.victim_got < 50 * 10);
  // Returners were idle, evicted, and come back full: as without eviction.
  CHECK(r.returner_got == r.returner_want);
  CHECK(r.returner_got == 50 * 10);
}

TEST_CASE(
    "A flood faster than idle keys free up is decided on the overflow state, "
    "conservatively",
    "[ratelimit]") {
  // 200k keys 5 us apart: 200k new busy keys per second against a 20k bound.
  const FloodResult r = RunFlood(200000, absl::Microseconds(5));
  CHECK(r.counters.keys <= 20000);
  CHECK(r.max_keys_seen <= 20000);
  CHECK(r.counters.overflow_decisions > 100000);
  CHECK(r.got_more == 0);                    // never more than the reference
  CHECK(r.victim_got == r.victim_want);      // stored busy keys keep their own state
  CHECK(r.returner_got <= r.returner_want);  // evicted keys may meet the drained overflow
}

TEST_CASE("KeyedLimiter reports bytes per key", "[ratelimit]") {
  auto p = rl::GcraPolicy::Create(10, absl::Seconds(10));
  REQUIRE(p.ok());
  edgekit::testing::FakeClock clock;
  rl::KeyedLimiterOptions o;
  o.max_keys = size_t{1} << 16;
  auto made = rl::KeyedLimiter<rl::GcraPolicy>::Create(*p, o, clock);
  REQUIRE(made.ok());
  auto& k = *made;
  for (uint64_t i = 0; i < (uint64_t{1} << 16); ++i) (void)k->TryAcquire(NumKey(i).view());
  const double bpk = k->BytesPerKey();
  INFO("GCRA keyed limiter: " << bpk << " bytes per key with " << k->counters().keys << " keys");
  CHECK(k->counters().keys > 60000);
  CHECK(bpk <= 48.0);
  WARN("KeyedLimiter<GcraPolicy>: " << bpk << " bytes per key (key strings not stored)");
}
