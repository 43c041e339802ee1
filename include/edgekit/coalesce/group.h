// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: group.h
// -----------------------------------------------------------------------------
// `edgekit::coalesce::Group<Key, Value>`: a typed single-flight coalescer. For
// each key, at most one caller (the leader) does the expensive work at a time;
// every concurrent caller of the same key (a follower) receives the leader's
// outcome: the same immutable value, shared by refcount, never copied per
// waiter. Two ways to use it:
//
//   * Blocking, for thread-per-request hosts: `Do(key, fn)` runs `fn` on the
//     calling thread if it leads, or blocks until the leader finishes.
//   * Asynchronous, for event loops that must not block: `Join(key, on_done)`
//     says whether the caller leads. The leader gets a move-only `Completion`
//     and later calls `Complete(value)` or `Fail(status)`; each follower's
//     `on_done` runs exactly once, on the completing thread or through the
//     host's `GroupOptions::executor`.
//
// What cannot go wrong (the classic single-flight bugs):
//   * No waiter hangs on a dead leader: a `Completion` destroyed without a
//     result (dropped, or `fn` threw and unwound it) finishes the flight with
//     `Reason::kAbandoned` (`absl::StatusCode::kAborted`) for every follower.
//   * A follower's deadline or cancellation ends only that follower's wait;
//     the shared work goes on for the others.
//   * A leader's error reaches every follower of that flight, as is.
//   * Callbacks never run under an internal lock, so they may call back into
//     the group (e.g. start the next flight).
//   * Everything is bounded: unfinished flights (`max_flights`) and live
//     followers per flight (`max_waiters_per_flight`), each with an overflow
//     policy (reject, or let the caller go direct).
//   The one thing the group cannot detect is a leader that keeps its handle
//   forever without finishing; give followers a deadline
//   (`GroupOptions::default_wait_timeout`) to bound that case too.
//
// Cost: measured in docs/coalesce.md (benchmarks/coalesce_benchmark.cc).
// Memory: one flight (about 180 bytes plus the key) per unfinished key and 64
// bytes per waiting follower plus its callback's captures beyond 16 bytes;
// the waiter vector is freed when the flight finishes. Flights of keys in
// different shards write no common memory (but for the table bound's credit
// pool, once per many flights).
//
// Time: follower deadlines are measured on the group's `edgekit::Clock`
// (monotonic). A deadline is enforced when the flight completes (a follower
// past its deadline gets `kTimeout`, never a late value), by
// `ExpireWaiters(now)`, which the host calls from its timer (e.g. every 10 ms),
// and for blocking `Do` callers also by their own timed wait (real clocks).
// With a manual clock (tests), only `ExpireWaiters` and completion move time.
//
// Example (event loop):
//
//   using Group = edgekit::coalesce::Group<std::string, Response>;
//   edgekit::coalesce::GroupOptions options;
//   options.default_wait_timeout = absl::Seconds(5);
//   absl::StatusOr<std::unique_ptr<Group>> made = Group::Create(options);
//   if (!made.ok()) return made.status();
//   Group& group = **made;
//   auto join = group.Join(url, [conn](const Group::ResultType& r) {
//     if (r.ok()) conn->Send(*r); else conn->SendError(r.status());
//   });
//   if (join.role == edgekit::coalesce::Role::kLeader) {
//     FetchFromOrigin(url, [c = std::move(join.completion)](Response resp) mutable {
//       c.Complete(std::move(resp));  // runs every follower's on_done
//     });
//   }
//
// Example (threads):
//
//   Group::ResultType r = group.Do(url, [&] { return FetchBlocking(url); });
//   // r.shared(): whether the outcome served more than one caller.
//
// Thread-safety: `Group` is thread-safe. `Completion` and `Waiter` are
// thread-compatible handles (one owner at a time); completing, cancelling and
// expiring may race with each other from any threads: each follower's callback
// still runs exactly once.
//
// Errors: `Create` returns kInvalidArgument naming an option out of range.
// Results carry `absl::Status`: the leader's error (`kLeaderError`),
// `kAborted` (abandoned), `kDeadlineExceeded` (timeout), `kCancelled`,
// `kResourceExhausted` (a bound refused the caller). Nothing throws; a
// throwing `fn` in `Do` propagates to its own caller (when exceptions are
// enabled) while its followers get `kAbandoned`. Callbacks should not throw:
// if one does, the remaining followers are still completed and the first
// exception is rethrown to the thread that completed (or, from a destructor,
// `std::terminate` is called as usual).
//
// Lifetime: `Group` may be destroyed while `Completion`s and `Waiter`s are
// outstanding (they keep what they need alive); it must not be destroyed while
// one of its member calls is running, except by a follower's callback run from
// `Cancel`, `ExpireWaiters` or a `Join` leader's `Completion` (not from a
// flight led by `Do`).

