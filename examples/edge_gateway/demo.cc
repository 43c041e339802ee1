// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: demo.cc
// -----------------------------------------------------------------------------
// The gateway's scripted demo: in-process origins, a token minter, a
// concurrent load generator, five scenarios and a report of measured facts.

#include "demo.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "edgekit/canary/judge.h"
#include "gateway.h"

namespace edgekit_examples {

// -----------------------------------------------------------------------------
// DemoOrigin
// -----------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<DemoOrigin>> DemoOrigin::Start(EventLoop& loop, std::string name) {
  std::unique_ptr<DemoOrigin> o(new DemoOrigin(std::move(name)));
  HttpServer::Options so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.server_name = "edgekit-demo-origin";
  DemoOrigin* self = o.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Create(
      loop, so, [self](HttpRequest req, ServerExchange ex) { self->Handle(std::move(req), ex); });
  if (!server.ok()) return server.status();
  o->server_ = *std::move(server);
  return o;
}

std::string DemoOrigin::url() const { return absl::StrCat("http://127.0.0.1:", server_->port()); }

uint64_t DemoOrigin::Count(const std::string& path) const {
  edgekit::MutexLock lock(&mu_);
  auto it = counts_.find(path);
  return it == counts_.end() ? 0 : it->second;
}

uint64_t DemoOrigin::Total() const {
  edgekit::MutexLock lock(&mu_);
  return total_;
}

std::set<std::string> DemoOrigin::WorkUsers() const {
  edgekit::MutexLock lock(&mu_);
  return work_users_;
}

void DemoOrigin::ClearWorkUsers() {
  edgekit::MutexLock lock(&mu_);
  work_users_.clear();
}

void DemoOrigin::Handle(HttpRequest req, ServerExchange ex) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  uint64_t work_n = 0;
  {
    edgekit::MutexLock lock(&mu_);
    if (counts_.size() < 1000 || counts_.count(path) != 0) ++counts_[path];
    ++total_;
    if (path == "/api/work") {
      work_n = ++work_;
      if (work_users_.size() < 100000) {
        work_users_.insert(std::string(req.headers.Get("X-Edgekit-Subject").value_or("")));
      }
    }
  }
  auto reply = [&](int status, std::string body, std::string cache_control) {
    HttpResponse r = TextResponse(status, std::move(body));
    if (!cache_control.empty()) r.headers.Add("Cache-Control", cache_control);
    r.headers.Add("X-Origin", name_);
    return r;
  };
  if (down_.load()) {
    ex.Respond(reply(503, absl::StrCat(name_, " is down\n"), "no-store"));
    return;
  }
  if (path == "/api/hot") {
    // A slow-ish origin (300 ms) with a validator: a stampede on an expired
    // key would hit it hard without collapsing.
    HttpResponse r;
    if (req.headers.Get("If-None-Match") == std::optional<std::string_view>("\"hot-1\"")) {
      // A successful revalidation extends freshness, so the stampede's
      // stragglers are hits even on a slow machine.
      r = reply(304, "", "max-age=60");
      r.headers.Add("ETag", "\"hot-1\"");
    } else {
      r = reply(200, "hot item\n", "max-age=1");
      r.headers.Add("ETag", "\"hot-1\"");
    }
    ex.strand().RunAfter(absl::Milliseconds(300),
                         [ex, r = std::move(r)]() mutable { ex.Respond(std::move(r)); });
    return;
  }
  if (path == "/api/catalog") {
    ex.Respond(reply(200, "catalog v1\n", "max-age=1, stale-if-error=300"));
    return;
  }
  if (path == "/api/work") {
    const int period = work_error_period_.load();
    if (period > 0 && work_n % static_cast<uint64_t>(period) == 0) {
      ex.Respond(reply(500, absl::StrCat(name_, " failed\n"), "no-store"));
      return;
    }
    ex.Respond(reply(200, absl::StrCat("work done by ", name_, "\n"), "no-store"));
    return;
  }
  if (path == "/api/auth-check" || path == "/api/limited") {
    ex.Respond(reply(200, absl::StrCat("ok from ", name_, "\n"), "no-store"));
    return;
  }
  ex.Respond(reply(404, "no such demo path\n", "no-store"));
}

