// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: rules.h
// -----------------------------------------------------------------------------
// A small policy table: rules map a request's attributes (path prefix, method,
// tier, API key, client IP) to a limit and to what the limit is keyed by, so a
// host can say "5 per 5 minutes on /api/login per IP; 10,000 per hour per API
// key for premium; anonymous lowest". `RuleLimiter` owns one `KeyedLimiter`
// per rule and decides a request against the FIRST rule that matches, in the
// order given (like a firewall: put specific rules first). A request no rule
// matches is allowed and counted as unmatched; end the table with a catch-all
// rule to limit everything.
//
// A rule matches when every condition it sets holds: the path starts with
// `path_prefix`, the method equals `method` (case-sensitive, as HTTP methods
// are), the request's tier is in `tiers`, and the attribute it is keyed by is
// present (a "per API key" rule does not match a request without an API key,
// so the next rule, e.g. an anonymous per-IP one, applies).
//
// Rules can be written as text (`ParseRules`), one per line or `;`-separated,
// `#` starts a comment line:
//
//   login:     5/5m     path=/api/login key=ip algo=sliding_log
//   premium:   10000/1h key=api_key tier=premium
//   standard:  1000/1h  key=api_key tier=standard algo=quota carry=3 cap=2000
//   anonymous: 60/1m    key=ip
//
//   rule    = name ":" limit "/" window *( option )
//   name    = 1*64( ALPHA / DIGIT / "_" / "-" / "." )
//   window  = 1*9DIGIT ( "ms" / "s" / "m" / "h" / "d" )
//   option  = "key=" ( "ip" / "api_key" / "global" )
//           / "path=" "/" *VCHAR           / "method=" 1*32ALPHA
//           / "tier=" tier *( "," tier )   ; premium, standard, anonymous
//           / "algo=" ( "gcra" / "token_bucket" / "sliding_log" /
//                       "sliding_counter" / "fixed_window" / "quota" )
//           / "burst=" int / "carry=" int / "cap=" int
//
// Defaults: key=ip, algo=gcra (burst = limit), all tiers, any path and method.
// For algo=token_bucket the capacity is `burst` (default limit) refilled at
// limit per window; algo=quota is `QuotaCarryoverPolicy` (carry periods,
// cap). Bounds: text <= 64 KiB, <= 256 rules, names unique.
//
// Example:
//
//   auto limiter = edgekit::ratelimit::RuleLimiter::CreateFromText(
//       "login: 5/5m path=/api/login key=ip; anon: 60/1m key=ip");
//   edgekit::ratelimit::Request req;
//   req.method = "POST"; req.path = "/api/login"; req.client_ip = "192.0.2.7";
//   const auto verdict = (*limiter)->Check(req);
//   if (!verdict.decision.allowed) { /* 429 with (*limiter)->Fields(verdict) */ }
//
// Errors: `ParseRules` and `Create*` return kInvalidArgument naming the rule
// (line) and the problem. Checks never fail.
//
// Thread-safety: `RuleLimiter` is thread-safe (each rule's KeyedLimiter is);
// `ParseRules` is a pure function.

#ifndef EDGEKIT_RATELIMIT_RULES_H_
#define EDGEKIT_RATELIMIT_RULES_H_

#include <atomic>
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
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/fields.h"
#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/keyed_limiter.h"
#include "edgekit/ratelimit/quota_carryover.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

enum class Tier : uint8_t { kAnonymous = 0, kStandard = 1, kPremium = 2 };
enum class KeyBy : uint8_t { kClientIp, kApiKey, kGlobal };
enum class Algorithm : uint8_t {
  kGcra,
  kTokenBucket,
  kSlidingWindowLog,
  kSlidingWindowCounter,
  kFixedWindow,
  kQuota,
};

