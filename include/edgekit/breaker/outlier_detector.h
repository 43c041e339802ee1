// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: outlier_detector.h
// -----------------------------------------------------------------------------
// `OutlierDetector`: passive health checking across a pool of upstream hosts,
// in the manner of Envoy's outlier detection. Hosts are identified by their
// index in the pool (0..num_hosts-1). The host reports each response as
// success or error (5xx, reset, connect failure: the host decides); the
// detector ejects hosts so that a selector skips them.
//
//   * Consecutive errors: `consecutive_errors` errors in a row eject the host
//     at once.
//   * Success rate: every `interval`, among hosts with at least
//     `success_rate_request_volume` responses in that interval, if there are
//     at least `success_rate_minimum_hosts` of them, a host whose success rate
//     is below mean - stdev * `success_rate_stdev_factor` (population stdev
//     over those hosts) is ejected. The interval is evaluated on the first
//     call after it ends (no timers): `RecordResult`, `IsEjected` with a
//     clock, or `Evaluate`.
//   * Ejection time = base_ejection_time * k, capped at max_ejection_time,
//     where k counts the host's ejections; k drops by one for each interval
//     the host spends un-ejected, so a host that recovers is forgiven.
//   * At most `max_ejection_percent` of the pool is ejected at once, rounded
//     down, but at least one host may always be ejected (as Envoy). An
//     ejection over that limit is skipped (counted in `skipped_max_ejected`).
//   * An ejected host returns when its time is up (checked lazily).
//
// Example:
//
//   edgekit::breaker::OutlierDetectorOptions o;
//   o.consecutive_errors = 5;
//   auto detector = OutlierDetector::Create(/*num_hosts=*/8, o, clock).value();
//   detector->RecordResult(host, status >= 500 ? Outcome::kFailure : Outcome::kSuccess);
//   if (detector->IsEjected(host)) { ... pick another ... }
//
// Thread-safety: thread-safe. `IsEjected` is one atomic load; a success is
// two relaxed atomic adds; ejections and interval evaluations take a lock.
// Errors: `Create` returns kInvalidArgument for invalid options or a pool
// size of 0 or above kMaxPoolHosts.
//
// Events: `OutlierDetectorObserver::OnEjection` runs after each ejection on
// the thread whose call caused it, outside the detector's lock; it must not
// throw and must outlive the detector.

#ifndef EDGEKIT_BREAKER_OUTLIER_DETECTOR_H_
#define EDGEKIT_BREAKER_OUTLIER_DETECTOR_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/circuit_breaker.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

inline constexpr size_t kMaxPoolHosts = 65536;

// Why a host was ejected.
enum class EjectionReason : uint8_t {
  kConsecutiveErrors = 0,
  kSuccessRate = 1,
};

// "consecutive_errors", "success_rate".
[[nodiscard]] EDGEKIT_API std::string_view ToString(EjectionReason reason);

class OutlierDetector;

// One ejection, as passed to the observer.
struct OutlierEjection {
  const OutlierDetector* detector = nullptr;  // which pool (see UpstreamSelector)
  size_t host = 0;                            // index in the pool
  EjectionReason reason = EjectionReason::kConsecutiveErrors;
  absl::Time at;                // the `now` of the call that ejected it
  absl::Time ejected_until;     // when it returns
  uint32_t ejection_count = 0;  // k, the ejection-time multiplier
};

// Receives a detector's events. The default methods do nothing.
class OutlierDetectorObserver {
 public:
  virtual ~OutlierDetectorObserver() = default;
  virtual void OnEjection(const OutlierEjection& ejection) { static_cast<void>(ejection); }
};

// Options of a detector. `Create` rejects a value outside its range with
// kInvalidArgument naming the field.
struct OutlierDetectorOptions {
  // Errors in a row that eject a host (>= 0; 0: off).
  int consecutive_errors = 5;
  // Success-rate evaluation period, (0, 24h].
  absl::Duration interval = absl::Seconds(10);
  // Ejection time of a first ejection, (0, 1 year].
  absl::Duration base_ejection_time = absl::Seconds(30);
  // Cap of one ejection, [base_ejection_time, 1 year].
  absl::Duration max_ejection_time = absl::Seconds(300);
  // [0, 100]: share of the pool that may be ejected at once (at least 1 host).
  int max_ejection_percent = 10;
  // Success-rate ejection (false: off).
  bool success_rate_enabled = true;
  int success_rate_minimum_hosts = 5;      // >= 1
  int success_rate_request_volume = 100;   // >= 1, responses per interval
  double success_rate_stdev_factor = 1.9;  // [0, 100]
  // Events; nullptr: none.
  OutlierDetectorObserver* observer = nullptr;
};