#ifndef EDGEKIT_COALESCE_GROUP_H_
#define EDGEKIT_COALESCE_GROUP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/coalesce/internal/core.h"
#include "edgekit/coalesce/types.h"

EDGEKIT_NAMESPACE_BEGIN
namespace coalesce {

// A single-flight group. `Key` must be hashable by `Hash` (default
// `absl::Hash<Key>`), comparable by `Eq` and copyable (each flight keeps one
// copy). `Value` needs only to be move-constructible; callers share it as
// `std::shared_ptr<const Value>`.
//
// Thread-safe. Movable, not copyable.
template <class Key, class Value, class Hash = absl::Hash<Key>, class Eq = std::equal_to<Key>>
class Group {
  using CoreT = coalesce_internal::Core<Key, Value, Hash, Eq>;
  using FlightT = coalesce_internal::Flight<Key, Value, Hash, Eq>;
  using ShardT = coalesce_internal::Shard<Key, Value, Hash, Eq>;

 public:
  using KeyType = Key;
  using ValueType = Value;
  using ResultType = Result<Value>;
  using ValuePtr = std::shared_ptr<const Value>;
  // A follower's continuation. Runs exactly once, never under a lock of the group.
  using Callback = absl::AnyInvocable<void(const Result<Value>&)>;

  // The leader's duty to finish a flight. Move-only. Exactly one of
  // `Complete`, `Finish`, `Fail` or `Abandon` takes effect; the destructor
  // abandons a flight that is still open. After that the handle is empty.
  // Thread-compatible: one owner; it may be moved to and used on any thread.
  class Completion {
   public:
    Completion() = default;
    Completion(Completion&& other) noexcept
        : keep_alive_(std::move(other.keep_alive_)), flight_(std::move(other.flight_)) {}
    Completion& operator=(Completion&& other) noexcept {
      if (this != &other) {
        Abandon();
        keep_alive_ = std::move(other.keep_alive_);
        flight_ = std::move(other.flight_);
      }
      return *this;
    }
    Completion(const Completion&) = delete;
    Completion& operator=(const Completion&) = delete;
    ~Completion() { Abandon(); }

    // True while the flight is open and this handle must finish it.
    [[nodiscard]] bool valid() const { return flight_ != nullptr; }
    explicit operator bool() const { return valid(); }
    // The flight's key. Requires: `valid()`.
    const Key& key() const { return flight_->key; }

    // Finishes the flight with `value`: every follower receives the same
    // `shared_ptr<const Value>`. Returns the leader's own result (`shared()`
    // tells whether any follower received it). Requires: `valid()`; if not,
    // returns a `kAbandoned` result and does nothing.
    ResultType Complete(Value value) {
      return Settle(ResultType::Ok(std::make_shared<const Value>(std::move(value)), true));
    }
    // As above with a value the caller already shares. A null `value` fails
    // the flight with `kInternal`.
    ResultType Complete(ValuePtr value) {
      if (value == nullptr) {
        return Fail(absl::InternalError("edgekit::coalesce: leader completed with a null value"));
      }
      return Settle(ResultType::Ok(std::move(value), true));
    }
    // Completes with the value, or fails with the status.
    ResultType Finish(absl::StatusOr<Value> value_or) {
      if (!value_or.ok()) return Fail(std::move(value_or).status());
      return Complete(*std::move(value_or));
    }
    ResultType Finish(absl::StatusOr<ValuePtr> value_or) {
      if (!value_or.ok()) return Fail(std::move(value_or).status());
      return Complete(*std::move(value_or));
    }
    // Fails the flight: every follower receives `status` with
    // `Reason::kLeaderError`. An OK `status` is misuse and becomes `kUnknown`.
    ResultType Fail(absl::Status status) {
      if (status.ok()) status = absl::UnknownError("edgekit::coalesce: Fail() with an OK status");
      return Settle(ResultType::Error(Reason::kLeaderError, std::move(status), true));
    }
    // Gives up: every follower receives `kAbandoned`. No-op on an empty handle.
    void Abandon() {
      if (!valid()) return;
      Settle(coalesce_internal::ErrorResult<Value>(Reason::kAbandoned, true));
    }

