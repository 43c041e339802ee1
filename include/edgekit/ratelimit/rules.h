// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: rules.h
// -----------------------------------------------------------------------------
// A small policy table: rules map what a host knows about a request (path
// prefix, method, tier, client address, API key, verified subject, claims,
// headers) to a limit and to what the limit is keyed by, so a host can say
// "5 per 5 minutes on /api/login per IP; 10,000 per hour per API key for
// premium; per subject and path for everyone else". `RuleLimiter` owns one
// `KeyedLimiter` per rule and decides a request against the FIRST rule that
// applies, in the order given (like a firewall: put specific rules first). A
// request no rule applies to is allowed and counted as unmatched; end the
// table with a catch-all rule to limit everything.
//
// A rule applies when every condition it sets holds: the path starts with
// `path_prefix`, the method equals `method` (case-sensitive, as HTTP methods
// are), the request's tier is one of `tiers`, and every part of its key is
// present (a "per API key" rule does not apply to a request without an API
// key, so the next rule, e.g. an anonymous per-IP one, does).
//
// The key is composed from the rule's key parts with `KeyBuilder` (no
// allocation): `ip`, `api_key`, `subject`, `path`, `method`, `tier`,
// `header:<name>` and `claim:<name>` (the last two read through the host's
// `RequestAttributes`), or none (`global`: one key for everything).
//
// The tier of a request is `Request::tier` when set, otherwise what the
// host's `TierLookup` says (asked at most once per check, only when a rule
// needs it), otherwise empty (matching only rules without a tier condition).
//
// Rules can be written as text (`ParseRules`), one per line or `;`-separated,
// `#` starts a comment line:
//
//   login:     5/5m     path=/api/login key=ip algo=sliding_log
//   premium:   10000/1h key=api_key tier=premium
//   tenant:    500/1m   key=claim:tenant+path tier=standard,trial
//   partner:   100/1s   key=header:x-partner-id
//   anonymous: 60/1m    key=ip
//
//   rule    = name ":" limit "/" window *( option )
//   name    = 1*64( ALPHA / DIGIT / "_" / "-" / "." )
//   limit   = 1*15DIGIT
//   window  = a duration as absl::ParseDuration reads it: "10s", "1m30s",
//             "250ms", "24h" (units ns, us, ms, s, m, h)
//   option  = "key=" ( "global" / part *( "+" part ) )
//           / "path=" "/" *VCHAR           / "method=" 1*32ALPHA
//           / "tier=" tier *( "," tier )
//           / "algo=" ( "gcra" / "token_bucket" / "sliding_log" /
//                       "sliding_counter" / "fixed_window" / "quota" )
//           / "burst=" 1*15DIGIT / "carry=" 1DIGIT / "cap=" 1*15DIGIT
//   part    = "ip" / "api_key" / "subject" / "path" / "method" / "tier"
//           / "header:" 1*64tchar / "claim:" 1*64( ALPHA / DIGIT / "_" / "-" / "." / ":" )
//   tier    = 1*32( ALPHA / DIGIT / "_" / "-" / "." )
//
// Header names are compared case-insensitively (they are stored lower-case).
// Defaults: key=ip, algo=gcra (burst = limit), all tiers, any path and method.
// For algo=token_bucket the capacity is `burst` (default limit) refilled at
// limit per window; algo=quota is `QuotaCarryoverPolicy` (carry periods,
// cap). Bounds: text <= 64 KiB, <= 256 rules, <= 8 key parts and <= 16 tiers
// per rule, names unique.
//
// Example:
//
//   auto limiter = edgekit::ratelimit::RuleLimiter::CreateFromText(
//       "login: 5/5m path=/api/login key=ip; anon: 60/1m key=ip");
//   if (!limiter.ok()) return limiter.status();
//   edgekit::ratelimit::Request req;
//   req.method = "POST";
//   req.path = "/api/login";
//   req.client_ip = "192.0.2.7";
//   const edgekit::ratelimit::RuleLimiter::Verdict v = (*limiter)->Check(req);
//   if (!v.decision.allowed) { /* 429; v.rule_name, v.quota, v.window for the fields */ }
//
// Errors: `ParseRules` and `Create*` return kInvalidArgument naming the rule
// (1-based position) and the problem. Checks never fail.
//
// Thread-safety: `RuleLimiter` is thread-safe (each rule's KeyedLimiter is);
// `ParseRules` is a pure function. The `TierLookup`, `RequestAttributes` and
// observer are called on the checking thread, never under an internal lock.

