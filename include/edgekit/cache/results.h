// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: results.h
// -----------------------------------------------------------------------------
// What `edgekit::cache::HttpCache` (http_cache.h) answers: the decision enums
// (`LookupAction`, `ForwardReason`, `NotStoredReason`, `StoreOutcome`,
// `WaitOutcome`), the request's `CollapseTicket` (stampede control through
// edgekit::coalesce), `LookupResult`, `StoreResult` with its streaming
// `BodyWriter`, and the `CacheCounters` snapshot.
//
// Sending a hit without building a HeaderMap (no allocation):
//
//   cache::LookupResult r = cache->Lookup(req);
//   if (r.action == cache::LookupAction::kServeFresh) {
//     conn.WriteStatus(r.response->status);
//     r.ForEachField([&](std::string_view name, std::string_view value) {
//       conn.WriteField(name, value);
//     });
//     for (const cache::BodyChunk& c : r.response->body->resident_chunks()) conn.Write(c);
//   }
//
// Thread-safety: results are thread-compatible values. `CollapseTicket` and
// `BodyWriter` are move-only, one owner at a time; a follower's `Wait` /
// `OnReady` may race with the leader completing on another thread.
// IMPORTANT: tickets and writers must not outlive the cache that issued them.
// Errors: none; decisions are values and nothing throws.

#ifndef EDGEKIT_CACHE_RESULTS_H_
#define EDGEKIT_CACHE_RESULTS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/body.h"
#include "edgekit/cache/range.h"
#include "edgekit/cache/stored_response.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
struct InlineStringAccess;  // the cache's formatting fast path
}  // namespace cache_internal
namespace cache {

class HttpCache;
class CacheStore;
class StoreWriter;

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
// "serve_fresh", "serve_stale", "serve_stale_and_revalidate", "revalidate",
// "fetch", "wait_for_leader", "bypass", "gateway_timeout".
[[nodiscard]] EDGEKIT_API std::string_view ToString(LookupAction action);

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
// "none", "bypass", "method", "uri_miss", "vary_miss", "miss", "request",
// "stale".
[[nodiscard]] EDGEKIT_API std::string_view ToString(ForwardReason reason);

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
// snake_case of the enumerator ("no_store", "too_large", ...; kKeyTooLong is
// "bad_key"). Cache-Status `detail` keeps its own RFC 9211 tokens.
[[nodiscard]] EDGEKIT_API std::string_view ToString(NotStoredReason reason);

enum class StoreOutcome {
  kStored,       // a new or replacing entry was stored (streaming: the
                 // insert is open, feed `StoreResult::writer`)
  kUpdated,      // 304 / HEAD freshened a stored entry (§4.3.4, §4.3.5)
  kNotStored,    // see `reason`; serve the origin response as is
  kServeStale,   // origin 5xx and stale-if-error allows: serve `response`
  kInvalidated,  // unsafe method: target (+Location/Content-Location)
                 // invalidated (§4.4); serve the origin response
};
// "stored", "updated", "not_stored", "serve_stale", "invalidated".
[[nodiscard]] EDGEKIT_API std::string_view ToString(StoreOutcome outcome);

// The outcome a follower sees when its wait ends.
enum class WaitOutcome {
  kReady,          // the leader stored a response: Resume() serves it
  kFetchYourself,  // the leader's response was not storable or it abandoned
  kTimeout,        // the wait bound passed (or Cancel())
  kNotAFollower,   // the ticket is not a follower ticket
};
// "ready", "fetch_yourself", "timeout", "not_a_follower".
[[nodiscard]] EDGEKIT_API std::string_view ToString(WaitOutcome outcome);

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
  // Assigns the concatenation of `a` and `b` (formats in place).
  void assign(std::string_view a, std::string_view b) {
    if (a.size() + b.size() <= kInline) {
      if (!a.empty()) std::memcpy(buf_, a.data(), a.size());
      if (!b.empty()) std::memcpy(buf_ + a.size(), b.data(), b.size());
      size_ = static_cast<uint8_t>(a.size() + b.size());
      return;
    }
    assign(a);
    append(b);
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
  friend struct cache_internal::InlineStringAccess;
  static constexpr uint8_t kHeap = 255;
  uint8_t size_ = 0;
  char buf_[kInline];
  std::string heap_;
};

// A request's ticket through the cache. Roles:
//   kNone       nothing to coordinate (still carries the Lookup's context).
//   kLeader     this request fetches for everyone waiting on the key; pass it
//               to Store() / BeginStore() / OnOriginError(). If it is
//               destroyed (or Reset) before that, followers are released
//               with kFetchYourself.
//   kRevalidator  the one background revalidation of a key
//               (kServeStaleAndRevalidate); same duties as a leader.
//   kFollower   wait with Wait() or OnReady(), then call HttpCache::Resume().
// Leaders and followers are flights of edgekit::coalesce. Move-only;
// thread-compatible (one owner at a time). Destroying a follower ticket
// unregisters its pending OnReady callback without running it.
class EDGEKIT_API CollapseTicket {
 public:
  enum class Role { kNone, kLeader, kRevalidator, kFollower };

