// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_cache.h
// -----------------------------------------------------------------------------
// `edgekit::cache::HttpCache`: an RFC 9111 *shared* HTTP cache engine. The host
// does all I/O; the cache decides (storable? fresh? revalidate? collapse?),
// stores responses under a byte budget (S3-FIFO eviction, sharded locks), and
// counts what it did. It also implements RFC 9213 targeted cache control
// (`CDN-Cache-Control`), RFC 9211 `Cache-Status`, RFC 5861
// `stale-while-revalidate` / `stale-if-error`, surrogate-key purge, request
// collapsing and probabilistic early expiration (XFetch).
//
// The flow, for every request the host wants to answer through the cache:
//
//   cache::CacheRequest req{method, effective_request_uri, request_headers};
//   cache::LookupResult r = cache->Lookup(req, clock.SystemNow());
//   switch (r.action) {
//     case cache::LookupAction::kServeFresh:
//     case cache::LookupAction::kServeStale:
//       Respond(r.response->status, r.ResponseHeaders(), *r.response->body);
//       break;
//     case cache::LookupAction::kServeStaleAndRevalidate:
//       Respond(...as above...);
//       // In the background, with r.ticket moved along:
//       //   send the request plus r.ConditionalHeaders() to the origin, then
//       //   cache->Store(req, origin_status, origin_headers, body, t0, t1,
//       //                &ticket);
//       break;
//     case cache::LookupAction::kRevalidate:   // conditional fetch first
//     case cache::LookupAction::kFetch:        // miss (r.ticket may lead)
//     case cache::LookupAction::kBypass: {     // not cacheable here
//       // add r.ConditionalHeaders() (empty unless kRevalidate), forward...
//       cache::StoreResult s = cache->Store(req, status, headers,
//                                           std::move(body), t0, t1,
//                                           &r.ticket);
//       Respond(s.status, s.ResponseHeaders(), s.body());
//       break;
//     }
//     case cache::LookupAction::kWaitForLeader:
//       // Threaded host: r.ticket.Wait(timeout); event loop:
//       // r.ticket.OnReady(callback). Then:
//       //   cache->Resume(req, r.ticket, clock.SystemNow())
//       // gives a new LookupResult (a collapsed hit, or kFetch).
//       break;
//     case cache::LookupAction::kGatewayTimeout:  // only-if-cached
//       Respond(504, {{"Cache-Status", r.cache_status}}, "");
//       break;
//   }
//
// What the cache expects of the host:
//   * `CacheRequest::uri` is the absolute effective request URI
//     (`scheme://authority/path?query`, RFC 9110 §7.1). The cache key is that
//     URI with scheme and host lower-cased; the method is GET (a HEAD request
//     is answered from the stored GET response).
//   * Times are wall-clock `absl::Time`s (`Clock::SystemNow()`):
//     `request_time` is when the request to the origin was sent,
//     `response_time` when its response was received (RFC 9111 §4.2.3).
//   * Hop-by-hop field stripping on the wire is the host's job; the cache in
//     addition never stores `Connection`-listed or hop-by-hop fields.
//   * Every response served through the cache gets the `Cache-Status` member
//     the cache computed (`ResponseHeaders()` appends it to any existing
//     `Cache-Status` field of the stored response).
//
// Thread-safety: `HttpCache` is thread-safe. Lookups take one shard lock (a
// hit takes no global lock); purge-by-tag and purge-all visit each shard in
// turn. `CollapseTicket` is move-only and thread-compatible (one owner), but
// `Wait` / `OnReady` may race with the leader's completion on another thread.
// User callbacks are never invoked while an internal lock is held.
//
// The full semantics (RFC sections, bounds, counters) are in docs/cache.md.
//
// Errors: setup (`Create`) returns `absl::Status` (kInvalidArgument for bad
// options). Hot-path calls never fail: they return decisions (enums) and never
// throw.

