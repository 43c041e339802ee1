// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The memory store (see edgekit/cache/memory_store.h).
#include "edgekit/cache/memory_store.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/status/status.h"
#include "cache/alloc_size.h"
#include "cache/variant_index.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// Aborts the bodies of removed filling variants and reports evictions, after
// the index's locks are released.
void FinishRemoved(RemovedList& removed, cache::StoreListener* listener) {
  for (Removed& r : removed) {
    if (r.filling && r.resp->body != nullptr) r.resp->body->MarkAborted();
    if (r.evicted && listener != nullptr) listener->OnEvicted(r.resp->key(), r.charge, r.reason);
  }
  removed.clear();
}

}  // namespace cache_internal

namespace cache {

using cache_internal::AllocatedSize;
using cache_internal::FillToken;
using cache_internal::RemovedList;

namespace {

// Per resident chunk: its BodyChunk and start offset in the body's vectors
// (amortised growth).
constexpr size_t kPerChunkIndex = 48;
// Bodies of unknown length are copied into blocks that start at 1 KiB and
// double up to 16 KiB (a chunk of at least that size gets a block of its
// own size).
constexpr size_t kFirstBlock = size_t{1} << 10;
constexpr size_t kBlockBytes = size_t{16} << 10;
// Chunks the host hands over (`BodyChunk::Adopt` / `Copy`) are shared, not
// copied, from this size on.
constexpr size_t kShareFrom = size_t{4} << 10;

}  // namespace

struct MemoryStore::Impl {
  explicit Impl(const MemoryStoreOptions& o)
      : options(o), index(o.max_bytes, static_cast<size_t>(o.shard_count), o.max_object_bytes) {}
  MemoryStoreOptions options;
  cache_internal::VariantIndex index;
  std::atomic<StoreListener*> listener{nullptr};
  void Finish(RemovedList& removed) {
    cache_internal::FinishRemoved(removed, listener.load(std::memory_order_acquire));
  }
};

namespace {

class MemoryWriter final : public StoreWriter {
 public:
  // `block_bytes`: the size of the one block of a body of known length; 0
  // for growing blocks.
  MemoryWriter(MemoryStore::Impl* store, std::shared_ptr<Body> body, uint64_t max_bytes,
               size_t block_bytes, const StoredResponse* replaces)
      : store_(store),
        body_(std::move(body)),
        max_bytes_(max_bytes),
        block_bytes_(block_bytes != 0 ? block_bytes : kFirstBlock),
        growing_(block_bytes == 0),
        replaces_(replaces) {}
  ~MemoryWriter() override {
    if (!done_) Abort();
  }

  FillToken* token() { return &token_; }

  bool Append(const BodyChunk& chunk) override {
    if (done_) return false;
    if (chunk.empty()) return true;
    if (written_ + chunk.size() > max_bytes_) {
      Abort();
      return false;
    }
    RemovedList removed;
    // Shared when the cache owns the bytes and they are big, or held tightly
    // (an adopted std::string): no second copy.
    const size_t owned = chunk.allocated_bytes();  // 0: a view or the host's buffer
    const bool share =
        owned >= chunk.size() && (chunk.size() >= kShareFrom || owned <= chunk.size() + 256);
    // Never a block past what the object may still take.
    const size_t block =
        static_cast<size_t>(std::min<uint64_t>(block_bytes_, max_bytes_ - written_));
    const size_t copy_cost = share ? 0 : body_->CopyCost(chunk.size(), block);
    const size_t cost = (share ? chunk.allocated_bytes() : copy_cost) + kPerChunkIndex;
    const bool ok = store_->index.Grow(&token_, cost, &removed);
    store_->Finish(removed);
    if (!ok) {
      done_ = true;
      body_->MarkAborted();
      return false;
    }
    if (share) {
      body_->Append(chunk);
    } else {
      body_->AppendCopy(chunk.view(), block);
      if (copy_cost != 0 && growing_) block_bytes_ = std::min(block_bytes_ * 2, kBlockBytes);
    }
    written_ += chunk.size();
    return true;
  }

  bool Commit() override {
    if (done_) return false;
    done_ = true;
    RemovedList removed;
    const bool ok = store_->index.Commit(&token_, replaces_, &removed);
    if (ok) {
      body_->MarkComplete();
    } else {
      body_->MarkAborted();
    }
    store_->Finish(removed);
    return ok;
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    RemovedList removed;
    store_->index.Abort(&token_, &removed);
    body_->MarkAborted();
    store_->Finish(removed);
  }

