// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The RFC 9111 shared cache engine (see edgekit/cache/http_cache.h).
#include "edgekit/cache/http_cache.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "cache/cache_status_writer.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/freshness.h"
#include "edgekit/cache/surrogate_control.h"
#include "edgekit/http/age.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/http_date.h"

EDGEKIT_NAMESPACE_BEGIN

namespace cache_internal {

// One in-flight origin request for a key, shared by its leader ticket and its
// follower tickets.
struct Flight {
  Mutex mu;
  CondVar cv;
  bool done ABSL_GUARDED_BY(mu) = false;
  cache::WaitOutcome outcome ABSL_GUARDED_BY(mu) = cache::WaitOutcome::kFetchYourself;
  std::vector<std::pair<uint64_t, std::function<void(cache::WaitOutcome)>>> callbacks
      ABSL_GUARDED_BY(mu);
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  size_t waiters ABSL_GUARDED_BY(mu) = 0;
  std::string key;
  size_t shard = 0;
  // Set by the leader when the origin failed (5xx or no answer): followers
  // then get the stale response too when stale-if-error allows, instead of
  // all retrying a failing origin.
  std::atomic<bool> origin_failed{false};
  std::atomic<int> origin_status{0};
};

}  // namespace cache_internal

namespace cache {
namespace {

using cache_internal::Flight;
using http::EqualsIgnoreCase;

constexpr size_t kItemOverhead = 256;  // Item, index slot, queue links
constexpr size_t kTagOverhead = 64;    // per tag: set slot + map share
constexpr size_t kGhostEntryBytes = 32;
constexpr uint8_t kMaxFreq = 3;

bool IsSafeMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "TRACE";
}

bool IsHopByHop(std::string_view name) {
  // RFC 9110 §7.6.1 connection-specific fields (plus the legacy
  // Proxy-Connection); Connection-listed fields are handled separately.
  static constexpr std::string_view kHop[] = {"connection", "keep-alive", "proxy-connection",
                                              "te",         "trailer",    "transfer-encoding",
                                              "upgrade"};
  for (std::string_view h : kHop) {
    if (EqualsIgnoreCase(name, h)) return true;
  }
  return false;
}

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

bool ContainsIgnoreCase(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

// Which request fields a lookup reads are present: one pass over the
// request's field lines, so a plain request costs no further scans.
struct RequestFields {
  bool cache_control = false;
  bool pragma = false;
  bool conditional = false;  // If-None-Match or If-Modified-Since
};
RequestFields ScanRequest(const http::HeaderView& headers) {
  RequestFields f;
  for (const http::HeaderField& h : headers) {
    switch (h.name.size()) {
      case 6:
        f.pragma |= EqualsIgnoreCase(h.name, "pragma");
        break;
      case 13:
        f.cache_control |= EqualsIgnoreCase(h.name, "cache-control");
        f.conditional |= EqualsIgnoreCase(h.name, "if-none-match");
        break;
      case 17:
        f.conditional |= EqualsIgnoreCase(h.name, "if-modified-since");
        break;
      default:
        break;
    }
  }
  return f;
}

// The request's cache directives: Cache-Control, or Pragma: no-cache when
// there is no Cache-Control (RFC 9111 §5.4).
http::CacheControl RequestDirectives(const http::HeaderView& headers, const RequestFields& f) {
  if (!f.cache_control && !f.pragma) return {};
  if (f.cache_control) {
    return http::ParseCacheControl(headers, "Cache-Control");
  }
  http::CacheControl cc;
  headers.ForEachListMember("Pragma", [&](std::string_view m) {
    if (EqualsIgnoreCase(m, "no-cache")) cc.no_cache = true;
  });
  return cc;
}
http::CacheControl RequestDirectives(const http::HeaderView& headers) {
  return RequestDirectives(headers, ScanRequest(headers));
}

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
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t auth_end = rest.find_first_of("/?");
  if (auth_end == std::string_view::npos) auth_end = rest.size();
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view path = rest.substr(auth_end);
  if (authority.empty()) return false;
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
  if (port) {
    std::string_view authority = uri.substr(auth_start, i - auth_start);
    if (EndsWith(authority, ":80") || EndsWith(authority, ":443")) return false;
  }
  return uri.find('#', i) == std::string_view::npos;
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

// Vary value of one request field, normalized: lines combined, list members
// OWS-trimmed and joined by ",", lower-cased for fields whose values are
// case-insensitive.
struct VaryValue {
  bool present = false;
  std::string value;
  // The storing request's field value when it came as exactly one line
  // (has_raw): a request with the same single line matches without
  // normalising (the common case of one client sending identical bytes).
  bool has_raw = false;
  std::string raw;
  bool operator==(const VaryValue& o) const { return present == o.present && value == o.value; }
};

// 8 bytes of `p` (any alignment).
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// ASCII words `x` (any case) and `l` (lower case) are equal ignoring case:
// they may differ only in bit 0x20 of bytes where `l` holds a letter.
inline bool WordEqualsLower(uint64_t x, uint64_t l) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t d = x ^ l;
  if (d == 0) return true;
  const uint64_t ge_a = (l + kOnes * (0x80 - 'a')) & (kOnes * 0x80);
  const uint64_t gt_z = (l + kOnes * (0x80 - 'z' - 1)) & (kOnes * 0x80);
  const uint64_t letter_bits = (ge_a & ~gt_z) >> 2;  // 0x20 in letter bytes
  return (d & ~letter_bits) == 0;
}

// `name` (any case) equals `lower` (lower case), same length checked first.
// Eight bytes at a time for ASCII names (the two words of a 9..16-byte name
// overlap), byte by byte otherwise.
inline bool NameEqualsLower(std::string_view name, std::string_view lower) {
  const size_t n = name.size();
  if (n != lower.size()) return false;
  if (n >= 8 && n <= 16) {
    const uint64_t a0 = Load64(name.data());
    const uint64_t a1 = Load64(name.data() + n - 8);
    const uint64_t b0 = Load64(lower.data());
    const uint64_t b1 = Load64(lower.data() + n - 8);
    if (((a0 | a1 | b0 | b1) & 0x8080808080808080ULL) == 0) {
      return WordEqualsLower(a0, b0) && WordEqualsLower(a1, b1);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const char c = name[i];
    const char l = lower[i];
    if (c != l && !(l >= 'a' && l <= 'z' && static_cast<char>(c | 0x20) == l)) return false;
  }
  return true;
}

bool CaseInsensitiveField(std::string_view name) {
  switch (name.size()) {
    case 6:
      return name == "accept";
    case 14:
      return name == "accept-charset";
    case 15:
      return name == "accept-encoding" || name == "accept-language";
    default:
      return false;
  }
}

std::string WeakTag(std::string_view etag) {
  etag = http_internal::TrimOws(etag);
  if (StartsWith(etag, "W/")) etag.remove_prefix(2);
  return std::string(etag);
}
bool IsWeak(std::string_view etag) { return StartsWith(http_internal::TrimOws(etag), "W/"); }

void AppendIfNotEmpty(std::string* s, std::string_view sep, std::string_view v) {
  if (!s->empty()) s->append(sep.data(), sep.size());
  s->append(v.data(), v.size());
}

// RFC 9111 §4.3.2: evaluates the client's If-None-Match (weak comparison,
// RFC 9110 §13.1.2) or, without it, If-Modified-Since (§13.1.3) against a
// stored response the cache is about to serve.
bool ClientNotModified(const http::HeaderView& req, const StoredResponse& r) {
  if (r.status != 200) return false;
  if (req.Contains("If-None-Match")) {
    if (r.etag.empty()) return false;
    const std::string mine = WeakTag(r.etag);
    bool match = false;
    req.ForEachListMember("If-None-Match", [&](std::string_view m) {
      if (m == "*" || WeakTag(m) == mine) match = true;
      return !match;
    });
    return match;
  }
  if (auto ims = req.Get("If-Modified-Since")) {
    const std::optional<absl::Time> since = http::ParseHttpDate(*ims);
    if (!since) return false;
    std::optional<absl::Time> lm;
    if (!r.last_modified.empty()) lm = http::ParseHttpDate(r.last_modified);
    if (!lm) {
      if (auto d = r.headers.Get("Date")) lm = http::ParseHttpDate(*d);
    }
    return lm && *lm <= *since;
  }
  return false;
}

}  // namespace

// -----------------------------------------------------------------------------
// ToString
// -----------------------------------------------------------------------------

std::string_view ToString(LookupAction a) {
  switch (a) {
    case LookupAction::kServeFresh:
      return "serve-fresh";
    case LookupAction::kServeStale:
      return "serve-stale";
    case LookupAction::kServeStaleAndRevalidate:
      return "serve-stale-and-revalidate";
    case LookupAction::kRevalidate:
      return "revalidate";
    case LookupAction::kFetch:
      return "fetch";
    case LookupAction::kWaitForLeader:
      return "wait-for-leader";
    case LookupAction::kBypass:
      return "bypass";
    case LookupAction::kGatewayTimeout:
      return "gateway-timeout";
  }
  return "unknown";
}

std::string_view ToString(ForwardReason r) {
  switch (r) {
    case ForwardReason::kNone:
      return "none";
    case ForwardReason::kBypass:
      return "bypass";
    case ForwardReason::kMethod:
      return "method";
    case ForwardReason::kUriMiss:
      return "uri-miss";
    case ForwardReason::kVaryMiss:
      return "vary-miss";
    case ForwardReason::kMiss:
      return "miss";
    case ForwardReason::kRequest:
      return "request";
    case ForwardReason::kStale:
      return "stale";
  }
  return "unknown";
}

std::string_view ToString(NotStoredReason r) {
  switch (r) {
    case NotStoredReason::kNone:
      return "none";
    case NotStoredReason::kMethod:
      return "method";
    case NotStoredReason::kStatus:
      return "status";
    case NotStoredReason::kNoStore:
      return "no-store";
    case NotStoredReason::kRequestNoStore:
      return "request-no-store";
    case NotStoredReason::kPrivate:
      return "private";
    case NotStoredReason::kAuthorization:
      return "authorization";
    case NotStoredReason::kNotCacheable:
      return "not-cacheable";
    case NotStoredReason::kNoFreshnessOrValidator:
      return "no-freshness-or-validator";
    case NotStoredReason::kVaryStar:
      return "vary-star";
    case NotStoredReason::kTooManyVaryFields:
      return "too-many-vary-fields";
    case NotStoredReason::kSetCookie:
      return "set-cookie";
    case NotStoredReason::kTooLarge:
      return "too-large";
    case NotStoredReason::kKeyTooLong:
      return "bad-key";
    case NotStoredReason::kNoMatchingStored:
      return "no-matching-stored";
    case NotStoredReason::kError:
      return "error";
  }
  return "unknown";
}

std::string_view ToString(WaitOutcome o) {
  switch (o) {
    case WaitOutcome::kReady:
      return "ready";
    case WaitOutcome::kFetchYourself:
      return "fetch-yourself";
    case WaitOutcome::kTimeout:
      return "timeout";
    case WaitOutcome::kNotAFollower:
      return "not-a-follower";
  }
  return "unknown";
}

std::string_view ToString(StoreOutcome o) {
  switch (o) {
    case StoreOutcome::kStored:
      return "stored";
    case StoreOutcome::kUpdated:
      return "updated";
    case StoreOutcome::kNotStored:
      return "not-stored";
    case StoreOutcome::kServeStale:
      return "serve-stale";
    case StoreOutcome::kInvalidated:
      return "invalidated";
  }
  return "unknown";
}

// -----------------------------------------------------------------------------
// Serving helpers
// -----------------------------------------------------------------------------

namespace {

// `age_value` nullopt: the stored Age lines are passed on unchanged (a
// response just received or validated); otherwise they are replaced by it
// (dropped when empty).
http::HeaderMap BuildServedHeaders(const http::HeaderMap& stored,
                                   const std::vector<std::string>& omit1,
                                   const std::vector<std::string>* omit2,
                                   const std::vector<std::string>& omit3,
                                   std::optional<std::string_view> age_value,
                                   std::string_view cache_status,
                                   const http::HeaderMap* extra = nullptr) {
  http::HeaderMap out;
  std::string existing_status;
  for (const http::HeaderField& f : stored) {
    if (age_value && EqualsIgnoreCase(f.name, "Age")) continue;
    if (EqualsIgnoreCase(f.name, "Cache-Status")) {
      AppendIfNotEmpty(&existing_status, ", ", f.value);
      continue;
    }
    if (ContainsIgnoreCase(omit1, f.name)) continue;
    if (omit2 != nullptr && ContainsIgnoreCase(*omit2, f.name)) continue;
    if (ContainsIgnoreCase(omit3, f.name)) continue;
    out.Add(f.name, f.value);
  }
  if (extra != nullptr) {
    for (const http::HeaderField& f : *extra) out.Add(f.name, f.value);
  }
  if (age_value && !age_value->empty()) out.Add("Age", *age_value);
  if (!cache_status.empty()) AppendIfNotEmpty(&existing_status, ", ", cache_status);
  if (!existing_status.empty()) out.Add("Cache-Status", existing_status);
  return out;
}

}  // namespace

http::HeaderMap LookupResult::ResponseHeaders() const {
  if (!response) return {};
  // A response served without validation omits no-cache="f" fields
  // (RFC 9111 §5.2.2.4) and the surrogate keys when configured.
  return BuildServedHeaders(response->headers, response->strip_on_serve, &response->no_cache_fields,
                            omit_fields, age_value, cache_status);
}

http::HeaderMap LookupResult::NotModifiedHeaders() const {
  http::HeaderMap out;
  if (!response) return out;
  static constexpr std::string_view kKeep[] = {"Cache-Control", "Content-Location", "Date",
                                               "ETag",          "Expires",          "Vary"};
  for (const http::HeaderField& f : response->headers) {
    for (std::string_view k : kKeep) {
      if (EqualsIgnoreCase(f.name, k)) {
        out.Add(f.name, f.value);
        break;
      }
    }
  }
  if (!age_value.empty()) out.Add("Age", age_value);
  if (!cache_status.empty()) out.Add("Cache-Status", cache_status);
  return out;
}

http::HeaderMap LookupResult::ConditionalHeaders() const {
  http::HeaderMap out;
  if (!if_none_match.empty()) out.Add("If-None-Match", if_none_match);
  if (!if_modified_since.empty()) {
    out.Add("If-Modified-Since", if_modified_since);
  }
  return out;
}

http::HeaderMap StoreResult::ResponseHeaders() const {
  if (response) {
    const bool validated = outcome != StoreOutcome::kServeStale;
    // Just received or validated: the origin's Age lines as they came.
    return BuildServedHeaders(response->headers, response->strip_on_serve,
                              validated ? nullptr : &response->no_cache_fields, omit_fields,
                              validated ? std::nullopt : std::optional<std::string_view>(age_value),
                              cache_status, validated ? &pass_through : nullptr);
  }
  return BuildServedHeaders(origin_headers, {}, nullptr, omit_fields, std::nullopt, cache_status);
}

const std::string& StoreResult::body() const {
  static const std::string* const kEmpty = new std::string();
  return served_body ? *served_body : *kEmpty;
}

// -----------------------------------------------------------------------------
// The store: shards, S3-FIFO, tags, flights
// -----------------------------------------------------------------------------

struct Item {
  std::string key;  // primary key (normalized URI)
  std::shared_ptr<const StoredResponse> resp;
  std::vector<VaryValue> vary_values;
  uint64_t hash = 0;  // ghost identity
  uint8_t freq = 0;
  bool in_main = false;
  Item* prev = nullptr;
  Item* next = nullptr;
  size_t charge = 0;
  bool purged = false;
  absl::Time purged_at = absl::InfinitePast();
  uint64_t generation = 0;
  // §4.2.3 inputs of `resp` as saturated int64 nanoseconds (the hit path
  // does integer arithmetic instead of out-of-line absl::Duration calls).
  int64_t resp_ns = 0;
  int64_t init_ns = 0;
  int64_t life_ns = 0;
  void SetTimes() {
    resp_ns = absl::ToUnixNanos(resp->response_time);
    init_ns = absl::ToInt64Nanoseconds(resp->corrected_initial_age);
    life_ns = absl::ToInt64Nanoseconds(resp->freshness_lifetime);
  }
};

struct Queue {
  Item* head = nullptr;  // newest
  Item* tail = nullptr;  // oldest
  size_t bytes = 0;
  size_t count = 0;
  void PushHead(Item* it) {
    it->prev = nullptr;
    it->next = head;
    if (head) head->prev = it;
    head = it;
    if (!tail) tail = it;
    bytes += it->charge;
    ++count;
  }
  void Unlink(Item* it) {
    if (it->prev)
      it->prev->next = it->next;
    else
      head = it->next;
    if (it->next)
      it->next->prev = it->prev;
    else
      tail = it->prev;
    it->prev = it->next = nullptr;
    bytes -= it->charge;
    --count;
  }
};

// Key hashing: Abseil's (Debian's absl::string_view is not std's).
inline size_t KeyHash(std::string_view s) {
  return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
}

// Transparent std::string_view hashing (Debian's Abseil has its own
// absl::string_view, so absl's heterogeneous lookup does not take ours).
// A key with its hash computed once (shard choice and index probe share it).
struct HashedKey {
  std::string_view s;
  size_t h;
};
struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return KeyHash(s); }
  size_t operator()(const HashedKey& k) const noexcept { return k.h; }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
  bool operator()(const HashedKey& a, std::string_view b) const noexcept { return a.s == b; }
  bool operator()(std::string_view a, const HashedKey& b) const noexcept { return a == b.s; }
};
template <class V>
using StrMap = absl::flat_hash_map<std::string, V, SvHash, SvEq>;

