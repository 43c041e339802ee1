// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: variant_index.h
// -----------------------------------------------------------------------------
// Private: the index both shipped stores keep in memory: key → variants
// (newest first), S3-FIFO eviction under a byte budget (small FIFO 10% / main
// FIFO with 2-bit frequencies / ghost FIFO of hashes, reserved out of the
// budget), a tag index for purges, soft-purge marks, and variants still being
// filled (charged, findable, not evictable until committed).
//
// Mutating calls never run callbacks: what they removed comes back in a
// `Removed` list for the caller to finish after the index's locks are
// released (abort filling bodies, tell the listener, delete files).
//
// Thread-safety: thread-safe; one lock per shard, taken by every call that
// changes the shard. Find() and Variants() read a shard without writing any
// line another thread writes (reader_slots.h) unless a writer holds it.

#ifndef EDGEKIT_SRC_CACHE_VARIANT_INDEX_H_
#define EDGEKIT_SRC_CACHE_VARIANT_INDEX_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/numeric/int128.h"
#include "absl/time/time.h"
#include "cache/reader_slots.h"
#include "cache/sv_hash.h"
#include "edgekit/base/internal/shard_mutex.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

struct IndexItem;

// Links a store's writer to its filling item; `item` is cleared (under the
// shard lock) when the item is removed before the writer commits.
struct FillToken {
  IndexItem* item = nullptr;
  size_t shard = 0;
};

// A hot item's per-thread references to its response (see VariantIndex::Find):
// a lookup hands out a copy of its own thread's reference, whose count only
// that thread normally writes, instead of a copy of `IndexItem::resp`, whose
// count every core serving the item would write. Slot `i` belongs to the first
// stripe (counters.h) that claims it; only that thread fills it, while reading
// the shard; writers (holding the shard exclusively) drop the whole block when
// the item's response changes or the item goes.
// The block and its references are charged to the shard's bytes (see
// VariantIndex::ReferenceFor): a reader reserves their bytes first and makes
// none when the shard has no room.
struct ThreadRefs {
  static constexpr size_t kSlots = 4;
  static constexpr uint32_t kUnowned = ~uint32_t{0};
  struct Slot {
    std::atomic<uint32_t> owner{kUnowned};
    std::shared_ptr<const cache::StoredResponse> ref;
  };
  // What one reference owns: a line of its own, so that two threads' counts
  // never share one.
  struct alignas(64) Holder {
    std::shared_ptr<const cache::StoredResponse> resp;
  };
  // Charged bytes: the block, and each filled slot's holder with its control
  // block (allocator overhead included).
  static constexpr uint64_t kBlockCharge = 128;
  static constexpr uint64_t kSlotCharge = 160;
  Slot slots[kSlots];
};

struct IndexItem {
  IndexItem() = default;
  IndexItem(const IndexItem&) = delete;
  IndexItem& operator=(const IndexItem&) = delete;
  ~IndexItem() { delete thread_refs.load(std::memory_order_relaxed); }

  std::shared_ptr<const cache::StoredResponse> resp;
  // Created by the first lookup that finds the item hot (readers race to
  // install it: compare-and-swap); `refs_charge` is what readers charged the
  // shard for it. Dropped by writers (VariantIndex::DropThreadRefs).
  std::atomic<ThreadRefs*> thread_refs{nullptr};
  std::atomic<uint64_t> refs_charge{0};
  uint64_t key_hash = 0;
  // resp->key(), beside the hash: a probe compares the key's bytes without
  // first loading the response (for a key not in the CPU's caches, one
  // dependent memory access fewer; the response is then loaded in parallel).
  std::string_view key;
  uint64_t ghost_hash = 0;    // key + Vary values: S3-FIFO ghost identity
  IndexItem* prev = nullptr;  // queue links
  IndexItem* next = nullptr;
  IndexItem* older = nullptr;  // next variant of the same key
  uint64_t charge = 0;
  absl::Time stale_from = absl::InfiniteFuture();
  uint64_t store_id = 0;      // the store's own identity (disk: file number)
  FillToken* fill = nullptr;  // while filling
  // S3-FIFO frequency (0-3): lookups sharing the shard raise it concurrently
  // (relaxed: a lost increment only ages the item sooner).
  std::atomic<uint8_t> freq{0};
  bool in_main = false;
  bool hidden = false;  // not findable until committed
};

// What a mutating call took out of the index.
struct Removed {
  std::shared_ptr<const cache::StoredResponse> resp;
  uint64_t charge = 0;
  uint64_t store_id = 0;
  bool filling = false;  // its body must be aborted
  bool evicted = false;  // by the budget or the variant limit (not a purge)
  cache::EvictionReason reason = cache::EvictionReason::kBudget;
};
// (Inline for the usual one or two: a replacing store removes the variant it
// replaces.)
using RemovedList = absl::InlinedVector<Removed, 2>;