[[nodiscard]] inline std::string_view ToString(Tier t) {
  switch (t) {
    case Tier::kAnonymous:
      return "anonymous";
    case Tier::kStandard:
      return "standard";
    case Tier::kPremium:
      return "premium";
  }
  return "unknown";
}
[[nodiscard]] inline std::string_view ToString(KeyBy k) {
  switch (k) {
    case KeyBy::kClientIp:
      return "ip";
    case KeyBy::kApiKey:
      return "api_key";
    case KeyBy::kGlobal:
      return "global";
  }
  return "unknown";
}
[[nodiscard]] inline std::string_view ToString(Algorithm a) {
  switch (a) {
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

// The attributes a rule can look at. Views into the host's request.
struct Request {
  std::string_view method;
  std::string_view path;
  std::string_view api_key;    // empty: none
  std::string_view client_ip;  // empty: unknown
  Tier tier = Tier::kAnonymous;
};

inline constexpr uint8_t TierBit(Tier t) { return static_cast<uint8_t>(1u << static_cast<int>(t)); }
inline constexpr uint8_t kAllTiers = 0x7;

struct Rule {
  std::string name;  // unique; the RateLimit policy name
  int64_t limit = 0;
  absl::Duration window;
  KeyBy key_by = KeyBy::kClientIp;
  Algorithm algorithm = Algorithm::kGcra;
  std::string path_prefix;  // empty: any path
  std::string method;       // empty: any method
  uint8_t tiers = kAllTiers;
  int64_t burst = 0;       // gcra / token_bucket; 0: limit
  int carry_periods = 0;   // quota
  int64_t carry_cap = -1;  // quota; < 0: carry_periods * limit

  // True if every condition of the rule holds for `r` (not the key check).
  bool Matches(const Request& r) const {
    if ((tiers & TierBit(r.tier)) == 0) return false;
    if (!method.empty() && r.method != method) return false;
    if (!path_prefix.empty() && r.path.substr(0, path_prefix.size()) != path_prefix) return false;
    return true;
  }
  // The limiter key for `r`, or nullopt if the attribute is missing.
  std::optional<std::string_view> KeyFor(const Request& r) const {
    switch (key_by) {
      case KeyBy::kClientIp:
        if (r.client_ip.empty()) return std::nullopt;
        return r.client_ip;
      case KeyBy::kApiKey:
        if (r.api_key.empty()) return std::nullopt;
        return r.api_key;
      case KeyBy::kGlobal:
        return std::string_view();
    }
    return std::nullopt;
  }
};

namespace ratelimit_rules_internal {

inline constexpr size_t kMaxText = 64 * 1024;
inline constexpr size_t kMaxRules = 256;

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// 1..15 digits, nothing else.
inline bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 15) return false;
  int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

inline bool ParseWindow(std::string_view s, absl::Duration* out) {
  size_t digits = 0;
  while (digits < s.size() && IsDigit(s[digits])) ++digits;
  if (digits == 0 || digits > 9) return false;
  int64_t n = 0;
  if (!ParseInt(s.substr(0, digits), &n)) return false;
  const std::string_view unit = s.substr(digits);
  if (unit == "ms") {
    *out = absl::Milliseconds(n);
  } else if (unit == "s") {
    *out = absl::Seconds(n);
  } else if (unit == "m") {
    *out = absl::Minutes(n);
  } else if (unit == "h") {
    *out = absl::Hours(n);
  } else if (unit == "d") {
    *out = absl::Hours(24 * n);
  } else {
    return false;
  }
  return true;
}

inline std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    const size_t start = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

inline absl::Status Error(size_t line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("ratelimit rules: rule ", line, ": ", std::string(what)));
}

inline absl::StatusOr<Rule> ParseRule(std::string_view text, size_t line) {
  Rule rule;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Error(line, "expected `name: limit/window`");
  const std::string_view name = text.substr(0, colon);
  size_t b = 0, e = name.size();
  while (b < e && IsSpace(name[b])) ++b;
  while (e > b && IsSpace(name[e - 1])) --e;
  const std::string_view trimmed = name.substr(b, e - b);
  if (trimmed.empty() || trimmed.size() > 64) return Error(line, "name must be 1-64 characters");
  for (char c : trimmed) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_' && c != '-' && c != '.') {
      return Error(line, "name may use letters, digits, '_', '-', '.'");
    }
  }
  rule.name = std::string(trimmed);
  const std::vector<std::string_view> fields = SplitFields(text.substr(colon + 1));
  if (fields.empty()) return Error(line, "missing limit/window");
  const size_t slash = fields[0].find('/');
  if (slash == std::string_view::npos || !ParseInt(fields[0].substr(0, slash), &rule.limit) ||
      !ParseWindow(fields[0].substr(slash + 1), &rule.window)) {
    return Error(line, "limit/window must look like 100/1m (units ms, s, m, h, d)");
  }
  uint32_t seen = 0;
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string_view f = fields[i];
    const size_t eq = f.find('=');
    if (eq == std::string_view::npos) return Error(line, "options are key=value");
    const std::string_view k = f.substr(0, eq), v = f.substr(eq + 1);
    static constexpr std::string_view kKeys[] = {"key",  "path",  "method", "tier",
                                                 "algo", "burst", "carry",  "cap"};
    size_t which = 0;
    while (which < 8 && kKeys[which] != k) ++which;
    if (which == 8) return Error(line, "unknown option");
    if ((seen & (1u << which)) != 0) return Error(line, "repeated option");
    seen |= 1u << which;
    switch (which) {
      case 0:
        if (v == "ip") {
          rule.key_by = KeyBy::kClientIp;
        } else if (v == "api_key") {
          rule.key_by = KeyBy::kApiKey;
        } else if (v == "global") {
          rule.key_by = KeyBy::kGlobal;
        } else {
          return Error(line, "key must be ip, api_key or global");
        }
        break;
      case 1:
        if (v.empty() || v[0] != '/' || v.size() > 1024) {
          return Error(line, "path must start with '/' (at most 1024 bytes)");
        }
        for (char c : v) {
          if (c <= 0x20 || c >= 0x7f) return Error(line, "path must be visible ASCII");
        }
        rule.path_prefix = std::string(v);
        break;
      case 2:
        if (v.empty() || v.size() > 32) return Error(line, "method must be 1-32 letters");
        for (char c : v) {
          if (!IsAlpha(c)) return Error(line, "method must be 1-32 letters");
        }
        rule.method = std::string(v);
        break;
      case 3: {
        uint8_t tiers = 0;
        size_t start = 0;
        while (start <= v.size()) {
          size_t comma = v.find(',', start);
          if (comma == std::string_view::npos) comma = v.size();
          const std::string_view t = v.substr(start, comma - start);
          if (t == "premium") {
            tiers |= TierBit(Tier::kPremium);
          } else if (t == "standard") {
            tiers |= TierBit(Tier::kStandard);
          } else if (t == "anonymous") {
            tiers |= TierBit(Tier::kAnonymous);
          } else {
            return Error(line, "tier must be premium, standard or anonymous");
          }
          start = comma + 1;
        }
        rule.tiers = tiers;
        break;
      }
      case 4: {
        static constexpr std::pair<std::string_view, Algorithm> kAlgos[] = {
            {"gcra", Algorithm::kGcra},
            {"token_bucket", Algorithm::kTokenBucket},
            {"sliding_log", Algorithm::kSlidingWindowLog},
            {"sliding_counter", Algorithm::kSlidingWindowCounter},
            {"fixed_window", Algorithm::kFixedWindow},
            {"quota", Algorithm::kQuota}};
        bool found = false;
        for (const auto& a : kAlgos) {
          if (a.first == v) {
            rule.algorithm = a.second;
            found = true;
          }
        }
        if (!found) return Error(line, "unknown algo");
        break;
      }
      case 5:
        if (!ParseInt(v, &rule.burst)) return Error(line, "burst must be an integer");
        break;
      case 6: {
        int64_t n = 0;
        if (!ParseInt(v, &n) || n > 8) return Error(line, "carry must be 0-8");
        rule.carry_periods = static_cast<int>(n);
        break;
      }
      default:
        if (!ParseInt(v, &rule.carry_cap)) return Error(line, "cap must be an integer");
        break;
    }
  }
  return rule;
}