struct KeyEntry {
  std::vector<std::unique_ptr<Item>> variants;  // newest first
};

struct Shard {
  Mutex mu;
  StrMap<KeyEntry> index ABSL_GUARDED_BY(mu);
  Queue small ABSL_GUARDED_BY(mu);
  Queue main ABSL_GUARDED_BY(mu);
  std::deque<uint64_t> ghost ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<uint64_t, uint32_t> ghost_set ABSL_GUARDED_BY(mu);
  StrMap<absl::flat_hash_set<Item*>> tags ABSL_GUARDED_BY(mu);
  StrMap<std::shared_ptr<Flight>> flights ABSL_GUARDED_BY(mu);
  size_t bytes ABSL_GUARDED_BY(mu) = 0;
  // Hot counters live with their shard (no shared cache line across shards).
  uint64_t lookups ABSL_GUARDED_BY(mu) = 0;
  uint64_t hits ABSL_GUARDED_BY(mu) = 0;
};

struct Counters {
  std::atomic<uint64_t> lookups{0}, hits{0}, stale_served{0}, misses_uri{0}, misses_vary{0},
      misses_stale{0}, misses_request{0}, bypasses{0}, gateway_timeouts{0}, revalidations{0},
      revalidated_304{0}, stores{0}, not_stored{0}, invalidations{0}, evictions{0}, purges{0},
      bytes{0}, entries{0}, collapsed_waiters{0}, collapsed_hits{0}, wait_timeouts{0},
      waiter_limit_hits{0}, early_refreshes{0};
  std::atomic<uint64_t> not_stored_by_reason[16] = {};
};

