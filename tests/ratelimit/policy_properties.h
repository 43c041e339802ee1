// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: policy_properties.h
// -----------------------------------------------------------------------------
// Generic property checks every rate-limit Policy must pass, on random traces:
//   * retry-after is exact: the same cost is rejected 1 ns before it and
//     allowed at it (when nothing else happens);
//   * a stale `now` never grants more than the fresh one;
//   * IsIdle(state) means the state decides like a fresh one (exact_idle), or
//     at least that a fresh one never grants more (carryover drops carry).

#ifndef EDGEKIT_TESTS_RATELIMIT_POLICY_PROPERTIES_H_
#define EDGEKIT_TESTS_RATELIMIT_POLICY_PROPERTIES_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit_catch.h"
#include "ratelimit/reference_model.h"

namespace ratelimit_test {

template <typename Policy>
void CheckPolicyProperties(const Policy& policy, uint64_t seed, int64_t small_gap_ns,
                           int64_t big_gap_ns, int64_t max_cost, bool exact_idle = true) {
  using State = typename Policy::State;
  std::mt19937_64 rng(seed);
  const int64_t start = int64_t{1700000000} * 1000000000;
  const std::vector<int64_t> times = BurstyTrace(rng, start, 1500, small_gap_ns, big_gap_ns);
  std::uniform_int_distribution<int64_t> cost_dist(1, max_cost);
  State state{};
  std::string first_failure;
  int failures = 0;
  int rejects_checked = 0;
  auto fail = [&](const std::string& what) {
    if (failures++ == 0) first_failure = what;
  };
  for (size_t i = 0; i < times.size(); ++i) {
    const int64_t now = times[i];
    const int64_t cost = cost_dist(rng);
    // Stale now: never more than the fresh one.
    if (i > 0) {
      const int64_t stale = now - std::uniform_int_distribution<int64_t>(1, big_gap_ns)(rng);
      State a = state, b = state;
      const edgekit::ratelimit::Decision ds = policy.Apply(&a, stale, cost);
      const edgekit::ratelimit::Decision df = policy.Apply(&b, now, cost);
      if (ds.allowed && !df.allowed) fail(absl::StrCat("stale now granted more at step ", i));
      if (ds.remaining < 0 || ds.reset_after_ns < 0 || ds.retry_after_ns < 0) {
        fail(absl::StrCat("stale now gave a negative field at step ", i));
      }
      if (!ds.allowed && ds.retry_after_ns != edgekit::ratelimit::Decision::kNever) {
        State c = state;
        if (!policy.Apply(&c, stale + ds.retry_after_ns, cost).allowed) {
          fail(absl::StrCat("stale now: not allowed at retry_after, step ", i));
        }
      }
    }
    // Idle means "like fresh".
    if (policy.IsIdle(state, now)) {
      State a = state, b{};
      const edgekit::ratelimit::Decision da = policy.Apply(&a, now, cost);
      const edgekit::ratelimit::Decision db = policy.Apply(&b, now, cost);
      const bool same = da.allowed == db.allowed && da.remaining == db.remaining;
      const bool fresh_not_more = (!db.allowed || da.allowed) && db.remaining <= da.remaining;
      if (exact_idle ? !same : !fresh_not_more) {
        fail(absl::StrCat("idle state vs fresh at step ", i));
      }
    }
    const edgekit::ratelimit::Decision d = policy.Apply(&state, now, cost);
    if (d.remaining < 0 || (exact_idle && d.remaining > d.limit))
      fail(absl::StrCat("remaining out of range ", i));
    if (d.allowed != (d.reason == edgekit::ratelimit::Reason::kAllowed)) fail("reason");
    if (!d.allowed && d.retry_after_ns != edgekit::ratelimit::Decision::kNever) {
      ++rejects_checked;
      if (d.retry_after_ns <= 0) fail(absl::StrCat("non-positive retry_after at ", i));
      State at = state, just_before = state;  // after the reject
      if (!policy.Apply(&at, now + d.retry_after_ns, cost).allowed) {
        fail(absl::StrCat("not allowed at retry_after, step ", i, " retry ", d.retry_after_ns));
      }
      if (d.retry_after_ns > 1 &&
          policy.Apply(&just_before, now + d.retry_after_ns - 1, cost).allowed) {
        fail(absl::StrCat("allowed before retry_after, step ", i, " retry ", d.retry_after_ns));
      }
    }
    if (d.allowed && d.retry_after_ns != 0) fail("allowed with retry_after");
    // reset_after: after it, the key is idle.
    if (!policy.IsIdle(state, now + d.reset_after_ns)) {
      fail(absl::StrCat("not idle after reset_after at step ", i));
    }
  }
  INFO("first failure: " << first_failure);
  CHECK(failures == 0);
  CHECK(rejects_checked > 10);  // the trace exercised rejects
}

}  // namespace ratelimit_test

#endif  // EDGEKIT_TESTS_RATELIMIT_POLICY_PROPERTIES_H_
