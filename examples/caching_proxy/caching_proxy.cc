// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: caching_proxy.cc
// -----------------------------------------------------------------------------
// The caching reverse proxy: request flow through edgekit::cache::HttpCache.

#include "caching_proxy.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "edgekit/http/http_date.h"

namespace edgekit_examples {

namespace cache = edgekit::cache;
using edgekit::http::EqualsIgnoreCase;
using edgekit::http::HeaderMap;

// One client request on its way through the proxy. Owned by the callbacks
// that are in flight for it; its strings never move after `uri` is built, so
// `Request()` views stay valid.
struct CachingProxy::Pending {
  HttpRequest req;            // hop-by-hop fields removed
  std::string uri;            // absolute effective request URI (cache key)
  std::string origin_target;  // origin-form target sent to the origin
  ServerExchange exchange;
  bool background = false;  // a background revalidation (no client)
  cache::CollapseTicket ticket;
  std::shared_ptr<Timer> wait_timer;
  bool wait_over = false;  // strand-confined
  int decisions = 0;

  Pending(HttpRequest r, ServerExchange ex) : req(std::move(r)), exchange(std::move(ex)) {}
  cache::CacheRequest Request() const {
    return cache::CacheRequest{req.method, uri, req.headers.view()};
  }
};

namespace {

constexpr std::string_view kAdminPrefix = "/.edgekit/";

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// entity-tag weak comparison (RFC 9110 §8.8.3.2).
std::string_view OpaqueTag(std::string_view etag) {
  if (etag.size() >= 2 && etag[0] == 'W' && etag[1] == '/') etag.remove_prefix(2);
  return etag;
}

// RFC 9110 §13.1.1 / §13.1.3 and §13.2.2 evaluated by the cache for a
// response it serves (RFC 9111 §4.3.2): true when a 304 is the answer.
bool ClientConditionMatches(const HttpRequest& req, const HttpResponse& res) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  if (res.status != 200) return false;
  if (req.headers.Contains("If-None-Match")) {
    const std::optional<std::string_view> etag = res.headers.Get("ETag");
    bool match = false;
    req.headers.ForEachListMember("If-None-Match", [&](std::string_view member) {
      if (member == "*" || (etag && OpaqueTag(member) == OpaqueTag(*etag))) match = true;
    });
    return match;
  }
  const std::optional<std::string_view> ims = req.headers.Get("If-Modified-Since");
  if (!ims) return false;
  const std::optional<absl::Time> since = edgekit::http::ParseHttpDate(*ims);
  std::optional<std::string_view> lm = res.headers.Get("Last-Modified");
  if (!lm) lm = res.headers.Get("Date");
  if (!since || !lm) return false;
  const std::optional<absl::Time> modified = edgekit::http::ParseHttpDate(*lm);
  return modified && *modified <= *since;
}

// RFC 9110 §14.2: the one byte range a GET asks for out of a stored 200 of
// `length` bytes. kFull: no usable Range (absent, another unit, several
// ranges, malformed), or If-Range does not match (§13.1.5): serve the full
// 200, as §14.2 allows. kUnsatisfiable: answer 416 (§15.5.17).
enum class RangeAnswer { kFull, kPartial, kUnsatisfiable };

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseBytePos(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(edgekit::AbslView(s), out);
}

bool IfRangeMatches(const HttpRequest& req, const HeaderMap& stored) {
  const std::optional<std::string_view> if_range = req.headers.Get("If-Range");
  if (!if_range) return true;
  const std::string_view v = TrimOws(*if_range);
  if (!v.empty() && (v.front() == '"' || v.substr(0, 2) == "W/")) {
    // Strong comparison (§8.8.3.2): weak tags never match.
    const std::optional<std::string_view> etag = stored.Get("ETag");
    return v.front() == '"' && etag && *etag == v;
  }
  const std::optional<std::string_view> lm = stored.Get("Last-Modified");
  return lm && *lm == v;
}

RangeAnswer SelectRange(const HttpRequest& req, const HeaderMap& stored, size_t length,
                        size_t* first, size_t* last) {
  if (req.method != "GET") return RangeAnswer::kFull;
  const std::optional<std::string_view> range = req.headers.Get("Range");
  if (!range || req.headers.Count("Range") != 1) return RangeAnswer::kFull;
  std::string_view spec = TrimOws(*range);
  if (spec.size() < 6 || !EqualsIgnoreCase(spec.substr(0, 6), "bytes=")) return RangeAnswer::kFull;
  spec = TrimOws(spec.substr(6));
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return RangeAnswer::kFull;
  }
  if (!IfRangeMatches(req, stored)) return RangeAnswer::kFull;
  const std::string_view a = TrimOws(spec.substr(0, dash));
  const std::string_view b = TrimOws(spec.substr(dash + 1));
  uint64_t x = 0;
  uint64_t y = 0;
  if (a.empty()) {  // suffix-range: the last y bytes
    if (!ParseBytePos(b, &y)) return RangeAnswer::kFull;
    if (y == 0 || length == 0) return RangeAnswer::kUnsatisfiable;
    *first = length - static_cast<size_t>(std::min<uint64_t>(y, length));
    *last = length - 1;
    return RangeAnswer::kPartial;
  }
  if (!ParseBytePos(a, &x)) return RangeAnswer::kFull;
  if (!b.empty() && (!ParseBytePos(b, &y) || y < x)) return RangeAnswer::kFull;
  if (x >= length) return RangeAnswer::kUnsatisfiable;
  *first = static_cast<size_t>(x);
  *last = b.empty() ? length - 1 : static_cast<size_t>(std::min<uint64_t>(y, length - 1));
  return RangeAnswer::kPartial;
}

