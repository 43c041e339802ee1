// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: main.cc
// -----------------------------------------------------------------------------
// edgekit-caching-proxy: an HTTP/1.1 shared caching reverse proxy in front of
// one origin, built on edgekit::cache. See --help.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "caching_proxy.h"
#include "net.h"
#include "server_flags.h"

namespace {

using edgekit_examples::ParseCount;
using edgekit_examples::ParseSeconds;

constexpr char kUsage[] =
    R"(usage: edgekit-caching-proxy --listen HOST:PORT --origin http://HOST:PORT [flags]

An HTTP/1.1 shared caching reverse proxy (RFC 9111) in front of one origin,
built on edgekit::cache. Every request goes through the cache: hits are served
with Age and Cache-Status, misses and revalidations go to the origin, stale
responses are served within stale-while-revalidate (refreshed in the
background) and stale-if-error, unsafe methods invalidate, concurrent misses
for one key are collapsed into one origin request.

flags:
  --listen HOST:PORT       address to listen on (only this one), e.g. 127.0.0.1:8080;
                           port 0 picks a free port (printed on stdout)
  --origin URL             the origin, http://HOST:PORT (no TLS)
  --max-bytes N            cache budget in bytes (default 268435456)
  --max-object-bytes N     largest cacheable response (default 16777216)
  --max-body-bytes N       largest request body forwarded (default 67108864); larger → 413
  --max-response-bytes N   largest origin response body forwarded (default 0: no limit;
                           bodies stream through in bounded memory and only those within
                           --max-object-bytes are stored); a Content-Length over it → 502,
                           a body that passes it mid-stream cuts the client's connection
  --stale-on-error S       serve a stored response up to S seconds past its freshness when
                           the origin cannot be reached, unless must-revalidate,
                           proxy-revalidate, s-maxage or no-cache forbid it (default 3600;
                           0: only within the origin's stale-if-error)
  --cache-name NAME        name in Cache-Status and Via, and the device token sent in
                           Surrogate-Capability: Surrogate-Control directives targeted
                           at it (max-age=60;NAME) or untargeted are honoured after
                           CDN-Cache-Control, then stripped (default edgekit)
  --set-cookie POLICY      responses with Set-Cookie: store (default; RFC 9111 §7.3: it does
                           not inhibit caching), strip (store without it) or dont-store
  --admin-token T          enable the admin endpoint, authenticated by a header only,
                           "Authorization: Bearer T" or "X-Edgekit-Admin-Token: T"
                           (5 failures per client address, then 5 per minute; beyond: 429):
                             POST /.edgekit/purge?url=URL[&host=H][&soft=1] (URL absolute or /path)
                             POST /.edgekit/purge?tag=KEY[&soft=1]   (Surrogate-Key / Cache-Tag)
                             POST /.edgekit/purge-all
                             GET  /.edgekit/metrics                  (Prometheus text; also
                                                                      GET /metrics on --admin-listen)
                           without it, /.edgekit/ paths are proxied like any other
  --admin-listen HOST:PORT serve the admin endpoint on this address only (not on --listen,
                           where /.edgekit/ is then proxied like any other path)
  --threads N              event loop threads (default 2)
  --connect-timeout S      origin connect timeout in seconds (default 5) → 502
  --origin-timeout S       origin response timeout in seconds (default 30) → 504
  --help                   this text
)";

int Fail(std::string_view message) {
  std::fprintf(stderr, "edgekit-caching-proxy: %.*s\n(see --help)\n",
               static_cast<int>(message.size()), message.data());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using edgekit_examples::CachingProxy;
  using edgekit_examples::CachingProxyOptions;
  using edgekit_examples::EventLoop;
  using edgekit_examples::HttpServer;

  CachingProxyOptions options;
  HttpServer::Options so;
  std::string listen;
  std::string origin;
  std::string admin_listen;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::fputs(edgekit_examples::kServerFlagsUsage, stdout);
      return 0;
    }
    if (i + 1 >= argc) return Fail(absl::StrCat("missing value for ", edgekit::AbslView(flag)));
    const std::string_view value = argv[++i];
    std::string error;
    if (edgekit_examples::ParseServerFlag(flag, value, &so, &error)) {
      if (!error.empty()) return Fail(error);
    } else if (flag == "--listen") {
      listen = std::string(value);
    } else if (flag == "--origin") {
      origin = std::string(value);
    } else if (flag == "--admin-listen") {
      admin_listen = std::string(value);
    } else if (flag == "--max-bytes") {
      if (!ParseCount(value, &options.max_bytes)) return Fail("bad --max-bytes");
    } else if (flag == "--max-response-bytes") {
      if (!ParseCount(value, &options.max_response_bytes)) return Fail("bad --max-response-bytes");
    } else if (flag == "--max-object-bytes") {
      if (!ParseCount(value, &options.max_object_bytes)) return Fail("bad --max-object-bytes");
    } else if (flag == "--max-body-bytes") {
      if (!ParseCount(value, &options.max_body_bytes)) return Fail("bad --max-body-bytes");
    } else if (flag == "--stale-on-error") {
      if (!ParseSeconds(value, &options.stale_on_error, /*zero_ok=*/true)) {
        return Fail("bad --stale-on-error");
      }
    } else if (flag == "--cache-name") {
      options.cache_name = std::string(value);
    } else if (flag == "--set-cookie") {
      if (value == "store") {
        options.set_cookie = edgekit::cache::SetCookiePolicy::kStore;
      } else if (value == "strip") {
        options.set_cookie = edgekit::cache::SetCookiePolicy::kStrip;
      } else if (value == "dont-store") {
        options.set_cookie = edgekit::cache::SetCookiePolicy::kDontStore;
      } else {
        return Fail("bad --set-cookie (store, strip or dont-store)");
      }
    } else if (flag == "--admin-token") {
      options.admin_token = std::string(value);
    } else if (flag == "--threads") {
      if (!absl::SimpleAtoi(edgekit::AbslView(value), &threads) || threads < 1 || threads > 256) {
        return Fail("bad --threads (1..256)");
      }
    } else if (flag == "--connect-timeout") {
      if (!ParseSeconds(value, &options.connect_timeout)) return Fail("bad --connect-timeout");
    } else if (flag == "--origin-timeout") {
      if (!ParseSeconds(value, &options.origin_timeout)) return Fail("bad --origin-timeout");
    } else {
      return Fail(absl::StrCat("unknown flag ", edgekit::AbslView(flag)));
    }
  }
  if (listen.empty() || origin.empty()) return Fail("--listen and --origin are required");
  if (!edgekit_examples::ParseHostPort(listen, &so.host, &so.port)) {
    return Fail("bad --listen (HOST:PORT)");
  }
  if (!edgekit_examples::ParseHttpUrl(origin, &options.origin)) {
    return Fail("bad --origin (http://HOST:PORT)");
  }
  if (options.cache_name.empty() || !edgekit::http::IsToken(options.cache_name)) {
    return Fail("bad --cache-name (a token)");
  }
  HttpServer::Options admin_so = so;
  if (!admin_listen.empty()) {
    if (options.admin_token.empty()) return Fail("--admin-listen needs --admin-token");
    if (!edgekit_examples::ParseHostPort(admin_listen, &admin_so.host, &admin_so.port)) {
      return Fail("bad --admin-listen (HOST:PORT)");
    }
    options.admin_on_main_listener = false;
    admin_so.max_connections = 64;
    admin_so.max_connections_per_address = 16;
  }
  so.limits.max_body_bytes = options.max_body_bytes;
  edgekit_examples::RaiseOpenFileLimit();

  EventLoop loop(threads);
  absl::StatusOr<std::unique_ptr<CachingProxy>> proxy = CachingProxy::Create(loop, options);
  if (!proxy.ok()) return Fail(proxy.status().ToString());
  CachingProxy* const p = proxy->get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Create(
      loop, so, [p](edgekit_examples::HttpRequest req, edgekit_examples::ServerExchange ex) {
        p->Handle(std::move(req), std::move(ex));
      });
  if (!server.ok()) return Fail(server.status().ToString());
  p->set_server(server->get());
  std::unique_ptr<HttpServer> admin_server;
  if (!admin_listen.empty()) {
    absl::StatusOr<std::unique_ptr<HttpServer>> a = HttpServer::Create(
        loop, admin_so,
        [p](edgekit_examples::HttpRequest req, edgekit_examples::ServerExchange ex) {
          p->HandleAdmin(std::move(req), std::move(ex));
        });
    if (!a.ok()) return Fail(a.status().ToString());
    admin_server = *std::move(a);
    p->set_admin_server(admin_server.get());
  }
  std::printf("edgekit-caching-proxy listening on %s:%u, origin %s, cache %zu bytes\n",
              so.host.c_str(), static_cast<unsigned>((*server)->port()),
              options.origin.authority.c_str(), options.max_bytes);
  if (admin_server) {
    std::printf("edgekit-caching-proxy admin listening on %s:%u\n", admin_so.host.c_str(),
                static_cast<unsigned>(admin_server->port()));
  }
  std::fflush(stdout);

  loop.WaitForSignal();
  std::printf("edgekit-caching-proxy: shutting down\n");
  std::fflush(stdout);
  // Join the loop threads, then leave without unwinding: requests still in
  // flight hold cache tickets and sockets whose owners (cache, io_context)
  // would otherwise have to be torn down in a delicate order.
  loop.Stop();
  std::exit(0);
}
