// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: caching_proxy.cc
// -----------------------------------------------------------------------------
// The caching reverse proxy: request flow through the cache (ProxyCache).
// The admin endpoint and the metrics page are in proxy_admin.cc.

#include "caching_proxy.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "body_streams.h"
#include "edgekit/http/authority.h"
#include "edgekit/http/http_date.h"

namespace edgekit_examples {

using edgekit::http::EqualsIgnoreCase;
using edgekit::http::HeaderMap;
using Action = ProxyCache::Decision::Action;

// One client request on its way through the proxy. Owned by the callbacks
// that are in flight for it; its strings never move after `uri` is built, so
// `Request()` views stay valid.
struct CachingProxy::Pending {
  HttpRequest req;            // hop-by-hop fields removed
  std::string uri;            // absolute effective request URI (cache key)
  std::string origin_target;  // origin-form target sent to the origin
  ServerExchange exchange;
  bool background = false;  // a background revalidation (no client)
  ProxyCache::Ticket ticket;
  std::shared_ptr<Timer> wait_timer;
  bool wait_over = false;  // strand-confined
  int decisions = 0;

  Pending(HttpRequest r, ServerExchange ex) : req(std::move(r)), exchange(std::move(ex)) {}
  ProxyCache::Request Request() const { return ProxyCache::Request{req.method, uri, &req.headers}; }
};

namespace {

constexpr std::string_view kAdminPrefix = "/.edgekit/";
// Origin bytes queued for one client before the origin is read no further
// (when the body is not also being stored).
constexpr size_t kRelayQueueBytes = size_t{1} << 20;

// entity-tag weak comparison (RFC 9110 §8.8.3.2).
std::string_view OpaqueTag(std::string_view etag) {
  if (etag.size() >= 2 && etag[0] == 'W' && etag[1] == '/') etag.remove_prefix(2);
  return etag;
}

// RFC 9110 §13.1.1 / §13.1.3 and §13.2.2 evaluated by the cache for a
// response it serves (RFC 9111 §4.3.2): true when a 304 is the answer.
bool ClientConditionMatches(const HttpRequest& req, int status, const HeaderMap& headers) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  if (status != 200) return false;
  if (req.headers.Contains("If-None-Match")) {
    const std::optional<std::string_view> etag = headers.Get("ETag");
    bool match = false;
    req.headers.ForEachListMember("If-None-Match", [&](std::string_view member) {
      if (member == "*" || (etag && OpaqueTag(member) == OpaqueTag(*etag))) match = true;
    });
    return match;
  }
  const std::optional<std::string_view> ims = req.headers.Get("If-Modified-Since");
  if (!ims) return false;
  const std::optional<absl::Time> since = edgekit::http::ParseHttpDate(*ims);
  std::optional<std::string_view> lm = headers.Get("Last-Modified");
  if (!lm) lm = headers.Get("Date");
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
  ProxyCache::Options co;
  co.max_bytes = options.max_bytes;
  co.max_object_bytes = options.max_object_bytes;
  co.cache_name = options.cache_name;
  co.collapse_wait = options.collapse_wait;
  co.set_cookie = options.set_cookie;
  co.stale_on_error = options.stale_on_error;
  co.identity_field = options.identity_field;
  absl::StatusOr<std::unique_ptr<ProxyCache>> c = ProxyCache::Create(std::move(co));
  if (!c.ok()) return c.status();

  absl::StatusOr<edgekit::ratelimit::GcraPolicy> policy = edgekit::ratelimit::GcraPolicy::Create(
      std::max<int64_t>(options.admin_failures_per_minute, 1), absl::Minutes(1),
      std::max<int64_t>(options.admin_failure_burst, 1));
  if (!policy.ok()) return policy.status();
  edgekit::ratelimit::KeyedLimiterOptions lo;
  lo.max_keys = 65536;  // client addresses remembered; the oldest are evicted
  absl::StatusOr<std::unique_ptr<AdminLimiter>> limiter = AdminLimiter::Create(*policy, lo);
  if (!limiter.ok()) return limiter.status();

