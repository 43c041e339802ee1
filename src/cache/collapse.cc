// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// CollapseTicket on edgekit::coalesce (see collapse.h).
#include "cache/collapse.h"

#include <utility>

#include "cache/engine.h"
#include "edgekit/base/clock.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

// The follower's callback in the flight: records the outcome and runs the
// host's OnReady callback, if any (outside the state's lock).
FlightGroup::Callback Deliver(std::shared_ptr<FollowerState> state) {
  return [state = std::move(state)](const FlightGroup::ResultType& r) {
    FlightOutcome o;
    if (r.ok()) {
      o = *r;
    } else if (r.reason() == coalesce::Reason::kCancelled ||
               r.reason() == coalesce::Reason::kTimeout) {
      o.outcome = cache::WaitOutcome::kTimeout;
    }  // abandoned / failed leader: kFetchYourself
    absl::AnyInvocable<void(cache::WaitOutcome)> cb;
    {
      MutexLock lock(&state->mu);
      if (state->done) return;
      state->done = true;
      state->outcome = o;
      cb = std::move(state->callback);
      state->cv.SignalAll();
    }
    if (cb) cb(o.outcome);
  };
}

}  // namespace

JoinKind JoinFlight(FlightGroup& group, std::string_view key,
                    cache::CollapseTicket::FlightPtr* out) {
  auto state = std::make_shared<FollowerState>();
  auto join = group.Join(std::string(key), Deliver(state));
  switch (join.role) {
    case coalesce::Role::kLeader:
      *out = cache::CollapseTicket::FlightPtr(new cache::CollapseTicket::Flight());
      (*out)->group = &group;
      (*out)->completion = std::move(join.completion);
      return JoinKind::kLeader;
    case coalesce::Role::kFollower:
      *out = cache::CollapseTicket::FlightPtr(new cache::CollapseTicket::Flight());
      (*out)->group = &group;
      (*out)->follower = std::move(state);
      (*out)->waiter = std::move(join.waiter);
      return JoinKind::kFollower;
    case coalesce::Role::kRejected:
    case coalesce::Role::kDirect:
      break;
  }
  return join.reason == coalesce::Reason::kTooManyWaiters ? JoinKind::kWaiterLimit
                                                          : JoinKind::kUncollapsed;
}

bool TryLeadFlight(FlightGroup& group, std::string_view key,
                   cache::CollapseTicket::FlightPtr* out) {
  FlightGroup::Completion lead = group.TryLead(std::string(key));
  if (!lead.valid()) return false;  // someone else refreshes: do not wait
  *out = cache::CollapseTicket::FlightPtr(new cache::CollapseTicket::Flight());
  (*out)->group = &group;
  (*out)->completion = std::move(lead);
  return true;
}

void FinishFlight(cache::CollapseTicket::Flight& flight, cache::WaitOutcome outcome) {
  if (!flight.completion.valid()) return;
  FlightOutcome o;
  o.outcome = outcome;
  o.origin_failed = flight.origin_failed;
  o.origin_status = flight.origin_status;
  (void)flight.completion.Complete(o);
}

}  // namespace cache_internal

namespace cache {

void CollapseTicket::FlightDeleter::operator()(Flight* f) const { delete f; }

CollapseTicket::CollapseTicket(CollapseTicket&& o) noexcept
    : role_(std::exchange(o.role_, Role::kNone)),
      cache_(o.cache_),
      fwd_(o.fwd_),
      validating_(std::move(o.validating_)),
      generation_(o.generation_),
      counted_timeout_(o.counted_timeout_),
      flight_(std::move(o.flight_)) {}

CollapseTicket& CollapseTicket::operator=(CollapseTicket&& o) noexcept {
  if (this == &o) return *this;
  Reset();
  role_ = std::exchange(o.role_, Role::kNone);
  cache_ = o.cache_;
  fwd_ = o.fwd_;
  validating_ = std::move(o.validating_);
  generation_ = o.generation_;
  counted_timeout_ = o.counted_timeout_;
  flight_ = std::move(o.flight_);
  return *this;
}

void CollapseTicket::Reset() {
  FlightPtr f = std::move(flight_);
  const Role role = std::exchange(role_, Role::kNone);
  if (f == nullptr) return;
  if (role == Role::kLeader || role == Role::kRevalidator) {
    cache_internal::FinishFlight(*f, WaitOutcome::kFetchYourself);
    return;
  }
  if (f->follower != nullptr) {
    // Drop a pending callback unrun (destroyed outside the lock), then leave.
    absl::AnyInvocable<void(WaitOutcome)> dropped;
    {
      MutexLock lock(&f->follower->mu);
      dropped = std::move(f->follower->callback);
    }
    if (f->group != nullptr) f->group->Cancel(f->waiter);
  }
}

WaitOutcome CollapseTicket::Wait(absl::Duration timeout) {
  if (role_ != Role::kFollower || flight_ == nullptr || flight_->follower == nullptr) {
    return WaitOutcome::kNotAFollower;
  }
  cache_internal::FollowerState& st = *flight_->follower;
  Clock& clock = RealClock::Get();
  const absl::Time deadline = clock.MonotonicNow() + timeout;
  {
    MutexLock lock(&st.mu);
    while (!st.done) {
      const absl::Duration left = deadline - clock.MonotonicNow();
      if (left <= absl::ZeroDuration()) break;
      (void)st.cv.WaitWithTimeout(&st.mu, left);
    }
    if (st.done) return st.outcome.outcome;
  }
  // Timed out: leave the flight (unless the leader is delivering right now).
  if (flight_->group->Cancel(flight_->waiter)) {
    if (!counted_timeout_ && cache_ != nullptr) {
      counted_timeout_ = true;
      cache_internal::Inc(cache_->impl_->c.wait_timeouts);
    }
  }
  MutexLock lock(&st.mu);
  while (!st.done) st.cv.Wait(&st.mu);
  return st.outcome.outcome;
}

void CollapseTicket::OnReady(absl::AnyInvocable<void(WaitOutcome)> callback) {
  if (!callback) return;
  if (role_ != Role::kFollower || flight_ == nullptr || flight_->follower == nullptr) {
    callback(WaitOutcome::kNotAFollower);
    return;
  }
  cache_internal::FollowerState& st = *flight_->follower;
  WaitOutcome outcome;
  {
    MutexLock lock(&st.mu);
    if (!st.done) {
      st.callback = std::move(callback);
      return;
    }
    outcome = st.outcome.outcome;
  }
  callback(outcome);
}

void CollapseTicket::Cancel() {
  if (role_ != Role::kFollower || flight_ == nullptr || flight_->follower == nullptr) return;
  cache_internal::FollowerState& st = *flight_->follower;
  {
    MutexLock lock(&st.mu);
    if (st.done || !st.callback) return;
  }
  // Leaving the flight runs our flight callback with kCancelled, which runs
  // the host's callback with kTimeout (once).
  if (flight_->group->Cancel(flight_->waiter)) {
    if (!counted_timeout_ && cache_ != nullptr) {
      counted_timeout_ = true;
      cache_internal::Inc(cache_->impl_->c.wait_timeouts);
    }
  }
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