inline void Inc(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

struct HttpCache::Impl {
  explicit Impl(const HttpCacheOptions& o) : opts(o) {
    shards = std::vector<Shard>(static_cast<size_t>(o.shard_count));
    shard_budget = o.max_bytes / static_cast<size_t>(o.shard_count);
    // The ghost FIFO is reserved out of the budget (1%, at least 16 slots).
    ghost_capacity = std::max<size_t>(16, shard_budget / 100 / kGhostEntryBytes);
    const size_t reserve = ghost_capacity * kGhostEntryBytes;
    usable_budget = shard_budget > reserve ? shard_budget - reserve : 0;
    small_target = usable_budget / 10;
    max_object = std::min(o.max_object_bytes, usable_budget);
    max_flights_per_shard = std::max<size_t>(1, o.max_inflight_keys / shards.size());
    for (const auto& [name, fn] : o.vary_normalizers) {
      if (fn) normalizers[Lower(name)] = fn;
    }
    // The hit member differs only by its ttl: format it once.
    http::CacheStatusEntry e;
    e.cache_name = o.cache_name;
    e.hit = true;
    e.ttl_seconds = 0;
    hit_prefix = http::FormatCacheStatus(e);
    if (EndsWith(hit_prefix, "=0")) {
      hit_prefix.pop_back();
    } else {
      hit_prefix.clear();
    }
  }

  // This cache's "hit; ttl=N" member, formatted in place (no allocation
  // while the cache name is short).
  void HitStatus(int64_t ttl, InlineString* out) const {
    if (hit_prefix.empty()) {
      *out = cache_internal::CacheStatusWriter(opts.cache_name).Hit(ttl);
      return;
    }
    // Digits written backwards into a small buffer (faster than to_chars for
    // the few digits a ttl has).
    char buf[24];
    char* end = buf + sizeof(buf);
    char* p = end;
    uint64_t v = ttl < 0 ? 0 - static_cast<uint64_t>(ttl) : static_cast<uint64_t>(ttl);
    do {
      *--p = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (ttl < 0) *--p = '-';
    out->assign(hit_prefix);
    out->append(std::string_view(p, static_cast<size_t>(end - p)));
  }

  std::string hit_prefix;

  const HttpCacheOptions& opts;
  std::vector<Shard> shards;
  size_t shard_budget = 0;
  size_t usable_budget = 0;
  size_t small_target = 0;
  size_t max_object = 0;
  size_t ghost_capacity = 0;
  size_t max_flights_per_shard = 1;
  StrMap<VaryNormalizer> normalizers;
  std::atomic<uint64_t> generation{0};
  Counters c;

  Shard& ShardFor(std::string_view key) {
    const size_t h = KeyHash(key);
    return shards[(h >> 7) % shards.size()];
  }
  size_t ShardIndex(std::string_view key) {
    const size_t h = KeyHash(key);
    return (h >> 7) % shards.size();
  }

  double Random() {
    if (opts.random) return opts.random();
    thread_local absl::InsecureBitGen gen;
    return absl::Uniform<double>(absl::IntervalOpenClosed, gen, 0.0, 1.0);
  }

  VaryValue NormalizeVary(std::string_view field, const http::HeaderView& headers) const {
    VaryValue v;
    auto it = normalizers.empty() ? normalizers.end() : normalizers.find(field);
    if (it != normalizers.end()) {
      std::optional<std::string> combined;
      if (headers.Contains(field)) combined = headers.GetCombined(field);
      std::optional<std::string_view> view;
      if (combined) view = *combined;
      v.present = true;  // the normalizer decides what absence means
      v.value = it->second(view);
      return v;
    }
    const http::HeaderField* line = nullptr;
    size_t lines = 0;
    for (const http::HeaderField& f : headers) {
      if (NameEqualsLower(f.name, field) && lines++ == 0) line = &f;
    }
    if (lines == 1) {
      v.has_raw = true;
      v.raw = std::string(line->value);
    }
    const bool lower = CaseInsensitiveField(field);
    headers.ForEachListMember(field, [&](std::string_view m) {
      if (v.present && !v.value.empty()) v.value.push_back(',');
      v.present = true;
      const size_t from = v.value.size();
      v.value.append(m.data(), m.size());
      if (lower) {
        for (size_t k = from; k < v.value.size(); ++k) {
          v.value[k] = absl::ascii_tolower(static_cast<unsigned char>(v.value[k]));
        }
      }
    });
    if (!v.present && headers.Contains(field)) v.present = true;  // empty value
    return v;
  }

  // NormalizeVary(field, headers) == want, without building the request's
  // value: its list members are compared in place with the stored variant's
  // value, normalised once at store time (the hit path allocates nothing).
  bool VaryFieldMatches(std::string_view field, const http::HeaderView& headers,
                        const VaryValue& want) const {
    if (!normalizers.empty() && normalizers.find(field) != normalizers.end()) {
      return NormalizeVary(field, headers) == want;
    }
    if (want.has_raw) {
      const http::HeaderField* line = nullptr;
      bool several = false;
      for (const http::HeaderField& f : headers) {
        if (!NameEqualsLower(f.name, field)) continue;
        if (line != nullptr) {
          several = true;
          break;
        }
        line = &f;
      }
      if (line != nullptr && !several && line->value == want.raw) return true;
    }
    const bool lower = CaseInsensitiveField(field);
    const std::string_view w = want.value;
    size_t pos = 0;
    bool any = false;
    bool ok = true;
    headers.ForEachListMember(field, [&](std::string_view m) {
      if (any) {
        if (pos >= w.size() || w[pos] != ',') return ok = false;
        ++pos;
      }
      any = true;
      if (m.size() > w.size() - pos) return ok = false;
      if (lower) {
        for (size_t k = 0; k < m.size(); ++k) {
          if (absl::ascii_tolower(static_cast<unsigned char>(m[k])) != w[pos + k]) {
            return ok = false;
          }
        }
      } else if (w.compare(pos, m.size(), m) != 0) {
        return ok = false;
      }
      pos += m.size();
      return true;
    });
    if (!ok || pos != w.size()) return false;
    return (any || headers.Contains(field)) == want.present;
  }

  bool VaryMatches(const Item& it, const http::HeaderView& headers) const {
    const auto& names = it.resp->vary;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!VaryFieldMatches(names[i], headers, it.vary_values[i])) return false;
    }
    return true;
  }

  // --- S3-FIFO -------------------------------------------------------------

  void GhostInsert(Shard& s, uint64_t h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    s.ghost.push_back(h);
    ++s.ghost_set[h];
    const size_t cap = std::min(ghost_capacity, std::max<size_t>(16, s.main.count + s.small.count));
    while (s.ghost.size() > cap) {
      const uint64_t old = s.ghost.front();
      s.ghost.pop_front();
      auto it = s.ghost_set.find(old);
      if (it != s.ghost_set.end() && --it->second == 0) s.ghost_set.erase(it);
    }
  }

  // Removes `it` from every structure of `s` (not from the key's variant
  // vector: the caller does that) and updates byte counts.
  void UnlinkItem(Shard& s, Item* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    (it->in_main ? s.main : s.small).Unlink(it);
    for (const std::string& tag : it->resp->tags) {
      auto t = s.tags.find(tag);
      if (t == s.tags.end()) continue;
      t->second.erase(it);
      if (t->second.empty()) s.tags.erase(t);
    }
    s.bytes -= it->charge;
    c.bytes.fetch_sub(it->charge, std::memory_order_relaxed);
    c.entries.fetch_sub(1, std::memory_order_relaxed);
  }

  // Removes `it` entirely (also from its key entry).
  void RemoveItem(Shard& s, Item* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    UnlinkItem(s, it);
    auto e = s.index.find(it->key);
    if (e == s.index.end()) return;
    auto& vars = e->second.variants;
    for (size_t i = 0; i < vars.size(); ++i) {
      if (vars[i].get() == it) {
        vars.erase(vars.begin() + static_cast<ptrdiff_t>(i));
        break;
      }
    }
    if (vars.empty()) s.index.erase(e);
  }

  // Evicts one item (S3-FIFO). Returns false if the shard is empty.
  bool EvictOne(Shard& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    while (s.small.count > 0 || s.main.count > 0) {
      if (s.small.count > 0 && (s.small.bytes > small_target || s.main.count == 0)) {
        Item* it = s.small.tail;
        s.small.Unlink(it);
        if (it->freq > 0) {  // reused while in the probation queue: promote
          it->freq = 0;
          it->in_main = true;
          s.main.PushHead(it);
          continue;
        }
        it->in_main = false;
        s.small.PushHead(it);  // relink so RemoveItem can unlink uniformly
        GhostInsert(s, it->hash);
        RemoveItem(s, it);
        Inc(c.evictions);
        return true;
      }
      Item* it = s.main.tail;
      s.main.Unlink(it);
      if (it->freq > 0) {
        --it->freq;
        s.main.PushHead(it);
        continue;
      }
      s.main.PushHead(it);
      RemoveItem(s, it);
      Inc(c.evictions);
      return true;
    }
    return false;
  }

  // Inserts a new item for `key` (taking ownership); evicts to make room.
  Item* Insert(Shard& s, std::string key, std::shared_ptr<const StoredResponse> resp,
               std::vector<VaryValue> vary_values, Item* replace)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    auto item = std::make_unique<Item>();
    item->key = std::move(key);
    item->resp = std::move(resp);
    item->vary_values = std::move(vary_values);
    item->charge = item->resp->charged_bytes;
    item->SetTimes();
    std::string hash_input = item->key;
    for (const VaryValue& v : item->vary_values) {
      hash_input.push_back('\0');
      hash_input += v.value;
    }
    item->hash = std::hash<std::string>{}(hash_input);
    item->generation = generation.fetch_add(1, std::memory_order_relaxed) + 1;
    if (replace != nullptr) RemoveItem(s, replace);
    while (s.bytes + item->charge > usable_budget) {
      if (!EvictOne(s)) break;
    }
    if (s.bytes + item->charge > usable_budget) return nullptr;
    auto g = s.ghost_set.find(item->hash);
    Item* raw = item.get();
    if (g != s.ghost_set.end()) {
      raw->in_main = true;
      s.main.PushHead(raw);
    } else {
      s.small.PushHead(raw);
    }
    s.bytes += raw->charge;
    c.bytes.fetch_add(raw->charge, std::memory_order_relaxed);
    Inc(c.entries);
    for (const std::string& tag : raw->resp->tags) s.tags[tag].insert(raw);
    KeyEntry& e = s.index[raw->key];
    e.variants.insert(e.variants.begin(), std::move(item));
    while (e.variants.size() > std::max<size_t>(1, opts.max_variants_per_key)) {
      Item* oldest = e.variants.back().get();
      UnlinkItem(s, oldest);
      e.variants.pop_back();
      Inc(c.evictions);
    }
    return raw;
  }

  // Replaces the response of an existing item in place (304 / HEAD update).
  void Replace(Shard& s, Item* it, std::shared_ptr<const StoredResponse> resp)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    for (const std::string& tag : it->resp->tags) {
      auto t = s.tags.find(tag);
      if (t == s.tags.end()) continue;
      t->second.erase(it);
      if (t->second.empty()) s.tags.erase(t);
    }
    Queue& q = it->in_main ? s.main : s.small;
    q.Unlink(it);
    s.bytes -= it->charge;
    c.bytes.fetch_sub(it->charge, std::memory_order_relaxed);
    it->resp = std::move(resp);
    it->SetTimes();
    it->charge = it->resp->charged_bytes;
    it->purged = false;
    it->purged_at = absl::InfinitePast();
    it->generation = generation.fetch_add(1, std::memory_order_relaxed) + 1;
    q.PushHead(it);
    s.bytes += it->charge;
    c.bytes.fetch_add(it->charge, std::memory_order_relaxed);
    for (const std::string& tag : it->resp->tags) s.tags[tag].insert(it);
  }

  // Evicts until the shard is within budget (after Replace()).
  void EnforceBudget(Shard& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    while (s.bytes > usable_budget) {
      if (!EvictOne(s)) break;
    }
  }

  // --- Flights ------------------------------------------------------------

  // Registers a new in-flight origin request for `key` in shard `s`.
  std::shared_ptr<Flight> StartFlight(Shard& s, size_t shard_index, std::string_view key)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    auto flight = std::make_shared<Flight>();
    flight->key = std::string(key);
    flight->shard = shard_index;
    s.flights.emplace(flight->key, flight);
    return flight;
  }

  void Complete(CollapseTicket* t, WaitOutcome outcome) {
    if (t == nullptr || !t->is_leader() || !t->flight_) {
      if (t != nullptr && t->is_leader()) t->role_ = CollapseTicket::Role::kNone;
      return;
    }
    std::shared_ptr<Flight> f = std::move(t->flight_);
    t->flight_.reset();
    t->role_ = CollapseTicket::Role::kNone;
    {
      Shard& s = shards[f->shard];
      MutexLock lock(&s.mu);
      auto it = s.flights.find(f->key);
      if (it != s.flights.end() && it->second == f) s.flights.erase(it);
    }
    std::vector<std::pair<uint64_t, std::function<void(WaitOutcome)>>> cbs;
    {
      MutexLock lock(&f->mu);
      f->done = true;
      f->outcome = outcome;
      cbs.swap(f->callbacks);
    }
    f->cv.SignalAll();
    for (auto& cb : cbs) cb.second(outcome);
  }
};

