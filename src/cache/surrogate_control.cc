// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Surrogate-Control (Edge Architecture 1.0), see edgekit/cache/surrogate_control.h.
#include "edgekit/cache/surrogate_control.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {
namespace {

struct Member {
  std::string name;  // lower case
  std::string_view text;
  bool targeted = false;
};

// Position of the first `c` outside a quoted-string, or npos.
size_t FindUnquoted(std::string_view s, char c) {
  bool in_quote = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (in_quote) {
      if (s[i] == '\\') {
        ++i;
      } else if (s[i] == '"') {
        in_quote = false;
      }
    } else if (s[i] == '"') {
      in_quote = true;
    } else if (s[i] == c) {
      return i;
    }
  }
  return std::string_view::npos;
}

bool IsKnown(std::string_view name) {
  static constexpr std::string_view kKnown[] = {"max-age",         "no-store",
                                                "no-store-remote", "no-cache",
                                                "private",         "public",
                                                "must-revalidate", "proxy-revalidate",
                                                "s-maxage",        "must-understand",
                                                "immutable",       "no-transform",
                                                "stale-if-error",  "stale-while-revalidate"};
  for (std::string_view k : kKnown) {
    if (name == k) return true;
  }
  return false;
}

}  // namespace

std::optional<http::CacheControl> ParseSurrogateControl(const http::HeaderView& headers,
                                                        std::string_view device_token,
                                                        std::string_view field_name) {
  std::vector<Member> members;
  headers.ForEachListMember(field_name, [&](std::string_view m) {
    if (members.size() >= kMaxSurrogateMembers) return false;
    const size_t semi = FindUnquoted(m, ';');
    std::string_view directive = http_internal::TrimOws(m.substr(0, semi));
    std::string_view target;
    if (semi != std::string_view::npos) {
      target = m.substr(semi + 1);
      target = http_internal::TrimOws(target.substr(0, FindUnquoted(target, ';')));
    }
    if (!target.empty() && !http::EqualsIgnoreCase(target, device_token)) return true;
    std::string_view name = directive.substr(0, directive.find('='));
    name = http_internal::TrimOws(name);
    if (name.empty()) return true;
    members.push_back(Member{absl::AsciiStrToLower(std::string(name)), directive,
                             semi != std::string_view::npos && !target.empty()});
    return true;
  });
  if (members.empty()) return std::nullopt;

  // A directive targeted at this device replaces untargeted ones (§2.3).
  auto overridden = [&](const Member& m) {
    if (m.targeted) return false;
    for (const Member& o : members) {
      if (o.targeted && o.name == m.name) return true;
    }
    return false;
  };
  std::string out;
  std::string_view extension;  // B of max-age=A+B
  bool explicit_sie = false;
  size_t known = 0;
  for (const Member& m : members) {
    if (overridden(m)) continue;
    if (IsKnown(m.name)) ++known;
    if (!out.empty()) out.append(", ");
    if (m.name == "no-store-remote") {
      out.append("no-store");
      continue;
    }
    if (m.name == "stale-if-error") explicit_sie = true;
    if (m.name == "max-age") {
      const size_t eq = m.text.find('=');
      std::string_view value = eq == std::string_view::npos
                                   ? std::string_view()
                                   : http_internal::TrimOws(m.text.substr(eq + 1));
      const size_t plus = value.find('+');
      if (plus != std::string_view::npos && !value.empty() && value.front() != '"') {
        out.append("max-age=");
        out.append(value.substr(0, plus));
        extension = value.substr(plus + 1);
        continue;
      }
    }
    out.append(m.text);
  }
  if (known == 0) return std::nullopt;
  if (!extension.empty() && !explicit_sie) {
    out.append(", stale-if-error=");
    out.append(extension);
  }
  return http::ParseCacheControl(out);
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