void RemoveConditionals(HeaderMap& headers) {
  headers.Remove("If-None-Match");
  headers.Remove("If-Modified-Since");
  headers.Remove("If-Match");
  headers.Remove("If-Unmodified-Since");
  headers.Remove("If-Range");
}

}  // namespace

absl::StatusOr<std::unique_ptr<CachingProxy>> CachingProxy::Create(EventLoop& loop,
                                                                   CachingProxyOptions options) {
  cache::HttpCacheOptions co;
  co.max_bytes = options.max_bytes;
  co.max_object_bytes = options.max_object_bytes;
  co.cache_name = options.cache_name;
  co.default_wait_timeout = options.collapse_wait;
  co.set_cookie = options.set_cookie;
  // A reverse proxy is a surrogate (Edge Architecture 1.0): it honours
  // Surrogate-Control targeted at it (or at every surrogate) after
  // CDN-Cache-Control (RFC 9213), and announces itself upstream with
  // Surrogate-Capability (OriginRequest).
  co.targeted_fields = {"CDN-Cache-Control", "Surrogate-Control"};
  co.surrogate_device_token = options.cache_name;
  absl::StatusOr<std::unique_ptr<cache::HttpCache>> c = cache::HttpCache::Create(std::move(co));
  if (!c.ok()) return c.status();

  if (options.upstream) {
    return std::unique_ptr<CachingProxy>(
        new CachingProxy(loop, std::move(options), *std::move(c), nullptr));
  }
  HttpClient::Options o;
  o.host = options.origin.host;
  o.port = options.origin.port;
  o.connect_timeout = options.connect_timeout;
  o.response_timeout = options.origin_timeout;
  o.max_body_bytes = options.max_body_bytes;
  absl::StatusOr<std::unique_ptr<HttpClient>> client = HttpClient::Create(loop, o);
  if (!client.ok()) return client.status();
  return std::unique_ptr<CachingProxy>(
      new CachingProxy(loop, std::move(options), *std::move(c), *std::move(client)));
}

CachingProxy::CachingProxy(EventLoop& /*loop*/, CachingProxyOptions options,
                           std::unique_ptr<cache::HttpCache> cache,
                           std::unique_ptr<HttpClient> client)
    : options_(std::move(options)),
      via_(absl::StrCat("1.1 ", options_.cache_name)),
      surrogate_capability_(absl::StrCat(options_.cache_name, "=\"Surrogate/1.0\"")),
      cache_(std::move(cache)),
      client_(std::move(client)),
      clock_(edgekit::RealClock::Get()) {}

CachingProxy::~CachingProxy() = default;