#ifndef EDGEKIT_CACHE_HTTP_CACHE_H_
#define EDGEKIT_CACHE_HTTP_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
struct Flight;
}  // namespace cache_internal
namespace cache {

// -----------------------------------------------------------------------------
// Stored responses
// -----------------------------------------------------------------------------

// A response as the cache keeps it. Immutable once stored and shared by
// refcount (`std::shared_ptr<const StoredResponse>`): a hit copies no body and
// a 304 update builds a new `StoredResponse` that shares the old body.
//
// Thread-safety: immutable, safe to read from any thread.
struct StoredResponse {
  int status = 0;
  // Stored header fields: the origin's fields minus hop-by-hop fields,
  // `Connection`-listed fields, `private="..."`-listed fields and (unless
  // configured otherwise) `Set-Cookie`. `Age` is kept as received (it is an
  // input of the age calculation) and replaced when serving.
  http::HeaderMap headers;
  // The body; never null for a stored response (empty string when none).
  std::shared_ptr<const std::string> body;
  // RFC 9111 §4.2.3 inputs, from the response that was stored (or the 304
  // that last freshened it).
  absl::Time request_time;
  absl::Time response_time;

  // Derived at store time (RFC 9111 §4.2):
  absl::Duration corrected_initial_age = absl::ZeroDuration();
  absl::Duration freshness_lifetime = absl::ZeroDuration();
  bool heuristic = false;  // freshness_lifetime came from §4.2.2
  // Revalidation constraints on this (shared) cache.
  bool no_cache = false;         // §5.2.2.4 (qualified forms: see docs)
  bool must_revalidate = false;  // must-revalidate, proxy-revalidate,
                                 // s-maxage (§5.2.2.2, .8, .10)
  absl::Duration stale_while_revalidate = absl::ZeroDuration();  // RFC 5861
  absl::Duration stale_if_error = absl::ZeroDuration();          // RFC 5861
  // Field names (lower case) of `no-cache="..."`: served only after
  // validation.
  std::vector<std::string> no_cache_fields;
  // Validators.
  std::string etag;           // as received, e.g. `W/"x"` or `"x"`
  std::string last_modified;  // as received
  // Surrogate keys (tags) found in the configured fields.
  std::vector<std::string> tags;
  // Field names (lower case) removed whenever this response is served (the
  // surrogate-key fields, when `strip_surrogate_keys`).
  std::vector<std::string> strip_on_serve;
  // Vary field names (lower case), in order; empty when no Vary.
  std::vector<std::string> vary;
  // Total bytes charged against the budget for this entry.
  size_t charged_bytes = 0;
};

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

// Normalizes one request header field's (combined) value before Vary matching.
// Receives the value with list members joined by ", " (absent field: nullopt)
// and returns the canonical form to compare. Example: map Accept-Encoding to
// "br" / "gzip" / "identity" according to what the host can serve. Must be
// thread-safe and must not throw.
using VaryNormalizer = std::function<std::string(std::optional<std::string_view> value)>;

// What to do with responses that carry `Set-Cookie` (a shared cache must not
// hand one user's cookie to another).
enum class SetCookiePolicy {
  kStrip,      // store the response without its Set-Cookie fields (default)
  kDontStore,  // do not store such responses
  kStore,      // store them as they are (only for hosts that know better)
};

struct HttpCacheOptions {
  // Byte budget for everything the cache holds (keys, headers, bodies, index
  // overhead). Never exceeded. Split evenly across shards.
  size_t max_bytes = size_t{256} << 20;
  // Largest single entry (headers + body + key); bigger responses are not
  // stored. Clamped to the per-shard budget.
  size_t max_object_bytes = size_t{8} << 20;
  // Number of shards (each with its own lock). 1..1024.
  int shard_count = 16;
  // Heuristic freshness (RFC 9111 §4.2.2): fraction of (Date - Last-Modified)
  // and its cap.
  double heuristic_fraction = 0.1;
  absl::Duration heuristic_max = absl::Hours(24);
  // Targeted cache-control field honoured by this cache (RFC 9213). Empty:
  // none. Ignored when `targeted_fields` is not empty.
  std::string targeted_field = "CDN-Cache-Control";
  // Targeted cache-control fields in order of precedence, e.g.
  // {"CDN-Cache-Control", "Surrogate-Control"}: the first one present and
  // valid replaces Cache-Control for this cache's decisions (RFC 9213 §2.1;
  // Cache-Control is still stored and passed on). "Surrogate-Control" (any
  // case) is read as Edge Architecture 1.0 (see surrogate_control.h), every
  // other name as an RFC 9213 Dictionary. Empty: `{targeted_field}` (or none
  // when that is empty), so code setting `targeted_field` keeps working.
  std::vector<std::string> targeted_fields;
  // Device token this cache answers to in Surrogate-Control targeting
  // (`max-age=60;token`); the host advertises it upstream in
  // `Surrogate-Capability: token="Surrogate/1.0"`. Empty: `cache_name`.
  std::string surrogate_device_token;
  // Surrogate-key fields: space-separated tags (Surrogate-Key) or
  // comma-separated (Cache-Tag); both separators are accepted in each.
  std::vector<std::string> surrogate_key_fields = {"Surrogate-Key", "Cache-Tag"};
  // Remove the surrogate-key fields from responses served by the cache.
  bool strip_surrogate_keys = true;
  // The cache's name in Cache-Status (RFC 9211 §2).
  std::string cache_name = "edgekit";
  SetCookiePolicy set_cookie = SetCookiePolicy::kStrip;
  // Per-field Vary normalizers, by field name (case-insensitive). Fields
  // without one are compared after whitespace/case normalization.
  std::vector<std::pair<std::string, VaryNormalizer>> vary_normalizers;

