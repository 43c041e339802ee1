// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: proxy_cache.cc
// -----------------------------------------------------------------------------
// The caching proxy's calls into edgekit::cache (see proxy_cache.h).

#include "proxy_cache.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "edgekit/http/cache_control.h"

namespace edgekit_examples {

namespace cache = edgekit::cache;
using edgekit::http::EqualsIgnoreCase;
using edgekit::http::HeaderMap;

absl::StatusOr<std::unique_ptr<ProxyCache>> ProxyCache::Create(Options options) {
  cache::HttpCacheOptions co;
  co.max_bytes = options.max_bytes;
  co.max_object_bytes = options.max_object_bytes;
  co.cache_name = options.cache_name;
  co.default_wait_timeout = options.collapse_wait;
  co.set_cookie = options.set_cookie;
  // A reverse proxy is a surrogate (Edge Architecture 1.0): it honours
  // Surrogate-Control targeted at it (or at every surrogate) after
  // CDN-Cache-Control (RFC 9213), and announces itself upstream with
  // Surrogate-Capability (CachingProxy::OriginRequest).
  co.targeted_fields = {"CDN-Cache-Control", "Surrogate-Control"};
  co.surrogate_device_token = options.cache_name;
  absl::StatusOr<std::unique_ptr<cache::HttpCache>> c = cache::HttpCache::Create(std::move(co));
  if (!c.ok()) return c.status();
  return std::unique_ptr<ProxyCache>(new ProxyCache(std::move(options), *std::move(c)));
}

void ProxyCache::Ticket::OnReady(std::function<void()> callback) {
  ticket_.OnReady([cb = std::move(callback)](cache::WaitOutcome) { cb(); });
}

void ProxyCache::Ticket::Cancel() { ticket_.Cancel(); }

ProxyCache::Decision ProxyCache::FromLookup(cache::LookupResult r, Ticket* ticket) {
  Decision d;
  ticket->ticket_ = std::move(r.ticket);
  switch (r.action) {
    case cache::LookupAction::kServeFresh:
    case cache::LookupAction::kServeStale:
    case cache::LookupAction::kServeStaleAndRevalidate:
      d.action = r.action == cache::LookupAction::kServeStaleAndRevalidate
                     ? Decision::Action::kServeAndRefresh
                     : Decision::Action::kServe;
      // The body may still be filling (a collapsed follower, a hit on an
      // object being stored): the client reads it as it fills.
      d.stored.status = r.response->status;
      d.stored.headers = r.ResponseHeaders();
      d.stored.body = r.response->body;
      d.conditional = r.ConditionalHeaders();
      return d;
    case cache::LookupAction::kRevalidate:
      d.action = Decision::Action::kRevalidate;
      d.conditional = r.ConditionalHeaders();
      return d;
    case cache::LookupAction::kFetch:
    case cache::LookupAction::kBypass:
      d.action = Decision::Action::kFetch;
      return d;
    case cache::LookupAction::kWaitForLeader:
      d.action = Decision::Action::kWait;
      return d;
    case cache::LookupAction::kGatewayTimeout:
      d.action = Decision::Action::kGatewayTimeout;
      d.cache_status = std::string(r.cache_status.view());
      return d;
  }
  return d;
}

ProxyCache::Decision ProxyCache::Lookup(const Request& request, absl::Time now, Ticket* ticket) {
  const cache::CacheRequest creq{request.method, request.uri, request.headers->view()};
  return FromLookup(cache_->Lookup(creq, now), ticket);
}

ProxyCache::Decision ProxyCache::Resume(const Request& request, Ticket* ticket, absl::Time now) {
  // A follower of a leader whose origin failed may get the stale response
  // under the same policy as the leader (StaleOnErrorHeaders).
  const std::optional<HeaderMap> stale = StaleOnErrorHeaders(request);
  const cache::CacheRequest creq{request.method, request.uri,
                                 stale ? stale->view() : request.headers->view()};
  return FromLookup(cache_->Resume(creq, ticket->ticket_, now), ticket);
}

std::optional<HeaderMap> ProxyCache::StaleOnErrorHeaders(const Request& request) const {
  if (options_.stale_on_error <= absl::ZeroDuration()) return std::nullopt;
  const edgekit::http::CacheControl rcc = edgekit::http::ParseCacheControl(request.headers->view());
  if (rcc.no_cache || rcc.no_store) return std::nullopt;
  bool pragma_no_cache = false;
  request.headers->ForEachListMember("Pragma", [&](std::string_view m) {
    if (EqualsIgnoreCase(m, "no-cache")) pragma_no_cache = true;
  });
  if (pragma_no_cache && !request.headers->Contains("Cache-Control")) return std::nullopt;
  HeaderMap h = *request.headers;
  h.Add("Cache-Control",
        absl::StrCat("stale-if-error=", absl::ToInt64Seconds(options_.stale_on_error)));
  return h;
}

void ProxyCache::AddIdentityVary(const Request& request, int status, HeaderMap& headers) const {
  if (options_.identity_field.empty() || !request.headers->Contains(options_.identity_field)) {
    return;
  }
  // A 304 without Vary leaves the stored Vary as it is.
  if (status == 304 && !headers.Contains("Vary")) return;
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(headers.view());
  bool shared = cc.public_ || cc.s_maxage.has_value();
  if (const auto cdn = edgekit::http::ParseTargetedCacheControl(headers.view())) {
    shared = shared || cdn->public_ || cdn->s_maxage.has_value();
  }
  if (shared) return;
  bool listed = false;
  bool star = false;
  headers.ForEachListMember("Vary", [&](std::string_view m) {
    if (m == "*") star = true;
    if (EqualsIgnoreCase(m, options_.identity_field)) listed = true;
  });
  if (!star && !listed) headers.Add("Vary", options_.identity_field);
}

ProxyCache::Answer ProxyCache::AnswerOf(int status, const cache::StoreResult& s) {
  Answer a;
  a.from_cache =
      s.outcome == cache::StoreOutcome::kUpdated || s.outcome == cache::StoreOutcome::kServeStale;
  a.refetch = status == 304 && s.status == 304 && s.outcome != cache::StoreOutcome::kUpdated &&
              s.outcome != cache::StoreOutcome::kStored;
  a.response.status = s.status;
  a.response.headers = s.ResponseHeaders();
  return a;
}

ProxyCache::Answer ProxyCache::Store(const Request& request, int status, HeaderMap origin_headers,
                                     std::string body, absl::Time request_time,
                                     absl::Time response_time, Ticket* ticket) {
  AddIdentityVary(request, status, origin_headers);
  const cache::CacheRequest creq{request.method, request.uri, request.headers->view()};
  cache::StoreResult s = cache_->Store(creq, status, origin_headers.view(), std::move(body),
                                       request_time, response_time, &ticket->ticket_);
  Answer a = AnswerOf(status, s);
  if (s.response) {
    a.response.body = s.response->body;  // stored, 304-freshened or stale: shared
  } else {
    std::vector<cache::BodyChunk> chunks;
    chunks.push_back(cache::BodyChunk::Adopt(s.body()));
    a.response.body = cache::Body::Complete(std::move(chunks));
  }
  return a;
}

ProxyCache::Begun ProxyCache::Begin(const Request& request, int status, HeaderMap origin_headers,
                                    absl::Time request_time, absl::Time response_time,
                                    Ticket* ticket) {
  AddIdentityVary(request, status, origin_headers);
  const cache::CacheRequest creq{request.method, request.uri, request.headers->view()};
  cache::StoreResult s = cache_->BeginStore(creq, status, origin_headers.view(), request_time,
                                            response_time, &ticket->ticket_);
  Begun b;
  static_cast<Answer&>(b) = AnswerOf(status, s);
  if (b.from_cache && s.response) b.response.body = s.response->body;
  b.writer = std::move(s.writer);
  return b;
}

std::optional<ProxyCache::Stored> ProxyCache::OnOriginError(const Request& request, absl::Time now,
                                                            Ticket* ticket, int status,
                                                            std::string* cache_status) {
  const std::optional<HeaderMap> stale = StaleOnErrorHeaders(request);
  const cache::CacheRequest creq{request.method, request.uri,
                                 stale ? stale->view() : request.headers->view()};
  cache::LookupResult e = cache_->OnOriginError(creq, now, &ticket->ticket_, status);
  *cache_status = std::string(e.cache_status.view());
  if (e.action != cache::LookupAction::kServeStale || !e.response) return std::nullopt;
  stale_on_error_served_.fetch_add(1, std::memory_order_relaxed);
  Stored out;
  out.status = e.response->status;
  out.headers = e.ResponseHeaders();
  out.body = e.response->body;
  return out;
}

size_t ProxyCache::PurgeUrl(std::string_view uri, cache::PurgeMode mode, absl::Time now) {
  return cache_->PurgeUrl(uri, mode, now);
}
size_t ProxyCache::PurgeTag(std::string_view tag, cache::PurgeMode mode, absl::Time now) {
  return cache_->PurgeTag(tag, mode, now);
}
size_t ProxyCache::PurgeAll() { return cache_->PurgeAll(); }

cache::CacheCounters ProxyCache::counters() const { return cache_->counters(); }

void ProxyCache::VisitMetrics(edgekit::MetricsVisitor& visitor) const {
  cache_->VisitMetrics(visitor);
  edgekit::VisitSample(visitor, "edgekit_proxy_stale_on_error_total",
                       "Stale responses served because the origin failed",
                       edgekit::MetricType::kCounter,
                       static_cast<double>(stale_on_error_served_.load(std::memory_order_relaxed)));
}

}  // namespace edgekit_examples
