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
//   detector->RecordResult(host, /*error=*/status >= 500, now);
//   if (detector->IsEjected(host, now)) { ... pick another ... }
//
// Thread-safety: thread-safe. `IsEjected` is one atomic load; a success is
// two relaxed atomic adds; ejections and interval evaluations take a lock.
// Errors: `Create` returns kInvalidArgument for invalid options or a pool
// size of 0 or above kMaxPoolHosts.

#ifndef EDGEKIT_BREAKER_OUTLIER_DETECTOR_H_
#define EDGEKIT_BREAKER_OUTLIER_DETECTOR_H_

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

inline constexpr size_t kMaxPoolHosts = 65536;

struct OutlierDetectorOptions {
  // Errors in a row that eject a host (0: off).
  int consecutive_errors = 5;
  // Success-rate evaluation period (> 0).
  absl::Duration interval = absl::Seconds(10);
  absl::Duration base_ejection_time = absl::Seconds(30);
  // Cap of one ejection (>= base_ejection_time).
  absl::Duration max_ejection_time = absl::Seconds(300);
  // 0..100: share of the pool that may be ejected at once (at least 1 host).
  int max_ejection_percent = 10;
  // Success-rate ejection (false: off).
  bool success_rate_enabled = true;
  int success_rate_minimum_hosts = 5;      // >= 1
  int success_rate_request_volume = 100;   // >= 1, responses per interval
  double success_rate_stdev_factor = 1.9;  // >= 0
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

class OutlierDetector {
 public:
  using Options = OutlierDetectorOptions;

  static absl::Status Validate(const Options& o) {
    if (o.consecutive_errors < 0) {
      return absl::InvalidArgumentError("consecutive_errors must be >= 0");
    }
    if (o.interval <= absl::ZeroDuration() || o.interval > absl::Hours(24)) {
      return absl::InvalidArgumentError("interval must be in (0, 24h]");
    }
    if (o.base_ejection_time <= absl::ZeroDuration() ||
        o.base_ejection_time > absl::Hours(24 * 365)) {
      return absl::InvalidArgumentError("base_ejection_time must be in (0, 1 year]");
    }
    if (o.max_ejection_time < o.base_ejection_time || o.max_ejection_time > absl::Hours(24 * 365)) {
      return absl::InvalidArgumentError(
          "max_ejection_time must be in [base_ejection_time, 1 year]");
    }
    if (o.max_ejection_percent < 0 || o.max_ejection_percent > 100) {
      return absl::InvalidArgumentError("max_ejection_percent must be in [0, 100]");
    }
    if (o.success_rate_minimum_hosts < 1 || o.success_rate_request_volume < 1) {
      return absl::InvalidArgumentError(
          "success_rate_minimum_hosts and success_rate_request_volume must be >= 1");
    }
    if (!(o.success_rate_stdev_factor >= 0 && o.success_rate_stdev_factor <= 100)) {
      return absl::InvalidArgumentError("success_rate_stdev_factor must be in [0, 100]");
    }
    return absl::OkStatus();
  }

  // A detector for `num_hosts` hosts (1..kMaxPoolHosts); its first interval
  // starts at `clock`'s now. `clock` must outlive it.
  static absl::StatusOr<std::unique_ptr<OutlierDetector>> Create(size_t num_hosts, Options options,
                                                                 Clock& clock = RealClock::Get()) {
    if (num_hosts == 0 || num_hosts > kMaxPoolHosts) {
      return absl::InvalidArgumentError("num_hosts must be in [1, 65536]");
    }
    absl::Status s = Validate(options);
    if (!s.ok()) return s;
    return std::unique_ptr<OutlierDetector>(new OutlierDetector(num_hosts, options, clock));
  }

  OutlierDetector(const OutlierDetector&) = delete;
  OutlierDetector& operator=(const OutlierDetector&) = delete;

  // Records one response of `host` (< num_hosts()). `error`: the host's
  // notion of a failed response (5xx, reset...).
  void RecordResult(size_t host, bool error, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_) {
    EDGEKIT_DCHECK(host < hosts_.size());
    if (host >= hosts_.size()) return;
    const int64_t now_ns = absl::ToUnixNanos(now);
    MaybeEvaluate(now_ns);
    Host& h = hosts_[host];
    h.interval_total.fetch_add(1, std::memory_order_relaxed);
    if (!error) {
      if (h.consecutive.load(std::memory_order_relaxed) != 0) {
        h.consecutive.store(0, std::memory_order_relaxed);
      }
      return;
    }
    h.interval_errors.fetch_add(1, std::memory_order_relaxed);
    const uint32_t run = h.consecutive.fetch_add(1, std::memory_order_relaxed) + 1;
    if (options_.consecutive_errors > 0 &&
        run >= static_cast<uint32_t>(options_.consecutive_errors)) {
      MutexLock lock(&mu_);
      if (now_ns < h.ejected_until_ns.load(std::memory_order_relaxed)) return;  // already out
      if (EjectLockHeld(host, now_ns)) {
        ++counters_.ejections_consecutive;
      }
    }
  }
  void RecordResult(size_t host, bool error) { RecordResult(host, error, clock_.MonotonicNow()); }

  // Whether `host` is ejected at `now`. One atomic load; does not run the
  // interval evaluation.
  [[nodiscard]] bool IsEjected(size_t host, absl::Time now) const {
    if (host >= hosts_.size()) return false;
    return absl::ToUnixNanos(now) < hosts_[host].ejected_until_ns.load(std::memory_order_acquire);
  }

