// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: proxy_cache.h
// -----------------------------------------------------------------------------
// `ProxyCache`: every call the caching proxy makes into `edgekit::cache`, in
// one place, behind types of the proxy's own (the proxy's request flow in
// caching_proxy.cc never touches the cache API). Bodies are the cache's
// streamed `cache::Body`s: shared immutable chunks, readable while they fill.
//
// Besides passing calls through it adds two policies of the proxy:
//   * Serving stale when the origin cannot be reached (RFC 9111 §4.2.4: a
//     disconnected cache may serve stale unless a directive forbids it). The
//     proxy asks the cache as a client would, with `stale-if-error=<bound>`
//     (RFC 5861 §4, a request directive) added to the request it passes to
//     OnOriginError / Resume; the cache refuses when the stored response has
//     must-revalidate, proxy-revalidate, s-maxage or no-cache (§5.2.2). Not
//     done when the client itself asked for no-cache / no-store.
//   * Per-user responses (the gateway): when `identity_field` is set and the
//     request carries it, a response that is not explicitly shareable
//     (`public` or `s-maxage`, the directives RFC 9111 §3.5 lets a shared
//     cache store for authenticated requests) is stored with the identity
//     field added to its Vary, so it is only ever served to the same user.
//
// Thread-safety: thread-safe (as edgekit::cache::HttpCache). `Ticket` is
// move-only and thread-compatible.

#ifndef EDGEKIT_EXAMPLES_CACHING_PROXY_PROXY_CACHE_H_
#define EDGEKIT_EXAMPLES_CACHING_PROXY_PROXY_CACHE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/metrics.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/http/header_map.h"

namespace edgekit_examples {

class ProxyCache {
 public:
  struct Options {
    size_t max_bytes = size_t{256} << 20;
    size_t max_object_bytes = size_t{16} << 20;
    std::string cache_name = "edgekit";
    absl::Duration collapse_wait = absl::Seconds(10);
    edgekit::cache::SetCookiePolicy set_cookie = edgekit::cache::SetCookiePolicy::kStore;
    // How long past its freshness a stored response may still be served when
    // the origin cannot be reached (0: only within the origin's
    // stale-if-error).
    absl::Duration stale_on_error = absl::Hours(1);
    // The request field carrying a validated user identity (empty: none).
    std::string identity_field;
  };
  // Errors: those of edgekit::cache::HttpCache::Create.
  static absl::StatusOr<std::unique_ptr<ProxyCache>> Create(Options options);

  // A request as the cache sees it: views into storage that outlives calls.
  struct Request {
    std::string_view method;
    std::string_view uri;  // absolute effective request URI, valid authority
    const edgekit::http::HeaderMap* headers = nullptr;
  };

  // The cache's collapse ticket for one request (leader, follower or none).
  class Ticket {
   public:
    // Follower: `callback` runs once when the leader completes (on its
    // thread), or with a timeout after Cancel().
    void OnReady(std::function<void()> callback);
    void Cancel();

   private:
    friend class ProxyCache;
    edgekit::cache::CollapseTicket ticket_;
  };

  // A response stored in (or passed through) the cache.
  struct Stored {
    int status = 0;
    edgekit::http::HeaderMap headers;  // with Age and Cache-Status
    // Shared immutable chunks; possibly still filling (read it with a
    // cache::BodyReader: body_streams.h). Null: no body.
    std::shared_ptr<const edgekit::cache::Body> body;
  };

  struct Decision {
    enum class Action {
      kServe,            // serve `stored`
      kServeAndRefresh,  // serve `stored`, revalidate in the background
      kRevalidate,       // forward with `conditional` first
      kFetch,            // forward (miss or not cacheable)
      kWait,             // another request is fetching: wait on the ticket
      kGatewayTimeout,   // only-if-cached and nothing usable: 504
    };
    Action action = Action::kFetch;
    Stored stored;                         // kServe, kServeAndRefresh
    edgekit::http::HeaderMap conditional;  // kRevalidate, kServeAndRefresh
    std::string cache_status;              // kGatewayTimeout
  };

  Decision Lookup(const Request& request, absl::Time now, Ticket* ticket);
  // After a wait ended: the leader's response, stale on its failure, or fetch.
  Decision Resume(const Request& request, Ticket* ticket, absl::Time now);

  // What to serve after the origin answered.
  struct Answer {
    Stored response;
    bool from_cache = false;  // a stored response (304 merged, stale-if-error)
    // Our conditional request selected nothing stored any more (a 304 for a
    // response the client never asked to validate): fetch again in full.
    bool refetch = false;
  };
  Answer Store(const Request& request, int status, edgekit::http::HeaderMap origin_headers,
               std::string body, absl::Time request_time, absl::Time response_time, Ticket* ticket);

  // The streamed form of Store, when the origin's head arrived: what to
  // serve, and while the response is being stored an open writer for the
  // body's bytes as they arrive (Append each, Commit at the end, Abort if
  // the origin fails). A leader's followers are released now and read the
  // object as it fills.
  // `response` has the status and fields to serve, and the body only when
  // from_cache.
  struct Begun : Answer {
    edgekit::cache::BodyWriter writer;
  };
  Begun Begin(const Request& request, int status, edgekit::http::HeaderMap origin_headers,
              absl::Time request_time, absl::Time response_time, Ticket* ticket);

  // The origin failed (`unreachable`: no usable answer at all; otherwise a
  // local refusal such as an open circuit). A stale response when allowed;
  // else nullopt and `*cache_status` for the error response.
  std::optional<Stored> OnOriginError(const Request& request, absl::Time now, Ticket* ticket,
                                      int status, std::string* cache_status);

  size_t PurgeUrl(std::string_view uri, edgekit::cache::PurgeMode mode, absl::Time now);
  size_t PurgeTag(std::string_view tag, edgekit::cache::PurgeMode mode, absl::Time now);
  size_t PurgeAll();

  edgekit::cache::CacheCounters counters() const;
  uint64_t stale_served_on_error() const { return stale_on_error_served_.load(); }
  // The cache's counters and gauges (`edgekit_cache_*`), then the proxy's
  // stale-on-error count, through `visitor`.
  void VisitMetrics(edgekit::MetricsVisitor& visitor) const;

 private:
  ProxyCache(Options options, std::unique_ptr<edgekit::cache::HttpCache> cache)
      : options_(std::move(options)), cache_(std::move(cache)) {}
  // The request headers plus `Cache-Control: stale-if-error=N`, when the
  // proxy's stale_on_error policy applies; nullopt otherwise.
  std::optional<edgekit::http::HeaderMap> StaleOnErrorHeaders(const Request& request) const;
  void AddIdentityVary(const Request& request, int status, edgekit::http::HeaderMap& headers) const;
  Decision FromLookup(edgekit::cache::LookupResult r, Ticket* ticket);
  // What a Store / BeginStore outcome means to the proxy (no body).
  static Answer AnswerOf(int status, const edgekit::cache::StoreResult& s);

  const Options options_;
  std::unique_ptr<edgekit::cache::HttpCache> cache_;
  std::atomic<uint64_t> stale_on_error_served_{0};
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_CACHING_PROXY_PROXY_CACHE_H_
