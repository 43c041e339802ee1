// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: upstream_selector.h
// -----------------------------------------------------------------------------
// `UpstreamSelector`: latency-aware choice of an upstream host, by
// power-of-two-choices over peak-EWMA latency with in-flight load (the
// algorithm of Finagle's and Linkerd's "p2c peak EWMA" balancers).
//
//   * Each pick draws two distinct healthy hosts at random and takes the one
//     with the lower cost = latency estimate * (in-flight + 1).
//   * The latency estimate is a peak-sensitive EWMA: a sample above the
//     estimate replaces it at once; a lower one is blended in with weight
//     1 - exp(-dt / decay). Between samples the estimate decays toward zero
//     with the same time constant, so a host that was penalised is retried
//     after a while instead of being starved forever.
//   * An error response is recorded as max(latency, error_penalty): fast
//     failures (an instant 503) do not attract traffic.
//   * Healthy means: its `CircuitBreaker` (optional, not owned) allows
//     requests (not open before its wait, not forced-open), and it is not
//     ejected by the pool's `OutlierDetector` (fed by `Selection::Report`).
//   * When the primary pool has no healthy host, the backup pool is used the
//     same way; when neither has one, `Pick` fails with kNoHealthyHost (the
//     host answers 503 or serves stale).
//
// Example:
//
//   std::vector<edgekit::breaker::UpstreamHost> primary = {
//       {"10.0.0.1:443", registry->Get("10.0.0.1:443").get()},
//       {"10.0.0.2:443", registry->Get("10.0.0.2:443").get()}};
//   auto selector = UpstreamSelector::Create(primary, /*backup=*/{}, {}).value();
//
//   edgekit::breaker::Selection s = selector->Pick();
//   if (!s) return Respond503();
//   Response r = Send(s.name(), request);
//   s.Report(r.latency, /*error=*/r.status >= 500);
//
// Thread-safety: `UpstreamSelector` is thread-safe; `Pick` does not lock or
// allocate (atomic loads, one random draw per candidate, one atomic add).
// A `Selection` is a move-only value for one thread at a time.
// Errors: `Create` returns kInvalidArgument for invalid options or pools
// (empty primary pool, more than kMaxPoolHosts hosts).

#ifndef EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_
#define EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/outlier_detector.h"
#include "edgekit/breaker/random.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

struct UpstreamHost {
  std::string name;
  // Optional; not owned; must outlive the selector. Open breakers are skipped.
  CircuitBreaker* breaker = nullptr;
};

enum class Pool : uint8_t { kPrimary = 0, kBackup = 1 };

enum class PickStatus : uint8_t {
  kOk = 0,
  kNoHealthyHost = 1,  // every host of both pools is open or ejected
};

inline std::string_view ToString(PickStatus s) {
  return s == PickStatus::kOk ? "ok" : "no-healthy-host";
}

struct UpstreamSelectorOptions {
  // Time constant of the EWMA and of its decay between samples (> 0).
  absl::Duration decay = absl::Seconds(10);
  // Estimate of a host before its first sample.
  absl::Duration initial_latency = absl::Milliseconds(10);
  // An error response counts as at least this latency (>= 0).
  absl::Duration error_penalty = absl::Seconds(1);
  // Outlier ejection per pool (false: only breakers decide health).
  bool outlier_detection = true;
  OutlierDetectorOptions outlier;
  // Random source of the two choices; nullptr: an internal SplitMix64 seeded
  // from the selector's address and the clock. If set, must outlive it.
  RandomSource* random = nullptr;
};

// Per-host view for monitoring and tests.
struct UpstreamHostStats {
  double latency_estimate_ms = 0;  // decayed to `now`
  int in_flight = 0;
  bool ejected = false;
  bool breaker_allows = true;
  uint64_t picks = 0;
  uint64_t errors = 0;
};

struct UpstreamSelectorCounters {
  uint64_t picks_primary = 0;
  uint64_t picks_backup = 0;  // failovers
  uint64_t no_healthy_host = 0;
};

class UpstreamSelector;

// One picked host. Report the response exactly once; a selection destroyed
// without a report only releases its in-flight count (no latency sample, no
// outlier record). IMPORTANT: the selector must outlive its selections.
// Thread-safety: thread-compatible.
class Selection {
 public:
  Selection() = default;
  Selection(Selection&& o) noexcept { MoveFrom(o); }
  Selection& operator=(Selection&& o) noexcept {
    if (this != &o) {
      Release();
      MoveFrom(o);
    }
    return *this;
  }
  Selection(const Selection&) = delete;
  Selection& operator=(const Selection&) = delete;
  ~Selection() { Release(); }

