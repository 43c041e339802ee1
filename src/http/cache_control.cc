// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_control.cc
// -----------------------------------------------------------------------------
// Cache-Control (RFC 9111 §5.2) and targeted cache-control (RFC 9213) parsing.

#include "edgekit/http/cache_control.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "http/internal_parse.h"
#include "http/sf_parser.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

using http_internal::ToLowerAscii;

enum class Directive : uint8_t {
  kUnknown,
  kMaxAge,
  kSMaxage,
  kMaxStale,
  kMinFresh,
  kNoCache,
  kNoStore,
  kNoTransform,
  kOnlyIfCached,
  kMustRevalidate,
  kMustUnderstand,
  kPrivate,
  kProxyRevalidate,
  kPublic,
  kStaleWhileRevalidate,
  kStaleIfError,
  kImmutable,
  kCount,
};

Directive Lookup(std::string_view n) {
  switch (n.size()) {
    case 6:
      if (EqualsIgnoreCase(n, "public")) return Directive::kPublic;
      break;
    case 7:
      if (EqualsIgnoreCase(n, "max-age")) return Directive::kMaxAge;
      if (EqualsIgnoreCase(n, "private")) return Directive::kPrivate;
      break;
    case 8:
      if (EqualsIgnoreCase(n, "no-cache")) return Directive::kNoCache;
      if (EqualsIgnoreCase(n, "no-store")) return Directive::kNoStore;
      if (EqualsIgnoreCase(n, "s-maxage")) return Directive::kSMaxage;
      break;
    case 9:
      if (EqualsIgnoreCase(n, "max-stale")) return Directive::kMaxStale;
      if (EqualsIgnoreCase(n, "min-fresh")) return Directive::kMinFresh;
      if (EqualsIgnoreCase(n, "immutable")) return Directive::kImmutable;
      break;
    case 12:
      if (EqualsIgnoreCase(n, "no-transform")) return Directive::kNoTransform;
      break;
    case 14:
      if (EqualsIgnoreCase(n, "stale-if-error")) return Directive::kStaleIfError;
      if (EqualsIgnoreCase(n, "only-if-cached")) return Directive::kOnlyIfCached;
      break;
    case 15:
      if (EqualsIgnoreCase(n, "must-revalidate")) return Directive::kMustRevalidate;
      if (EqualsIgnoreCase(n, "must-understand")) return Directive::kMustUnderstand;
      break;
    case 16:
      if (EqualsIgnoreCase(n, "proxy-revalidate")) return Directive::kProxyRevalidate;
      break;
    case 22:
      if (EqualsIgnoreCase(n, "stale-while-revalidate")) return Directive::kStaleWhileRevalidate;
      break;
    default:
      break;
  }
  return Directive::kUnknown;
}

enum class ArgKind : uint8_t { kNone, kValue, kInvalid };

struct Arg {
  ArgKind kind = ArgKind::kNone;
  std::string_view text;  // token, or quoted-string content with escapes in place
  bool escaped = false;   // text holds quoted-pairs to remove
};

// The argument text with quoted-pairs removed (RFC 9110 §5.6.4). Uses
// *scratch only if there are escapes.
std::string_view Unescaped(const Arg& arg, std::string* scratch) {
  if (!arg.escaped) return arg.text;
  scratch->clear();
  for (size_t i = 0; i < arg.text.size(); ++i) {
    char c = arg.text[i];
    if (c == '\\' && i + 1 < arg.text.size()) c = arg.text[++i];
    scratch->push_back(c);
  }
  return *scratch;
}

struct Parser {
  CacheControl* cc;
  bool targeted;  // RFC 8941 dictionary semantics (later keys replace earlier)
  std::string scratch;

  // RFC 9111 §1.2.2 delta-seconds of the argument, or nullopt.
  std::optional<absl::Duration> Delta(const Arg& arg) {
    if (arg.kind != ArgKind::kValue) return std::nullopt;
    const std::optional<int64_t> v =
        http_internal::ParseDeltaSecondsValue(Unescaped(arg, &scratch));
    if (!v) return std::nullopt;
    return absl::Seconds(*v);
  }

  // max-age / s-maxage (§4.2.1: duplicates or invalid values → stale).
  void Freshness(std::optional<absl::Duration>* slot, const Arg& arg) {
    const std::optional<absl::Duration> d = Delta(arg);
    if (!d) {
      cc->invalid_freshness = true;
      ++cc->invalid_directives;
      return;
    }
    if (targeted || !slot->has_value()) {
      *slot = d;
    } else if (**slot != *d) {
      cc->invalid_freshness = true;
    }
  }

  void OtherDelta(std::optional<absl::Duration>* slot, const Arg& arg) {
    const std::optional<absl::Duration> d = Delta(arg);
    if (!d) {
      ++cc->invalid_directives;
      return;
    }
    if (targeted || !slot->has_value()) *slot = d;
  }

