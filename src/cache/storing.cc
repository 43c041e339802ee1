// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// HttpCache::BeginStore / Store and updates from validation (RFC 9111 §3,
// §4.3.3-§4.3.5, §4.4), and the streamed insert (BodyWriter).
#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "cache/cache_status_writer.h"
#include "cache/conditionals.h"
#include "cache/engine.h"
#include "cache/key.h"
#include "edgekit/cache/freshness.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/surrogate_control.h"
#include "edgekit/http/age.h"
#include "edgekit/http/http_date.h"
#include "edgekit/http/internal/list_members.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

using cache_internal::Inc;
using http::EqualsIgnoreCase;

namespace {

// Fields the cache never stores: Connection-listed (besides hop-by-hop).
std::vector<std::string> ConnectionListed(const http::HeaderView& headers) {
  std::vector<std::string> out;
  headers.ForEachListMember("Connection", [&](std::string_view m) {
    if (out.size() < 64) out.push_back(cache_internal::Lower(m));
  });
  return out;
}

bool IsSetCookie(std::string_view name) {
  return EqualsIgnoreCase(name, "Set-Cookie") || EqualsIgnoreCase(name, "Set-Cookie2");
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

// Fills `res` to serve the origin's response as it came (not from storage).
void PassOriginResponse(const HttpCacheOptions& o, const http::HeaderView& headers,
                        StoreResult* res) {
  res->origin_headers = http::HeaderMap(headers);
  if (o.strip_surrogate_keys) {
    for (const std::string& f : o.surrogate_key_fields) {
      res->omit_fields.push_back(cache_internal::Lower(f));
    }
  }
  res->age_value = headers.Get("Age").value_or("");
}

std::optional<uint64_t> ContentLength(const http::HeaderView& headers) {
  std::optional<std::string_view> v = headers.Get("Content-Length");
  if (!v) return std::nullopt;
  std::string_view s = http_internal::TrimOws(*v);
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

// What serving does with a field line of a response stored under `o`.
uint8_t FieldFlags(const HttpCacheOptions& o, std::string_view name,
                   const std::vector<std::string>& no_cache_fields) {
  uint8_t f = 0;
  if (EqualsIgnoreCase(name, "Age")) f |= StoredFieldFlag::kAge;
  if (EqualsIgnoreCase(name, "Cache-Status")) f |= StoredFieldFlag::kCacheStatus;
  if (EqualsIgnoreCase(name, "Content-Length")) f |= StoredFieldFlag::kContentLength;
  if (EqualsIgnoreCase(name, "Content-Range")) f |= StoredFieldFlag::kContentRange;
  if (EqualsIgnoreCase(name, "Content-Type")) f |= StoredFieldFlag::kContentType;
  if (o.strip_surrogate_keys && cache_internal::ContainsIgnoreCase(o.surrogate_key_fields, name)) {
    f |= StoredFieldFlag::kStripOnServe;
  }
  if (cache_internal::ContainsIgnoreCase(no_cache_fields, name)) f |= StoredFieldFlag::kNoCache;
  return f;
}

// Derives the RFC 9111 metadata of the stored field lines `h` (freshness,
// age, validators, stale windows, surrogate keys) into `b`.
void Derive(const HttpCacheOptions& o, const http::HeaderView& h, const http::CacheControl& eff,
            StoredResponseBuilder* b, bool* explicit_fresh) {
  ResponseMetadata& m = b->meta;
  FreshnessInputs in;
  in.status = m.status;
  in.s_maxage = eff.s_maxage;
  in.max_age = eff.max_age;
  in.public_ = eff.public_;
  if (auto ex = h.Get("Expires")) {
    in.has_expires = true;
    in.expires = http::ParseHttpDate(*ex);
  }
  if (auto d = h.Get("Date")) in.date = http::ParseHttpDate(*d);
  if (auto lm = h.Get("Last-Modified")) in.last_modified = http::ParseHttpDate(*lm);
  in.response_time = m.response_time;
  in.heuristic_fraction = o.heuristic_fraction;
  in.heuristic_max = o.heuristic_max;
  Freshness f = FreshnessLifetime(in);
  if (eff.invalid_freshness) f.lifetime = absl::ZeroDuration();  // §4.2.1
  m.freshness_lifetime = f.lifetime;
  m.heuristic = f.heuristic;
  if (explicit_fresh != nullptr) *explicit_fresh = f.explicit_;

  AgeInputs ai;
  if (auto a = h.Get("Age")) {
    // §5.1: first member of a list; invalid → ignored.
    std::string_view first = *a;
    const size_t comma = first.find(',');
    if (comma != std::string_view::npos) first = first.substr(0, comma);
    ai.age_value = http::ParseDeltaSeconds(http_internal::TrimOws(first));
  }
  ai.date_value = in.date;
  ai.request_time = m.request_time;
  ai.response_time = m.response_time;
  m.corrected_initial_age = CorrectedInitialAge(ai);

  m.no_cache = eff.no_cache;
  m.must_revalidate = eff.must_revalidate || eff.proxy_revalidate || eff.s_maxage.has_value();
  m.stale_while_revalidate = eff.stale_while_revalidate.value_or(absl::ZeroDuration());
  m.stale_if_error = eff.stale_if_error.value_or(absl::ZeroDuration());
  b->ClearDerived();
  for (const std::string& n : eff.no_cache_fields) b->AddNoCacheField(n);
  if (auto et = h.Get("ETag")) b->set_etag(http_internal::TrimOws(*et));
  if (auto lm = h.Get("Last-Modified")) {
    if (http::ParseHttpDate(*lm)) b->set_last_modified(*lm);
  }
  // Surrogate keys.
  std::vector<std::string_view> tags;
  for (const std::string& field : o.surrogate_key_fields) {
    h.ForEachField([&](const http::HeaderField& hf) {
      if (!EqualsIgnoreCase(hf.name, field)) return;
      std::string_view v = hf.value;
      size_t i = 0;
      while (i < v.size()) {
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == ',')) ++i;
        size_t j = i;
        while (j < v.size() && v[j] != ' ' && v[j] != '\t' && v[j] != ',') ++j;
        if (j > i && j - i <= o.max_tag_bytes && tags.size() < o.max_tags_per_response) {
          const std::string_view tag = v.substr(i, j - i);
          if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(tag);
        }
        i = j;
      }
    });
  }
  for (std::string_view t : tags) b->AddTag(t);
}

// Sets every field line of `fields` in `b`, flagged for serving.
void SetFields(const HttpCacheOptions& o, absl::Span<const http::HeaderField> fields,
               const http::CacheControl& eff, StoredResponseBuilder* b) {
  b->ClearFields();
  size_t bytes = 0;
  for (const http::HeaderField& f : fields) bytes += f.name.size() + f.value.size();
  b->Reserve(fields.size(), bytes + 256);  // + key, validators, tags, Vary
  for (const http::HeaderField& f : fields) {
    b->AddField(f.name, f.value, FieldFlags(o, f.name, eff.no_cache_fields));
  }
}

}  // namespace