#ifndef EDGEKIT_RATELIMIT_RULES_H_
#define EDGEKIT_RATELIMIT_RULES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/key_builder.h"
#include "edgekit/ratelimit/keyed_limiter.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

enum class Algorithm : uint8_t {
  kGcra,
  kTokenBucket,
  kSlidingWindowLog,
  kSlidingWindowCounter,
  kFixedWindow,
  kQuota,
};

// What a rule's key is made of.
enum class KeyPart : uint8_t {
  kClientIp,  // Request::client_ip
  kApiKey,    // Request::api_key
  kSubject,   // Request::subject
  kPath,      // Request::path
  kMethod,    // Request::method
  kTier,      // the request's tier
  kHeader,    // RequestAttributes::Header(name)
  kClaim,     // RequestAttributes::Claim(name)
};

// "gcra", "token_bucket", "sliding_log", "sliding_counter", "fixed_window",
// "quota" (the rules text's names).
[[nodiscard]] EDGEKIT_API std::string_view ToString(Algorithm algorithm);
// "ip", "api_key", "subject", "path", "method", "tier", "header", "claim".
[[nodiscard]] EDGEKIT_API std::string_view ToString(KeyPart part);

// Headers and verified claims of a request, read from the host's own storage
// (e.g. a wrapper over its `http::HeaderView` and its JWT verifier's claims).
// Empty means absent. Views must stay valid during the `Check` call.
class RequestAttributes {
 public:
  virtual ~RequestAttributes() = default;
  // The value of header `name` (given lower-case; compare case-insensitively),
  // the first if repeated.
  virtual std::string_view Header(std::string_view name) const = 0;
  // The string value of verified claim `name`.
  virtual std::string_view Claim(std::string_view name) const = 0;
};

// What a rule can look at: views into the host's request, valid during the
// `Check` call. Empty means unknown / absent.
struct Request {
  std::string_view method;
  std::string_view path;
  std::string_view client_ip;
  std::string_view api_key;
  std::string_view subject;  // a verified identity, e.g. a JWT's `sub`
  std::string_view tier;     // when the host knows it; else the TierLookup is asked
  const RequestAttributes* attributes = nullptr;  // headers and claims; null: none
};

// The host's tier lookup (e.g. API key -> plan, from its own store). Called
// at most once per check, on the checking thread, only when the request has
// no `tier` and a rule needs one. Must be thread-safe and must not throw; the
// returned view must stay valid during the `Check` call. Empty: no tier.
class TierLookup {
 public:
  virtual ~TierLookup() = default;
  virtual std::string_view TierOf(const Request& request) const = 0;
};

struct KeyPartSpec {
  KeyPart part = KeyPart::kClientIp;
  std::string name;  // kHeader (lower-case) and kClaim only
};

struct Rule {
  std::string name;  // unique; the RateLimit policy name
  int64_t limit = 0;
  absl::Duration window;
  // Empty: one key for every request the rule applies to (`key=global`).
  std::vector<KeyPartSpec> key = {KeyPartSpec{}};
  Algorithm algorithm = Algorithm::kGcra;
  std::string path_prefix;         // empty: any path
  std::string method;              // empty: any method
  std::vector<std::string> tiers;  // empty: any tier (or none)
  int64_t burst = 0;               // gcra / token_bucket; 0: limit
  int carry_periods = 0;           // quota
  int64_t carry_cap = -1;          // quota; < 0: carry_periods * limit

  // True if the path, method and tier conditions hold (not the key's parts).
  [[nodiscard]] EDGEKIT_API bool Matches(const Request& request, std::string_view tier) const;
  // The key for `request`, or nullopt if one of its parts is absent.
  [[nodiscard]] EDGEKIT_API std::optional<LimitKey> KeyFor(const Request& request,
                                                           std::string_view tier) const;
};

// Parses the text form above. Errors: kInvalidArgument (with the rule's
// 1-based position) for any syntax error, a text over 64 KiB or more than 256
// rules. Limits are checked by `RuleLimiter::Create`.
[[nodiscard]] EDGEKIT_API absl::StatusOr<std::vector<Rule>> ParseRules(std::string_view text);

