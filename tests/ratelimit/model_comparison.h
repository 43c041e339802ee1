// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: model_comparison.h
// -----------------------------------------------------------------------------
// Runs a request trace through a rate-limit Policy and one of the reference
// models of reference_model.h side by side, and counts where they disagree.
// The per-algorithm tests share it so that each one states only its policy,
// its model and its trace.

#ifndef EDGEKIT_TESTS_RATELIMIT_MODEL_COMPARISON_H_
#define EDGEKIT_TESTS_RATELIMIT_MODEL_COMPARISON_H_

#include <cstdint>
#include <random>
#include <type_traits>
#include <utility>
#include <vector>

#include "edgekit/ratelimit/decision.h"

namespace ratelimit_test {

// How a policy and a model decided the same trace.
struct TraceComparison {
  int mismatches = 0;  // decisions that differ (see CompareWithModel)
  int allowed = 0;     // requests the policy allowed
};

// True if `Model::Decide(t, cost, &remaining)` reports the remaining quota.
template <class Model, class = void>
struct ReportsRemaining : std::false_type {};
template <class Model>
struct ReportsRemaining<Model, std::void_t<decltype(std::declval<Model&>().Decide(
                                   int64_t{}, int64_t{}, static_cast<int64_t*>(nullptr)))>>
    : std::true_type {};

// Decides every time of `times` (ns) with `policy` from a fresh state and with
// `model`; each request costs 1 + rng() % max_cost, drawn from `rng` in trace
// order. A decision is a mismatch when `allowed` differs or, for models that
// report it, when `remaining` differs.
template <class Policy, class Model>
TraceComparison CompareWithModel(const Policy& policy, Model& model, std::mt19937_64& rng,
                                 const std::vector<int64_t>& times, int64_t max_cost) {
  typename Policy::State state{};
  TraceComparison out;
  for (int64_t t : times) {
    const int64_t cost = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(max_cost));
    const edgekit::ratelimit::Decision d = policy.Apply(&state, t, cost);
    if constexpr (ReportsRemaining<Model>::value) {
      int64_t remaining = 0;
      const bool want = model.Decide(t, cost, &remaining);
      if (d.allowed != want || d.remaining != remaining) ++out.mismatches;
    } else {
      if (d.allowed != model.Decide(t, cost)) ++out.mismatches;
    }
    out.allowed += d.allowed;
  }
  return out;
}

}  // namespace ratelimit_test

#endif  // EDGEKIT_TESTS_RATELIMIT_MODEL_COMPARISON_H_