// -----------------------------------------------------------------------------
// BodyWriter
// -----------------------------------------------------------------------------

BodyWriter::BodyWriter() = default;
BodyWriter::BodyWriter(BodyWriter&&) noexcept = default;
BodyWriter& BodyWriter::operator=(BodyWriter&& o) noexcept {
  if (this != &o) {
    Abort();
    writer_ = std::move(o.writer_);
    store_ = std::move(o.store_);
    cache_ = o.cache_;
    expected_ = o.expected_;
    written_ = o.written_;
  }
  return *this;
}
BodyWriter::~BodyWriter() { Abort(); }

bool BodyWriter::is_open() const { return writer_ != nullptr; }

void BodyWriter::Abandoned() {
  writer_.reset();
  if (cache_ != nullptr) Inc(cache_->impl_->c.aborted_inserts);
}

bool BodyWriter::Append(std::string_view bytes) {
  if (writer_ == nullptr) return false;
  if (bytes.empty()) return true;
  // A view: the store copies what it keeps (no chunk owner to share).
  const BodyChunk chunk = BodyChunk::Share(nullptr, bytes);
  if (!writer_->Append(chunk)) {
    Abandoned();
    return false;
  }
  written_ += bytes.size();
  return true;
}

bool BodyWriter::Append(const BodyChunk& chunk) {
  if (writer_ == nullptr) return false;
  if (chunk.empty()) return true;
  if (!writer_->Append(chunk)) {
    Abandoned();
    return false;
  }
  written_ += chunk.size();
  return true;
}