// A rejection, for `RuleLimiterObserver`. Views valid during the call only.
struct RuleRejection {
  int rule = -1;               // index of the rule in `RuleLimiter::rules()`
  std::string_view rule_name;  // its name
  const Request* request = nullptr;
  Decision decision;  // why (`decision.reason`) and when to retry
};

// Events of a `RuleLimiter` a host logs. Called on the checking thread, never
// under an internal lock; must not throw; must outlive the limiter.
class RuleLimiterObserver {
 public:
  virtual ~RuleLimiterObserver() = default;
  virtual void OnRejected(const RuleRejection& /*rejection*/) {}
};

struct RuleLimiterOptions {
  // The key table of each rule (validated as by `KeyedLimiter::Create`).
  KeyedLimiterOptions per_rule;
  // The host's tier lookup; null: only `Request::tier`. Must outlive the limiter.
  const TierLookup* tier_lookup = nullptr;
  // Told about every rejection; null: none.
  RuleLimiterObserver* observer = nullptr;
};

struct RuleCounters {
  std::string name;
  KeyedLimiterCounters counters;
};
struct RuleLimiterCounters {
  std::vector<RuleCounters> rules;  // in rule order
  uint64_t unmatched = 0;           // checks no rule applied to (allowed)
};

// First-match rule table with one KeyedLimiter per rule. Thread-safe.
class EDGEKIT_API RuleLimiter {
 public:
  struct Verdict {
    int rule = -1;  // index of the rule that applied; -1: none (allowed)
    Decision decision;
    // The rule's name, quota and window (for RateLimit-Policy); empty / 0
    // when no rule applied. `rule_name` views the limiter's own copy.
    std::string_view rule_name;
    int64_t quota = 0;
    absl::Duration window;
    [[nodiscard]] bool matched() const { return rule >= 0; }
  };

  // Errors: kInvalidArgument for an empty, non-printable or duplicate name,
  // more than 256 rules, a key of more than 8 parts, a header or claim part
  // without a name, more than 16 tiers, `options.per_rule` out of range, or a
  // limit/window/burst/carry the algorithm rejects (see its Create).
  static absl::StatusOr<std::unique_ptr<RuleLimiter>> Create(std::vector<Rule> rules,
                                                             const RuleLimiterOptions& options = {},
                                                             Clock& clock = RealClock::Get());
  // ParseRules + Create.
  static absl::StatusOr<std::unique_ptr<RuleLimiter>> CreateFromText(
      std::string_view text, const RuleLimiterOptions& options = {},
      Clock& clock = RealClock::Get());

  RuleLimiter(const RuleLimiter&) = delete;
  RuleLimiter& operator=(const RuleLimiter&) = delete;
  ~RuleLimiter();

  // The index of the first rule that applies to `request` (conditions hold
  // and every key part is present), or -1.
  [[nodiscard]] int Match(const Request& request) const;

  // Decides `request` (cost units) against the first rule that applies, at
  // the clock's time (read under the key's shard lock) or at an explicit
  // `now`. A rejection is reported to the observer.
  Verdict Check(const Request& request, int64_t cost = 1);
  Verdict Check(const Request& request, absl::Time now, int64_t cost = 1);

  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  [[nodiscard]] RuleLimiterCounters counters() const;
  // Every rule's keyed-limiter metrics (see `VisitMetrics(KeyedLimiterCounters)`)
  // labelled rule="<name>", plus edgekit_ratelimit_unmatched_total.
  void VisitMetrics(MetricsVisitor& visitor) const;

 private:
  class Limiter;  // One rule's KeyedLimiter, whatever its policy.

  RuleLimiter() = default;
  Verdict Run(const Request& request, const absl::Time* now, int64_t cost);
  // The first rule that applies and its key; `rule < 0` when none.
  void Find(const Request& request, int* rule, LimitKey* key) const;

  std::vector<Rule> rules_;
  std::vector<std::unique_ptr<Limiter>> limiters_;
  std::vector<int64_t> quotas_;  // each rule's policy limit()
  std::vector<absl::Duration> windows_;
  bool any_tier_ = false;  // some rule has a tier condition or a tier key part
  const TierLookup* tier_lookup_ = nullptr;
  RuleLimiterObserver* observer_ = nullptr;
  std::atomic<uint64_t> unmatched_{0};
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_RULES_H_
