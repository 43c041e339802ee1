// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: rule_limiter.cc
// -----------------------------------------------------------------------------
// `RuleLimiter`: first-match rule selection, key composition and one
// `KeyedLimiter` per rule behind a small virtual interface.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "edgekit/base/metrics.h"
#include "edgekit/base/string_view.h"
#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/quota_carryover.h"
#include "edgekit/ratelimit/rules.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

std::string_view ToString(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kGcra:
      return "gcra";
    case Algorithm::kTokenBucket:
      return "token_bucket";
    case Algorithm::kSlidingWindowLog:
      return "sliding_log";
    case Algorithm::kSlidingWindowCounter:
      return "sliding_counter";
    case Algorithm::kFixedWindow:
      return "fixed_window";
    case Algorithm::kQuota:
      return "quota";
  }
  return "unknown";
}

std::string_view ToString(KeyPart part) {
  switch (part) {
    case KeyPart::kClientIp:
      return "ip";
    case KeyPart::kApiKey:
      return "api_key";
    case KeyPart::kSubject:
      return "subject";
    case KeyPart::kPath:
      return "path";
    case KeyPart::kMethod:
      return "method";
    case KeyPart::kTier:
      return "tier";
    case KeyPart::kHeader:
      return "header";
    case KeyPart::kClaim:
      return "claim";
  }
  return "unknown";
}

bool Rule::Matches(const Request& request, std::string_view tier) const {
  if (!method.empty() && request.method != method) return false;
  if (!path_prefix.empty() && request.path.substr(0, path_prefix.size()) != path_prefix) {
    return false;
  }
  if (tiers.empty()) return true;
  for (const std::string& t : tiers) {
    if (t == tier) return true;
  }
  return false;
}

std::optional<LimitKey> Rule::KeyFor(const Request& request, std::string_view tier) const {
  KeyBuilder builder;
  for (const KeyPartSpec& spec : key) {
    std::string_view value;
    switch (spec.part) {
      case KeyPart::kClientIp:
        value = request.client_ip;
        break;
      case KeyPart::kApiKey:
        value = request.api_key;
        break;
      case KeyPart::kSubject:
        value = request.subject;
        break;
      case KeyPart::kPath:
        value = request.path;
        break;
      case KeyPart::kMethod:
        value = request.method;
        break;
      case KeyPart::kTier:
        value = tier;
        break;
      case KeyPart::kHeader:
        if (request.attributes != nullptr) value = request.attributes->Header(spec.name);
        break;
      case KeyPart::kClaim:
        if (request.attributes != nullptr) value = request.attributes->Claim(spec.name);
        break;
    }
    if (value.empty()) return std::nullopt;
    builder.Add(value);
  }
  return builder.Build();
}

// One rule's KeyedLimiter, whatever its policy.
class RuleLimiter::Limiter {
 public:
  virtual ~Limiter() = default;
  virtual Decision TryAcquire(LimitKey key, const absl::Time* now, int64_t cost) = 0;
  virtual KeyedLimiterCounters counters() const = 0;
  virtual void VisitMetrics(MetricsVisitor& visitor,
                            absl::Span<const MetricLabel> labels) const = 0;
  virtual int64_t quota() const = 0;
  virtual absl::Duration window() const = 0;
};

namespace {

template <typename Policy, typename Base>
class LimiterOf final : public Base {
 public:
  explicit LimiterOf(std::unique_ptr<KeyedLimiter<Policy>> limiter)
      : limiter_(std::move(limiter)) {}
  Decision TryAcquire(LimitKey key, const absl::Time* now, int64_t cost) override {
    return now != nullptr ? limiter_->TryAcquire(key, *now, cost) : limiter_->TryAcquire(key, cost);
  }
  KeyedLimiterCounters counters() const override { return limiter_->counters(); }
  void VisitMetrics(MetricsVisitor& visitor, absl::Span<const MetricLabel> labels) const override {
    limiter_->VisitMetrics(visitor, labels);
  }
  int64_t quota() const override { return limiter_->policy().limit(); }
  absl::Duration window() const override { return limiter_->policy().window(); }