  std::unique_ptr<HttpClient> client;
  if (!options.upstream) {
    HttpClient::Options o;
    o.host = options.origin.host;
    o.port = options.origin.port;
    o.connect_timeout = options.connect_timeout;
    o.response_timeout = options.origin_timeout;
    o.limits.max_body_bytes =
        options.max_response_bytes == 0 ? UINT64_MAX : options.max_response_bytes;
    absl::StatusOr<std::unique_ptr<HttpClient>> made = HttpClient::Create(loop, o);
    if (!made.ok()) return made.status();
    client = *std::move(made);
  }
  return std::unique_ptr<CachingProxy>(
      new CachingProxy(std::move(options), *std::move(c), std::move(client), *std::move(limiter)));
}

CachingProxy::CachingProxy(CachingProxyOptions options, std::unique_ptr<ProxyCache> cache,
                           std::unique_ptr<HttpClient> client,
                           std::unique_ptr<AdminLimiter> admin_limiter)
    : options_(std::move(options)),
      via_(absl::StrCat("1.1 ", options_.cache_name)),
      surrogate_capability_(absl::StrCat(options_.cache_name, "=\"Surrogate/1.0\"")),
      cache_(std::move(cache)),
      client_(std::move(client)),
      admin_limiter_(std::move(admin_limiter)),
      clock_(edgekit::RealClock::Get()) {}

CachingProxy::~CachingProxy() = default;

void CachingProxy::Handle(HttpRequest request, ServerExchange exchange) {
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  std::string_view target = request.target;

  if (!options_.admin_token.empty() && options_.admin_on_main_listener &&
      target.substr(0, kAdminPrefix.size()) == kAdminPrefix) {
    HandleAdmin(std::move(request), std::move(exchange));
    return;
  }
  // RFC 9112 §3.2: exactly one Host field in HTTP/1.1, with a valid value.
  // The server refuses anything else before it gets here; the key must
  // never be built from an invalid authority, so check again.
  const size_t hosts = request.headers.Count("Host");
  const std::optional<std::string_view> host_field = request.headers.Get("Host");
  if ((request.version >= 11 && hosts != 1) || hosts > 1 ||
      (host_field && !edgekit::http::IsValidAuthority(*host_field))) {
    counters_.bad_authority.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = TextResponse(400, "bad request: invalid or missing Host\n");
    r.keep_alive = false;
    exchange.Respond(std::move(r));
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
  const std::string host =
      host_field ? std::string(*p->req.headers.Get("Host")) : options_.origin.authority;
  HttpUrl absolute;
  if (!target.empty() && target.front() == '/') {
    p->origin_target = std::string(target);
    p->uri = absl::StrCat("http://", host, edgekit::AbslView(target));
  } else if (ParseHttpUrl(target, &absolute) &&
             edgekit::http::IsValidAuthority(absolute.authority)) {
    // RFC 9112 §3.2.2: the target's authority replaces any Host field.
    p->origin_target = absolute.path;
    p->uri = absl::StrCat("http://", absolute.authority, absolute.path);
    p->req.headers.Set("Host", absolute.authority);
  } else if (target == "*") {
    // OPTIONS *: forwarded, never cached (an empty URI has no cache key).
    p->origin_target = "*";
    p->uri.clear();
  } else {
    // The server admits absolute-form https:// targets; this proxy speaks
    // http to its origin only.
    HttpResponse r = TextResponse(400, "bad request: only http:// absolute-form targets\n");
    r.keep_alive = false;
    p->exchange.Respond(std::move(r));
    return;
  }
  StripHopByHop(p->req.headers);
  Decide(p, cache_->Lookup(p->Request(), clock_.SystemNow(), &p->ticket));
}

void CachingProxy::Decide(const std::shared_ptr<Pending>& p, ProxyCache::Decision d) {
  ++p->decisions;
  switch (d.action) {
    case Action::kServe:
      ServeStored(p, std::move(d.stored));
      return;
    case Action::kServeAndRefresh:
      ServeStored(p, std::move(d.stored));
      RevalidateInBackground(p, std::move(d.conditional));
      return;
    case Action::kRevalidate:
      Forward(p, std::move(d.conditional));
      return;
    case Action::kFetch:
      Forward(p, HeaderMap());
      return;
    case Action::kWait:
      if (p->decisions > 4) {  // never loop: fetch without collapsing
        Forward(p, HeaderMap());
        return;
      }
      Wait(p);
      return;
    case Action::kGatewayTimeout: {
      HttpResponse res = TextResponse(504, "not in cache (only-if-cached)\n");
      if (!d.cache_status.empty()) res.headers.Add("Cache-Status", d.cache_status);
      Finish(p, std::move(res));
      return;
    }
  }
}

// One streamed origin response on its way to the store and to the client:
// the origin connection's StreamSink. Bytes are copied once, out of the read
// buffer into a chunk that the store keeps (while it stores) and the client's
// RelayPipe shares. Runs on the origin connection's strand, except the pipe's
// callbacks, which only poke the fetch handle.
struct CachingProxy::Relay final : HttpClient::StreamSink, std::enable_shared_from_this<Relay> {
  Relay(CachingProxy* proxy_in, std::shared_ptr<Pending> p_in, absl::Time t0_in,
        bool conditional_in)
      : proxy(proxy_in), p(std::move(p_in)), t0(t0_in), conditional(conditional_in) {}

  void OnStart(std::shared_ptr<HttpClient::StreamHandle> h) override { handle = std::move(h); }
  void OnHead(FetchResult head) override {
    proxy->OnStreamHead(p, shared_from_this(), std::move(head), t0, conditional);
  }
  bool OnBody(std::string_view bytes) override {
    if (discard || bytes.empty()) return true;
    edgekit::cache::BodyChunk chunk = edgekit::cache::BodyChunk::Copy(bytes);
    if (storing && !writer.Append(chunk)) {
      // Over max_object_bytes (no Content-Length said so) or the store gave
      // up: keep relaying, now at the client's pace.
      storing = false;
      if (std::shared_ptr<RelayPipe> pipe_now = pipe.lock()) pipe_now->SetUnbounded(false);
    }
    std::shared_ptr<RelayPipe> pipe_now = pipe.lock();
    if (!pipe_now) {
      if (storing) return true;  // no client (left, HEAD, 304): fill the store
      Cancel();
      return false;
    }
    const bool more = pipe_now->Push(std::move(chunk));
    return storing || more;
  }
  void OnEnd(FetchError error, std::string message) override {
    std::shared_ptr<RelayPipe> pipe_now = pipe.lock();
    if (error == FetchError::kNone) {
      if (writer.is_open()) (void)writer.Commit();
      if (pipe_now) pipe_now->End();
      return;
    }
    if (writer.is_open()) writer.Abort();  // readers of the object see it aborted
    if (pipe_now) pipe_now->Fail();
    if (!cancelled) {
      proxy->CountOriginError(error);
      std::fprintf(stderr, "%s: origin body of %s failed: %s\n", proxy->options_.cache_name.c_str(),
                   p->uri.c_str(), message.c_str());
    }
  }
  void Cancel() {
    cancelled = true;
    handle->Cancel();
  }

  CachingProxy* const proxy;
  const std::shared_ptr<Pending> p;
  const absl::Time t0;
  const bool conditional;
  std::shared_ptr<HttpClient::StreamHandle> handle;  // set before the fetch starts
  // Origin strand only:
  edgekit::cache::BodyWriter writer;  // open while the body is being stored
  bool storing = false;
  bool discard = false;  // served from the cache: the origin's body is not needed
  bool cancelled = false;
  std::weak_ptr<RelayPipe> pipe;  // the client's; gone when it let go
};

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
  HttpClient::InterimCallback interim;
  if (!p->background) {
    // RFC 9110 §15.2: a proxy forwards the 1xx responses it did not ask for
    // (103 Early Hints...), to the client that caused the request.
    interim = [this, ex = p->exchange](HttpResponse r) {
      StripHopByHop(r.headers);
      counters_.interim_forwarded.fetch_add(1, std::memory_order_relaxed);
      ex.SendInterim(std::move(r));
    };
  }
  if (options_.upstream) {
    options_.upstream(std::move(out), p->req, std::move(done), std::move(interim));
  } else {
    // The built-in client streams: the body reaches the client (and the
    // store) as it arrives.
    client_->FetchStream(std::move(out), std::make_shared<Relay>(this, p, t0, is_conditional),
                         absl::ZeroDuration(), std::move(interim));
  }
}

void CachingProxy::OnStreamHead(const std::shared_ptr<Pending>& p,
                                const std::shared_ptr<Relay>& relay, FetchResult head,
                                absl::Time t0, bool conditional) {
  if (head.error != FetchError::kNone) return OnOrigin(p, std::move(head), t0, conditional);
  const absl::Time t1 = clock_.SystemNow();
  HttpResponse& origin = head.response;
  StripHopByHop(origin.headers);
  if (!origin.headers.Contains("Date")) {
    // RFC 9110 §6.6.1: a recipient with a clock appends Date when it caches
    // or forwards a response that has none.
    origin.headers.Add("Date", edgekit::http::FormatHttpDate(t1));
  }
  std::optional<uint64_t> length;
  if (std::optional<std::string_view> cl = origin.headers.Get("Content-Length")) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(edgekit::AbslView(*cl), &n)) length = n;
  }
  const int origin_status = origin.status;
  const std::string origin_reason = std::move(origin.reason);
  ProxyCache::Begun b =
      cache_->Begin(p->Request(), origin_status, std::move(origin.headers), t0, t1, &p->ticket);
  relay->storing = b.writer.is_open();
  relay->writer = std::move(b.writer);
  if (!relay->storing && (p->background || (conditional && b.refetch) || b.from_cache)) {
    relay->discard = true;  // nobody needs the origin's body
    if (origin_status != 304) relay->Cancel();
  }
  if (p->background) return;
  if (conditional && b.refetch) {
    // Our validator selected nothing stored any more (e.g. evicted meanwhile):
    // the client did not ask for a 304, so fetch the full response.
    Forward(p, HeaderMap());
    return;
  }
  if (b.from_cache) return ServeStored(p, std::move(b.response));  // 304 merged, stale-if-error

  HttpResponse res;
  res.status = b.response.status;
  if (res.status == origin_status) res.reason = origin_reason;
  res.headers = std::move(b.response.headers);
  if (conditional && ClientConditionMatches(p->req, res.status, res.headers)) {
    counters_.not_modified_local.fetch_add(1, std::memory_order_relaxed);
    res.status = 304;
    res.reason.clear();
    res.headers.Remove("Content-Length");
    if (!relay->storing) relay->Cancel();
    return Finish(p, std::move(res));
  }
  auto pipe = std::make_shared<RelayPipe>(length, kRelayQueueBytes);
  pipe->SetUnbounded(relay->storing);
  std::weak_ptr<Relay> weak = relay;
  auto resume = [weak] {
    if (std::shared_ptr<Relay> r = weak.lock()) r->handle->Resume();
  };
  pipe->SetCallbacks(resume, resume);  // drained, or the client let go
  relay->pipe = pipe;
  res.stream = std::move(pipe);
  Finish(p, std::move(res));
}

