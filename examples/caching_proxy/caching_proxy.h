// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: caching_proxy.h
// -----------------------------------------------------------------------------
// `CachingProxy`: an HTTP/1.1 shared caching reverse proxy in front of one
// origin, built on `edgekit::cache::HttpCache` (through `ProxyCache`, the one
// place that calls the cache). Every request goes through the cache:
//
//   Lookup ─┬─ fresh / stale allowed ───────────▶ serve (Age, Cache-Status)
//           ├─ stale-while-revalidate ──────────▶ serve, and revalidate in
//           │                                     the background (one per key)
//           ├─ revalidate ─▶ conditional fetch ─▶ Store (304 merged) ─▶ serve
//           ├─ miss / bypass ─▶ fetch ──────────▶ Store ─▶ serve
//           ├─ wait for leader ─▶ (async) ──────▶ Resume ─▶ one of the above
//           └─ only-if-cached, nothing usable ──▶ 504
//
// The cache key is built only from a valid authority (the Host field or the
// absolute-form target, checked by the server and again here with
// edgekit::http::IsValidAuthority). Interim 1xx responses of the origin are
// forwarded to the client that caused the fetch (RFC 9110 §15.2). Origin
// unreachable → a stored stale response when no directive forbids it (RFC 9111
// §4.2.4, bounded by `stale_on_error`), else 502 / 504 with a clear body.
// Unsafe methods are forwarded and then invalidate (RFC 9111 §4.4, done by
// Store). The admin endpoint (`/.edgekit/...`, off unless a token is
// configured; on the main listener or on its own) purges by URL, by
// surrogate key (hard or soft), or everything, and exports counters as
// Prometheus text; its token is read from a header only, and failed attempts
// are rate-limited per client address.
//
// Thread-safety: thread-safe; Handle() is called concurrently by the server's
// event loop threads.

#ifndef EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_
#define EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "net.h"
#include "proxy_cache.h"
#include "sharded_counter.h"

namespace edgekit_examples {

// Sends a request upstream in place of the built-in origin client: the
// gateway routes it (canary) and guards it (circuit breaker). Gets the request
// to send, the client's request (for `route_key`) and where to forward 1xx
// responses (may be null); must call `done` once, on any thread.
using UpstreamFn =
    std::function<void(HttpRequest upstream_request, const HttpRequest& client_request,
                       HttpClient::Callback done, HttpClient::InterimCallback interim)>;

struct CachingProxyOptions {
  // http://host:port: where requests go (unless `upstream` is set), and the
  // authority of the cache key when an HTTP/1.0 request has no Host.
  HttpUrl origin;
  std::string cache_name = "edgekit";    // Cache-Status and Via
  size_t max_bytes = size_t{256} << 20;  // cache budget
  size_t max_object_bytes = size_t{16} << 20;
  // Largest request body, and largest origin response body on the
  // whole-body `upstream` path (the gateway's): a larger one is answered 502
  // without being read whole.
  size_t max_body_bytes = size_t{64} << 20;
  // Largest origin response body on the built-in client's streamed path
  // (0: no limit; bodies stream through in bounded memory, and only those
  // within max_object_bytes are stored). A Content-Length over it is
  // answered 502; a body that passes it mid-stream cuts the client's
  // connection (its head is already sent).
  uint64_t max_response_bytes = 0;
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration origin_timeout = absl::Seconds(30);
  absl::Duration collapse_wait = absl::Seconds(10);
  // A stored response may be served up to this long past its freshness when
  // the origin cannot be reached, unless must-revalidate, proxy-revalidate,
  // s-maxage or no-cache forbid it (RFC 9111 §4.2.4). 0: only within the
  // origin's own stale-if-error.
  absl::Duration stale_on_error = absl::Hours(1);
  // Admin endpoint: empty token → off.
  std::string admin_token;
  // Serve /.edgekit/ on the main listener (false when the host gives the
  // admin endpoint its own listener: HandleAdmin()).
  bool admin_on_main_listener = true;
  // Failed admin attempts allowed per client address: a burst of
  // `admin_failure_burst`, refilled at `admin_failures_per_minute`; beyond,
  // every admin request from that address gets 429.
  int64_t admin_failure_burst = 5;
  int64_t admin_failures_per_minute = 5;
  // Optional: replaces the built-in keep-alive client to `origin`.
  UpstreamFn upstream;
  // Responses with Set-Cookie. RFC 9111 §7.3: Set-Cookie does not inhibit
  // caching (origins that mind say so with Cache-Control), so the faithful
  // proxy stores them as they are; a multi-user gateway may prefer kStrip.
  edgekit::cache::SetCookiePolicy set_cookie = edgekit::cache::SetCookiePolicy::kStore;
  // A request field set by the host to a validated user identity (the
  // gateway's X-Edgekit-Subject): responses that are not explicitly shared
  // are cached per value of it (see proxy_cache.h). Empty: none.
  std::string identity_field;
};

class CachingProxy {
 public:
  // Errors: those of ProxyCache::Create, HttpClient::Create and the admin
  // limiter's policy (kInvalidArgument).
  static absl::StatusOr<std::unique_ptr<CachingProxy>> Create(EventLoop& loop,
                                                              CachingProxyOptions options);
  ~CachingProxy();

