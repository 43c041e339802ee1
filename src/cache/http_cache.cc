// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// HttpCache: construction, counters and metrics, purges, labels (see
// edgekit/cache/http_cache.h). Lookups are in lookup.cc, stores in
// storing.cc, serving in serving.cc.
#include "edgekit/cache/http_cache.h"

#include <atomic>
#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cache/cache_status_writer.h"
#include "cache/engine.h"
#include "cache/key.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/memory_store.h"
#include "edgekit/http/cache_status.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

namespace {

// Stripes are leased to threads: a thread's first lookup takes one, and its
// exit gives it back for the next new thread. Without the give-back, a host
// that keeps creating threads (a thread per connection, a pool that grows
// and shrinks) would run out of private stripes after 63 threads, and every
// later thread would count with atomic adds and read shards under their
// mutex for good.
class StripePool {
 public:
  static StripePool& Get() {
    // Never destroyed: threads may exit after static destruction began.
    static StripePool* const pool = new StripePool;
    return *pool;
  }
  size_t Take() {
    {
      MutexLock lock(&mu_);
      if (free_count_ > 0) return free_[--free_count_];
    }
    // Sequentially consistent with StripesInUse: a writer that scans the
    // reader slots before a new thread takes its stripe is seen by that
    // thread's first read (reader_slots.h). A stripe from the free list is
    // below the count already.
    const size_t n = handed_out_.fetch_add(1, std::memory_order_seq_cst);
    return n < kSharedStripe ? n : kSharedStripe;
  }
  // Everything the leaving thread wrote through its stripe happens before
  // the next taker's first use (the mutex).
  void GiveBack(size_t stripe) {
    if (stripe >= kSharedStripe) return;
    MutexLock lock(&mu_);
    assert(free_count_ < kSharedStripe);  // each private stripe is out at most once
    free_[free_count_++] = stripe;
  }
  size_t HandedOut() const { return handed_out_.load(std::memory_order_seq_cst); }

 private:
  Mutex mu_;
  size_t free_[kSharedStripe] ABSL_GUARDED_BY(mu_) = {};
  size_t free_count_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<size_t> handed_out_{0};
};

constexpr size_t kNoStripe = ~size_t{0};
// Trivially destructible, so valid for the whole life of the thread: after
// the lease is given back it names the shared stripe, which stays correct
// for a lookup made from a later thread-exit destructor.
thread_local size_t t_stripe = kNoStripe;

// (A thread whose first lookup runs in a pthread key's destructor, after
// its thread_local destructors ran, never gives its stripe back: one stripe
// fewer for good, still correct. A child of fork() must not look up while
// another thread of the parent held the pool's mutex.)
struct StripeLease {
  ~StripeLease() {
    StripePool::Get().GiveBack(t_stripe);
    t_stripe = kSharedStripe;
  }
};

ABSL_ATTRIBUTE_NOINLINE size_t LeaseStripe() {
  thread_local StripeLease lease;  // gives the stripe back at thread exit
  (void)lease;
  t_stripe = StripePool::Get().Take();
  return t_stripe;
}

}  // namespace

size_t ThreadStripe() {
  const size_t s = t_stripe;
  return ABSL_PREDICT_TRUE(s != kNoStripe) ? s : LeaseStripe();
}

size_t StripesInUse() { return StripePool::Get().HandedOut(); }

bool IsSafeMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE";
}