  // Runs the success-rate evaluation if an interval has ended by `now`.
  void Evaluate(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_) { MaybeEvaluate(absl::ToUnixNanos(now)); }

  [[nodiscard]] OutlierHostStatus status(size_t host, absl::Time now) const
      ABSL_LOCKS_EXCLUDED(mu_) {
    OutlierHostStatus s;
    if (host >= hosts_.size()) return s;
    MutexLock lock(&mu_);
    const Host& h = hosts_[host];
    const int64_t until = h.ejected_until_ns.load(std::memory_order_relaxed);
    s.ejected = absl::ToUnixNanos(now) < until;
    s.ejected_until = absl::FromUnixNanos(until);
    s.ejection_count = h.ejection_count;
    s.consecutive_errors = h.consecutive.load(std::memory_order_relaxed);
    return s;
  }

  // Hosts ejected at `now`.
  [[nodiscard]] size_t ejected_count(absl::Time now) const {
    size_t n = 0;
    for (size_t i = 0; i < hosts_.size(); ++i) n += IsEjected(i, now) ? 1 : 0;
    return n;
  }

  [[nodiscard]] size_t num_hosts() const { return hosts_.size(); }
  // How many hosts may be ejected at once.
  [[nodiscard]] size_t max_ejected() const { return max_ejected_; }

  [[nodiscard]] OutlierDetectorCounters counters() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return counters_;
  }

 private:
  struct alignas(64) Host {
    std::atomic<int64_t> ejected_until_ns{std::numeric_limits<int64_t>::min()};
    std::atomic<uint32_t> consecutive{0};
    std::atomic<uint64_t> interval_total{0};
    std::atomic<uint64_t> interval_errors{0};
    uint32_t ejection_count = 0;  // guarded by mu_ (annotation cannot reach array members)
  };

  OutlierDetector(size_t num_hosts, const Options& options, Clock& clock)
      : options_(options), clock_(clock), hosts_(num_hosts) {
    const size_t by_percent = num_hosts * static_cast<size_t>(options_.max_ejection_percent) / 100;
    max_ejected_ = std::max<size_t>(1, by_percent);
    interval_ns_ = absl::ToInt64Nanoseconds(options_.interval);
    next_eval_ns_.store(absl::ToUnixNanos(clock_.MonotonicNow()) + interval_ns_,
                        std::memory_order_relaxed);
  }

  void MaybeEvaluate(int64_t now_ns) ABSL_LOCKS_EXCLUDED(mu_) {
    if (now_ns < next_eval_ns_.load(std::memory_order_acquire)) return;
    MutexLock lock(&mu_);
    const int64_t due = next_eval_ns_.load(std::memory_order_relaxed);
    if (now_ns < due) return;  // another thread ran it
    // The next interval starts now if we are more than one interval late.
    next_eval_ns_.store(now_ns - due >= interval_ns_ ? now_ns + interval_ns_ : due + interval_ns_,
                        std::memory_order_release);
    EvaluateLockHeld(now_ns);
  }

  void EvaluateLockHeld(int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    ++counters_.intervals;
    // Snapshot and restart the interval counters.
    rates_.clear();
    std::vector<double>& rates = rates_;
    std::vector<size_t>& who = who_;
    who.clear();
    for (size_t i = 0; i < hosts_.size(); ++i) {
      Host& h = hosts_[i];
      const uint64_t total = h.interval_total.exchange(0, std::memory_order_relaxed);
      const uint64_t errors = h.interval_errors.exchange(0, std::memory_order_relaxed);
      const bool ejected = now_ns < h.ejected_until_ns.load(std::memory_order_relaxed);
      if (!ejected && h.ejection_count > 0) --h.ejection_count;  // forgiven a step
      if (!options_.success_rate_enabled || ejected) continue;
      if (total < static_cast<uint64_t>(options_.success_rate_request_volume)) continue;
      const uint64_t ok = total >= errors ? total - errors : 0;
      rates.push_back(100.0 * static_cast<double>(ok) / static_cast<double>(total));
      who.push_back(i);
    }
    if (rates.size() < static_cast<size_t>(options_.success_rate_minimum_hosts)) return;
    double mean = 0;
    for (double r : rates) mean += r;
    mean /= static_cast<double>(rates.size());
    double var = 0;
    for (double r : rates) var += (r - mean) * (r - mean);
    const double stdev = std::sqrt(var / static_cast<double>(rates.size()));
    const double threshold = mean - options_.success_rate_stdev_factor * stdev;
    for (size_t k = 0; k < rates.size(); ++k) {
      if (rates[k] < threshold && EjectLockHeld(who[k], now_ns)) {
        ++counters_.ejections_success_rate;
      }
    }
  }

  bool EjectLockHeld(size_t host, int64_t now_ns) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    size_t ejected = 0;
    for (const Host& h : hosts_) {
      ejected += now_ns < h.ejected_until_ns.load(std::memory_order_relaxed) ? 1 : 0;
    }
    if (ejected >= max_ejected_) {
      ++counters_.skipped_max_ejected;
      return false;
    }
    Host& h = hosts_[host];
    ++h.ejection_count;
    const double base = absl::ToDoubleSeconds(options_.base_ejection_time);
    const double seconds = std::min(base * static_cast<double>(h.ejection_count),
                                    absl::ToDoubleSeconds(options_.max_ejection_time));
    h.ejected_until_ns.store(now_ns + static_cast<int64_t>(seconds * 1e9),
                             std::memory_order_release);
    h.consecutive.store(0, std::memory_order_relaxed);
    return true;
  }

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
