// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: gateway.cc
// -----------------------------------------------------------------------------
// The gateway pipeline: auth → rate limit → cache → canary → breaker → origin.

#include "gateway.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/base/metrics_text.h"
#include "edgekit/jwt/key_set.h"

namespace edgekit_examples {

namespace breaker = edgekit::breaker;
namespace canary = edgekit::canary;
namespace jwt = edgekit::jwt;
namespace ratelimit = edgekit::ratelimit;
using edgekit::LabelingVisitor;
using edgekit::MetricLabel;
using edgekit::MetricsVisitor;
using edgekit::MetricType;
using edgekit::VisitSample;
using edgekit::http::EqualsIgnoreCase;

namespace {
// Forwards a breaker's state changes to a function (the gateway's log).
class FnBreakerObserver final : public breaker::CircuitBreakerObserver {
 public:
  explicit FnBreakerObserver(std::function<void(const breaker::StateChange&)> fn)
      : fn_(std::move(fn)) {}
  void OnStateChange(const breaker::StateChange& change) override { fn_(change); }

 private:
  std::function<void(const breaker::StateChange&)> fn_;
};
}  // namespace

struct Gateway::Tier {
  std::string name;
  std::string policy_field;  // RateLimit-Policy value
  std::unique_ptr<ratelimit::KeyedLimiter<ratelimit::GcraPolicy>> limiter;
  std::atomic<uint64_t> offered{0}, allowed{0}, limited{0};
};

struct Gateway::Arm {
  std::string name;
  std::unique_ptr<HttpClient> client;
  std::unique_ptr<breaker::CircuitBreakerObserver> observer;  // outlives `breaker`
  std::unique_ptr<breaker::CircuitBreaker> breaker;
  std::atomic<uint64_t> refused{0};

  edgekit::Mutex mu;
  uint64_t requests ABSL_GUARDED_BY(mu) = 0;
  uint64_t errors ABSL_GUARDED_BY(mu) = 0;
  std::vector<double> latencies_ms ABSL_GUARDED_BY(mu);  // bounded