bool IsHopByHop(std::string_view name) {
  // RFC 9110 §7.6.1 connection-specific fields (plus the legacy
  // Proxy-Connection); Connection-listed fields are handled separately.
  static constexpr std::string_view kHop[] = {"connection", "keep-alive", "proxy-connection",
                                              "te",         "trailer",    "transfer-encoding",
                                              "upgrade"};
  for (std::string_view h : kHop) {
    if (http::EqualsIgnoreCase(name, h)) return true;
  }
  return false;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

bool ContainsIgnoreCase(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (http::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

RequestFields ScanRequest(const http::HeaderView& headers) {
  RequestFields f;
  headers.ForEachField([&f](const http::HeaderField& h) {
    switch (h.name.size()) {
      case 4:
        if (http::EqualsIgnoreCase(h.name, "host") && f.host.count++ == 0) f.host.value = h.value;
        break;
      case 5:
        f.range |= http::EqualsIgnoreCase(h.name, "range");
        break;
      case 6:
        f.pragma |= http::EqualsIgnoreCase(h.name, "pragma");
        break;
      case 13:
        f.cache_control |= http::EqualsIgnoreCase(h.name, "cache-control");
        f.conditional |= http::EqualsIgnoreCase(h.name, "if-none-match");
        break;
      case 17:
        f.conditional |= http::EqualsIgnoreCase(h.name, "if-modified-since");
        break;
      default:
        break;
    }
  });
  return f;
}

http::CacheControl RequestDirectives(const http::HeaderView& headers, const RequestFields& f) {
  if (!f.cache_control && !f.pragma) return {};
  if (f.cache_control) return http::ParseCacheControl(headers, "Cache-Control");
  http::CacheControl cc;
  headers.ForEachListMember("Pragma", [&](std::string_view m) {
    if (http::EqualsIgnoreCase(m, "no-cache")) cc.no_cache = true;
  });
  return cc;
}

http::CacheControl RequestDirectives(const http::HeaderView& headers) {
  return RequestDirectives(headers, ScanRequest(headers));
}

int64_t TruncSeconds(absl::Duration d) {
  return absl::ToInt64Seconds(absl::Trunc(d, absl::Seconds(1)));
}

void FormatAgeInto(absl::Duration age, cache::InlineString* out) {
  FormatAgeInto(absl::ToInt64Nanoseconds(age), out);
}

}  // namespace cache_internal

namespace cache {

using cache_internal::Inc;

// -----------------------------------------------------------------------------
// Labels
// -----------------------------------------------------------------------------

std::string_view ToString(LookupAction a) {
  switch (a) {
    case LookupAction::kServeFresh:
      return "serve_fresh";
    case LookupAction::kServeStale:
      return "serve_stale";
    case LookupAction::kServeStaleAndRevalidate:
      return "serve_stale_and_revalidate";
    case LookupAction::kRevalidate:
      return "revalidate";
    case LookupAction::kFetch:
      return "fetch";
    case LookupAction::kWaitForLeader:
      return "wait_for_leader";
    case LookupAction::kBypass:
      return "bypass";
    case LookupAction::kGatewayTimeout:
      return "gateway_timeout";
  }
  return "unknown";
}

std::string_view ToString(ForwardReason r) {
  switch (r) {
    case ForwardReason::kNone:
      return "none";
    case ForwardReason::kBypass:
      return "bypass";
    case ForwardReason::kMethod:
      return "method";
    case ForwardReason::kUriMiss:
      return "uri_miss";
    case ForwardReason::kVaryMiss:
      return "vary_miss";
    case ForwardReason::kMiss:
      return "miss";
    case ForwardReason::kRequest:
      return "request";
    case ForwardReason::kStale:
      return "stale";
  }
  return "unknown";
}

std::string_view ToString(NotStoredReason r) {
  switch (r) {
    case NotStoredReason::kNone:
      return "none";
    case NotStoredReason::kMethod:
      return "method";
    case NotStoredReason::kStatus:
      return "status";
    case NotStoredReason::kNoStore:
      return "no_store";
    case NotStoredReason::kRequestNoStore:
      return "request_no_store";
    case NotStoredReason::kPrivate:
      return "private";
    case NotStoredReason::kAuthorization:
      return "authorization";
    case NotStoredReason::kNotCacheable:
      return "not_cacheable";
    case NotStoredReason::kNoFreshnessOrValidator:
      return "no_freshness_or_validator";
    case NotStoredReason::kVaryStar:
      return "vary_star";
    case NotStoredReason::kTooManyVaryFields:
      return "too_many_vary_fields";
    case NotStoredReason::kSetCookie:
      return "set_cookie";
    case NotStoredReason::kTooLarge:
      return "too_large";
    case NotStoredReason::kKeyTooLong:
      return "bad_key";
    case NotStoredReason::kNoMatchingStored:
      return "no_matching_stored";
    case NotStoredReason::kError:
      return "error";
  }
  return "unknown";
}

std::string_view ToString(WaitOutcome o) {
  switch (o) {
    case WaitOutcome::kReady:
      return "ready";
    case WaitOutcome::kFetchYourself:
      return "fetch_yourself";
    case WaitOutcome::kTimeout:
      return "timeout";
    case WaitOutcome::kNotAFollower:
      return "not_a_follower";
  }
  return "unknown";
}

std::string_view ToString(StoreOutcome o) {
  switch (o) {
    case StoreOutcome::kStored:
      return "stored";
    case StoreOutcome::kUpdated:
      return "updated";
    case StoreOutcome::kNotStored:
      return "not_stored";
    case StoreOutcome::kServeStale:
      return "serve_stale";
    case StoreOutcome::kInvalidated:
      return "invalidated";
  }
  return "unknown";
}

std::string_view ToString(SetCookiePolicy p) {
  switch (p) {
    case SetCookiePolicy::kStrip:
      return "strip";
    case SetCookiePolicy::kDontStore:
      return "dont_store";
    case SetCookiePolicy::kStore:
      return "store";
  }
  return "unknown";
}

std::string_view ToString(PurgeMode m) { return m == PurgeMode::kSoft ? "soft" : "hard"; }

std::string_view ToString(EvictionReason r) {
  return r == EvictionReason::kVariantLimit ? "variant_limit" : "budget";
}

std::string_view ToString(StoreFault f) {
  switch (f) {
    case StoreFault::kTornFile:
      return "torn_file";
    case StoreFault::kCorruptFile:
      return "corrupt_file";
    case StoreFault::kReadError:
      return "read_error";
    case StoreFault::kWriteError:
      return "write_error";
    case StoreFault::kOpenFiles:
      return "open_files";
    case StoreFault::kWriteBacklog:
      return "write_backlog";
  }
  return "unknown";
}

// -----------------------------------------------------------------------------
// Impl
// -----------------------------------------------------------------------------

namespace {

coalesce::GroupOptions FlightOptions(const HttpCacheOptions& o) {
  coalesce::GroupOptions f;
  f.max_flights = o.max_inflight_keys;
  f.max_waiters_per_flight = o.max_waiters_per_key;
  f.on_too_many_waiters = coalesce::OverflowPolicy::kRunDirect;
  f.on_table_full = coalesce::OverflowPolicy::kRunDirect;
  f.default_wait_timeout = absl::InfiniteDuration();  // tickets time out themselves
  return f;
}

// Counts a purge and tells the observer; returns what it affected.
size_t Purged(std::atomic<uint64_t>& purges, CacheObserver* observer, const PurgeEvent& event) {
  Inc(purges, event.affected);
  if (observer != nullptr) observer->OnPurge(event);
  return static_cast<size_t>(event.affected);
}

}  // namespace

HttpCache::Impl::Impl(const HttpCacheOptions& o, Clock& clk,
                      std::unique_ptr<cache_internal::FlightGroup> flight_group,
                      std::shared_ptr<CacheStore> default_store)
    : opts(o),
      clock(clk),
      store(o.store != nullptr ? o.store : std::move(default_store)),
      vary(o.vary_normalizers),
      flights(std::move(flight_group)),
      own_random(reinterpret_cast<uintptr_t>(this) ^
                 static_cast<uint64_t>(absl::ToUnixNanos(clk.SystemNow()))),
      random(o.random != nullptr ? o.random : &own_random) {
  store->SetListener(this);
  // The hit member differs only by its ttl: format it once.
  http::CacheStatusEntry e;
  e.cache_name = o.cache_name;
  e.hit = true;
  e.ttl_seconds = 0;
  hit_prefix = http::FormatCacheStatus(e);
  if (hit_prefix.size() >= 2 && hit_prefix.compare(hit_prefix.size() - 2, 2, "=0") == 0) {
    hit_prefix.pop_back();
  } else {
    hit_prefix.clear();
  }
  if (hit_prefix.size() <= sizeof(hit_prefix_block)) {
    std::memcpy(hit_prefix_block, hit_prefix.data(), hit_prefix.size());
  }
}

HttpCache::Impl::~Impl() { store->SetListener(nullptr); }

void HttpCache::Impl::OnEvicted(std::string_view key, uint64_t bytes, EvictionReason reason) {
  Inc(c.evictions);
  if (opts.observer != nullptr) opts.observer->OnEviction(EvictionEvent{key, bytes, reason});
}

void HttpCache::Impl::OnFault(StoreFault fault, std::string_view detail) {
  Inc(c.store_faults);
  if (opts.observer != nullptr) opts.observer->OnStoreFault(StoreFaultEvent{fault, detail});
}

void HttpCache::Impl::HitStatus(int64_t ttl, InlineString* out) const {
  if (hit_prefix.empty()) {
    *out = cache_internal::CacheStatusWriter(opts.cache_name).Hit(ttl);
    return;
  }
  if (cache_internal::InlineStringAccess::AssignBlockAndNumber(out, hit_prefix_block,
                                                               hit_prefix.size(), ttl)) {
    return;
  }
  out->assign(hit_prefix, absl::StrCat(ttl));
}

double HttpCache::Impl::Random() const { return 1.0 - ToUnitInterval(random->Next()); }

void HttpCache::Impl::CountNotStored(NotStoredReason why) {
  Inc(c.not_stored);
  Inc(c.not_stored_by_reason[static_cast<int>(why) & 15]);
}

// -----------------------------------------------------------------------------
// HttpCache
// -----------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<HttpCache>> HttpCache::Create(HttpCacheOptions options,
                                                             Clock& clock) {
  if (options.max_bytes == 0) return absl::InvalidArgumentError("max_bytes must be > 0");
  if (options.max_object_bytes == 0) {
    return absl::InvalidArgumentError("max_object_bytes must be > 0");
  }
  if (options.shard_count < 1 || options.shard_count > 1024) {
    return absl::InvalidArgumentError("shard_count must be in [1, 1024]");
  }
  if (!(options.heuristic_fraction >= 0.0 && options.heuristic_fraction <= 1.0)) {
    return absl::InvalidArgumentError("heuristic_fraction must be in [0, 1]");
  }
  if (options.heuristic_max < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("heuristic_max must be >= 0");
  }
  if (options.default_wait_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("default_wait_timeout must be >= 0");
  }
  if (!(options.early_expiration_beta > 0.0)) {
    return absl::InvalidArgumentError("early_expiration_beta must be > 0");
  }
  if (options.cache_name.empty()) return absl::InvalidArgumentError("cache_name must be set");
  if (options.max_key_bytes == 0) return absl::InvalidArgumentError("max_key_bytes must be > 0");
  if (options.max_vary_fields == 0) {
    return absl::InvalidArgumentError("max_vary_fields must be > 0");
  }
  if (options.max_variants_per_key == 0) {
    return absl::InvalidArgumentError("max_variants_per_key must be > 0");
  }
  if (options.max_tags_per_response == 0 || options.max_tag_bytes == 0) {
    return absl::InvalidArgumentError("max_tags_per_response and max_tag_bytes must be > 0");
  }
  if (options.max_waiters_per_key == 0) {
    return absl::InvalidArgumentError("max_waiters_per_key must be > 0");
  }
  if (options.max_inflight_keys == 0) {
    return absl::InvalidArgumentError("max_inflight_keys must be > 0");
  }
  absl::StatusOr<std::unique_ptr<cache_internal::FlightGroup>> flights =
      cache_internal::FlightGroup::Create(FlightOptions(options), clock);
  if (!flights.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_inflight_keys / max_waiters_per_key: ", flights.status().message()));
  }
  std::shared_ptr<CacheStore> default_store;
  if (options.store == nullptr) {
    MemoryStoreOptions mo;
    mo.max_bytes = options.max_bytes;
    mo.max_object_bytes = options.max_object_bytes;
    mo.shard_count = options.shard_count;
    absl::StatusOr<std::unique_ptr<MemoryStore>> made = MemoryStore::Create(mo);
    if (!made.ok()) return made.status();
    default_store = *std::move(made);
  }
  Parts parts{*std::move(flights), std::move(default_store)};
  return std::unique_ptr<HttpCache>(new HttpCache(std::move(options), clock, std::move(parts)));
}

HttpCache::HttpCache(HttpCacheOptions options, Clock& clock, Parts&& parts)
    : options_(std::move(options)),
      impl_(std::make_unique<Impl>(options_, clock, std::move(parts.flights),
                                   std::move(parts.default_store))) {}

HttpCache::~HttpCache() = default;

CacheStore& HttpCache::store() const { return *impl_->store; }

std::optional<std::string> HttpCache::KeyForUri(std::string_view uri) const {
  std::string storage;
  std::optional<std::string_view> key =
      cache_internal::KeyOf(uri, options_.max_key_bytes, &storage);
  if (!key) return std::nullopt;
  return std::string(*key);
}

CacheCounters HttpCache::counters() const {
  const cache_internal::Counters& c = impl_->c;
  auto L = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  CacheCounters s;
  s.lookups = c.hot.lookups();
  s.hits = c.hot.hits();
  s.stale_served = L(c.stale_served);
  s.misses_uri = L(c.misses_uri);
  s.misses_vary = L(c.misses_vary);
  s.misses_stale = L(c.misses_stale);
  s.misses_request = L(c.misses_request);
  s.bypasses = L(c.bypasses);
  s.gateway_timeouts = L(c.gateway_timeouts);
  s.revalidations = L(c.revalidations);
  s.revalidated_304 = L(c.revalidated_304);
  s.stores = L(c.stores);
  s.not_stored = L(c.not_stored);
  for (int i = 0; i < 16; ++i) s.not_stored_by_reason[i] = L(c.not_stored_by_reason[i]);
  s.invalidations = L(c.invalidations);
  s.evictions = L(c.evictions);
  s.purges = L(c.purges);
  const StoreUsage u = impl_->store->usage();
  s.bytes = u.bytes;
  s.entries = u.entries;
  s.collapsed_waiters = L(c.collapsed_waiters);
  s.collapsed_hits = L(c.collapsed_hits);
  s.wait_timeouts = L(c.wait_timeouts);
  s.waiter_limit_hits = L(c.waiter_limit_hits);
  s.early_refreshes = L(c.early_refreshes);
  s.aborted_inserts = L(c.aborted_inserts);
  s.store_faults = L(c.store_faults);
  return s;
}

void HttpCache::VisitMetrics(MetricsVisitor& visitor) const {
  const CacheCounters c = counters();
  auto counter = [&](std::string_view name, std::string_view help, uint64_t v,
                     absl::Span<const MetricLabel> labels = {}) {
    VisitSample(visitor, name, help, MetricType::kCounter, static_cast<double>(v), labels);
  };
  auto gauge = [&](std::string_view name, std::string_view help, uint64_t v) {
    VisitSample(visitor, name, help, MetricType::kGauge, static_cast<double>(v));
  };
  counter("edgekit_cache_lookups_total", "Lookups", c.lookups);
  counter("edgekit_cache_hits_total", "Fresh hits, collapsed ones included", c.hits);
  counter("edgekit_cache_stale_served_total", "Stale responses served", c.stale_served);
  const std::pair<ForwardReason, uint64_t> misses[] = {{ForwardReason::kUriMiss, c.misses_uri},
                                                       {ForwardReason::kVaryMiss, c.misses_vary},
                                                       {ForwardReason::kStale, c.misses_stale},
                                                       {ForwardReason::kRequest, c.misses_request}};
  for (const auto& [reason, n] : misses) {
    const MetricLabel label{"reason", ToString(reason)};
    counter("edgekit_cache_misses_total", "Requests forwarded, by reason", n,
            absl::MakeConstSpan(&label, 1));
  }
  counter("edgekit_cache_bypasses_total", "Requests the cache could not help", c.bypasses);
  counter("edgekit_cache_gateway_timeouts_total", "only-if-cached answered 504",
          c.gateway_timeouts);
  counter("edgekit_cache_revalidations_total", "Conditional requests started", c.revalidations);
  counter("edgekit_cache_revalidated_304_total", "304s that freshened a stored response",
          c.revalidated_304);
  counter("edgekit_cache_stores_total", "Responses stored", c.stores);
  for (int i = 1; i < 16; ++i) {
    const MetricLabel label{"reason", ToString(static_cast<NotStoredReason>(i))};
    counter("edgekit_cache_not_stored_total", "Responses not stored, by reason",
            c.not_stored_by_reason[i], absl::MakeConstSpan(&label, 1));
  }
  counter("edgekit_cache_invalidations_total", "Stored responses invalidated (RFC 9111 4.4)",
          c.invalidations);
  counter("edgekit_cache_evictions_total", "Stored responses evicted", c.evictions);
  counter("edgekit_cache_purges_total", "Stored responses purged or marked stale", c.purges);
  counter("edgekit_cache_collapsed_waiters_total", "Requests that waited for a leader",
          c.collapsed_waiters);
  counter("edgekit_cache_collapsed_hits_total", "Followers served the leader's response",
          c.collapsed_hits);
  counter("edgekit_cache_wait_timeouts_total", "Follower waits that timed out", c.wait_timeouts);
  counter("edgekit_cache_waiter_limit_hits_total", "Requests over the per-key waiter bound",
          c.waiter_limit_hits);
  counter("edgekit_cache_early_refreshes_total", "XFetch refreshes handed out", c.early_refreshes);
  counter("edgekit_cache_aborted_inserts_total", "Streamed inserts abandoned or aborted",
          c.aborted_inserts);
  counter("edgekit_cache_store_faults_total", "Store I/O errors and torn or corrupt files dropped",
          c.store_faults);
  gauge("edgekit_cache_bytes", "Bytes the store charges against its budget", c.bytes);
  gauge("edgekit_cache_entries", "Stored responses", c.entries);
}

// -----------------------------------------------------------------------------
// Purge
// -----------------------------------------------------------------------------

size_t HttpCache::PurgeUrl(std::string_view uri, PurgeMode mode, absl::Time now) {
  std::string storage;
  std::optional<std::string_view> key =
      cache_internal::KeyOf(uri, options_.max_key_bytes, &storage);
  if (!key) return 0;
  const size_t n = impl_->store->Purge(MakeStoreKey(*key), mode, now);
  return Purged(impl_->c.purges, options_.observer,
                PurgeEvent{PurgeEvent::Target::kUrl, uri, mode, n});
}

size_t HttpCache::PurgeUrl(std::string_view uri, PurgeMode mode) {
  return PurgeUrl(uri, mode, impl_->clock.SystemNow());
}

size_t HttpCache::PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) {
  const size_t n = impl_->store->PurgeTag(tag, mode, now);
  return Purged(impl_->c.purges, options_.observer,
                PurgeEvent{PurgeEvent::Target::kTag, tag, mode, n});
}

size_t HttpCache::PurgeTag(std::string_view tag, PurgeMode mode) {
  return PurgeTag(tag, mode, impl_->clock.SystemNow());
}

size_t HttpCache::PurgeAll() {
  const size_t n = impl_->store->PurgeAll();
  return Purged(impl_->c.purges, options_.observer,
                PurgeEvent{PurgeEvent::Target::kAll, {}, PurgeMode::kHard, n});
}

size_t HttpCache::InvalidateKey(std::string_view key) {
  const size_t n = impl_->store->Remove(MakeStoreKey(key), nullptr);
  Inc(impl_->c.invalidations, n);
  return n;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