// Aborts the bodies of removed filling variants and reports evictions to
// `listener` (may be null). Call with no lock held.
EDGEKIT_API void FinishRemoved(RemovedList& removed, cache::StoreListener* listener);

// Exported (not API): the disk store, a component of its own, indexes with it.
class EDGEKIT_API VariantIndex {
 public:
  // `budget` split evenly across `shards`; objects over `max_object` (or the
  // per-shard usable budget) are refused.
  VariantIndex(uint64_t budget, size_t shards, uint64_t max_object);
  ~VariantIndex();
  VariantIndex(const VariantIndex&) = delete;
  VariantIndex& operator=(const VariantIndex&) = delete;

  // The largest object a shard can hold.
  [[nodiscard]] uint64_t max_object() const { return max_object_; }
  [[nodiscard]] uint64_t capacity() const { return budget_; }

  cache::FindResult Find(const cache::StoreKey& key, const cache::VariantMatcher& matcher);
  std::vector<cache::StoredVariant> Variants(const cache::StoreKey& key);

  // Publishes a filling variant charged `charge` bytes (evicting to make
  // room). False if it cannot fit. On success `token` links it to its writer.
  bool Publish(const cache::StoreKey& key, std::shared_ptr<const cache::StoredResponse> resp,
               uint64_t charge, uint64_t store_id, size_t max_variants, bool hidden,
               FillToken* token, RemovedList* removed);
  // Adds `delta` bytes to a filling variant (evicting others). False if the
  // variant is gone or cannot fit: then it is removed (in `removed`).
  bool Grow(FillToken* token, uint64_t delta, RemovedList* removed);
  // Ends filling: removes older variants with the same Vary values and
  // `replaces`, links the variant for eviction. False if it was gone.
  bool Commit(FillToken* token, const cache::StoredResponse* replaces, RemovedList* removed);
  // Removes a filling variant (no-op if already gone).
  void Abort(FillToken* token, RemovedList* removed);

  // Replaces `old` by `updated`, its charge changed by `charge_delta` (304 /
  // HEAD): same place in the eviction queues, soft-purge mark cleared. False
  // if `old` is gone.
  bool Update(const cache::StoreKey& key, const cache::StoredResponse& old,
              std::shared_ptr<const cache::StoredResponse> updated, int64_t charge_delta,
              RemovedList* removed);
  bool MarkStale(const cache::StoreKey& key, const cache::StoredResponse& variant, absl::Time at);
  size_t Remove(const cache::StoreKey& key, const cache::StoredResponse* variant,
                RemovedList* removed);
  // Removes the variant of `key` with `store_id` (a store dropping a file
  // found corrupt).
  size_t RemoveById(const cache::StoreKey& key, uint64_t store_id, RemovedList* removed);
  // Soft purges put the variants they marked in `marked` (may be null).
  using Marked = std::vector<std::shared_ptr<const cache::StoredResponse>>;
  size_t Purge(const cache::StoreKey& key, cache::PurgeMode mode, absl::Time now,
               RemovedList* removed, Marked* marked = nullptr);
  size_t PurgeTag(std::string_view tag, cache::PurgeMode mode, absl::Time now, RemovedList* removed,
                  Marked* marked = nullptr);
  size_t PurgeAll(RemovedList* removed);

  // Re-inserts a committed variant (a store rebuilding its index at start).
  // False if it cannot fit.
  bool Restore(const cache::StoreKey& key, std::shared_ptr<const cache::StoredResponse> resp,
               uint64_t charge, uint64_t store_id, absl::Time stale_from, size_t max_variants,
               RemovedList* removed);

  // Every committed variant now.
  std::vector<std::shared_ptr<const cache::StoredResponse>> Snapshot();

  [[nodiscard]] uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  [[nodiscard]] uint64_t entries() const { return entries_.load(std::memory_order_relaxed); }

 private:
  struct Queue {
    IndexItem* head = nullptr;  // newest
    IndexItem* tail = nullptr;  // oldest
    uint64_t bytes = 0;
    size_t count = 0;
    void PushHead(IndexItem* it);
    void Unlink(IndexItem* it);
  };
  struct HashedKey {
    std::string_view key;
    uint64_t hash;
  };
  struct ItemHash {
    using is_transparent = void;
    size_t operator()(const IndexItem* it) const { return static_cast<size_t>(it->key_hash); }
    size_t operator()(const HashedKey& k) const { return static_cast<size_t>(k.hash); }
  };
  struct ItemEq {
    using is_transparent = void;
    bool operator()(const IndexItem* a, const IndexItem* b) const { return a == b; }
    bool operator()(const IndexItem* a, const HashedKey& b) const {
      return a->key_hash == b.hash && a->key == b.key;
    }
    bool operator()(const HashedKey& a, const IndexItem* b) const { return (*this)(b, a); }
  };
  struct Shard {
    // A spin-then-park lock: a lookup holds it for tens of nanoseconds, and
    // a pthread mutex put a contended hot key to sleep in the kernel.
    base_internal::ShardMutex mu;
    // Raised by a writer (holding `mu`) while it waits for and excludes the
    // lock-free readers (see ReaderSlots).
    std::atomic<bool> writing{false};
    // The newest variant of each key; older ones hang off `IndexItem::older`.
    absl::flat_hash_set<IndexItem*, ItemHash, ItemEq> index ABSL_GUARDED_BY(mu);
    Queue small ABSL_GUARDED_BY(mu);
    Queue main ABSL_GUARDED_BY(mu);
    std::deque<uint64_t> ghost ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<uint64_t, uint32_t> ghost_set ABSL_GUARDED_BY(mu);
    StrMap<absl::flat_hash_set<IndexItem*>> tags ABSL_GUARDED_BY(mu);
    // Charged bytes: items (written under `mu`) and per-thread references
    // (reserved by readers, compare-and-swap against the budget).
    std::atomic<uint64_t> bytes{0};
  };