// -----------------------------------------------------------------------------
// CollapseTicket
// -----------------------------------------------------------------------------

namespace {

// Removes the OnReady registration `id` from `f` and returns its callback
// (empty if it already ran or was never registered).
std::function<void(WaitOutcome)> TakeCallback(Flight& f, uint64_t id) {
  MutexLock lock(&f.mu);
  auto& cbs = f.callbacks;
  for (size_t i = 0; i < cbs.size(); ++i) {
    if (cbs[i].first == id) {
      std::function<void(WaitOutcome)> cb = std::move(cbs[i].second);
      cbs.erase(cbs.begin() + static_cast<ptrdiff_t>(i));
      return cb;
    }
  }
  return {};
}

}  // namespace

CollapseTicket::CollapseTicket(CollapseTicket&& o) noexcept
    : role_(o.role_),
      flight_(std::move(o.flight_)),
      cache_(o.cache_),
      fwd_(o.fwd_),
      validating_(std::move(o.validating_)),
      generation_(o.generation_),
      waiter_id_(o.waiter_id_),
      counted_timeout_(o.counted_timeout_) {
  o.role_ = Role::kNone;
  o.flight_.reset();
  o.waiter_id_ = 0;
}

CollapseTicket& CollapseTicket::operator=(CollapseTicket&& o) noexcept {
  if (this == &o) return *this;
  Reset();
  role_ = o.role_;
  flight_ = std::move(o.flight_);
  cache_ = o.cache_;
  fwd_ = o.fwd_;
  validating_ = std::move(o.validating_);
  generation_ = o.generation_;
  waiter_id_ = o.waiter_id_;
  counted_timeout_ = o.counted_timeout_;
  o.role_ = Role::kNone;
  o.flight_.reset();
  o.waiter_id_ = 0;
  return *this;
}

CollapseTicket::~CollapseTicket() { Reset(); }

void CollapseTicket::Reset() {
  if (is_leader()) {
    if (cache_ != nullptr && cache_->impl_) {
      cache_->impl_->Complete(this, WaitOutcome::kFetchYourself);
    }
    role_ = Role::kNone;
    flight_.reset();
    return;
  }
  if (role_ == Role::kFollower && flight_ && waiter_id_ != 0) {
    // Unregister a pending callback without running it (destroyed here,
    // outside the flight's lock).
    std::function<void(WaitOutcome)> dropped = TakeCallback(*flight_, waiter_id_);
    waiter_id_ = 0;
  }
}

WaitOutcome CollapseTicket::Wait(absl::Duration timeout) {
  if (role_ != Role::kFollower || !flight_) return WaitOutcome::kNotAFollower;
  Clock& clock = RealClock::Get();
  const absl::Time deadline = clock.MonotonicNow() + timeout;
  MutexLock lock(&flight_->mu);
  while (!flight_->done) {
    const absl::Duration left = deadline - clock.MonotonicNow();
    if (left <= absl::ZeroDuration()) {
      if (!counted_timeout_ && cache_ != nullptr) {
        counted_timeout_ = true;
        Inc(cache_->impl_->c.wait_timeouts);
      }
      return WaitOutcome::kTimeout;
    }
    flight_->cv.WaitWithTimeout(&flight_->mu, left);
  }
  return flight_->outcome;
}

void CollapseTicket::OnReady(std::function<void(WaitOutcome)> callback) {
  if (!callback) return;
  if (role_ != Role::kFollower || !flight_) {
    callback(WaitOutcome::kNotAFollower);
    return;
  }
  WaitOutcome outcome;
  {
    MutexLock lock(&flight_->mu);
    if (!flight_->done) {
      waiter_id_ = flight_->next_id++;
      flight_->callbacks.emplace_back(waiter_id_, std::move(callback));
      return;
    }
    outcome = flight_->outcome;
  }
  callback(outcome);
}

void CollapseTicket::Cancel() {
  if (role_ != Role::kFollower || !flight_ || waiter_id_ == 0) return;
  std::function<void(WaitOutcome)> cb = TakeCallback(*flight_, waiter_id_);
  waiter_id_ = 0;
  if (cb) {
    if (!counted_timeout_ && cache_ != nullptr) {
      counted_timeout_ = true;
      Inc(cache_->impl_->c.wait_timeouts);
    }
    cb(WaitOutcome::kTimeout);
  }
}

// -----------------------------------------------------------------------------
// HttpCache
// -----------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<HttpCache>> HttpCache::Create(HttpCacheOptions options) {
  if (options.shard_count < 1 || options.shard_count > 1024) {
    return absl::InvalidArgumentError("shard_count must be in 1..1024");
  }
  if (options.max_bytes == 0 || options.max_object_bytes == 0) {
    return absl::InvalidArgumentError("max_bytes and max_object_bytes must be > 0");
  }
  if (!(options.heuristic_fraction >= 0.0 && options.heuristic_fraction <= 1.0)) {
    return absl::InvalidArgumentError("heuristic_fraction must be in [0, 1]");
  }
  if (options.heuristic_max < absl::ZeroDuration() ||
      options.default_wait_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("durations must not be negative");
  }
  if (!(options.early_expiration_beta > 0.0)) {
    return absl::InvalidArgumentError("early_expiration_beta must be > 0");
  }
  if (options.max_key_bytes == 0) {
    return absl::InvalidArgumentError("max_key_bytes must be > 0");
  }
  return std::unique_ptr<HttpCache>(new HttpCache(std::move(options)));
}

HttpCache::HttpCache(HttpCacheOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>(options_)) {}

HttpCache::~HttpCache() = default;

std::optional<std::string> HttpCache::KeyForUri(std::string_view uri) const {
  if (uri.size() > options_.max_key_bytes) return std::nullopt;
  std::string out;
  if (!NormalizeUri(uri, &out)) return std::nullopt;
  if (out.size() > options_.max_key_bytes) return std::nullopt;
  return out;
}

CacheCounters HttpCache::counters() const {
  const Counters& c = impl_->c;
  auto L = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  CacheCounters s;
  s.lookups = L(c.lookups);
  s.hits = L(c.hits);
  for (Shard& sh : impl_->shards) {
    MutexLock lock(&sh.mu);
    s.lookups += sh.lookups;
    s.hits += sh.hits;
  }
  s.stale_served = L(c.stale_served);
  s.misses_uri = L(c.misses_uri);
  s.misses_vary = L(c.misses_vary);
  s.misses_stale = L(c.misses_stale);
  s.misses_request = L(c.misses_request);
  s.bypasses = L(c.bypasses);
  s.gateway_timeouts = L(c.gateway_timeouts);
  s.revalidations = L(c.revalidations);
  s.revalidated_304 = L(c.revalidated_304);
  s.stores = L(c.stores);
  s.not_stored = L(c.not_stored);
  for (int i = 0; i < 16; ++i) s.not_stored_by_reason[i] = L(c.not_stored_by_reason[i]);
  s.invalidations = L(c.invalidations);
  s.evictions = L(c.evictions);
  s.purges = L(c.purges);
  s.bytes = L(c.bytes);
  s.entries = L(c.entries);
  s.collapsed_waiters = L(c.collapsed_waiters);
  s.collapsed_hits = L(c.collapsed_hits);
  s.wait_timeouts = L(c.wait_timeouts);
  s.waiter_limit_hits = L(c.waiter_limit_hits);
  s.early_refreshes = L(c.early_refreshes);
  return s;
}

namespace {

struct Timing {
  absl::Duration age;
  absl::Duration staleness;  // > 0 when stale (>= 0 at the boundary: stale)
  int64_t staleness_ns;
  bool fresh;
};

int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}
int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}

// RFC 9111 §4.2.3 current_age and §4.2 freshness of a stored item at `now`.
Timing TimingOf(const Item& it, absl::Time now) {
  Timing t;
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t resident = std::max<int64_t>(0, SatSub(now_ns, it.resp_ns));
  const int64_t age = SatAdd(it.init_ns, resident);
  int64_t stale = SatSub(age, it.life_ns);
  if (it.purged) {
    stale = std::max(stale, SatSub(now_ns, absl::ToUnixNanos(it.purged_at)));
    stale = std::max<int64_t>(stale, 0);
  }
  t.age = absl::Nanoseconds(age);
  t.staleness = absl::Nanoseconds(stale);
  t.staleness_ns = stale;
  // RFC 9111 §4.2: fresh iff freshness_lifetime > current_age.
  t.fresh = stale < 0;
  return t;
}

}  // namespace

// Whole seconds, truncated toward zero (Cache-Status ttl).
static int64_t TruncSeconds(absl::Duration d) {
  return absl::ToInt64Seconds(absl::Trunc(d, absl::Seconds(1)));
}

namespace {

int64_t TtlSeconds(const Timing& t) {
  // Truncated toward zero, as absl::Trunc.
  if (t.staleness_ns == std::numeric_limits<int64_t>::min()) {
    return std::numeric_limits<int64_t>::max() / 1000000000;
  }
  return -t.staleness_ns / 1000000000;
}

}  // namespace