// A KeyedLimiter of any policy behind one interface.
class AnyKeyedLimiter {
 public:
  virtual ~AnyKeyedLimiter() = default;
  virtual Decision TryAcquire(std::string_view key, const absl::Time* now, int64_t cost) = 0;
  virtual KeyedCounters counters() const = 0;
  virtual QuotaPolicyItem Item(std::string_view name) const = 0;
};

template <typename Policy>
class KeyedLimiterOf final : public AnyKeyedLimiter {
 public:
  explicit KeyedLimiterOf(KeyedLimiter<Policy> limiter) : limiter_(std::move(limiter)) {}
  Decision TryAcquire(std::string_view key, const absl::Time* now, int64_t cost) override {
    return now != nullptr ? limiter_.TryAcquire(key, *now, cost) : limiter_.TryAcquire(key, cost);
  }
  KeyedCounters counters() const override { return limiter_.counters(); }
  QuotaPolicyItem Item(std::string_view name) const override {
    return PolicyItem(name, limiter_.policy());
  }

 private:
  KeyedLimiter<Policy> limiter_;
};

template <typename Policy>
absl::StatusOr<std::unique_ptr<AnyKeyedLimiter>> Wrap(absl::StatusOr<Policy> policy,
                                                      const KeyedLimiterOptions& options,
                                                      Clock& clock) {
  if (!policy.ok()) return policy.status();
  auto keyed = KeyedLimiter<Policy>::Create(*policy, options, clock);
  if (!keyed.ok()) return keyed.status();
  return std::unique_ptr<AnyKeyedLimiter>(new KeyedLimiterOf<Policy>(std::move(*keyed)));
}

