// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: main.cc
// -----------------------------------------------------------------------------
// edgekit-gateway: JWT auth → rate limits → cache → canary → breaker → origin,
// every edgekit component in one process. See --help; `--demo` runs the
// scripted scenario.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "demo.h"
#include "gateway.h"
#include "net.h"
#include "server_flags.h"

namespace {

constexpr char kUsage[] = R"(usage: edgekit-gateway --demo [--check] [--threads N]
       edgekit-gateway --listen HOST:PORT --jwks FILE (--stable URL [--canary URL] | --demo-origins) [flags]

An edge gateway composed of every edgekit component, in DESIGN.md's order:
JWT auth (keys from a JWKS file) → identity (the token's sub; an X-Api-Key must
be registered to that subject) → rate limits by tier → HTTP cache with request
collapsing (per-user responses varied on the validated subject) →
canary routing (sticky per user) → circuit breaker per upstream with
stale-if-error → origin.

demo:
  --demo                   run the scripted scenario against in-process origins on
                           127.0.0.1 (auth, rate limits, stampede, breaker, canary) with a
                           built-in load generator, and print a report of measured facts
  --check                  with --demo: assert the report (exit 1 if a claim fails)

server flags:
  --listen HOST:PORT       address to listen on (only this one)
  --jwks FILE              verification keys (RFC 7517 JWK Set); read again when a token
                           names an unknown kid (key rotation)
  --stable URL             the stable upstream, http://HOST:PORT
  --canary URL             the canary upstream (default: the stable one)
  --demo-origins           start two in-process demo origins as stable and canary
  --canary-percent P       share of users routed to the canary, 0..100 (default 0)
  --canary-ramp SCHEDULE   staged ramp through judged gates, e.g. "1%/10m,5%/10m,25%/30m,100%"
                           (replaces --canary-percent; rolls back to 0% on a bad verdict)
  --control-interval S     how often the ramp is stepped / the canary judged (default 1)
  --issuer ISS             required iss claim (default: not checked)
  --audience AUD           required aud value (default: not checked)
  --tier NAME=LIMIT/SECS   a rate-limit tier (repeatable; replaces the defaults
                           free=20/10 and pro=200/10)
  --default-tier NAME      tier of tokens without a known "tier" claim (default free)
  --api-key KEY=TIER@SUB   a registered API key, its tier and the one subject (sub or
                           client_id) allowed to present it; others get 403 (repeatable)
  --unknown-api-keys P     an X-Api-Key not registered: refuse (default, 401) or
                           limit-by-address (ignored; limited by client address, default tier)
  --admin-token T          enable /.edgekit/ purge and metrics (see edgekit-caching-proxy)
  --admin-listen HOST:PORT serve the admin endpoint on this address only
  --max-bytes N            cache budget in bytes (default 268435456)
  --threads N              event loop threads (default 2)
  --help                   this text
)";