LookupResult HttpCache::Lookup(const CacheRequest& request, absl::Time now) {
  Impl& im = *impl_;
  LookupResult r;
  cache_internal::CacheStatusWriter cs(options_.cache_name);

  const bool is_get = request.method == "GET";
  const bool is_head = request.method == "HEAD";
  if (!is_get && !is_head) {
    r.action = LookupAction::kBypass;
    r.fwd = ForwardReason::kMethod;
    r.ticket.fwd_ = r.fwd;
    r.ticket.cache_ = this;
    r.cache_status = cs.Forward(r.fwd);
    Inc(im.c.bypasses);
    Inc(im.c.lookups);
    return r;
  }
  std::string key_storage;
  std::string_view key;
  if (request.uri.size() <= options_.max_key_bytes && IsNormalizedUri(request.uri)) {
    key = request.uri;
  } else if (request.uri.size() <= options_.max_key_bytes &&
             NormalizeUri(request.uri, &key_storage) &&
             key_storage.size() <= options_.max_key_bytes) {
    key = key_storage;
  } else {
    r.action = LookupAction::kBypass;
    r.fwd = ForwardReason::kBypass;
    r.ticket.fwd_ = r.fwd;
    r.ticket.cache_ = this;
    r.cache_status = cs.Forward(r.fwd, {}, {}, "bad-key");
    Inc(im.c.bypasses);
    Inc(im.c.lookups);
    return r;
  }

  const RequestFields fields = ScanRequest(request.headers);
  // Most requests carry no directives: no CacheControl is built for them.
  static const http::CacheControl kNoDirectives;
  std::optional<http::CacheControl> parsed_rcc;
  if (fields.cache_control || fields.pragma) {
    parsed_rcc = RequestDirectives(request.headers, fields);
  }
  const http::CacheControl& rcc = parsed_rcc ? *parsed_rcc : kNoDirectives;
  const HashedKey hkey{key, KeyHash(key)};
  const size_t shard_index = (hkey.h >> 7) % im.shards.size();
  Shard& s = im.shards[shard_index];
  r.ticket.cache_ = this;

  // Decide under the shard lock; build strings after.
  enum class Kind { kMissUri, kMissVary, kFresh, kStaleServe, kStaleSwr, kForward, kEarly };
  Kind kind = Kind::kMissUri;
  Timing timing{};
  std::shared_ptr<const StoredResponse> resp;
  bool have_revalidation_ticket = false;
  bool follower = false;
  bool waiter_limit = false;
  std::shared_ptr<Flight> flight;
  {
    MutexLock lock(&s.mu);
    ++s.lookups;
    auto e = s.index.find(hkey);
    Item* match = nullptr;
    if (e != s.index.end()) {
      for (auto& v : e->second.variants) {
        if (im.VaryMatches(*v, request.headers)) {
          match = v.get();
          break;
        }
      }
      kind = match ? Kind::kForward : Kind::kMissVary;
    }
    if (match != nullptr) {
      resp = match->resp;
      timing = TimingOf(*match, now);
      const StoredResponse& sr = *resp;
      bool request_ok = true;  // request directives allow a fresh response
      if (rcc.has_no_cache()) request_ok = false;
      if (rcc.max_age && timing.age > *rcc.max_age) request_ok = false;
      if (rcc.min_fresh && -timing.staleness < *rcc.min_fresh) request_ok = false;
      if (timing.fresh && !sr.no_cache && request_ok) {
        kind = Kind::kFresh;
        if (options_.early_expiration && is_get) {
          const absl::Duration delta = sr.response_time - sr.request_time;
          const double rnd = im.Random();
          if (delta > absl::ZeroDuration() && rnd > 0.0) {
            const absl::Duration gap = delta * (-options_.early_expiration_beta * std::log(rnd));
            if (gap >= -timing.staleness) kind = Kind::kEarly;
          }
        }
      } else if (!timing.fresh && !sr.no_cache && !sr.must_revalidate) {
        // Stale. max-stale lets the client accept it (RFC 9111 §5.2.1.2);
        // stale-while-revalidate lets the cache (RFC 5861 §3), as long as
        // the request did not ask for more freshness.
        const bool client_accepts =
            !rcc.has_no_cache() &&
            (rcc.max_stale_any || (rcc.max_stale && timing.staleness <= *rcc.max_stale)) &&
            !(rcc.max_age &&
              timing.age > *rcc.max_age + rcc.max_stale.value_or(absl::ZeroDuration()) &&
              !rcc.max_stale_any);
        if (client_accepts) {
          kind = Kind::kStaleServe;
        } else if (request_ok && !rcc.max_age && timing.staleness < sr.stale_while_revalidate) {
          kind = Kind::kStaleSwr;
        }
      }
      if (kind == Kind::kFresh || kind == Kind::kStaleServe || kind == Kind::kStaleSwr ||
          kind == Kind::kEarly) {
        if (match->freq < kMaxFreq) ++match->freq;
      }
      if (kind == Kind::kFresh || kind == Kind::kEarly) ++s.hits;
    }
    // Flights: SWR / early refresh hand out at most one revalidation ticket;
    // misses and blocking revalidations collapse.
    const bool room = s.flights.size() < im.max_flights_per_shard;
    if (kind == Kind::kStaleSwr || kind == Kind::kEarly) {
      if (room && s.flights.find(key) == s.flights.end()) {
        flight = im.StartFlight(s, shard_index, key);
        have_revalidation_ticket = true;
      } else if (kind == Kind::kEarly) {
        kind = Kind::kFresh;
      }
    } else if ((kind == Kind::kMissUri || kind == Kind::kMissVary || kind == Kind::kForward) &&
               is_get && options_.collapse && !rcc.only_if_cached) {
      auto f = s.flights.find(key);
      if (f == s.flights.end() && room) {
        flight = im.StartFlight(s, shard_index, key);
      } else if (f != s.flights.end()) {
        flight = f->second;
        MutexLock flock(&flight->mu);
        if (flight->waiters >= options_.max_waiters_per_key) {
          waiter_limit = true;
          flight.reset();
        } else {
          ++flight->waiters;
          follower = true;
        }
      }
    }
  }

  // Build the result outside the lock.
  auto fill_serve = [&](LookupAction action) {
    r.action = action;
    r.response = std::move(resp);
    r.age = timing.age;
    r.ttl = -timing.staleness;
    r.age_value = http::FormatAge(timing.age);
  };
  switch (kind) {
    case Kind::kFresh:
    case Kind::kEarly:
      fill_serve(kind == Kind::kEarly && have_revalidation_ticket
                     ? LookupAction::kServeStaleAndRevalidate
                     : LookupAction::kServeFresh);
      r.fwd = ForwardReason::kNone;
      im.HitStatus(TtlSeconds(timing), &r.cache_status);
      if (have_revalidation_ticket) Inc(im.c.early_refreshes);
      break;
    case Kind::kStaleServe:
      fill_serve(LookupAction::kServeStale);
      im.HitStatus(TtlSeconds(timing), &r.cache_status);
      Inc(im.c.stale_served);
      break;
    case Kind::kStaleSwr:
      fill_serve(have_revalidation_ticket ? LookupAction::kServeStaleAndRevalidate
                                          : LookupAction::kServeStale);
      im.HitStatus(TtlSeconds(timing), &r.cache_status);
      Inc(im.c.stale_served);
      break;
    default:
      break;
  }
  if (have_revalidation_ticket) {
    r.ticket.role_ = CollapseTicket::Role::kRevalidator;
    r.ticket.flight_ = std::move(flight);
    r.ticket.fwd_ = ForwardReason::kStale;
    r.ticket.validating_ = r.response;
    if (!r.response->etag.empty()) r.if_none_match = r.response->etag;
    if (!r.response->last_modified.empty()) r.if_modified_since = r.response->last_modified;
    Inc(im.c.revalidations);
  }
  if (kind == Kind::kFresh || kind == Kind::kEarly || kind == Kind::kStaleServe ||
      kind == Kind::kStaleSwr) {
    r.not_modified = fields.conditional && ClientNotModified(request.headers, *r.response);
    return r;
  }

  // Forwarding decisions.
  if (kind == Kind::kMissUri) {
    r.fwd = ForwardReason::kUriMiss;
  } else if (kind == Kind::kMissVary) {
    r.fwd = ForwardReason::kVaryMiss;
  } else if (timing.fresh && !resp->no_cache) {
    r.fwd = ForwardReason::kRequest;  // fresh, but the request refused it
  } else {
    r.fwd = ForwardReason::kStale;
  }
  r.ticket.fwd_ = r.fwd;
  if (rcc.only_if_cached) {
    // RFC 9111 §5.2.1.7: nothing usable stored → 504.
    r.action = LookupAction::kGatewayTimeout;
    r.cache_status = cs.Forward(r.fwd, 504, {}, "only-if-cached");
    Inc(im.c.gateway_timeouts);
    return r;
  }
  switch (r.fwd) {
    case ForwardReason::kUriMiss:
      Inc(im.c.misses_uri);
      break;
    case ForwardReason::kVaryMiss:
      Inc(im.c.misses_vary);
      break;
    case ForwardReason::kRequest:
      Inc(im.c.misses_request);
      break;
    default:
      Inc(im.c.misses_stale);
      break;
  }
  const bool can_validate = resp && (!resp->etag.empty() || !resp->last_modified.empty());
  if (follower) {
    r.action = LookupAction::kWaitForLeader;
    r.ticket.role_ = CollapseTicket::Role::kFollower;
    r.ticket.flight_ = std::move(flight);
    r.ticket.generation_ = im.generation.load(std::memory_order_relaxed);
    r.cache_status = cs.Forward(r.fwd);
    Inc(im.c.collapsed_waiters);
    return r;
  }
  if (waiter_limit) Inc(im.c.waiter_limit_hits);
  if (flight) {
    r.ticket.role_ = CollapseTicket::Role::kLeader;
    r.ticket.flight_ = std::move(flight);
  }
  if (can_validate) {
    r.action = LookupAction::kRevalidate;
    r.response = resp;
    r.age = timing.age;
    r.ttl = -timing.staleness;
    r.ticket.validating_ = resp;
    if (!resp->etag.empty()) r.if_none_match = resp->etag;
    if (!resp->last_modified.empty()) r.if_modified_since = resp->last_modified;
    Inc(im.c.revalidations);
  } else {
    r.action = LookupAction::kFetch;
    if (resp) r.ticket.validating_ = resp;
  }
  r.cache_status = cs.Forward(r.fwd);
  return r;
}

