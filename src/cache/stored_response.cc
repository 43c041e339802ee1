// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// StoredResponse: one allocation for fields and metadata (see
// edgekit/cache/stored_response.h).
#include "edgekit/cache/stored_response.h"

#include <cstring>
#include <new>

#include "cache/alloc_size.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {
namespace {

constexpr size_t AlignUp(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

// Allocates what std::allocate_shared asks for (control block and object)
// plus `extra` bytes after it, and reports where those start: fields,
// metadata and the object share one allocation.
template <class T>
struct ArenaAllocator {
  using value_type = T;
  ArenaAllocator(size_t extra_bytes, char** arena_out, size_t* total_out)
      : extra(extra_bytes), arena(arena_out), total(total_out) {}
  template <class U>
  ArenaAllocator(const ArenaAllocator<U>& o)  // NOLINT: rebinding
      : extra(o.extra), arena(o.arena), total(o.total) {}
  T* allocate(size_t n) {
    const size_t head = AlignUp(n * sizeof(T), 16);
    char* p = static_cast<char*>(::operator new(head + extra));
    *arena = p + head;
    *total = head + extra;
    return reinterpret_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { ::operator delete(static_cast<void*>(p)); }
  template <class U>
  bool operator==(const ArenaAllocator<U>& o) const {
    return arena == o.arena;
  }
  template <class U>
  bool operator!=(const ArenaAllocator<U>& o) const {
    return arena != o.arena;
  }

  size_t extra;
  char** arena;
  size_t* total;
};

}  // namespace

StoredResponseBuilder::StoredResponseBuilder(const StoredResponse& r) : meta(r), body(r.body) {
  set_key(r.key());
  const auto fields = r.fields();
  const auto flags = r.field_flags();
  for (size_t i = 0; i < fields.size(); ++i) AddField(fields[i].name, fields[i].value, flags[i]);
  set_etag(r.etag());
  set_last_modified(r.last_modified());
  for (std::string_view t : r.tags()) AddTag(t);
  for (std::string_view f : r.no_cache_fields()) AddNoCacheField(f);
  const auto names = r.vary();
  const auto values = r.vary_values();
  for (size_t i = 0; i < names.size(); ++i) AddVary(names[i], values[i]);
}

StoredResponseBuilder::Ref StoredResponseBuilder::Save(std::string_view s) {
  Ref r;
  r.offset = static_cast<uint32_t>(bytes_.size());
  r.size = static_cast<uint32_t>(s.size());
  bytes_.insert(bytes_.end(), s.begin(), s.end());
  return r;
}

void StoredResponseBuilder::Reserve(size_t fields, size_t bytes) {
  field_names_.reserve(fields);
  field_values_.reserve(fields);
  flags_.reserve(fields);
  bytes_.reserve(bytes);
}

void StoredResponseBuilder::AddField(std::string_view name, std::string_view value, uint8_t flags) {
  field_names_.push_back(Save(name));
  field_values_.push_back(Save(value));
  flags_.push_back(flags);
}

void StoredResponseBuilder::ClearFields() {
  field_names_.clear();
  field_values_.clear();
  flags_.clear();
}

void StoredResponseBuilder::AddVary(std::string_view name, const VaryValue& value) {
  VaryRef v;
  v.name = Save(name);
  v.value = Save(value.value);
  v.raw = Save(value.has_raw ? value.raw : std::string_view());
  v.present = value.present;
  v.has_raw = value.has_raw;
  vary_.push_back(v);
}

void StoredResponseBuilder::ClearDerived() {
  etag_ = last_modified_ = Ref();
  tags_.clear();
  no_cache_fields_.clear();
}

std::shared_ptr<StoredResponse> StoredResponseBuilder::Build() const {
  const size_t nf = field_names_.size();
  const size_t nviews = tags_.size() + vary_.size() + no_cache_fields_.size();
  size_t off = 0;
  const size_t fields_off = off;
  off += nf * sizeof(http::HeaderField);
  off = AlignUp(off, alignof(std::string_view));
  const size_t views_off = off;
  off += nviews * sizeof(std::string_view);
  off = AlignUp(off, alignof(VaryValue));
  const size_t vary_off = off;
  off += vary_.size() * sizeof(VaryValue);
  const size_t flags_off = off;
  off += nf;
  const size_t bytes_off = off;
  off += bytes_.size();

  char* block = nullptr;
  size_t total = 0;
  std::shared_ptr<StoredResponse> out = std::allocate_shared<StoredResponse>(
      ArenaAllocator<StoredResponse>(AlignUp(off, 16), &block, &total), StoredResponse::Passkey());
  StoredResponse* r = out.get();
  static_cast<ResponseMetadata&>(*r) = meta;
  r->body = body;
  char* bytes = block + bytes_off;
  if (!bytes_.empty()) std::memcpy(bytes, bytes_.data(), bytes_.size());
  auto view = [bytes](Ref ref) { return std::string_view(bytes + ref.offset, ref.size); };

  r->key_ = view(key_);
  auto* fields = reinterpret_cast<http::HeaderField*>(block + fields_off);
  auto* flags = reinterpret_cast<uint8_t*>(block + flags_off);
  for (size_t i = 0; i < nf; ++i) {
    new (&fields[i]) http::HeaderField{view(field_names_[i]), view(field_values_[i])};
    flags[i] = flags_[i];
  }
  r->fields_ = fields;
  r->flags_ = flags;
  r->field_count_ = nf;
  r->etag_ = view(etag_);
  r->last_modified_ = view(last_modified_);

  auto* views = reinterpret_cast<std::string_view*>(block + views_off);
  size_t v = 0;
  auto fill = [&](absl::Span<const Ref> refs, StoredResponse::ViewArray* array) {
    array->data = views + v;
    array->count = refs.size();
    for (const Ref& ref : refs) new (&views[v++]) std::string_view(view(ref));
  };
  fill(tags_, &r->tags_);
  fill(no_cache_fields_, &r->no_cache_fields_);
  r->vary_.data = views + v;
  r->vary_.count = vary_.size();
  auto* values = reinterpret_cast<VaryValue*>(block + vary_off);
  for (size_t i = 0; i < vary_.size(); ++i) {
    new (&views[v++]) std::string_view(view(vary_[i].name));
    new (&values[i])
        VaryValue{view(vary_[i].value), view(vary_[i].raw), vary_[i].present, vary_[i].has_raw};
  }
  r->vary_values_ = values;

  r->response_time_ns_ = absl::ToUnixNanos(meta.response_time);
  r->corrected_initial_age_ns_ = absl::ToInt64Nanoseconds(meta.corrected_initial_age);
  r->freshness_lifetime_ns_ = absl::ToInt64Nanoseconds(meta.freshness_lifetime);
  r->allocated_bytes_ = cache_internal::AllocatedSize(total);
  return out;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
