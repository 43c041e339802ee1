// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: proxy_admin.cc
// -----------------------------------------------------------------------------
// The caching proxy's admin endpoint (purge, metrics) and its metrics page.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "caching_proxy.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/http/authority.h"

namespace edgekit_examples {

using edgekit::http::EqualsIgnoreCase;

namespace {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The admin token of a request, from a header only: `Authorization: Bearer T`
// or `X-Edgekit-Admin-Token: T` (never from the URL, which ends up in logs).
std::string_view AdminToken(const HttpRequest& request) {
  if (auto auth = request.headers.Get("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() > kBearer.size() &&
        EqualsIgnoreCase(auth->substr(0, kBearer.size()), kBearer)) {
      return auth->substr(kBearer.size());
    }
  }
  return request.headers.Get("X-Edgekit-Admin-Token").value_or("");
}

}  // namespace

void CachingProxy::HandleAdmin(HttpRequest request, ServerExchange exchange) {
  counters_.admin_requests.fetch_add(1, std::memory_order_relaxed);
  auto respond = [&](HttpResponse r) {
    r.headers.Set("Cache-Control", "no-store");
    exchange.Respond(std::move(r));
  };
  if (options_.admin_token.empty()) {
    return respond(TextResponse(404, "the admin endpoint is not enabled\n"));
  }
  // An address that failed too often is refused before its token is even
  // compared (a burst of failures, then a few per minute).
  const std::string& who = request.peer_address;
  const edgekit::ratelimit::Decision budget = admin_limiter_->Peek(who);
  if (!budget.allowed) {
    counters_.admin_throttled.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = TextResponse(429, "too many failed admin attempts; retry later\n");
    r.headers.Add("Retry-After", std::to_string(budget.RetryAfterSeconds()));
    return respond(std::move(r));
  }
  if (!ConstantTimeEquals(AdminToken(request), options_.admin_token)) {
    counters_.admin_failures.fetch_add(1, std::memory_order_relaxed);
    (void)admin_limiter_->TryAcquire(who);
    HttpResponse r = TextResponse(401, "admin token required (in a header)\n");
    r.headers.Add("WWW-Authenticate", "Bearer realm=\"edgekit-admin\"");
    return respond(std::move(r));
  }
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  const absl::Time now = clock_.SystemNow();

  // GET /metrics: what a Prometheus scraper asks for by default (on the
  // admin listener only: on the main listener /metrics is the site's).
  if (path == "/.edgekit/metrics" || (path == "/metrics" && !options_.admin_on_main_listener)) {
    if (request.method != "GET" && request.method != "HEAD") {
      HttpResponse r = TextResponse(405, "use GET\n");
      r.headers.Add("Allow", "GET, HEAD");
      return respond(std::move(r));
    }
    HttpResponse r;
    r.headers.Add("Content-Type", edgekit::kPrometheusContentType);
    r.body = MetricsText();
    return respond(std::move(r));
  }
  if (path != "/.edgekit/purge" && path != "/.edgekit/purge-all") {
    return respond(
        TextResponse(404,
                     "admin endpoints: POST /.edgekit/purge?url=U[&host=H]|tag=T"
                     "[&soft=1], POST /.edgekit/purge-all, GET /.edgekit/metrics (or /metrics "
                     "on the admin listener)\n"));
  }
  if (request.method != "POST") {
    HttpResponse r = TextResponse(405, "use POST\n");
    r.headers.Add("Allow", "POST");
    return respond(std::move(r));
  }
  if (path == "/.edgekit/purge-all") {
    const size_t n = cache_->PurgeAll();
    return respond(TextResponse(200, absl::StrCat("purged ", n, "\n")));
  }
  std::string soft_value;
  const bool soft = GetQueryParam(target, "soft", &soft_value) && soft_value != "0";
  const edgekit::cache::PurgeMode mode =
      soft ? edgekit::cache::PurgeMode::kSoft : edgekit::cache::PurgeMode::kHard;
  std::string url;
  std::string tag;
  size_t n = 0;
  if (GetQueryParam(target, "url", &url) && !url.empty()) {
    if (url.front() == '/') {
      // A path: the authority is `host=`, else (on the main listener) the
      // request's own Host; the admin listener's Host names the admin
      // listener, not the site.
      std::string host;
      if (!GetQueryParam(target, "host", &host)) {
        if (!options_.admin_on_main_listener) {
          return respond(TextResponse(400, "give url=http://HOST/PATH or host=HOST\n"));
        }
        host = std::string(request.headers.Get("Host").value_or(options_.origin.authority));
      }
      if (!edgekit::http::IsValidAuthority(host)) {
        return respond(TextResponse(400, "invalid host\n"));
      }
      url = absl::StrCat("http://", host, url);
    }
    n = cache_->PurgeUrl(url, mode, now);
  } else if (GetQueryParam(target, "tag", &tag) && !tag.empty()) {
    n = cache_->PurgeTag(tag, mode, now);
  } else {
    return respond(TextResponse(400, "purge needs url=... or tag=...\n"));
  }
  respond(TextResponse(200, absl::StrCat(soft ? "soft-purged " : "purged ", n, "\n")));
}

void CachingProxy::VisitMetrics(edgekit::MetricsVisitor& visitor) const {
  using edgekit::MetricLabel;
  using edgekit::MetricType;
  cache_->VisitMetrics(visitor);
  auto counter = [&visitor](std::string_view name, std::string_view help, uint64_t value,
                            absl::Span<const MetricLabel> labels = {}) {
    edgekit::VisitSample(visitor, name, help, MetricType::kCounter, static_cast<double>(value),
                         labels);
  };
  auto load = [](const ShardedCounter& a) { return a.load(); };

  counter("edgekit_proxy_requests_total", "Client requests", load(counters_.requests));
  counter("edgekit_proxy_served_from_cache_total", "Responses served from the cache",
          load(counters_.served_from_cache));
  counter("edgekit_proxy_origin_requests_total", "Requests sent to the origin",
          load(counters_.origin_requests));
  const std::pair<std::string_view, uint64_t> origin_errors[] = {
      {"connect", load(counters_.origin_connect_errors)},
      {"timeout", load(counters_.origin_timeouts)},
      {"too_large", load(counters_.origin_too_large)},
      {"other", load(counters_.origin_other_errors)},
      {"rejected", load(counters_.origin_rejected)}};
  for (const auto& [kind, n] : origin_errors) {
    const MetricLabel label[] = {{"kind", kind}};
    counter("edgekit_proxy_origin_errors_total", "Origin failures by kind", n, label);
  }
  counter("edgekit_proxy_background_revalidations_total",
          "stale-while-revalidate refreshes started", load(counters_.background_revalidations));
  counter("edgekit_proxy_collapsed_waits_total", "Requests that waited for a leader",
          load(counters_.collapsed_waits));
  counter("edgekit_proxy_not_modified_total", "304s generated by the proxy for client conditionals",
          load(counters_.not_modified_local));
  counter("edgekit_proxy_interim_forwarded_total",
          "1xx interim responses forwarded from the origin", load(counters_.interim_forwarded));
  counter("edgekit_proxy_bad_authority_total",
          "Requests refused by the proxy for an invalid or missing Host",
          load(counters_.bad_authority));
  counter("edgekit_proxy_admin_requests_total", "Admin endpoint requests",
          load(counters_.admin_requests));
  counter("edgekit_proxy_admin_failures_total", "Admin requests with a wrong token",
          load(counters_.admin_failures));
  counter("edgekit_proxy_admin_throttled_total",
          "Admin requests refused after too many failures (429)", load(counters_.admin_throttled));
  for (int cls = 1; cls <= 5; ++cls) {
    const std::string value = absl::StrCat(cls, "xx");
    const MetricLabel label[] = {{"class", value}};
    counter("edgekit_proxy_responses_total", "Responses by status class",
            load(counters_.responses_by_class[cls]), label);
  }
  const HttpClient::Stats cs = client_ ? client_->stats() : HttpClient::Stats{};
  counter("edgekit_proxy_origin_connections_opened_total", "Connections opened to the origin",
          cs.connections_opened);
  counter("edgekit_proxy_origin_connections_reused_total",
          "Requests sent on a kept-alive origin connection", cs.connections_reused);

  for (const auto& [server, listener] : {std::pair{server_.load(), std::string_view("main")},
                                         {admin_server_.load(), std::string_view("admin")}}) {
    if (server == nullptr) continue;
    const HttpServer::Stats ss = server->stats();
    const MetricLabel on[] = {{"listener", listener}};
    edgekit::VisitSample(visitor, "edgekit_proxy_connections_active", "Open client connections",
                         MetricType::kGauge, static_cast<double>(ss.connections_active), on);
    counter("edgekit_proxy_connections_accepted_total", "Client connections accepted",
            ss.connections_accepted, on);
    const std::pair<std::string_view, uint64_t> refused[] = {
        {"over_limit", ss.connections_rejected},
        {"per_address", ss.connections_rejected_per_address},
        {"evicted", ss.connections_evicted}};
    for (const auto& [reason, n] : refused) {
      const MetricLabel labels[] = {{"listener", listener}, {"reason", reason}};
      counter("edgekit_proxy_connections_refused_total",
              "Client connections closed to keep the bounds", n, labels);
    }
    const std::pair<std::string_view, uint64_t> timeouts[] = {{"header", ss.header_timeouts},
                                                              {"idle", ss.idle_timeouts},
                                                              {"body", ss.body_timeouts},
                                                              {"send", ss.send_timeouts}};
    for (const auto& [kind, n] : timeouts) {
      const MetricLabel labels[] = {{"listener", listener}, {"kind", kind}};
      counter("edgekit_proxy_timeouts_total", "Connections closed by a timeout, by kind", n,
              labels);
    }
    counter("edgekit_proxy_bad_requests_total",
            "Requests the server refused itself (4xx/5xx before the handler)", ss.bad_requests, on);
    for (size_t k = 1; k < kHttp1ErrorCount; ++k) {
      const MetricLabel labels[] = {{"listener", listener},
                                    {"reason", ToString(static_cast<Http1Error>(k))}};
      counter("edgekit_proxy_malformed_requests_total", "Requests refused by the HTTP/1.1 parser",
              ss.bad_requests_by_reason[k], labels);
    }
    counter("edgekit_proxy_overloaded_total",
            "Requests refused with 503: request bodies over the buffered budget", ss.overloaded,
            on);
    counter("edgekit_proxy_internal_errors_total",
            "Handler exceptions answered 500 (never reach the event loop)", ss.internal_errors, on);
  }
  const MetricLabel admin[] = {{"limiter", "admin_failures"}};
  admin_limiter_->VisitMetrics(visitor, admin);
  if (extra_metrics_) extra_metrics_(visitor);
}

std::string CachingProxy::MetricsText() const {
  edgekit::PrometheusTextWriter writer;
  VisitMetrics(writer);
  return writer.Text();
}

}  // namespace edgekit_examples
