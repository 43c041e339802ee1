// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: stored_response.h
// -----------------------------------------------------------------------------
// `edgekit::cache::StoredResponse`: a response as the cache keeps it. Its
// field lines, key, validators, tags and Vary values live in one allocation
// beside the object (built by `StoredResponseBuilder`), with the RFC 9111
// metadata derived when it was stored; the body is a shared `cache::Body`
// (edgekit/cache/body.h) that a store fills and readers share.
//
// Example:
//
//   std::shared_ptr<const cache::StoredResponse> r = lookup.response;
//   r->status;                          // 200
//   r->headers().Get("Content-Type");   // a view into the stored fields
//   r->body->resident_chunks();         // the bytes, shared, no copy
//
// Thread-safety: immutable once built and shared
// (`std::shared_ptr<const StoredResponse>`); safe to read from any thread.
// The body is thread-safe on its own. `StoredResponseBuilder` is
// thread-compatible.

#ifndef EDGEKIT_CACHE_STORED_RESPONSE_H_
#define EDGEKIT_CACHE_STORED_RESPONSE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/body.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

// What serving does with a stored field line (decided when it was stored).
struct StoredFieldFlag {
  static constexpr uint8_t kAge = 1 << 0;            // replaced by the current age
  static constexpr uint8_t kCacheStatus = 1 << 1;    // this cache's member follows it
  static constexpr uint8_t kStripOnServe = 1 << 2;   // surrogate keys (strip_surrogate_keys)
  static constexpr uint8_t kNoCache = 1 << 3;        // no-cache="f": sent after validation only
  static constexpr uint8_t kContentLength = 1 << 4;  // replaced in range answers
  static constexpr uint8_t kContentRange = 1 << 5;   // replaced in range answers
  static constexpr uint8_t kContentType = 1 << 6;    // moved into the parts of multipart answers
};

// The value one Vary field had in the request that stored a variant (RFC 9111
// §4.1), normalised: field lines combined, list members OWS-trimmed and joined
// by ",", case-folded for Accept, Accept-Encoding, Accept-Language and
// Accept-Charset. `raw` is that request's field line when it came as exactly
// one line (`has_raw`): a request repeating it byte for byte matches at once.
struct VaryValue {
  std::string_view value;
  std::string_view raw;
  bool present = false;  // absent differs from empty
  bool has_raw = false;
};

// The RFC 9111 metadata of a stored response, derived when it was stored.
struct ResponseMetadata {
  int status = 0;
  // §4.2.3 inputs, from the response that was stored (or the 304 that last
  // freshened it).
  absl::Time request_time = absl::UnixEpoch();
  absl::Time response_time = absl::UnixEpoch();
  absl::Duration corrected_initial_age = absl::ZeroDuration();
  absl::Duration freshness_lifetime = absl::ZeroDuration();
  bool heuristic = false;        // freshness_lifetime came from §4.2.2
  bool no_cache = false;         // §5.2.2.4 (qualified forms: see docs)
  bool must_revalidate = false;  // must-revalidate, proxy-revalidate, s-maxage
  absl::Duration stale_while_revalidate = absl::ZeroDuration();  // RFC 5861
  absl::Duration stale_if_error = absl::ZeroDuration();          // RFC 5861
  // The cache's store generation when this response was stored or updated.
  uint64_t sequence = 0;
};

class StoredResponseBuilder;

// See the file comment. Built only by `StoredResponseBuilder`.
class EDGEKIT_API StoredResponse : public ResponseMetadata {
 public:
  // Only `StoredResponseBuilder` can make one.
  class Passkey {
    friend class StoredResponseBuilder;
    Passkey() = default;
  };
  explicit StoredResponse(Passkey) {}
  ~StoredResponse() = default;
  StoredResponse(const StoredResponse&) = delete;
  StoredResponse& operator=(const StoredResponse&) = delete;

  // The body, attached by the store that keeps this response (never null for
  // a response a store returned).
  std::shared_ptr<Body> body;

