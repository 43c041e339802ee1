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
//   options.defaults.listeners.push_back([](const StateChange& c) {
//     LOG(INFO) << c.breaker_name << " -> " << ToString(c.to);
//   });
//   auto registry = BreakerRegistry::Create(options).value();
//   std::shared_ptr<CircuitBreaker> b = registry->Get("origin-eu");
//   if (b == nullptr) { ... }  // only with FullPolicy::kReject
//
// Hold the returned `shared_ptr` (or the raw pointer while it is held) on the
// hot path: a lookup takes the registry's lock; creation allocates.
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
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/breaker/internal/lru_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

enum class FullPolicy : uint8_t {
  kEvictLeastRecentlyUsed = 0,
  kReject = 1,
};

struct BreakerRegistryOptions {
  // The bound: at most this many breakers (1..1,000,000).
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

class BreakerRegistry {
 public:
  using Options = BreakerRegistryOptions;

  // Errors: kInvalidArgument for a bound of 0 or above 1,000,000, or invalid
  // `defaults` (see CircuitBreaker::Validate). `clock` must outlive the
  // registry and its breakers.
  static absl::StatusOr<std::unique_ptr<BreakerRegistry>> Create(Options options,
                                                                 Clock& clock = RealClock::Get()) {
    if (options.max_breakers == 0 || options.max_breakers > 1000000) {
      return absl::InvalidArgumentError("max_breakers must be in [1, 1000000]");
    }
    absl::Status s = CircuitBreaker::Validate(options.defaults);
    if (!s.ok()) return s;
    return std::unique_ptr<BreakerRegistry>(new BreakerRegistry(std::move(options), clock));
  }

  BreakerRegistry(const BreakerRegistry&) = delete;
  BreakerRegistry& operator=(const BreakerRegistry&) = delete;

  // The breaker for `upstream`, created from `defaults` on first use. Returns
  // nullptr only when the table is full under FullPolicy::kReject.
  [[nodiscard]] std::shared_ptr<CircuitBreaker> Get(std::string_view upstream)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::StatusOr<std::shared_ptr<CircuitBreaker>> b = Lookup(upstream, nullptr);
    return b.ok() ? *std::move(b) : nullptr;
  }

  // The breaker for `upstream`; if absent, created with `options` (its name
  // replaced by `upstream`). An existing breaker is returned unchanged.
  // Errors: kInvalidArgument (invalid options), kResourceExhausted (full
  // under kReject).
  [[nodiscard]] absl::StatusOr<std::shared_ptr<CircuitBreaker>> GetOrCreate(
      std::string_view upstream, const CircuitBreakerOptions& options) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::Status s = CircuitBreaker::Validate(options);
    if (!s.ok()) return s;
    return Lookup(upstream, &options);
  }

  // The breaker for `upstream` if the registry has it (marks it used).
  [[nodiscard]] std::shared_ptr<CircuitBreaker> Find(std::string_view upstream)
      ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    std::shared_ptr<CircuitBreaker>* b = table_.Find(upstream);
    return b != nullptr ? *b : nullptr;
  }

  // Forgets `upstream`. Returns whether it was present.
  bool Remove(std::string_view upstream) ABSL_LOCKS_EXCLUDED(mu_) {
    std::shared_ptr<CircuitBreaker> doomed;  // destroyed outside the lock
    MutexLock lock(&mu_);
    std::shared_ptr<CircuitBreaker>* b = table_.Find(upstream);
    if (b == nullptr) return false;
    doomed = std::move(*b);
    table_.Erase(upstream);
    ++counters_.removed;
    return true;
  }

  // Names from most to least recently used.
  [[nodiscard]] std::vector<std::string> Names() const ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<std::string> names;
    MutexLock lock(&mu_);
    names.reserve(table_.size());
    table_.ForEach([&names](const std::string& k, const std::shared_ptr<CircuitBreaker>&) {
      names.push_back(k);
    });
    return names;
  }

  [[nodiscard]] size_t size() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return table_.size();
  }
  [[nodiscard]] size_t max_breakers() const { return options_.max_breakers; }

  [[nodiscard]] BreakerRegistryCounters counters() const ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return counters_;
  }

 private:
  BreakerRegistry(Options options, Clock& clock) : options_(std::move(options)), clock_(clock) {}

  absl::StatusOr<std::shared_ptr<CircuitBreaker>> Lookup(std::string_view upstream,
                                                         const CircuitBreakerOptions* options)
      ABSL_LOCKS_EXCLUDED(mu_) {
    std::shared_ptr<CircuitBreaker> evicted;  // destroyed outside the lock
    MutexLock lock(&mu_);
    if (std::shared_ptr<CircuitBreaker>* b = table_.Find(upstream)) return *b;
    if (table_.size() >= options_.max_breakers) {
      if (options_.when_full == FullPolicy::kReject) {
        ++counters_.rejected_full;
        return absl::ResourceExhaustedError("breaker registry is full");
      }
      std::string key;
      table_.PopLeastRecent(&key, &evicted);
      ++counters_.evicted;
    }
    CircuitBreakerOptions o = options != nullptr ? *options : options_.defaults;
    o.name = std::string(upstream);
    absl::StatusOr<std::unique_ptr<CircuitBreaker>> created =
        CircuitBreaker::Create(std::move(o), clock_);
    if (!created.ok()) return created.status();  // validated already: unreachable
    ++counters_.created;
    return *table_.Insert(std::string(upstream),
                          std::shared_ptr<CircuitBreaker>(*std::move(created)));
  }

  const Options options_;
  Clock& clock_;
  mutable Mutex mu_;
  breaker_internal::LruMap<std::shared_ptr<CircuitBreaker>> table_ ABSL_GUARDED_BY(mu_);
  BreakerRegistryCounters counters_ ABSL_GUARDED_BY(mu_);
};

}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_BREAKER_REGISTRY_H_