void CachingProxy::Handle(HttpRequest request, ServerExchange exchange) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  std::string_view target = request.target;

  if (!options_.admin_token.empty() && target.substr(0, kAdminPrefix.size()) == kAdminPrefix) {
    HandleAdmin(request, exchange);
    return;
  }
  if (request.version >= 11 && request.headers.Count("Host") != 1) {
    // RFC 9112 §3.2: exactly one Host field in HTTP/1.1.
    exchange.Respond(TextResponse(400, "bad request: HTTP/1.1 needs exactly one Host field\n"));
    return;
  }
  if (request.method == "CONNECT") {
    HttpResponse r = TextResponse(405, "this reverse proxy does not tunnel (CONNECT)\n");
    exchange.Respond(std::move(r));
    return;
  }
  if (request.method == "TRACE" || request.method == "OPTIONS") {
    // RFC 9110 §7.6.2: Max-Forwards 0 is answered here; otherwise decremented.
    if (std::optional<std::string_view> mf = request.headers.Get("Max-Forwards")) {
      uint64_t n = 0;
      if (absl::SimpleAtoi(edgekit::AbslView(*mf), &n)) {
        if (n == 0) {
          HttpResponse r;
          r.headers.Add("Via", via_);
          r.headers.Add("Date", edgekit::http::FormatHttpDate(clock_.SystemNow()));
          if (request.method == "OPTIONS") {
            r.headers.Add("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE, PATCH");
          } else {
            // TRACE echoes the request head (RFC 9110 §9.3.8), minus credentials.
            r.headers.Add("Content-Type", "message/http");
            r.body = absl::StrCat(request.method, " ", request.target, " HTTP/1.1\r\n");
            for (const auto& f : request.headers) {
              if (EqualsIgnoreCase(f.name, "Authorization") || EqualsIgnoreCase(f.name, "Cookie") ||
                  EqualsIgnoreCase(f.name, "Proxy-Authorization")) {
                continue;
              }
              absl::StrAppend(&r.body, edgekit::AbslView(f.name), ": ", edgekit::AbslView(f.value),
                              "\r\n");
            }
          }
          exchange.Respond(std::move(r));
          return;
        }
        request.headers.Set("Max-Forwards", std::to_string(n - 1));
      }
    }
  }

  auto p = std::make_shared<Pending>(std::move(request), std::move(exchange));
  target = p->req.target;  // `request` was moved from
  std::string host = std::string(p->req.headers.Get("Host").value_or(options_.origin.authority));
  if (host.empty()) host = options_.origin.authority;
  HttpUrl absolute;
  if (!target.empty() && target.front() == '/') {
    p->origin_target = std::string(target);
    p->uri = absl::StrCat("http://", host, edgekit::AbslView(target));
  } else if (ParseHttpUrl(target, &absolute)) {  // absolute-form
    // RFC 9112 §3.2.2: the target's authority replaces any Host field.
    p->origin_target = absolute.path;
    p->uri = absl::StrCat("http://", absolute.authority, absolute.path);
    p->req.headers.Set("Host", absolute.authority);
  } else {
    // "*" (OPTIONS *) and anything else: forwarded, not cacheable.
    p->origin_target = std::string(target);
    p->uri = std::string(target);
  }
  StripHopByHop(p->req.headers);
  Decide(p, cache_->Lookup(p->Request(), clock_.SystemNow()));
}

void CachingProxy::Decide(const std::shared_ptr<Pending>& p, cache::LookupResult r) {
  ++p->decisions;
  switch (r.action) {
    case cache::LookupAction::kServeFresh:
    case cache::LookupAction::kServeStale:
      ServeStored(p, r.response->status, r.ResponseHeaders(), r.response->body->ToString());
      return;
    case cache::LookupAction::kServeStaleAndRevalidate:
      ServeStored(p, r.response->status, r.ResponseHeaders(), r.response->body->ToString());
      RevalidateInBackground(p, r);
      return;
    case cache::LookupAction::kRevalidate:
      p->ticket = std::move(r.ticket);
      Forward(p, r.ConditionalHeaders());
      return;
    case cache::LookupAction::kFetch:
    case cache::LookupAction::kBypass:
      p->ticket = std::move(r.ticket);
      Forward(p, HeaderMap());
      return;
    case cache::LookupAction::kWaitForLeader:
      if (p->decisions > 4) {  // never loop: fetch without collapsing
        Forward(p, HeaderMap());
        return;
      }
      p->ticket = std::move(r.ticket);
      Wait(p);
      return;
    case cache::LookupAction::kGatewayTimeout: {
      HttpResponse res = TextResponse(504, "not in cache (only-if-cached)\n");
      if (!r.cache_status.empty()) res.headers.Add("Cache-Status", r.cache_status);
      Finish(p, std::move(res));
      return;
    }
  }
}

