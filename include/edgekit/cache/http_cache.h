// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_cache.h
// -----------------------------------------------------------------------------
// `edgekit::cache::HttpCache`: an RFC 9111 *shared* HTTP cache engine. The host
// does all I/O; the cache decides (storable? fresh? revalidate? collapse?),
// stores responses through a `CacheStore` (store.h: memory, disk or tiered)
// and counts what it did. It also implements RFC 9213 targeted cache control
// (`CDN-Cache-Control`), RFC 9211 `Cache-Status`, RFC 5861
// `stale-while-revalidate` / `stale-if-error`, surrogate-key purge, request
// collapsing (through edgekit::coalesce), byte ranges (range.h) and
// probabilistic early expiration (XFetch).
//
// The flow, for every request the host wants to answer through the cache:
//
//   cache::CacheRequest req{method, effective_request_uri, request_headers};
//   cache::LookupResult r = cache->Lookup(req);
//   switch (r.action) {
//     case cache::LookupAction::kServeFresh:
//     case cache::LookupAction::kServeStale:
//       // status r.response->status, fields r.ForEachField(...), body
//       // cache::BodyReader(r.response->body) (it may still be filling)
//       break;
//     case cache::LookupAction::kServeStaleAndRevalidate:
//       // serve as above; in the background, with r.ticket moved along, send
//       // the request plus r.ConditionalHeaders() upstream and store the
//       // answer with BeginStore / Store.
//       break;
//     case cache::LookupAction::kRevalidate:   // conditional fetch first
//     case cache::LookupAction::kFetch:        // miss (r.ticket may lead)
//     case cache::LookupAction::kBypass: {     // not cacheable here
//       // add r.ConditionalHeaders() (empty unless kRevalidate), forward;
//       // when the origin's fields arrive:
//       cache::StoreResult s = cache->BeginStore(req, status, fields, t0, t1,
//                                                &r.ticket);
//       // send s.status and s.ForEachField(...); then the body: for kStored
//       // feed each origin chunk to s.writer.Append() while sending it, and
//       // s.writer.Commit() at the end (Abort() if the origin fails);
//       // kUpdated / kServeStale: send s.response's stored body; otherwise
//       // pass the origin's body through.
//       break;
//     }
//     case cache::LookupAction::kWaitForLeader:
//       // Threaded host: r.ticket.Wait(timeout); event loop:
//       // r.ticket.OnReady(callback). Then cache->Resume(req, r.ticket) gives
//       // a new LookupResult (a collapsed hit, possibly still filling, or
//       // kFetch).
//       break;
//     case cache::LookupAction::kGatewayTimeout:  // only-if-cached
//       // 504 with Cache-Status: r.cache_status
//       break;
//   }
//
// What the cache expects of the host:
//   * `CacheRequest::uri` is the absolute effective request URI
//     (`scheme://authority/path?query`, RFC 9110 §7.1). The cache key is that
//     URI with scheme and host lower-cased; the method is GET (a HEAD request
//     is answered from the stored GET response). A URI whose authority is
//     not valid (http::IsValidAuthority; a "#" before the path counts as part
//     of it), or a request with a Host field that is not a valid authority or
//     with more than one, has no key: Lookup answers kBypass and nothing is
//     stored, so a Host pasted into the URI (`h/echo`, `h#`) can never make
//     the key of another URI.
//   * Times are wall-clock `absl::Time`s (`Clock::SystemNow()`):
//     `request_time` is when the request to the origin was sent,
//     `response_time` when its response was received (RFC 9111 §4.2.3).
//   * Hop-by-hop field stripping on the wire is the host's job; the cache in
//     addition never stores `Connection`-listed or hop-by-hop fields.
//
// Thread-safety: `HttpCache` is thread-safe. A lookup takes one store shard
// lock; purge-by-tag and purge-all visit each shard in turn. Tickets and
// writers are move-only and thread-compatible. User callbacks are never
// invoked while an internal lock is held.
//
// The full semantics (RFC sections, bounds, counters) are in docs/cache.md.
//
// Errors: setup (`Create`) returns `absl::Status` (kInvalidArgument for bad
// options). Hot-path calls never fail: they return decisions (enums) and never
// throw.

#ifndef EDGEKIT_CACHE_HTTP_CACHE_H_
#define EDGEKIT_CACHE_HTTP_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/cache/body.h"
#include "edgekit/cache/options.h"
#include "edgekit/cache/results.h"
#include "edgekit/cache/store.h"
#include "edgekit/cache/stored_response.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

// One request as the host received it. Views: the host's storage must outlive
// the call.
struct CacheRequest {
  std::string_view method;  // "GET", "HEAD", ... (case-sensitive, RFC 9110)
  std::string_view uri;     // absolute effective request URI
  http::HeaderView headers;
};

class EDGEKIT_API HttpCache {
 public:
  // Errors: kInvalidArgument naming the field for every option outside its
  // documented range (options.h). `clock` must outlive the cache.
  static absl::StatusOr<std::unique_ptr<HttpCache>> Create(HttpCacheOptions options,
                                                           Clock& clock = RealClock::Get());

  ~HttpCache();
  HttpCache(const HttpCache&) = delete;
  HttpCache& operator=(const HttpCache&) = delete;