bool BodyWriter::Commit() {
  if (writer_ == nullptr) return false;
  if (expected_ && *expected_ != written_) {
    // A truncated (or overlong) body is never stored as complete.
    writer_->Abort();
    Abandoned();
    return false;
  }
  const bool ok = writer_->Commit();
  writer_.reset();
  if (cache_ != nullptr) Inc(ok ? cache_->impl_->c.stores : cache_->impl_->c.aborted_inserts);
  return ok;
}

void BodyWriter::Abort() {
  if (writer_ == nullptr) return;
  writer_->Abort();
  Abandoned();
}

// -----------------------------------------------------------------------------
// Store
// -----------------------------------------------------------------------------

StoreResult HttpCache::BeginStore(const CacheRequest& request, int status,
                                  const http::HeaderView& headers, absl::Time request_time,
                                  absl::Time response_time, CollapseTicket* ticket) {
  return BeginStoreImpl(request, status, headers, request_time, response_time, ticket,
                        ContentLength(headers), /*release_at_begin=*/true);
}

StoreResult HttpCache::Store(const CacheRequest& request, int status,
                             const http::HeaderView& headers, std::string body,
                             absl::Time request_time, absl::Time response_time,
                             CollapseTicket* ticket) {
  BodyChunk chunk = BodyChunk::Adopt(std::move(body));
  StoreResult res = BeginStoreImpl(request, status, headers, request_time, response_time, ticket,
                                   chunk.size(), /*release_at_begin=*/false);
  if (res.outcome != StoreOutcome::kStored) {
    if (res.response == nullptr) res.origin_body_ = std::move(chunk);
    return res;
  }
  const bool ok = res.writer.Append(chunk) && res.writer.Commit();
  if (ok) {
    CompleteTicket(ticket, WaitOutcome::kReady);
    return res;
  }
  // The store could not hold it after all (its budget): pass it on.
  StoreResult out;
  out.status = status;
  out.outcome = StoreOutcome::kNotStored;
  out.reason = NotStoredReason::kTooLarge;
  PassOriginResponse(options_, headers, &out);
  out.origin_body_ = std::move(chunk);
  const ForwardReason fwd = ticket != nullptr && ticket->fwd_ != ForwardReason::kNone
                                ? ticket->fwd_
                                : ForwardReason::kMiss;
  out.cache_status = cache_internal::CacheStatusWriter(options_.cache_name)
                         .Forward(fwd, status, {}, cache_internal::DetailOf(out.reason));
  impl_->CountNotStored(out.reason);
  if (ticket != nullptr && ticket->validating_ && status >= 200 && status < 500) {
    std::string storage;
    if (auto key = cache_internal::RequestKeyOf(request.uri, request.headers,
                                                options_.max_key_bytes, &storage)) {
      impl_->store->Remove(MakeStoreKey(*key), ticket->validating_.get());
    }
  }
  CompleteTicket(ticket, WaitOutcome::kFetchYourself);
  return out;
}

