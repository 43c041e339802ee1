// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Memory in front of disk (see edgekit/cache/tiered_store.h).
#include "edgekit/cache/tiered_store.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "cache/vary.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {
namespace {

constexpr size_t kHitSlots = size_t{1} << 16;  // approximate per-key disk hit counts

// The variant of `tier` that is `r` or its copy (same Vary values, same store
// generation: a promoted copy keeps its original's).
std::shared_ptr<const StoredResponse> Counterpart(CacheStore& tier, const StoreKey& key,
                                                  const StoredResponse& r) {
  std::vector<StoredVariant> vars = tier.Variants(key);
  for (StoredVariant& v : vars) {
    if (v.response.get() == &r) return std::move(v.response);
  }
  for (StoredVariant& v : vars) {
    if (v.response->sequence == r.sequence && cache_internal::SameVariant(*v.response, r)) {
      return std::move(v.response);
    }
  }
  return nullptr;
}

// A copy of `r`'s fields and metadata, without a body.
std::shared_ptr<StoredResponse> Clone(const StoredResponse& r) {
  StoredResponseBuilder b(r);
  b.body = nullptr;
  return b.Build();
}

// Removes memory copies of the variant `r` replaces: when the memory tier
// does not take a new object, an older copy there must not shadow the newer
// one on disk.
void DropShadowed(CacheStore& memory, std::string_view key, const StoredResponse& r) {
  const StoreKey k = MakeStoreKey(key);
  for (const StoredVariant& v : memory.Variants(k)) {
    if (v.response->sequence < r.sequence && cache_internal::SameVariant(*v.response, r)) {
      memory.Remove(k, v.response.get());
    }
  }
}

class TieredWriter final : public StoreWriter {
 public:
  TieredWriter(std::unique_ptr<StoreWriter> memory, std::unique_ptr<StoreWriter> disk,
               std::shared_ptr<CacheStore> memory_store, std::shared_ptr<const StoredResponse> r)
      : memory_(std::move(memory)),
        disk_(std::move(disk)),
        memory_store_(std::move(memory_store)),
        response_(std::move(r)) {}
  bool Append(const BodyChunk& chunk) override {
    if (memory_ != nullptr && !memory_->Append(chunk)) {
      memory_.reset();
      DropShadowed(*memory_store_, response_->key(), *response_);
    }
    if (disk_ != nullptr && !disk_->Append(chunk)) disk_.reset();
    return memory_ != nullptr || disk_ != nullptr;
  }
  bool Commit() override {
    const bool m = memory_ != nullptr && memory_->Commit();
    const bool d = disk_ != nullptr && disk_->Commit();
    if (!m && d) DropShadowed(*memory_store_, response_->key(), *response_);
    memory_.reset();
    disk_.reset();
    return m || d;
  }
  void Abort() override {
    if (memory_ != nullptr) memory_->Abort();
    if (disk_ != nullptr) disk_->Abort();
    memory_.reset();
    disk_.reset();
  }

 private:
  std::unique_ptr<StoreWriter> memory_;
  std::unique_ptr<StoreWriter> disk_;
  std::shared_ptr<CacheStore> memory_store_;
  std::shared_ptr<const StoredResponse> response_;
};

}  // namespace

struct TieredStore::Impl {
  std::shared_ptr<CacheStore> memory;
  std::shared_ptr<CacheStore> disk;
  TieredStoreOptions options;
  std::unique_ptr<std::atomic<uint8_t>[]> hits { new std::atomic<uint8_t>[ kHitSlots ]() };
  std::atomic<uint64_t> promotions{0};