  // Bounds against hostile input.
  size_t max_key_bytes = 8192;        // longer URIs bypass the cache
  size_t max_vary_fields = 16;        // more Vary fields → not stored
  size_t max_variants_per_key = 16;   // oldest variant replaced beyond
  size_t max_tags_per_response = 64;  // extra tags ignored
  size_t max_tag_bytes = 256;         // longer tags ignored

  // Request collapsing (misses and blocking revalidations).
  bool collapse = true;
  size_t max_waiters_per_key = 100000;  // beyond: kFetch without collapsing
  // Keys with a fetch/revalidation in flight (split across shards); beyond,
  // requests fetch without collapsing and stale-while-revalidate serves
  // stale without handing out a refresh ticket.
  size_t max_inflight_keys = 65536;
  absl::Duration default_wait_timeout = absl::Seconds(10);

  // Probabilistic early expiration (XFetch): a fresh hit is turned into a
  // background refresh (kServeStaleAndRevalidate) when
  //   now - delta * beta * ln(rand()) >= expiry,
  // delta = response_time - request_time of the stored entry. Off by default.
  bool early_expiration = false;
  double early_expiration_beta = 1.0;
  // Uniform random source in (0, 1]; null: an internal thread-safe PRNG.
  std::function<double()> random;
};

// -----------------------------------------------------------------------------
// Requests, decisions, results
// -----------------------------------------------------------------------------

// One request as the host received it. Views: the host's storage must outlive
// the call.
struct CacheRequest {
  std::string_view method;  // "GET", "HEAD", ... (case-sensitive, RFC 9110)
  std::string_view uri;     // absolute effective request URI
  http::HeaderView headers;
};

enum class LookupAction {
  kServeFresh,               // serve `response` (a hit)
  kServeStale,               // serve `response` (stale but allowed); done
  kServeStaleAndRevalidate,  // serve `response` and revalidate in the
                             // background with `ticket` (one per key)
  kRevalidate,               // send a conditional request, then Store()
  kFetch,                    // miss: fetch, then Store() (maybe as leader)
  kWaitForLeader,            // another request is fetching: wait on
                             // `ticket`, then Resume()
  kBypass,                   // the cache cannot help: forward, Store() still
                             // handles invalidation (§4.4) and Cache-Status
  kGatewayTimeout,           // only-if-cached and nothing usable: 504
};
EDGEKIT_API std::string_view ToString(LookupAction action);

// Why a request went forward (RFC 9211 `fwd` parameter).
enum class ForwardReason {
  kNone,      // served from cache
  kBypass,    // the cache was configured/decided not to be used
  kMethod,    // the method is not cacheable
  kUriMiss,   // nothing stored for the URI
  kVaryMiss,  // stored variants, none matches
  kMiss,      // unspecified miss
  kRequest,   // the request's directives forced it (no-cache, max-age=0...)
  kStale,     // the stored response was stale
};
EDGEKIT_API std::string_view ToString(ForwardReason reason);

enum class NotStoredReason {
  kNone,
  kMethod,                  // request method not GET (§3)
  kStatus,                  // status not final / not understood / 206 / 304
  kNoStore,                 // no-store in response (§5.2.2.5)
  kRequestNoStore,          // no-store in request (§5.2.1.5)
  kPrivate,                 // unqualified private (§5.2.2.7)
  kAuthorization,           // Authorization without public/s-maxage/
                            // must-revalidate (§3.5)
  kNotCacheable,            // no explicit freshness, not heuristically cacheable
  kNoFreshnessOrValidator,  // would be stale at once and has no validator
  kVaryStar,                // Vary: * (§4.1: never matches)
  kTooManyVaryFields,       // over `max_vary_fields`
  kSetCookie,               // SetCookiePolicy::kDontStore
  kTooLarge,                // over max_object_bytes
  kKeyTooLong,              // URI over max_key_bytes or not absolute
  kNoMatchingStored,        // 304/HEAD that selects no stored response
  kError,                   // a 5xx served stale or passed on (not stored)
};
EDGEKIT_API std::string_view ToString(NotStoredReason reason);

class HttpCache;

// A short string value kept inline (no heap allocation up to `kInline`
// bytes; longer values fall back to a std::string). Used for the
// Cache-Status member of a hit, which is built on every hit. Reads as a
// std::string_view (implicit conversion, `view()`, `data()`, `size()`).
// Thread-compatible value type.
class InlineString {
 public:
  static constexpr size_t kInline = 54;