  void Record(bool failure, absl::Duration latency, size_t max_samples) {
    edgekit::MutexLock lock(&mu);
    ++requests;
    if (failure) ++errors;
    if (latencies_ms.size() < max_samples) {
      latencies_ms.push_back(absl::ToDoubleMilliseconds(latency));
    }
  }
};

Gateway::Gateway(GatewayOptions options)
    : options_(std::move(options)), router_(options_.canary_salt) {}

Gateway::~Gateway() = default;

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(EventLoop& loop, GatewayOptions options) {
  if (options.canary_percent_bp > canary::kBuckets) {
    return absl::InvalidArgumentError("canary percent must be in 0..100");
  }
  std::unique_ptr<Gateway> g(new Gateway(std::move(options)));
  const GatewayOptions& o = g->options_;
  g->loop_ = &loop;
  if (absl::Status set = g->router_.SetDefaultPercent(o.canary_percent_bp); !set.ok()) return set;

  // JWT: keys from the JWKS, allowed algorithms (never "none").
  jwt::KeySetBuilder keys;
  absl::Status s = keys.AddJwks(o.jwks_json, g->JwksOptionsForKeys());
  if (!s.ok()) return s;
  jwt::VerifierOptions vo;
  vo.allowed_algorithms = o.algorithms;
  if (!o.issuer.empty()) vo.allowed_issuers = {o.issuer};
  if (!o.audience.empty()) vo.audiences = {o.audience};
  vo.accept_any_issuer = o.issuer.empty();  // --issuer / --audience unset: not checked
  vo.accept_any_audience = o.audience.empty();
  vo.leeway = o.leeway;
  absl::StatusOr<std::unique_ptr<jwt::Verifier>> verifier =
      jwt::Verifier::Create(std::move(vo), keys.Build());
  if (!verifier.ok()) return verifier.status();
  g->verifier_ = *std::move(verifier);

  // Rate limits: one keyed GCRA limiter per tier.
  bool has_default = false;
  for (const TierConfig& t : o.tiers) {
    absl::StatusOr<ratelimit::GcraPolicy> policy =
        ratelimit::GcraPolicy::Create(t.limit, t.period, t.burst);
    if (!policy.ok()) return policy.status();
    ratelimit::KeyedLimiterOptions lo;
    lo.max_keys = o.max_keys_per_tier;
    auto limiter = ratelimit::KeyedLimiter<ratelimit::GcraPolicy>::Create(*policy, lo);
    if (!limiter.ok()) return limiter.status();
    auto tier = std::make_unique<Tier>();
    tier->name = t.name;
    tier->policy_field =
        absl::StrCat("\"", t.name, "\";q=", t.limit, ";w=", absl::ToInt64Seconds(t.period));
    tier->limiter = *std::move(limiter);
    has_default |= t.name == o.default_tier;
    g->tiers_.push_back(std::move(tier));
  }
  if (!has_default) return absl::InvalidArgumentError("default tier is not a configured tier");
  for (const ApiKey& k : o.api_keys) {
    bool known = false;
    for (const TierConfig& t : o.tiers) known |= t.name == k.tier;
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("API key for unknown tier ", k.tier));
    }
    if (k.key.empty() || k.owner.empty()) {
      return absl::InvalidArgumentError("an API key needs a key and an owner");
    }
  }
  g->api_keys_ = ApiKeyRegistry(o.api_keys);
  g->identity_policy_.keys = &g->api_keys_;
  g->identity_policy_.unknown_keys = o.unknown_api_keys;
  g->identity_policy_.default_tier = o.default_tier;
  for (const TierConfig& t : o.tiers) g->identity_policy_.tiers.push_back(t.name);

  // Canary judge.
  absl::StatusOr<canary::RollbackJudge> judge = canary::RollbackJudge::Create(o.judge);
  if (!judge.ok()) return judge.status();
  g->judge_.emplace(*std::move(judge));
  if (!o.canary_ramp.empty()) {
    absl::StatusOr<std::vector<canary::RampStage>> stages =
        canary::ParseRampSchedule(o.canary_ramp);
    if (!stages.ok()) return stages.status();
    absl::StatusOr<std::unique_ptr<canary::RampController>> ramp =
        canary::RampController::Create(*std::move(stages), o.judge);
    if (!ramp.ok()) return ramp.status();
    g->ramp_ = *std::move(ramp);
    absl::Status set = g->router_.SetDefaultPercent(g->ramp_->percent_bp());
    if (!set.ok()) return set;
  }

  // Upstreams: a keep-alive pool and a circuit breaker each.
  Gateway* self = g.get();
  auto make_arm = [&](const HttpUrl& url,
                      std::string name) -> absl::StatusOr<std::unique_ptr<Arm>> {
    auto arm = std::make_unique<Arm>();
    arm->name = name;
    HttpClient::Options co;
    co.host = url.host;
    co.port = url.port;
    co.connect_timeout = o.proxy.connect_timeout;
    co.response_timeout = o.proxy.origin_timeout;
    co.limits.max_body_bytes = o.proxy.max_body_bytes;
    co.max_idle_connections = 256;
    absl::StatusOr<std::unique_ptr<HttpClient>> client = HttpClient::Create(loop, co);
    if (!client.ok()) return client.status();
    arm->client = *std::move(client);
    breaker::CircuitBreakerOptions bo;
    bo.name = name;
    bo.window_size = o.breaker_window;
    bo.minimum_calls = o.breaker_minimum_calls;
    bo.failure_rate_threshold = o.breaker_failure_rate;
    bo.consecutive_failures = o.breaker_consecutive_failures;
    bo.wait_in_open = o.breaker_wait;
    bo.max_wait_in_open = o.breaker_wait * 8;
    bo.wait_jitter = 0;
    bo.permitted_calls_in_half_open = o.breaker_probes;
    bo.probe_timeout = o.proxy.origin_timeout;
    arm->observer = std::make_unique<FnBreakerObserver>([self](const breaker::StateChange& c) {
      edgekit::MutexLock lock(&self->log_mu_);
      if (self->breaker_log_.size() < 1000) {
        self->breaker_log_.push_back(absl::StrCat(
            edgekit::AbslView(c.breaker_name), ": ", edgekit::AbslView(ToString(c.from)), " -> ",
            edgekit::AbslView(ToString(c.to)), " (", edgekit::AbslView(ToString(c.reason)), ")"));
      }
    });
    bo.observer = arm->observer.get();
    absl::StatusOr<std::unique_ptr<breaker::CircuitBreaker>> b =
        breaker::CircuitBreaker::Create(std::move(bo));
    if (!b.ok()) return b.status();
    arm->breaker = *std::move(b);
    return arm;
  };
  absl::StatusOr<std::unique_ptr<Arm>> stable = make_arm(o.stable, "stable");
  if (!stable.ok()) return stable.status();
  g->stable_ = *std::move(stable);
  absl::StatusOr<std::unique_ptr<Arm>> canary_arm = make_arm(o.canary, "canary");
  if (!canary_arm.ok()) return canary_arm.status();
  g->canary_ = *std::move(canary_arm);

  // The cache, with the canary + breaker upstream behind it.
  CachingProxyOptions po = o.proxy;
  po.origin = o.stable;
  // Many users behind one cache: never hand one user's cookie to another.
  po.set_cookie = edgekit::cache::SetCookiePolicy::kStrip;
  // Per-user responses are cached per validated subject (proxy_cache.h).
  po.identity_field = "X-Edgekit-Subject";
  po.upstream = [self](HttpRequest out, const HttpRequest& client, HttpClient::Callback done,
                       HttpClient::InterimCallback interim) {
    self->Upstream(std::move(out), client, std::move(done), std::move(interim));
  };
  absl::StatusOr<std::unique_ptr<CachingProxy>> proxy = CachingProxy::Create(loop, std::move(po));
  if (!proxy.ok()) return proxy.status();
  g->proxy_ = *std::move(proxy);
  // The admin listener's /metrics: the proxy's series, then the gateway's.
  g->proxy_->set_extra_metrics([self](MetricsVisitor& visitor) { self->VisitMetrics(visitor); });
  return g;
}

