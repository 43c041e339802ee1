// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: proxy_admin.cc
// -----------------------------------------------------------------------------
// The caching proxy's admin endpoint (purge, metrics) and its metrics page.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "caching_proxy.h"
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

  if (path == "/.edgekit/metrics") {
    if (request.method != "GET" && request.method != "HEAD") {
      HttpResponse r = TextResponse(405, "use GET\n");
      r.headers.Add("Allow", "GET, HEAD");
      return respond(std::move(r));
    }
    HttpResponse r;
    r.headers.Add("Content-Type", "text/plain; version=0.0.4");
    r.body = MetricsText();
    return respond(std::move(r));
  }
  if (path != "/.edgekit/purge" && path != "/.edgekit/purge-all") {
    return respond(TextResponse(404,
                                "admin endpoints: POST /.edgekit/purge?url=U[&host=H]|tag=T"
                                "[&soft=1], POST /.edgekit/purge-all, GET /.edgekit/metrics\n"));
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
    n = cache_->PurgeUrl(url, soft, now);
  } else if (GetQueryParam(target, "tag", &tag) && !tag.empty()) {
    n = cache_->PurgeTag(tag, soft, now);
  } else {
    return respond(TextResponse(400, "purge needs url=... or tag=...\n"));
  }
  respond(TextResponse(200, absl::StrCat(soft ? "soft-purged " : "purged ", n, "\n")));
}

std::string CachingProxy::MetricsText() const {
  std::string out;
  cache_->AppendMetrics(&out);
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help,
                       uint64_t value) {
    absl::StrAppend(&out, "# HELP ", edgekit::AbslView(name), " ", edgekit::AbslView(help),
                    "\n# TYPE ", edgekit::AbslView(name), " ", edgekit::AbslView(type), "\n",
                    edgekit::AbslView(name), " ", value, "\n");
  };
  // One labelled family: HELP/TYPE once, then a line per label value.
  auto family = [&out](std::string_view name, std::string_view help) {
    absl::StrAppend(&out, "# HELP ", edgekit::AbslView(name), " ", edgekit::AbslView(help),
                    "\n# TYPE ", edgekit::AbslView(name), " counter\n");
  };
  auto sample = [&out](std::string_view name, std::string_view label, std::string_view value,
                       uint64_t n) {
    absl::StrAppend(&out, edgekit::AbslView(name), "{", edgekit::AbslView(label), "=\"",
                    edgekit::AbslView(value), "\"} ", n, "\n");
  };
  auto load = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };

  metric("edgekit_proxy_requests_total", "counter", "Client requests.", load(counters_.requests));
  metric("edgekit_proxy_served_from_cache_total", "counter", "Responses served from the cache.",
         load(counters_.served_from_cache));
  metric("edgekit_proxy_origin_requests_total", "counter", "Requests sent to the origin.",
         load(counters_.origin_requests));
  family("edgekit_proxy_origin_errors_total", "Origin failures by kind.");
  sample("edgekit_proxy_origin_errors_total", "kind", "connect",
         load(counters_.origin_connect_errors));
  sample("edgekit_proxy_origin_errors_total", "kind", "timeout", load(counters_.origin_timeouts));
  sample("edgekit_proxy_origin_errors_total", "kind", "too_large",
         load(counters_.origin_too_large));
  sample("edgekit_proxy_origin_errors_total", "kind", "other", load(counters_.origin_other_errors));
  sample("edgekit_proxy_origin_errors_total", "kind", "rejected", load(counters_.origin_rejected));
  metric("edgekit_proxy_background_revalidations_total", "counter",
         "stale-while-revalidate refreshes started.", load(counters_.background_revalidations));
  metric("edgekit_proxy_collapsed_waits_total", "counter", "Requests that waited for a leader.",
         load(counters_.collapsed_waits));
  metric("edgekit_proxy_not_modified_total", "counter",
         "304s generated by the proxy for client conditionals.",
         load(counters_.not_modified_local));
  metric("edgekit_proxy_interim_forwarded_total", "counter",
         "1xx interim responses forwarded from the origin.", load(counters_.interim_forwarded));
  metric("edgekit_proxy_bad_authority_total", "counter",
         "Requests refused by the proxy for an invalid or missing Host.",
         load(counters_.bad_authority));
  metric("edgekit_proxy_admin_requests_total", "counter", "Admin endpoint requests.",
         load(counters_.admin_requests));
  metric("edgekit_proxy_admin_failures_total", "counter", "Admin requests with a wrong token.",
         load(counters_.admin_failures));
  metric("edgekit_proxy_admin_throttled_total", "counter",
         "Admin requests refused after too many failures (429).", load(counters_.admin_throttled));
  family("edgekit_proxy_responses_total", "Responses by status class.");
  for (int cls = 1; cls <= 5; ++cls) {
    sample("edgekit_proxy_responses_total", "class", absl::StrCat(cls, "xx"),
           load(counters_.responses_by_class[cls]));
  }
  const HttpClient::Stats cs = client_ ? client_->stats() : HttpClient::Stats{};
  metric("edgekit_proxy_origin_connections_opened_total", "counter",
         "Connections opened to the origin.", cs.connections_opened);
  metric("edgekit_proxy_origin_connections_reused_total", "counter",
         "Requests sent on a kept-alive origin connection.", cs.connections_reused);

  for (const auto& [server, name] :
       {std::pair{server_.load(), "edgekit_proxy_"}, {admin_server_.load(), "edgekit_admin_"}}) {
    if (server == nullptr) continue;
    const HttpServer::Stats ss = server->stats();
    const std::string prefix = name;
    metric(prefix + "connections_active", "gauge", "Open client connections.",
           ss.connections_active);
    metric(prefix + "connections_accepted_total", "counter", "Client connections accepted.",
           ss.connections_accepted);
    family(prefix + "connections_refused_total", "Client connections closed to keep the bounds.");
    sample(prefix + "connections_refused_total", "reason", "over_limit", ss.connections_rejected);
    sample(prefix + "connections_refused_total", "reason", "per_address",
           ss.connections_rejected_per_address);
    sample(prefix + "connections_refused_total", "reason", "evicted", ss.connections_evicted);
    family(prefix + "timeouts_total", "Connections closed by a timeout, by kind.");
    sample(prefix + "timeouts_total", "kind", "header", ss.header_timeouts);
    sample(prefix + "timeouts_total", "kind", "idle", ss.idle_timeouts);
    sample(prefix + "timeouts_total", "kind", "body", ss.body_timeouts);
    sample(prefix + "timeouts_total", "kind", "send", ss.send_timeouts);
    metric(prefix + "bad_requests_total", "counter",
           "Requests the server refused itself (4xx/5xx before the handler).", ss.bad_requests);
    family(prefix + "malformed_requests_total", "Requests refused by the HTTP/1.1 parser.");
    for (size_t k = 1; k < kHttp1ErrorCount; ++k) {
      sample(prefix + "malformed_requests_total", "reason", ToString(static_cast<Http1Error>(k)),
             ss.bad_requests_by_reason[k]);
    }
    metric(prefix + "overloaded_total", "counter",
           "Requests refused with 503: request bodies over the buffered budget.", ss.overloaded);
    metric(prefix + "internal_errors_total", "counter",
           "Handler exceptions answered 500 (never reach the event loop).", ss.internal_errors);
  }
  return out;
}

}  // namespace edgekit_examples
