// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: engine.h
// -----------------------------------------------------------------------------
// Private: `HttpCache::Impl`, the state the cache's .cc files share (the
// store, Vary rules, the coalesce flight group, counters, the hit's
// Cache-Status prefix), and helpers used across them.
// Thread-safety: thread-safe (immutable after construction, atomics, the
// store and the flight group are thread-safe themselves).

#ifndef EDGEKIT_SRC_CACHE_ENGINE_H_
#define EDGEKIT_SRC_CACHE_ENGINE_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/bits.h"
#include "cache/collapse.h"
#include "cache/counters.h"
#include "cache/key.h"
#include "cache/vary.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/random.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/http/cache_control.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

struct HttpCache::Parts {
  std::unique_ptr<cache_internal::FlightGroup> flights;
  std::shared_ptr<CacheStore> default_store;  // used when options.store is null
};

struct HttpCache::Impl final : public StoreListener {
  // `flight_group` and `default_store` (used when `o.store` is null) are
  // built and validated by HttpCache::Create.
  Impl(const HttpCacheOptions& o, Clock& clk,
       std::unique_ptr<cache_internal::FlightGroup> flight_group,
       std::shared_ptr<CacheStore> default_store);
  ~Impl();

  // StoreListener
  void OnEvicted(std::string_view key, uint64_t bytes, EvictionReason reason) override;
  void OnFault(StoreFault fault, std::string_view detail) override;

  // This cache's "hit; ttl=N" member, formatted in place.
  void HitStatus(int64_t ttl, InlineString* out) const;
  // Uniform in (0, 1] (XFetch).
  double Random() const;
  void CountNotStored(NotStoredReason why);

  const HttpCacheOptions& opts;
  Clock& clock;
  std::shared_ptr<CacheStore> store;
  cache_internal::VaryRules vary;
  std::unique_ptr<cache_internal::FlightGroup> flights;
  mutable SplitMix64 own_random;
  RandomSource* random;
  std::string hit_prefix;
  // hit_prefix zero-padded to the inline size of a Cache-Status value.
  char hit_prefix_block[InlineString::kInline] = {};
  std::atomic<uint64_t> generation{0};
  mutable cache_internal::Counters c;
};

}  // namespace cache