inline absl::StatusOr<std::unique_ptr<AnyKeyedLimiter>> Build(const Rule& r,
                                                              const KeyedLimiterOptions& options,
                                                              Clock& clock) {
  switch (r.algorithm) {
    case Algorithm::kGcra:
      return Wrap(GcraPolicy::Create(r.limit, r.window, r.burst), options, clock);
    case Algorithm::kTokenBucket:
      return Wrap(TokenBucketPolicy::Create(r.burst > 0 ? r.burst : r.limit, r.limit, r.window),
                  options, clock);
    case Algorithm::kSlidingWindowLog:
      return Wrap(SlidingWindowLogPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kSlidingWindowCounter:
      return Wrap(SlidingWindowCounterPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kFixedWindow:
      return Wrap(FixedWindowPolicy::Create(r.limit, r.window), options, clock);
    case Algorithm::kQuota:
      return Wrap(QuotaCarryoverPolicy::Create(r.limit, r.window, r.carry_periods, r.carry_cap),
                  options, clock);
  }
  return absl::InvalidArgumentError("ratelimit rules: unknown algorithm");
}

}  // namespace ratelimit_rules_internal

// Parses the text form above. Errors: kInvalidArgument (with the rule's
// 1-based position) for any syntax error, a text over 64 KiB or more than 256
// rules. Limits are checked by `RuleLimiter::Create`.
inline absl::StatusOr<std::vector<Rule>> ParseRules(std::string_view text) {
  namespace in = ratelimit_rules_internal;
  if (text.size() > in::kMaxText)
    return absl::InvalidArgumentError("ratelimit rules: text > 64 KiB");
  std::vector<Rule> rules;
  size_t index = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = start;
    while (end < text.size() && text[end] != '\n' && text[end] != ';') ++end;
    std::string_view piece = text.substr(start, end - start);
    start = end + 1;
    size_t b = 0;
    while (b < piece.size() && in::IsSpace(piece[b])) ++b;
    piece = piece.substr(b);
    if (piece.empty() || piece[0] == '#') continue;
    ++index;
    if (rules.size() == in::kMaxRules) return in::Error(index, "more than 256 rules");
    auto rule = in::ParseRule(piece, index);
    if (!rule.ok()) return rule.status();
    rules.push_back(std::move(*rule));
  }
  return rules;
}

// Per-rule counters.
struct RuleCounters {
  std::string name;
  KeyedCounters counters;
};

// First-match rule table with one KeyedLimiter per rule. Thread-safe.
class RuleLimiter {
 public:
  struct Verdict {
    int rule = -1;  // index of the matching rule; -1: none (allowed)
    Decision decision;
    bool matched() const { return rule >= 0; }
  };

