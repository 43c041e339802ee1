// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// HttpCache::Lookup / Resume / OnOriginError: what to do with a request
// (RFC 9111 §4, RFC 5861, stampede control).
#include <cmath>
#include <new>
#include <utility>

#include "cache/cache_status_writer.h"
#include "cache/conditionals.h"
#include "cache/engine.h"
#include "cache/key.h"
#include "edgekit/cache/http_cache.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

using cache_internal::Inc;
using cache_internal::JoinKind;
using cache_internal::Timing;

namespace {

// Selects the variant `hint` (by identity), or by Vary when `hint` is null.
class HintMatcher final : public VariantMatcher {
 public:
  HintMatcher(const StoredResponse* hint, const cache_internal::RequestMatcher& vary)
      : hint_(hint), vary_(vary) {}
  bool Matches(const StoredResponse& r) const override {
    return hint_ != nullptr ? cache_internal::SameStored(r, *hint_) : vary_.Matches(r);
  }

 private:
  const StoredResponse* hint_;
  const cache_internal::RequestMatcher& vary_;
};

// The request's directives, parsed only when it has some: most carry none,
// and then no CacheControl is even constructed (a std::optional of one was
// zero-filled on every hit: 240 bytes).
class DirectivesOf {
 public:
  DirectivesOf(const http::HeaderView& headers, const cache_internal::RequestFields& fields) {
    if (fields.cache_control || fields.pragma) {
      new (&parsed_) http::CacheControl(cache_internal::RequestDirectives(headers, fields));
      rcc_ = &parsed_;
    }
  }
  ~DirectivesOf() {
    if (rcc_ == &parsed_) parsed_.~CacheControl();
  }
  DirectivesOf(const DirectivesOf&) = delete;
  DirectivesOf& operator=(const DirectivesOf&) = delete;
  const http::CacheControl& get() const { return *rcc_; }

 private:
  static const http::CacheControl& None() {
    static const http::CacheControl kNone;
    return kNone;
  }
  union {
    http::CacheControl parsed_;
  };
  const http::CacheControl* rcc_ = &None();
};

}  // namespace

LookupResult HttpCache::Lookup(const CacheRequest& request) {
  return Lookup(request, impl_->clock.SystemNow());
}