 private:
  MemoryStore::Impl* store_;
  std::shared_ptr<Body> body_;
  FillToken token_;
  uint64_t max_bytes_;
  size_t block_bytes_;
  bool growing_;
  const StoredResponse* replaces_;
  uint64_t written_ = 0;
  bool done_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<MemoryStore>> MemoryStore::Create(MemoryStoreOptions options) {
  if (options.max_bytes == 0) return absl::InvalidArgumentError("max_bytes must be > 0");
  if (options.max_object_bytes == 0) {
    return absl::InvalidArgumentError("max_object_bytes must be > 0");
  }
  if (options.shard_count < 1 || options.shard_count > 1024) {
    return absl::InvalidArgumentError("shard_count must be in [1, 1024]");
  }
  return std::unique_ptr<MemoryStore>(new MemoryStore(options));
}

MemoryStore::MemoryStore(MemoryStoreOptions options) : impl_(std::make_unique<Impl>(options)) {}

MemoryStore::~MemoryStore() = default;

size_t MemoryStore::HeadCharge(const StoredResponse& response) {
  size_t n = response.allocated_bytes() + AllocatedSize(sizeof(cache_internal::IndexItem)) +
             16 /* index slot */ + AllocatedSize(sizeof(Body) + 16) /* body + control */;
  for (std::string_view tag : response.tags()) {
    n += (tag.size() > 15 ? AllocatedSize(tag.size() + 1) : 0) + 64;  // tag index entry
  }
  return n;
}

FindResult MemoryStore::Find(const StoreKey& key, const VariantMatcher& matcher) {
  return impl_->index.Find(key, matcher);
}

std::vector<StoredVariant> MemoryStore::Variants(const StoreKey& key) {
  return impl_->index.Variants(key);
}

std::unique_ptr<StoreWriter> MemoryStore::BeginInsert(InsertRequest request) {
  const uint64_t max = std::min<uint64_t>(request.max_object_bytes, impl_->index.max_object());
  const uint64_t head = HeadCharge(*request.response);
  if (head > max) return nullptr;
  if (request.expected_length && *request.expected_length > max - head) return nullptr;
  size_t block = 0;  // growing blocks
  if (request.expected_length && *request.expected_length > 0) {
    block = static_cast<size_t>(*request.expected_length);  // one exact block
  }
  auto body = std::make_shared<Body>();
  request.response->body = body;
  auto writer =
      std::make_unique<MemoryWriter>(impl_.get(), body, max - head, block, request.replaces);
  RemovedList removed;
  const bool ok =
      impl_->index.Publish(request.key, std::move(request.response), head, 0, request.max_variants,
                           !request.visible_while_filling, writer->token(), &removed);
  impl_->Finish(removed);
  if (!ok) {
    body->MarkAborted();
    return nullptr;
  }
  return writer;
}

bool MemoryStore::Update(const StoreKey& key, const StoredResponse& old,
                         std::shared_ptr<StoredResponse> updated) {
  const int64_t delta =
      static_cast<int64_t>(HeadCharge(*updated)) - static_cast<int64_t>(HeadCharge(old));
  RemovedList removed;
  const bool ok = impl_->index.Update(key, old, std::move(updated), delta, &removed);
  impl_->Finish(removed);
  return ok;
}

bool MemoryStore::MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) {
  return impl_->index.MarkStale(key, variant, at);
}

size_t MemoryStore::Remove(const StoreKey& key, const StoredResponse* variant) {
  RemovedList removed;
  const size_t n = impl_->index.Remove(key, variant, &removed);
  impl_->Finish(removed);
  return n;
}

size_t MemoryStore::Purge(const StoreKey& key, PurgeMode mode, absl::Time now) {
  RemovedList removed;
  const size_t n = impl_->index.Purge(key, mode, now, &removed);
  impl_->Finish(removed);
  return n;
}

size_t MemoryStore::PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) {
  RemovedList removed;
  const size_t n = impl_->index.PurgeTag(tag, mode, now, &removed);
  impl_->Finish(removed);
  return n;
}

size_t MemoryStore::PurgeAll() {
  RemovedList removed;
  const size_t n = impl_->index.PurgeAll(&removed);
  impl_->Finish(removed);
  return n;
}

StoreUsage MemoryStore::usage() const {
  StoreUsage u;
  u.bytes = impl_->index.bytes();
  u.capacity = impl_->options.max_bytes;
  u.entries = impl_->index.entries();
  u.memory_bytes = u.bytes;
  return u;
}

size_t MemoryStore::max_object_bytes() const {
  return static_cast<size_t>(impl_->index.max_object());
}

void MemoryStore::SetListener(StoreListener* listener) {
  impl_->listener.store(listener, std::memory_order_release);
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