  [[nodiscard]] bool ok() const { return status_ == PickStatus::kOk; }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] PickStatus status() const { return status_; }
  [[nodiscard]] Pool pool() const { return pool_; }
  [[nodiscard]] size_t index() const { return index_; }
  // The host's name and breaker. Requires: ok().
  [[nodiscard]] const std::string& name() const;
  [[nodiscard]] CircuitBreaker* breaker() const;
  [[nodiscard]] absl::Time start() const { return absl::FromUnixNanos(start_ns_); }
  // True until the response is reported or the selection released.
  [[nodiscard]] bool pending() const { return pending_; }

  // Reports the response: its latency and whether it was an error. The end
  // time is start + latency.
  void Report(absl::Duration latency, bool error);
  // Reports a response that ended at the selector clock's now.
  void Report(bool error);

 private:
  friend class UpstreamSelector;
  void MoveFrom(Selection& o) {
    selector_ = o.selector_;
    pending_ = std::exchange(o.pending_, false);
    status_ = o.status_;
    pool_ = o.pool_;
    index_ = o.index_;
    start_ns_ = o.start_ns_;
  }
  void Release();
  static const std::string& EmptyName() {
    static const std::string empty;
    return empty;
  }

  UpstreamSelector* selector_ = nullptr;  // set when ok()
  bool pending_ = false;                  // a report is still due
  PickStatus status_ = PickStatus::kNoHealthyHost;
  Pool pool_ = Pool::kPrimary;
  size_t index_ = 0;
  int64_t start_ns_ = 0;
};

// See the file comment. Thread-safe.
class UpstreamSelector {
 public:
  using Options = UpstreamSelectorOptions;

  // Errors: kInvalidArgument for an empty primary pool, a pool above
  // kMaxPoolHosts, or invalid options.
  static absl::StatusOr<std::unique_ptr<UpstreamSelector>> Create(std::vector<UpstreamHost> primary,
                                                                  std::vector<UpstreamHost> backup,
                                                                  Options options,
                                                                  Clock& clock = RealClock::Get()) {
    if (primary.empty()) return absl::InvalidArgumentError("the primary pool is empty");
    if (primary.size() > kMaxPoolHosts || backup.size() > kMaxPoolHosts) {
      return absl::InvalidArgumentError("a pool has more than 65536 hosts");
    }
    if (options.decay <= absl::ZeroDuration() || options.decay > absl::Hours(24)) {
      return absl::InvalidArgumentError("decay must be in (0, 24h]");
    }
    if (options.initial_latency < absl::ZeroDuration() ||
        options.error_penalty < absl::ZeroDuration() || options.initial_latency > absl::Hours(1) ||
        options.error_penalty > absl::Hours(1)) {
      return absl::InvalidArgumentError("initial_latency and error_penalty must be in [0, 1h]");
    }
    if (options.outlier_detection) {
      absl::Status s = OutlierDetector::Validate(options.outlier);
      if (!s.ok()) return s;
    }
    return std::unique_ptr<UpstreamSelector>(
        new UpstreamSelector(std::move(primary), std::move(backup), std::move(options), clock));
  }

  UpstreamSelector(const UpstreamSelector&) = delete;
  UpstreamSelector& operator=(const UpstreamSelector&) = delete;