void Gateway::Handle(HttpRequest request, ServerExchange exchange) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  const std::string_view target = request.target;
  if (target == "/healthz") {
    exchange.Respond(TextResponse(200, "ok\n"));
    return;
  }
  if (!options_.proxy.admin_token.empty() && options_.proxy.admin_on_main_listener &&
      target.rfind("/.edgekit/", 0) == 0) {
    proxy_->Handle(std::move(request), std::move(exchange));  // its own token
    return;
  }

  // 1. Authentication.
  std::string_view token;
  if (auto auth = request.headers.Get("Authorization")) {
    if (auth->size() > 7 && EqualsIgnoreCase(auth->substr(0, 7), "Bearer ")) {
      token = auth->substr(7);
    }
  }
  if (token.empty()) {
    auth_missing_.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = TextResponse(401, "missing bearer token\n");
    r.headers.Add("WWW-Authenticate", "Bearer realm=\"edgekit-gateway\"");
    exchange.Respond(std::move(r));
    return;
  }
  const jwt::VerifyResult verdict = verifier_->Verify(token);
  if (verdict.refresh_suggested && !options_.jwks_file.empty()) {
    loop_->Post([this] { ReloadJwks(); });  // an unknown kid: keys may have rotated
  }
  auth_by_verdict_[static_cast<size_t>(verdict.verdict)].fetch_add(1, std::memory_order_relaxed);
  if (!verdict.ok()) {
    HttpResponse r = TextResponse(
        401,
        absl::StrCat("invalid token: ", edgekit::AbslView(jwt::ToString(verdict.verdict)), "\n"));
    r.headers.Add("WWW-Authenticate",
                  absl::StrCat("Bearer realm=\"edgekit-gateway\", error=\"invalid_token\", "
                               "error_description=\"",
                               edgekit::AbslView(jwt::ToString(verdict.verdict)), "\""));
    exchange.Respond(std::move(r));
    return;
  }
  // 2. Identity (identity.h): who is asking, and under which key and tier
  //    they are limited.
  Identity id;
  const IdentityVerdict iv = ResolveIdentity(*verdict.token, request.headers.Get("X-Api-Key"),
                                             request.peer_address, identity_policy_, &id);
  if (iv != IdentityVerdict::kOk) {
    identity_refused_.fetch_add(1, std::memory_order_relaxed);
    const bool forbidden = iv == IdentityVerdict::kKeyNotOwned;
    HttpResponse r = TextResponse(
        forbidden ? 403 : 401,
        forbidden ? "this API key is not issued to the token's subject\n"
                  : absl::StrCat("not identified: ", edgekit::AbslView(ToString(iv)), "\n"));
    if (!forbidden) {
      r.headers.Add("WWW-Authenticate",
                    "Bearer realm=\"edgekit-gateway\", error=\"invalid_token\"");
    }
    exchange.Respond(std::move(r));
    return;
  }
  const std::string& subject = id.subject;
  Tier* tier = nullptr;
  for (auto& t : tiers_) {
    if (t->name == id.tier) tier = t.get();
  }
  if (tier == nullptr) {
    for (auto& t : tiers_) {
      if (t->name == options_.default_tier) tier = t.get();
    }
  }
  tier->offered.fetch_add(1, std::memory_order_relaxed);
  const ratelimit::Decision d = tier->limiter->TryAcquire(id.limit_key);
  const std::string policy_field = tier->policy_field;
  const std::string ratelimit_field =
      absl::StrCat("\"", tier->name, "\";r=", d.remaining, ";t=", d.ResetAfterSeconds());
  if (!d.allowed) {
    tier->limited.fetch_add(1, std::memory_order_relaxed);
    HttpResponse r = TextResponse(429, absl::StrCat("rate limit exceeded (tier ", tier->name,
                                                    "); retry in ", d.RetryAfterSeconds(), " s\n"));
    r.headers.Add("RateLimit-Policy", policy_field);
    r.headers.Add("RateLimit", ratelimit_field);
    r.headers.Add("Retry-After", std::to_string(d.RetryAfterSeconds()));
    exchange.Respond(std::move(r));
    return;
  }
  tier->allowed.fetch_add(1, std::memory_order_relaxed);

  // 3-6. Cache → canary → breaker → origin (through the caching proxy).
  request.headers.Remove("Authorization");
  request.headers.Remove("X-Api-Key");
  request.headers.Set("X-Edgekit-Subject", subject);
  request.route_key = subject;
  ServerExchange decorated =
      exchange.WithDecorator([policy_field, ratelimit_field](HttpResponse& r) {
        r.headers.Add("RateLimit-Policy", policy_field);
        r.headers.Add("RateLimit", ratelimit_field);
      });
  proxy_->Handle(std::move(request), std::move(decorated));
}