  CollapseTicket() = default;
  CollapseTicket(CollapseTicket&&) noexcept;
  CollapseTicket& operator=(CollapseTicket&&) noexcept;
  CollapseTicket(const CollapseTicket&) = delete;
  CollapseTicket& operator=(const CollapseTicket&) = delete;
  // (Inline: most tickets, those of hits, hold no flight.)
  ~CollapseTicket() {
    if (flight_ != nullptr) Reset();
  }

  [[nodiscard]] Role role() const { return role_; }
  [[nodiscard]] bool is_leader() const {
    return role_ == Role::kLeader || role_ == Role::kRevalidator;
  }
  [[nodiscard]] bool is_follower() const { return role_ == Role::kFollower; }

  // Follower: blocks the calling thread (real time) until the leader
  // completes or `timeout` passes (then the follower leaves the flight).
  // Other roles: kNotAFollower.
  WaitOutcome Wait(absl::Duration timeout);
  // Follower: runs `callback(outcome)` once when the leader completes (on
  // the leader's thread, no lock held), or at once on this thread if it
  // already has. Timeouts are the host's job for event loops: call Cancel()
  // from its timer, which runs the callback with kTimeout if it has not run
  // yet. Other roles: runs the callback at once with kNotAFollower.
  void OnReady(absl::AnyInvocable<void(WaitOutcome)> callback);
  // Follower: gives up waiting (the callback, if any, gets kTimeout).
  void Cancel();
  // Leader: releases followers with kFetchYourself (as the destructor does).
  // Follower: leaves the flight, dropping a pending callback unrun.
  void Reset();

  struct Flight;  // the coalesce handles (internal)
  struct EDGEKIT_API FlightDeleter {
    void operator()(Flight* f) const;
  };
  using FlightPtr = std::unique_ptr<Flight, FlightDeleter>;

 private:
  friend class HttpCache;
  Role role_ = Role::kNone;
  HttpCache* cache_ = nullptr;
  // Context from Lookup, used by Store()/Resume().
  ForwardReason fwd_ = ForwardReason::kNone;
  std::shared_ptr<const StoredResponse> validating_;  // kRevalidate target
  uint64_t generation_ = 0;                           // store generation when the wait began
  bool counted_timeout_ = false;
  FlightPtr flight_;
};

// The decision of Lookup() / Resume() / OnOriginError().
struct EDGEKIT_API LookupResult {
  LookupAction action = LookupAction::kBypass;
  ForwardReason fwd = ForwardReason::kNone;
  // For kServe*: the response to serve (its body may still be filling: read
  // it with a BodyReader). For kRevalidate / kServeStaleAndRevalidate: the
  // stored response being validated.
  std::shared_ptr<const StoredResponse> response;
  // current_age (RFC 9111 §4.2.3) of `response` at `now`.
  absl::Duration age = absl::ZeroDuration();
  // freshness_lifetime - current_age (negative when stale).
  absl::Duration ttl = absl::ZeroDuration();
  // The value of the Age field to send with a response served from storage;
  // empty when nothing is served from storage.
  InlineString age_value;
  // This cache's Cache-Status member (RFC 9211) for the response the host
  // will serve for this decision (for kServe* and kGatewayTimeout; for
  // forwarding actions, Store() computes the final one).
  InlineString cache_status;
  // Conditional request fields to add when forwarding (kRevalidate,
  // kServeStaleAndRevalidate): If-None-Match from the stored ETag and/or
  // If-Modified-Since from Last-Modified (RFC 9111 §4.3.1); views into
  // `response`. Empty otherwise.
  std::string_view if_none_match;
  std::string_view if_modified_since;
  CollapseTicket ticket;
  bool collapsed = false;  // served from a leader's response
  // For kServeFresh / kServeStale: the client's own conditional request
  // (If-None-Match, else If-Modified-Since) evaluated against `response`
  // (RFC 9111 §4.3.2, RFC 9110 §13.1.2/§13.1.3): true means answer
  // 304 Not Modified with NotModifiedHeaders() and no body.
  bool not_modified = false;
  // For kServe* of a GET with a Range (RFC 9110 §14) that the stored
  // complete 200 can answer: the partial answer (206, or 416). Null: send the
  // whole response.
  std::shared_ptr<const RangePlan> range;