 private:
  std::unique_ptr<KeyedLimiter<Policy>> limiter_;
};

template <typename Base, typename Policy>
absl::StatusOr<std::unique_ptr<Base>> Wrap(absl::StatusOr<Policy> policy,
                                           const KeyedLimiterOptions& options, Clock& clock) {
  if (!policy.ok()) return policy.status();
  auto keyed = KeyedLimiter<Policy>::Create(*policy, options, clock);
  if (!keyed.ok()) return keyed.status();
  return std::unique_ptr<Base>(new LimiterOf<Policy, Base>(*std::move(keyed)));
}

template <typename Base>
absl::StatusOr<std::unique_ptr<Base>> Build(const Rule& r, const KeyedLimiterOptions& options,
                                            Clock& clock) {
  switch (r.algorithm) {
    case Algorithm::kGcra:
      return Wrap<Base>(GcraPolicy::Create(r.limit, r.window, r.burst), options, clock);
    case Algorithm::kTokenBucket:
      return Wrap<Base>(
          TokenBucketPolicy::Create(r.burst > 0 ? r.burst : r.limit, r.limit, r.window), options,
          clock);
    case Algorithm::kSlidingWindowLog:
      return Wrap<Base>(SlidingWindowLogPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kSlidingWindowCounter:
      return Wrap<Base>(SlidingWindowCounterPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kFixedWindow:
      return Wrap<Base>(FixedWindowPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kQuota:
      return Wrap<Base>(
          QuotaCarryoverPolicy::Create(r.limit, r.window, r.carry_periods, r.carry_cap), options,
          clock);
  }
  return absl::InvalidArgumentError("unknown algorithm");
}

absl::Status RuleError(size_t index, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("ratelimit rules: rule ", index, ": ", AbslView(what)));
}

absl::Status Validate(const std::vector<Rule>& rules, size_t i) {
  const Rule& r = rules[i];
  const size_t n = i + 1;
  if (r.name.empty() || r.name.size() > 64) return RuleError(n, "name must be 1-64 bytes");
  for (char c : r.name) {
    if (c < 0x20 || c > 0x7e) return RuleError(n, "name must be printable ASCII");
  }
  for (size_t j = 0; j < i; ++j) {
    if (rules[j].name == r.name) return RuleError(n, "duplicate name");
  }
  if (r.key.size() > 8) return RuleError(n, "more than 8 key parts");
  for (const KeyPartSpec& p : r.key) {
    if ((p.part == KeyPart::kHeader || p.part == KeyPart::kClaim) && p.name.empty()) {
      return RuleError(n, "a header or claim key part needs a name");
    }
  }
  if (r.tiers.size() > 16) return RuleError(n, "more than 16 tiers");
  return absl::OkStatus();
}

bool NeedsTier(const Rule& r) {
  if (!r.tiers.empty()) return true;
  for (const KeyPartSpec& p : r.key) {
    if (p.part == KeyPart::kTier) return true;
  }
  return false;
}

}  // namespace

RuleLimiter::~RuleLimiter() = default;

absl::StatusOr<std::unique_ptr<RuleLimiter>> RuleLimiter::Create(std::vector<Rule> rules,
                                                                 const RuleLimiterOptions& options,
                                                                 Clock& clock) {
  if (rules.size() > 256) return RuleError(rules.size(), "more than 256 rules");
  const absl::Status valid = ValidateKeyedLimiterOptions(options.per_rule);
  if (!valid.ok()) return valid;
  std::unique_ptr<RuleLimiter> out(new RuleLimiter());
  for (size_t i = 0; i < rules.size(); ++i) {
    const absl::Status v = Validate(rules, i);
    if (!v.ok()) return v;
    auto limiter = Build<Limiter>(rules[i], options.per_rule, clock);
    if (!limiter.ok()) {
      const absl::string_view message = limiter.status().message();
      return RuleError(i + 1, std::string_view(message.data(), message.size()));
    }
    out->quotas_.push_back((*limiter)->quota());
    out->windows_.push_back((*limiter)->window());
    out->limiters_.push_back(*std::move(limiter));
    out->any_tier_ = out->any_tier_ || NeedsTier(rules[i]);
  }
  out->rules_ = std::move(rules);
  out->tier_lookup_ = options.tier_lookup;
  out->observer_ = options.observer;
  return out;
}

absl::StatusOr<std::unique_ptr<RuleLimiter>> RuleLimiter::CreateFromText(
    std::string_view text, const RuleLimiterOptions& options, Clock& clock) {
  auto rules = ParseRules(text);
  if (!rules.ok()) return rules.status();
  return Create(*std::move(rules), options, clock);
}

void RuleLimiter::Find(const Request& request, int* rule, LimitKey* key) const {
  std::string_view tier = request.tier;
  if (tier.empty() && any_tier_ && tier_lookup_ != nullptr) tier = tier_lookup_->TierOf(request);
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (!rules_[i].Matches(request, tier)) continue;
    const std::optional<LimitKey> k = rules_[i].KeyFor(request, tier);
    if (!k.has_value()) continue;
    *rule = static_cast<int>(i);
    *key = *k;
    return;
  }
  *rule = -1;
}

int RuleLimiter::Match(const Request& request) const {
  int rule = -1;
  LimitKey key = LimitKey::Of({});
  Find(request, &rule, &key);
  return rule;
}

RuleLimiter::Verdict RuleLimiter::Check(const Request& request, int64_t cost) {
  return Run(request, nullptr, cost);
}
RuleLimiter::Verdict RuleLimiter::Check(const Request& request, absl::Time now, int64_t cost) {
  return Run(request, &now, cost);
}

RuleLimiter::Verdict RuleLimiter::Run(const Request& request, const absl::Time* now, int64_t cost) {
  Verdict v;
  LimitKey key = LimitKey::Of({});
  Find(request, &v.rule, &key);
  if (v.rule < 0) {
    unmatched_.fetch_add(1, std::memory_order_relaxed);
    v.decision.allowed = true;
    v.decision.reason = Reason::kAllowed;
    return v;
  }
  const size_t i = static_cast<size_t>(v.rule);
  v.decision = limiters_[i]->TryAcquire(key, now, cost);
  v.rule_name = rules_[i].name;
  v.quota = quotas_[i];
  v.window = windows_[i];
  if (!v.decision.allowed && observer_ != nullptr) {
    RuleRejection rejection;
    rejection.rule = v.rule;
    rejection.rule_name = v.rule_name;
    rejection.request = &request;
    rejection.decision = v.decision;
    observer_->OnRejected(rejection);
  }
  return v;
}

RuleLimiterCounters RuleLimiter::counters() const {
  RuleLimiterCounters out;
  out.rules.reserve(rules_.size());
  for (size_t i = 0; i < rules_.size(); ++i) {
    out.rules.push_back({rules_[i].name, limiters_[i]->counters()});
  }
  out.unmatched = unmatched_.load(std::memory_order_relaxed);
  return out;
}

void RuleLimiter::VisitMetrics(MetricsVisitor& visitor) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const MetricLabel label{"rule", rules_[i].name};
    limiters_[i]->VisitMetrics(visitor, absl::MakeConstSpan(&label, 1));
  }
  Metric m;
  m.name = "edgekit_ratelimit_unmatched_total";
  m.help = "Checks no rule applied to (allowed)";
  m.type = MetricType::kCounter;
  m.value = static_cast<double>(unmatched_.load(std::memory_order_relaxed));
  visitor.Visit(m);
}

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END