void Gateway::Upstream(HttpRequest out, const HttpRequest& client, HttpClient::Callback done,
                       HttpClient::InterimCallback interim) {
  const canary::RouteDecision route = router_.Route(client.route_key);
  Arm* arm = route.cohort == canary::Cohort::kCanary ? canary_.get() : stable_.get();
  out.headers.Set("X-Edgekit-Cohort", canary::ToString(route.cohort));
  breaker::Permit permit = arm->breaker->TryAcquire();
  if (!permit) {
    arm->refused.fetch_add(1, std::memory_order_relaxed);
    FetchResult refused;
    refused.error = FetchError::kRejected;
    refused.error_message =
        absl::StrCat("circuit open for upstream ", arm->name, " (",
                     edgekit::AbslView(breaker::ToString(permit.rejection())), ")");
    done(std::move(refused));
    return;
  }
  auto shared_permit = std::make_shared<breaker::Permit>(std::move(permit));
  const absl::Time start = edgekit::RealClock::Get().MonotonicNow();
  const size_t max_samples = options_.max_latency_samples;
  arm->client->Fetch(
      std::move(out),
      [arm, shared_permit, start, max_samples, done = std::move(done)](FetchResult result) {
        const absl::Duration latency = edgekit::RealClock::Get().MonotonicNow() - start;
        const bool failure = result.error != FetchError::kNone || result.response.status >= 500;
        shared_permit->Record(failure ? breaker::Outcome::kFailure : breaker::Outcome::kSuccess,
                              latency);
        arm->Record(failure, latency, max_samples);
        done(std::move(result));
      },
      absl::ZeroDuration(), std::move(interim));
}