  // Errors: kInvalidArgument for an empty or duplicate name, a name that is
  // not sf-string content, more than 256 rules, a tier set that is empty, or
  // a limit/window/burst/carry the algorithm rejects (see its Create).
  // `per_rule` bounds each rule's key table.
  static absl::StatusOr<std::unique_ptr<RuleLimiter>> Create(
      std::vector<Rule> rules, const KeyedLimiterOptions& per_rule = {},
      Clock& clock = RealClock::Get()) {
    namespace in = ratelimit_rules_internal;
    if (rules.size() > in::kMaxRules) return in::Error(rules.size(), "more than 256 rules");
    std::unique_ptr<RuleLimiter> out(new RuleLimiter());
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& r = rules[i];
      if (r.name.empty() || r.name.size() > 64) return in::Error(i + 1, "name must be 1-64 bytes");
      for (char c : r.name) {
        if (c < 0x20 || c > 0x7e) return in::Error(i + 1, "name must be printable ASCII");
      }
      for (size_t j = 0; j < i; ++j) {
        if (rules[j].name == r.name) return in::Error(i + 1, "duplicate name");
      }
      if ((r.tiers & kAllTiers) == 0) return in::Error(i + 1, "no tier");
      auto limiter = in::Build(r, per_rule, clock);
      if (!limiter.ok()) return in::Error(i + 1, std::string(limiter.status().message()));
      out->limiters_.push_back(std::move(*limiter));
    }
    out->rules_ = std::move(rules);
    return out;
  }

  // ParseRules + Create.
  static absl::StatusOr<std::unique_ptr<RuleLimiter>> CreateFromText(
      std::string_view text, const KeyedLimiterOptions& per_rule = {},
      Clock& clock = RealClock::Get()) {
    auto rules = ParseRules(text);
    if (!rules.ok()) return rules.status();
    return Create(std::move(*rules), per_rule, clock);
  }

  // The index of the first rule that applies to `r` (conditions hold and its
  // key attribute is present), or -1.
  int Match(const Request& r) const {
    for (size_t i = 0; i < rules_.size(); ++i) {
      if (rules_[i].Matches(r) && rules_[i].KeyFor(r).has_value()) return static_cast<int>(i);
    }
    return -1;
  }

  // Decides `r` (cost units) against its first matching rule, at the clock's
  // time (read under the key's shard lock) or at an explicit `now`.
  Verdict Check(const Request& r, int64_t cost = 1) { return Run(r, nullptr, cost); }
  Verdict Check(const Request& r, absl::Time now, int64_t cost = 1) { return Run(r, &now, cost); }

  // RateLimit-Policy / RateLimit / Retry-After values for a verdict; all
  // empty when no rule matched.
  RateLimitFields Fields(const Verdict& v) const {
    if (!v.matched()) return RateLimitFields();
    const size_t i = static_cast<size_t>(v.rule);
    return MakeRateLimitFields(limiters_[i]->Item(rules_[i].name), v.decision);
  }

  const std::vector<Rule>& rules() const { return rules_; }
  std::vector<RuleCounters> counters() const {
    std::vector<RuleCounters> out;
    for (size_t i = 0; i < rules_.size(); ++i)
      out.push_back({rules_[i].name, limiters_[i]->counters()});
    return out;
  }
  uint64_t unmatched() const { return unmatched_.load(std::memory_order_relaxed); }

 private:
  RuleLimiter() = default;

  Verdict Run(const Request& r, const absl::Time* now, int64_t cost) {
    Verdict v;
    v.rule = Match(r);
    if (v.rule < 0) {
      unmatched_.fetch_add(1, std::memory_order_relaxed);
      v.decision.allowed = true;
      v.decision.reason = Reason::kAllowed;
      return v;
    }
    const size_t i = static_cast<size_t>(v.rule);
    v.decision = limiters_[i]->TryAcquire(*rules_[i].KeyFor(r), now, cost);
    return v;
  }

  std::vector<Rule> rules_;
  std::vector<std::unique_ptr<ratelimit_rules_internal::AnyKeyedLimiter>> limiters_;
  std::atomic<uint64_t> unmatched_{0};
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_RULES_H_