LookupResult HttpCache::Lookup(const CacheRequest& request, absl::Time now) {
  Impl& im = *impl_;
  LookupResult r;
  r.ticket.cache_ = this;

  const bool is_get = request.method == "GET";
  const bool is_head = !is_get && request.method == "HEAD";
  if (!is_get && !is_head) {
    r.action = LookupAction::kBypass;
    r.fwd = ForwardReason::kMethod;
    r.ticket.fwd_ = r.fwd;
    r.cache_status = cache_internal::CacheStatusWriter(options_.cache_name).Forward(r.fwd);
    Inc(im.c.bypasses);
    im.c.hot.Count(false);
    return r;
  }
  // (Every return below returns `r` itself: no copy of the result.)
  auto bad_key = [&] {
    r.action = LookupAction::kBypass;
    r.fwd = ForwardReason::kBypass;
    r.ticket.fwd_ = r.fwd;
    r.cache_status =
        cache_internal::CacheStatusWriter(options_.cache_name).Forward(r.fwd, {}, {}, "bad-key");
    Inc(im.c.bypasses);
    im.c.hot.Count(false);
  };
  if (request.uri.size() > options_.max_key_bytes) {
    bad_key();
    return r;
  }

  const cache_internal::RequestFields fields = cache_internal::ScanRequest(request.headers);
  const DirectivesOf directives(request.headers, fields);
  const http::CacheControl& rcc = directives.get();
  // Taken before the store is searched: a follower accepts whatever is stored
  // after this point.
  const uint64_t since = im.generation.load(std::memory_order_acquire);

  enum class Kind { kMissUri, kMissVary, kFresh, kStaleServe, kStaleSwr, kForward, kEarly };
  Kind kind = Kind::kMissUri;
  Timing timing{};
  const cache_internal::RequestMatcher matcher(im.vary, request.headers);
  // Stored keys are normalised, so a URI byte-equal to one is its key: a hit
  // needs no normalisation. Only when the URI is not stored as it came is it
  // normalised (and looked up again if that changed it).
  std::string key_storage;
  std::optional<std::string_view> key = request.uri;
  FindResult found = im.store->Find(MakeStoreKey(request.uri), matcher);
  if (!found.key_found) {
    key = cache_internal::KeyOf(request.uri, options_.max_key_bytes, &key_storage);
    if (!key) {
      bad_key();
      return r;
    }
    if (*key != request.uri) found = im.store->Find(MakeStoreKey(*key), matcher);
  }
  if (!cache_internal::HostFieldOk(fields.host, *key)) {
    bad_key();
    return r;
  }
  std::shared_ptr<const StoredResponse>& resp = found.variant.response;
  if (resp != nullptr) {
    kind = Kind::kForward;
    timing = cache_internal::TimingOf(*resp, found.variant.stale_from, now);
    const StoredResponse& sr = *resp;
    bool request_ok = true;  // request directives allow a fresh response
    if (rcc.has_no_cache()) request_ok = false;
    if (rcc.max_age && timing.age > *rcc.max_age) request_ok = false;
    if (rcc.min_fresh && -timing.staleness < *rcc.min_fresh) request_ok = false;
    if (timing.fresh && !sr.no_cache && request_ok) {
      kind = Kind::kFresh;
      if (options_.early_expiration && is_get) {
        const absl::Duration delta = sr.response_time - sr.request_time;
        // -ln(rnd) <= 53 ln 2 < 37 for rnd in [2^-53, 1]: while more than
        // 37 * beta * delta of freshness remains no draw can trigger a
        // refresh, so none is made (a draw writes the random source's
        // state, one cache line shared by every thread).
        if (delta > absl::ZeroDuration() &&
            -timing.staleness <= delta * (37.0 * options_.early_expiration_beta)) {
          const double rnd = im.Random();
          const absl::Duration gap = delta * (-options_.early_expiration_beta * std::log(rnd));
          if (gap >= -timing.staleness) kind = Kind::kEarly;
        }
      }
    } else if (!timing.fresh && !sr.no_cache && !sr.must_revalidate) {
      // Stale. max-stale lets the client accept it (RFC 9111 §5.2.1.2);
      // stale-while-revalidate lets the cache (RFC 5861 §3), as long as the
      // request did not ask for more freshness.
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
  } else if (found.key_found) {
    kind = Kind::kMissVary;
  }
  im.c.hot.Count(kind == Kind::kFresh || kind == Kind::kEarly);

  // Flights: SWR / early refresh hand out at most one revalidation ticket;
  // misses and blocking revalidations collapse.
  bool have_revalidation_ticket = false;
  bool follower = false;
  bool waiter_limit = false;
  CollapseTicket::FlightPtr flight;
  if (kind == Kind::kStaleSwr || kind == Kind::kEarly) {
    if (cache_internal::TryLeadFlight(*im.flights, *key, &flight)) {
      have_revalidation_ticket = true;
    } else if (kind == Kind::kEarly) {
      kind = Kind::kFresh;
    }
  } else if ((kind == Kind::kMissUri || kind == Kind::kMissVary || kind == Kind::kForward) &&
             is_get && options_.collapse && !rcc.only_if_cached) {
    switch (cache_internal::JoinFlight(*im.flights, *key, &flight)) {
      case JoinKind::kFollower:
        follower = true;
        break;
      case JoinKind::kWaiterLimit:
        waiter_limit = true;
        break;
      case JoinKind::kLeader:
      case JoinKind::kUncollapsed:
        break;
    }
  }

  // Serving returns below without reading `resp` again: moved, not copied
  // (a copy is a locked add on the response's count, a line every core
  // serving it writes).
  auto fill_serve = [&](LookupAction action) {
    r.action = action;
    r.response = std::move(resp);
    r.age = timing.age;
    r.ttl = -timing.staleness;
    cache_internal::FormatAgeInto(timing.age_ns, &r.age_value);
    im.HitStatus(cache_internal::TtlSeconds(timing), &r.cache_status);
  };
  switch (kind) {
    case Kind::kFresh:
    case Kind::kEarly:
      fill_serve(kind == Kind::kEarly && have_revalidation_ticket
                     ? LookupAction::kServeStaleAndRevalidate
                     : LookupAction::kServeFresh);
      if (have_revalidation_ticket) Inc(im.c.early_refreshes);
      break;
    case Kind::kStaleServe:
      fill_serve(LookupAction::kServeStale);
      Inc(im.c.stale_served);
      break;
    case Kind::kStaleSwr:
      fill_serve(have_revalidation_ticket ? LookupAction::kServeStaleAndRevalidate
                                          : LookupAction::kServeStale);
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
    r.if_none_match = r.response->etag();
    r.if_modified_since = r.response->last_modified();
    Inc(im.c.revalidations);
  }
  if (kind == Kind::kFresh || kind == Kind::kEarly || kind == Kind::kStaleServe ||
      kind == Kind::kStaleSwr) {
    r.not_modified =
        fields.conditional && cache_internal::ClientNotModified(request.headers, *r.response);
    if (fields.range && is_get && !r.not_modified) PlanRangeFor(request, &r);
    return r;
  }

  // Forwarding decisions.
  cache_internal::CacheStatusWriter cs(options_.cache_name);
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
  const bool can_validate = resp && (!resp->etag().empty() || !resp->last_modified().empty());
  if (follower) {
    r.action = LookupAction::kWaitForLeader;
    r.ticket.role_ = CollapseTicket::Role::kFollower;
    r.ticket.flight_ = std::move(flight);
    r.ticket.generation_ = since;
    r.cache_status = cs.Forward(r.fwd);
    Inc(im.c.collapsed_waiters);
    return r;
  }
  if (waiter_limit) Inc(im.c.waiter_limit_hits);
  if (flight != nullptr) {
    r.ticket.role_ = CollapseTicket::Role::kLeader;
    r.ticket.flight_ = std::move(flight);
  }
  if (can_validate) {
    r.action = LookupAction::kRevalidate;
    r.response = resp;
    r.age = timing.age;
    r.ttl = -timing.staleness;
    r.ticket.validating_ = resp;
    r.if_none_match = resp->etag();
    r.if_modified_since = resp->last_modified();
    Inc(im.c.revalidations);
  } else {
    r.action = LookupAction::kFetch;
    if (resp) r.ticket.validating_ = resp;
  }
  r.cache_status = cs.Forward(r.fwd);
  return r;
}

LookupResult HttpCache::Resume(const CacheRequest& request, CollapseTicket& ticket) {
  return Resume(request, ticket, impl_->clock.SystemNow());
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
  bool origin_failed = false;
  int origin_status = 0;
  if (ticket.flight_ != nullptr && ticket.flight_->follower != nullptr) {
    cache_internal::FollowerState& st = *ticket.flight_->follower;
    MutexLock lock(&st.mu);
    origin_failed = st.outcome.origin_failed;
    origin_status = st.outcome.origin_status;
  }
  ticket.Reset();
  std::string key_storage;
  const std::optional<std::string_view> key = cache_internal::RequestKeyOf(
      request.uri, request.headers, options_.max_key_bytes, &key_storage);
  if (key) {
    // Whatever was stored for this request after the wait began (the
    // leader's response, possibly still filling).
    const cache_internal::RequestMatcher matcher(im.vary, request.headers, since);
    FindResult found = im.store->Find(MakeStoreKey(*key), matcher);
    if (found.variant.response) {
      const Timing t =
          cache_internal::TimingOf(*found.variant.response, found.variant.stale_from, now);
      r.action = LookupAction::kServeFresh;
      r.response = std::move(found.variant.response);
      r.age = t.age;
      r.ttl = -t.staleness;
      r.collapsed = true;
      r.fwd = ForwardReason::kNone;
      cache_internal::FormatAgeInto(r.age, &r.age_value);
      r.cache_status = cs.Hit(cache_internal::TruncSeconds(r.ttl), /*collapsed=*/true);
      im.c.hot.CountHitOnly();
      Inc(im.c.collapsed_hits);
      r.not_modified = cache_internal::ClientNotModified(request.headers, *r.response);
      if (!r.not_modified && request.method == "GET") PlanRangeFor(request, &r);
      return r;
    }
  }
  if (origin_failed && key && (request.method == "GET" || request.method == "HEAD")) {
    // The leader's origin request failed: serve stale within stale-if-error
    // rather than sending every follower to the failing origin.
    LookupResult stale = StaleOnError(request, MakeStoreKey(*key), now, nullptr);
    if (stale.response) {
      stale.ticket.cache_ = this;
      stale.fwd = r.fwd;
      stale.collapsed = true;
      std::optional<int> st;
      if (origin_status != 0) st = origin_status;
      stale.cache_status = cache_internal::CacheStatusWriter(options_.cache_name)
                               .Stale(r.fwd == ForwardReason::kNone ? ForwardReason::kStale : r.fwd,
                                      st, cache_internal::TruncSeconds(stale.ttl));
      Inc(im.c.stale_served);
      return stale;
    }
  }
  r.action = LookupAction::kFetch;
  r.cache_status = cs.Forward(r.fwd);
  return r;
}

LookupResult HttpCache::StaleOnError(const CacheRequest& request, const StoreKey& key,
                                     absl::Time now,
                                     const std::shared_ptr<const StoredResponse>& hint) {
  LookupResult r;
  const http::CacheControl rcc = cache_internal::RequestDirectives(request.headers);
  const cache_internal::RequestMatcher vary(impl_->vary, request.headers);
  const HintMatcher matcher(hint.get(), vary);
  FindResult found = impl_->store->Find(key, matcher);
  if (!found.variant.response) return r;
  const StoredResponse& sr = *found.variant.response;
  const Timing t = cache_internal::TimingOf(sr, found.variant.stale_from, now);
  if (sr.no_cache || sr.must_revalidate) return r;  // §4.2.4
  absl::Duration window = sr.stale_if_error;
  if (rcc.stale_if_error) window = std::max(window, *rcc.stale_if_error);
  if (!t.fresh && t.staleness > window) return r;
  r.action = LookupAction::kServeStale;
  r.response = std::move(found.variant.response);
  r.age = t.age;
  r.ttl = -t.staleness;
  cache_internal::FormatAgeInto(t.age, &r.age_value);
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
  std::string key_storage;
  const std::optional<std::string_view> key = cache_internal::RequestKeyOf(
      request.uri, request.headers, options_.max_key_bytes, &key_storage);
  if (key && (request.method == "GET" || request.method == "HEAD")) {
    r = StaleOnError(request, MakeStoreKey(*key), now, ticket ? ticket->validating_ : nullptr);
  }
  r.ticket.cache_ = this;
  r.fwd = fwd;
  if (r.response) {
    r.cache_status = cs.Stale(fwd, status, cache_internal::TruncSeconds(r.ttl));
    Inc(im.c.stale_served);
  } else {
    r.action = LookupAction::kBypass;
    r.cache_status = cs.Forward(fwd, status, {}, "origin-error");
  }
  CompleteTicket(ticket, WaitOutcome::kFetchYourself, /*origin_failed=*/true, status.value_or(0));
  return r;
}

void HttpCache::PlanRangeFor(const CacheRequest& request, LookupResult* r) const {
  const std::optional<std::string_view> range = request.headers.Get("Range");
  if (!range) return;
  std::optional<RangePlan> plan =
      PlanRange(*range, request.headers.Get("If-Range"), *r->response, *impl_->random);
  if (plan) r->range = std::make_shared<const RangePlan>(std::move(*plan));
}

void HttpCache::CompleteTicket(CollapseTicket* ticket, WaitOutcome outcome, bool origin_failed,
                               int origin_status) {
  if (ticket == nullptr || !ticket->is_leader()) return;
  CollapseTicket::FlightPtr f = std::move(ticket->flight_);
  ticket->role_ = CollapseTicket::Role::kNone;
  if (f == nullptr) return;
  if (origin_failed) {
    f->origin_failed = true;
    f->origin_status = origin_status;
  }
  cache_internal::FinishFlight(*f, outcome);
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
