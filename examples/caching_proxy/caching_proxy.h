// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: caching_proxy.h
// -----------------------------------------------------------------------------
// `CachingProxy`: an HTTP/1.1 shared caching reverse proxy in front of one
// origin, built on `edgekit::cache::HttpCache`. Every request goes through
// the cache:
//
//   Lookup ─┬─ fresh / stale allowed ───────────▶ serve (Age, Cache-Status)
//           ├─ stale-while-revalidate ──────────▶ serve, and revalidate in
//           │                                     the background (one per key)
//           ├─ revalidate ─▶ conditional fetch ─▶ Store (304 merged) ─▶ serve
//           ├─ miss / bypass ─▶ fetch ──────────▶ Store ─▶ serve
//           ├─ wait for leader ─▶ (async) ──────▶ Resume ─▶ one of the above
//           └─ only-if-cached, nothing usable ──▶ 504
//
// Origin unreachable → OnOriginError (stale-if-error) or 502 / 504 with a
// clear body. Unsafe methods are forwarded and then invalidate (RFC 9111
// §4.4, done by Store). The admin endpoint (`/.edgekit/...`, off unless a
// token is configured) purges by URL, by surrogate key (hard or soft), or
// everything, and exports counters as Prometheus text.
//
// Thread-safety: thread-safe; Handle() is called concurrently by the server's
// event loop threads.

#ifndef EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_
#define EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/cache/http_cache.h"
#include "net.h"

namespace edgekit_examples {

// Sends a request upstream in place of the built-in origin client: the
// gateway routes it (canary) and guards it (circuit breaker). Gets the request
// to send and the client's request (for `route_key`); must call `done` once,
// on any thread.
using UpstreamFn = std::function<void(
    HttpRequest upstream_request, const HttpRequest& client_request, HttpClient::Callback done)>;

struct CachingProxyOptions {
  // http://host:port: where requests go (unless `upstream` is set), and the
  // authority of the cache key when a request has no Host.
  HttpUrl origin;
  std::string cache_name = "edgekit";    // Cache-Status and Via
  size_t max_bytes = size_t{256} << 20;  // cache budget
  size_t max_object_bytes = size_t{16} << 20;
  size_t max_body_bytes = size_t{64} << 20;  // request and response bodies
  std::string admin_token;                   // empty: admin endpoint off
  absl::Duration connect_timeout = absl::Seconds(5);
  absl::Duration origin_timeout = absl::Seconds(30);
  absl::Duration collapse_wait = absl::Seconds(10);
  // Optional: replaces the built-in keep-alive client to `origin`.
  UpstreamFn upstream;
  // Responses with Set-Cookie. RFC 9111 §7.3: Set-Cookie does not inhibit
  // caching (origins that mind say so with Cache-Control), so the faithful
  // proxy stores them as they are; a multi-user gateway may prefer kStrip.
  edgekit::cache::SetCookiePolicy set_cookie = edgekit::cache::SetCookiePolicy::kStore;
};

class CachingProxy {
 public:
  // Errors: those of HttpCache::Create and HttpClient::Create.
  static absl::StatusOr<std::unique_ptr<CachingProxy>> Create(EventLoop& loop,
                                                              CachingProxyOptions options);
  ~CachingProxy();

  // The HttpServer handler.
  void Handle(HttpRequest request, ServerExchange exchange);

  // For the metrics page (optional).
  void set_server(const HttpServer* server) { server_ = server; }

  // Counters as Prometheus text exposition format.
  std::string MetricsText() const;

  edgekit::cache::HttpCache& cache() { return *cache_; }

  struct Counters {
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> served_from_cache{0};
    std::atomic<uint64_t> origin_requests{0};
    std::atomic<uint64_t> origin_connect_errors{0};
    std::atomic<uint64_t> origin_timeouts{0};
    std::atomic<uint64_t> origin_other_errors{0};
    std::atomic<uint64_t> origin_rejected{0};  // refused locally (circuit open)
    std::atomic<uint64_t> background_revalidations{0};
    std::atomic<uint64_t> collapsed_waits{0};
    std::atomic<uint64_t> not_modified_local{0};
    std::atomic<uint64_t> admin_requests{0};
    std::atomic<uint64_t> responses_by_class[6] = {};
  };

  const Counters& counters() const { return counters_; }

  struct Pending;

 private:
  CachingProxy(EventLoop& loop, CachingProxyOptions options,
               std::unique_ptr<edgekit::cache::HttpCache> cache,
               std::unique_ptr<HttpClient> client);

  void HandleAdmin(HttpRequest& request, const ServerExchange& exchange);
  void Decide(const std::shared_ptr<Pending>& p, edgekit::cache::LookupResult r);
  void Forward(const std::shared_ptr<Pending>& p, edgekit::http::HeaderMap conditional);
  void OnOrigin(const std::shared_ptr<Pending>& p, FetchResult result, absl::Time t0,
                bool conditional);
  void Wait(const std::shared_ptr<Pending>& p);
  void OnWaitOver(const std::shared_ptr<Pending>& p);
  void RevalidateInBackground(const std::shared_ptr<Pending>& p, edgekit::cache::LookupResult& r);
  void ServeStored(const std::shared_ptr<Pending>& p, int status, edgekit::http::HeaderMap headers,
                   const std::string& body);
  void Finish(const std::shared_ptr<Pending>& p, HttpResponse response);
  HttpRequest OriginRequest(const Pending& p) const;

  const CachingProxyOptions options_;
  const std::string via_;
  const std::string surrogate_capability_;  // `name="Surrogate/1.0"`
  std::unique_ptr<edgekit::cache::HttpCache> cache_;
  std::unique_ptr<HttpClient> client_;
  edgekit::Clock& clock_;
  const HttpServer* server_ = nullptr;
  mutable Counters counters_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_CACHING_PROXY_CACHING_PROXY_H_
