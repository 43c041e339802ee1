// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::coalesce alone: the second caller of a key follows the first and
// gets the leader's value.
#include <string>

#include "consumer.h"
#include "edgekit/coalesce/group.h"

int main() {
  Checks checks("coalesce");
  using Group = edgekit::coalesce::Group<std::string, int>;
  Group group;
  auto leader = group.Join("/a", [](const Group::ResultType&) {});
  int seen = 0;
  auto follower =
      group.Join("/a", [&seen](const Group::ResultType& r) { seen = r.ok() ? *r : -1; });
  checks.Expect(leader.role == edgekit::coalesce::Role::kLeader, "first caller leads");
  checks.Expect(follower.role == edgekit::coalesce::Role::kFollower, "second caller follows");
  leader.completion.Complete(42);
  checks.Expect(seen == 42, "follower gets the leader's value");
  return checks.ExitCode();
}