   private:
    friend class Group;
    Completion(std::shared_ptr<ShardT> keep_alive, std::shared_ptr<FlightT> flight)
        : keep_alive_(std::move(keep_alive)), flight_(std::move(flight)) {}

    ResultType Settle(const ResultType& outcome) {
      EDGEKIT_DCHECK(valid());
      if (!valid()) return coalesce_internal::ErrorResult<Value>(Reason::kAbandoned, false);
      std::shared_ptr<FlightT> flight = std::move(flight_);
      const std::shared_ptr<ShardT> keep_alive = std::move(keep_alive_);
      const size_t delivered = CoreT::Finish(flight.get(), outcome);
      if (outcome.ok()) return ResultType::Ok(outcome.value_ptr(), delivered > 0);
      return ResultType::Error(outcome.reason(), outcome.status(), delivered > 0);
    }

    // The flight's shard (not the whole group: no refcount shared by all
    // flights is written). Empty for `Do`'s own leader.
    std::shared_ptr<ShardT> keep_alive_;
    std::shared_ptr<FlightT> flight_;
  };

  // A follower's place in a flight, for `Group::Cancel`. Copyable and cheap;
  // keeps only the flight's bookkeeping alive, not its waiters.
  class Waiter {
   public:
    Waiter() = default;
    [[nodiscard]] bool valid() const { return flight_ != nullptr; }

   private:
    friend class Group;
    Waiter(std::shared_ptr<FlightT> flight, uint32_t slot, uint32_t gen)
        : flight_(std::move(flight)), slot_(slot), gen_(gen) {}
    std::shared_ptr<FlightT> flight_;
    uint32_t slot_ = 0;
    uint32_t gen_ = 0;
  };

  // What `Join` made of the caller.
  struct [[nodiscard]] JoinResult {
    Role role = Role::kRejected;
    // `kOk` for a leader or follower; for `kRejected` / `kDirect`, which bound
    // refused the caller (`kTooManyWaiters` or `kTableFull`).
    Reason reason = Reason::kOk;
    Completion completion;  // Valid iff `role == kLeader`.
    Waiter waiter;          // Valid iff `role == kFollower`.
    bool leader() const { return role == Role::kLeader; }
  };

  // A group with `options`. Errors: kInvalidArgument naming an option out of
  // its range (see `GroupOptions`). `clock` must outlive the group and every
  // outstanding `Completion`.
  static absl::StatusOr<std::unique_ptr<Group>> Create(GroupOptions options,
                                                       Clock& clock = RealClock::Get()) {
    const absl::Status valid = ValidateGroupOptions(options);
    if (!valid.ok()) return valid;
    return std::unique_ptr<Group>(new Group(std::make_shared<CoreT>(std::move(options), clock)));
  }
  // A group with the default `GroupOptions` (which cannot be invalid).
  explicit Group(Clock& clock = RealClock::Get())
      : core_(std::make_shared<CoreT>(GroupOptions(), clock)) {}
  Group(Group&&) noexcept = default;
  Group& operator=(Group&&) noexcept = default;
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;
  ~Group() = default;

  // Runs `fn` once for all concurrent callers of `key` and returns its
  // outcome to each. `fn()` returns a `Value` (or something convertible to
  // it), a `std::shared_ptr<const Value>`, an `absl::StatusOr<Value>` or an
  // `absl::StatusOr<std::shared_ptr<const Value>>`; an error becomes
  // `kLeaderError` for everyone. Followers block (without any lock held) until
  // the leader finishes, or until `GroupOptions::default_wait_timeout` passes.
  // `fn` runs on the leader's thread, outside any lock; it may throw (when
  // exceptions are enabled): the exception propagates to the leader only, and
  // followers get `kAbandoned`. Results: see `Reason`; `kTooManyWaiters` /
  // `kTableFull` only under policy `kReject` (under `kRunDirect` the caller
  // runs `fn` itself and gets `shared() == false`).
  // IMPORTANT: `fn` must not call `Do` on the same key of the same group: it
  // would wait for itself (until its deadline, if it has one).
  template <class Fn>
  ResultType Do(const Key& key, Fn&& fn) {
    return DoUntil(key, DefaultDeadline(), std::forward<Fn>(fn));
  }