HttpRequest CachingProxy::OriginRequest(const Pending& p) const {
  HttpRequest out;
  out.method = p.req.method;
  out.target = p.origin_target;
  out.version = 11;
  out.headers = p.req.headers;
  out.headers.Add("Via", via_);
  // Edge Architecture §2.1: each surrogate appends its device token.
  out.headers.Add("Surrogate-Capability", surrogate_capability_);
  out.body = p.req.body;
  return out;
}

void CachingProxy::Forward(const std::shared_ptr<Pending>& p, HeaderMap conditional) {
  HttpRequest out = OriginRequest(*p);
  const bool is_conditional = !conditional.empty();
  if (is_conditional) {
    // The cache validates its own stored response; the client's own
    // conditions are evaluated against what we serve (RFC 9111 §4.3.2).
    RemoveConditionals(out.headers);
    for (const auto& f : conditional) out.headers.Add(f.name, f.value);
  }
  counters_.origin_requests.fetch_add(1, std::memory_order_relaxed);
  const absl::Time t0 = clock_.SystemNow();
  HttpClient::Callback done = [this, p, t0, is_conditional](FetchResult result) {
    OnOrigin(p, std::move(result), t0, is_conditional);
  };
  if (options_.upstream) {
    options_.upstream(std::move(out), p->req, std::move(done));
  } else {
    client_->Fetch(std::move(out), std::move(done));
  }
}

void CachingProxy::OnOrigin(const std::shared_ptr<Pending>& p, FetchResult result, absl::Time t0,
                            bool conditional) {
  const absl::Time t1 = clock_.SystemNow();
  const cache::CacheRequest creq = p->Request();
  if (result.error != FetchError::kNone) {
    switch (result.error) {
      case FetchError::kConnect:
        counters_.origin_connect_errors.fetch_add(1, std::memory_order_relaxed);
        break;
      case FetchError::kTimeout:
        counters_.origin_timeouts.fetch_add(1, std::memory_order_relaxed);
        break;
      case FetchError::kRejected:
        counters_.origin_rejected.fetch_add(1, std::memory_order_relaxed);
        break;
      default:
        counters_.origin_other_errors.fetch_add(1, std::memory_order_relaxed);
        break;
    }
    const int status = result.error == FetchError::kTimeout    ? 504
                       : result.error == FetchError::kRejected ? 503
                                                               : 502;
    cache::LookupResult e = cache_->OnOriginError(creq, t1, &p->ticket, status);
    if (p->background) return;
    if (e.action == cache::LookupAction::kServeStale && e.response) {
      ServeStored(p, e.response->status, e.ResponseHeaders(), e.response->body->ToString());
      return;
    }
    HttpResponse res = TextResponse(
        status, absl::StrCat(options_.cache_name, ": origin ", options_.origin.authority, ": ",
                             result.error_message, "\n"));
    if (!e.cache_status.empty()) res.headers.Add("Cache-Status", e.cache_status);
    Finish(p, std::move(res));
    return;
  }

  HttpResponse& origin = result.response;
  StripHopByHop(origin.headers);
  if (!origin.headers.Contains("Date")) {
    // RFC 9110 §6.6.1: a recipient with a clock appends Date when it caches
    // or forwards a response that has none.
    origin.headers.Add("Date", edgekit::http::FormatHttpDate(t1));
  }
  const int origin_status = origin.status;
  const std::string origin_reason = std::move(origin.reason);
  cache::StoreResult s = cache_->Store(creq, origin_status, origin.headers.view(),
                                       std::move(origin.body), t0, t1, &p->ticket);
  if (p->background) return;

  if (conditional && s.status == 304 && s.outcome != cache::StoreOutcome::kUpdated &&
      s.outcome != cache::StoreOutcome::kStored) {
    // Our validator selected nothing stored any more (e.g. evicted meanwhile):
    // the client did not ask for a 304, so fetch the full response.
    Forward(p, HeaderMap());
    return;
  }
  HttpResponse res;
  res.status = s.status;
  if (s.status == origin_status) res.reason = origin_reason;
  res.headers = s.ResponseHeaders();
  res.body = s.body();
  const bool from_cache =
      s.outcome == cache::StoreOutcome::kUpdated || s.outcome == cache::StoreOutcome::kServeStale;
  if (from_cache) counters_.served_from_cache.fetch_add(1, std::memory_order_relaxed);
  if ((conditional || from_cache) && ClientConditionMatches(p->req, res)) {
    counters_.not_modified_local.fetch_add(1, std::memory_order_relaxed);
    res.status = 304;
    res.reason.clear();
    res.body.clear();
    res.headers.Remove("Content-Length");
  }
  Finish(p, std::move(res));
}

