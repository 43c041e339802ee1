// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: breaker_registry.h
// -----------------------------------------------------------------------------
// `BreakerRegistry`: one `CircuitBreaker` per upstream name, created on first
// use from default options, in a table with a fixed bound.
//
// When the table is full a new name either evicts the least recently used
// breaker (`FullPolicy::kEvictLeastRecentlyUsed`, the default) or is refused
// (`FullPolicy::kReject`). An evicted breaker stays valid for whoever still
// holds its `shared_ptr` (permits keep working), but the registry forgets it:
// the next lookup of that name starts a fresh, closed breaker. Size the bound
// above the number of upstreams you really have so eviction only sheds
// garbage names (e.g. ones derived from user input).
//
// Example:
//
//   edgekit::breaker::BreakerRegistryOptions options;
//   options.max_breakers = 512;
//   options.defaults.failure_rate_threshold = 0.5;
//   options.defaults.observer = &my_observer;   // sees every breaker's changes
//   auto registry = BreakerRegistry::Create(options).value();
//   std::shared_ptr<CircuitBreaker> b = registry->Get("origin-eu");
//   if (b == nullptr) { ... }  // only with FullPolicy::kReject
//
// Hold the returned `shared_ptr` (or the raw pointer while it is held) on the
// hot path: a lookup takes the registry's lock; creation allocates.
//
// Metrics: `VisitMetrics` reports the registry's counters and every breaker's
// metrics with a `breaker="<name>"` label, so one call covers all upstreams.
//
// Thread-safety: thread-safe. Errors: `Create` and `GetOrCreate` return
// kInvalidArgument for invalid options; `GetOrCreate` returns
// kResourceExhausted when full under kReject.

#ifndef EDGEKIT_BREAKER_BREAKER_REGISTRY_H_
#define EDGEKIT_BREAKER_BREAKER_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/circuit_breaker.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

enum class FullPolicy : uint8_t {
  kEvictLeastRecentlyUsed = 0,
  kReject = 1,
};

// "evict_least_recently_used", "reject".
[[nodiscard]] EDGEKIT_API std::string_view ToString(FullPolicy policy);

// Options of a registry. `Create` rejects a value outside its range with
// kInvalidArgument naming the field.
struct BreakerRegistryOptions {
  // The bound: at most this many breakers, [1, 1000000].
  size_t max_breakers = 1024;
  FullPolicy when_full = FullPolicy::kEvictLeastRecentlyUsed;
  // Options of breakers created by `Get`; `name` is replaced by the key.
  CircuitBreakerOptions defaults;
};

struct BreakerRegistryCounters {
  uint64_t created = 0;
  uint64_t evicted = 0;
  uint64_t rejected_full = 0;  // lookups refused under kReject
  uint64_t removed = 0;
};

class EDGEKIT_API BreakerRegistry {
 public:
  using Options = BreakerRegistryOptions;

  // Errors: kInvalidArgument for a bound outside [1, 1000000] or invalid
  // `defaults` (see CircuitBreaker::Validate). `clock` must outlive the
  // registry and its breakers.
  static absl::StatusOr<std::unique_ptr<BreakerRegistry>> Create(Options options,
                                                                 Clock& clock = RealClock::Get());

  BreakerRegistry(const BreakerRegistry&) = delete;
  BreakerRegistry& operator=(const BreakerRegistry&) = delete;
  ~BreakerRegistry();

  // The breaker for `upstream`, created from `defaults` on first use. Returns
  // nullptr only when the table is full under FullPolicy::kReject.
  [[nodiscard]] std::shared_ptr<CircuitBreaker> Get(std::string_view upstream)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The breaker for `upstream`; if absent, created with `options` (its name
  // replaced by `upstream`). An existing breaker is returned unchanged.
  // Errors: kInvalidArgument (invalid options), kResourceExhausted (full
  // under kReject).
  [[nodiscard]] absl::StatusOr<std::shared_ptr<CircuitBreaker>> GetOrCreate(
      std::string_view upstream, const CircuitBreakerOptions& options) ABSL_LOCKS_EXCLUDED(mu_);

  // The breaker for `upstream` if the registry has it (marks it used).
  [[nodiscard]] std::shared_ptr<CircuitBreaker> Find(std::string_view upstream)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets `upstream`. Returns whether it was present.
  bool Remove(std::string_view upstream) ABSL_LOCKS_EXCLUDED(mu_);

  // Names from most to least recently used.
  [[nodiscard]] std::vector<std::string> Names() const ABSL_LOCKS_EXCLUDED(mu_);

  [[nodiscard]] size_t size() const ABSL_LOCKS_EXCLUDED(mu_);
  [[nodiscard]] size_t max_breakers() const { return options_.max_breakers; }

  [[nodiscard]] BreakerRegistryCounters counters() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reports (edgekit/base/metrics.h):
  //   edgekit_breaker_registry_breakers                    gauge
  //   edgekit_breaker_registry_created_total               counter
  //   edgekit_breaker_registry_evicted_total               counter
  //   edgekit_breaker_registry_rejected_total              counter (full, kReject)
  //   edgekit_breaker_registry_removed_total               counter
  // then every breaker's `CircuitBreaker::VisitMetrics` with `breaker="<name>"`.
  // Visits outside the registry's lock; allocates a list of the breakers.
  void VisitMetrics(MetricsVisitor& visitor) const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Table;

  BreakerRegistry(Options options, Clock& clock);
  absl::StatusOr<std::shared_ptr<CircuitBreaker>> Lookup(std::string_view upstream,
                                                         const CircuitBreakerOptions* options)
      ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  Clock& clock_;
  mutable Mutex mu_;
  std::unique_ptr<Table> table_ ABSL_PT_GUARDED_BY(mu_);
  BreakerRegistryCounters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_BREAKER_REGISTRY_H_