  // As `Do`, but a follower waits at most `timeout` (on the group's clock) and
  // then returns `kTimeout`; the leader's work is not affected. The leader
  // itself is never timed out: it runs `fn` to the end.
  template <class Fn>
  ResultType DoWithTimeout(const Key& key, absl::Duration timeout, Fn&& fn) {
    return DoUntil(key, DeadlineAfter(timeout), std::forward<Fn>(fn));
  }

  // As `DoWithTimeout` with an absolute deadline on the group's monotonic clock.
  template <class Fn>
  ResultType DoUntil(const Key& key, absl::Time deadline, Fn&& fn) {
    WaitBlock block;
    Callback wake = [&block](const ResultType& r) {
      MutexLock lock(&block.mu);
      block.result.emplace(r);
      block.cv.SignalAll();  // Under the lock: `block` may vanish right after.
    };
    auto join = core_->Join(key, wake, deadline, /*inline_only=*/true);
    switch (join.role) {
      case Role::kLeader: {
        Completion completion(nullptr, std::move(join.flight));
        return completion.Settle(ToOutcome(std::forward<Fn>(fn)()));
      }
      case Role::kDirect: {
        const ResultType r = ToOutcome(std::forward<Fn>(fn)());
        if (r.ok()) return ResultType::Ok(r.value_ptr(), false);
        return ResultType::Error(r.reason(), r.status(), false);
      }
      case Role::kRejected:
        return coalesce_internal::ErrorResult<Value>(join.reason, false);
      case Role::kFollower:
        break;
    }
    {
      MutexLock lock(&block.mu);
      while (!block.result.has_value()) {
        if (deadline == absl::InfiniteFuture()) {
          block.cv.Wait(&block.mu);
          continue;
        }
        const absl::Time now = core_->clock().MonotonicNow();
        if (now >= deadline) break;
        (void)block.cv.WaitWithTimeout(&block.mu, deadline - now);
      }
      if (block.result.has_value()) return *std::move(block.result);
    }
    // Our deadline passed: take our place back unless a completer already has it.
    if (CoreT::TakeWaiter(join.flight.get(), join.slot, join.gen)) {
      CoreT::CountTimeout(join.flight.get());
      return coalesce_internal::ErrorResult<Value>(Reason::kTimeout, false);
    }
    MutexLock lock(&block.mu);
    while (!block.result.has_value()) block.cv.Wait(&block.mu);  // Being delivered now.
    return *std::move(block.result);
  }

  // Joins the flight of `key`, or starts one:
  //   * `kLeader`: `result.completion` is the caller's duty (see `Completion`);
  //     `on_done` is not kept (the leader learns its outcome from `Complete`).
  //   * `kFollower`: `on_done` will run exactly once with the leader's
  //     outcome, or `kTimeout` once `deadline` (default: now +
  //     `GroupOptions::default_wait_timeout`) has passed at completion or at an
  //     `ExpireWaiters` call, or `kCancelled` after `Cancel(result.waiter)`.
  //   * `kRejected` / `kDirect`: a bound refused the caller; `on_done` is
  //     destroyed without running.
  // Never blocks (beyond a short internal lock) and never runs `on_done` itself.
  JoinResult Join(const Key& key, Callback on_done) {
    return Join(key, std::move(on_done), DefaultDeadline());
  }
  JoinResult Join(const Key& key, Callback on_done, absl::Time deadline) {
    auto join = core_->Join(key, on_done, deadline, /*inline_only=*/false);
    JoinResult out;
    out.role = join.role;
    out.reason = join.reason;
    if (join.role == Role::kLeader) {
      out.completion = Completion(std::move(join.shard), std::move(join.flight));
    } else if (join.role == Role::kFollower) {
      out.waiter = Waiter(std::move(join.flight), join.slot, join.gen);
    }
    return out;
  }

  // Starts the flight of `key` only if none is in progress, never joining
  // one: for work that one caller should start and nobody waits for (a
  // background refresh). Returns a valid `Completion` if the caller now
  // leads; an empty one if a flight of `key` is in progress (nothing is
  // counted) or the in-flight bound refused it (counted as by `Join`).
  // Callers that `Join` meanwhile follow this flight as usual.
  Completion TryLead(const Key& key) {
    Callback none;
    auto join = core_->Join(key, none, absl::InfiniteFuture(), /*inline_only=*/false,
                            /*lead_only=*/true);
    if (join.role != Role::kLeader) return Completion();
    return Completion(std::move(join.shard), std::move(join.flight));
  }