  InlineString() = default;
  InlineString(std::string_view s) { assign(s); }    // NOLINT: implicit by design
  InlineString(const std::string& s) { assign(s); }  // NOLINT
  InlineString(const char* s) { assign(s); }         // NOLINT
  InlineString(const InlineString& o) { assign(o.view()); }
  InlineString(InlineString&& o) noexcept : size_(o.size_), heap_(std::move(o.heap_)) {
    if (size_ != kHeap && size_ != 0) std::memcpy(buf_, o.buf_, size_);
  }
  InlineString& operator=(InlineString&& o) noexcept {
    if (this == &o) return *this;
    size_ = o.size_;
    heap_ = std::move(o.heap_);
    if (size_ != kHeap && size_ != 0) std::memcpy(buf_, o.buf_, size_);
    return *this;
  }
  InlineString& operator=(const InlineString& o) {
    if (this != &o) assign(o.view());
    return *this;
  }
  InlineString& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  InlineString& operator=(const std::string& s) {
    assign(s);
    return *this;
  }
  InlineString& operator=(const char* s) {
    assign(s);
    return *this;
  }

  void assign(std::string_view s) {
    if (s.size() <= kInline) {
      if (!s.empty()) std::memmove(buf_, s.data(), s.size());
      size_ = static_cast<uint8_t>(s.size());
      heap_.clear();
    } else {
      heap_.assign(s.data(), s.size());
      size_ = kHeap;
    }
  }
  // Appends `s` (used to format in place).
  void append(std::string_view s) {
    if (size_ != kHeap && size_ + s.size() <= kInline) {
      if (!s.empty()) std::memcpy(buf_ + size_, s.data(), s.size());
      size_ = static_cast<uint8_t>(size_ + s.size());
      return;
    }
    if (size_ != kHeap) {
      heap_.assign(buf_, size_);
      size_ = kHeap;
    }
    heap_.append(s.data(), s.size());
  }
  void clear() { assign({}); }

  [[nodiscard]] std::string_view view() const {
    return size_ == kHeap ? std::string_view(heap_) : std::string_view(buf_, size_);
  }
  operator std::string_view() const { return view(); }  // NOLINT
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] const char* data() const { return view().data(); }
  [[nodiscard]] size_t size() const { return view().size(); }
  [[nodiscard]] bool empty() const { return view().empty(); }

  friend bool operator==(const InlineString& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(std::string_view a, const InlineString& b) { return a == b.view(); }
  friend bool operator!=(const InlineString& a, std::string_view b) { return a.view() != b; }
  friend bool operator!=(std::string_view a, const InlineString& b) { return a != b.view(); }
  friend std::ostream& operator<<(std::ostream& os, const InlineString& s) {
    return os << s.view();
  }

 private:
  static constexpr uint8_t kHeap = 255;
  uint8_t size_ = 0;
  char buf_[kInline];
  std::string heap_;
};

// The outcome a follower sees when its wait ends.
enum class WaitOutcome {
  kReady,          // the leader stored a response: Resume() serves it
  kFetchYourself,  // the leader's response was not storable or it abandoned
  kTimeout,        // the wait bound passed
  kNotAFollower,   // the ticket is not a follower ticket
};
EDGEKIT_API std::string_view ToString(WaitOutcome outcome);

// A request's ticket through the cache. Roles:
//   kNone       nothing to coordinate (still carries the Lookup's context).
//   kLeader     this request fetches for everyone waiting on the key; pass it
//               to Store() / OnOriginError(). If it is destroyed (or Reset)
//               before that, followers are released with kFetchYourself.
//   kRevalidator  the one background revalidation of a key
//               (kServeStaleAndRevalidate); same duties as a leader.
//   kFollower   wait with Wait() or OnReady(), then call HttpCache::Resume().
// Move-only; thread-compatible (one owner at a time).
// IMPORTANT: a ticket must not outlive the HttpCache that issued it.
// Destroying a follower ticket unregisters its pending OnReady callback
// without running it.
class EDGEKIT_API CollapseTicket {
 public:
  enum class Role { kNone, kLeader, kRevalidator, kFollower };