  // no-cache / private: bare → *flag; with a valid field-name list → *fields.
  void Qualified(bool* flag, std::vector<std::string>* fields, const Arg& arg) {
    if (arg.kind == ArgKind::kNone) {
      *flag = true;
      return;
    }
    if (targeted) {
      *flag = false;  // this member replaces any earlier one of the same key
      fields->clear();
    }
    if (arg.kind == ArgKind::kInvalid) {
      *flag = true;
      ++cc->invalid_directives;
      return;
    }
    const std::string_view list = Unescaped(arg, &scratch);
    // Pass 1: validate, count new names.
    size_t members = 0;
    size_t added = 0;
    bool valid = true;
    auto check = [&](std::string_view m) {
      ++members;
      if (!http_internal::IsTokenFast(m)) {
        valid = false;
        return false;
      }
      const bool dup = std::any_of(fields->begin(), fields->end(),
                                   [&](const std::string& f) { return EqualsIgnoreCase(f, m); });
      if (!dup) ++added;
      return true;
    };
    http_internal::ForEachMemberOf(list, check);
    if (!valid || members == 0 || fields->size() + added > kMaxCacheControlFieldNames) {
      *flag = true;  // restrictive reading
      ++cc->invalid_directives;
      return;
    }
    // Pass 2: append the new names, lowercased.
    auto add = [&](std::string_view m) {
      const bool dup = std::any_of(fields->begin(), fields->end(),
                                   [&](const std::string& f) { return EqualsIgnoreCase(f, m); });
      if (dup) return;
      std::string lower(m);
      for (char& c : lower) c = ToLowerAscii(c);
      fields->push_back(std::move(lower));
    };
    http_internal::ForEachMemberOf(list, add);
  }

  void Flag(bool* flag) { *flag = true; }

  void Apply(Directive d, const Arg& arg) {
    switch (d) {
      case Directive::kMaxAge:
        return Freshness(&cc->max_age, arg);
      case Directive::kSMaxage:
        return Freshness(&cc->s_maxage, arg);
      case Directive::kMinFresh:
        return OtherDelta(&cc->min_fresh, arg);
      case Directive::kStaleWhileRevalidate:
        return OtherDelta(&cc->stale_while_revalidate, arg);
      case Directive::kStaleIfError:
        return OtherDelta(&cc->stale_if_error, arg);
      case Directive::kMaxStale:
        if (arg.kind == ArgKind::kNone) {
          cc->max_stale_any = true;
          if (targeted) cc->max_stale.reset();
          return;
        }
        if (targeted) cc->max_stale_any = false;
        return OtherDelta(&cc->max_stale, arg);
      case Directive::kNoCache:
        return Qualified(&cc->no_cache, &cc->no_cache_fields, arg);
      case Directive::kPrivate:
        return Qualified(&cc->private_, &cc->private_fields, arg);
      case Directive::kNoStore:
        return Flag(&cc->no_store);
      case Directive::kNoTransform:
        return Flag(&cc->no_transform);
      case Directive::kOnlyIfCached:
        return Flag(&cc->only_if_cached);
      case Directive::kMustRevalidate:
        return Flag(&cc->must_revalidate);
      case Directive::kMustUnderstand:
        return Flag(&cc->must_understand);
      case Directive::kProxyRevalidate:
        return Flag(&cc->proxy_revalidate);
      case Directive::kPublic:
        return Flag(&cc->public_);
      case Directive::kImmutable:
        return Flag(&cc->immutable);
      case Directive::kUnknown:
      case Directive::kCount:
        ++cc->unknown_directives;
        return;
    }
  }

  // One list member of Cache-Control: token [ "=" ( token / quoted-string ) ].
  void Member(std::string_view m) {
    const size_t eq = m.find('=');
    const std::string_view name = http_internal::TrimOws(m.substr(0, eq));
    if (!http_internal::IsTokenFast(name)) {
      ++cc->invalid_directives;
      return;
    }
    Arg arg;
    if (eq != std::string_view::npos) {
      const std::string_view v = http_internal::TrimOws(m.substr(eq + 1));
      arg.kind = ArgKind::kInvalid;
      if (!v.empty() && v[0] == '"') {
        // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
        for (size_t i = 1; i < v.size(); ++i) {
          if (v[i] == '\\') {
            arg.escaped = true;
            ++i;
          } else if (v[i] == '"') {
            if (i + 1 == v.size()) {
              arg.kind = ArgKind::kValue;
              arg.text = v.substr(1, i - 1);
            }
            break;
          }
        }
      } else if (http_internal::IsTokenFast(v)) {
        arg.kind = ArgKind::kValue;
        arg.text = v;
      }
    }
    Apply(Lookup(name), arg);
  }