// -----------------------------------------------------------------------------
// DemoKeys
// -----------------------------------------------------------------------------

namespace {

std::string Base64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (in.size() - i == 1) {
    const uint32_t v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (in.size() - i == 2) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string RandomBytes(size_t n) {
  std::random_device rd;
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rd() & 0xff);
  return s;
}

constexpr char kKid[] = "demo-hs256";

std::string Payload(const std::string& sub, int64_t ttl_seconds, const std::string& tier) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  std::string p = absl::StrCat(
      "{\"iss\":\"", DemoKeys::kIssuer, "\",\"aud\":\"", DemoKeys::kAudience, "\",\"sub\":\"", sub,
      "\",\"iat\":", ttl_seconds < 0 ? now + 2 * ttl_seconds : now, ",\"exp\":", now + ttl_seconds);
  if (!tier.empty()) absl::StrAppend(&p, ",\"tier\":\"", tier, "\"");
  return p + "}";
}

}  // namespace

DemoKeys::DemoKeys() : secret_(RandomBytes(32)), other_secret_(RandomBytes(32)) {}

std::string DemoKeys::Jwks() const {
  return absl::StrCat("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"", kKid,
                      "\",\"alg\":\"HS256\",\"use\":\"sig\",\"k\":\"", Base64Url(secret_), "\"}]}");
}

