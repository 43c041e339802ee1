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
//     ejected by the pool's `OutlierDetector` (fed by `Selection::Record`).
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
//   s.Record(r.status >= 500 ? Outcome::kFailure : Outcome::kSuccess, r.latency);
//
// Thread-safety: `UpstreamSelector` is thread-safe; `Pick` does not lock or
// allocate (atomic loads, one random draw per candidate, one atomic add).
// A `Selection` is a move-only value for one thread at a time.
// Errors: `Create` returns kInvalidArgument for invalid options or pools
// (empty primary pool, more than kMaxPoolHosts hosts).

#ifndef EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_
#define EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_

#include <atomic>
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
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/base/random.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/outlier_detector.h"

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

// "primary", "backup"; "ok", "no_healthy_host".
[[nodiscard]] EDGEKIT_API std::string_view ToString(Pool pool);
[[nodiscard]] EDGEKIT_API std::string_view ToString(PickStatus status);

// Options of a selector. `Create` rejects a value outside its range with
// kInvalidArgument naming the field.
struct UpstreamSelectorOptions {
  // Time constant of the EWMA and of its decay between samples, (0, 24h].
  absl::Duration decay = absl::Seconds(10);
  // Estimate of a host before its first sample, [0, 1h].
  absl::Duration initial_latency = absl::Milliseconds(10);
  // A failure counts as at least this latency, [0, 1h].
  absl::Duration error_penalty = absl::Seconds(1);
  // Outlier ejection per pool (false: only breakers decide health).
  bool outlier_detection = true;
  OutlierDetectorOptions outlier;  // `outlier.observer` sees both pools' detectors
  // Random source of the two choices (edgekit/base/random.h); nullptr: a
  // private SplitMix64 seeded once from the selector's address and the
  // clock. If set, must outlive the selector.
  RandomSource* random = nullptr;
};

// Per-host view for monitoring and tests.
struct UpstreamHostStatus {
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

// One picked host. Record the response exactly once; a selection destroyed
// without a record only releases its in-flight count (no latency sample, no
// outlier record). IMPORTANT: the selector must outlive its selections.
// Thread-safety: thread-compatible.
class EDGEKIT_API Selection {
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
  // True until the response is recorded or the selection released.
  [[nodiscard]] bool pending() const { return pending_; }

  // Records the response: kFailure counts as at least `error_penalty` and
  // feeds the outlier detector as an error; kIgnored gives a latency sample
  // only. The end time is start + latency.
  void Record(Outcome outcome, absl::Duration latency);
  // Records a response that ended at the selector clock's now.
  void Record(Outcome outcome);

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
  void Release() {
    if (pending_) ReleasePending();
  }
  void ReleasePending();

  UpstreamSelector* selector_ = nullptr;  // set when ok()
  bool pending_ = false;                  // a record is still due
  PickStatus status_ = PickStatus::kNoHealthyHost;
  Pool pool_ = Pool::kPrimary;
  size_t index_ = 0;
  int64_t start_ns_ = 0;
};

// See the file comment. Thread-safe.
class EDGEKIT_API UpstreamSelector {
 public:
  using Options = UpstreamSelectorOptions;

  // Returns kInvalidArgument naming the first invalid option, else OK.
  static absl::Status Validate(const Options& options);

  // Errors: kInvalidArgument for an empty primary pool, a pool above
  // kMaxPoolHosts, or invalid options.
  static absl::StatusOr<std::unique_ptr<UpstreamSelector>> Create(std::vector<UpstreamHost> primary,
                                                                  std::vector<UpstreamHost> backup,
                                                                  Options options,
                                                                  Clock& clock = RealClock::Get());

  UpstreamSelector(const UpstreamSelector&) = delete;
  UpstreamSelector& operator=(const UpstreamSelector&) = delete;
  ~UpstreamSelector();

  // Picks a host at `now`, from the primary pool or, if it has no healthy
  // host, from the backup pool. Lock-free, no allocation.
  [[nodiscard]] Selection Pick(absl::Time now);
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

  [[nodiscard]] UpstreamHostStatus host_status(Pool pool, size_t index, absl::Time now) const;
  [[nodiscard]] UpstreamHostStatus host_status(Pool pool, size_t index) const {
    return host_status(pool, index, clock_.MonotonicNow());
  }

  [[nodiscard]] UpstreamSelectorCounters counters() const;

  // Reports (edgekit/base/metrics.h):
  //   edgekit_breaker_upstream_picks_total{pool}          counter
  //   edgekit_breaker_upstream_no_healthy_host_total      counter
  // and each pool's OutlierDetector metrics with a `pool` label.
  void VisitMetrics(MetricsVisitor& visitor) const;

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
                   Options options, Clock& clock);

  const PoolState& Of(Pool p) const { return pools_[static_cast<size_t>(p)]; }
  double EstimateNs(const HostState& h, int64_t now_ns) const;
  double Cost(const HostState& h, int64_t now_ns) const;
  bool Healthy(const PoolState& pool, size_t i, absl::Time now) const;
  int64_t RandomHealthy(const PoolState& pool, absl::Time now, int64_t exclude);
  int64_t PickFrom(PoolState& pool, absl::Time now, int64_t now_ns);
  void Complete(const Selection& s, bool recorded, absl::Duration latency, Outcome outcome);

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

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_UPSTREAM_SELECTOR_H_