  // The HttpServer handler.
  void Handle(HttpRequest request, ServerExchange exchange);
  // The admin endpoint's handler (for a listener of its own).
  void HandleAdmin(HttpRequest request, ServerExchange exchange);

  // For the metrics page (optional).
  // (Set while the loop runs: atomics, read by the metrics page.)
  void set_server(const HttpServer* server) { server_.store(server); }
  void set_admin_server(const HttpServer* server) { admin_server_.store(server); }

  // Every metric the proxy has: the cache's (`edgekit_cache_*`), the proxy's
  // and its listeners' and origin client's (`edgekit_proxy_*`; listener
  // series carry `listener="main"` or `"admin"`), then the extra ones below.
  void VisitMetrics(edgekit::MetricsVisitor& visitor) const;
  // The same as Prometheus text (what GET /metrics serves), written by
  // edgekit::PrometheusTextWriter.
  std::string MetricsText() const;
  // Metrics of the host's own components (the gateway's limiters, breakers,
  // canary) appended to every scrape. Set before the loop serves requests.
  void set_extra_metrics(std::function<void(edgekit::MetricsVisitor&)> fn) {
    extra_metrics_ = std::move(fn);
  }

  ProxyCache& cache() { return *cache_; }

  // Bumped on every request by every loop thread: per-thread slots, no
  // shared cache line (sharded_counter.h).
  struct Counters {
    ShardedCounter requests;
    ShardedCounter served_from_cache;
    ShardedCounter origin_requests;
    ShardedCounter origin_connect_errors;
    ShardedCounter origin_timeouts;
    ShardedCounter origin_too_large;
    ShardedCounter origin_other_errors;
    ShardedCounter origin_rejected;  // refused locally (circuit open)
    ShardedCounter background_revalidations;
    ShardedCounter collapsed_waits;
    ShardedCounter not_modified_local;
    ShardedCounter bad_authority;
    ShardedCounter admin_requests;
    ShardedCounter admin_failures;   // wrong or missing token
    ShardedCounter admin_throttled;  // 429: too many failures
    ShardedCounter interim_forwarded;
    ShardedCounter responses_by_class[6];
  };

  const Counters& counters() const { return counters_; }

  struct Pending;
  struct Relay;

 private:
  using AdminLimiter = edgekit::ratelimit::KeyedLimiter<edgekit::ratelimit::GcraPolicy>;

  CachingProxy(CachingProxyOptions options, std::unique_ptr<ProxyCache> cache,
               std::unique_ptr<HttpClient> client, std::unique_ptr<AdminLimiter> admin_limiter);

  void Decide(const std::shared_ptr<Pending>& p, ProxyCache::Decision d);
  void Forward(const std::shared_ptr<Pending>& p, edgekit::http::HeaderMap conditional);
  void OnOrigin(const std::shared_ptr<Pending>& p, FetchResult result, absl::Time t0,
                bool conditional);
  // The streamed path (built-in client): the origin's head arrived.
  void OnStreamHead(const std::shared_ptr<Pending>& p, const std::shared_ptr<Relay>& relay,
                    FetchResult head, absl::Time t0, bool conditional);
  void CountOriginError(FetchError error);
  void Wait(const std::shared_ptr<Pending>& p);
  void OnWaitOver(const std::shared_ptr<Pending>& p);
  void RevalidateInBackground(const std::shared_ptr<Pending>& p,
                              edgekit::http::HeaderMap conditional);
  void ServeStored(const std::shared_ptr<Pending>& p, ProxyCache::Stored stored);
  void Finish(const std::shared_ptr<Pending>& p, HttpResponse response);
  HttpRequest OriginRequest(const Pending& p) const;

  const CachingProxyOptions options_;
  const std::string via_;
  const std::string surrogate_capability_;  // `name="Surrogate/1.0"`
  std::unique_ptr<ProxyCache> cache_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<AdminLimiter> admin_limiter_;
  edgekit::Clock& clock_;
  std::atomic<const HttpServer*> server_{nullptr};
  std::atomic<const HttpServer*> admin_server_{nullptr};
  mutable Counters counters_;
  std::function<void(edgekit::MetricsVisitor&)> extra_metrics_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_
