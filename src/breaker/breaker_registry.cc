// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/breaker/breaker_registry.h"

#include <utility>

#include "breaker/lru_map.h"
#include "edgekit/base/metrics_text.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {

std::string_view ToString(FullPolicy policy) {
  switch (policy) {
    case FullPolicy::kEvictLeastRecentlyUsed:
      return "evict_least_recently_used";
    case FullPolicy::kReject:
      return "reject";
  }
  return "unknown";
}

struct BreakerRegistry::Table {
  breaker_internal::LruMap<std::shared_ptr<CircuitBreaker>> map;
};

absl::StatusOr<std::unique_ptr<BreakerRegistry>> BreakerRegistry::Create(Options options,
                                                                         Clock& clock) {
  if (options.max_breakers == 0 || options.max_breakers > 1000000) {
    return absl::InvalidArgumentError("max_breakers must be in [1, 1000000]");
  }
  absl::Status s = CircuitBreaker::Validate(options.defaults);
  if (!s.ok()) return s;
  return std::unique_ptr<BreakerRegistry>(new BreakerRegistry(std::move(options), clock));
}

BreakerRegistry::BreakerRegistry(Options options, Clock& clock)
    : options_(std::move(options)), clock_(clock), table_(std::make_unique<Table>()) {}

BreakerRegistry::~BreakerRegistry() = default;

std::shared_ptr<CircuitBreaker> BreakerRegistry::Get(std::string_view upstream) {
  absl::StatusOr<std::shared_ptr<CircuitBreaker>> b = Lookup(upstream, nullptr);
  return b.ok() ? *std::move(b) : nullptr;
}

absl::StatusOr<std::shared_ptr<CircuitBreaker>> BreakerRegistry::GetOrCreate(
    std::string_view upstream, const CircuitBreakerOptions& options) {
  absl::Status s = CircuitBreaker::Validate(options);
  if (!s.ok()) return s;
  return Lookup(upstream, &options);
}

std::shared_ptr<CircuitBreaker> BreakerRegistry::Find(std::string_view upstream) {
  MutexLock lock(&mu_);
  std::shared_ptr<CircuitBreaker>* b = table_->map.Find(upstream);
  return b != nullptr ? *b : nullptr;
}

bool BreakerRegistry::Remove(std::string_view upstream) {
  std::shared_ptr<CircuitBreaker> doomed;  // destroyed outside the lock
  MutexLock lock(&mu_);
  std::shared_ptr<CircuitBreaker>* b = table_->map.Find(upstream);
  if (b == nullptr) return false;
  doomed = std::move(*b);
  table_->map.Erase(upstream);
  ++counters_.removed;
  return true;
}

std::vector<std::string> BreakerRegistry::Names() const {
  std::vector<std::string> names;
  MutexLock lock(&mu_);
  names.reserve(table_->map.size());
  table_->map.ForEach([&names](const std::string& k, const std::shared_ptr<CircuitBreaker>&) {
    names.push_back(k);
  });
  return names;
}

size_t BreakerRegistry::size() const {
  MutexLock lock(&mu_);
  return table_->map.size();
}

BreakerRegistryCounters BreakerRegistry::counters() const {
  MutexLock lock(&mu_);
  return counters_;
}

void BreakerRegistry::VisitMetrics(MetricsVisitor& v) const {
  std::vector<std::shared_ptr<CircuitBreaker>> breakers;
  BreakerRegistryCounters c;
  {
    MutexLock lock(&mu_);
    c = counters_;
    breakers.reserve(table_->map.size());
    table_->map.ForEach([&breakers](const std::string&, const std::shared_ptr<CircuitBreaker>& b) {
      breakers.push_back(b);
    });
  }
  VisitSample(v, "edgekit_breaker_registry_breakers", "Breakers in the registry",
              MetricType::kGauge, static_cast<double>(breakers.size()));
  VisitSample(v, "edgekit_breaker_registry_created_total", "Breakers created", MetricType::kCounter,
              static_cast<double>(c.created));
  VisitSample(v, "edgekit_breaker_registry_evicted_total",
              "Breakers evicted to stay within max_breakers", MetricType::kCounter,
              static_cast<double>(c.evicted));
  VisitSample(v, "edgekit_breaker_registry_rejected_total",
              "Lookups refused because the registry was full", MetricType::kCounter,
              static_cast<double>(c.rejected_full));
  VisitSample(v, "edgekit_breaker_registry_removed_total", "Breakers removed by Remove()",
              MetricType::kCounter, static_cast<double>(c.removed));
  for (const std::shared_ptr<CircuitBreaker>& b : breakers) {
    const MetricLabel l[] = {{"breaker", b->name()}};
    LabelingVisitor labeled(v, l);
    b->VisitMetrics(labeled);
  }
}

absl::StatusOr<std::shared_ptr<CircuitBreaker>> BreakerRegistry::Lookup(
    std::string_view upstream, const CircuitBreakerOptions* options) {
  std::shared_ptr<CircuitBreaker> evicted;  // destroyed outside the lock
  MutexLock lock(&mu_);
  if (std::shared_ptr<CircuitBreaker>* b = table_->map.Find(upstream)) return *b;
  if (table_->map.size() >= options_.max_breakers) {
    if (options_.when_full == FullPolicy::kReject) {
      ++counters_.rejected_full;
      return absl::ResourceExhaustedError("breaker registry is full");
    }
    std::string key;
    table_->map.PopLeastRecent(&key, &evicted);
    ++counters_.evicted;
  }
  CircuitBreakerOptions o = options != nullptr ? *options : options_.defaults;
  o.name = std::string(upstream);
  absl::StatusOr<std::unique_ptr<CircuitBreaker>> created =
      CircuitBreaker::Create(std::move(o), clock_);
  if (!created.ok()) return created.status();  // validated already: unreachable
  ++counters_.created;
  return *table_->map.Insert(std::string(upstream),
                             std::shared_ptr<CircuitBreaker>(*std::move(created)));
}

}  // namespace breaker
EDGEKIT_NAMESPACE_END