std::string DemoKeys::Sign(const std::string& secret, const std::string& header_json,
                           const std::string& payload_json) const {
  const std::string signing_input =
      absl::StrCat(Base64Url(header_json), ".", Base64Url(payload_json));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_len);
  return absl::StrCat(signing_input, ".",
                      Base64Url(std::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

std::string DemoKeys::Token(const std::string& sub, int64_t ttl_seconds,
                            const std::string& tier) const {
  return Sign(secret_, absl::StrCat("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"", kKid, "\"}"),
              Payload(sub, ttl_seconds, tier));
}

std::string DemoKeys::Forged(const std::string& sub) const {
  return Sign(other_secret_,
              absl::StrCat("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"", kKid, "\"}"),
              Payload(sub, 600, ""));
}

std::string DemoKeys::AlgNone(const std::string& sub) const {
  return absl::StrCat(Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}"), ".",
                      Base64Url(Payload(sub, 600, "")), ".");
}

// -----------------------------------------------------------------------------
// Load generator
// -----------------------------------------------------------------------------

namespace {

struct Outcome {
  int status = 0;  // 0: transport error
  edgekit::http::HeaderMap headers;
  std::string body;
};

// Sends `requests` through `client` with at most `concurrency` in flight;
// prints a progress bar; returns the outcomes in request order. Never blocks
// longer than `deadline` (missing outcomes keep status 0).
std::vector<Outcome> RunLoad(HttpClient& client, std::vector<HttpRequest> requests,
                             size_t concurrency, absl::Duration deadline = absl::Seconds(60)) {
  struct State : std::enable_shared_from_this<State> {
    HttpClient* client = nullptr;
    std::vector<HttpRequest> requests;
    std::vector<Outcome> out;
    std::atomic<size_t> next{0};
    std::atomic<size_t> done{0};
    std::promise<void> finished;
    void IssueNext() {
      const size_t i = next.fetch_add(1);
      if (i >= requests.size()) return;
      client->Fetch(requests[i], [self = shared_from_this(), i](FetchResult r) {
        if (r.error == FetchError::kNone) {
          self->out[i].status = r.response.status;
          self->out[i].headers = std::move(r.response.headers);
          self->out[i].body = std::move(r.response.body);
        }
        const size_t n = self->done.fetch_add(1) + 1;
        const size_t total = self->requests.size();
        if (total >= 20 && n % (total / 20) == 0) {
          std::fputc('.', stdout);
          std::fflush(stdout);
        }
        if (n == total) {
          self->finished.set_value();
        } else {
          self->IssueNext();
        }
      });
    }
  };
  auto state = std::make_shared<State>();
  state->client = &client;
  state->requests = std::move(requests);
  state->out.resize(state->requests.size());
  if (state->requests.empty()) return {};
  std::future<void> f = state->finished.get_future();
  std::printf("    ");
  for (size_t k = 0; k < concurrency && k < state->requests.size(); ++k) state->IssueNext();
  const bool ok = f.wait_for(absl::ToChronoMilliseconds(deadline)) == std::future_status::ready;
  std::printf(ok ? " %zu responses\n" : " TIMED OUT after %zu responses\n", state->done.load());
  if (!ok) return std::vector<Outcome>(state->requests.size());
  return std::move(state->out);
}

HttpRequest Get(const std::string& target, const std::string& token,
                const std::string& api_key = "") {
  HttpRequest r;
  r.method = "GET";
  r.target = target;
  if (!token.empty()) r.headers.Add("Authorization", "Bearer " + token);
  if (!api_key.empty()) r.headers.Add("X-Api-Key", api_key);
  return r;
}

void Sleep(absl::Duration d) { std::this_thread::sleep_for(absl::ToChronoNanoseconds(d)); }

class Report {
 public:
  void Section(const std::string& title) { lines_.push_back("\n" + title); }
  void Fact(const std::string& line) { lines_.push_back("  " + line); }
  void Check(bool ok, const std::string& claim) {
    checks_.emplace_back(ok, claim);
    if (!ok) std::printf("    (check failed: %s)\n", claim.c_str());
  }
  int Print(bool check) const {
    std::printf("\n==================== edgekit gateway demo: report ====================\n");
    for (const std::string& l : lines_) std::printf("%s\n", l.c_str());
    size_t passed = 0;
    for (const auto& [ok, claim] : checks_) passed += ok ? 1 : 0;
    if (!check) {
      std::printf("\n(%zu of %zu expectations held; run with --check to assert them)\n", passed,
                  checks_.size());
      return 0;
    }
    std::printf("\nchecks:\n");
    for (const auto& [ok, claim] : checks_) {
      std::printf("  [%s] %s\n", ok ? "pass" : "FAIL", claim.c_str());
    }
    std::printf("%zu/%zu checks passed\n", passed, checks_.size());
    return passed == checks_.size() ? 0 : 1;
  }

 private:
  std::vector<std::string> lines_;
  std::vector<std::pair<bool, std::string>> checks_;
};

std::string Percent(double x) { return absl::StrFormat("%.2f%%", 100.0 * x); }

}  // namespace

// -----------------------------------------------------------------------------
// The scenario
// -----------------------------------------------------------------------------

int RunDemo(const DemoOptions& options) {
  namespace canary = edgekit::canary;
  namespace breaker = edgekit::breaker;
  const absl::Time demo_start = absl::Now();
  EventLoop loop(options.threads < 2 ? 2 : options.threads);

  std::printf("edgekit gateway demo: starting two demo origins and the gateway on 127.0.0.1\n");
  absl::StatusOr<std::unique_ptr<DemoOrigin>> stable_or = DemoOrigin::Start(loop, "stable");
  absl::StatusOr<std::unique_ptr<DemoOrigin>> canary_or = DemoOrigin::Start(loop, "canary");
  if (!stable_or.ok() || !canary_or.ok()) {
    std::fprintf(stderr, "cannot start demo origins\n");
    return 1;
  }
  DemoOrigin& stable = **stable_or;
  DemoOrigin& canary_origin = **canary_or;
  DemoKeys keys;

  GatewayOptions go;
  ParseHttpUrl(stable.url(), &go.stable);
  ParseHttpUrl(canary_origin.url(), &go.canary);
  go.jwks_json = keys.Jwks();
  go.algorithms = {edgekit::jwt::Algorithm::kHS256};
  go.issuer = DemoKeys::kIssuer;
  go.audience = DemoKeys::kAudience;
  go.tiers = {{"free", 20, absl::Seconds(10), 0},
              {"pro", 200, absl::Seconds(10), 0},
              {"internal", 1000000, absl::Seconds(1), 0}};
  go.default_tier = "free";
  go.api_keys = {{"key-free-1", "free", "alice"},
                 {"key-pro-1", "pro", "alice"},
                 {"key-demo", "internal", "alice"}};
  go.judge.min_requests = 100;
  go.judge.max_error_ratio = 1.5;
  go.judge.confidence = 0.95;
  go.judge.max_latency_ratio = 5.0;
  go.judge.promote_min_requests = 200;
  go.breaker_consecutive_failures = 5;
  go.breaker_wait = absl::Seconds(1);
  go.breaker_probes = 2;
  go.proxy.cache_name = "edgekit-gateway";
  go.proxy.origin_timeout = absl::Seconds(10);
  go.proxy.connect_timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<Gateway>> gateway_or = Gateway::Create(loop, go);
  if (!gateway_or.ok()) {
    std::fprintf(stderr, "gateway: %s\n", gateway_or.status().ToString().c_str());
    return 1;
  }
  Gateway& gateway = **gateway_or;
  HttpServer::Options so;
  so.host = "127.0.0.1";
  so.port = 0;
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Create(loop, so, [&gateway](HttpRequest req, ServerExchange ex) {
        gateway.Handle(std::move(req), std::move(ex));
      });
  if (!server.ok()) {
    std::fprintf(stderr, "gateway listen: %s\n", server.status().ToString().c_str());
    return 1;
  }
  HttpClient::Options co;
  co.host = "127.0.0.1";
  co.port = (*server)->port();
  co.max_idle_connections = 512;
  co.response_timeout = absl::Seconds(20);
  absl::StatusOr<std::unique_ptr<HttpClient>> client_or = HttpClient::Create(loop, co);
  if (!client_or.ok()) return 1;
  HttpClient& client = **client_or;
  std::printf("  gateway http://127.0.0.1:%u  stable %s  canary %s\n",
              static_cast<unsigned>((*server)->port()), stable.url().c_str(),
              canary_origin.url().c_str());

  Report report;
  const std::string alice = keys.Token("alice");
  auto both = [&](const std::string& path) {
    return stable.Count(path) + canary_origin.Count(path);
  };

  // --- 1. Authentication -----------------------------------------------------
  {
    std::printf(
        "[1/5] auth: 25 requests each with a valid, expired, forged, alg=none and no token\n");
    const std::vector<std::pair<std::string, std::string>> kinds = {
        {"valid", alice},
        {"expired", keys.Token("alice", -600)},
        {"forged", keys.Forged("alice")},
        {"alg=none", keys.AlgNone("alice")},
        {"missing", ""}};
    std::vector<HttpRequest> reqs;
    for (int i = 0; i < 25; ++i) {
      for (const auto& [kind, token] : kinds)
        reqs.push_back(Get("/api/auth-check", token, "key-demo"));
    }
    const uint64_t before = both("/api/auth-check");
    std::vector<Outcome> out = RunLoad(client, std::move(reqs), 16);
    const uint64_t reached = both("/api/auth-check") - before;
    report.Section("auth (JWT, HS256 key from a JWKS):");
    uint64_t valid_ok = 0;
    for (size_t k = 0; k < kinds.size(); ++k) {
      std::map<int, int> statuses;
      for (size_t i = k; i < out.size(); i += kinds.size()) ++statuses[out[i].status];
      std::string s;
      for (const auto& [status, n] : statuses) absl::StrAppend(&s, n, "x ", status, " ");
      report.Fact(absl::StrFormat("%-9s tokens: %s", kinds[k].first, s));
      if (k == 0) {
        valid_ok = statuses[200];
        report.Check(statuses[200] == 25, "all 25 valid tokens were answered 200");
      } else {
        report.Check(statuses[401] == 25,
                     absl::StrCat("all 25 ", kinds[k].first, " tokens were refused with 401"));
      }
    }
    report.Fact(absl::StrCat("origin saw ", reached, " of ", out.size(),
                             " requests (valid tokens answered: ", valid_ok, ")"));
    report.Check(reached == 25, "only the 25 valid requests reached the origin");
  }

  // --- 2. Rate limits ----------------------------------------------------------
  {
    std::printf(
        "[2/5] rate limits: 100 requests each for a free (20/10s) and a pro (200/10s) key\n");
    std::vector<HttpRequest> reqs;
    for (int i = 0; i < 100; ++i) {
      reqs.push_back(Get("/api/limited", alice, "key-free-1"));
      reqs.push_back(Get("/api/limited", alice, "key-pro-1"));
    }
    const uint64_t before = both("/api/limited");
    const absl::Time t0 = absl::Now();
    std::vector<Outcome> out = RunLoad(client, std::move(reqs), 10);
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - t0);
    const uint64_t reached = both("/api/limited") - before;
    report.Section("rate limits (GCRA per API key, by tier):");
    uint64_t allowed_total = 0;
    for (int tier = 0; tier < 2; ++tier) {
      int ok = 0, limited = 0, with_fields = 0;
      std::string example;
      for (size_t i = static_cast<size_t>(tier); i < out.size(); i += 2) {
        if (out[i].status == 200) ++ok;
        if (out[i].status == 429) {
          ++limited;
          const auto& h = out[i].headers;
          if (h.Contains("RateLimit") && h.Contains("RateLimit-Policy") &&
              h.Contains("Retry-After")) {
            ++with_fields;
          }
          if (example.empty()) {
            example = absl::StrCat(
                "RateLimit-Policy: ", edgekit::AbslView(h.Get("RateLimit-Policy").value_or("")),
                " | RateLimit: ", edgekit::AbslView(h.Get("RateLimit").value_or("")),
                " | Retry-After: ", edgekit::AbslView(h.Get("Retry-After").value_or("")));
          }
        }
      }
      allowed_total += static_cast<uint64_t>(ok);
      const char* name = tier == 0 ? "free" : "pro";
      report.Fact(absl::StrFormat("%-4s key: offered 100, allowed %d, 429 %d (in %.2f s)", name, ok,
                                  limited, elapsed));
      if (!example.empty()) report.Fact(absl::StrCat("     a 429 carried ", example));
      if (tier == 0) {
        // 20 burst, plus what GCRA refills (2/s) during the run.
        const int ceiling = 20 + static_cast<int>(elapsed * 2.0) + 1;
        report.Check(ok >= 20 && ok <= ceiling,
                     absl::StrCat("free tier allowed its burst of 20 and at most ", ceiling,
                                  " (refill during the run)"));
        report.Check(limited == 100 - ok && limited > 0, "every other free-tier request got 429");
        report.Check(with_fields == limited,
                     "every 429 carried RateLimit-Policy, RateLimit and Retry-After");
      } else {
        report.Check(ok == 100, "the pro tier allowed all 100");
      }
    }
    report.Check(reached == allowed_total, "only allowed requests reached the origin");
  }

  // --- 3. Stampede ---------------------------------------------------------------
  {
    std::printf(
        "[3/5] stampede: 200 concurrent requests for one expired key (waits 1.2 s for "
        "max-age=1)\n");
    std::vector<Outcome> prime = RunLoad(client, {Get("/api/hot", alice, "key-demo")}, 1);
    Sleep(absl::Milliseconds(1200));  // real time is the subject: the entry goes stale
    const uint64_t before = both("/api/hot");
    const edgekit::cache::CacheCounters c0 = gateway.proxy().cache().counters();
    std::vector<HttpRequest> reqs(200, Get("/api/hot", alice, "key-demo"));
    const absl::Time t0 = absl::Now();
    std::vector<Outcome> out = RunLoad(client, std::move(reqs), 200);
    const double elapsed = absl::ToDoubleSeconds(absl::Now() - t0);
    const uint64_t reached = both("/api/hot") - before;
    const edgekit::cache::CacheCounters c1 = gateway.proxy().cache().counters();
    int ok = 0;
    for (const Outcome& o : out) ok += (o.status == 200 && o.body == "hot item\n") ? 1 : 0;
    report.Section("stampede (cache + request collapsing):");
    report.Fact(absl::StrFormat(
        "200 concurrent requests for an expired key: %d answered 200 in %.2f s; origin saw %d "
        "request(s) (a 304 revalidation); %d waited for the leader",
        ok, elapsed, reached, c1.collapsed_waiters - c0.collapsed_waiters));
    report.Check(!prime.empty() && prime[0].status == 200, "the key was primed");
    report.Check(ok == 200, "all 200 got the response");
    report.Check(reached == 1, "the origin saw exactly 1 request for 200 concurrent clients");
  }

  // --- 4. Circuit breaker + stale-if-error ---------------------------------------
  {
    std::printf("[4/5] breaker: take the stable origin down, serve stale, bring it back\n");
    (void)RunLoad(client, {Get("/api/catalog", alice, "key-demo")}, 1);
    stable.SetDown(true);
    Sleep(absl::Milliseconds(1200));  // the catalog entry goes stale (max-age=1)
    const uint64_t before = stable.Count("/api/catalog");
    std::vector<HttpRequest> reqs(40, Get("/api/catalog", alice, "key-demo"));
    std::vector<Outcome> out = RunLoad(client, std::move(reqs), 4);
    const uint64_t reached = stable.Count("/api/catalog") - before;
    int stale_ok = 0;
    for (const Outcome& o : out) stale_ok += (o.status == 200 && o.body == "catalog v1\n") ? 1 : 0;
    const breaker::State while_down = gateway.BreakerState(canary::Cohort::kStable);
    const Gateway::Stats s_down = gateway.stats();

    stable.SetDown(false);
    const absl::Time up_at = absl::Now();
    breaker::State state = gateway.BreakerState(canary::Cohort::kStable);
    int probes = 0;
    while (state != breaker::State::kClosed && absl::Now() - up_at < absl::Seconds(8)) {
      (void)RunLoad(client, {Get("/api/work?u=alice", alice, "key-demo")}, 1);
      ++probes;
      Sleep(absl::Milliseconds(100));
      state = gateway.BreakerState(canary::Cohort::kStable);
    }
    const double to_close = absl::ToDoubleSeconds(absl::Now() - up_at);
    report.Section("circuit breaker (per upstream) with stale-if-error:");
    report.Fact(absl::StrFormat(
        "origin down: 40 requests for a stale entry → %d served stale (200); the origin saw %d; "
        "%d refused by the open breaker; breaker %s",
        stale_ok, reached, s_down.stable.refused, breaker::ToString(while_down)));
    report.Fact(absl::StrFormat("origin back: breaker %s %.1f s later (after %d requests)",
                                breaker::ToString(state), to_close, probes));
    for (const std::string& l : gateway.BreakerLog()) report.Fact("  transition " + l);
    report.Check(stale_ok == 40,
                 "every request was served the stale entry while the origin was down");
    report.Check(reached < 40 && reached <= 10,
                 "the open breaker kept requests off the dead origin");
    report.Check(while_down == breaker::State::kOpen, "the breaker opened");
    report.Check(state == breaker::State::kClosed, "the breaker closed after recovery");
  }

  // --- 5. Canary -----------------------------------------------------------------
  {
    constexpr int kUsers = 3000;
    std::printf(
        "[5/5] canary at 5%%: %d users, both upstreams failing 5%%; then the canary fails 10%%\n",
        kUsers);
    std::vector<std::string> tokens;
    tokens.reserve(kUsers);
    // Each user's token carries the "internal" tier (signed, so trusted):
    // an API key is bound to one subject and could not be shared by them.
    for (int i = 0; i < kUsers; ++i) {
      tokens.push_back(keys.Token(absl::StrCat("user-", i), 600, "internal"));
    }
    auto work = [&](int n) {
      std::vector<HttpRequest> reqs;
      for (int i = 0; i < n; ++i) {
        reqs.push_back(Get(absl::StrCat("/api/work?u=", i), tokens[static_cast<size_t>(i)]));
      }
      return reqs;
    };
    (void)gateway.SetCanaryPercent(500);
    gateway.ResetCanaryStats();
    stable.SetWorkErrorPeriod(20);
    canary_origin.SetWorkErrorPeriod(20);
    canary_origin.ClearWorkUsers();
    const uint64_t s0 = stable.Count("/api/work");
    const uint64_t c0 = canary_origin.Count("/api/work");
    const std::vector<Outcome> out_a = RunLoad(client, work(kUsers), 32);
    const uint64_t s_a = stable.Count("/api/work") - s0;
    const uint64_t c_a = canary_origin.Count("/api/work") - c0;
    const double share = c_a + s_a == 0 ? 0 : static_cast<double>(c_a) / (c_a + s_a);
    const canary::Judgement ja = gateway.JudgeCanary();
    const std::set<std::string> users_a = canary_origin.WorkUsers();

    std::printf("      now the canary's error rate doubles\n");
    gateway.ResetCanaryStats();
    canary_origin.SetWorkErrorPeriod(10);
    canary_origin.ClearWorkUsers();
    const std::vector<Outcome> out_b = RunLoad(client, work(kUsers), 32);
    const std::set<std::string> users_b = canary_origin.WorkUsers();
    const canary::Judgement jb = gateway.JudgeCanary();
    const uint32_t after_bp = gateway.canary_percent_bp();
    const uint64_t c1 = canary_origin.Count("/api/work");
    (void)RunLoad(client, work(500), 32);
    const uint64_t c_after = canary_origin.Count("/api/work") - c1;

    report.Section("canary (sticky cohorts by user, rollback judge):");
    report.Fact(
        absl::StrFormat("canary at 5.00%%: %d users → stable saw %d, canary saw %d: "
                        "measured share %s",
                        kUsers, s_a, c_a, Percent(share)));
    report.Fact(absl::StrFormat("same error rates: stable %s, canary %s → verdict %s (%s)",
                                Percent(ja.stable_error_rate), Percent(ja.canary_error_rate),
                                canary::ToString(ja.verdict), canary::ToString(ja.reason)));
    report.Fact(absl::StrFormat(
        "canary errors doubled: stable %s, canary %s (ratio %.2f, p=%.4f) → verdict %s (%s)",
        Percent(jb.stable_error_rate), Percent(jb.canary_error_rate), jb.error_ratio,
        jb.error_p_value, canary::ToString(jb.verdict), canary::ToString(jb.reason)));
    report.Fact(
        absl::StrFormat("after the rollback: canary share %u bp; 500 more requests → "
                        "canary saw %d",
                        after_bp, c_after));
    auto lost = [](const std::vector<Outcome>& out) {
      int n = 0;
      for (const Outcome& o : out)
        n += (o.status == 0 || o.status == 502 || o.status == 504) ? 1 : 0;
      return n;
    };
    size_t common = 0;
    bool b_within_a = true;
    for (const std::string& u : users_b) {
      if (users_a.count(u) != 0) {
        ++common;
      } else {
        b_within_a = false;
      }
    }
    report.Fact(absl::StrFormat(
        "sticky: %zu users in the canary the first time, %zu the second, %zu in both (requests "
        "lost to timeouts: %d, %d)",
        users_a.size(), users_b.size(), common, lost(out_a), lost(out_b)));
    report.Check(share > 0.035 && share < 0.065, "measured canary share within 5% ± 1.5%");
    report.Check(ja.verdict != canary::Verdict::kRollBack, "equal error rates: no rollback");
    report.Check(jb.verdict == canary::Verdict::kRollBack, "doubled canary errors: rollback");
    report.Check(after_bp == 0 && c_after == 0, "after the rollback no traffic reached the canary");
    report.Check(!users_a.empty() && b_within_a && common * 100 >= users_a.size() * 95,
                 "cohorts are sticky per user (the same users both times)");
  }

  const double total = absl::ToDoubleSeconds(absl::Now() - demo_start);
  const Gateway::Stats gs = gateway.stats();
  report.Section("totals:");
  report.Fact(absl::StrFormat(
      "%d requests through the gateway in %.1f s; origins saw %d (stable %d, canary %d)",
      gs.requests, total, stable.Total() + canary_origin.Total(), stable.Total(),
      canary_origin.Total()));
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  report.Fact("(sanitizer build: the one-minute bound is not asserted)");
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  report.Fact("(sanitizer build: the one-minute bound is not asserted)");
#else
  report.Check(total < 60, "the demo finished in under a minute");
#endif
#else
  report.Check(total < 60, "the demo finished in under a minute");
#endif
  const int rc = report.Print(options.check);
  std::fflush(stdout);
  // Join the loop threads and leave without unwinding (as the servers do on
  // SIGTERM): nothing is in flight, but cache tickets and sockets would need a
  // delicate teardown order otherwise.
  loop.Stop();
  std::exit(rc);
}

}  // namespace edgekit_examples
