// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: options.h
// -----------------------------------------------------------------------------
// Configuration of `edgekit::cache::HttpCache` (`HttpCacheOptions`), the
// enums its calls take (`SetCookiePolicy`, `PurgeMode`) and the observer a
// host implements to log what the cache did (`CacheObserver`: evictions,
// purges, store faults such as torn or corrupt files dropped).
//
// Example:
//
//   cache::HttpCacheOptions options;
//   options.max_bytes = size_t{1} << 30;
//   options.targeted_fields = {"CDN-Cache-Control", "Surrogate-Control"};
//   options.store = cache::TieredStore::Create(memory, disk);   // default: memory
//   auto c = cache::HttpCache::Create(options);
//
// Thread-safety: plain values. The observer must be thread-safe (it is called
// from the thread whose call caused the event, never under an internal lock)
// and must outlive the cache; so must `random`.

#ifndef EDGEKIT_CACHE_OPTIONS_H_
#define EDGEKIT_CACHE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/base/random.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

class CacheStore;

// Normalizes one request header field's (combined) value before Vary matching.
// Receives the value with list members joined by ", " (absent field: nullopt)
// and returns the canonical form to compare. Example: map Accept-Encoding to
// "br" / "gzip" / "identity" according to what the host can serve. Must be
// thread-safe and must not throw.
using VaryNormalizer = std::function<std::string(std::optional<std::string_view> value)>;

// What to do with responses that carry `Set-Cookie` (a shared cache must not
// hand one user's cookie to another).
enum class SetCookiePolicy {
  kStrip,      // store the response without its Set-Cookie fields (default)
  kDontStore,  // do not store such responses
  kStore,      // store them as they are (only for hosts that know better)
};
// "strip", "dont_store", "store".
[[nodiscard]] EDGEKIT_API std::string_view ToString(SetCookiePolicy policy);

// How a purge treats what it selects.
enum class PurgeMode : uint8_t {
  kHard,  // remove
  kSoft,  // mark stale from `now`: the next request revalidates, or is served
          // stale within the response's stale-* windows
};
// "hard", "soft".
[[nodiscard]] EDGEKIT_API std::string_view ToString(PurgeMode mode);

// Why a stored response left the store without a purge.
enum class EvictionReason : uint8_t {
  kBudget,        // the store's byte budget (S3-FIFO) made room
  kVariantLimit,  // more than `max_variants_per_key` variants
};
// "budget", "variant_limit".
[[nodiscard]] EDGEKIT_API std::string_view ToString(EvictionReason reason);

// Something a store could not do, or found broken.
enum class StoreFault : uint8_t {
  kTornFile,      // an object file was incomplete (a write that never finished)
  kCorruptFile,   // an object file failed its checksum or did not parse
  kReadError,     // reading stored bytes failed
  kWriteError,    // writing an object failed (its insert was abandoned)
  kOpenFiles,     // the bound on open files refused an insert
  kWriteBacklog,  // the bound on queued writes refused bytes (insert abandoned)
};
// "torn_file", "corrupt_file", "read_error", "write_error", "open_files",
// "write_backlog".
[[nodiscard]] EDGEKIT_API std::string_view ToString(StoreFault fault);

struct EvictionEvent {
  std::string_view key;  // the primary key (normalised URI)
  uint64_t bytes = 0;    // bytes released
  EvictionReason reason = EvictionReason::kBudget;
};

struct PurgeEvent {
  enum class Target : uint8_t { kUrl, kTag, kAll };
  Target target = Target::kUrl;
  std::string_view value;  // the URI or the tag; empty for kAll
  PurgeMode mode = PurgeMode::kHard;
  uint64_t affected = 0;  // stored responses removed or marked
};

struct StoreFaultEvent {
  StoreFault fault = StoreFault::kReadError;
  std::string_view detail;  // a file name, or the failing call
};

// Events a host logs. Default methods do nothing; override what you need.
// Called on the thread whose call caused the event, never under an internal
// lock; must not throw; must outlive the cache (and the stores it watches).
class CacheObserver {
 public:
  virtual ~CacheObserver() = default;
  virtual void OnEviction(const EvictionEvent& /*event*/) {}
  virtual void OnPurge(const PurgeEvent& /*event*/) {}
  virtual void OnStoreFault(const StoreFaultEvent& /*event*/) {}
};

