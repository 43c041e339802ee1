// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: gateway.h
// -----------------------------------------------------------------------------
// `Gateway`: one HTTP handler that composes every edgekit component in the
// order of DESIGN.md's request flow:
//
//   client ─▶ jwt::Verifier               401 (missing, expired, forged, alg=none...)
//          ─▶ identity (identity.h)       the token's sub / client_id; an X-Api-Key must be
//                                          registered to that subject (else 403), unknown
//                                          keys are refused (401) or limited by address
//          ─▶ ratelimit::KeyedLimiter     429 + RateLimit-Policy / RateLimit / Retry-After,
//                                          keyed by the registered API key, else the
//                                          subject; one GCRA limiter per tier
//          ─▶ cache::HttpCache            (through CachingProxy: hits, stale-while-revalidate,
//                                          collapsed misses / revalidations, stale-if-error)
//          ─▶ canary::Router              sticky cohort per user (the token's sub)
//          ─▶ breaker::CircuitBreaker     one per upstream; open → refused locally (503 →
//                                          stale-if-error from the cache when it can)
//          ─▶ origin (stable or canary upstream, keep-alive pools)
//
// The rollback judge (canary::RollbackJudge) compares the two cohorts'
// error rates and latencies; `JudgeCanary()` evaluates it and, on a roll-back
// verdict, sets the canary share to 0.
//
// After authentication the gateway removes `Authorization` and `X-Api-Key`
// and sends the validated subject upstream as `X-Edgekit-Subject` (whatever a
// client sent in that field is replaced). The cache varies on that field for
// every response that is not explicitly shared (`public` or `s-maxage`, the
// directives RFC 9111 §3.5 asks of responses to authorized requests): a
// per-user response is only ever served to its user; public ones are shared
// by every user and cohort.
//
// Thread-safety: thread-safe.

#ifndef EDGEKIT_EXAMPLES_EDGE_GATEWAY_GATEWAY_H_
#define EDGEKIT_EXAMPLES_EDGE_GATEWAY_GATEWAY_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caching_proxy.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/mutex.h"
#include "edgekit/breaker/circuit_breaker.h"
#include "edgekit/canary/judge.h"
#include "edgekit/canary/ramp.h"
#include "edgekit/canary/rollout.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "identity.h"
#include "net.h"

namespace edgekit_examples {

struct TierConfig {
  std::string name;
  int64_t limit = 0;  // requests per period
  absl::Duration period = absl::Seconds(1);
  int64_t burst = 0;  // 0: burst = limit
};

struct GatewayOptions {
  HttpUrl stable;  // upstreams
  HttpUrl canary;  // may equal stable
  // Verification keys (RFC 7517 JWKS text), and the file they came from: it
  // is read again when the verifier sees an unknown kid (refresh_suggested,
  // at most once per 30 s).
  std::string jwks_json;
  std::string jwks_file;
  std::vector<edgekit::jwt::Algorithm> algorithms = {
      edgekit::jwt::Algorithm::kHS256, edgekit::jwt::Algorithm::kRS256,
      edgekit::jwt::Algorithm::kPS256, edgekit::jwt::Algorithm::kES256,
      edgekit::jwt::Algorithm::kEdDSA};
  std::string issuer;    // empty: not checked
  std::string audience;  // empty: not checked
  absl::Duration leeway = absl::Seconds(5);
  // Rate-limit tiers and the API key registry (identity.h). A request's
  // tier: its registered API key's, else the token's "tier" claim when it
  // names a tier, else default_tier.
  std::vector<TierConfig> tiers = {{"free", 20, absl::Seconds(10), 0},
                                   {"pro", 200, absl::Seconds(10), 0}};
  std::string default_tier = "free";
  std::vector<ApiKey> api_keys;
  UnknownApiKeys unknown_api_keys = UnknownApiKeys::kRefuse;
  size_t max_keys_per_tier = 100000;
  // Canary share in basis points (0..10000) and the routing salt.
  uint32_t canary_percent_bp = 0;
  std::string canary_salt = "edgekit-gateway";
  edgekit::canary::JudgeOptions judge;
  // Optional staged ramp ("1%/10m, 5%/10m, 25%/30m, 100%"), driven by
  // StartControlLoop(); its first stage replaces canary_percent_bp.
  std::string canary_ramp;
  // Circuit breakers, one per upstream.
  int breaker_window = 20;
  int breaker_minimum_calls = 10;
  double breaker_failure_rate = 0.5;
  int breaker_consecutive_failures = 5;
  absl::Duration breaker_wait = absl::Seconds(2);
  int breaker_probes = 2;
  // The cache and the origin clients (`origin`/`upstream` are set by the
  // gateway).
  CachingProxyOptions proxy;
  size_t max_latency_samples = 50000;  // per cohort, for the judge
};

class Gateway {
 public:
  // Errors: kInvalidArgument for a bad JWKS, tier or option; those of the
  // components' Create functions.
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(EventLoop& loop, GatewayOptions options);
  ~Gateway();

