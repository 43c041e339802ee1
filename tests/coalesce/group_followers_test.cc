// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::coalesce::Group, single-threaded, from the followers' side:
// deadlines with a FakeClock, cancellation, the waiter and table bounds,
// callbacks through a host executor, callbacks that re-enter or destroy the
// group, and callbacks or fns that throw.
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "edgekit/coalesce/group.h"
#include "edgekit/coalesce/types.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "group_test_util.h"

namespace {

using coalesce_test::Probe;
using coalesce_test::StrGroup;
using coalesce_test::StrResult;
using edgekit::coalesce::GroupOptions;
using edgekit::coalesce::OverflowPolicy;
using edgekit::coalesce::Reason;
using edgekit::coalesce::Role;

TEST_CASE("Follower deadlines expire through ExpireWaiters with an injected clock", "[coalesce]") {
  edgekit::testing::FakeClock clock;
  StrGroup group(clock);
  const absl::Time t0 = clock.MonotonicNow();
  auto lead = group.Join("k", nullptr);
  Probe early;
  Probe late;
  Probe forever;
  (void)group.Join("k", early.Callback(), t0 + absl::Milliseconds(100));
  (void)group.Join("k", late.Callback(), t0 + absl::Milliseconds(500));
  (void)group.Join("k", forever.Callback());

  CHECK(group.ExpireWaiters(t0 + absl::Milliseconds(99)) == 0);
  CHECK(early.calls == 0);
  CHECK(group.ExpireWaiters(t0 + absl::Milliseconds(100)) == 1);  // Deadline is inclusive.
  CHECK(early.calls == 1);
  CHECK(early.reason == Reason::kTimeout);
  CHECK(early.status.code() == absl::StatusCode::kDeadlineExceeded);
  CHECK_FALSE(early.shared);
  CHECK(late.calls == 0);

  clock.Advance(absl::Milliseconds(200));
  CHECK(group.ExpireWaiters() == 0);  // Reads the injected clock: 200ms < 500ms.
  CHECK(group.ExpireWaiters() == 0);  // Idempotent.
  CHECK(group.in_flight() == 1);      // The shared work goes on.

  (void)lead.completion.Complete(std::string("v"));
  CHECK(early.calls == 1);  // Exactly once.
  CHECK(late.calls == 1);
  CHECK(late.reason == Reason::kOk);
  CHECK(forever.calls == 1);
  CHECK(*forever.value == "v");
  const auto s = group.counters();
  CHECK(s.timeouts == 1);
  CHECK(s.shared == 2);
}

TEST_CASE("A follower past its deadline at completion gets kTimeout and never a late value",
          "[coalesce]") {
  edgekit::testing::FakeClock clock;
  StrGroup group(clock);
  auto lead = group.Join("k", nullptr);
  Probe p;
  Probe q;
  (void)group.Join("k", p.Callback(), clock.MonotonicNow() + absl::Seconds(1));
  (void)group.Join("k", q.Callback(), clock.MonotonicNow() + absl::Seconds(3));
  clock.Advance(absl::Seconds(2));
  const StrResult r = lead.completion.Complete(std::string("v"));
  CHECK(p.calls == 1);
  CHECK(p.reason == Reason::kTimeout);
  CHECK(q.calls == 1);
  CHECK(q.reason == Reason::kOk);
  CHECK(r.shared());
  CHECK(group.counters().timeouts == 1);
}

TEST_CASE("Options::default_wait_timeout gives every follower a deadline", "[coalesce]") {
  edgekit::testing::FakeClock clock;
  GroupOptions options;
  options.default_wait_timeout = absl::Seconds(5);
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  auto lead = group.Join("k", nullptr);
  Probe p;
  (void)group.Join("k", p.Callback());
  clock.Advance(absl::Seconds(4));
  CHECK(group.ExpireWaiters() == 0);
  clock.Advance(absl::Seconds(1));
  CHECK(group.ExpireWaiters() == 1);
  CHECK(p.reason == Reason::kTimeout);
  // A follower that joins later has its own deadline.
  Probe q;
  (void)group.Join("k", q.Callback());
  CHECK(group.ExpireWaiters() == 0);
  (void)lead.completion.Complete(std::string("v"));
  CHECK(q.reason == Reason::kOk);
}

TEST_CASE("ExpireWaiters also reaches flights detached by Forget", "[coalesce]") {
  edgekit::testing::FakeClock clock;
  StrGroup group(clock);
  auto lead = group.Join("k", nullptr);
  Probe p;
  (void)group.Join("k", p.Callback(), clock.MonotonicNow() + absl::Seconds(1));
  CHECK(group.Forget("k"));
  clock.Advance(absl::Seconds(1));
  CHECK(group.ExpireWaiters() == 1);
  CHECK(p.reason == Reason::kTimeout);
}

TEST_CASE("Cancelling one follower leaves the shared work and the others alone", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  Probe a;
  Probe b;
  auto ja = group.Join("k", a.Callback());
  auto jb = group.Join("k", b.Callback());
  CHECK(group.Cancel(ja.waiter));
  CHECK(a.calls == 1);
  CHECK(a.reason == Reason::kCancelled);
  CHECK(a.status.code() == absl::StatusCode::kCancelled);
  CHECK_FALSE(group.Cancel(ja.waiter));  // Only once.
  CHECK(a.calls == 1);
  CHECK(group.in_flight() == 1);

  // The freed place is reused; the stale handle cannot cancel the newcomer.
  Probe c;
  auto jc = group.Join("k", c.Callback());
  CHECK_FALSE(group.Cancel(ja.waiter));
  CHECK(c.calls == 0);

  (void)lead.completion.Complete(std::string("v"));
  CHECK(a.calls == 1);
  CHECK(b.calls == 1);
  CHECK(b.reason == Reason::kOk);
  CHECK(c.calls == 1);
  CHECK(c.reason == Reason::kOk);
  CHECK_FALSE(group.Cancel(jb.waiter));  // Already completed.
  CHECK_FALSE(group.Cancel(StrGroup::Waiter()));
  const auto s = group.counters();
  CHECK(s.cancellations == 1);
  CHECK(s.shared == 2);
  CHECK(s.joins == 3);
}

TEST_CASE("The waiter bound rejects or sends callers direct", "[coalesce]") {
  GroupOptions options;
  options.max_waiters_per_flight = 2;
  SECTION("kReject") {
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    auto lead = group.Join("k", nullptr);
    Probe a;
    Probe b;
    Probe c;
    auto ja = group.Join("k", a.Callback());
    (void)group.Join("k", b.Callback());
    auto jc = group.Join("k", c.Callback());
    CHECK(jc.role == Role::kRejected);
    CHECK(jc.reason == Reason::kTooManyWaiters);
    CHECK_FALSE(jc.completion.valid());
    CHECK_FALSE(jc.waiter.valid());
    // Do is refused the same way, without running fn.
    int runs = 0;
    const StrResult r = group.Do("k", [&] {
      ++runs;
      return std::string("x");
    });
    CHECK(runs == 0);
    CHECK(r.reason() == Reason::kTooManyWaiters);
    CHECK(r.status().code() == absl::StatusCode::kResourceExhausted);
    CHECK(group.counters().rejections == 2);
    // A cancelled follower frees its place.
    CHECK(group.Cancel(ja.waiter));
    auto jd = group.Join("k", c.Callback());
    CHECK(jd.role == Role::kFollower);
    (void)lead.completion.Complete(std::string("v"));
    CHECK(c.calls == 1);
    CHECK(c.reason == Reason::kOk);
  }
  SECTION("kRunDirect") {
    options.on_too_many_waiters = OverflowPolicy::kRunDirect;
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    auto lead = group.Join("k", nullptr);
    (void)group.Join("k", nullptr);
    (void)group.Join("k", nullptr);
    auto jc = group.Join("k", nullptr);
    CHECK(jc.role == Role::kDirect);
    CHECK(jc.reason == Reason::kTooManyWaiters);
    int runs = 0;
    const StrResult r = group.Do("k", [&] {
      ++runs;
      return std::string("direct");
    });
    CHECK(runs == 1);
    REQUIRE(r.ok());
    CHECK(*r == "direct");
    CHECK_FALSE(r.shared());
    CHECK(group.counters().direct == 2);
    CHECK(group.counters().rejections == 0);
  }
  SECTION("zero disables coalescing") {
    options.max_waiters_per_flight = 0;
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    auto lead = group.Join("k", nullptr);
    CHECK(group.Join("k", nullptr).role == Role::kRejected);
  }
}

TEST_CASE("The table bound counts unfinished flights including forgotten ones", "[coalesce]") {
  GroupOptions options;
  options.max_flights = 2;
  SECTION("kReject") {
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    auto a = group.Join("a", nullptr);
    auto b = group.Join("b", nullptr);
    auto c = group.Join("c", nullptr);
    CHECK(c.role == Role::kRejected);
    CHECK(c.reason == Reason::kTableFull);
    // Joining an existing key is still fine.
    CHECK(group.Join("a", nullptr).role == Role::kFollower);
    const StrResult r = group.Do("c", [] { return std::string("x"); });
    CHECK(r.reason() == Reason::kTableFull);
    CHECK(r.status().code() == absl::StatusCode::kResourceExhausted);
    // Forget detaches but does not free capacity until the leader finishes.
    CHECK(group.Forget("a"));
    CHECK(group.Join("c", nullptr).role == Role::kRejected);
    (void)a.completion.Complete(std::string("va"));
    auto c2 = group.Join("c", nullptr);
    CHECK(c2.role == Role::kLeader);
    CHECK(group.counters().rejections == 3);
  }
  SECTION("kRunDirect") {
    options.on_table_full = OverflowPolicy::kRunDirect;
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    auto a = group.Join("a", nullptr);
    auto b = group.Join("b", nullptr);
    CHECK(group.Join("c", nullptr).role == Role::kDirect);
    const StrResult r = group.Do("c", [] { return std::string("x"); });
    REQUIRE(r.ok());
    CHECK_FALSE(r.shared());
    CHECK(group.counters().direct == 2);
  }
  SECTION("a bound of one") {
    options.max_flights = 1;
    auto made = StrGroup::Create(options);
    REQUIRE(made.ok());
    StrGroup& group = **made;
    CHECK(group.options().max_flights == 1);
    auto a = group.Join("a", nullptr);
    CHECK(a.leader());
    CHECK(group.Join("b", nullptr).role == Role::kRejected);
  }
}

TEST_CASE("The table bound is exact across shards: capacity freed in one shard serves another",
          "[coalesce]") {
  GroupOptions options;
  options.max_flights = 5;
  options.shards = 8;
  auto made = StrGroup::Create(options);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  std::vector<StrGroup::Completion> leaders;
  for (int i = 0; i < 5; ++i) {
    auto j = group.Join("lead" + std::to_string(i), nullptr);
    REQUIRE(j.leader());
    leaders.push_back(std::move(j.completion));
  }
  // Keys hashed to every shard are refused while five flights are open.
  for (int i = 0; i < 64; ++i) {
    const auto j = group.Join("other" + std::to_string(i), nullptr);
    CHECK(j.role == Role::kRejected);
    CHECK(j.reason == Reason::kTableFull);
  }
  CHECK(group.counters().rejections == 64);
  CHECK(group.in_flight() == 5);
  // Freeing flights makes room for exactly as many new keys, whatever their shard.
  for (auto& c : leaders) (void)c.Complete(std::string("v"));
  leaders.clear();
  CHECK(group.in_flight() == 0);
  for (int round = 0; round < 3; ++round) {
    int led = 0;
    for (int i = 0; i < 64; ++i) {
      auto j = group.Join("round" + std::to_string(round) + "/" + std::to_string(i), nullptr);
      if (j.leader()) {
        ++led;
        leaders.push_back(std::move(j.completion));
      } else {
        CHECK(j.reason == Reason::kTableFull);
      }
    }
    CHECK(led == 5);
    CHECK(group.in_flight() == 5);
    for (auto& c : leaders) c.Abandon();
    leaders.clear();
  }
  CHECK(group.counters().flights == 20);
}

TEST_CASE("Callbacks run through the host executor and never inline when one is given",
          "[coalesce]") {
  std::deque<absl::AnyInvocable<void()>> queue;
  GroupOptions options;
  options.executor = [&queue](absl::AnyInvocable<void()> task) {
    queue.push_back(std::move(task));
  };
  edgekit::testing::FakeClock clock;
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  auto lead = group.Join("k", nullptr);
  Probe a;
  Probe b;
  Probe cancelled;
  Probe expired;
  (void)group.Join("k", a.Callback());
  (void)group.Join("k", b.Callback());
  auto jc = group.Join("k", cancelled.Callback());
  (void)group.Join("k", expired.Callback(), clock.MonotonicNow() + absl::Seconds(1));
  CHECK(group.Cancel(jc.waiter));
  CHECK(cancelled.calls == 0);
  CHECK(queue.size() == 1);
  clock.Advance(absl::Seconds(1));
  CHECK(group.ExpireWaiters() == 1);
  CHECK(expired.calls == 0);
  CHECK(queue.size() == 2);
  (void)lead.completion.Complete(std::string("v"));
  CHECK(a.calls == 0);
  CHECK(queue.size() == 4);
  while (!queue.empty()) {
    auto task = std::move(queue.front());
    queue.pop_front();
    task();
  }
  CHECK(cancelled.reason == Reason::kCancelled);
  CHECK(expired.reason == Reason::kTimeout);
  CHECK(a.calls == 1);
  CHECK(*a.value == "v");
  CHECK(b.calls == 1);
  CHECK(a.value.get() == b.value.get());
}

TEST_CASE("A callback may re-enter the group: no lock is held while it runs", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  StrGroup::JoinResult inner;
  int calls = 0;
  (void)group.Join("k", [&](const StrResult& r) {
    ++calls;
    CHECK(r.ok());
    CHECK(group.in_flight() == 0);
    inner = group.Join("k", nullptr);  // Starts the next flight.
    (void)group.Forget("other");
    (void)group.ExpireWaiters(absl::InfiniteFuture());
  });
  (void)lead.completion.Complete(std::string("v"));
  CHECK(calls == 1);
  CHECK(inner.leader());
  CHECK(group.in_flight() == 1);
}

TEST_CASE("The group may be destroyed before its leader completes", "[coalesce]") {
  Probe p;
  StrGroup::Completion completion;
  {
    StrGroup group;
    auto lead = group.Join("k", nullptr);
    (void)group.Join("k", p.Callback());
    completion = std::move(lead.completion);
  }
  (void)completion.Complete(std::string("v"));
  CHECK(p.calls == 1);
  CHECK(*p.value == "v");
}

TEST_CASE("A callback may destroy the group during Cancel or ExpireWaiters", "[coalesce]") {
  edgekit::testing::FakeClock clock;
  auto group = std::make_unique<StrGroup>(clock);
  auto lead = group->Join("k", nullptr);
  int calls = 0;
  auto destroy = [&](const StrResult&) {
    ++calls;
    group.reset();
  };
  SECTION("Cancel") {
    auto j = group->Join("k", destroy);
    CHECK(group->Cancel(j.waiter));
  }
  SECTION("ExpireWaiters") {
    (void)group->Join("k", destroy, clock.MonotonicNow());
    CHECK(group->ExpireWaiters() == 1);
  }
  CHECK(calls == 1);
  CHECK(group == nullptr);
  CHECK(lead.completion.Complete(std::string("v")).ok());  // The flight outlives the group.
}

#if EDGEKIT_HAS_EXCEPTIONS
TEST_CASE("A callback that throws does not stop the other followers", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  Probe before;
  Probe after;
  (void)group.Join("k", before.Callback());
  (void)group.Join("k", [](const StrResult&) { throw std::runtime_error("callback"); });
  (void)group.Join("k", after.Callback());
  CHECK_THROWS_AS(lead.completion.Complete(std::string("v")), std::runtime_error);
  CHECK(before.calls == 1);
  CHECK(after.calls == 1);
  CHECK(group.in_flight() == 0);
}

TEST_CASE("A throwing fn propagates to the Do leader and async followers get kAbandoned",
          "[coalesce]") {
  StrGroup group;
  Probe p;
  CHECK_THROWS_AS(group.Do("k",
                           [&]() -> std::string {
                             (void)group.Join("k", p.Callback());
                             throw std::runtime_error("origin exploded");
                           }),
                  std::runtime_error);
  CHECK(p.calls == 1);
  CHECK(p.reason == Reason::kAbandoned);
  CHECK(group.in_flight() == 0);
  CHECK(group.counters().abandons == 1);
  CHECK(group.Do("k", [] { return std::string("ok"); }).ok());
}
#endif

}  // namespace
