// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: types.h
// -----------------------------------------------------------------------------
// Vocabulary of the single-flight coalescer (`edgekit/coalesce/group.h`): the
// `Result<Value>` every caller of a flight receives, the `Reason` enum that says
// how a wait ended, the `Role` a `Join` assigns, the `Options` of a `Group`
// (bounds, overflow policies, executor) and the `Stats` counters.
//
// Example:
//
//   edgekit::coalesce::Result<std::string> r = group.Do(key, fetch);
//   if (r.ok()) {
//     Use(*r);                      // shared, read-only; never copied per waiter
//   } else if (r.reason() == edgekit::coalesce::Reason::kTimeout) {
//     ...                           // r.status() is kDeadlineExceeded
//   }
//
// Thread-safety: `Result` is immutable after construction and safe to read
// from many threads; the value it points to is `const` and shared.
// Errors: none of these types report errors themselves; `Result::status()`
// carries the outcome of a wait (see `Reason`).

#ifndef EDGEKIT_COALESCE_TYPES_H_
#define EDGEKIT_COALESCE_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace coalesce {

// How a caller's wait on a flight ended.
enum class Reason : uint8_t {
  kOk,              // The leader produced a value.
  kLeaderError,     // The leader failed; `status()` is the leader's own error.
  kAbandoned,       // The leader's completion handle died without a result
                    // (dropped, or `fn` threw): `absl::StatusCode::kAborted`.
  kTimeout,         // This waiter's deadline passed first: `kDeadlineExceeded`.
  kCancelled,       // This waiter was cancelled (`Group::Cancel`): `kCancelled`.
  kTooManyWaiters,  // The key's waiter bound refused this caller: `kResourceExhausted`.
  kTableFull,       // The in-flight table bound refused this caller: `kResourceExhausted`.
};

// Stable, lower-case name of `reason` ("ok", "leader_error", ...).
constexpr std::string_view ToString(Reason reason) {
  switch (reason) {
    case Reason::kOk:
      return "ok";
    case Reason::kLeaderError:
      return "leader_error";
    case Reason::kAbandoned:
      return "abandoned";
    case Reason::kTimeout:
      return "timeout";
    case Reason::kCancelled:
      return "cancelled";
    case Reason::kTooManyWaiters:
      return "too_many_waiters";
    case Reason::kTableFull:
      return "table_full";
  }
  return "unknown";
}

// What `Group::Join` made of a caller.
enum class Role : uint8_t {
  kLeader,    // Started a new flight: must finish it through its `Completion`.
  kFollower,  // Waits on the flight in progress: its callback will run exactly once.
  kRejected,  // Refused by a bound (`JoinResult::reason` says which); nothing was kept.
  kDirect,    // A bound was hit and the policy is `kRunDirect`: do the work
              // yourself, uncoalesced; nobody waits on it.
};

constexpr std::string_view ToString(Role role) {
  switch (role) {
    case Role::kLeader:
      return "leader";
    case Role::kFollower:
      return "follower";
    case Role::kRejected:
      return "rejected";
    case Role::kDirect:
      return "direct";
  }
  return "unknown";
}

// What happens to a caller that a bound refuses.
enum class OverflowPolicy : uint8_t {
  kReject,     // The caller gets `Role::kRejected` / a `kResourceExhausted` result.
  kRunDirect,  // The caller does the work itself (`Role::kDirect`; `Do` runs `fn`
               // without coalescing and returns a result with `shared() == false`).
};

// Runs a follower's callback somewhere else (an event loop's queue, a pool).
// Called on the completing (or cancelling, or expiring) thread, never under an
// internal lock, possibly from many threads at once: it must be thread-safe and
// must eventually run every task it accepts (a dropped task is a hung waiter).
using Executor = std::function<void(absl::AnyInvocable<void()>)>;

// Configuration of a `Group`. Out-of-range values are clamped by the `Group`
// constructor (documented per field); no value is an error.
struct Options {
  // Bound on unfinished flights (distinct keys being computed, including
  // flights detached by `Forget` whose leader has not finished yet).
  // Clamped to >= 1. A new key beyond it gets `on_table_full`.
  size_t max_flights = 65536;

