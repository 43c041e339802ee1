// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: rules_parser.cc
// -----------------------------------------------------------------------------
// The text form of rate-limit rules (grammar in edgekit/ratelimit/rules.h).
// Durations are read by absl::ParseDuration; every loop is bounded by the
// input, and the input by 64 KiB.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "edgekit/base/string_view.h"
#include "edgekit/ratelimit/rules.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {
namespace {

constexpr size_t kMaxText = 64 * 1024;
constexpr size_t kMaxRules = 256;
constexpr size_t kMaxKeyParts = 8;
constexpr size_t kMaxTiers = 16;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsNameChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.'; }
// RFC 9110 §5.6.2 tchar.
bool IsTchar(char c) {
  return IsAlpha(c) || IsDigit(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool AllOf(std::string_view s, size_t min, size_t max, bool (*ok)(char)) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

// 1..15 digits, nothing else.
bool ParseInt(std::string_view s, int64_t* out) {
  if (!AllOf(s, 1, 15, IsDigit)) return false;
  return absl::SimpleAtoi(AbslView(s), out);
}

// A positive, finite absl::ParseDuration duration.
bool ParseWindow(std::string_view s, absl::Duration* out) {
  absl::Duration d;
  if (s.empty() || !absl::ParseDuration(AbslView(s), &d)) return false;
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) return false;
  *out = d;
  return true;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
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

absl::Status Error(size_t line, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("ratelimit rules: rule ", line, ": ", AbslView(what)));
}

// `v` split at `sep` into at most `max` non-empty pieces; false otherwise.
bool Split(std::string_view v, char sep, size_t max, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(sep, start);
    if (end == std::string_view::npos) end = v.size();
    if (end == start || out->size() == max) return false;
    out->push_back(v.substr(start, end - start));
    start = end + 1;
  }
  return true;
}

absl::Status ParseKey(std::string_view v, size_t line, std::vector<KeyPartSpec>* key) {
  key->clear();
  if (v == "global") return absl::OkStatus();
  std::vector<std::string_view> parts;
  if (!Split(v, '+', kMaxKeyParts, &parts)) {
    return Error(line, "key must be global or 1-8 parts joined by '+'");
  }
  static constexpr std::pair<std::string_view, KeyPart> kSimple[] = {
      {"ip", KeyPart::kClientIp}, {"api_key", KeyPart::kApiKey}, {"subject", KeyPart::kSubject},
      {"path", KeyPart::kPath},   {"method", KeyPart::kMethod},  {"tier", KeyPart::kTier}};
  for (std::string_view p : parts) {
    KeyPartSpec spec;
    bool found = false;
    for (const auto& s : kSimple) {
      if (s.first == p) {
        spec.part = s.second;
        found = true;
      }
    }
    if (!found) {
      constexpr std::string_view kHeader = "header:";
      constexpr std::string_view kClaim = "claim:";
      if (p.substr(0, kHeader.size()) == kHeader) {
        const std::string_view name = p.substr(kHeader.size());
        if (!AllOf(name, 1, 64, IsTchar)) return Error(line, "header name must be 1-64 tchars");
        spec.part = KeyPart::kHeader;
        spec.name = absl::AsciiStrToLower(AbslView(name));
      } else if (p.substr(0, kClaim.size()) == kClaim) {
        const std::string_view name = p.substr(kClaim.size());
        if (!AllOf(name, 1, 64, [](char c) { return IsNameChar(c) || c == ':'; })) {
          return Error(line, "claim name must be 1-64 letters, digits, '_', '-', '.', ':'");
        }
        spec.part = KeyPart::kClaim;
        spec.name = std::string(name);
      } else {
        return Error(line,
                     "key parts are ip, api_key, subject, path, method, tier, header:<name>, "
                     "claim:<name>");
      }
    }
    key->push_back(std::move(spec));
  }
  return absl::OkStatus();
}

absl::StatusOr<Rule> ParseRule(std::string_view text, size_t line) {
  Rule rule;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Error(line, "expected `name: limit/window`");
  std::string_view name = text.substr(0, colon);
  while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
  if (!AllOf(name, 1, 64, IsNameChar)) {
    return Error(line, "name must be 1-64 letters, digits, '_', '-', '.'");
  }
  rule.name = std::string(name);
  const std::vector<std::string_view> fields = SplitFields(text.substr(colon + 1));
  if (fields.empty()) return Error(line, "missing limit/window");
  const size_t slash = fields[0].find('/');
  if (slash == std::string_view::npos || !ParseInt(fields[0].substr(0, slash), &rule.limit) ||
      !ParseWindow(fields[0].substr(slash + 1), &rule.window)) {
    return Error(line, "limit/window must look like 100/1m (a duration such as 10s, 1h30m)");
  }
  static constexpr std::string_view kOptions[] = {"key",  "path",  "method", "tier",
                                                  "algo", "burst", "carry",  "cap"};
  constexpr size_t kNumOptions = sizeof(kOptions) / sizeof(kOptions[0]);
  uint32_t seen = 0;
  std::vector<std::string_view> pieces;
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string_view f = fields[i];
    const size_t eq = f.find('=');
    if (eq == std::string_view::npos) return Error(line, "options are key=value");
    const std::string_view k = f.substr(0, eq), v = f.substr(eq + 1);
    size_t which = 0;
    while (which < kNumOptions && kOptions[which] != k) ++which;
    if (which == kNumOptions) return Error(line, "unknown option");
    if ((seen & (1u << which)) != 0) return Error(line, "repeated option");
    seen |= 1u << which;
    switch (which) {
      case 0: {
        const absl::Status s = ParseKey(v, line, &rule.key);
        if (!s.ok()) return s;
        break;
      }
      case 1:
        if (v.empty() || v[0] != '/' ||
            !AllOf(v, 1, 1024, [](char c) { return c > 0x20 && c < 0x7f; })) {
          return Error(line, "path must start with '/' and be 1-1024 visible ASCII bytes");
        }
        rule.path_prefix = std::string(v);
        break;
      case 2:
        if (!AllOf(v, 1, 32, IsAlpha)) return Error(line, "method must be 1-32 letters");
        rule.method = std::string(v);
        break;
      case 3:
        if (!Split(v, ',', kMaxTiers, &pieces)) {
          return Error(line, "tier must be 1-16 names separated by ','");
        }
        for (std::string_view t : pieces) {
          if (!AllOf(t, 1, 32, IsNameChar)) {
            return Error(line, "a tier is 1-32 letters, digits, '_', '-', '.'");
          }
          rule.tiers.emplace_back(t);
        }
        break;
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

}  // namespace

absl::StatusOr<std::vector<Rule>> ParseRules(std::string_view text) {
  if (text.size() > kMaxText) return absl::InvalidArgumentError("ratelimit rules: text > 64 KiB");
  std::vector<Rule> rules;
  size_t index = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = start;
    while (end < text.size() && text[end] != '\n' && text[end] != ';') ++end;
    std::string_view piece = text.substr(start, end - start);
    start = end + 1;
    while (!piece.empty() && IsSpace(piece.front())) piece.remove_prefix(1);
    if (piece.empty() || piece[0] == '#') continue;
    ++index;
    if (rules.size() == kMaxRules) return Error(index, "more than 256 rules");
    auto rule = ParseRule(piece, index);
    if (!rule.ok()) return rule.status();
    rules.push_back(*std::move(rule));
  }
  return rules;
}

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END