void CachingProxy::ServeStored(const std::shared_ptr<Pending>& p, int status, HeaderMap headers,
                               const std::string& body) {
  counters_.served_from_cache.fetch_add(1, std::memory_order_relaxed);
  HttpResponse res;
  res.status = status;
  res.headers = std::move(headers);
  if (ClientConditionMatches(p->req, HttpResponse{status, "", res.headers, "", true})) {
    counters_.not_modified_local.fetch_add(1, std::memory_order_relaxed);
    res.status = 304;
    res.headers.Remove("Content-Length");
  } else if (p->req.method != "HEAD") {
    size_t first = 0;
    size_t last = 0;
    const RangeAnswer range = status == 200
                                  ? SelectRange(p->req, res.headers, body.size(), &first, &last)
                                  : RangeAnswer::kFull;
    if (range == RangeAnswer::kPartial) {
      // RFC 9110 §14.2, §15.3.7: one range of the stored full response.
      res.status = 206;
      res.headers.Remove("Content-Length");
      res.headers.Set("Content-Range", absl::StrCat("bytes ", first, "-", last, "/", body.size()));
      res.body = body.substr(first, last - first + 1);
    } else if (range == RangeAnswer::kUnsatisfiable) {
      res = TextResponse(416, "range not satisfiable\n");
      res.headers.Set("Content-Range", absl::StrCat("bytes */", body.size()));
    } else {
      res.body = body;
    }
  } else {
    // HEAD from a stored GET: no body, but its length as metadata.
    res.headers.Set("Content-Length", std::to_string(body.size()));
  }
  Finish(p, std::move(res));
}

void CachingProxy::RevalidateInBackground(const std::shared_ptr<Pending>& p,
                                          cache::LookupResult& r) {
  counters_.background_revalidations.fetch_add(1, std::memory_order_relaxed);
  HttpRequest bg_req;
  bg_req.method = "GET";
  bg_req.target = p->req.target;
  bg_req.headers = p->req.headers;
  bg_req.route_key = p->req.route_key;
  RemoveConditionals(bg_req.headers);
  auto bg = std::make_shared<Pending>(std::move(bg_req), p->exchange);
  bg->uri = p->uri;
  bg->origin_target = p->origin_target;
  bg->background = true;
  bg->ticket = std::move(r.ticket);
  Forward(bg, r.ConditionalHeaders());
}

void CachingProxy::Wait(const std::shared_ptr<Pending>& p) {
  counters_.collapsed_waits.fetch_add(1, std::memory_order_relaxed);
  Strand& strand = p->exchange.strand();
  // Both the leader's completion and our timeout land on the connection's
  // strand, so exactly one of them resumes the request.
  p->wait_timer = strand.RunAfter(options_.collapse_wait, [p] {
    if (!p->wait_over) p->ticket.Cancel();  // runs the OnReady callback (kTimeout)
  });
  p->ticket.OnReady(
      [this, p](cache::WaitOutcome) { p->exchange.strand().Post([this, p] { OnWaitOver(p); }); });
}