  // The HttpServer handler.
  void Handle(HttpRequest request, ServerExchange exchange);

  // Per-tier counts.
  struct TierStats {
    std::string name;
    uint64_t offered = 0;
    uint64_t allowed = 0;
    uint64_t limited = 0;
  };
  // Per-cohort counts (what the upstream calls did).
  struct CohortStats {
    uint64_t requests = 0;  // sent upstream
    uint64_t errors = 0;    // transport errors and 5xx
    uint64_t refused = 0;   // refused by the open breaker
  };
  struct Stats {
    uint64_t requests = 0;
    uint64_t auth_missing = 0;
    uint64_t identity_refused = 0;  // no subject, unknown or borrowed API key
    std::array<uint64_t, edgekit::jwt::kVerdictCount> auth_by_verdict{};
    std::vector<TierStats> tiers;
    CohortStats stable;
    CohortStats canary;
  };
  Stats stats() const;
  // The gateway's own series (`edgekit_gateway_*`: requests, token verdicts,
  // rate-limit decisions by tier, upstream cohorts) and those of its
  // components: each tier's keyed limiter (`tier` label), each upstream's
  // circuit breaker (`breaker` label), the canary router and ramp. The
  // caching proxy adds them to its /metrics.
  void VisitMetrics(edgekit::MetricsVisitor& visitor) const;

  // Evaluates the rollback judge on the cohort counts since the last
  // ResetCanaryStats(); on kRollBack sets the canary share to 0.
  edgekit::canary::Judgement JudgeCanary();
  void ResetCanaryStats();
  absl::Status SetCanaryPercent(uint32_t percent_bp);
  uint32_t canary_percent_bp() const { return router_.default_percent(); }

  // Server mode: every `interval`, steps the canary ramp (if configured) or
  // judges the canary (if it gets traffic), logging changes to stdout. Runs
  // until the loop stops. Call once.
  void StartControlLoop(absl::Duration interval);

  edgekit::breaker::State BreakerState(edgekit::canary::Cohort cohort) const;
  // "closed -> open (consecutive_failures)" lines, in order, for both breakers.
  std::vector<std::string> BreakerLog() const;

  CachingProxy& proxy() { return *proxy_; }

  struct Arm;
  struct Tier;

 private:
  explicit Gateway(GatewayOptions options);
  void Upstream(HttpRequest out, const HttpRequest& client, HttpClient::Callback done,
                HttpClient::InterimCallback interim);
  void ControlStep();
  void ReloadJwks();
  // The --jwks file is the gateway's own, private document: HMAC secrets in
  // it are loaded when an HS* algorithm is allowed.
  edgekit::jwt::JwksOptions JwksOptionsForKeys() const;
  void Samples(edgekit::canary::ArmSample* stable, std::vector<double>* stable_latencies,
               edgekit::canary::ArmSample* canary, std::vector<double>* canary_latencies);

  const GatewayOptions options_;
  EventLoop* loop_ = nullptr;
  std::unique_ptr<edgekit::jwt::Verifier> verifier_;
  std::unique_ptr<edgekit::canary::RampController> ramp_;
  std::vector<std::unique_ptr<Tier>> tiers_;
  ApiKeyRegistry api_keys_;
  IdentityPolicy identity_policy_;
  edgekit::canary::Router router_;
  std::optional<edgekit::canary::RollbackJudge> judge_;
  std::unique_ptr<Arm> stable_;
  std::unique_ptr<Arm> canary_;
  std::unique_ptr<CachingProxy> proxy_;

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> auth_missing_{0};
  std::atomic<uint64_t> identity_refused_{0};
  std::array<std::atomic<uint64_t>, edgekit::jwt::kVerdictCount> auth_by_verdict_{};

  mutable edgekit::Mutex log_mu_;
  std::vector<std::string> breaker_log_ ABSL_GUARDED_BY(log_mu_);
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_EDGE_GATEWAY_GATEWAY_H_