LookupResult HttpCache::Resume(const CacheRequest& request, CollapseTicket& ticket,
                               absl::Time now) {
  Impl& im = *impl_;
  LookupResult r;
  r.ticket.cache_ = this;
  r.ticket.fwd_ = ticket.fwd_;
  r.fwd = ticket.fwd_;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const uint64_t since = ticket.generation_;
  const bool origin_failed =
      ticket.flight_ && ticket.flight_->origin_failed.load(std::memory_order_acquire);
  const int origin_status =
      ticket.flight_ ? ticket.flight_->origin_status.load(std::memory_order_acquire) : 0;
  ticket.Reset();
  ticket.role_ = CollapseTicket::Role::kNone;
  ticket.flight_.reset();
  std::optional<std::string> key = KeyForUri(request.uri);
  if (key) {
    Shard& s = im.ShardFor(*key);
    MutexLock lock(&s.mu);
    auto e = s.index.find(*key);
    if (e != s.index.end()) {
      for (auto& v : e->second.variants) {
        if (v->generation > since && im.VaryMatches(*v, request.headers)) {
          const Timing t = TimingOf(*v, now);
          r.action = LookupAction::kServeFresh;
          r.response = v->resp;
          r.age = t.age;
          r.ttl = -t.staleness;
          r.collapsed = true;
          r.fwd = ForwardReason::kNone;
          if (v->freq < kMaxFreq) ++v->freq;
          break;
        }
      }
    }
  }
  if (r.response) {
    r.age_value = http::FormatAge(r.age);
    r.cache_status = cs.Hit(TruncSeconds(r.ttl),
                            /*collapsed=*/true);
    Inc(im.c.hits);
    Inc(im.c.collapsed_hits);
    r.not_modified = ClientNotModified(request.headers, *r.response);
    return r;
  }
  if (origin_failed && key && (request.method == "GET" || request.method == "HEAD")) {
    // The leader's origin request failed: serve stale within stale-if-error
    // rather than sending every follower to the failing origin.
    LookupResult stale = StaleOnError(request, *key, now, nullptr);
    if (stale.response) {
      stale.ticket.cache_ = this;
      stale.fwd = r.fwd;
      stale.collapsed = true;
      cache_internal::CacheStatusWriter cs2(options_.cache_name);
      std::optional<int> st;
      if (origin_status != 0) st = origin_status;
      stale.cache_status = cs2.Stale(r.fwd == ForwardReason::kNone ? ForwardReason::kStale : r.fwd,
                                     st, TruncSeconds(stale.ttl));
      Inc(im.c.stale_served);
      return stale;
    }
  }
  r.action = LookupAction::kFetch;
  r.cache_status = cs.Forward(r.fwd);
  return r;
}

void HttpCache::MarkOriginFailed(CollapseTicket* ticket, std::optional<int> status) {
  if (ticket == nullptr || !ticket->is_leader() || !ticket->flight_) return;
  ticket->flight_->origin_status.store(status.value_or(0), std::memory_order_release);
  ticket->flight_->origin_failed.store(true, std::memory_order_release);
}

// -----------------------------------------------------------------------------
// Store
// -----------------------------------------------------------------------------

namespace {

struct Analysis {
  NotStoredReason reason = NotStoredReason::kNone;
  std::shared_ptr<StoredResponse> resp;
  std::vector<VaryValue> vary_values;
};

// Fields the cache never stores: hop-by-hop and Connection-listed.
std::vector<std::string> ConnectionListed(const http::HeaderView& headers) {
  std::vector<std::string> out;
  headers.ForEachListMember("Connection", [&](std::string_view m) {
    if (out.size() < 64) out.push_back(Lower(m));
  });
  return out;
}

}  // namespace

// Derives freshness/validators/vary from a stored header set.
static void Derive(const HttpCacheOptions& o, StoredResponse* r, const http::CacheControl& eff,
                   bool* explicit_fresh) {
  const http::HeaderView h = r->headers.view();
  FreshnessInputs in;
  in.status = r->status;
  in.s_maxage = eff.s_maxage;
  in.max_age = eff.max_age;
  in.public_ = eff.public_;
  if (auto ex = h.Get("Expires")) {
    in.has_expires = true;
    in.expires = http::ParseHttpDate(*ex);
  }
  if (auto d = h.Get("Date")) in.date = http::ParseHttpDate(*d);
  if (auto lm = h.Get("Last-Modified")) in.last_modified = http::ParseHttpDate(*lm);
  in.response_time = r->response_time;
  in.heuristic_fraction = o.heuristic_fraction;
  in.heuristic_max = o.heuristic_max;
  Freshness f = FreshnessLifetime(in);
  if (eff.invalid_freshness) f.lifetime = absl::ZeroDuration();  // §4.2.1
  r->freshness_lifetime = f.lifetime;
  r->heuristic = f.heuristic;
  if (explicit_fresh) *explicit_fresh = f.explicit_;

  AgeInputs ai;
  if (auto a = h.Get("Age")) {
    // §5.1: first member of a list; invalid → ignored.
    std::string_view first = *a;
    const size_t comma = first.find(',');
    if (comma != std::string_view::npos) first = first.substr(0, comma);
    ai.age_value = http::ParseDeltaSeconds(http_internal::TrimOws(first));
  }
  ai.date_value = in.date;
  ai.request_time = r->request_time;
  ai.response_time = r->response_time;
  r->corrected_initial_age = CorrectedInitialAge(ai);

  r->no_cache = eff.no_cache;
  r->no_cache_fields = eff.no_cache_fields;
  r->must_revalidate = eff.must_revalidate || eff.proxy_revalidate || eff.s_maxage.has_value();
  r->stale_while_revalidate = eff.stale_while_revalidate.value_or(absl::ZeroDuration());
  r->stale_if_error = eff.stale_if_error.value_or(absl::ZeroDuration());
  r->etag.clear();
  r->last_modified.clear();
  if (auto et = h.Get("ETag")) r->etag = std::string(http_internal::TrimOws(*et));
  if (auto lm = h.Get("Last-Modified")) {
    if (http::ParseHttpDate(*lm)) r->last_modified = std::string(*lm);
  }
  // Surrogate keys.
  r->tags.clear();
  r->strip_on_serve.clear();
  for (const std::string& field : o.surrogate_key_fields) {
    bool present = false;
    for (const http::HeaderField& hf : h) {
      if (!EqualsIgnoreCase(hf.name, field)) continue;
      present = true;
      std::string_view v = hf.value;
      size_t i = 0;
      while (i < v.size()) {
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) ++i;
        size_t j = i;
        while (j < v.size() && v[j] != ' ' && v[j] != '\t' && v[j] != ',') ++j;
        if (j > i && j - i <= o.max_tag_bytes && r->tags.size() < o.max_tags_per_response) {
          std::string tag(v.substr(i, j - i));
          if (std::find(r->tags.begin(), r->tags.end(), tag) == r->tags.end()) {
            r->tags.push_back(std::move(tag));
          }
        }
        i = j;
      }
    }
    if (present && o.strip_surrogate_keys) r->strip_on_serve.push_back(Lower(field));
  }
}

static size_t ChargeOf(const StoredResponse& r, std::string_view key,
                       const std::vector<VaryValue>& vv) {
  size_t n = kItemOverhead + key.size() + r.headers.ByteSize() + (r.body ? r.body->size() : 0) +
             r.etag.size() + r.last_modified.size();
  for (const VaryValue& v : vv) n += v.value.size() + v.raw.size() + 32;
  for (const std::string& v : r.vary) n += v.size() + 32;
  for (const std::string& t : r.tags) n += 2 * t.size() + kTagOverhead;
  for (const std::string& t : r.no_cache_fields) n += t.size() + 32;
  for (const std::string& t : r.strip_on_serve) n += t.size() + 32;
  return n;
}

namespace {

// Fills `res` to serve the origin's response as it came (not from storage).
void PassOriginResponse(const HttpCacheOptions& o, const http::HeaderView& headers,
                        std::string body, StoreResult* res) {
  res->origin_headers = http::HeaderMap(headers);
  if (o.strip_surrogate_keys) {
    for (const std::string& f : o.surrogate_key_fields) res->omit_fields.push_back(Lower(f));
  }
  res->age_value = std::string(headers.Get("Age").value_or(""));
  res->served_body = std::make_shared<const std::string>(std::move(body));
}

bool IsSetCookie(std::string_view name) {
  return EqualsIgnoreCase(name, "Set-Cookie") || EqualsIgnoreCase(name, "Set-Cookie2");
}

// The targeted field's directives (RFC 9213 §2.1, Edge Architecture §2.2):
// the first of `targeted_fields` present and valid replaces Cache-Control.
http::CacheControl EffectiveDirectives(const HttpCacheOptions& o, const http::HeaderView& h) {
  const std::string_view token =
      o.surrogate_device_token.empty() ? o.cache_name : o.surrogate_device_token;
  auto try_field = [&](std::string_view name) -> std::optional<http::CacheControl> {
    if (name.empty()) return std::nullopt;
    if (EqualsIgnoreCase(name, "Surrogate-Control")) return ParseSurrogateControl(h, token, name);
    return http::ParseTargetedCacheControl(h, name);
  };
  if (o.targeted_fields.empty()) {
    if (auto t = try_field(o.targeted_field)) return *std::move(t);
  }
  for (const std::string& name : o.targeted_fields) {
    if (auto t = try_field(name)) return *std::move(t);
  }
  return http::ParseCacheControl(h, "Cache-Control");
}

// Copies `src` into `dst` without the fields a cache must not store. The
// Set-Cookie and private="f" fields left out go to `client_only` (they still
// belong to the response of the request that fetched it).
void CopyStorable(const HttpCacheOptions& o, const http::HeaderView& src,
                  const std::vector<std::string>& connection_listed,
                  const std::vector<std::string>& private_fields, http::HeaderMap* dst,
                  http::HeaderMap* client_only) {
  for (const http::HeaderField& f : src) {
    if (IsHopByHop(f.name) || ContainsIgnoreCase(connection_listed, f.name)) continue;
    if (ContainsIgnoreCase(private_fields, f.name) ||
        (o.set_cookie == SetCookiePolicy::kStrip && IsSetCookie(f.name))) {
      client_only->Add(f.name, f.value);
      continue;
    }
    dst->Add(f.name, f.value);
  }
}

// RFC 9111 §3.2: fields a 304 must not update. Content-Length (named by the
// RFC) and the fields the stored content depends upon: its coding, its range
// and digests of its bytes (a 304 carries no content they could describe).
bool DescribesStoredContent(std::string_view name) {
  static constexpr std::string_view kFields[] = {"Content-Length", "Content-Encoding",
                                                 "Content-Range", "Content-MD5", "Content-Digest"};
  for (std::string_view f : kFields) {
    if (EqualsIgnoreCase(name, f)) return true;
  }
  return false;
}

}  // namespace