  // One member of a targeted field's dictionary.
  bool ToArg(const http_internal::SfItem& item, Arg* arg) {
    using http_internal::SfType;
    switch (item.type) {
      case SfType::kBoolean:
        if (!item.boolean) return false;  // explicit false: as if absent
        arg->kind = ArgKind::kNone;
        return true;
      case SfType::kInteger:
      case SfType::kToken:
        arg->kind = ArgKind::kValue;
        arg->text = item.raw;
        return true;
      case SfType::kString:
        arg->kind = ArgKind::kValue;
        arg->text = item.raw;
        arg->escaped = item.raw.find('\\') != std::string_view::npos;
        return true;
      case SfType::kDecimal:
      case SfType::kByteSequence:
      case SfType::kInnerList:
        arg->kind = ArgKind::kInvalid;
        return true;
    }
    return false;
  }
};

// The Structured Field type a targeted field's member must have for its
// directive (RFC 9213 §2.1): Integer (>= 0) for delta-seconds, Boolean for
// flags, Boolean or String for the optionally qualified no-cache / private,
// Boolean or Integer for max-stale. Unknown directives take any value.
bool HasDirectiveType(Directive d, const http_internal::SfItem& item) {
  using http_internal::SfType;
  const bool is_delta = item.type == SfType::kInteger && item.integer >= 0;
  switch (d) {
    case Directive::kMaxAge:
    case Directive::kSMaxage:
    case Directive::kMinFresh:
    case Directive::kStaleWhileRevalidate:
    case Directive::kStaleIfError:
      return is_delta;
    case Directive::kMaxStale:
      return is_delta || item.type == SfType::kBoolean;
    case Directive::kNoCache:
    case Directive::kPrivate:
      return item.type == SfType::kBoolean || item.type == SfType::kString;
    case Directive::kNoStore:
    case Directive::kNoTransform:
    case Directive::kOnlyIfCached:
    case Directive::kMustRevalidate:
    case Directive::kMustUnderstand:
    case Directive::kProxyRevalidate:
    case Directive::kPublic:
    case Directive::kImmutable:
      return item.type == SfType::kBoolean;
    case Directive::kUnknown:
    case Directive::kCount:
      return true;
  }
  return true;
}

}  // namespace

CacheControl ParseCacheControl(std::string_view field_value) {
  CacheControl cc;
  Parser p{&cc, false, {}};
  auto fn = [&p](std::string_view m) { p.Member(m); };
  http_internal::ForEachMemberOf(field_value, fn);
  return cc;
}

CacheControl ParseCacheControl(const HeaderView& headers, std::string_view field_name) {
  CacheControl cc;
  Parser p{&cc, false, {}};
  headers.ForEachListMember(field_name, [&p](std::string_view m) { p.Member(m); });
  return cc;
}

std::optional<CacheControl> ParseTargetedCacheControl(std::string_view field_value) {
  if (http_internal::TrimOws(field_value).empty()) return std::nullopt;
  // Pass 1: validate the dictionary, find each known key's last member, and
  // check that member's value against the type its directive implies.
  constexpr size_t kN = static_cast<size_t>(Directive::kCount);
  std::array<size_t, kN> last{};
  std::array<bool, kN> typed{};
  size_t index = 0;
  const bool ok =
      http_internal::SfParser(field_value)
          .ParseDictionary([&](std::string_view key, const http_internal::SfItem& item) {
            const Directive d = Lookup(key);
            last[static_cast<size_t>(d)] = ++index;
            typed[static_cast<size_t>(d)] = HasDirectiveType(d, item);
          });
  if (!ok) return std::nullopt;
  // RFC 9213 §2.1: "Implementations SHOULD NOT consume values that violate
  // these inferred constraints" (max-age is an Integer, no-store a Boolean,
  // no-cache a Boolean or a String...). A quoted `max-age="10000"` or a
  // decimal, negative or Token delta-seconds makes the whole field invalid,
  // as a parsing error does: the cache falls back to Cache-Control.
  for (size_t d = 1; d < kN; ++d) {
    if (last[d] != 0 && !typed[d]) return std::nullopt;
  }
  // Pass 2: apply the last member of each key (RFC 8941 §4.2.2).
  CacheControl cc;
  Parser p{&cc, true, {}};
  index = 0;
  http_internal::SfParser(field_value)
      .ParseDictionary([&](std::string_view key, const http_internal::SfItem& item) {
        ++index;
        const Directive d = Lookup(key);
        if (d != Directive::kUnknown && last[static_cast<size_t>(d)] != index) return;
        Arg arg;
        if (!p.ToArg(item, &arg)) return;
        p.Apply(d, arg);
      });
  return cc;
}

std::optional<CacheControl> ParseTargetedCacheControl(const HeaderView& headers,
                                                      std::string_view field_name) {
  const size_t n = headers.Count(field_name);
  if (n == 0) return std::nullopt;
  if (n == 1) return ParseTargetedCacheControl(*headers.Get(field_name));
  return ParseTargetedCacheControl(headers.GetCombined(field_name));
}

}  // namespace http
EDGEKIT_NAMESPACE_END
