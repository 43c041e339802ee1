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

namespace {

constexpr char kUsage[] = R"(usage: edgekit-gateway --demo [--check] [--threads N]
       edgekit-gateway --listen HOST:PORT --jwks FILE (--stable URL [--canary URL] | --demo-origins) [flags]

An edge gateway composed of every edgekit component, in DESIGN.md's order:
JWT auth (keys from a JWKS file) → rate limits keyed by API key (X-Api-Key,
else the token's sub) with tiers → HTTP cache with request collapsing →
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
  --default-tier NAME      tier of keys not listed with --api-key (default free)
  --api-key KEY=TIER       an API key and its tier (repeatable)
  --admin-token T          enable /.edgekit/ purge and metrics (see edgekit-caching-proxy)
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
  std::string listen, jwks_file, stable_url, canary_url;
  GatewayOptions go;
  bool custom_tiers = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
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
    if (flag == "--listen") {
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
      const size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return Fail("bad --api-key (KEY=TIER)");
      go.api_keys.emplace_back(value.substr(0, eq), value.substr(eq + 1));
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

  HttpServer::Options so;
  if (listen.empty() || !ParseHostPort(listen, &so.host, &so.port)) {
    return Fail("--listen HOST:PORT is required (or --demo)");
  }
  go.jwks_file = jwks_file;
  if (jwks_file.empty() || !ReadFile(jwks_file, &go.jwks_json)) {
    return Fail("--jwks FILE is required and must be readable");
  }
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
  std::printf("edgekit-gateway listening on %s:%u, stable %s, canary %s (%.2f%%)\n",
              so.host.c_str(), static_cast<unsigned>((*server)->port()), stable_url.c_str(),
              canary_url.c_str(), g->canary_percent_bp() / 100.0);
  std::fflush(stdout);
  g->StartControlLoop(absl::Seconds(control_interval));
  loop.WaitForSignal();
  loop.Stop();
  std::exit(0);
}