void CachingProxy::OnWaitOver(const std::shared_ptr<Pending>& p) {
  if (p->wait_over) return;
  p->wait_over = true;
  if (p->wait_timer) p->wait_timer->Cancel();
  Decide(p, cache_->Resume(p->Request(), p->ticket, clock_.SystemNow()));
}

void CachingProxy::Finish(const std::shared_ptr<Pending>& p, HttpResponse response) {
  if (p->background) return;
  // Surrogate-Control is for surrogates: consumed here, never sent to clients
  // (Edge Architecture §2.2).
  response.headers.Remove("Surrogate-Control");
  response.headers.Add("Via", via_);
  if (!response.headers.Contains("Date")) {
    response.headers.Add("Date", edgekit::http::FormatHttpDate(clock_.SystemNow()));
  }
  const int cls = response.status / 100;
  if (cls >= 1 && cls <= 5)
    counters_.responses_by_class[cls].fetch_add(1, std::memory_order_relaxed);
  p->exchange.Respond(std::move(response));
}

// -----------------------------------------------------------------------------
// Admin endpoint
// -----------------------------------------------------------------------------

void CachingProxy::HandleAdmin(HttpRequest& request, const ServerExchange& exchange) {
  counters_.admin_requests.fetch_add(1, std::memory_order_relaxed);
  auto respond = [&](HttpResponse r) {
    r.headers.Set("Cache-Control", "no-store");
    exchange.Respond(std::move(r));
  };
  std::string_view token;
  if (auto auth = request.headers.Get("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() > kBearer.size() &&
        EqualsIgnoreCase(auth->substr(0, kBearer.size()), kBearer)) {
      token = auth->substr(kBearer.size());
    }
  }
  if (token.empty()) token = request.headers.Get("X-Edgekit-Admin-Token").value_or("");
  if (!ConstantTimeEquals(token, options_.admin_token)) {
    HttpResponse r = TextResponse(401, "admin token required\n");
    r.headers.Add("WWW-Authenticate", "Bearer realm=\"edgekit-admin\"");
    respond(std::move(r));
    return;
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
                                "admin endpoints: POST /.edgekit/purge?url=U|tag=T[&soft=1], "
                                "POST /.edgekit/purge-all, GET /.edgekit/metrics\n"));
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
      const std::string host =
          std::string(request.headers.Get("Host").value_or(options_.origin.authority));
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
  auto metric = [&out](std::string_view name, std::string_view type, std::string_view help,
                       uint64_t value, std::string_view labels = "") {
    absl::StrAppend(&out, "# HELP ", edgekit::AbslView(name), " ", edgekit::AbslView(help),
                    "\n# TYPE ", edgekit::AbslView(name), " ", edgekit::AbslView(type), "\n",
                    edgekit::AbslView(name), edgekit::AbslView(labels), " ", value, "\n");
  };
  const cache::CacheCounters c = cache_->counters();
  metric("edgekit_cache_lookups_total", "counter", "Cache lookups.", c.lookups);
  metric("edgekit_cache_hits_total", "counter", "Fresh hits (including collapsed).", c.hits);
  metric("edgekit_cache_stale_served_total", "counter", "Stale responses served.", c.stale_served);
  metric("edgekit_cache_misses_uri_total", "counter", "Misses: nothing stored for the URI.",
         c.misses_uri);
  metric("edgekit_cache_misses_vary_total", "counter", "Misses: no matching variant.",
         c.misses_vary);
  metric("edgekit_cache_misses_stale_total", "counter", "Forwarded because stale.", c.misses_stale);
  metric("edgekit_cache_misses_request_total", "counter",
         "Forwarded because of request directives.", c.misses_request);
  metric("edgekit_cache_bypasses_total", "counter", "Requests the cache could not serve.",
         c.bypasses);
  metric("edgekit_cache_gateway_timeouts_total", "counter", "only-if-cached 504s.",
         c.gateway_timeouts);
  metric("edgekit_cache_revalidations_total", "counter", "Conditional requests started.",
         c.revalidations);
  metric("edgekit_cache_revalidated_304_total", "counter", "304s that freshened an entry.",
         c.revalidated_304);
  metric("edgekit_cache_stores_total", "counter", "Responses stored.", c.stores);
  metric("edgekit_cache_not_stored_total", "counter", "Responses not stored.", c.not_stored);
  metric("edgekit_cache_invalidations_total", "counter", "Entries invalidated by unsafe methods.",
         c.invalidations);
  metric("edgekit_cache_evictions_total", "counter", "Entries evicted.", c.evictions);
  metric("edgekit_cache_purges_total", "counter", "Entries purged.", c.purges);
  metric("edgekit_cache_bytes", "gauge", "Bytes charged against the budget.", c.bytes);
  metric("edgekit_cache_entries", "gauge", "Stored variants.", c.entries);
  metric("edgekit_cache_collapsed_waiters_total", "counter", "Collapsed followers.",
         c.collapsed_waiters);
  metric("edgekit_cache_collapsed_hits_total", "counter", "Followers served the leader's response.",
         c.collapsed_hits);
  metric("edgekit_cache_wait_timeouts_total", "counter", "Follower waits that timed out.",
         c.wait_timeouts);

  auto load = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  metric("edgekit_proxy_requests_total", "counter", "Client requests.", load(counters_.requests));
  metric("edgekit_proxy_served_from_cache_total", "counter", "Responses served from the cache.",
         load(counters_.served_from_cache));
  metric("edgekit_proxy_origin_requests_total", "counter", "Requests sent to the origin.",
         load(counters_.origin_requests));
  metric("edgekit_proxy_origin_errors_total", "counter", "Origin failures by kind.",
         load(counters_.origin_connect_errors), "{kind=\"connect\"}");
  absl::StrAppend(&out, "edgekit_proxy_origin_errors_total{kind=\"timeout\"} ",
                  load(counters_.origin_timeouts), "\n");
  absl::StrAppend(&out, "edgekit_proxy_origin_errors_total{kind=\"other\"} ",
                  load(counters_.origin_other_errors), "\n");
  absl::StrAppend(&out, "edgekit_proxy_origin_errors_total{kind=\"rejected\"} ",
                  load(counters_.origin_rejected), "\n");
  metric("edgekit_proxy_background_revalidations_total", "counter",
         "stale-while-revalidate refreshes started.", load(counters_.background_revalidations));
  metric("edgekit_proxy_collapsed_waits_total", "counter", "Requests that waited for a leader.",
         load(counters_.collapsed_waits));
  metric("edgekit_proxy_not_modified_total", "counter",
         "304s generated by the proxy for client conditionals.",
         load(counters_.not_modified_local));
  metric("edgekit_proxy_admin_requests_total", "counter", "Admin endpoint requests.",
         load(counters_.admin_requests));
  absl::StrAppend(&out, "# HELP edgekit_proxy_responses_total Responses by status class.\n",
                  "# TYPE edgekit_proxy_responses_total counter\n");
  for (int cls = 1; cls <= 5; ++cls) {
    absl::StrAppend(&out, "edgekit_proxy_responses_total{class=\"", cls, "xx\"} ",
                    load(counters_.responses_by_class[cls]), "\n");
  }
  const HttpClient::Stats cs = client_ ? client_->stats() : HttpClient::Stats{};
  metric("edgekit_proxy_origin_connections_opened_total", "counter",
         "Connections opened to the origin.", cs.connections_opened);
  metric("edgekit_proxy_origin_connections_reused_total", "counter",
         "Requests sent on a kept-alive origin connection.", cs.connections_reused);
  if (server_ != nullptr) {
    const HttpServer::Stats ss = server_->stats();
    metric("edgekit_proxy_connections_active", "gauge", "Open client connections.",
           ss.connections_active);
    metric("edgekit_proxy_connections_accepted_total", "counter", "Client connections accepted.",
           ss.connections_accepted);
    metric("edgekit_proxy_connections_rejected_total", "counter",
           "Client connections refused (over the limit).", ss.connections_rejected);
    metric("edgekit_proxy_bad_requests_total", "counter", "Malformed client requests.",
           ss.bad_requests);
  }
  return out;
}

}  // namespace edgekit_examples
