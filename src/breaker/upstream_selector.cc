// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/breaker/upstream_selector.h"

#include <algorithm>
#include <cmath>

#include "edgekit/base/metrics_text.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

std::string_view ToString(Pool pool) {
  switch (pool) {
    case Pool::kPrimary:
      return "primary";
    case Pool::kBackup:
      return "backup";
  }
  return "unknown";
}

std::string_view ToString(PickStatus status) {
  switch (status) {
    case PickStatus::kOk:
      return "ok";
    case PickStatus::kNoHealthyHost:
      return "no_healthy_host";
  }
  return "unknown";
}

// ---- Selection -----------------------------------------------------------------

const std::string& Selection::name() const {
  static const std::string kEmpty;
  return selector_ != nullptr
             ? selector_->pools_[static_cast<size_t>(pool_)].hosts[index_]->config.name
             : kEmpty;
}

CircuitBreaker* Selection::breaker() const {
  return selector_ != nullptr
             ? selector_->pools_[static_cast<size_t>(pool_)].hosts[index_]->config.breaker
             : nullptr;
}

void Selection::Record(Outcome outcome, absl::Duration latency) {
  if (!std::exchange(pending_, false)) return;
  selector_->Complete(*this, true, latency, outcome);
}

void Selection::Record(Outcome outcome) {
  if (!pending_) return;
  Record(outcome, selector_->clock_.MonotonicNow() - start());
}

void Selection::ReleasePending() {
  pending_ = false;
  selector_->Complete(*this, false, absl::ZeroDuration(), Outcome::kIgnored);
}

// ---- UpstreamSelector ------------------------------------------------------------

absl::Status UpstreamSelector::Validate(const Options& options) {
  if (options.decay <= absl::ZeroDuration() || options.decay > absl::Hours(24)) {
    return absl::InvalidArgumentError("decay must be in (0, 24h]");
  }
  if (options.initial_latency < absl::ZeroDuration() || options.initial_latency > absl::Hours(1)) {
    return absl::InvalidArgumentError("initial_latency must be in [0, 1h]");
  }
  if (options.error_penalty < absl::ZeroDuration() || options.error_penalty > absl::Hours(1)) {
    return absl::InvalidArgumentError("error_penalty must be in [0, 1h]");
  }
  if (options.outlier_detection) return OutlierDetector::Validate(options.outlier);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<UpstreamSelector>> UpstreamSelector::Create(
    std::vector<UpstreamHost> primary, std::vector<UpstreamHost> backup, Options options,
    Clock& clock) {
  if (primary.empty()) return absl::InvalidArgumentError("the primary pool is empty");
  if (primary.size() > kMaxPoolHosts || backup.size() > kMaxPoolHosts) {
    return absl::InvalidArgumentError("a pool has more than 65536 hosts");
  }
  absl::Status s = Validate(options);
  if (!s.ok()) return s;
  return std::unique_ptr<UpstreamSelector>(
      new UpstreamSelector(std::move(primary), std::move(backup), std::move(options), clock));
}

UpstreamSelector::UpstreamSelector(std::vector<UpstreamHost> primary,
                                   std::vector<UpstreamHost> backup, Options options, Clock& clock)
    : options_(std::move(options)), clock_(clock) {
  decay_ns_ = static_cast<double>(absl::ToInt64Nanoseconds(options_.decay));
  random_ = options_.random;
  const int64_t now_ns = absl::ToUnixNanos(clock_.MonotonicNow());
  if (random_ == nullptr) {
    own_random_ = std::make_unique<SplitMix64>(
        static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this)) ^ static_cast<uint64_t>(now_ns));
    random_ = own_random_.get();
  }
  std::vector<UpstreamHost>* lists[2] = {&primary, &backup};
  const double initial = static_cast<double>(absl::ToInt64Nanoseconds(options_.initial_latency));
  for (size_t p = 0; p < 2; ++p) {
    for (UpstreamHost& h : *lists[p]) {
      pools_[p].hosts.push_back(std::make_unique<HostState>(std::move(h), initial));
      pools_[p].hosts.back()->stamp_ns.store(now_ns, std::memory_order_relaxed);
    }
    if (options_.outlier_detection && !pools_[p].hosts.empty()) {
      // Create validated the options and the pool size: this cannot fail.
      absl::StatusOr<std::unique_ptr<OutlierDetector>> d =
          OutlierDetector::Create(pools_[p].hosts.size(), options_.outlier, clock_);
      EDGEKIT_DCHECK(d.ok());
      if (d.ok()) pools_[p].outliers = *std::move(d);
    }
  }
}