  // Decides how to answer `request` at wall-clock `now` (RFC 9111 §4). The
  // overload without `now` reads the clock.
  [[nodiscard]] LookupResult Lookup(const CacheRequest& request, absl::Time now);
  [[nodiscard]] LookupResult Lookup(const CacheRequest& request);

  // After a follower's wait ended (any outcome): serves the leader's stored
  // response (collapsed hit; it may still be filling) when it matches the
  // request; if the leader's origin request failed, serves the stale
  // response when stale-if-error allows (kServeStale, collapsed); otherwise
  // returns kFetch with a role-less ticket (fetch without collapsing).
  [[nodiscard]] LookupResult Resume(const CacheRequest& request, CollapseTicket& ticket,
                                    absl::Time now);
  [[nodiscard]] LookupResult Resume(const CacheRequest& request, CollapseTicket& ticket);

  // Takes the origin's answer to `request` (forwarded after any Lookup
  // decision, or on its own) when its fields arrive, before its body:
  //   * unsafe method (not GET/HEAD/OPTIONS/TRACE) with a 2xx/3xx status:
  //     invalidates the URI and same-origin Location/Content-Location (§4.4);
  //   * 304: freshens the selected stored response (§4.3.3, §4.3.4);
  //   * HEAD: updates the stored GET response if compatible (§4.3.5);
  //   * 500/502/503/504 while a stale entry exists: serves it if
  //     stale-if-error allows (RFC 5861 §4) → kServeStale;
  //   * otherwise opens a streamed insert when RFC 9111 §3 allows (kStored,
  //     `writer` open). A Content-Length over `max_object_bytes` is refused
  //     here (kTooLarge); without one, the insert is abandoned mid-stream.
  // `ticket` (may be null) is the one Lookup returned: a leader/revalidator
  // ticket is completed here, so followers (and new requests) read the
  // object as it fills. Never fails.
  StoreResult BeginStore(const CacheRequest& request, int status, const http::HeaderView& headers,
                         absl::Time request_time, absl::Time response_time,
                         CollapseTicket* ticket = nullptr);

  // BeginStore with the whole body at once (appended and committed before
  // returning; followers are released after the commit).
  StoreResult Store(const CacheRequest& request, int status, const http::HeaderView& headers,
                    std::string body, absl::Time request_time, absl::Time response_time,
                    CollapseTicket* ticket = nullptr);

  // The origin could not be reached (connect error, timeout...), or answered
  // with `status` (5xx). Serves the stored stale response when stale-if-error
  // allows (kServeStale), else kBypass (forward the error / a 502/504).
  // Completes `ticket` like Store().
  [[nodiscard]] LookupResult OnOriginError(const CacheRequest& request, absl::Time now,
                                           CollapseTicket* ticket = nullptr,
                                           std::optional<int> status = {});

  // Purges. Return the number of stored responses affected. kHard removes;
  // kSoft marks stale from `now` on (the next request revalidates, or gets
  // stale within its stale-* windows). Overloads without `now` read the clock.
  size_t PurgeUrl(std::string_view uri, PurgeMode mode, absl::Time now);
  size_t PurgeUrl(std::string_view uri, PurgeMode mode = PurgeMode::kHard);
  size_t PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now);
  size_t PurgeTag(std::string_view tag, PurgeMode mode = PurgeMode::kHard);
  size_t PurgeAll();

  [[nodiscard]] CacheCounters counters() const;
  // The counters as metrics `edgekit_cache_*` (edgekit/base/metrics.h).
  void VisitMetrics(MetricsVisitor& visitor) const;
  [[nodiscard]] const HttpCacheOptions& options() const { return options_; }
  [[nodiscard]] CacheStore& store() const;

  // The cache key for `uri` (scheme and host lower-cased); nullopt when the
  // URI is not absolute, its authority is not valid, or it is too long.
  [[nodiscard]] std::optional<std::string> KeyForUri(std::string_view uri) const;

  struct Impl;

 private:
  friend class CollapseTicket;
  friend class BodyWriter;
  // What Create builds and validates before the cache exists (private).
  struct Parts;
  HttpCache(HttpCacheOptions options, Clock& clock, Parts&& parts);
  StoreResult BeginStoreImpl(const CacheRequest& request, int status,
                             const http::HeaderView& headers, absl::Time request_time,
                             absl::Time response_time, CollapseTicket* ticket,
                             std::optional<uint64_t> body_length, bool release_at_begin);
  LookupResult StaleOnError(const CacheRequest& request, const StoreKey& key, absl::Time now,
                            const std::shared_ptr<const StoredResponse>& hint);
  StoreResult UpdateFromValidation(const CacheRequest& request, const StoreKey& key, int status,
                                   const http::HeaderView& headers, absl::Time request_time,
                                   absl::Time response_time, CollapseTicket* ticket,
                                   ForwardReason fwd);
  size_t InvalidateKey(std::string_view key);
  void PlanRangeFor(const CacheRequest& request, LookupResult* r) const;
  static void CompleteTicket(CollapseTicket* ticket, WaitOutcome outcome,
                             bool origin_failed = false, int origin_status = 0);

  HttpCacheOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_HTTP_CACHE_H_