StoreResult HttpCache::BeginStoreImpl(const CacheRequest& request, int status,
                                      const http::HeaderView& headers, absl::Time request_time,
                                      absl::Time response_time, CollapseTicket* ticket,
                                      std::optional<uint64_t> body_length, bool release_at_begin) {
  Impl& im = *impl_;
  StoreResult res;
  res.status = status;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const ForwardReason fwd = ticket != nullptr && ticket->fwd_ != ForwardReason::kNone
                                ? ticket->fwd_
                                : ForwardReason::kMiss;
  std::string key_storage;
  const std::optional<std::string_view> key = cache_internal::RequestKeyOf(
      request.uri, request.headers, options_.max_key_bytes, &key_storage);
  auto not_stored = [&](NotStoredReason why) {
    res.outcome = StoreOutcome::kNotStored;
    res.reason = why;
    PassOriginResponse(options_, headers, &res);
    res.cache_status = cs.Forward(fwd, status, {}, cache_internal::DetailOf(why));
    im.CountNotStored(why);
    // A full (non-error) answer to a revalidation supersedes the stored
    // response even when it may not be stored itself (§4.3.3).
    if (ticket != nullptr && ticket->validating_ && key && status >= 200 && status < 500) {
      im.store->Remove(MakeStoreKey(*key), ticket->validating_.get());
    }
    CompleteTicket(ticket, WaitOutcome::kFetchYourself);
    return std::move(res);
  };

  // §4.4: invalidation after unsafe (or unknown) methods.
  if (!cache_internal::IsSafeMethod(request.method)) {
    if (status >= 200 && status < 400 && key) {
      InvalidateKey(*key);
      for (std::string_view field : {"Location", "Content-Location"}) {
        if (auto v = headers.Get(field)) {
          std::optional<std::string> target = cache_internal::ResolveReference(*key, *v);
          if (target && target->size() <= options_.max_key_bytes &&
              cache_internal::OriginOf(*target) == cache_internal::OriginOf(*key)) {
            InvalidateKey(*target);
          }
        }
      }
      res.outcome = StoreOutcome::kInvalidated;
    } else {
      res.reason = NotStoredReason::kMethod;
    }
    PassOriginResponse(options_, headers, &res);
    res.cache_status = cs.Forward(ForwardReason::kMethod, status);
    CompleteTicket(ticket, WaitOutcome::kFetchYourself);
    return res;
  }
  if (!key) return not_stored(NotStoredReason::kKeyTooLong);
  const StoreKey skey = MakeStoreKey(*key);
  const bool is_get = request.method == "GET";
  const bool is_head = request.method == "HEAD";

  // §4.3.3/§4.3.4: a 304 freshens stored responses; §4.3.5: HEAD updates.
  if (status == 304 || (is_head && status >= 200 && status < 300)) {
    return UpdateFromValidation(request, skey, status, headers, request_time, response_time, ticket,
                                fwd);
  }
  if (!is_get) return not_stored(NotStoredReason::kMethod);

  // RFC 5861 §4 / RFC 9111 §4.2.4: 5xx while a stale response is stored.
  if (status == 500 || status == 502 || status == 503 || status == 504) {
    LookupResult stale =
        StaleOnError(request, skey, response_time, ticket ? ticket->validating_ : nullptr);
    if (stale.response) {
      res.outcome = StoreOutcome::kServeStale;
      res.reason = NotStoredReason::kError;
      res.response = stale.response;
      res.status = stale.response->status;
      res.age = stale.age;
      res.age_value = stale.age_value;
      res.cache_status = cs.Stale(fwd, status, cache_internal::TruncSeconds(stale.ttl));
      Inc(im.c.stale_served);
      im.CountNotStored(NotStoredReason::kError);
      CompleteTicket(ticket, WaitOutcome::kFetchYourself, /*origin_failed=*/true, status);
      return res;
    }
  }

  // §3: may this response be stored?
  const http::CacheControl rcc = cache_internal::RequestDirectives(request.headers);
  if (rcc.no_store) return not_stored(NotStoredReason::kRequestNoStore);
  if (status < 200 || status > 599 || status == 206) return not_stored(NotStoredReason::kStatus);
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
  absl::InlinedVector<std::string, 4> vary;
  bool vary_star = false;
  bool too_many = false;
  headers.ForEachListMember("Vary", [&](std::string_view m) {
    if (m == "*") {
      vary_star = true;
      return false;
    }
    std::string name = cache_internal::Lower(m);
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

  // The stored copy: no hop-by-hop or Connection-listed fields; Set-Cookie
  // (kStrip) and private="f" fields go to this exchange's client only.
  const std::vector<std::string> connection_listed = ConnectionListed(headers);
  absl::InlinedVector<http::HeaderField, 32> kept;
  headers.ForEachField([&](const http::HeaderField& f) {
    if (cache_internal::IsHopByHop(f.name) ||
        cache_internal::ContainsIgnoreCase(connection_listed, f.name)) {
      return;
    }
    if (cache_internal::ContainsIgnoreCase(eff.private_fields, f.name) ||
        (options_.set_cookie == SetCookiePolicy::kStrip && IsSetCookie(f.name))) {
      res.pass_through.Add(f.name, f.value);
      return;
    }
    kept.push_back(f);
  });
  StoredResponseBuilder b;
  b.meta.status = status;
  b.meta.request_time = request_time;
  b.meta.response_time = response_time;
  b.set_key(*key);
  SetFields(options_, kept, eff, &b);
  bool explicit_fresh = false;
  Derive(options_, http::HeaderView(absl::MakeConstSpan(kept)), eff, &b, &explicit_fresh);
  if (b.meta.freshness_lifetime <= b.meta.corrected_initial_age && b.etag().empty() &&
      b.last_modified().empty() && b.meta.stale_while_revalidate == absl::ZeroDuration() &&
      b.meta.stale_if_error == absl::ZeroDuration()) {
    return not_stored(NotStoredReason::kNoFreshnessOrValidator);
  }
  for (const std::string& f : vary) b.AddVary(f, im.vary.Normalize(f, request.headers).view());
  b.meta.sequence = im.generation.fetch_add(1, std::memory_order_acq_rel) + 1;
  std::shared_ptr<StoredResponse> stored = b.Build();

  InsertRequest ir;
  ir.key = skey;
  ir.response = stored;
  ir.replaces = ticket != nullptr ? ticket->validating_.get() : nullptr;
  ir.expected_length = body_length;
  ir.max_variants = options_.max_variants_per_key;
  ir.max_object_bytes = options_.max_object_bytes;
  ir.visible_while_filling = release_at_begin;
  std::unique_ptr<StoreWriter> writer = im.store->BeginInsert(std::move(ir));
  if (writer == nullptr) {
    res.pass_through = http::HeaderMap();
    return not_stored(NotStoredReason::kTooLarge);
  }
  res.writer.writer_ = std::move(writer);
  res.writer.store_ = im.store;
  res.writer.cache_ = this;
  res.writer.expected_ = body_length;
  res.outcome = StoreOutcome::kStored;
  res.response = stored;
  res.age = CurrentAge(stored->corrected_initial_age, stored->response_time, response_time);
  // §5.1: Age implies the response was not generated or validated by the
  // origin for this request: a response just received keeps only its own.
  res.age_value = headers.Get("Age").value_or("");
  res.cache_status =
      cs.Stored(fwd, status, cache_internal::TruncSeconds(stored->freshness_lifetime - res.age));
  if (release_at_begin) CompleteTicket(ticket, WaitOutcome::kReady);
  return res;
}

// §4.3.4 / §4.3.5.
StoreResult HttpCache::UpdateFromValidation(const CacheRequest& request, const StoreKey& key,
                                            int status, const http::HeaderView& headers,
                                            absl::Time request_time, absl::Time response_time,
                                            CollapseTicket* ticket, ForwardReason fwd) {
  Impl& im = *impl_;
  StoreResult res;
  res.status = status;
  cache_internal::CacheStatusWriter cs(options_.cache_name);
  const std::vector<std::string> connection_listed = ConnectionListed(headers);
  const http::CacheControl new_cc = EffectiveDirectives(options_, headers);
  const bool is_head = request.method == "HEAD";
  const StoredResponse* validating = ticket != nullptr ? ticket->validating_.get() : nullptr;

  const std::vector<StoredVariant> vars = im.store->Variants(key);
  const cache_internal::ValidatorSelection sel =
      cache_internal::SelectForUpdate(vars, headers, is_head, im.vary, request.headers, validating);
  if (sel.stale >= 0) {
    // Incompatible HEAD: the stored response is outdated → stale.
    im.store->MarkStale(key, *vars[static_cast<size_t>(sel.stale)].response, response_time);
  }
  std::shared_ptr<const StoredResponse> served;
  size_t updated = 0;
  http::HeaderMap client_only;  // the 304's fields for this client only
  for (size_t i : sel.update) {
    const StoredResponse& old = *vars[i].response;
    // §3.2: add each field of the new response, replacing existing ones,
    // except the fields §3.1 excludes from storage and those describing the
    // stored content (Content-Length, -Encoding, -Range, digests).
    absl::flat_hash_set<std::string> replaced;
    headers.ForEachField([&](const http::HeaderField& f) {
      if (cache_internal::IsHopByHop(f.name) ||
          cache_internal::ContainsIgnoreCase(connection_listed, f.name) ||
          DescribesStoredContent(f.name)) {
        return;
      }
      if (cache_internal::ContainsIgnoreCase(new_cc.private_fields, f.name) ||
          (options_.set_cookie == SetCookiePolicy::kStrip && IsSetCookie(f.name))) {
        if (updated == 0) client_only.Add(f.name, f.value);
        return;
      }
      replaced.insert(cache_internal::Lower(f.name));
    });
    // The stored Age described the old exchange; the 304's (or none)
    // describes this one (§4.2.3 inputs are re-taken from the 304).
    replaced.insert("age");
    std::vector<http::HeaderField> merged;
    for (const http::HeaderField& f : old.fields()) {
      if (!replaced.contains(cache_internal::Lower(f.name))) merged.push_back(f);
    }
    headers.ForEachField([&](const http::HeaderField& f) {
      if (replaced.contains(cache_internal::Lower(f.name))) merged.push_back(f);
    });
    StoredResponseBuilder b(old);
    b.meta.request_time = request_time;
    b.meta.response_time = response_time;
    const http::CacheControl eff = EffectiveDirectives(options_, http::HeaderView(merged));
    SetFields(options_, merged, eff, &b);
    Derive(options_, http::HeaderView(merged), eff, &b, nullptr);
    b.meta.sequence = im.generation.fetch_add(1, std::memory_order_acq_rel) + 1;
    std::shared_ptr<StoredResponse> nr = b.Build();
    if (!im.store->Update(key, old, nr)) continue;
    if (!served ||
        (ticket != nullptr && validating != nullptr &&
         cache_internal::SameStored(*validating, old)) ||
        (ticket == nullptr && im.vary.Matches(old, request.headers))) {
      served = nr;
    }
    ++updated;
  }
  if (updated == 0) {
    res.outcome = StoreOutcome::kNotStored;
    res.reason = is_head ? NotStoredReason::kMethod : NotStoredReason::kNoMatchingStored;
    PassOriginResponse(options_, headers, &res);
    res.cache_status = cs.Forward(fwd, status, {}, cache_internal::DetailOf(res.reason));
    im.CountNotStored(res.reason);
    CompleteTicket(ticket, WaitOutcome::kFetchYourself);
    return res;
  }
  if (!is_head) Inc(im.c.revalidated_304, updated);
  res.outcome = StoreOutcome::kUpdated;
  res.response = served;
  res.pass_through = std::move(client_only);
  res.status = served->status;
  res.age = CurrentAge(served->corrected_initial_age, served->response_time, response_time);
  // §5.1: a response just validated keeps only the origin's Age.
  res.age_value = headers.Get("Age").value_or("");
  res.cache_status =
      cs.Stored(fwd, status, cache_internal::TruncSeconds(served->freshness_lifetime - res.age));
  CompleteTicket(ticket, WaitOutcome::kReady);
  return res;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
