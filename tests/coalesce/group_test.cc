// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::coalesce::Group, single-threaded: roles and results (Do,
// Join, Complete, Fail), abandoned flights, Forget, options, a move-only value,
// sharding and the metrics it reports. Followers' deadlines, cancellation,
// bounds and callbacks: group_followers_test.cc.
#include "edgekit/coalesce/group.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/metrics.h"
#include "edgekit/coalesce/types.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"
#include "group_test_util.h"

namespace {

using coalesce_test::Probe;
using coalesce_test::StrGroup;
using coalesce_test::StrResult;
using edgekit::coalesce::Group;
using edgekit::coalesce::GroupOptions;
using edgekit::coalesce::Reason;
using edgekit::coalesce::Role;

TEST_CASE("Do runs fn for a lone caller and returns an unshared value", "[coalesce]") {
  StrGroup group;
  int runs = 0;
  const StrResult r = group.Do("k", [&] {
    ++runs;
    return std::string("v");
  });
  CHECK(runs == 1);
  REQUIRE(r.ok());
  CHECK(r.reason() == Reason::kOk);
  CHECK(r.status().ok());
  CHECK(*r == "v");
  CHECK(r->size() == 1);
  CHECK_FALSE(r.shared());
  CHECK(group.in_flight() == 0);
  const auto s = group.counters();
  CHECK(s.flights == 1);
  CHECK(s.joins == 0);
  CHECK(s.shared == 0);

  // The flight is over: the next caller leads again.
  const StrResult r2 = group.Do("k", [&] {
    ++runs;
    return std::string("w");
  });
  CHECK(runs == 2);
  CHECK(*r2 == "w");
}

TEST_CASE("Do accepts StatusOr and shared_ptr returns and maps errors", "[coalesce]") {
  StrGroup group;
  SECTION("StatusOr<Value> with a value") {
    const StrResult r = group.Do("k", [] { return absl::StatusOr<std::string>("v"); });
    REQUIRE(r.ok());
    CHECK(*r == "v");
  }
  SECTION("StatusOr<Value> with an error") {
    const StrResult r =
        group.Do("k", [] { return absl::StatusOr<std::string>(absl::NotFoundError("gone")); });
    CHECK_FALSE(r.ok());
    CHECK(r.reason() == Reason::kLeaderError);
    CHECK(r.status() == absl::NotFoundError("gone"));
    CHECK(r.value_ptr() == nullptr);
    CHECK(group.counters().errors == 1);
  }
  SECTION("shared_ptr<const Value> is shared as is") {
    auto p = std::make_shared<const std::string>("shared");
    const StrResult r = group.Do("k", [&] { return p; });
    REQUIRE(r.ok());
    CHECK(r.value_ptr() == p);
  }
  SECTION("StatusOr<shared_ptr<const Value>>") {
    auto p = std::make_shared<const std::string>("p");
    const StrResult r =
        group.Do("k", [&] { return absl::StatusOr<std::shared_ptr<const std::string>>(p); });
    REQUIRE(r.ok());
    CHECK(r.value_ptr() == p);
  }
  SECTION("a null shared_ptr is an internal error, not a crash") {
    const StrResult r = group.Do("k", [] { return std::shared_ptr<const std::string>(); });
    CHECK(r.reason() == Reason::kLeaderError);
    CHECK(r.status().code() == absl::StatusCode::kInternal);
  }
  SECTION("ToStatusOr") {
    const StrResult ok = group.Do("k", [] { return std::string("v"); });
    CHECK(**ok.ToStatusOr() == "v");
    const StrResult bad =
        group.Do("k", [] { return absl::StatusOr<std::string>(absl::UnavailableError("x")); });
    CHECK(bad.ToStatusOr().status() == absl::UnavailableError("x"));
  }
}

TEST_CASE("Join makes one leader and delivers one shared value to every follower", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", [](const StrResult&) { FAIL("leader callback must not run"); });
  REQUIRE(lead.role == Role::kLeader);
  REQUIRE(lead.leader());
  REQUIRE(lead.completion.valid());
  CHECK(lead.completion.key() == "k");
  CHECK_FALSE(lead.waiter.valid());
  CHECK(group.in_flight() == 1);

  std::vector<Probe> probes(5);
  for (Probe& p : probes) {
    auto j = group.Join("k", p.Callback());
    CHECK(j.role == Role::kFollower);
    CHECK(j.reason == Reason::kOk);
    CHECK(j.waiter.valid());
    CHECK_FALSE(j.completion.valid());
  }
  // Another key is independent.
  Probe other;
  auto other_lead = group.Join("other", other.Callback());
  CHECK(other_lead.role == Role::kLeader);
  CHECK(group.in_flight() == 2);

  for (const Probe& p : probes) CHECK(p.calls == 0);
  const StrResult leader_result = lead.completion.Complete(std::string("value"));
  CHECK_FALSE(lead.completion.valid());
  REQUIRE(leader_result.ok());
  CHECK(leader_result.shared());
  for (const Probe& p : probes) {
    CHECK(p.calls == 1);
    CHECK(p.reason == Reason::kOk);
    CHECK(p.shared);
    REQUIRE(p.value != nullptr);
    CHECK(p.value.get() == leader_result.value_ptr().get());  // One object, not copies.
  }
  CHECK(group.in_flight() == 1);
  const auto s = group.counters();
  CHECK(s.flights == 2);
  CHECK(s.joins == 5);
  CHECK(s.shared == 5);
  other_lead.completion.Complete(std::string("o"));
  CHECK(other.calls == 0);  // The leader's own callback is not kept.
  CHECK(group.in_flight() == 0);
}

TEST_CASE("A leader with no followers gets an unshared result from Complete", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  REQUIRE(lead.leader());
  const StrResult r = lead.completion.Complete(std::make_shared<const std::string>("v"));
  CHECK(r.ok());
  CHECK_FALSE(r.shared());
}

TEST_CASE("A leader's error reaches every follower as is", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  std::vector<Probe> probes(3);
  for (Probe& p : probes) (void)group.Join("k", p.Callback());
  SECTION("Fail") {
    const StrResult r = lead.completion.Fail(absl::UnavailableError("origin down"));
    CHECK(r.reason() == Reason::kLeaderError);
    CHECK(r.shared());
  }
  SECTION("Finish with an error StatusOr") {
    (void)lead.completion.Finish(
        absl::StatusOr<std::string>(absl::UnavailableError("origin down")));
  }
  for (const Probe& p : probes) {
    CHECK(p.calls == 1);
    CHECK(p.reason == Reason::kLeaderError);
    CHECK(p.status == absl::UnavailableError("origin down"));
    CHECK(p.value == nullptr);
  }
  CHECK(group.counters().errors == 1);
  CHECK(group.counters().shared == 3);
}

TEST_CASE("Completion accepts StatusOr values and shared pointers", "[coalesce]") {
  StrGroup group;
  auto shared_value = std::make_shared<const std::string>("shared");
  SECTION("Finish with a value") {
    auto lead = group.Join("k", nullptr);
    Probe p;
    (void)group.Join("k", p.Callback());
    const StrResult r = lead.completion.Finish(absl::StatusOr<std::string>("v"));
    CHECK(r.ok());
    CHECK(*p.value == "v");
  }
  SECTION("Finish with a shared pointer") {
    auto lead = group.Join("k", nullptr);
    Probe p;
    (void)group.Join("k", p.Callback());
    (void)lead.completion.Finish(absl::StatusOr<std::shared_ptr<const std::string>>(shared_value));
    CHECK(p.value == shared_value);
  }
  SECTION("Complete with a null pointer fails the flight") {
    auto lead = group.Join("k", nullptr);
    Probe p;
    (void)group.Join("k", p.Callback());
    const StrResult r = lead.completion.Complete(std::shared_ptr<const std::string>());
    CHECK(r.reason() == Reason::kLeaderError);
    CHECK(p.status.code() == absl::StatusCode::kInternal);
  }
  SECTION("Complete with a shared pointer to non-const") {
    auto lead = group.Join("k", nullptr);
    Probe p;
    (void)group.Join("k", p.Callback());
    auto mutable_value = std::make_shared<std::string>("m");
    (void)lead.completion.Complete(mutable_value);
    CHECK(p.value.get() == mutable_value.get());
  }
  CHECK(group.in_flight() == 0);
}

TEST_CASE("Fail with an OK status is turned into an error", "[coalesce]") {
  StrGroup group;
  auto lead = group.Join("k", nullptr);
  Probe p;
  (void)group.Join("k", p.Callback());
  (void)lead.completion.Fail(absl::OkStatus());
  CHECK(p.calls == 1);
  CHECK(p.reason == Reason::kLeaderError);
  CHECK(p.status.code() == absl::StatusCode::kUnknown);
}

TEST_CASE("A completion handle dropped without a result abandons the flight", "[coalesce]") {
  StrGroup group;
  std::vector<Probe> probes(3);
  SECTION("destroyed") {
    {
      auto lead = group.Join("k", nullptr);
      for (Probe& p : probes) (void)group.Join("k", p.Callback());
    }
  }
  SECTION("explicit Abandon") {
    auto lead = group.Join("k", nullptr);
    for (Probe& p : probes) (void)group.Join("k", p.Callback());
    lead.completion.Abandon();
    CHECK_FALSE(lead.completion.valid());
    lead.completion.Abandon();  // No-op the second time.
  }
  SECTION("overwritten by move assignment") {
    auto lead = group.Join("k", nullptr);
    for (Probe& p : probes) (void)group.Join("k", p.Callback());
    lead.completion = StrGroup::Completion();
  }
  SECTION("moved, then the new owner is destroyed") {
    auto lead = group.Join("k", nullptr);
    for (Probe& p : probes) (void)group.Join("k", p.Callback());
    { StrGroup::Completion moved(std::move(lead.completion)); }
    CHECK_FALSE(lead.completion.valid());  // NOLINT(bugprone-use-after-move)
  }
  for (const Probe& p : probes) {
    CHECK(p.calls == 1);
    CHECK(p.reason == Reason::kAbandoned);
    CHECK(p.status.code() == absl::StatusCode::kAborted);
  }
  CHECK(group.counters().abandons == 1);
  CHECK(group.in_flight() == 0);
  // The key is free again.
  auto next = group.Join("k", nullptr);
  CHECK(next.leader());
}

TEST_CASE("An ignored JoinResult abandons at once so nobody waits on it", "[coalesce]") {
  StrGroup group;
  (void)group.Join("k", nullptr);
  CHECK(group.in_flight() == 0);
  CHECK(group.counters().abandons == 1);
}

TEST_CASE("Move-assigning a completion abandons the flight it held", "[coalesce]") {
  StrGroup group;
  auto a = group.Join("a", nullptr);
  auto b = group.Join("b", nullptr);
  Probe pa;
  Probe pb;
  (void)group.Join("a", pa.Callback());
  (void)group.Join("b", pb.Callback());
  a.completion = std::move(b.completion);
  CHECK(pa.calls == 1);
  CHECK(pa.reason == Reason::kAbandoned);
  CHECK(pb.calls == 0);
  CHECK(a.completion.key() == "b");
  (void)a.completion.Complete(std::string("vb"));
  CHECK(pb.calls == 1);
  CHECK(*pb.value == "vb");
}

TEST_CASE("Forget starts a new flight for the next caller and the old one still completes",
          "[coalesce]") {
  StrGroup group;
  CHECK_FALSE(group.Forget("k"));
  auto old_lead = group.Join("k", nullptr);
  Probe old_follower;
  (void)group.Join("k", old_follower.Callback());
  CHECK(group.Forget("k"));
  CHECK_FALSE(group.Forget("k"));
  auto new_lead = group.Join("k", nullptr);
  REQUIRE(new_lead.leader());
  Probe new_follower;
  (void)group.Join("k", new_follower.Callback());
  CHECK(group.in_flight() == 2);

  // Completing the old flight must not remove the new one from the table.
  (void)old_lead.completion.Complete(std::string("old"));
  CHECK(*old_follower.value == "old");
  CHECK(new_follower.calls == 0);
  Probe newer;
  CHECK(group.Join("k", newer.Callback()).role == Role::kFollower);
  (void)new_lead.completion.Complete(std::string("new"));
  CHECK(*new_follower.value == "new");
  CHECK(*newer.value == "new");
  CHECK(group.counters().forgets == 1);
  CHECK(group.in_flight() == 0);
}

TEST_CASE("A Group is movable", "[coalesce]") {
  StrGroup a;
  auto lead = a.Join("k", nullptr);
  StrGroup b(std::move(a));
  CHECK(b.in_flight() == 1);
  CHECK(b.Join("k", nullptr).role == Role::kFollower);
}

TEST_CASE("Group::Create rejects out-of-range options, naming the field; reasons have labels",
          "[coalesce]") {
  struct Case {
    void (*set)(GroupOptions&);
    const char* field;
  };
  const Case bad[] = {
      {[](GroupOptions& o) { o.max_flights = 0; }, "max_flights"},
      {[](GroupOptions& o) { o.max_flights = (size_t{1} << 32) + 1; }, "max_flights"},
      {[](GroupOptions& o) { o.max_waiters_per_flight = size_t{1} << 32; },
       "max_waiters_per_flight"},
      {[](GroupOptions& o) { o.default_wait_timeout = -absl::Milliseconds(1); },
       "default_wait_timeout"},
      {[](GroupOptions& o) { o.shards = 0; }, "shards"},
      {[](GroupOptions& o) { o.shards = 3; }, "shards"},
      {[](GroupOptions& o) { o.shards = 2048; }, "shards"},
  };
  for (const Case& c : bad) {
    GroupOptions options;
    c.set(options);
    const auto made = StrGroup::Create(options);
    INFO(c.field);
    CHECK(made.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(std::string(made.status().message()).find(c.field) != std::string::npos);
  }
  GroupOptions options;
  options.shards = 1024;
  options.max_waiters_per_flight = 0;
  options.default_wait_timeout = absl::ZeroDuration();
  const auto made = StrGroup::Create(options);
  REQUIRE(made.ok());
  CHECK((*made)->options().shards == 1024);
  CHECK(StrGroup().options().shards == 16);
  CHECK(edgekit::coalesce::ToString(Reason::kOk) == "ok");
  CHECK(edgekit::coalesce::ToString(Reason::kLeaderError) == "leader_error");
  CHECK(edgekit::coalesce::ToString(Reason::kAbandoned) == "abandoned");
  CHECK(edgekit::coalesce::ToString(Reason::kTimeout) == "timeout");
  CHECK(edgekit::coalesce::ToString(Reason::kCancelled) == "cancelled");
  CHECK(edgekit::coalesce::ToString(Reason::kTooManyWaiters) == "too_many_waiters");
  CHECK(edgekit::coalesce::ToString(Reason::kTableFull) == "table_full");
  CHECK(edgekit::coalesce::ToString(Role::kLeader) == "leader");
  CHECK(edgekit::coalesce::ToString(Role::kFollower) == "follower");
  CHECK(edgekit::coalesce::ToString(Role::kRejected) == "rejected");
  CHECK(edgekit::coalesce::ToString(Role::kDirect) == "direct");
}

TEST_CASE("Many keys spread over shards stay independent", "[coalesce]") {
  Group<int, int> group;
  std::vector<Group<int, int>::Completion> leaders;
  std::vector<int> got(1000, -1);
  for (int k = 0; k < 1000; ++k) {
    auto j = group.Join(k, nullptr);
    REQUIRE(j.leader());
    leaders.push_back(std::move(j.completion));
    auto f = group.Join(k, [&got, k](const Group<int, int>::ResultType& r) { got[k] = *r; });
    REQUIRE(f.role == Role::kFollower);
  }
  CHECK(group.in_flight() == 1000);
  for (int k = 0; k < 1000; ++k) (void)leaders[k].Complete(k * 2);
  for (int k = 0; k < 1000; ++k) REQUIRE(got[k] == k * 2);
  CHECK(group.in_flight() == 0);
}

TEST_CASE("A move-only Value works", "[coalesce]") {
  Group<int, std::unique_ptr<int>> group;
  const auto r = group.Do(1, [] { return std::make_unique<int>(7); });
  REQUIRE(r.ok());
  CHECK(**r == 7);
}

}  // namespace

namespace {

class MetricMap : public edgekit::MetricsVisitor {
 public:
  void Visit(const edgekit::Metric& m) override {
    values[std::string(m.name)] = m.value;
    types[std::string(m.name)] = m.type;
    CHECK(m.labels.empty());
  }
  std::map<std::string, double> values;
  std::map<std::string, edgekit::MetricType> types;
};

}  // namespace

TEST_CASE("A group reports its counters through the metrics visitor", "[coalesce]") {
  edgekit::testing::FakeClock clock;
  GroupOptions options;
  options.max_flights = 1;
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  auto lead = group.Join("a", nullptr);
  Probe p1, p2;
  (void)group.Join("a", p1.Callback());
  const auto w2 = group.Join("a", p2.Callback());
  CHECK(group.Cancel(w2.waiter));
  CHECK(group.Join("b", nullptr).role == Role::kRejected);
  MetricMap m;
  group.VisitMetrics(m);
  CHECK(m.values["edgekit_coalesce_in_flight"] == 1);
  CHECK(m.types["edgekit_coalesce_in_flight"] == edgekit::MetricType::kGauge);
  (void)lead.completion.Complete(std::string("v"));
  m.values.clear();
  group.VisitMetrics(m);
  const edgekit::coalesce::GroupCounters c = group.counters();
  CHECK(m.values.size() == 11);
  CHECK(m.values["edgekit_coalesce_flights_total"] == 1);
  CHECK(m.values["edgekit_coalesce_joins_total"] == 2);
  CHECK(m.values["edgekit_coalesce_shared_total"] == 1);
  CHECK(m.values["edgekit_coalesce_cancellations_total"] == 1);
  CHECK(m.values["edgekit_coalesce_rejections_total"] == 1);
  CHECK(m.values["edgekit_coalesce_in_flight"] == 0);
  CHECK(m.types["edgekit_coalesce_flights_total"] == edgekit::MetricType::kCounter);
  CHECK(c.shared == 1);
  CHECK(c.cancellations == 1);
}

TEST_CASE("One shard with many unfinished flights finds, forgets and finishes each", "[coalesce]") {
  // Two flights per shard sit in the shard's first cache line; the rest go to
  // its table. With one shard, 20 keys exercise both and the moves between.
  edgekit::testing::FakeClock clock;
  GroupOptions options;
  options.shards = 1;
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  constexpr int kKeys = 20;
  std::vector<StrGroup::Completion> leaders;
  std::vector<Probe> probes(kKeys);
  for (int i = 0; i < kKeys; ++i) {
    auto j = group.Join("k" + std::to_string(i), nullptr);
    REQUIRE(j.leader());
    leaders.push_back(std::move(j.completion));
  }
  for (int i = 0; i < kKeys; ++i) {
    const auto j = group.Join("k" + std::to_string(i), probes[static_cast<size_t>(i)].Callback(),
                              clock.MonotonicNow() + absl::Seconds(i % 3 == 0 ? 1 : 100));
    REQUIRE(j.role == Role::kFollower);
  }
  CHECK(group.in_flight() == kKeys);
  // Forget every fifth key: its next caller leads a new flight.
  std::vector<StrGroup::Completion> second;
  for (int i = 0; i < kKeys; i += 5) {
    CHECK(group.Forget("k" + std::to_string(i)));
    auto j = group.Join("k" + std::to_string(i), nullptr);
    CHECK(j.role == Role::kLeader);
    second.push_back(std::move(j.completion));
  }
  // Keys 0, 3, 6, ... have followers with a 1 s deadline.
  clock.Advance(absl::Seconds(2));
  CHECK(group.ExpireWaiters() == 7);
  // Finish in an order that empties inline entries and the table alike.
  for (int i = kKeys - 1; i >= 0; i -= 2) {
    (void)leaders[static_cast<size_t>(i)].Complete("v" + std::to_string(i));
  }
  for (int i = kKeys - 2; i >= 0; i -= 2) {
    (void)leaders[static_cast<size_t>(i)].Complete("v" + std::to_string(i));
  }
  for (int i = 0; i < kKeys; ++i) {
    const Probe& p = probes[static_cast<size_t>(i)];
    INFO("key " << i);
    CHECK(p.calls == 1);
    if (i % 3 == 0) {
      CHECK(p.reason == Reason::kTimeout);
    } else {
      REQUIRE(p.value != nullptr);
      CHECK(*p.value == "v" + std::to_string(i));
    }
  }
  // The four flights started after Forget are still open, then none.
  CHECK(group.in_flight() == 4);
  for (auto& c : second) c.Abandon();
  CHECK(group.in_flight() == 0);
  CHECK(group.counters().flights == kKeys + 4);
  CHECK(group.counters().abandons == 4);
}