// What the detector knows about one host.
struct OutlierHostStatus {
  bool ejected = false;
  absl::Time ejected_until;     // meaningful when ejected
  uint32_t ejection_count = 0;  // k, the ejection-time multiplier
  uint32_t consecutive_errors = 0;
};

struct OutlierDetectorCounters {
  uint64_t ejections_consecutive = 0;
  uint64_t ejections_success_rate = 0;
  uint64_t skipped_max_ejected = 0;  // ejections refused by max_ejection_percent
  uint64_t intervals = 0;            // success-rate evaluations run
};

class EDGEKIT_API OutlierDetector {
 public:
  using Options = OutlierDetectorOptions;

  // Returns kInvalidArgument naming the first invalid option, else OK.
  static absl::Status Validate(const Options& options);

  // A detector for `num_hosts` hosts (1..kMaxPoolHosts); its first interval
  // starts at `clock`'s now. `clock` must outlive it.
  static absl::StatusOr<std::unique_ptr<OutlierDetector>> Create(size_t num_hosts, Options options,
                                                                 Clock& clock = RealClock::Get());

  OutlierDetector(const OutlierDetector&) = delete;
  OutlierDetector& operator=(const OutlierDetector&) = delete;
  ~OutlierDetector();

  // Records one response of `host` (< num_hosts()): kFailure is the host's
  // notion of a failed response (5xx, reset...); kIgnored records nothing.
  void RecordResult(size_t host, Outcome outcome, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordResult(size_t host, Outcome outcome) {
    RecordResult(host, outcome, clock_.MonotonicNow());
  }

  // Whether `host` is ejected at `now`. One atomic load; does not run the
  // interval evaluation.
  [[nodiscard]] bool IsEjected(size_t host, absl::Time now) const {
    if (host >= hosts_.size()) return false;
    return absl::ToUnixNanos(now) < hosts_[host].ejected_until_ns.load(std::memory_order_acquire);
  }
  [[nodiscard]] bool IsEjected(size_t host) const { return IsEjected(host, clock_.MonotonicNow()); }

  // Runs the success-rate evaluation if an interval has ended by `now`.
  void Evaluate(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void Evaluate() { Evaluate(clock_.MonotonicNow()); }

  [[nodiscard]] OutlierHostStatus status(size_t host, absl::Time now) const
      ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] OutlierHostStatus status(size_t host) const {
    return status(host, clock_.MonotonicNow());
  }

  // Hosts ejected at `now`.
  [[nodiscard]] size_t ejected_count(absl::Time now) const;
  [[nodiscard]] size_t ejected_count() const { return ejected_count(clock_.MonotonicNow()); }

  [[nodiscard]] size_t num_hosts() const { return hosts_.size(); }
  // How many hosts may be ejected at once.
  [[nodiscard]] size_t max_ejected() const { return max_ejected_; }

  [[nodiscard]] OutlierDetectorCounters counters() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reports (edgekit/base/metrics.h):
  //   edgekit_breaker_outlier_ejections_total{reason}   counter
  //   edgekit_breaker_outlier_ejections_skipped_total   counter (max_ejection_percent)
  //   edgekit_breaker_outlier_intervals_total           counter
  //   edgekit_breaker_outlier_ejected_hosts             gauge, at the clock's now
  //   edgekit_breaker_outlier_hosts                     gauge
  void VisitMetrics(MetricsVisitor& visitor) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct alignas(64) Host {
    std::atomic<int64_t> ejected_until_ns{std::numeric_limits<int64_t>::min()};
    std::atomic<uint32_t> consecutive{0};
    std::atomic<uint64_t> interval_total{0};
    std::atomic<uint64_t> interval_errors{0};
    uint32_t ejection_count = 0;  // guarded by mu_ (annotation cannot reach array members)
  };
  // Ejections of one call, reported after the lock is released.
  struct Ejected {
    std::vector<OutlierEjection> list;
  };

  OutlierDetector(size_t num_hosts, const Options& options, Clock& clock);

  void MaybeEvaluate(int64_t now_ns, Ejected* out) ABSL_LOCKS_EXCLUDED(mu_);
  void EvaluateLockHeld(int64_t now_ns, Ejected* out) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool EjectLockHeld(size_t host, int64_t now_ns, EjectionReason reason, Ejected* out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Notify(const Ejected& ejected) const;

  const Options options_;
  Clock& clock_;
  std::vector<Host> hosts_;
  size_t max_ejected_ = 1;
  int64_t interval_ns_ = 0;
  std::atomic<int64_t> next_eval_ns_{0};

  mutable Mutex mu_;
  OutlierDetectorCounters counters_ ABSL_GUARDED_BY(mu_);
  std::vector<double> rates_ ABSL_GUARDED_BY(mu_);  // scratch, reused
  std::vector<size_t> who_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_OUTLIER_DETECTOR_H_