  // The status to send for kServe*: 304 when `not_modified`, the range
  // answer's, else the stored one.
  [[nodiscard]] int status() const {
    if (not_modified) return 304;
    if (range != nullptr) return range->status;
    return response != nullptr ? response->status : 0;
  }
  // What to send as the body for kServe*: the whole stored body (possibly
  // still filling), the range(s), or nothing (304, 416).
  [[nodiscard]] BodyReader BodyToSend() const {
    if (response == nullptr || not_modified) return BodyReader();
    if (range != nullptr) return BodyReader(response->body, range);
    return BodyReader(response->body);
  }

  // Calls fn(std::string_view name, std::string_view value) for every field
  // line to send with `response` for kServe*: the stored lines minus the
  // surrogate keys (when stripped) and `no-cache="f"` fields, the stored
  // `Age` replaced by `age_value`, the range answer's Content-Range /
  // Content-Type / Content-Length instead of the stored ones, this cache's
  // `Cache-Status` member last (after any stored Cache-Status lines: one
  // list, RFC 9110 §5.3). Allocates nothing.
  template <class Fn>
  void ForEachField(Fn&& fn) const {
    if (!response) return;
    const auto fields = response->fields();
    const auto flags = response->field_flags();
    uint8_t skip =
        StoredFieldFlag::kAge | StoredFieldFlag::kStripOnServe | StoredFieldFlag::kNoCache;
    if (range != nullptr) {
      skip |= StoredFieldFlag::kContentLength | StoredFieldFlag::kContentRange;
      if (range->ranges.size() != 1) skip |= StoredFieldFlag::kContentType;
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if ((flags[i] & skip) == 0) fn(fields[i].name, fields[i].value);
    }
    if (range != nullptr) {
      if (!range->content_range.empty()) {
        fn(std::string_view("Content-Range"), std::string_view(range->content_range));
      }
      if (!range->content_type.empty()) {
        fn(std::string_view("Content-Type"), std::string_view(range->content_type));
      }
      fn(std::string_view("Content-Length"), std::string_view(range->content_length_text));
    }
    if (!age_value.empty()) fn(std::string_view("Age"), age_value.view());
    if (!cache_status.empty()) fn(std::string_view("Cache-Status"), cache_status.view());
  }
  // The same fields in a HeaderMap (stored Cache-Status and ours joined in
  // one line). Allocates.
  [[nodiscard]] http::HeaderMap ResponseHeaders() const;
  // {If-None-Match, If-Modified-Since} fields that are non-empty.
  [[nodiscard]] http::HeaderMap ConditionalHeaders() const;
  // The fields of a 304 answering the client (RFC 9110 §15.4.5):
  // Cache-Control, Content-Location, Date, ETag, Expires, Vary from the
  // stored response, plus Age and Cache-Status.
  [[nodiscard]] http::HeaderMap NotModifiedHeaders() const;
};

// The streamed insert of a response being stored (`StoreResult::writer`
// after `HttpCache::BeginStore`). Feed it the origin's body bytes as they
// arrive while sending them to the client, then Commit(). Move-only; one
// owner. Destroying an open writer aborts the insert.
// IMPORTANT: must not outlive the HttpCache.
class EDGEKIT_API BodyWriter {
 public:
  BodyWriter();
  BodyWriter(BodyWriter&&) noexcept;
  BodyWriter& operator=(BodyWriter&&) noexcept;
  BodyWriter(const BodyWriter&) = delete;
  BodyWriter& operator=(const BodyWriter&) = delete;
  ~BodyWriter();

  // True while the insert takes bytes.
  [[nodiscard]] bool is_open() const;
  // Appends the next bytes (copied into the store). Returns false once the
  // insert was abandoned (the object passed `max_object_bytes`, the store
  // gave up): nothing is stored, readers of the object see kAborted; keep
  // streaming to the client.
  bool Append(std::string_view bytes);
  // As above; a chunk the cache owns (`BodyChunk::Adopt`, `Copy`) is shared
  // rather than copied where the store can.
  bool Append(const BodyChunk& chunk);
  // Completes the object: true if it is stored. False if the insert was
  // abandoned, or the bytes do not match the response's Content-Length (a
  // truncated object is never stored as complete).
  bool Commit();
  // The origin stream failed: nothing is stored, readers see kAborted.
  void Abort();
  [[nodiscard]] uint64_t bytes_written() const { return written_; }