namespace cache_internal {

bool IsSafeMethod(std::string_view m);
bool IsHopByHop(std::string_view name);
std::string Lower(std::string_view s);
bool ContainsIgnoreCase(const std::vector<std::string>& names, std::string_view name);

// Which request fields a lookup reads are present (one pass).
struct RequestFields {
  bool cache_control = false;
  bool pragma = false;
  bool conditional = false;  // If-None-Match or If-Modified-Since
  bool range = false;        // Range (or If-Range)
  HostFields host;
};
RequestFields ScanRequest(const http::HeaderView& headers);
// The request's cache directives: Cache-Control, or Pragma: no-cache when
// there is no Cache-Control (RFC 9111 §5.4).
http::CacheControl RequestDirectives(const http::HeaderView& headers, const RequestFields& f);
http::CacheControl RequestDirectives(const http::HeaderView& headers);

// RFC 9111 §4.2.3 current_age and §4.2 freshness of a stored variant at `now`
// (integer nanoseconds, saturated).
struct Timing {
  absl::Duration age;
  absl::Duration staleness;  // > 0 when stale (>= 0 at the boundary: stale)
  int64_t age_ns;
  int64_t staleness_ns;
  bool fresh;
};
// (Inline: they are on every hit.)
inline int64_t SatAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}
inline int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return r;
}
inline Timing TimingOf(const cache::StoredResponse& r, absl::Time stale_from, absl::Time now) {
  Timing t;
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t resident = std::max<int64_t>(0, SatSub(now_ns, r.response_time_ns()));
  const int64_t age = SatAdd(r.corrected_initial_age_ns(), resident);
  int64_t stale = SatSub(age, r.freshness_lifetime_ns());
  if (stale_from != absl::InfiniteFuture()) {
    stale = std::max(stale, SatSub(now_ns, absl::ToUnixNanos(stale_from)));
    stale = std::max<int64_t>(stale, 0);
  }
  t.age = absl::Nanoseconds(age);
  t.age_ns = age;
  t.staleness = absl::Nanoseconds(stale);
  t.staleness_ns = stale;
  // RFC 9111 §4.2: fresh iff freshness_lifetime > current_age.
  t.fresh = stale < 0;
  return t;
}
// ttl for Cache-Status: -staleness in whole seconds, truncated toward zero.
inline int64_t TtlSeconds(const Timing& t) {
  // Truncated toward zero, as absl::Trunc.
  if (t.staleness_ns == std::numeric_limits<int64_t>::min()) {
    return std::numeric_limits<int64_t>::max() / 1000000000;
  }
  return -t.staleness_ns / 1000000000;
}
int64_t TruncSeconds(absl::Duration d);
// Writes `v` in decimal ending at `end`; returns where it starts. Two digits
// per step from a table (one multiply-shift division per pair): these run
// twice on every hit.
inline char* FormatDecimalBackwards(uint64_t v, char* end) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char* p = end;
  while (v >= 100) {
    const uint64_t pair = v % 100;
    v /= 100;
    p -= 2;
    std::memcpy(p, kPairs + 2 * pair, 2);
  }
  if (v >= 10) {
    p -= 2;
    std::memcpy(p, kPairs + 2 * v, 2);
  } else {
    *--p = static_cast<char>('0' + v);
  }
  return p;
}
// Formats into an InlineString's own buffer (no call, no memmove: these run
// on every hit).
struct InlineStringAccess {
  // Decimal digits of `v`.
  static size_t DigitCount(uint64_t v) {
    // From the bit width w: t = (w * 1233) >> 12 (1233 / 4096 ~ log10 2) is
    // the count or one more, told apart by one comparison.
    static constexpr uint64_t kPow10[20] = {1,
                                            10,
                                            100,
                                            1000,
                                            10000,
                                            100000,
                                            1000000,
                                            10000000,
                                            100000000,
                                            1000000000,
                                            10000000000,
                                            100000000000,
                                            1000000000000,
                                            10000000000000,
                                            100000000000000,
                                            1000000000000000,
                                            10000000000000000,
                                            100000000000000000,
                                            1000000000000000000,
                                            10000000000000000000u};
    const uint64_t x = v | 1;  // 0 has one digit, as 1 does
    const int width = 64 - absl::countl_zero(x);
    const size_t t = static_cast<size_t>(width * 1233) >> 12;
    return t + 1 - (x < kPow10[t] ? 1 : 0);
  }
  // `out` = the first `n` bytes of `block` (kInline bytes) followed by `v`
  // in decimal, when that fits inline (else false, `out` untouched).
  static bool AssignBlockAndNumber(cache::InlineString* out, const char* block, size_t n,
                                   int64_t v) {
    const uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    const size_t len = n + (v < 0 ? 1 : 0) + DigitCount(mag);
    if (len > cache::InlineString::kInline) return false;
    // Names up to 32 bytes (the usual case) take a constant-size copy, which
    // compiles to two moves; longer ones a call.
    if (n <= 32) {
      std::memcpy(out->buf_, block, 32);
    } else {
      std::memcpy(out->buf_, block, n);
    }
    if (v < 0) out->buf_[n] = '-';
    FormatDecimalBackwards(mag, out->buf_ + len);
    out->size_ = static_cast<uint8_t>(len);
    out->heap_.clear();
    return true;
  }
  // `out` = `v` in decimal.
  static void AssignNumber(cache::InlineString* out, uint64_t v) {
    const size_t len = DigitCount(v);
    FormatDecimalBackwards(v, out->buf_ + len);
    out->size_ = static_cast<uint8_t>(len);
    out->heap_.clear();
  }
};
static_assert(cache::InlineString::kInline >= 24, "digits fit inline");

// Writes the Age value of `age` (whole seconds, RFC 9111 §5.1) into `out`.
void FormatAgeInto(absl::Duration age, cache::InlineString* out);
inline void FormatAgeInto(int64_t age_ns, cache::InlineString* out) {
  // RFC 9111 §1.2.2: whole seconds, at most 2^31.
  int64_t s = age_ns / 1000000000;
  if (s < 0) s = 0;
  if (s > (int64_t{1} << 31)) s = int64_t{1} << 31;
  InlineStringAccess::AssignNumber(out, static_cast<uint64_t>(s));
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_ENGINE_H_