void CachingProxy::CountOriginError(FetchError error) {
  switch (error) {
    case FetchError::kConnect:
      counters_.origin_connect_errors.fetch_add(1, std::memory_order_relaxed);
      break;
    case FetchError::kTimeout:
      counters_.origin_timeouts.fetch_add(1, std::memory_order_relaxed);
      break;
    case FetchError::kRejected:
      counters_.origin_rejected.fetch_add(1, std::memory_order_relaxed);
      break;
    case FetchError::kTooLarge:
      counters_.origin_too_large.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      counters_.origin_other_errors.fetch_add(1, std::memory_order_relaxed);
      break;
  }
}

void CachingProxy::OnOrigin(const std::shared_ptr<Pending>& p, FetchResult result, absl::Time t0,
                            bool conditional) {
  const absl::Time t1 = clock_.SystemNow();
  if (result.error != FetchError::kNone) {
    CountOriginError(result.error);
    const int status = result.error == FetchError::kTimeout    ? 504
                       : result.error == FetchError::kRejected ? 503
                                                               : 502;
    std::string cache_status;
    std::optional<ProxyCache::Stored> stale =
        cache_->OnOriginError(p->Request(), t1, &p->ticket, status, &cache_status);
    if (p->background) return;
    if (stale) {
      ServeStored(p, *std::move(stale));
      return;
    }
    HttpResponse res = TextResponse(
        status, absl::StrCat(options_.cache_name, ": origin ", options_.origin.authority, ": ",
                             result.error_message, "\n"));
    if (!cache_status.empty()) res.headers.Add("Cache-Status", cache_status);
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
  ProxyCache::Answer a = cache_->Store(p->Request(), origin_status, std::move(origin.headers),
                                       std::move(origin.body), t0, t1, &p->ticket);
  if (p->background) return;
  if (conditional && a.refetch) {
    // Our validator selected nothing stored any more (e.g. evicted meanwhile):
    // the client did not ask for a 304, so fetch the full response.
    Forward(p, HeaderMap());
    return;
  }
  HttpResponse res;
  res.status = a.response.status;
  if (res.status == origin_status) res.reason = origin_reason;
  res.headers = std::move(a.response.headers);
  if (a.from_cache) counters_.served_from_cache.fetch_add(1, std::memory_order_relaxed);
  if ((conditional || a.from_cache) && ClientConditionMatches(p->req, res.status, res.headers)) {
    counters_.not_modified_local.fetch_add(1, std::memory_order_relaxed);
    res.status = 304;
    res.reason.clear();
    res.headers.Remove("Content-Length");
  } else if (a.response.body) {
    res.stream =
        std::make_shared<CacheBodyStream>(a.response.body, 0, UINT64_MAX, a.response.body->size());
  }
  Finish(p, std::move(res));
}

void CachingProxy::ServeStored(const std::shared_ptr<Pending>& p, ProxyCache::Stored stored) {
  counters_.served_from_cache.fetch_add(1, std::memory_order_relaxed);
  HttpResponse res;
  res.status = stored.status;
  res.headers = std::move(stored.headers);
  // A complete body has its size; one still filling (a collapsed follower,
  // a hit on an object being stored) is sent as it fills, with the stored
  // Content-Length when there is one (the connection is cut if the insert
  // fails: never a truncated body that looks whole).
  const bool complete = stored.body && stored.body->complete();
  std::optional<uint64_t> length;
  if (complete) {
    length = *stored.body->size();
  } else if (!stored.body) {
    length = 0;
  } else if (std::optional<std::string_view> cl = res.headers.Get("Content-Length")) {
    uint64_t n = 0;
    if (absl::SimpleAtoi(edgekit::AbslView(*cl), &n)) length = n;
  }
  if (ClientConditionMatches(p->req, stored.status, res.headers)) {
    counters_.not_modified_local.fetch_add(1, std::memory_order_relaxed);
    res.status = 304;
    res.headers.Remove("Content-Length");
  } else if (p->req.method != "HEAD") {
    size_t first = 0;
    size_t last = 0;
    // Ranges of complete bodies only (RFC 9110 §14.2: a server may ignore
    // Range; a filling body is sent whole).
    const RangeAnswer range =
        stored.status == 200 && complete
            ? SelectRange(p->req, res.headers, static_cast<size_t>(*length), &first, &last)
            : RangeAnswer::kFull;
    if (range == RangeAnswer::kPartial) {
      // RFC 9110 §14.2, §15.3.7: one range of the stored full response.
      res.status = 206;
      res.headers.Remove("Content-Length");
      res.headers.Set("Content-Range", absl::StrCat("bytes ", first, "-", last, "/", *length));
      res.stream = std::make_shared<CacheBodyStream>(std::move(stored.body), first, last + 1,
                                                     last - first + 1);
    } else if (range == RangeAnswer::kUnsatisfiable) {
      res = TextResponse(416, "range not satisfiable\n");
      res.headers.Set("Content-Range", absl::StrCat("bytes */", *length));
    } else if (stored.body) {
      res.stream = std::make_shared<CacheBodyStream>(std::move(stored.body), 0, UINT64_MAX, length);
    }
  } else if (length) {
    // HEAD from a stored GET: no body, but its length as metadata.
    res.headers.Set("Content-Length", std::to_string(*length));
  }
  Finish(p, std::move(res));
}

void CachingProxy::RevalidateInBackground(const std::shared_ptr<Pending>& p,
                                          HeaderMap conditional) {
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
  bg->ticket = std::move(p->ticket);
  Forward(bg, std::move(conditional));
}

void CachingProxy::Wait(const std::shared_ptr<Pending>& p) {
  counters_.collapsed_waits.fetch_add(1, std::memory_order_relaxed);
  Strand& strand = p->exchange.strand();
  // Both the leader's completion and our timeout land on the connection's
  // strand, so exactly one of them resumes the request.
  p->wait_timer = strand.RunAfter(options_.collapse_wait, [p] {
    if (!p->wait_over) p->ticket.Cancel();  // runs the OnReady callback (timeout)
  });
  p->ticket.OnReady([this, p] { p->exchange.strand().Post([this, p] { OnWaitOver(p); }); });
}

void CachingProxy::OnWaitOver(const std::shared_ptr<Pending>& p) {
  if (p->wait_over) return;
  p->wait_over = true;
  if (p->wait_timer) p->wait_timer->Cancel();
  Decide(p, cache_->Resume(p->Request(), &p->ticket, clock_.SystemNow()));
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
  if (cls >= 1 && cls <= 5) {
    counters_.responses_by_class[cls].fetch_add(1, std::memory_order_relaxed);
  }
  p->exchange.Respond(std::move(response));
}

}  // namespace edgekit_examples