Gateway::Stats Gateway::stats() const {
  Stats s;
  s.requests = requests_.load();
  s.auth_missing = auth_missing_.load();
  s.identity_refused = identity_refused_.load();
  for (size_t i = 0; i < s.auth_by_verdict.size(); ++i) s.auth_by_verdict[i] = auth_by_verdict_[i];
  for (const auto& t : tiers_) {
    s.tiers.push_back(TierStats{t->name, t->offered.load(), t->allowed.load(), t->limited.load()});
  }
  auto arm_stats = [](Arm& a) {
    CohortStats c;
    edgekit::MutexLock lock(&a.mu);
    c.requests = a.requests;
    c.errors = a.errors;
    c.refused = a.refused.load();
    return c;
  };
  s.stable = arm_stats(*stable_);
  s.canary = arm_stats(*canary_);
  return s;
}

void Gateway::VisitMetrics(MetricsVisitor& visitor) const {
  auto counter = [&visitor](std::string_view name, std::string_view help, uint64_t value,
                            absl::Span<const MetricLabel> labels = {}) {
    VisitSample(visitor, name, help, MetricType::kCounter, static_cast<double>(value), labels);
  };
  const Stats s = stats();
  counter("edgekit_gateway_requests_total", "Client requests", s.requests);
  counter("edgekit_gateway_auth_missing_total", "Requests without a bearer token", s.auth_missing);
  counter("edgekit_gateway_identity_refused_total",
          "Requests without a subject, or with an unknown or borrowed API key", s.identity_refused);
  for (size_t v = 0; v < s.auth_by_verdict.size(); ++v) {
    if (s.auth_by_verdict[v] == 0) continue;  // 19 verdicts, most never seen
    const MetricLabel label[] = {{"verdict", jwt::ToString(static_cast<jwt::Verdict>(v))}};
    counter("edgekit_gateway_token_verdicts_total", "Token verifications by verdict",
            s.auth_by_verdict[v], label);
  }
  for (const TierStats& t : s.tiers) {
    const std::pair<std::string_view, uint64_t> outcomes[] = {{"allowed", t.allowed},
                                                              {"limited", t.limited}};
    for (const auto& [outcome, n] : outcomes) {
      const MetricLabel labels[] = {{"tier", t.name}, {"outcome", outcome}};
      counter("edgekit_gateway_rate_limit_decisions_total", "Rate-limit decisions by tier", n,
              labels);
    }
  }
  for (const auto& tier : tiers_) {
    const MetricLabel label[] = {{"tier", tier->name}};
    tier->limiter->VisitMetrics(visitor, label);
  }
  for (const auto* arm : {stable_.get(), canary_.get()}) {
    const CohortStats c = arm == stable_.get() ? s.stable : s.canary;
    const MetricLabel label[] = {{"cohort", arm->name}};
    counter("edgekit_gateway_upstream_requests_total", "Requests sent upstream, by cohort",
            c.requests, label);
    counter("edgekit_gateway_upstream_errors_total", "Upstream transport errors and 5xx, by cohort",
            c.errors, label);
    counter("edgekit_gateway_upstream_refused_total",
            "Requests refused by the cohort's open circuit breaker", c.refused, label);
    const MetricLabel breaker[] = {{"breaker", arm->name}};
    LabelingVisitor labeled(visitor, breaker);
    arm->breaker->VisitMetrics(labeled);
  }
  router_.VisitMetrics(visitor);
  if (ramp_) ramp_->VisitMetrics(visitor);
}

void Gateway::Samples(canary::ArmSample* stable, std::vector<double>* stable_latencies,
                      canary::ArmSample* canary_sample, std::vector<double>* canary_latencies) {
  {
    edgekit::MutexLock lock(&stable_->mu);
    stable->requests = stable_->requests;
    stable->errors = stable_->errors;
    *stable_latencies = stable_->latencies_ms;
  }
  {
    edgekit::MutexLock lock(&canary_->mu);
    canary_sample->requests = canary_->requests;
    canary_sample->errors = canary_->errors;
    *canary_latencies = canary_->latencies_ms;
  }
  stable->latencies = *stable_latencies;
  canary_sample->latencies = *canary_latencies;
}