  // From the hash's high bits (a multiply, no division): a shard's table
  // places keys by the low bits (absl's H1 is hash >> 7), which would
  // otherwise be alike for every key of a shard and crowd its probes.
  size_t ShardIndex(uint64_t hash) const {
    return static_cast<size_t>(absl::Uint128High64(absl::uint128(hash) * shard_count_));
  }
  Shard& ShardFor(uint64_t hash) { return shards_[ShardIndex(hash)]; }
  // Holds shard `s` for a change: its mutex, then no reader in it.
  class ABSL_SCOPED_LOCKABLE WriteLock {
   public:
    WriteLock(VariantIndex& index, Shard& s) ABSL_EXCLUSIVE_LOCK_FUNCTION(s.mu);
    ~WriteLock() ABSL_UNLOCK_FUNCTION();
    WriteLock(const WriteLock&) = delete;
    WriteLock& operator=(const WriteLock&) = delete;

   private:
    VariantIndex& index_;
    Shard& s_;
  };
  // Runs `read(shard, stripe)` with shard `s` held for reading: in the
  // calling thread's reader slot, or under its mutex when a writer holds it.
  template <class Read>
  auto ReadShard(Shard& s, Read&& read);
  IndexItem* Head(Shard& s, const cache::StoreKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  IndexItem* FindVariant(Shard& s, const cache::StoreKey& key, const cache::StoredResponse& r)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  bool MakeRoom(Shard& s, uint64_t charge, RemovedList* removed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  bool EvictOne(Shard& s, RemovedList* removed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  void GhostInsert(Shard& s, uint64_t h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  void AddTags(Shard& s, IndexItem* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  void RemoveTags(Shard& s, IndexItem* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  void LinkNewest(Shard& s, IndexItem* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  // Takes `it` out of the index (and its queue), frees it, reports it.
  void RemoveItem(Shard& s, IndexItem* it, bool evicted, cache::EvictionReason reason,
                  RemovedList* removed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  void EnforceVariantLimit(Shard& s, IndexItem* head, size_t max_variants, RemovedList* removed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  // Atomic: readers charge (and uncharge) per-thread references too.
  void Charge(Shard& s, int64_t delta);
  static uint64_t GhostHash(const cache::StoredResponse& r);
  // `n` bytes of shard `s` reserved for per-thread references about to be
  // allocated (compare-and-swap against the shard's usable bytes; false when
  // the shard has no room, and then none are made). Given back at the end of
  // the scope, also when an allocation throws, unless KeepFor() charges them
  // to the item that took the references.
  class RefsReservation {
   public:
    RefsReservation(VariantIndex& index, Shard& s, uint64_t n);
    ~RefsReservation();
    RefsReservation(const RefsReservation&) = delete;
    RefsReservation& operator=(const RefsReservation&) = delete;
    explicit operator bool() const { return n_ != 0; }
    void KeepFor(IndexItem* it);

   private:
    VariantIndex& index_;
    Shard& s_;
    uint64_t n_ = 0;
  };
  // Frees `it`'s per-thread references and their charge (a writer).
  void DropThreadRefs(Shard& s, IndexItem* it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu);
  // A reference to `it`'s response for a lookup by `stripe`'s thread, which
  // holds the shard for reading: its own per-thread reference when the item
  // is hot (`hot`) and the thread has or can claim a slot, else a copy of
  // `it->resp`.
  std::shared_ptr<const cache::StoredResponse> ReferenceFor(Shard& s, IndexItem* it, size_t stripe,
                                                            bool hot);

  uint64_t budget_;
  mutable base_internal::ParkingLot lot_;  // where contended shard lockers sleep
  ReaderSlots readers_;
  std::vector<Shard> shards_;
  uint64_t shard_count_;
  uint64_t usable_ = 0;  // per shard, after the ghost reserve
  uint64_t small_target_ = 0;
  uint64_t max_object_ = 0;
  size_t ghost_capacity_ = 0;
  std::atomic<uint64_t> bytes_{0};
  std::atomic<uint64_t> entries_{0};
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_VARIANT_INDEX_H_