  // Picks a host at `now`, from the primary pool or, if it has no healthy
  // host, from the backup pool. Lock-free, no allocation.
  [[nodiscard]] Selection Pick(absl::Time now) {
    const int64_t now_ns = absl::ToUnixNanos(now);
    Selection s;
    s.start_ns_ = now_ns;
    for (int p = 0; p < 2; ++p) {
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
  [[nodiscard]] Selection Pick() { return Pick(clock_.MonotonicNow()); }

  [[nodiscard]] size_t size(Pool pool) const { return Of(pool).hosts.size(); }
  [[nodiscard]] const UpstreamHost& host(Pool pool, size_t index) const {
    return Of(pool).hosts[index]->config;
  }
  // The pool's outlier detector; nullptr when outlier_detection is off or
  // the pool is empty.
  [[nodiscard]] OutlierDetector* outlier_detector(Pool pool) const {
    return Of(pool).outliers.get();
  }

  [[nodiscard]] UpstreamHostStats stats(Pool pool, size_t index, absl::Time now) const {
    const PoolState& p = Of(pool);
    const HostState& h = *p.hosts[index];
    UpstreamHostStats s;
    s.latency_estimate_ms = EstimateNs(h, absl::ToUnixNanos(now)) / 1e6;
    s.in_flight = h.in_flight.load(std::memory_order_relaxed);
    s.ejected = p.outliers != nullptr && p.outliers->IsEjected(index, now);
    s.breaker_allows = h.config.breaker == nullptr || h.config.breaker->AllowsRequests(now);
    s.picks = h.picks.load(std::memory_order_relaxed);
    s.errors = h.errors.load(std::memory_order_relaxed);
    return s;
  }

  [[nodiscard]] UpstreamSelectorCounters counters() const {
    UpstreamSelectorCounters c;
    c.picks_primary = picks_primary_.load(std::memory_order_relaxed);
    c.picks_backup = picks_backup_.load(std::memory_order_relaxed);
    c.no_healthy_host = no_healthy_.load(std::memory_order_relaxed);
    return c;
  }

 private:
  friend class Selection;

  struct alignas(64) HostState {
    explicit HostState(UpstreamHost c, double initial_ns) : config(std::move(c)) {
      ewma_ns.store(initial_ns, std::memory_order_relaxed);
    }
    const UpstreamHost config;
    std::atomic<double> ewma_ns{0};
    std::atomic<int64_t> stamp_ns{0};  // time of the last sample
    std::atomic<int32_t> in_flight{0};
    std::atomic<uint64_t> picks{0};
    std::atomic<uint64_t> errors{0};
    Mutex update_mu;  // serializes the read-modify-write of ewma/stamp
  };
  struct PoolState {
    std::vector<std::unique_ptr<HostState>> hosts;
    std::unique_ptr<OutlierDetector> outliers;
  };

  UpstreamSelector(std::vector<UpstreamHost> primary, std::vector<UpstreamHost> backup,
                   Options options, Clock& clock)
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
    for (int p = 0; p < 2; ++p) {
      for (UpstreamHost& h : *lists[p]) {
        pools_[p].hosts.push_back(std::make_unique<HostState>(std::move(h), initial));
        pools_[p].hosts.back()->stamp_ns.store(now_ns, std::memory_order_relaxed);
      }
      if (options_.outlier_detection && !pools_[p].hosts.empty()) {
        pools_[p].outliers =
            std::move(OutlierDetector::Create(pools_[p].hosts.size(), options_.outlier, clock_))
                .value();
      }
    }
  }

  const PoolState& Of(Pool p) const { return pools_[static_cast<int>(p)]; }

  // The estimate decayed toward zero since the last sample.
  double EstimateNs(const HostState& h, int64_t now_ns) const {
    const double ewma = h.ewma_ns.load(std::memory_order_relaxed);
    const int64_t dt = now_ns - h.stamp_ns.load(std::memory_order_relaxed);
    if (dt <= 0) return ewma;
    return ewma * std::exp(-static_cast<double>(dt) / decay_ns_);
  }

  double Cost(const HostState& h, int64_t now_ns) const {
    const int32_t in_flight = std::max(h.in_flight.load(std::memory_order_relaxed), 0);
    return EstimateNs(h, now_ns) * static_cast<double>(in_flight + 1);
  }

  bool Healthy(const PoolState& pool, size_t i, absl::Time now) const {
    if (pool.outliers != nullptr && pool.outliers->IsEjected(i, now)) return false;
    CircuitBreaker* b = pool.hosts[i]->config.breaker;
    return b == nullptr || b->AllowsRequests(now);
  }

  // A random healthy host other than `exclude` (-1: none), or -1.
  int64_t RandomHealthy(const PoolState& pool, absl::Time now, int64_t exclude) {
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

  int64_t PickFrom(PoolState& pool, absl::Time now, int64_t now_ns) {
    const int64_t a = RandomHealthy(pool, now, -1);
    if (a < 0) return -1;
    if (pool.hosts.size() == 1) return a;
    const int64_t b = RandomHealthy(pool, now, a);
    if (b < 0) return a;
    const double ca = Cost(*pool.hosts[static_cast<size_t>(a)], now_ns);
    const double cb = Cost(*pool.hosts[static_cast<size_t>(b)], now_ns);
    return cb < ca ? b : a;
  }

  void Complete(const Selection& s, bool reported, absl::Duration latency, bool error) {
    PoolState& pool = pools_[static_cast<int>(s.pool_)];
    HostState& h = *pool.hosts[s.index_];
    if (reported) {
      const int64_t lat_ns = std::max<int64_t>(absl::ToInt64Nanoseconds(latency), 0);
      const int64_t end_ns = s.start_ns_ + lat_ns;
      double sample = static_cast<double>(lat_ns);
      if (error) {
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
        pool.outliers->RecordResult(s.index_, error, absl::FromUnixNanos(end_ns));
      }
    }
    h.in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

  const Options options_;
  Clock& clock_;
  double decay_ns_ = 1;
  RandomSource* random_ = nullptr;
  std::unique_ptr<SplitMix64> own_random_;
  PoolState pools_[2];
  std::atomic<uint64_t> picks_primary_{0};
  std::atomic<uint64_t> picks_backup_{0};
  std::atomic<uint64_t> no_healthy_{0};
};

// ---- Selection -----------------------------------------------------------------

inline const std::string& Selection::name() const {
  return selector_ != nullptr
             ? selector_->pools_[static_cast<int>(pool_)].hosts[index_]->config.name
             : EmptyName();
}

inline CircuitBreaker* Selection::breaker() const {
  return selector_ != nullptr
             ? selector_->pools_[static_cast<int>(pool_)].hosts[index_]->config.breaker
             : nullptr;
}

inline void Selection::Report(absl::Duration latency, bool error) {
  if (!std::exchange(pending_, false)) return;
  selector_->Complete(*this, true, latency, error);
}

inline void Selection::Report(bool error) {
  if (!pending_) return;
  Report(selector_->clock_.MonotonicNow() - start(), error);
}

inline void Selection::Release() {
  if (!std::exchange(pending_, false)) return;
  selector_->Complete(*this, false, absl::ZeroDuration(), false);
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_