void Gateway::StartControlLoop(absl::Duration interval) {
  loop_->RunAfter(interval, [this, interval] {
    ControlStep();
    StartControlLoop(interval);
  });
}

void Gateway::ControlStep() {
  if (ramp_) {
    std::vector<double> stable_lat, canary_lat;
    canary::ArmSample stable, canary_sample;
    Samples(&stable, &stable_lat, &canary_sample, &canary_lat);
    const canary::RampStep step = ramp_->Step(stable, canary_sample);
    if (step.action == canary::RampAction::kHold) return;
    (void)router_.SetDefaultPercent(step.percent_bp);
    ResetCanaryStats();
    std::printf("edgekit-gateway: canary ramp %s: canary share now %.2f%% (judge: %s, %s)\n",
                std::string(canary::ToString(step.action)).c_str(), step.percent_bp / 100.0,
                std::string(canary::ToString(step.judgement.verdict)).c_str(),
                std::string(canary::ToString(step.judgement.reason)).c_str());
    std::fflush(stdout);
    return;
  }
  if (router_.default_percent() == 0) return;
  const canary::Judgement j = JudgeCanary();
  if (j.verdict == canary::Verdict::kRollBack) {
    std::printf("edgekit-gateway: canary rolled back (%s): canary errors %.2f%%, stable %.2f%%\n",
                std::string(canary::ToString(j.reason)).c_str(), 100 * j.canary_error_rate,
                100 * j.stable_error_rate);
    std::fflush(stdout);
  }
}

void Gateway::ReloadJwks() {
  std::FILE* f = std::fopen(options_.jwks_file.c_str(), "rb");
  if (f == nullptr) return;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0 && text.size() < (size_t{1} << 20)) {
    text.append(buf, n);
  }
  std::fclose(f);
  jwt::KeySetBuilder keys;
  const absl::Status s = keys.AddJwks(text, JwksOptionsForKeys());
  if (!s.ok()) {
    std::fprintf(stderr, "edgekit-gateway: JWKS reload failed: %s\n", s.ToString().c_str());
    return;
  }
  verifier_->SetKeySet(keys.Build());
  std::printf("edgekit-gateway: JWKS reloaded from %s\n", options_.jwks_file.c_str());
  std::fflush(stdout);
}

jwt::JwksOptions Gateway::JwksOptionsForKeys() const {
  jwt::JwksOptions jo;
  for (jwt::Algorithm a : options_.algorithms) {
    if (a == jwt::Algorithm::kHS256 || a == jwt::Algorithm::kHS384 || a == jwt::Algorithm::kHS512) {
      jo.allow_symmetric_keys = true;
    }
  }
  return jo;
}

canary::Judgement Gateway::JudgeCanary() {
  std::vector<double> stable_lat;
  std::vector<double> canary_lat;
  canary::ArmSample stable;
  canary::ArmSample canary_sample;
  Samples(&stable, &stable_lat, &canary_sample, &canary_lat);
  const canary::Judgement j = judge_->Evaluate(stable, canary_sample);
  if (j.verdict == canary::Verdict::kRollBack) (void)router_.SetDefaultPercent(0);
  return j;
}

void Gateway::ResetCanaryStats() {
  for (Arm* a : {stable_.get(), canary_.get()}) {
    edgekit::MutexLock lock(&a->mu);
    a->requests = 0;
    a->errors = 0;
    a->latencies_ms.clear();
  }
}

absl::Status Gateway::SetCanaryPercent(uint32_t percent_bp) {
  return router_.SetDefaultPercent(percent_bp);
}

breaker::State Gateway::BreakerState(canary::Cohort cohort) const {
  return (cohort == canary::Cohort::kCanary ? canary_ : stable_)->breaker->state();
}

std::vector<std::string> Gateway::BreakerLog() const {
  edgekit::MutexLock lock(&log_mu_);
  return breaker_log_;
}

}  // namespace edgekit_examples