UpstreamSelector::~UpstreamSelector() = default;

Selection UpstreamSelector::Pick(absl::Time now) {
  const int64_t now_ns = absl::ToUnixNanos(now);
  Selection s;
  s.start_ns_ = now_ns;
  for (size_t p = 0; p < 2; ++p) {
    PoolState& pool = pools_[p];
    if (pool.hosts.empty()) continue;
    const int64_t chosen = PickFrom(pool, now, now_ns);
    if (chosen < 0) continue;
    HostState& h = *pool.hosts[static_cast<size_t>(chosen)];
    h.in_flight.fetch_add(1, std::memory_order_relaxed);
    h.picks.fetch_add(1, std::memory_order_relaxed);
    (p == 0 ? picks_primary_ : picks_backup_).fetch_add(1, std::memory_order_relaxed);
    s.selector_ = this;
    s.pending_ = true;
    s.status_ = PickStatus::kOk;
    s.pool_ = static_cast<Pool>(p);
    s.index_ = static_cast<size_t>(chosen);
    return s;
  }
  no_healthy_.fetch_add(1, std::memory_order_relaxed);
  return s;
}

UpstreamHostStatus UpstreamSelector::host_status(Pool pool, size_t index, absl::Time now) const {
  const PoolState& p = Of(pool);
  const HostState& h = *p.hosts[index];
  UpstreamHostStatus s;
  s.latency_estimate_ms = EstimateNs(h, absl::ToUnixNanos(now)) / 1e6;
  s.in_flight = h.in_flight.load(std::memory_order_relaxed);
  s.ejected = p.outliers != nullptr && p.outliers->IsEjected(index, now);
  s.breaker_allows = h.config.breaker == nullptr || h.config.breaker->AllowsRequests(now);
  s.picks = h.picks.load(std::memory_order_relaxed);
  s.errors = h.errors.load(std::memory_order_relaxed);
  return s;
}

UpstreamSelectorCounters UpstreamSelector::counters() const {
  UpstreamSelectorCounters c;
  c.picks_primary = picks_primary_.load(std::memory_order_relaxed);
  c.picks_backup = picks_backup_.load(std::memory_order_relaxed);
  c.no_healthy_host = no_healthy_.load(std::memory_order_relaxed);
  return c;
}

void UpstreamSelector::VisitMetrics(MetricsVisitor& v) const {
  const UpstreamSelectorCounters c = counters();
  for (Pool pool : {Pool::kPrimary, Pool::kBackup}) {
    const MetricLabel l[] = {{"pool", ToString(pool)}};
    VisitSample(v, "edgekit_breaker_upstream_picks_total",
                "Hosts picked, by pool (backup picks are failovers)", MetricType::kCounter,
                static_cast<double>(pool == Pool::kPrimary ? c.picks_primary : c.picks_backup), l);
  }
  VisitSample(v, "edgekit_breaker_upstream_no_healthy_host_total",
              "Picks that found no healthy host in either pool", MetricType::kCounter,
              static_cast<double>(c.no_healthy_host));
  for (Pool pool : {Pool::kPrimary, Pool::kBackup}) {
    const OutlierDetector* d = Of(pool).outliers.get();
    if (d == nullptr) continue;
    const MetricLabel l[] = {{"pool", ToString(pool)}};
    LabelingVisitor labeled(v, l);
    d->VisitMetrics(labeled);
  }
}

// The estimate decayed toward zero since the last sample.
double UpstreamSelector::EstimateNs(const HostState& h, int64_t now_ns) const {
  const double ewma = h.ewma_ns.load(std::memory_order_relaxed);
  const int64_t dt = now_ns - h.stamp_ns.load(std::memory_order_relaxed);
  if (dt <= 0) return ewma;
  return ewma * std::exp(-static_cast<double>(dt) / decay_ns_);
}

