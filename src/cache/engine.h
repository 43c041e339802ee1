// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: engine.h
// -----------------------------------------------------------------------------
// Private: `HttpCache::Impl`, the state the cache's .cc files share (the
// store, Vary rules, the coalesce flight group, counters, the hit's
// Cache-Status prefix), and helpers used across them.
// Thread-safety: thread-safe (immutable after construction, atomics, the
// store and the flight group are thread-safe themselves).

#ifndef EDGEKIT_SRC_CACHE_ENGINE_H_
#define EDGEKIT_SRC_CACHE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cache/collapse.h"
#include "cache/counters.h"
#include "cache/key.h"
#include "cache/vary.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/random.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/http/cache_control.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

struct HttpCache::Parts {
  std::unique_ptr<cache_internal::FlightGroup> flights;
  std::shared_ptr<CacheStore> default_store;  // used when options.store is null
};

struct HttpCache::Impl final : public StoreListener {
  // `flight_group` and `default_store` (used when `o.store` is null) are
  // built and validated by HttpCache::Create.
  Impl(const HttpCacheOptions& o, Clock& clk,
       std::unique_ptr<cache_internal::FlightGroup> flight_group,
       std::shared_ptr<CacheStore> default_store);
  ~Impl();

  // StoreListener
  void OnEvicted(std::string_view key, uint64_t bytes, EvictionReason reason) override;
  void OnFault(StoreFault fault, std::string_view detail) override;

  // This cache's "hit; ttl=N" member, formatted in place.
  void HitStatus(int64_t ttl, InlineString* out) const;
  // Uniform in (0, 1] (XFetch).
  double Random() const;
  void CountNotStored(NotStoredReason why);

  const HttpCacheOptions& opts;
  Clock& clock;
  std::shared_ptr<CacheStore> store;
  cache_internal::VaryRules vary;
  std::unique_ptr<cache_internal::FlightGroup> flights;
  mutable SplitMix64 own_random;
  RandomSource* random;
  std::string hit_prefix;
  std::atomic<uint64_t> generation{0};
  mutable cache_internal::Counters c;
};

}  // namespace cache

namespace cache_internal {

bool IsSafeMethod(std::string_view m);
bool IsHopByHop(std::string_view name);
std::string Lower(std::string_view s);
bool ContainsIgnoreCase(const std::vector<std::string>& names, std::string_view name);

// Which request fields a lookup reads are present (one pass).
struct RequestFields {
  bool cache_control = false;
  bool pragma = false;
  bool conditional = false;  // If-None-Match or If-Modified-Since
  bool range = false;        // Range (or If-Range)
  HostFields host;
};
RequestFields ScanRequest(const http::HeaderView& headers);
// The request's cache directives: Cache-Control, or Pragma: no-cache when
// there is no Cache-Control (RFC 9111 §5.4).
http::CacheControl RequestDirectives(const http::HeaderView& headers, const RequestFields& f);
http::CacheControl RequestDirectives(const http::HeaderView& headers);

// RFC 9111 §4.2.3 current_age and §4.2 freshness of a stored variant at `now`
// (integer nanoseconds, saturated).
struct Timing {
  absl::Duration age;
  absl::Duration staleness;  // > 0 when stale (>= 0 at the boundary: stale)
  int64_t age_ns;
  int64_t staleness_ns;
  bool fresh;
};
Timing TimingOf(const cache::StoredResponse& r, absl::Time stale_from, absl::Time now);
// ttl for Cache-Status: -staleness in whole seconds, truncated toward zero.
int64_t TtlSeconds(const Timing& t);
int64_t TruncSeconds(absl::Duration d);
// Writes the Age value of `age` (whole seconds, RFC 9111 §5.1) into `out`.
void FormatAgeInto(absl::Duration age, cache::InlineString* out);
void FormatAgeInto(int64_t age_ns, cache::InlineString* out);

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_ENGINE_H_
