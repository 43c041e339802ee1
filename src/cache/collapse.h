// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: collapse.h
// -----------------------------------------------------------------------------
// Private: request collapsing on edgekit::coalesce. Each key with a fetch or a
// blocking revalidation in flight is a flight of one `coalesce::Group`; the
// leader's `CollapseTicket` holds its `Completion`, a follower's holds its
// `Waiter` and a small state block the flight's callback fills (outcome,
// whether the origin failed), which `Wait` / `OnReady` read.
// Thread-safety: the group is thread-safe; a ticket's state block is guarded
// by its mutex.

#ifndef EDGEKIT_SRC_CACHE_COLLAPSE_H_
#define EDGEKIT_SRC_CACHE_COLLAPSE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/results.h"
#include "edgekit/coalesce/group.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// What a leader hands its followers.
struct FlightOutcome {
  cache::WaitOutcome outcome = cache::WaitOutcome::kFetchYourself;
  bool origin_failed = false;  // followers may serve stale-if-error too
  int origin_status = 0;
};
using FlightGroup = coalesce::Group<std::string, FlightOutcome>;

struct FollowerState {
  Mutex mu;
  CondVar cv;
  bool done ABSL_GUARDED_BY(mu) = false;
  FlightOutcome outcome ABSL_GUARDED_BY(mu);
  absl::AnyInvocable<void(cache::WaitOutcome)> callback ABSL_GUARDED_BY(mu);
};

enum class JoinKind { kLeader, kFollower, kWaiterLimit, kUncollapsed };

}  // namespace cache_internal

namespace cache {

struct CollapseTicket::Flight {
  cache_internal::FlightGroup* group = nullptr;
  // Leader: the duty to finish the flight, and what it learnt of the origin.
  cache_internal::FlightGroup::Completion completion;
  bool origin_failed = false;
  int origin_status = 0;
  // Follower.
  std::shared_ptr<cache_internal::FollowerState> follower;
  cache_internal::FlightGroup::Waiter waiter;
};

}  // namespace cache

namespace cache_internal {

// Joins the flight of `key` or starts one. kLeader / kFollower fill `out`;
// kWaiterLimit and kUncollapsed (in-flight table full) leave it empty.
JoinKind JoinFlight(FlightGroup& group, std::string_view key,
                    cache::CollapseTicket::FlightPtr* out);
// Starts the flight of `key` only if none is in progress (one background
// revalidation per key). False otherwise.
bool TryLeadFlight(FlightGroup& group, std::string_view key, cache::CollapseTicket::FlightPtr* out);
// Finishes a leader's flight: followers see `outcome` (plus its origin
// failure marks). No-op for other flights.
void FinishFlight(cache::CollapseTicket::Flight& flight, cache::WaitOutcome outcome);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_COLLAPSE_H_