StoreResult HttpCache::Store(const CacheRequest& request, int status,
                             const http::HeaderView& headers, std::string body,
                             absl::Time request_time, absl::Time response_time,
                             CollapseTicket* ticket) {
  Impl& im = *impl_;
  StoreResult res;
  res.status = status;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const ForwardReason fwd = ticket != nullptr && ticket->fwd_ != ForwardReason::kNone
                                ? ticket->fwd_
                                : ForwardReason::kMiss;
  std::optional<std::string> key = KeyForUri(request.uri);
  auto not_stored = [&](NotStoredReason why) {
    res.outcome = StoreOutcome::kNotStored;
    res.reason = why;
    PassOriginResponse(options_, headers, std::move(body), &res);
    res.cache_status = cs.Forward(fwd, status, {}, ToString(why));
    Inc(im.c.not_stored);
    Inc(im.c.not_stored_by_reason[static_cast<int>(why) & 15]);
    // A full (non-error) answer to a revalidation supersedes the stored
    // response even when it may not be stored itself (§4.3.3).
    if (ticket != nullptr && ticket->validating_ && key && status >= 200 && status < 500) {
      RemoveStored(*key, ticket->validating_);
    }
    im.Complete(ticket, WaitOutcome::kFetchYourself);
    return res;
  };

  // §4.4: invalidation after unsafe (or unknown) methods.
  if (!IsSafeMethod(request.method)) {
    if (status >= 200 && status < 400 && key) {
      size_t n = InvalidateKey(*key);
      for (std::string_view field : {"Location", "Content-Location"}) {
        if (auto v = headers.Get(field)) {
          std::optional<std::string> target = ResolveReference(*key, *v);
          if (target && target->size() <= options_.max_key_bytes &&
              OriginOf(*target) == OriginOf(*key)) {
            n += InvalidateKey(*target);
          }
        }
      }
      (void)n;
      res.outcome = StoreOutcome::kInvalidated;
    } else {
      res.reason = NotStoredReason::kMethod;
    }
    PassOriginResponse(options_, headers, std::move(body), &res);
    res.cache_status = cs.Forward(ForwardReason::kMethod, status);
    im.Complete(ticket, WaitOutcome::kFetchYourself);
    return res;
  }
  if (!key) return not_stored(NotStoredReason::kKeyTooLong);
  const bool is_get = request.method == "GET";
  const bool is_head = request.method == "HEAD";

  // §4.3.3/§4.3.4: a 304 freshens stored responses; §4.3.5: HEAD updates.
  if (status == 304 || (is_head && status >= 200 && status < 300)) {
    return UpdateFromValidation(request, *key, status, headers, request_time, response_time, ticket,
                                fwd);
  }
  if (!is_get) return not_stored(NotStoredReason::kMethod);

  // RFC 5861 §4 / RFC 9111 §4.2.4: 5xx while a stale response is stored.
  if (status == 500 || status == 502 || status == 503 || status == 504) {
    LookupResult stale =
        StaleOnError(request, *key, response_time, ticket ? ticket->validating_ : nullptr);
    if (stale.response) {
      res.outcome = StoreOutcome::kServeStale;
      res.reason = NotStoredReason::kError;
      res.response = stale.response;
      res.status = stale.response->status;
      res.age = stale.age;
      res.age_value = stale.age_value;
      res.served_body = stale.response->body;
      res.cache_status = cs.Stale(fwd, status, TruncSeconds(stale.ttl));
      Inc(im.c.stale_served);
      Inc(im.c.not_stored);
      Inc(im.c.not_stored_by_reason[static_cast<int>(NotStoredReason::kError)]);
      MarkOriginFailed(ticket, status);
      im.Complete(ticket, WaitOutcome::kFetchYourself);
      return res;
    }
  }

  // §3: may this response be stored?
  const http::CacheControl rcc = RequestDirectives(request.headers);
  if (rcc.no_store) return not_stored(NotStoredReason::kRequestNoStore);
  if (status < 200 || status > 599 || status == 206) {
    return not_stored(NotStoredReason::kStatus);
  }
  const http::CacheControl eff = EffectiveDirectives(options_, headers);
  if (eff.must_understand && !IsUnderstoodStatus(status)) {
    return not_stored(NotStoredReason::kStatus);
  }
  if (eff.no_store && !(eff.must_understand && IsUnderstoodStatus(status))) {
    return not_stored(NotStoredReason::kNoStore);
  }
  if (eff.private_) return not_stored(NotStoredReason::kPrivate);
  if (request.headers.Contains("Authorization") &&
      !(eff.public_ || eff.s_maxage || eff.must_revalidate)) {
    return not_stored(NotStoredReason::kAuthorization);
  }
  if (!(eff.public_ || eff.max_age || eff.s_maxage || headers.Contains("Expires") ||
        IsHeuristicallyCacheableStatus(status))) {
    return not_stored(NotStoredReason::kNotCacheable);
  }
  // Vary (§4.1).
  std::vector<std::string> vary;
  bool vary_star = false;
  bool too_many = false;
  headers.ForEachListMember("Vary", [&](std::string_view m) {
    if (m == "*") {
      vary_star = true;
      return false;
    }
    std::string name = Lower(m);
    if (std::find(vary.begin(), vary.end(), name) != vary.end()) return true;
    if (vary.size() >= options_.max_vary_fields) {
      too_many = true;
      return false;
    }
    vary.push_back(std::move(name));
    return true;
  });
  if (vary_star) return not_stored(NotStoredReason::kVaryStar);
  if (too_many) return not_stored(NotStoredReason::kTooManyVaryFields);
  if (options_.set_cookie == SetCookiePolicy::kDontStore &&
      (headers.Contains("Set-Cookie") || headers.Contains("Set-Cookie2"))) {
    return not_stored(NotStoredReason::kSetCookie);
  }

  auto sr = std::make_shared<StoredResponse>();
  sr->status = status;
  CopyStorable(options_, headers, ConnectionListed(headers), eff.private_fields, &sr->headers,
               &res.pass_through);
  sr->request_time = request_time;
  sr->response_time = response_time;
  sr->vary = std::move(vary);
  bool explicit_fresh = false;
  Derive(options_, sr.get(), eff, &explicit_fresh);
  if (sr->freshness_lifetime <= sr->corrected_initial_age && sr->etag.empty() &&
      sr->last_modified.empty() && sr->stale_while_revalidate == absl::ZeroDuration() &&
      sr->stale_if_error == absl::ZeroDuration()) {
    return not_stored(NotStoredReason::kNoFreshnessOrValidator);
  }
  std::vector<VaryValue> vv;
  vv.reserve(sr->vary.size());
  for (const std::string& f : sr->vary) vv.push_back(im.NormalizeVary(f, request.headers));
  sr->body = std::make_shared<const std::string>(std::move(body));
  sr->charged_bytes = ChargeOf(*sr, *key, vv);
  if (sr->charged_bytes > im.max_object) {
    body = std::string(*sr->body);
    return not_stored(NotStoredReason::kTooLarge);
  }

  std::shared_ptr<const StoredResponse> stored = sr;
  Shard& s = im.ShardFor(*key);
  Item* inserted = nullptr;
  {
    MutexLock lock(&s.mu);
    Item* replace = nullptr;
    auto e = s.index.find(*key);
    if (e != s.index.end()) {
      for (auto& v : e->second.variants) {
        if (v->resp->vary == stored->vary && v->vary_values == vv) {
          replace = v.get();
          break;
        }
      }
      // A full response to a revalidation replaces the validated entry.
      if (replace == nullptr && ticket != nullptr && ticket->validating_) {
        for (auto& v : e->second.variants) {
          if (v->resp == ticket->validating_) {
            replace = v.get();
            break;
          }
        }
      }
    }
    inserted = im.Insert(s, *key, stored, std::move(vv), replace);
  }
  if (inserted == nullptr) {
    body = std::string(*stored->body);
    return not_stored(NotStoredReason::kTooLarge);
  }
  Inc(im.c.stores);
  res.outcome = StoreOutcome::kStored;
  res.response = stored;
  res.served_body = stored->body;
  res.age = CurrentAge(stored->corrected_initial_age, stored->response_time, response_time);
  // §5.1: Age implies the response was not generated or validated by the
  // origin for this request: a response just received keeps only its own.
  res.age_value = std::string(headers.Get("Age").value_or(""));
  res.cache_status = cs.Stored(fwd, status, TruncSeconds(stored->freshness_lifetime - res.age));
  im.Complete(ticket, WaitOutcome::kReady);
  return res;
}

void HttpCache::RemoveStored(std::string_view key,
                             const std::shared_ptr<const StoredResponse>& resp) {
  Impl& im = *impl_;
  Shard& s = im.ShardFor(key);
  MutexLock lock(&s.mu);
  auto e = s.index.find(key);
  if (e == s.index.end()) return;
  for (auto& v : e->second.variants) {
    if (v->resp == resp) {
      im.RemoveItem(s, v.get());
      return;
    }
  }
}

size_t HttpCache::InvalidateKey(std::string_view key) {
  Impl& im = *impl_;
  Shard& s = im.ShardFor(key);
  MutexLock lock(&s.mu);
  auto e = s.index.find(key);
  if (e == s.index.end()) return 0;
  std::vector<Item*> items;
  for (auto& v : e->second.variants) items.push_back(v.get());
  for (Item* it : items) im.RemoveItem(s, it);
  Inc(im.c.invalidations, items.size());
  return items.size();
}