double UpstreamSelector::Cost(const HostState& h, int64_t now_ns) const {
  const int32_t in_flight = std::max(h.in_flight.load(std::memory_order_relaxed), 0);
  return EstimateNs(h, now_ns) * static_cast<double>(in_flight + 1);
}

bool UpstreamSelector::Healthy(const PoolState& pool, size_t i, absl::Time now) const {
  if (pool.outliers != nullptr && pool.outliers->IsEjected(i, now)) return false;
  CircuitBreaker* b = pool.hosts[i]->config.breaker;
  return b == nullptr || b->AllowsRequests(now);
}

// A random healthy host other than `exclude` (-1: none), or -1.
int64_t UpstreamSelector::RandomHealthy(const PoolState& pool, absl::Time now, int64_t exclude) {
  const size_t n = pool.hosts.size();
  for (int attempt = 0; attempt < 4; ++attempt) {
    const size_t i = static_cast<size_t>(ToRange(random_->Next(), n));
    if (static_cast<int64_t>(i) != exclude && Healthy(pool, i, now)) {
      return static_cast<int64_t>(i);
    }
  }
  // Mostly unhealthy pool: choose uniformly among the healthy ones.
  size_t healthy = 0;
  for (size_t i = 0; i < n; ++i) {
    healthy += static_cast<int64_t>(i) != exclude && Healthy(pool, i, now) ? 1 : 0;
  }
  if (healthy == 0) return -1;
  size_t k = static_cast<size_t>(ToRange(random_->Next(), healthy));
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<int64_t>(i) == exclude || !Healthy(pool, i, now)) continue;
    if (k-- == 0) return static_cast<int64_t>(i);
  }
  return -1;  // health changed during the scan
}

int64_t UpstreamSelector::PickFrom(PoolState& pool, absl::Time now, int64_t now_ns) {
  const int64_t a = RandomHealthy(pool, now, -1);
  if (a < 0) return -1;
  if (pool.hosts.size() == 1) return a;
  const int64_t b = RandomHealthy(pool, now, a);
  if (b < 0) return a;
  const double ca = Cost(*pool.hosts[static_cast<size_t>(a)], now_ns);
  const double cb = Cost(*pool.hosts[static_cast<size_t>(b)], now_ns);
  return cb < ca ? b : a;
}

void UpstreamSelector::Complete(const Selection& s, bool recorded, absl::Duration latency,
                                Outcome outcome) {
  PoolState& pool = pools_[static_cast<size_t>(s.pool_)];
  HostState& h = *pool.hosts[s.index_];
  if (recorded) {
    const int64_t lat_ns = std::max<int64_t>(absl::ToInt64Nanoseconds(latency), 0);
    const int64_t end_ns = s.start_ns_ + lat_ns;
    double sample = static_cast<double>(lat_ns);
    if (outcome == Outcome::kFailure) {
      sample =
          std::max(sample, static_cast<double>(absl::ToInt64Nanoseconds(options_.error_penalty)));
      h.errors.fetch_add(1, std::memory_order_relaxed);
    }
    {
      MutexLock lock(&h.update_mu);
      const double ewma = h.ewma_ns.load(std::memory_order_relaxed);
      const int64_t stamp = h.stamp_ns.load(std::memory_order_relaxed);
      double next;
      if (sample > ewma) {
        next = sample;  // peak: a slow sample takes over at once
      } else {
        const double dt = static_cast<double>(std::max<int64_t>(end_ns - stamp, 0));
        const double w = std::exp(-dt / decay_ns_);
        next = ewma * w + sample * (1.0 - w);
      }
      h.ewma_ns.store(next, std::memory_order_relaxed);
      h.stamp_ns.store(std::max(stamp, end_ns), std::memory_order_relaxed);
    }
    if (pool.outliers != nullptr) {
      pool.outliers->RecordResult(s.index_, outcome, absl::FromUnixNanos(end_ns));
    }
  }
  h.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END