  CollapseTicket() = default;
  CollapseTicket(CollapseTicket&&) noexcept;
  CollapseTicket& operator=(CollapseTicket&&) noexcept;
  CollapseTicket(const CollapseTicket&) = delete;
  CollapseTicket& operator=(const CollapseTicket&) = delete;
  ~CollapseTicket();

  Role role() const { return role_; }
  bool is_leader() const { return role_ == Role::kLeader || role_ == Role::kRevalidator; }
  bool is_follower() const { return role_ == Role::kFollower; }

  // Follower: blocks the calling thread (edgekit::CondVar, real time) until
  // the leader completes or `timeout` passes. Other roles: kNotAFollower.
  WaitOutcome Wait(absl::Duration timeout);
  // Follower: runs `callback(outcome)` once when the leader completes (on
  // the leader's thread, no lock held), or at once on this thread if it
  // already has. Timeouts are the host's job for event loops: call
  // Cancel() from its timer, which runs the callback with kTimeout if it has
  // not run yet. Other roles: runs the callback at once with kNotAFollower.
  void OnReady(std::function<void(WaitOutcome)> callback);
  // Follower: gives up waiting (the callback, if any, gets kTimeout).
  void Cancel();
  // Leader: releases followers with kFetchYourself (as the destructor does).
  void Reset();

 private:
  friend class HttpCache;
  Role role_ = Role::kNone;
  std::shared_ptr<cache_internal::Flight> flight_;
  HttpCache* cache_ = nullptr;
  // Context from Lookup, used by Store()/Resume().
  ForwardReason fwd_ = ForwardReason::kNone;
  std::shared_ptr<const StoredResponse> validating_;  // kRevalidate target
  uint64_t generation_ = 0;                           // store generation when the wait began
  uint64_t waiter_id_ = 0;                            // OnReady registration
  bool counted_timeout_ = false;
};

// The decision of Lookup() / Resume() / OnOriginError().
struct EDGEKIT_API LookupResult {
  LookupAction action = LookupAction::kBypass;
  ForwardReason fwd = ForwardReason::kNone;
  // For kServe*: the response to serve. For kRevalidate /
  // kServeStaleAndRevalidate: the stored response being validated.
  std::shared_ptr<const StoredResponse> response;
  // current_age (RFC 9111 §4.2.3) of `response` at `now`.
  absl::Duration age = absl::ZeroDuration();
  // freshness_lifetime - current_age (negative when stale).
  absl::Duration ttl = absl::ZeroDuration();
  // The value of the Age field to send with a response served from storage
  // (FormatAge(age)); empty when nothing is served from storage.
  std::string age_value;
  // This cache's Cache-Status member (RFC 9211) for the response the host
  // will serve for this decision (for kServe* and kGatewayTimeout; for
  // forwarding actions, Store() computes the final one). Inline: a hit
  // allocates nothing for it.
  InlineString cache_status;
  // Conditional request fields to add when forwarding (kRevalidate,
  // kServeStaleAndRevalidate): If-None-Match from the stored ETag and/or
  // If-Modified-Since from Last-Modified (RFC 9111 §4.3.1). Empty otherwise.
  std::string if_none_match;
  std::string if_modified_since;
  CollapseTicket ticket;
  bool collapsed = false;  // served from a leader's response
  // Fields not to serve from the stored response (no-cache="f" without
  // validation, surrogate keys when stripping): lower case names.
  std::vector<std::string> omit_fields;
  // For kServeFresh / kServeStale: the client's own conditional request
  // (If-None-Match, else If-Modified-Since) evaluated against `response`
  // (RFC 9111 §4.3.2, RFC 9110 §13.1.2/§13.1.3): true means answer
  // 304 Not Modified with NotModifiedHeaders() and no body.
  bool not_modified = false;