  // Copies a complete disk object into memory. Returns the memory copy, or
  // null.
  std::shared_ptr<const StoredResponse> Promote(const StoreKey& key,
                                                const StoredResponse& on_disk) {
    const std::optional<uint64_t> size = on_disk.body->size();
    if (!size || *size > options.max_promote_bytes) return nullptr;
    std::vector<BodyChunk> chunks;
    uint64_t offset = 0;
    BodyChunk c;
    while (offset < *size) {
      if (on_disk.body->Read(offset, size_t{1} << 20, &c) != BodyStatus::kOk) return nullptr;
      offset += c.size();
      chunks.push_back(std::move(c));
    }
    InsertRequest ir;
    ir.key = key;
    ir.response = Clone(on_disk);
    ir.expected_length = *size;
    ir.visible_while_filling = false;
    std::shared_ptr<const StoredResponse> copy = ir.response;
    std::unique_ptr<StoreWriter> w = memory->BeginInsert(std::move(ir));
    if (w == nullptr) return nullptr;
    for (const BodyChunk& chunk : chunks) {
      if (!w->Append(chunk)) return nullptr;
    }
    if (!w->Commit()) return nullptr;
    promotions.fetch_add(1, std::memory_order_relaxed);
    return copy;
  }
};

absl::StatusOr<std::unique_ptr<TieredStore>> TieredStore::Create(std::shared_ptr<CacheStore> memory,
                                                                 std::shared_ptr<CacheStore> disk,
                                                                 TieredStoreOptions options) {
  if (memory == nullptr || disk == nullptr) {
    return absl::InvalidArgumentError("memory and disk must be set");
  }
  if (options.promote_after_hits < 1 || options.promote_after_hits > 255) {
    return absl::InvalidArgumentError("promote_after_hits must be in [1, 255]");
  }
  if (options.max_promote_bytes == 0) {
    return absl::InvalidArgumentError("max_promote_bytes must be > 0");
  }
  auto impl = std::make_unique<Impl>();
  impl->memory = std::move(memory);
  impl->disk = std::move(disk);
  impl->options = options;
  return std::unique_ptr<TieredStore>(new TieredStore(std::move(impl)));
}

TieredStore::TieredStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TieredStore::~TieredStore() = default;

FindResult TieredStore::Find(const StoreKey& key, const VariantMatcher& matcher) {
  FindResult m = impl_->memory->Find(key, matcher);
  if (m.variant.response != nullptr) return m;
  FindResult d = impl_->disk->Find(key, matcher);
  d.key_found = d.key_found || m.key_found;
  if (d.variant.response == nullptr || !d.variant.response->body->complete()) return d;
  std::atomic<uint8_t>& hits = impl_->hits[key.hash & (kHitSlots - 1)];
  const uint8_t n = hits.load(std::memory_order_relaxed);
  if (n + 1u < impl_->options.promote_after_hits) {
    hits.store(static_cast<uint8_t>(n + 1), std::memory_order_relaxed);
    return d;
  }
  hits.store(0, std::memory_order_relaxed);
  if (std::shared_ptr<const StoredResponse> copy = impl_->Promote(key, *d.variant.response)) {
    // Keep the soft-purge mark the disk tier knows of.
    if (d.variant.stale_from != absl::InfiniteFuture()) {
      impl_->memory->MarkStale(key, *copy, d.variant.stale_from);
    }
    d.variant.response = std::move(copy);
  }
  return d;
}

std::vector<StoredVariant> TieredStore::Variants(const StoreKey& key) {
  // Disk has every committed object; memory-only ones (refused by disk) too.
  std::vector<StoredVariant> out = impl_->disk->Variants(key);
  for (StoredVariant& v : impl_->memory->Variants(key)) {
    bool copy = false;
    for (const StoredVariant& d : out) {
      if (d.response->sequence == v.response->sequence &&
          cache_internal::SameVariant(*d.response, *v.response)) {
        copy = true;
        break;
      }
    }
    if (!copy) out.push_back(std::move(v));
  }
  return out;
}

