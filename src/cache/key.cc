// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The cache key (see key.h).
#include "cache/key.h"

#include <array>
#include <cstdint>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "edgekit/cache/store.h"
#include "edgekit/http/authority.h"
#include "edgekit/http/internal/list_members.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}
bool StartsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}
std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p.data(), p.size());
  return out;
}

// Fast check that NormalizeUri(uri) == uri (lets a hit look up by view).
// Byte classes of IsNormalizedUri's authority scan (one table load a byte).
enum : uint8_t { kAuthOk, kAuthEnd, kAuthBad, kAuthColon };
constexpr std::array<uint8_t, 256> MakeAuthorityTable() {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = kAuthBad;
  t['#'] = kAuthBad;
  t['/'] = kAuthEnd;
  t['?'] = kAuthEnd;
  t[':'] = kAuthColon;
  return t;
}
constexpr std::array<uint8_t, 256> kAuthorityByte = MakeAuthorityTable();
// Bytes of a lower-case scheme (RFC 3986 §3.1).
constexpr std::array<bool, 256> MakeSchemeTable() {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = true;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
  t['+'] = t['-'] = t['.'] = true;
  return t;
}
constexpr std::array<bool, 256> kSchemeByte = MakeSchemeTable();

}  // namespace

// Key normalization: scheme and authority lower-cased, default port removed,
// empty path → "/", fragment dropped. Returns false if `uri` is not absolute.
bool NormalizeUri(std::string_view uri, std::string* out) {
  const size_t colon = uri.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view scheme = uri.substr(0, colon);
  for (char c : scheme) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  std::string_view rest = uri.substr(colon + 3);
  // An effective request URI has no fragment (RFC 9110 §7.1), so a "#"
  // before the path is taken as part of the authority, which makes it
  // invalid: a host that pasted Host "h#" before the target "/x" must not
  // get the key of "http://h/". A fragment after the path is dropped.
  size_t auth_end = rest.find_first_of("/?");
  if (auth_end == std::string_view::npos) auth_end = rest.size();
  std::string_view authority = rest.substr(0, auth_end);
  if (!http::IsValidAuthority(authority)) return false;
  std::string_view path = rest.substr(auth_end);
  const size_t hash = path.find('#');
  if (hash != std::string_view::npos) path = path.substr(0, hash);
  std::string lscheme = Lower(scheme);
  std::string lauth = Lower(authority);
  if ((lscheme == "http" && EndsWith(lauth, ":80")) ||
      (lscheme == "https" && EndsWith(lauth, ":443"))) {
    lauth.resize(lauth.rfind(':'));
  }
  out->clear();
  out->reserve(uri.size() + 1);
  out->append(lscheme);
  out->append("://");
  out->append(lauth);
  if (path.empty() || path[0] == '?') out->push_back('/');
  out->append(path.data(), path.size());
  return true;
}

bool IsNormalizedUri(std::string_view uri) {
  const size_t n = uri.size();
  size_t i = 0;
  for (; i < n && uri[i] != ':'; ++i) {
    if (!kSchemeByte[static_cast<unsigned char>(uri[i])]) return false;
  }
  if (i == 0 || i + 2 >= n || uri[i + 1] != '/' || uri[i + 2] != '/') return false;
  i += 3;
  const size_t auth_start = i;
  bool port = false;
  for (; i < n; ++i) {
    const uint8_t k = kAuthorityByte[static_cast<unsigned char>(uri[i])];
    if (k == kAuthOk) continue;
    if (k == kAuthEnd) break;
    if (k == kAuthBad) return false;
    port = true;
  }
  if (i == auth_start || i == n || uri[i] != '/') return false;
  std::string_view authority = uri.substr(auth_start, i - auth_start);
  if (port && (EndsWith(authority, ":80") || EndsWith(authority, ":443"))) return false;
  return http::IsValidAuthority(authority) && uri.find('#', i) == std::string_view::npos;
}

// Origin (scheme://authority) of a normalized key.
std::string_view OriginOf(std::string_view key) {
  const size_t colon = key.find("://");
  if (colon == std::string_view::npos) return {};
  const size_t slash = key.find_first_of("/?", colon + 3);
  return key.substr(0, slash == std::string_view::npos ? key.size() : slash);
}

// Resolves a Location / Content-Location reference against the request's
// normalized key; nullopt when it cannot be resolved.
std::optional<std::string> ResolveReference(std::string_view base_key, std::string_view ref) {
  ref = http_internal::TrimOws(ref);
  if (ref.empty()) return std::nullopt;
  std::string out;
  if (ref.find("://") != std::string_view::npos) {
    if (!NormalizeUri(ref, &out)) return std::nullopt;
    return out;
  }
  const std::string_view origin = OriginOf(base_key);
  if (origin.empty()) return std::nullopt;
  if (StartsWith(ref, "//")) {
    const std::string_view scheme = origin.substr(0, origin.find(':'));
    if (!NormalizeUri(Cat({scheme, ":", ref}), &out)) {
      return std::nullopt;
    }
    return out;
  }
  if (ref[0] == '/') return Cat({origin, ref});
  // Relative path: merge with the base path's directory.
  std::string_view path = base_key.substr(origin.size());
  const size_t q = path.find('?');
  if (q != std::string_view::npos) path = path.substr(0, q);
  const size_t slash = path.rfind('/');
  path = slash == std::string_view::npos ? "/" : path.substr(0, slash + 1);
  return Cat({origin, path, ref});
}

std::optional<std::string_view> KeyOf(std::string_view uri, size_t max_key_bytes,
                                      std::string* storage) {
  if (uri.size() > max_key_bytes) return std::nullopt;
  if (IsNormalizedUri(uri)) return uri;
  if (!NormalizeUri(uri, storage) || storage->size() > max_key_bytes) return std::nullopt;
  return std::string_view(*storage);
}

HostFields ScanHost(const http::HeaderView& headers) {
  HostFields h;
  headers.ForEachField([&h](const http::HeaderField& f) {
    if (f.name.size() == 4 && http::EqualsIgnoreCase(f.name, "host")) {
      if (h.count++ == 0) h.value = f.value;
    }
  });
  return h;
}

bool HostFieldOk(const HostFields& host, std::string_view key) {
  if (host.count == 0) return true;
  if (host.count > 1) return false;
  const std::string_view value = http_internal::TrimOws(host.value);
  const size_t colon = key.find("://");
  if (colon != std::string_view::npos) {
    const size_t end = key.find_first_of("/?", colon + 3);
    const std::string_view authority = key.substr(
        colon + 3, end == std::string_view::npos ? std::string_view::npos : end - colon - 3);
    // The key's authority was validated when the key was made.
    if (http::EqualsIgnoreCase(value, authority)) return true;
  }
  return http::IsValidAuthority(value);
}

std::optional<std::string_view> RequestKeyOf(std::string_view uri, const http::HeaderView& headers,
                                             size_t max_key_bytes, std::string* storage) {
  std::optional<std::string_view> key = KeyOf(uri, max_key_bytes, storage);
  if (!key || !HostFieldOk(ScanHost(headers), *key)) return std::nullopt;
  return key;
}

}  // namespace cache_internal

namespace cache {

uint64_t StoreKeyHash(std::string_view key) {
  return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