 private:
  friend class HttpCache;
  void Abandoned();
  std::unique_ptr<StoreWriter> writer_;
  std::shared_ptr<CacheStore> store_;  // keeps the store alive
  HttpCache* cache_ = nullptr;
  std::optional<uint64_t> expected_;
  uint64_t written_ = 0;
};

struct EDGEKIT_API StoreResult {
  StoreOutcome outcome = StoreOutcome::kNotStored;
  NotStoredReason reason = NotStoredReason::kNone;
  // What to serve downstream: for kStored / kUpdated / kServeStale the stored
  // entry; for others null (serve the origin's response).
  std::shared_ptr<const StoredResponse> response;
  // Status to serve (the stored entry's for kUpdated/kServeStale, the
  // origin's otherwise; for a 304 that selected nothing: 304).
  int status = 0;
  absl::Duration age = absl::ZeroDuration();
  // Age field to send: for kServeStale the stored response's current age;
  // otherwise the Age the origin's response carried, passed on unchanged
  // (all its field lines; RFC 9111 §5.1). This member holds its first line,
  // for information.
  InlineString age_value;
  // Cache-Status member for what is served (fwd, fwd-status, stored, ttl).
  std::string cache_status;
  // Field names (lower case) not to pass on from the origin's response.
  std::vector<std::string> omit_fields;
  // The origin's fields (a copy, for kNotStored / kInvalidated).
  http::HeaderMap origin_headers;
  // For kStored / kUpdated: fields of the origin's response that the stored
  // copy does not keep but that belong to this exchange's client (Set-Cookie
  // / Set-Cookie2 under SetCookiePolicy::kStrip, `private="f"` fields): the
  // client whose request fetched the response always gets them (RFC 9111
  // §3.1 limits what is *stored*, not what is forwarded).
  http::HeaderMap pass_through;
  // BeginStore with kStored: the open insert. Otherwise closed.
  BodyWriter writer;

  // Calls fn(name, value) for every field line to serve: the stored entry's
  // (kStored / kUpdated: as received, with `pass_through`; kServeStale: with
  // Age replaced) or the origin's, minus `omit_fields`, then Cache-Status.
  template <class Fn>
  void ForEachField(Fn&& fn) const;
  // The same fields in a HeaderMap (Cache-Status lines joined).
  [[nodiscard]] http::HeaderMap ResponseHeaders() const;
  // Body to serve: the stored body, or the origin body given to Store()
  // (Store() only; a copy).
  [[nodiscard]] std::string body() const;

 private:
  friend class HttpCache;
  BodyChunk origin_body_;  // Store(): the origin's body when not stored
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
  uint64_t bytes = 0;              // bytes the store charges now
  uint64_t entries = 0;            // variants stored now
  uint64_t collapsed_waiters = 0;  // followers created
  uint64_t collapsed_hits = 0;     // followers served the leader's response
  uint64_t wait_timeouts = 0;
  uint64_t waiter_limit_hits = 0;
  uint64_t early_refreshes = 0;  // XFetch refreshes handed out
  uint64_t aborted_inserts = 0;  // streamed inserts abandoned or aborted
  uint64_t store_faults = 0;     // I/O errors, torn/corrupt files dropped
};

// -----------------------------------------------------------------------------
// Inline definitions
// -----------------------------------------------------------------------------

template <class Fn>
void StoreResult::ForEachField(Fn&& fn) const {
  auto omitted = [this](std::string_view name) {
    for (const std::string& o : omit_fields) {
      if (http::EqualsIgnoreCase(o, name)) return true;
    }
    return false;
  };
  if (response) {
    const bool validated = outcome != StoreOutcome::kServeStale;
    const auto fields = response->fields();
    const auto flags = response->field_flags();
    const uint8_t skip = StoredFieldFlag::kStripOnServe |
                         (validated ? 0 : (StoredFieldFlag::kNoCache | StoredFieldFlag::kAge));
    for (size_t i = 0; i < fields.size(); ++i) {
      if ((flags[i] & skip) == 0 && !omitted(fields[i].name)) fn(fields[i].name, fields[i].value);
    }
    if (validated) {
      for (const http::HeaderField& f : pass_through) fn(f.name, f.value);
    } else if (!age_value.empty()) {
      fn(std::string_view("Age"), age_value.view());
    }
  } else {
    for (const http::HeaderField& f : origin_headers) {
      if (!omitted(f.name)) fn(f.name, f.value);
    }
  }
  if (!cache_status.empty()) fn(std::string_view("Cache-Status"), std::string_view(cache_status));
}

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_RESULTS_H_