  // The primary cache key (normalised effective request URI).
  [[nodiscard]] std::string_view key() const { return key_; }
  // Stored field lines: the origin's minus hop-by-hop, Connection-listed,
  // `private="..."`-listed and (by policy) Set-Cookie fields. `Age` is kept
  // as received and replaced when serving from storage.
  [[nodiscard]] absl::Span<const http::HeaderField> fields() const {
    return absl::MakeConstSpan(fields_, field_count_);
  }
  [[nodiscard]] http::HeaderView headers() const { return http::HeaderView(fields()); }
  // One `StoredFieldFlag` set per field line, same order as `fields()`.
  [[nodiscard]] absl::Span<const uint8_t> field_flags() const {
    return absl::MakeConstSpan(flags_, field_count_);
  }
  [[nodiscard]] std::string_view etag() const { return etag_; }  // as received
  [[nodiscard]] std::string_view last_modified() const { return last_modified_; }
  // Surrogate keys found in the configured fields.
  [[nodiscard]] absl::Span<const std::string_view> tags() const { return Views(tags_); }
  // Vary field names (lower case), in order; empty when no Vary.
  [[nodiscard]] absl::Span<const std::string_view> vary() const { return Views(vary_); }
  // Field names (lower case) of `no-cache="..."`.
  [[nodiscard]] absl::Span<const std::string_view> no_cache_fields() const {
    return Views(no_cache_fields_);
  }
  // One value per `vary()` name.
  [[nodiscard]] absl::Span<const VaryValue> vary_values() const {
    return absl::MakeConstSpan(vary_values_, vary_.count);
  }
  // §4.2.3 inputs in nanoseconds (saturated), for integer arithmetic.
  [[nodiscard]] int64_t response_time_ns() const { return response_time_ns_; }
  [[nodiscard]] int64_t corrected_initial_age_ns() const { return corrected_initial_age_ns_; }
  [[nodiscard]] int64_t freshness_lifetime_ns() const { return freshness_lifetime_ns_; }
  // Bytes the allocator holds for this object, its fields and metadata (one
  // allocation with the shared_ptr control block; not the body).
  [[nodiscard]] size_t allocated_bytes() const { return allocated_bytes_; }

 private:
  friend class StoredResponseBuilder;
  struct ViewArray {
    const std::string_view* data = nullptr;
    size_t count = 0;
  };
  static absl::Span<const std::string_view> Views(const ViewArray& a) {
    return absl::MakeConstSpan(a.data, a.count);
  }

  std::string_view key_;
  const http::HeaderField* fields_ = nullptr;
  const uint8_t* flags_ = nullptr;
  size_t field_count_ = 0;
  std::string_view etag_;
  std::string_view last_modified_;
  ViewArray tags_;
  ViewArray vary_;
  ViewArray no_cache_fields_;
  const VaryValue* vary_values_ = nullptr;
  int64_t response_time_ns_ = 0;
  int64_t corrected_initial_age_ns_ = 0;
  int64_t freshness_lifetime_ns_ = 0;
  size_t allocated_bytes_ = 0;
};

// Collects what a `StoredResponse` holds, then lays it out in one allocation.
// Thread-compatible.
class EDGEKIT_API StoredResponseBuilder {
 public:
  StoredResponseBuilder() = default;
  // Starts from a copy of `r` (metadata, key, fields and the rest; the body
  // is shared): the way to build an updated variant.
  explicit StoredResponseBuilder(const StoredResponse& r);

  ResponseMetadata meta;
  std::shared_ptr<Body> body;

  // Sizes the buffers for `fields` field lines and `bytes` bytes of strings.
  void Reserve(size_t fields, size_t bytes);
  void set_key(std::string_view key) { key_ = Save(key); }
  void AddField(std::string_view name, std::string_view value, uint8_t flags = 0);
  void ClearFields();
  void set_etag(std::string_view v) { etag_ = Save(v); }
  void set_last_modified(std::string_view v) { last_modified_ = Save(v); }
  void AddTag(std::string_view tag) { tags_.push_back(Save(tag)); }
  void AddVary(std::string_view name, const VaryValue& value);
  void AddNoCacheField(std::string_view name) { no_cache_fields_.push_back(Save(name)); }
  void ClearDerived();  // etag, last_modified, tags, no-cache fields

  [[nodiscard]] size_t field_count() const { return field_names_.size(); }
  [[nodiscard]] std::string_view field_name(size_t i) const { return View(field_names_[i]); }
  [[nodiscard]] std::string_view field_value(size_t i) const { return View(field_values_[i]); }
  [[nodiscard]] uint8_t field_flags(size_t i) const { return flags_[i]; }
  void set_field_flags(size_t i, uint8_t f) { flags_[i] = f; }
  [[nodiscard]] std::string_view etag() const { return View(etag_); }
  [[nodiscard]] std::string_view last_modified() const { return View(last_modified_); }
  [[nodiscard]] size_t tag_count() const { return tags_.size(); }
  [[nodiscard]] std::string_view tag(size_t i) const { return View(tags_[i]); }

  // Lays everything out in one allocation, shared_ptr control block
  // included.
  [[nodiscard]] std::shared_ptr<StoredResponse> Build() const;

 private:
  struct Ref {
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  struct VaryRef {
    Ref name, value, raw;
    bool present = false;
    bool has_raw = false;
  };
  Ref Save(std::string_view s);
  std::string_view View(Ref r) const {
    return std::string_view(bytes_.data(), bytes_.size()).substr(r.offset, r.size);
  }

  // Sized for a typical response (a few dozen fields, about 1 KiB of names
  // and values): building one allocates nothing but the result.
  absl::InlinedVector<char, 1024> bytes_;
  Ref key_, etag_, last_modified_;
  absl::InlinedVector<Ref, 24> field_names_, field_values_;
  absl::InlinedVector<uint8_t, 24> flags_;
  absl::InlinedVector<Ref, 4> tags_, no_cache_fields_;
  absl::InlinedVector<VaryRef, 4> vary_;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_STORED_RESPONSE_H_