  // The header fields to send with `response` for kServe*: the stored fields
  // minus `omit_fields`, with `Age` replaced by `age_value` and this cache's
  // `Cache-Status` member appended. Empty when there is no response.
  http::HeaderMap ResponseHeaders() const;
  // {If-None-Match, If-Modified-Since} fields that are non-empty.
  http::HeaderMap ConditionalHeaders() const;
  // The fields of a 304 answering the client (RFC 9110 §15.4.5):
  // Cache-Control, Content-Location, Date, ETag, Expires, Vary from the
  // stored response, plus Age and Cache-Status.
  http::HeaderMap NotModifiedHeaders() const;
};

enum class StoreOutcome {
  kStored,       // a new or replacing entry was stored
  kUpdated,      // 304 / HEAD freshened a stored entry (§4.3.4, §4.3.5)
  kNotStored,    // see `reason`; serve the origin response as is
  kServeStale,   // origin 5xx and stale-if-error allows: serve `response`
  kInvalidated,  // unsafe method: target (+Location/Content-Location)
                 // invalidated (§4.4); serve the origin response
};
EDGEKIT_API std::string_view ToString(StoreOutcome outcome);

struct EDGEKIT_API StoreResult {
  StoreOutcome outcome = StoreOutcome::kNotStored;
  NotStoredReason reason = NotStoredReason::kNone;
  // What to serve downstream: for kStored / kUpdated / kServeStale the stored
  // entry; for others null (serve the origin's response with
  // `ResponseHeaders()` built from the origin fields).
  std::shared_ptr<const StoredResponse> response;
  // Status to serve (the stored entry's for kUpdated/kServeStale, the
  // origin's otherwise; for a 304 that selected nothing: 304).
  int status = 0;
  absl::Duration age = absl::ZeroDuration();
  // Age field to send: for kServeStale the stored response's current age;
  // otherwise the Age the origin's response carried, passed on unchanged
  // (all its field lines; RFC 9111 §5.1: a response just received or
  // validated by the origin gets no Age of ours). This member holds its
  // first line, for information.
  std::string age_value;
  // Cache-Status member for what is served (fwd, fwd-status, stored, ttl).
  std::string cache_status;
  std::vector<std::string> omit_fields;
  // The origin's fields (a copy, for kNotStored / kInvalidated).
  http::HeaderMap origin_headers;
  // Body to serve (stored body, or the origin body passed to Store).
  std::shared_ptr<const std::string> served_body;
  // For kStored / kUpdated: fields of the origin's response that the stored
  // copy does not keep but that belong to this exchange's client (Set-Cookie
  // / Set-Cookie2 under SetCookiePolicy::kStrip, `private="f"` fields): the
  // client whose request fetched the response always gets them (RFC 9111
  // §3.1 limits what is *stored*, not what is forwarded). Appended by
  // ResponseHeaders().
  http::HeaderMap pass_through;

  // Header fields to serve: the stored entry's (with Age) or the origin's,
  // minus `omit_fields`, plus Cache-Status.
  http::HeaderMap ResponseHeaders() const;
  const std::string& body() const;
};

// -----------------------------------------------------------------------------
// Counters
// -----------------------------------------------------------------------------

// A plain snapshot (see HttpCache::counters()).
struct CacheCounters {
  uint64_t lookups = 0;
  uint64_t hits = 0;          // fresh hits (incl. collapsed)
  uint64_t stale_served = 0;  // stale responses served (any reason)
  uint64_t misses_uri = 0;
  uint64_t misses_vary = 0;
  uint64_t misses_stale = 0;    // forwarded because stale (revalidations)
  uint64_t misses_request = 0;  // forwarded because of request directives
  uint64_t bypasses = 0;        // method / key / no-store
  uint64_t gateway_timeouts = 0;
  uint64_t revalidations = 0;    // conditional requests started
  uint64_t revalidated_304 = 0;  // 304s that freshened an entry
  uint64_t stores = 0;
  uint64_t not_stored = 0;
  uint64_t not_stored_by_reason[16] = {};  // indexed by NotStoredReason
  uint64_t invalidations = 0;              // entries removed by §4.4
  uint64_t evictions = 0;
  uint64_t purges = 0;             // entries purged (hard) or marked (soft)
  uint64_t bytes = 0;              // bytes currently charged
  uint64_t entries = 0;            // variants currently stored
  uint64_t collapsed_waiters = 0;  // followers created
  uint64_t collapsed_hits = 0;     // followers served the leader's response
  uint64_t wait_timeouts = 0;
  uint64_t waiter_limit_hits = 0;
  uint64_t early_refreshes = 0;  // XFetch refreshes handed out
};

// -----------------------------------------------------------------------------
// HttpCache
// -----------------------------------------------------------------------------

class EDGEKIT_API HttpCache {
 public:
  // Errors: kInvalidArgument for shard_count outside 1..1024, zero budgets,
  // heuristic_fraction outside [0, 1], negative durations, beta <= 0.
  static absl::StatusOr<std::unique_ptr<HttpCache>> Create(HttpCacheOptions options);