  // Bound on live followers of one flight (cancelled and expired followers
  // free their place). 0 disables coalescing: every follower gets
  // `on_too_many_waiters`. Clamped to 2^32 - 1. The memory per follower is
  // 64 bytes plus its callback's captures beyond 16 bytes.
  size_t max_waiters_per_flight = size_t{1} << 20;

  OverflowPolicy on_too_many_waiters = OverflowPolicy::kReject;
  OverflowPolicy on_table_full = OverflowPolicy::kReject;

  // Deadline given to every follower that does not bring its own:
  // `Join(key, cb)` and `Do(key, fn)` wait at most this long (measured on the
  // group's `Clock`). Infinite by default: then a follower waits until the
  // leader finishes, fails or drops its completion handle.
  absl::Duration default_wait_timeout = absl::InfiniteDuration();

  // Number of independently locked table shards; rounded up to a power of two
  // and clamped to [1, 1024].
  size_t shards = 16;

  // Where follower callbacks run. Empty (default): inline, on the thread that
  // completes (or cancels, or expires) the wait. Blocking `Do` callers are
  // always woken directly, never through the executor.
  Executor executor;
};

// Counters of a `Group` since construction. Monotonic except `in_flight`.
struct Stats {
  uint64_t flights = 0;        // Flights started (leaders, including Do leaders).
  uint64_t joins = 0;          // Followers that joined a flight in progress.
  uint64_t shared = 0;         // Follower deliveries of a leader's outcome
                               // (value or leader error), i.e. work saved.
  uint64_t errors = 0;         // Flights their leader failed.
  uint64_t abandons = 0;       // Flights abandoned (handle dropped, fn threw).
  uint64_t timeouts = 0;       // Followers whose deadline passed first.
  uint64_t cancellations = 0;  // Followers cancelled through `Group::Cancel`.
  uint64_t rejections = 0;     // Callers refused by a bound (policy kReject).
  uint64_t direct = 0;         // Callers sent direct by a bound (policy kRunDirect).
  uint64_t forgets = 0;        // Successful `Forget` calls.
  uint64_t in_flight = 0;      // Unfinished flights now.
};

// The outcome one caller receives: a shared, immutable value or a status.
// Followers of one flight receive the very same `Result` object (one value,
// refcounted), so reading it costs nothing per waiter.
//
// Thread-safety: immutable; safe to read concurrently.
template <class Value>
class Result {
 public:
  using ValuePtr = std::shared_ptr<const Value>;

  // A successful result. Requires: `value` is not null.
  static Result Ok(ValuePtr value, bool shared) {
    return Result(absl::OkStatus(), std::move(value), Reason::kOk, shared);
  }
  // A failed result. Requires: `reason != kOk` and `!status.ok()`.
  static Result Error(Reason reason, absl::Status status, bool shared) {
    return Result(std::move(status), nullptr, reason, shared);
  }

  [[nodiscard]] bool ok() const { return reason_ == Reason::kOk; }
  [[nodiscard]] Reason reason() const { return reason_; }
  // OK when `ok()`; otherwise the leader's error (`kLeaderError`) or the
  // canonical code named by `Reason`.
  [[nodiscard]] const absl::Status& status() const { return status_; }
  // The shared value; null unless `ok()`.
  [[nodiscard]] const ValuePtr& value_ptr() const { return value_; }
  // Requires: `ok()`.
  [[nodiscard]] const Value& value() const {
    EDGEKIT_DCHECK(value_ != nullptr);
    return *value_;
  }
  const Value& operator*() const { return value(); }
  const Value* operator->() const { return &value(); }
  // True if this outcome was delivered to more than one caller: always for a
  // follower, and for a leader when at least one follower received its outcome.
  [[nodiscard]] bool shared() const { return shared_; }

  [[nodiscard]] absl::StatusOr<ValuePtr> ToStatusOr() const {
    if (ok()) return value_;
    return status_;
  }

 private:
  Result(absl::Status status, ValuePtr value, Reason reason, bool shared)
      : status_(std::move(status)), value_(std::move(value)), reason_(reason), shared_(shared) {}

  absl::Status status_;
  ValuePtr value_;
  Reason reason_;
  bool shared_;
};

}  // namespace coalesce
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_COALESCE_TYPES_H_