LookupResult HttpCache::StaleOnError(const CacheRequest& request, std::string_view key,
                                     absl::Time now,
                                     const std::shared_ptr<const StoredResponse>& hint) {
  Impl& im = *impl_;
  LookupResult r;
  const http::CacheControl rcc = RequestDirectives(request.headers);
  Shard& s = im.ShardFor(key);
  MutexLock lock(&s.mu);
  auto e = s.index.find(key);
  if (e == s.index.end()) return r;
  Item* match = nullptr;
  for (auto& v : e->second.variants) {
    if ((hint && v->resp == hint) || (!hint && im.VaryMatches(*v, request.headers))) {
      match = v.get();
      break;
    }
  }
  if (match == nullptr) return r;
  const Timing t = TimingOf(*match, now);
  const StoredResponse& sr = *match->resp;
  if (sr.no_cache || sr.must_revalidate) return r;  // §4.2.4
  absl::Duration window = sr.stale_if_error;
  if (rcc.stale_if_error) window = std::max(window, *rcc.stale_if_error);
  if (!t.fresh && t.staleness > window) return r;
  r.action = LookupAction::kServeStale;
  r.response = match->resp;
  r.age = t.age;
  r.ttl = -t.staleness;
  r.age_value = http::FormatAge(t.age);
  return r;
}

LookupResult HttpCache::OnOriginError(const CacheRequest& request, absl::Time now,
                                      CollapseTicket* ticket, std::optional<int> status) {
  Impl& im = *impl_;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const ForwardReason fwd = ticket != nullptr && ticket->fwd_ != ForwardReason::kNone
                                ? ticket->fwd_
                                : ForwardReason::kMiss;
  LookupResult r;
  std::optional<std::string> key = KeyForUri(request.uri);
  if (key && (request.method == "GET" || request.method == "HEAD")) {
    r = StaleOnError(request, *key, now, ticket ? ticket->validating_ : nullptr);
  }
  r.ticket.cache_ = this;
  r.fwd = fwd;
  if (r.response) {
    r.cache_status = cs.Stale(fwd, status, TruncSeconds(r.ttl));
    Inc(im.c.stale_served);
  } else {
    r.action = LookupAction::kBypass;
    r.cache_status = cs.Forward(fwd, status, {}, "origin-error");
  }
  MarkOriginFailed(ticket, status);
  im.Complete(ticket, WaitOutcome::kFetchYourself);
  return r;
}

// §4.3.4 / §4.3.5.
StoreResult HttpCache::UpdateFromValidation(const CacheRequest& request, std::string_view key,
                                            int status, const http::HeaderView& headers,
                                            absl::Time request_time, absl::Time response_time,
                                            CollapseTicket* ticket, ForwardReason fwd) {
  Impl& im = *impl_;
  StoreResult res;
  res.status = status;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const std::string new_etag =
      std::string(http_internal::TrimOws(headers.Get("ETag").value_or("")));
  const std::string_view new_lm = headers.Get("Last-Modified").value_or("");
  const bool strong = !new_etag.empty() && !IsWeak(new_etag);
  const std::vector<std::string> connection_listed = ConnectionListed(headers);
  const http::CacheControl new_cc = EffectiveDirectives(options_, headers);
  const bool is_head = request.method == "HEAD";

  std::shared_ptr<const StoredResponse> served;
  size_t updated = 0;
  http::HeaderMap client_only;  // the 304's fields for this client only
  Shard& s = im.ShardFor(key);
  {
    MutexLock lock(&s.mu);
    auto e = s.index.find(key);
    std::vector<Item*> selected;
    if (e != s.index.end()) {
      auto& vars = e->second.variants;
      if (is_head) {
        // §4.3.5: the stored GET response this HEAD would have selected.
        for (auto& v : vars) {
          if (im.VaryMatches(*v, request.headers)) {
            selected.push_back(v.get());
            break;
          }
        }
        if (!selected.empty()) {
          const StoredResponse& old = *selected[0]->resp;
          const bool etag_ok = new_etag.empty() || old.etag == new_etag;
          const bool lm_ok = new_lm.empty() || old.last_modified == new_lm;
          auto old_cl = old.headers.Get("Content-Length");
          auto new_cl = headers.Get("Content-Length");
          const bool cl_ok = !new_cl || !old_cl || *old_cl == *new_cl;
          if (!(etag_ok && lm_ok && cl_ok)) {
            // Incompatible: the stored response is outdated → stale.
            selected[0]->purged = true;
            selected[0]->purged_at = response_time;
            selected.clear();
          }
        }
      } else if (strong) {
        for (auto& v : vars) {
          if (!v->resp->etag.empty() && !IsWeak(v->resp->etag) && v->resp->etag == new_etag) {
            selected.push_back(v.get());
          }
        }
      } else if (!new_etag.empty() || !new_lm.empty()) {
        // Weak validators: the most recent matching stored response.
        for (auto& v : vars) {
          const bool etag_match = !new_etag.empty() && !v->resp->etag.empty() &&
                                  WeakTag(v->resp->etag) == WeakTag(new_etag);
          const bool lm_match =
              new_etag.empty() && !new_lm.empty() && v->resp->last_modified == new_lm;
          if (etag_match || lm_match) {
            selected.push_back(v.get());
            break;  // variants are newest first
          }
        }
      } else if (vars.size() == 1 && vars[0]->resp->etag.empty() &&
                 vars[0]->resp->last_modified.empty()) {
        selected.push_back(vars[0].get());
      } else if (ticket != nullptr && ticket->validating_) {
        // A 304 without validators answering our own conditional request:
        // it validates the response we asked about.
        for (auto& v : vars) {
          if (v->resp == ticket->validating_) {
            selected.push_back(v.get());
            break;
          }
        }
      }
    }
    for (Item* it : selected) {
      const StoredResponse& old = *it->resp;
      auto nr = std::make_shared<StoredResponse>();
      nr->status = old.status;
      nr->body = old.body;
      nr->vary = old.vary;
      // §3.2: add each field of the new response, replacing existing ones,
      // except the fields §3.1 excludes from storage and those describing
      // the stored content (Content-Length, -Encoding, -Range, digests).
      absl::flat_hash_set<std::string> replaced;
      for (const http::HeaderField& f : headers) {
        if (IsHopByHop(f.name) || ContainsIgnoreCase(connection_listed, f.name) ||
            DescribesStoredContent(f.name)) {
          continue;
        }
        if (ContainsIgnoreCase(new_cc.private_fields, f.name) ||
            (options_.set_cookie == SetCookiePolicy::kStrip && IsSetCookie(f.name))) {
          if (updated == 0) client_only.Add(f.name, f.value);
          continue;
        }
        replaced.insert(Lower(f.name));
      }
      // The stored Age described the old exchange; the 304's (or none)
      // describes this one (§4.2.3 inputs are re-taken from the 304).
      replaced.insert("age");
      for (const http::HeaderField& f : old.headers) {
        if (replaced.contains(Lower(f.name))) continue;
        nr->headers.Add(f.name, f.value);
      }
      for (const http::HeaderField& f : headers) {
        if (replaced.contains(Lower(f.name))) nr->headers.Add(f.name, f.value);
      }
      nr->request_time = request_time;
      nr->response_time = response_time;
      const http::CacheControl eff = EffectiveDirectives(options_, nr->headers.view());
      Derive(options_, nr.get(), eff, nullptr);
      nr->charged_bytes = ChargeOf(*nr, key, it->vary_values);
      std::shared_ptr<const StoredResponse> cnr = nr;
      if (!served || (ticket && ticket->validating_ == it->resp) ||
          (!ticket && im.VaryMatches(*it, request.headers))) {
        served = cnr;
      }
      im.Replace(s, it, cnr);
      ++updated;
    }
    // Only now: evicting inside the loop could free a selected item.
    im.EnforceBudget(s);
  }
  if (updated == 0) {
    res.outcome = StoreOutcome::kNotStored;
    res.reason = is_head ? NotStoredReason::kMethod : NotStoredReason::kNoMatchingStored;
    PassOriginResponse(options_, headers, std::string(), &res);
    res.cache_status = cs.Forward(fwd, status, {}, ToString(res.reason));
    Inc(im.c.not_stored);
    Inc(im.c.not_stored_by_reason[static_cast<int>(res.reason) & 15]);
    im.Complete(ticket, WaitOutcome::kFetchYourself);
    return res;
  }
  if (!is_head) Inc(im.c.revalidated_304, updated);
  res.outcome = StoreOutcome::kUpdated;
  res.response = served;
  res.pass_through = std::move(client_only);
  res.status = served->status;
  res.served_body = served->body;
  res.age = CurrentAge(served->corrected_initial_age, served->response_time, response_time);
  // §5.1: Age implies the response was not generated or validated by the
  // origin for this request: a response just received keeps only its own.
  res.age_value = std::string(headers.Get("Age").value_or(""));
  res.cache_status = cs.Stored(fwd, status, TruncSeconds(served->freshness_lifetime - res.age));
  im.Complete(ticket, WaitOutcome::kReady);
  return res;
}

// -----------------------------------------------------------------------------
// Purge
// -----------------------------------------------------------------------------

size_t HttpCache::PurgeUrl(std::string_view uri, bool soft, absl::Time now) {
  std::optional<std::string> key = KeyForUri(uri);
  if (!key) return 0;
  Impl& im = *impl_;
  Shard& s = im.ShardFor(*key);
  MutexLock lock(&s.mu);
  auto e = s.index.find(*key);
  if (e == s.index.end()) return 0;
  std::vector<Item*> items;
  for (auto& v : e->second.variants) items.push_back(v.get());
  for (Item* it : items) {
    if (soft) {
      it->purged = true;
      it->purged_at = std::min(now, it->purged_at == absl::InfinitePast() ? now : it->purged_at);
    } else {
      im.RemoveItem(s, it);
    }
  }
  Inc(im.c.purges, items.size());
  return items.size();
}

size_t HttpCache::PurgeTag(std::string_view tag, bool soft, absl::Time now) {
  Impl& im = *impl_;
  size_t n = 0;
  const std::string t(tag);
  for (Shard& s : im.shards) {
    MutexLock lock(&s.mu);
    auto it = s.tags.find(t);
    if (it == s.tags.end()) continue;
    std::vector<Item*> items(it->second.begin(), it->second.end());
    for (Item* item : items) {
      if (soft) {
        if (!item->purged) {
          item->purged = true;
          item->purged_at = now;
        }
      } else {
        im.RemoveItem(s, item);
      }
    }
    n += items.size();
  }
  Inc(im.c.purges, n);
  return n;
}

size_t HttpCache::PurgeAll() {
  Impl& im = *impl_;
  size_t n = 0;
  for (Shard& s : im.shards) {
    MutexLock lock(&s.mu);
    std::vector<Item*> items;
    for (auto& [k, e] : s.index) {
      for (auto& v : e.variants) items.push_back(v.get());
    }
    for (Item* it : items) im.RemoveItem(s, it);
    n += items.size();
  }
  Inc(im.c.purges, n);
  return n;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