// Configuration of `HttpCache`. `HttpCache::Create` rejects every value
// outside its documented range with kInvalidArgument naming the field.
struct HttpCacheOptions {
  // Storage. Null (default): a `MemoryStore` built from `max_bytes`,
  // `max_object_bytes` and `shard_count`. A store serves one cache.
  std::shared_ptr<CacheStore> store;
  // Byte budget of the default memory store: what the allocator holds for
  // keys, fields, bodies and the index. Never exceeded. Split across shards.
  // Range: > 0.
  size_t max_bytes = size_t{256} << 20;
  // Largest single object (fields + body + key); larger responses are not
  // stored, and a streamed insert passing it is abandoned mid-stream (the
  // client's stream continues uncached). Range: > 0.
  size_t max_object_bytes = size_t{8} << 20;
  // Shards of the default memory store (each with its own lock). Range:
  // 1..1024.
  int shard_count = 16;
  // Heuristic freshness (RFC 9111 §4.2.2): fraction of (Date - Last-Modified)
  // and its cap. Ranges: [0, 1]; >= 0.
  double heuristic_fraction = 0.1;
  absl::Duration heuristic_max = absl::Hours(24);
  // Targeted cache-control field honoured by this cache (RFC 9213). Empty:
  // none. Ignored when `targeted_fields` is not empty.
  std::string targeted_field = "CDN-Cache-Control";
  // Targeted cache-control fields in order of precedence, e.g.
  // {"CDN-Cache-Control", "Surrogate-Control"}: the first one present and
  // valid replaces Cache-Control for this cache's decisions (RFC 9213 §2.1;
  // Cache-Control is still stored and passed on). "Surrogate-Control" (any
  // case) is read as Edge Architecture 1.0 (see surrogate_control.h), every
  // other name as an RFC 9213 Dictionary. Empty: `{targeted_field}` (or none
  // when that is empty).
  std::vector<std::string> targeted_fields;
  // Device token this cache answers to in Surrogate-Control targeting
  // (`max-age=60;token`); the host advertises it upstream in
  // `Surrogate-Capability: token="Surrogate/1.0"`. Empty: `cache_name`.
  std::string surrogate_device_token;
  // Surrogate-key fields: space-separated tags (Surrogate-Key) or
  // comma-separated (Cache-Tag); both separators are accepted in each.
  std::vector<std::string> surrogate_key_fields = {"Surrogate-Key", "Cache-Tag"};
  // Remove the surrogate-key fields from responses served by the cache.
  bool strip_surrogate_keys = true;
  // The cache's name in Cache-Status (RFC 9211 §2). Non-empty.
  std::string cache_name = "edgekit";
  SetCookiePolicy set_cookie = SetCookiePolicy::kStrip;
  // Per-field Vary normalizers, by field name (case-insensitive). Fields
  // without one are compared after whitespace/case normalization.
  std::vector<std::pair<std::string, VaryNormalizer>> vary_normalizers;

  // Bounds against hostile input. Ranges: > 0.
  size_t max_key_bytes = 8192;        // longer URIs bypass the cache
  size_t max_vary_fields = 16;        // more Vary fields → not stored
  size_t max_variants_per_key = 16;   // oldest variant replaced beyond
  size_t max_tags_per_response = 64;  // extra tags ignored
  size_t max_tag_bytes = 256;         // longer tags ignored

  // Request collapsing (misses and blocking revalidations), through
  // edgekit::coalesce.
  bool collapse = true;
  // Followers per key; beyond, kFetch without collapsing. Range: > 0.
  size_t max_waiters_per_key = 100000;
  // Keys with a fetch/revalidation in flight; beyond, requests fetch without
  // collapsing and stale-while-revalidate serves stale without handing out a
  // refresh ticket. Range: > 0.
  size_t max_inflight_keys = 65536;
  // Informational wait bound for hosts (the proxy uses it for its timer);
  // `CollapseTicket::Wait` takes its own. Range: >= 0.
  absl::Duration default_wait_timeout = absl::Seconds(10);

  // Probabilistic early expiration (XFetch): a fresh hit is turned into a
  // background refresh (kServeStaleAndRevalidate) when
  //   -delta * beta * ln(u) >= ttl,  u uniform in (0, 1],
  // delta = response_time - request_time of the stored entry. Off by default.
  // No draw is made while ttl > 37 * delta * beta (no draw could trigger).
  // beta range: > 0.
  bool early_expiration = false;
  double early_expiration_beta = 1.0;
  // Random source for XFetch (edgekit/base/random.h); null: a private
  // SplitMix64 seeded once per cache. Must outlive the cache.
  RandomSource* random = nullptr;

  // Events (evictions, purges, store faults). Null: none. Must outlive the
  // cache.
  CacheObserver* observer = nullptr;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_OPTIONS_H_
