// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: types.h
// -----------------------------------------------------------------------------
// Vocabulary of the single-flight coalescer (`edgekit/coalesce/group.h`): the
// `Result<Value>` every caller of a flight receives, the `Reason` enum that says
// how a wait ended, the `Role` a `Join` assigns, the `GroupOptions` of a
// `Group` (bounds, overflow policies, executor) and its `GroupCounters`.
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
// Errors: `ValidateGroupOptions` returns kInvalidArgument naming the field;
// `Result::status()` carries the outcome of a wait (see `Reason`).

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
#include "edgekit/base/metrics.h"

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

// Stable snake_case label of `reason` ("ok", "leader_error", ...), usable as
// a metric label value.
[[nodiscard]] constexpr std::string_view ToString(Reason reason) {
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

// Stable snake_case label of `role`.
[[nodiscard]] constexpr std::string_view ToString(Role role) {
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

// Configuration of a `Group`. `Group::Create` rejects a value out of its
// documented range with kInvalidArgument naming the field.
struct GroupOptions {
  // Bound on unfinished flights (distinct keys being computed, including
  // flights detached by `Forget` whose leader has not finished yet), in
  // [1, 2^32]. A new key beyond it gets `on_table_full`.
  size_t max_flights = 65536;

  // Bound on live followers of one flight (cancelled and expired followers
  // free their place), in [0, 2^32 - 1]. 0 disables coalescing: every
  // follower gets `on_too_many_waiters`. The memory per follower is 64 bytes
  // plus its callback's captures beyond 16 bytes.
  size_t max_waiters_per_flight = size_t{1} << 20;

  OverflowPolicy on_too_many_waiters = OverflowPolicy::kReject;
  OverflowPolicy on_table_full = OverflowPolicy::kReject;

  // Deadline given to every follower that does not bring its own:
  // `Join(key, cb)` and `Do(key, fn)` wait at most this long (measured on the
  // group's `Clock`); >= 0. Infinite by default: then a follower waits until
  // the leader finishes, fails or drops its completion handle.
  absl::Duration default_wait_timeout = absl::InfiniteDuration();

  // Independently locked table shards: a power of two in [1, 1024].
  size_t shards = 16;

  // Where follower callbacks run. Empty (default): inline, on the thread that
  // completes (or cancels, or expires) the wait. Blocking `Do` callers are
  // always woken directly, never through the executor.
  Executor executor;
};

// Checks `options` against the ranges above. kInvalidArgument names the field.
inline absl::Status ValidateGroupOptions(const GroupOptions& options) {
  if (options.max_flights == 0 || options.max_flights > (size_t{1} << 32)) {
    return absl::InvalidArgumentError("coalesce: max_flights must be in [1, 2^32]");
  }
  if (options.max_waiters_per_flight > 0xFFFFFFFFu) {
    return absl::InvalidArgumentError("coalesce: max_waiters_per_flight must be in [0, 2^32 - 1]");
  }
  if (options.default_wait_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("coalesce: default_wait_timeout must be >= 0");
  }
  if (options.shards == 0 || options.shards > 1024 ||
      (options.shards & (options.shards - 1)) != 0) {
    return absl::InvalidArgumentError("coalesce: shards must be a power of two in [1, 1024]");
  }
  return absl::OkStatus();
}

// Counters of a `Group` since construction, a plain snapshot. Monotonic
// except `in_flight`.
struct GroupCounters {
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

// Reports `counters` through `visitor` (edgekit/base/metrics.h):
//   edgekit_coalesce_flights_total, _joins_total, _shared_total,
//   _errors_total, _abandons_total, _timeouts_total, _cancellations_total,
//   _rejections_total, _direct_total, _forgets_total (counters) and
//   edgekit_coalesce_in_flight (gauge).
inline void VisitMetrics(const GroupCounters& counters, MetricsVisitor& visitor) {
  struct Row {
    std::string_view name;
    std::string_view help;
    uint64_t value;
  };
  const Row rows[] = {
      {"edgekit_coalesce_flights_total", "Flights started (leaders)", counters.flights},
      {"edgekit_coalesce_joins_total", "Followers that joined a flight in progress",
       counters.joins},
      {"edgekit_coalesce_shared_total", "Follower deliveries of a leader's outcome (work saved)",
       counters.shared},
      {"edgekit_coalesce_errors_total", "Flights their leader failed", counters.errors},
      {"edgekit_coalesce_abandons_total", "Flights abandoned without a result", counters.abandons},
      {"edgekit_coalesce_timeouts_total", "Followers whose deadline passed first",
       counters.timeouts},
      {"edgekit_coalesce_cancellations_total", "Followers cancelled", counters.cancellations},
      {"edgekit_coalesce_rejections_total", "Callers refused by a bound", counters.rejections},
      {"edgekit_coalesce_direct_total", "Callers a bound sent to do the work uncoalesced",
       counters.direct},
      {"edgekit_coalesce_forgets_total", "Flights detached by Forget", counters.forgets},
  };
  Metric m;
  m.type = MetricType::kCounter;
  for (const Row& row : rows) {
    m.name = row.name;
    m.help = row.help;
    m.value = static_cast<double>(row.value);
    visitor.Visit(m);
  }
  m.name = "edgekit_coalesce_in_flight";
  m.help = "Unfinished flights";
  m.type = MetricType::kGauge;
  m.value = static_cast<double>(counters.in_flight);
  visitor.Visit(m);
}

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
