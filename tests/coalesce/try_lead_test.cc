// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of Group::TryLead: start a flight only when none is in progress (the
// cache's one background revalidation per key).
#include <string>

#include "edgekit/coalesce/group.h"
#include "edgekit_catch.h"

namespace {

using StrGroup = edgekit::coalesce::Group<std::string, std::string>;
using edgekit::coalesce::GroupOptions;
using edgekit::coalesce::OverflowPolicy;
using edgekit::coalesce::Role;

}  // namespace

TEST_CASE("TryLead starts a flight only when none is in progress", "[coalesce]") {
  StrGroup group;
  StrGroup::Completion first = group.TryLead("k");
  REQUIRE(first.valid());
  CHECK(group.in_flight() == 1);
  // A flight is in progress: no second leader, nothing joined or counted.
  StrGroup::Completion second = group.TryLead("k");
  CHECK_FALSE(second.valid());
  CHECK(group.counters().joins == 0);
  CHECK(group.counters().rejections == 0);
  // Joiners follow the TryLead flight as usual.
  std::string seen;
  auto join = group.Join("k", [&](const StrGroup::ResultType& r) { seen = *r; });
  REQUIRE(join.role == Role::kFollower);
  (void)first.Complete("v");
  CHECK(seen == "v");
  CHECK(group.in_flight() == 0);
  // Finished: the next TryLead leads again; other keys are independent.
  CHECK(group.TryLead("k").valid());
  CHECK(group.TryLead("other").valid());
}

TEST_CASE("TryLead respects the in-flight bound", "[coalesce]") {
  GroupOptions o;
  o.max_flights = 1;
  o.shards = 1;
  o.on_table_full = OverflowPolicy::kReject;
  auto created = StrGroup::Create(o);
  REQUIRE(created.ok());
  StrGroup& group = **created;
  StrGroup::Completion a = group.TryLead("a");
  REQUIRE(a.valid());
  CHECK_FALSE(group.TryLead("b").valid());
  CHECK(group.counters().rejections == 1);
  a.Abandon();
  CHECK(group.TryLead("b").valid());
}