  ~HttpCache();
  HttpCache(const HttpCache&) = delete;
  HttpCache& operator=(const HttpCache&) = delete;

  // Decides how to answer `request` at wall-clock `now` (RFC 9111 §4).
  [[nodiscard]] LookupResult Lookup(const CacheRequest& request, absl::Time now);

  // After a follower's wait ended (any outcome): serves the leader's stored
  // response (collapsed hit) when it matches the request; if the leader's
  // origin request failed, serves the stale response when stale-if-error
  // allows (kServeStale, collapsed); otherwise returns kFetch with a
  // role-less ticket (fetch without collapsing).
  [[nodiscard]] LookupResult Resume(const CacheRequest& request, CollapseTicket& ticket,
                                    absl::Time now);

  // Takes the origin's answer to `request` (forwarded after any Lookup
  // decision, or on its own) and:
  //   * unsafe method (not GET/HEAD/OPTIONS/TRACE) with a 2xx/3xx status:
  //     invalidates the URI and same-origin Location/Content-Location (§4.4);
  //   * 304: freshens the selected stored response (§4.3.3, §4.3.4);
  //   * HEAD: updates the stored GET response if compatible (§4.3.5);
  //   * 500/502/503/504 while a stale entry exists: serves it if
  //     stale-if-error allows (RFC 5861 §4) → kServeStale;
  //   * otherwise stores it when RFC 9111 §3 allows.
  // `ticket` (may be null) is the one Lookup returned: a leader/revalidator
  // ticket is completed here (followers released). Never fails.
  StoreResult Store(const CacheRequest& request, int status, const http::HeaderView& headers,
                    std::string body, absl::Time request_time, absl::Time response_time,
                    CollapseTicket* ticket = nullptr);

  // The origin could not be reached (connect error, timeout...), or answered
  // with `status` (5xx). Serves the stored stale response when stale-if-error
  // allows (kServeStale), else kBypass (forward the error / a 502/504).
  // Completes `ticket` like Store().
  [[nodiscard]] LookupResult OnOriginError(const CacheRequest& request, absl::Time now,
                                           CollapseTicket* ticket = nullptr,
                                           std::optional<int> status = {});

  // Purges. Return the number of stored responses affected.
  // Hard: remove. Soft: mark stale from `now` on (the next request
  // revalidates, or gets stale within its stale-* windows).
  size_t PurgeUrl(std::string_view uri, bool soft = false, absl::Time now = absl::InfinitePast());
  size_t PurgeTag(std::string_view tag, bool soft = false, absl::Time now = absl::InfinitePast());
  size_t PurgeAll();

  [[nodiscard]] CacheCounters counters() const;
  const HttpCacheOptions& options() const { return options_; }

  // The cache key for `uri` (scheme and host lower-cased); nullopt when the
  // URI is not absolute or too long.
  [[nodiscard]] std::optional<std::string> KeyForUri(std::string_view uri) const;

  struct Impl;

 private:
  friend class CollapseTicket;
  explicit HttpCache(HttpCacheOptions options);
  size_t InvalidateKey(std::string_view key);
  static void MarkOriginFailed(CollapseTicket* ticket, std::optional<int> status);
  void RemoveStored(std::string_view key, const std::shared_ptr<const StoredResponse>& resp);
  LookupResult StaleOnError(const CacheRequest& request, std::string_view key, absl::Time now,
                            const std::shared_ptr<const StoredResponse>& hint);
  StoreResult UpdateFromValidation(const CacheRequest& request, std::string_view key, int status,
                                   const http::HeaderView& headers, absl::Time request_time,
                                   absl::Time response_time, CollapseTicket* ticket,
                                   ForwardReason fwd);
  HttpCacheOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_HTTP_CACHE_H_
