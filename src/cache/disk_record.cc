// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The disk store's file format (see disk_record.h).
#include "cache/disk_record.h"

#include <cstring>
#include <limits>
#include <vector>

#include "cache/checksum.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

constexpr char kMagic[4] = {'E', 'K', 'C', '1'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kFieldsVersion = 1;
// Bounds on what a fields block may claim (hostile or corrupt files).
constexpr uint32_t kMaxItems = 65536;

void Put32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Put64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutStr(std::string* out, std::string_view s) {
  Put32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}
uint32_t Get32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}
uint64_t Get64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Bounds-checked reader of a fields block.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v) {
    if (in_.size() < 1) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool U32(uint32_t* v) {
    if (in_.size() < 4) return false;
    *v = Get32(in_.data());
    in_.remove_prefix(4);
    return true;
  }
  bool I64(int64_t* v) {
    if (in_.size() < 8) return false;
    *v = static_cast<int64_t>(Get64(in_.data()));
    in_.remove_prefix(8);
    return true;
  }
  bool Str(std::string_view* s) {
    uint32_t n;
    if (!U32(&n) || n > in_.size()) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Count(uint32_t* n) { return U32(n) && *n <= kMaxItems && *n <= in_.size(); }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

uint64_t BlockCount(uint64_t body_length, uint32_t block_size) {
  return block_size == 0 ? 0 : (body_length + block_size - 1) / block_size;
}

std::string EncodeHeader(const FileHeader& h) {
  std::string out;
  out.reserve(kFileHeaderSize);
  out.append(kMagic, 4);
  Put32(&out, kVersion);
  Put64(&out, h.body_offset);
  Put64(&out, h.body_length);
  Put64(&out, h.meta_offset);
  Put32(&out, h.meta_length);
  Put32(&out, h.block_size);
  Put64(&out, h.meta_hash);
  Put64(&out, h.sums_offset);
  Put64(&out, h.sums_hash);
  Put64(&out, static_cast<uint64_t>(h.stale_from_ns));
  Put64(&out, Checksum(out));
  return out;
}

bool DecodeHeader(std::string_view b, uint64_t file_size, FileHeader* out) {
  if (b.size() < kFileHeaderSize) return false;
  const char* p = b.data();
  if (std::memcmp(p, kMagic, 4) != 0 || Get32(p + 4) != kVersion) return false;
  if (Get64(p + 72) != Checksum(b.substr(0, 72))) return false;
  FileHeader h;
  h.body_offset = Get64(p + 8);
  h.body_length = Get64(p + 16);
  h.meta_offset = Get64(p + 24);
  h.meta_length = Get32(p + 32);
  h.block_size = Get32(p + 36);
  h.meta_hash = Get64(p + 40);
  h.sums_offset = Get64(p + 48);
  h.sums_hash = Get64(p + 56);
  h.stale_from_ns = static_cast<int64_t>(Get64(p + 64));
  // Layout arithmetic, without overflow.
  if (h.block_size < 4096 || h.block_size > (uint32_t{16} << 20) ||
      (h.block_size & (h.block_size - 1)) != 0) {
    return false;
  }
  if (h.meta_length == 0 || h.meta_length > kMaxFieldsBlock) return false;
  if (h.body_offset < kFileHeaderSize || h.meta_offset < kFileHeaderSize) return false;
  if (h.body_offset > file_size || h.body_length > file_size - h.body_offset) return false;
  if (h.sums_offset != h.body_offset + h.body_length) return false;
  const uint64_t sums_bytes = BlockCount(h.body_length, h.block_size) * 8;
  if (h.sums_offset > file_size || sums_bytes > file_size - h.sums_offset) return false;
  if (h.meta_offset > file_size || h.meta_length > file_size - h.meta_offset) return false;
  // The fields block lies before the body or after the checksums.
  const bool before = h.meta_offset + h.meta_length <= h.body_offset;
  const bool after = h.meta_offset >= h.sums_offset + sums_bytes;
  if (!before && !after) return false;
  *out = h;
  return true;
}

std::string EncodeFields(const cache::StoredResponse& r) {
  std::string out;
  Put32(&out, kFieldsVersion);
  Put32(&out, static_cast<uint32_t>(r.status));
  Put64(&out, static_cast<uint64_t>(absl::ToUnixNanos(r.request_time)));
  Put64(&out, static_cast<uint64_t>(absl::ToUnixNanos(r.response_time)));
  Put64(&out, static_cast<uint64_t>(absl::ToInt64Nanoseconds(r.corrected_initial_age)));
  Put64(&out, static_cast<uint64_t>(absl::ToInt64Nanoseconds(r.freshness_lifetime)));
  Put64(&out, static_cast<uint64_t>(absl::ToInt64Nanoseconds(r.stale_while_revalidate)));
  Put64(&out, static_cast<uint64_t>(absl::ToInt64Nanoseconds(r.stale_if_error)));
  out.push_back(static_cast<char>((r.heuristic ? 1 : 0) | (r.no_cache ? 2 : 0) |
                                  (r.must_revalidate ? 4 : 0)));
  PutStr(&out, r.key());
  const auto fields = r.fields();
  const auto flags = r.field_flags();
  Put32(&out, static_cast<uint32_t>(fields.size()));
  for (size_t i = 0; i < fields.size(); ++i) {
    PutStr(&out, fields[i].name);
    PutStr(&out, fields[i].value);
    out.push_back(static_cast<char>(flags[i]));
  }
  PutStr(&out, r.etag());
  PutStr(&out, r.last_modified());
  Put32(&out, static_cast<uint32_t>(r.tags().size()));
  for (std::string_view t : r.tags()) PutStr(&out, t);
  Put32(&out, static_cast<uint32_t>(r.no_cache_fields().size()));
  for (std::string_view t : r.no_cache_fields()) PutStr(&out, t);
  const auto names = r.vary();
  const auto values = r.vary_values();
  Put32(&out, static_cast<uint32_t>(names.size()));
  for (size_t i = 0; i < names.size(); ++i) {
    PutStr(&out, names[i]);
    out.push_back(static_cast<char>((values[i].present ? 1 : 0) | (values[i].has_raw ? 2 : 0)));
    PutStr(&out, values[i].value);
    PutStr(&out, values[i].raw);
  }
  return out;
}

std::shared_ptr<cache::StoredResponse> DecodeFields(std::string_view bytes) {
  Reader in(bytes);
  cache::StoredResponseBuilder b;
  uint32_t version, status;
  int64_t req_ns, resp_ns, age_ns, life_ns, swr_ns, sie_ns;
  uint8_t bits;
  if (!in.U32(&version) || version != kFieldsVersion || !in.U32(&status) || !in.I64(&req_ns) ||
      !in.I64(&resp_ns) || !in.I64(&age_ns) || !in.I64(&life_ns) || !in.I64(&swr_ns) ||
      !in.I64(&sie_ns) || !in.U8(&bits)) {
    return nullptr;
  }
  if (status < 100 || status > 999 || (bits & ~7u) != 0) return nullptr;
  b.meta.status = static_cast<int>(status);
  b.meta.request_time = absl::FromUnixNanos(req_ns);
  b.meta.response_time = absl::FromUnixNanos(resp_ns);
  b.meta.corrected_initial_age = absl::Nanoseconds(age_ns);
  b.meta.freshness_lifetime = absl::Nanoseconds(life_ns);
  b.meta.stale_while_revalidate = absl::Nanoseconds(swr_ns);
  b.meta.stale_if_error = absl::Nanoseconds(sie_ns);
  b.meta.heuristic = (bits & 1) != 0;
  b.meta.no_cache = (bits & 2) != 0;
  b.meta.must_revalidate = (bits & 4) != 0;
  b.meta.sequence = 0;  // older than anything this process stores
  std::string_view s, t;
  if (!in.Str(&s) || s.empty()) return nullptr;
  b.set_key(s);
  uint32_t n;
  if (!in.Count(&n)) return nullptr;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t f;
    if (!in.Str(&s) || !in.Str(&t) || !in.U8(&f)) return nullptr;
    b.AddField(s, t, f);
  }
  if (!in.Str(&s) || !in.Str(&t)) return nullptr;
  b.set_etag(s);
  b.set_last_modified(t);
  if (!in.Count(&n)) return nullptr;
  for (uint32_t i = 0; i < n; ++i) {
    if (!in.Str(&s)) return nullptr;
    b.AddTag(s);
  }
  if (!in.Count(&n)) return nullptr;
  for (uint32_t i = 0; i < n; ++i) {
    if (!in.Str(&s)) return nullptr;
    b.AddNoCacheField(s);
  }
  if (!in.Count(&n)) return nullptr;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t f;
    std::string_view name, value, raw;
    if (!in.Str(&name) || !in.U8(&f) || !in.Str(&value) || !in.Str(&raw) || (f & ~3u) != 0) {
      return nullptr;
    }
    b.AddVary(name, cache::VaryValue{value, raw, (f & 1) != 0, (f & 2) != 0});
  }
  if (!in.done()) return nullptr;
  return b.Build();
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