  // Ends one follower's wait: its callback runs with `kCancelled` (on this
  // thread, or through the executor). The flight and its other followers are
  // not affected. Returns false if that follower's callback already ran or is
  // running (completed, expired or cancelled before), or `waiter` is empty.
  bool Cancel(const Waiter& waiter) {
    if (!waiter.valid()) return false;
    const std::shared_ptr<CoreT> core = core_;  // A callback may destroy the group.
    return CoreT::Cancel(waiter.flight_.get(), waiter.slot_, waiter.gen_);
  }

  // Times out every follower whose deadline is <= `now` (their callbacks run
  // with `kTimeout`; blocked `Do` callers return `kTimeout`). Returns how many.
  // Call it from the host's timer. Cost: O(unfinished flights) plus the
  // waiters of flights that have an expired follower.
  size_t ExpireWaiters(absl::Time now) {
    const std::shared_ptr<CoreT> core = core_;  // A callback may destroy the group.
    return core->Expire(now);
  }
  size_t ExpireWaiters() { return ExpireWaiters(core_->clock().MonotonicNow()); }

  // Detaches the unfinished flight of `key`, if any: the next caller of `key`
  // starts a new flight. The detached flight still finishes normally for its
  // own followers (and still counts against `max_flights` until it does).
  // Returns whether a flight was detached.
  bool Forget(const Key& key) { return core_->Forget(key); }

  // Counters; a consistent-enough snapshot (each counter is read exactly).
  [[nodiscard]] GroupCounters counters() const { return core_->GetCounters(); }
  // Reports `counters()` as edgekit_coalesce_* metrics (see types.h).
  void VisitMetrics(MetricsVisitor& visitor) const { coalesce::VisitMetrics(counters(), visitor); }
  // Unfinished flights now.
  [[nodiscard]] size_t in_flight() const { return core_->in_flight(); }
  // The options in force.
  [[nodiscard]] const GroupOptions& options() const { return core_->options(); }

 private:
  struct WaitBlock {
    Mutex mu;
    CondVar cv;
    std::optional<ResultType> result ABSL_GUARDED_BY(mu);
  };

  template <class T>
  struct IsStatusOr : std::false_type {};
  template <class T>
  struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};
  template <class T>
  struct IsSharedPtr : std::false_type {};
  template <class T>
  struct IsSharedPtr<std::shared_ptr<T>> : std::true_type {};

  // Turns what `fn()` returned into an outcome (with `shared() == true`).
  template <class R>
  static ResultType ToOutcome(R&& r) {
    using D = std::decay_t<R>;
    if constexpr (IsStatusOr<D>::value) {
      if (!r.ok()) return FailOutcome(std::forward<R>(r).status());
      return ToOutcome(*std::forward<R>(r));
    } else if constexpr (IsSharedPtr<D>::value &&
                         std::is_convertible_v<D, std::shared_ptr<const Value>> &&
                         !std::is_constructible_v<Value, D>) {
      if (r == nullptr) {
        return FailOutcome(
            absl::InternalError("edgekit::coalesce: leader completed with a null value"));
      }
      return ResultType::Ok(ValuePtr(std::forward<R>(r)), true);
    } else {
      static_assert(std::is_constructible_v<Value, R&&>,
                    "fn() must return Value, shared_ptr<const Value> or absl::StatusOr of them");
      return ResultType::Ok(std::make_shared<const Value>(std::forward<R>(r)), true);
    }
  }
  static ResultType FailOutcome(absl::Status status) {
    if (status.ok()) status = absl::UnknownError("edgekit::coalesce: fn returned an OK status");
    return ResultType::Error(Reason::kLeaderError, std::move(status), true);
  }

  absl::Time DeadlineAfter(absl::Duration timeout) const {
    if (timeout == absl::InfiniteDuration()) return absl::InfiniteFuture();
    return core_->clock().MonotonicNow() + timeout;
  }
  absl::Time DefaultDeadline() const {
    return DeadlineAfter(core_->options().default_wait_timeout);
  }

  explicit Group(std::shared_ptr<CoreT> core) : core_(std::move(core)) {}

  std::shared_ptr<CoreT> core_;
};

}  // namespace coalesce
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_COALESCE_GROUP_H_
