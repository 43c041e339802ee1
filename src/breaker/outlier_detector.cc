// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/breaker/outlier_detector.h"

#include <algorithm>
#include <cmath>
#include <utility>

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

std::string_view ToString(EjectionReason reason) {
  switch (reason) {
    case EjectionReason::kConsecutiveErrors:
      return "consecutive_errors";
    case EjectionReason::kSuccessRate:
      return "success_rate";
  }
  return "unknown";
}

absl::Status OutlierDetector::Validate(const Options& o) {
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
    return absl::InvalidArgumentError("max_ejection_time must be in [base_ejection_time, 1 year]");
  }
  if (o.max_ejection_percent < 0 || o.max_ejection_percent > 100) {
    return absl::InvalidArgumentError("max_ejection_percent must be in [0, 100]");
  }
  if (o.success_rate_minimum_hosts < 1) {
    return absl::InvalidArgumentError("success_rate_minimum_hosts must be >= 1");
  }
  if (o.success_rate_request_volume < 1) {
    return absl::InvalidArgumentError("success_rate_request_volume must be >= 1");
  }
  if (!(o.success_rate_stdev_factor >= 0 && o.success_rate_stdev_factor <= 100)) {
    return absl::InvalidArgumentError("success_rate_stdev_factor must be in [0, 100]");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OutlierDetector>> OutlierDetector::Create(size_t num_hosts,
                                                                         Options options,
                                                                         Clock& clock) {
  if (num_hosts == 0 || num_hosts > kMaxPoolHosts) {
    return absl::InvalidArgumentError("num_hosts must be in [1, 65536]");
  }
  absl::Status s = Validate(options);
  if (!s.ok()) return s;
  return std::unique_ptr<OutlierDetector>(new OutlierDetector(num_hosts, options, clock));
}

OutlierDetector::OutlierDetector(size_t num_hosts, const Options& options, Clock& clock)
    : options_(options), clock_(clock), hosts_(num_hosts) {
  const size_t by_percent = num_hosts * static_cast<size_t>(options_.max_ejection_percent) / 100;
  max_ejected_ = std::max<size_t>(1, by_percent);
  interval_ns_ = absl::ToInt64Nanoseconds(options_.interval);
  next_eval_ns_.store(absl::ToUnixNanos(clock_.MonotonicNow()) + interval_ns_,
                      std::memory_order_relaxed);
}

OutlierDetector::~OutlierDetector() = default;

void OutlierDetector::RecordResult(size_t host, Outcome outcome, absl::Time now) {
  EDGEKIT_DCHECK(host < hosts_.size());
  if (host >= hosts_.size() || outcome == Outcome::kIgnored) return;
  const int64_t now_ns = absl::ToUnixNanos(now);
  Ejected ejected;
  MaybeEvaluate(now_ns, &ejected);
  Host& h = hosts_[host];
  h.interval_total.fetch_add(1, std::memory_order_relaxed);
  if (outcome == Outcome::kSuccess) {
    if (h.consecutive.load(std::memory_order_relaxed) != 0) {
      h.consecutive.store(0, std::memory_order_relaxed);
    }
    Notify(ejected);
    return;
  }
  h.interval_errors.fetch_add(1, std::memory_order_relaxed);
  const uint32_t run = h.consecutive.fetch_add(1, std::memory_order_relaxed) + 1;
  if (options_.consecutive_errors > 0 &&
      run >= static_cast<uint32_t>(options_.consecutive_errors)) {
    MutexLock lock(&mu_);
    if (now_ns >= h.ejected_until_ns.load(std::memory_order_relaxed) &&
        EjectLockHeld(host, now_ns, EjectionReason::kConsecutiveErrors, &ejected)) {
      ++counters_.ejections_consecutive;
    }
  }
  Notify(ejected);
}

void OutlierDetector::Evaluate(absl::Time now) {
  Ejected ejected;
  MaybeEvaluate(absl::ToUnixNanos(now), &ejected);
  Notify(ejected);
}

OutlierHostStatus OutlierDetector::status(size_t host, absl::Time now) const {
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

size_t OutlierDetector::ejected_count(absl::Time now) const {
  size_t n = 0;
  for (size_t i = 0; i < hosts_.size(); ++i) n += IsEjected(i, now) ? 1 : 0;
  return n;
}

OutlierDetectorCounters OutlierDetector::counters() const {
  MutexLock lock(&mu_);
  return counters_;
}

void OutlierDetector::VisitMetrics(MetricsVisitor& v) const {
  const OutlierDetectorCounters c = counters();
  const MetricLabel consecutive[] = {{"reason", ToString(EjectionReason::kConsecutiveErrors)}};
  const MetricLabel success_rate[] = {{"reason", ToString(EjectionReason::kSuccessRate)}};
  constexpr std::string_view kEjections = "edgekit_breaker_outlier_ejections_total";
  VisitSample(v, kEjections, "Hosts ejected, by reason", MetricType::kCounter,
              static_cast<double>(c.ejections_consecutive), consecutive);
  VisitSample(v, kEjections, "Hosts ejected, by reason", MetricType::kCounter,
              static_cast<double>(c.ejections_success_rate), success_rate);
  VisitSample(v, "edgekit_breaker_outlier_ejections_skipped_total",
              "Ejections refused because max_ejection_percent of the pool was out",
              MetricType::kCounter, static_cast<double>(c.skipped_max_ejected));
  VisitSample(v, "edgekit_breaker_outlier_intervals_total", "Success-rate evaluations run",
              MetricType::kCounter, static_cast<double>(c.intervals));
  VisitSample(v, "edgekit_breaker_outlier_ejected_hosts", "Hosts ejected now", MetricType::kGauge,
              static_cast<double>(ejected_count()));
  VisitSample(v, "edgekit_breaker_outlier_hosts", "Hosts in the pool", MetricType::kGauge,
              static_cast<double>(hosts_.size()));
}

void OutlierDetector::MaybeEvaluate(int64_t now_ns, Ejected* out) {
  if (now_ns < next_eval_ns_.load(std::memory_order_acquire)) return;
  MutexLock lock(&mu_);
  const int64_t due = next_eval_ns_.load(std::memory_order_relaxed);
  if (now_ns < due) return;  // another thread ran it
  // The next interval starts now if we are more than one interval late.
  next_eval_ns_.store(now_ns - due >= interval_ns_ ? now_ns + interval_ns_ : due + interval_ns_,
                      std::memory_order_release);
  EvaluateLockHeld(now_ns, out);
}

void OutlierDetector::EvaluateLockHeld(int64_t now_ns, Ejected* out) {
  ++counters_.intervals;
  // Snapshot and restart the interval counters.
  rates_.clear();
  who_.clear();
  for (size_t i = 0; i < hosts_.size(); ++i) {
    Host& h = hosts_[i];
    const uint64_t total = h.interval_total.exchange(0, std::memory_order_relaxed);
    const uint64_t errors = h.interval_errors.exchange(0, std::memory_order_relaxed);
    const bool ejected = now_ns < h.ejected_until_ns.load(std::memory_order_relaxed);
    if (!ejected && h.ejection_count > 0) --h.ejection_count;  // forgiven a step
    if (!options_.success_rate_enabled || ejected) continue;
    if (total < static_cast<uint64_t>(options_.success_rate_request_volume)) continue;
    const uint64_t ok = total >= errors ? total - errors : 0;
    rates_.push_back(100.0 * static_cast<double>(ok) / static_cast<double>(total));
    who_.push_back(i);
  }
  if (rates_.size() < static_cast<size_t>(options_.success_rate_minimum_hosts)) return;
  double mean = 0;
  for (double r : rates_) mean += r;
  mean /= static_cast<double>(rates_.size());
  double var = 0;
  for (double r : rates_) var += (r - mean) * (r - mean);
  const double stdev = std::sqrt(var / static_cast<double>(rates_.size()));
  const double threshold = mean - options_.success_rate_stdev_factor * stdev;
  for (size_t k = 0; k < rates_.size(); ++k) {
    if (rates_[k] < threshold &&
        EjectLockHeld(who_[k], now_ns, EjectionReason::kSuccessRate, out)) {
      ++counters_.ejections_success_rate;
    }
  }
}

bool OutlierDetector::EjectLockHeld(size_t host, int64_t now_ns, EjectionReason reason,
                                    Ejected* out) {
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
  const int64_t until = now_ns + static_cast<int64_t>(seconds * 1e9);
  h.ejected_until_ns.store(until, std::memory_order_release);
  h.consecutive.store(0, std::memory_order_relaxed);
  if (options_.observer != nullptr) {
    OutlierEjection e;
    e.detector = this;
    e.host = host;
    e.reason = reason;
    e.at = absl::FromUnixNanos(now_ns);
    e.ejected_until = absl::FromUnixNanos(until);
    e.ejection_count = h.ejection_count;
    out->list.push_back(e);
  }
  return true;
}

void OutlierDetector::Notify(const Ejected& ejected) const {
  for (const OutlierEjection& e : ejected.list) options_.observer->OnEjection(e);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END