int Fail(std::string_view message) {
  std::fprintf(stderr, "edgekit-gateway: %.*s\n(see --help)\n", static_cast<int>(message.size()),
               message.data());
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgekit_examples;  // NOLINT: a program's main
  bool demo = false;
  bool check = false;
  bool demo_origins = false;
  int threads = 2;
  double control_interval = 1;
  std::string listen, jwks_file, stable_url, canary_url, admin_listen;
  GatewayOptions go;
  HttpServer::Options so;
  bool custom_tiers = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::fputs(kServerFlagsUsage, stdout);
      return 0;
    }
    if (flag == "--demo") {
      demo = true;
      continue;
    }
    if (flag == "--check") {
      check = true;
      continue;
    }
    if (flag == "--demo-origins") {
      demo_origins = true;
      continue;
    }
    if (i + 1 >= argc) return Fail(absl::StrCat("missing value for ", edgekit::AbslView(flag)));
    const std::string value = argv[++i];
    std::string error;
    if (ParseServerFlag(flag, value, &so, &error)) {
      if (!error.empty()) return Fail(error);
    } else if (flag == "--listen") {
      listen = value;
    } else if (flag == "--jwks") {
      jwks_file = value;
    } else if (flag == "--stable") {
      stable_url = value;
    } else if (flag == "--canary") {
      canary_url = value;
    } else if (flag == "--canary-percent") {
      double p = 0;
      if (!absl::SimpleAtod(value, &p) || p < 0 || p > 100) return Fail("bad --canary-percent");
      go.canary_percent_bp = static_cast<uint32_t>(p * 100 + 0.5);
    } else if (flag == "--canary-ramp") {
      go.canary_ramp = value;
    } else if (flag == "--control-interval") {
      if (!absl::SimpleAtod(value, &control_interval) || control_interval <= 0) {
        return Fail("bad --control-interval");
      }
    } else if (flag == "--issuer") {
      go.issuer = value;
    } else if (flag == "--audience") {
      go.audience = value;
    } else if (flag == "--tier") {
      std::vector<std::string> parts = absl::StrSplit(value, absl::ByAnyChar("=/"));
      int64_t limit = 0;
      double secs = 0;
      if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &limit) ||
          !absl::SimpleAtod(parts[2], &secs) || limit <= 0 || secs <= 0) {
        return Fail("bad --tier (NAME=LIMIT/SECONDS)");
      }
      if (!custom_tiers) go.tiers.clear();
      custom_tiers = true;
      go.tiers.push_back({parts[0], limit, absl::Seconds(secs), 0});
    } else if (flag == "--default-tier") {
      go.default_tier = value;
    } else if (flag == "--api-key") {
      absl::StatusOr<ApiKey> key = ParseApiKey(value);
      if (!key.ok()) return Fail("bad --api-key (KEY=TIER@SUBJECT)");
      go.api_keys.push_back(*std::move(key));
    } else if (flag == "--unknown-api-keys") {
      if (value == "refuse") {
        go.unknown_api_keys = UnknownApiKeys::kRefuse;
      } else if (value == "limit-by-address") {
        go.unknown_api_keys = UnknownApiKeys::kLimitByAddress;
      } else {
        return Fail("bad --unknown-api-keys (refuse or limit-by-address)");
      }
    } else if (flag == "--admin-listen") {
      admin_listen = value;
    } else if (flag == "--admin-token") {
      go.proxy.admin_token = value;
    } else if (flag == "--max-bytes") {
      uint64_t n = 0;
      if (!absl::SimpleAtoi(value, &n) || n == 0) return Fail("bad --max-bytes");
      go.proxy.max_bytes = static_cast<size_t>(n);
    } else if (flag == "--threads") {
      if (!absl::SimpleAtoi(value, &threads) || threads < 1 || threads > 256) {
        return Fail("bad --threads (1..256)");
      }
    } else {
      return Fail(absl::StrCat("unknown flag ", edgekit::AbslView(flag)));
    }
  }

  if (demo) {
    DemoOptions d;
    d.check = check;
    d.threads = threads;
    return RunDemo(d);
  }
  if (check) return Fail("--check goes with --demo");

  if (listen.empty() || !ParseHostPort(listen, &so.host, &so.port)) {
    return Fail("--listen HOST:PORT is required (or --demo)");
  }
  go.jwks_file = jwks_file;
  if (jwks_file.empty() || !ReadFile(jwks_file, &go.jwks_json)) {
    return Fail("--jwks FILE is required and must be readable");
  }
  HttpServer::Options admin_so = so;
  if (!admin_listen.empty()) {
    if (go.proxy.admin_token.empty()) return Fail("--admin-listen needs --admin-token");
    if (!ParseHostPort(admin_listen, &admin_so.host, &admin_so.port)) {
      return Fail("bad --admin-listen (HOST:PORT)");
    }
    go.proxy.admin_on_main_listener = false;
    admin_so.max_connections = 64;
    admin_so.max_connections_per_address = 16;
  }
  so.limits.max_body_bytes = go.proxy.max_body_bytes;
  RaiseOpenFileLimit();
  EventLoop loop(threads);
  std::unique_ptr<DemoOrigin> stable_origin, canary_origin;
  if (demo_origins) {
    auto s = DemoOrigin::Start(loop, "stable");
    auto c = DemoOrigin::Start(loop, "canary");
    if (!s.ok() || !c.ok()) return Fail("cannot start the demo origins");
    stable_origin = *std::move(s);
    canary_origin = *std::move(c);
    stable_url = stable_origin->url();
    canary_url = canary_origin->url();
  }
  if (stable_url.empty()) return Fail("--stable URL (or --demo-origins) is required");
  if (canary_url.empty()) canary_url = stable_url;
  if (!ParseHttpUrl(stable_url, &go.stable)) return Fail("bad --stable URL");
  if (!ParseHttpUrl(canary_url, &go.canary)) return Fail("bad --canary URL");

  absl::StatusOr<std::unique_ptr<Gateway>> gateway = Gateway::Create(loop, go);
  if (!gateway.ok()) return Fail(gateway.status().ToString());
  Gateway* g = gateway->get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Create(
      loop, so,
      [g](HttpRequest req, ServerExchange ex) { g->Handle(std::move(req), std::move(ex)); });
  if (!server.ok()) return Fail(server.status().ToString());
  g->proxy().set_server(server->get());
  std::unique_ptr<HttpServer> admin_server;
  if (!admin_listen.empty()) {
    CachingProxy* proxy = &g->proxy();
    absl::StatusOr<std::unique_ptr<HttpServer>> a =
        HttpServer::Create(loop, admin_so, [proxy](HttpRequest req, ServerExchange ex) {
          proxy->HandleAdmin(std::move(req), std::move(ex));
        });
    if (!a.ok()) return Fail(a.status().ToString());
    admin_server = *std::move(a);
    g->proxy().set_admin_server(admin_server.get());
  }
  std::printf("edgekit-gateway listening on %s:%u, stable %s, canary %s (%.2f%%)\n",
              so.host.c_str(), static_cast<unsigned>((*server)->port()), stable_url.c_str(),
              canary_url.c_str(), g->canary_percent_bp() / 100.0);
  if (admin_server) {
    std::printf("edgekit-gateway admin listening on %s:%u\n", admin_so.host.c_str(),
                static_cast<unsigned>(admin_server->port()));
  }
  std::fflush(stdout);
  g->StartControlLoop(absl::Seconds(control_interval));
  loop.WaitForSignal();
  loop.Stop();
  std::exit(0);
}