std::unique_ptr<StoreWriter> TieredStore::BeginInsert(InsertRequest request) {
  std::shared_ptr<const StoredResponse> mem_replaces, disk_replaces;
  if (request.replaces != nullptr) {
    mem_replaces = Counterpart(*impl_->memory, request.key, *request.replaces);
    disk_replaces = Counterpart(*impl_->disk, request.key, *request.replaces);
  }
  InsertRequest to_memory = request;
  to_memory.response = Clone(*request.response);
  to_memory.replaces = mem_replaces.get();
  request.replaces = disk_replaces.get();
  std::shared_ptr<const StoredResponse> response = request.response;
  std::unique_ptr<StoreWriter> disk = impl_->disk->BeginInsert(std::move(request));
  std::unique_ptr<StoreWriter> memory = impl_->memory->BeginInsert(std::move(to_memory));
  if (memory == nullptr && disk == nullptr) return nullptr;
  if (memory == nullptr) DropShadowed(*impl_->memory, response->key(), *response);
  return std::make_unique<TieredWriter>(std::move(memory), std::move(disk), impl_->memory,
                                        std::move(response));
}

bool TieredStore::Update(const StoreKey& key, const StoredResponse& old,
                         std::shared_ptr<StoredResponse> updated) {
  std::shared_ptr<const StoredResponse> mem = Counterpart(*impl_->memory, key, old);
  std::shared_ptr<const StoredResponse> disk = Counterpart(*impl_->disk, key, old);
  bool ok = false;
  if (disk != nullptr) {
    // The disk tier keeps the updated variant; the memory copy (another body)
    // is dropped and promoted again when hot.
    if (mem != nullptr) impl_->memory->Remove(key, mem.get());
    ok = impl_->disk->Update(key, *disk, std::move(updated));
  } else if (mem != nullptr) {
    ok = impl_->memory->Update(key, *mem, std::move(updated));
  }
  return ok;
}

bool TieredStore::MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) {
  bool ok = false;
  if (auto m = Counterpart(*impl_->memory, key, variant)) {
    ok = impl_->memory->MarkStale(key, *m, at) || ok;
  }
  if (auto d = Counterpart(*impl_->disk, key, variant)) {
    ok = impl_->disk->MarkStale(key, *d, at) || ok;
  }
  return ok;
}

size_t TieredStore::Remove(const StoreKey& key, const StoredResponse* variant) {
  if (variant == nullptr) {
    return std::max(impl_->memory->Remove(key, nullptr), impl_->disk->Remove(key, nullptr));
  }
  size_t n = 0;
  if (auto m = Counterpart(*impl_->memory, key, *variant)) n = impl_->memory->Remove(key, m.get());
  if (auto d = Counterpart(*impl_->disk, key, *variant)) {
    n = std::max(n, impl_->disk->Remove(key, d.get()));
  }
  return n;
}

size_t TieredStore::Purge(const StoreKey& key, PurgeMode mode, absl::Time now) {
  return std::max(impl_->memory->Purge(key, mode, now), impl_->disk->Purge(key, mode, now));
}

size_t TieredStore::PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) {
  return std::max(impl_->memory->PurgeTag(tag, mode, now), impl_->disk->PurgeTag(tag, mode, now));
}

size_t TieredStore::PurgeAll() {
  return std::max(impl_->memory->PurgeAll(), impl_->disk->PurgeAll());
}

StoreUsage TieredStore::usage() const {
  const StoreUsage m = impl_->memory->usage();
  const StoreUsage d = impl_->disk->usage();
  StoreUsage u;
  u.bytes = m.bytes + d.bytes;
  u.capacity = m.capacity + d.capacity;
  u.entries = std::max(m.entries, d.entries);
  u.memory_bytes = m.memory_bytes + d.memory_bytes;
  return u;
}

size_t TieredStore::max_object_bytes() const {
  return std::max(impl_->memory->max_object_bytes(), impl_->disk->max_object_bytes());
}

void TieredStore::SetListener(StoreListener* listener) {
  impl_->memory->SetListener(listener);
  impl_->disk->SetListener(listener);
}

uint64_t TieredStore::promotions() const {
  return impl_->promotions.load(std::memory_order_relaxed);
}
CacheStore& TieredStore::memory() const { return *impl_->memory; }
CacheStore& TieredStore::disk() const { return *impl_->disk; }

}  // namespace cache
EDGEKIT_NAMESPACE_END
