// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The stores' in-memory index: variants, S3-FIFO, tags (see variant_index.h).
#include "cache/variant_index.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "cache/vary.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

constexpr uint64_t kGhostEntryBytes = 32;
constexpr uint8_t kMaxFreq = 3;

}  // namespace

void VariantIndex::Queue::PushHead(IndexItem* it) {
  it->prev = nullptr;
  it->next = head;
  if (head != nullptr) head->prev = it;
  head = it;
  if (tail == nullptr) tail = it;
  bytes += it->charge;
  ++count;
}

void VariantIndex::Queue::Unlink(IndexItem* it) {
  if (it->prev != nullptr) {
    it->prev->next = it->next;
  } else {
    head = it->next;
  }
  if (it->next != nullptr) {
    it->next->prev = it->prev;
  } else {
    tail = it->prev;
  }
  it->prev = it->next = nullptr;
  bytes -= it->charge;
  --count;
}

VariantIndex::VariantIndex(uint64_t budget, size_t shards, uint64_t max_object)
    : budget_(budget), shards_(std::max<size_t>(1, shards)), shard_count_(shards_.size()) {
  const uint64_t shard_budget = budget / shards_.size();
  // The ghost FIFO is reserved out of the budget (1%, at least 16 slots).
  ghost_capacity_ =
      static_cast<size_t>(std::max<uint64_t>(16, shard_budget / 100 / kGhostEntryBytes));
  const uint64_t reserve = ghost_capacity_ * kGhostEntryBytes;
  usable_ = shard_budget > reserve ? shard_budget - reserve : 0;
  small_target_ = usable_ / 10;
  max_object_ = std::min(max_object, usable_);
}

VariantIndex::~VariantIndex() {
  RemovedList removed;
  PurgeAll(&removed);
}

uint64_t VariantIndex::GhostHash(const cache::StoredResponse& r) {
  size_t h = absl::HashOf(absl::string_view(r.key().data(), r.key().size()));
  for (const cache::VaryValue& v : r.vary_values()) {
    h = absl::HashOf(h, absl::string_view(v.value.data(), v.value.size()));
  }
  return h;
}

IndexItem* VariantIndex::Head(Shard& s, const cache::StoreKey& key) {
  auto it = s.index.find(HashedKey{key.key, key.hash});
  return it == s.index.end() ? nullptr : *it;
}

IndexItem* VariantIndex::FindVariant(Shard& s, const cache::StoreKey& key,
                                     const cache::StoredResponse& r) {
  for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
    if (it->resp.get() == &r) return it;
  }
  return nullptr;
}

VariantIndex::WriteLock::WriteLock(VariantIndex& index, Shard& s) ABSL_NO_THREAD_SAFETY_ANALYSIS
    : index_(index),
      s_(s) {
  s.mu.Lock(&index.lot_);
  s.writing.store(true, std::memory_order_seq_cst);
  index.readers_.WaitForReaders(static_cast<size_t>(&s - index.shards_.data()));
}

VariantIndex::WriteLock::~WriteLock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  s_.writing.store(false, std::memory_order_release);
  s_.mu.Unlock(&index_.lot_);
}

template <class Read>
auto VariantIndex::ReadShard(Shard& s, Read&& read) {
  const size_t stripe = ThreadStripe();
  if (readers_.TryEnter(stripe, static_cast<size_t>(&s - shards_.data()), s.writing)) {
    // Left even if `read` throws (a host's matcher may): a slot left naming
    // the shard would hold its writers forever.
    struct Exit {
      ReaderSlots& readers;
      size_t stripe;
      ~Exit() { readers.Exit(stripe); }
    } exit{readers_, stripe};
    return read(s, stripe);
  }
  // The mutex excludes writers, who hold it throughout; other readers may
  // run beside this one.
  base_internal::ShardMutexLock lock(&s.mu, &lot_);
  return read(s, stripe);
}

VariantIndex::RefsReservation::RefsReservation(VariantIndex& index, Shard& s, uint64_t n)
    : index_(index), s_(s) {
  uint64_t cur = s.bytes.load(std::memory_order_relaxed);
  do {
    if (cur + n > index.usable_) return;
  } while (!s.bytes.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  index.bytes_.fetch_add(n, std::memory_order_relaxed);
  n_ = n;
}

VariantIndex::RefsReservation::~RefsReservation() {
  if (n_ != 0) index_.Charge(s_, -static_cast<int64_t>(n_));
}

void VariantIndex::RefsReservation::KeepFor(IndexItem* it) {
  it->refs_charge.fetch_add(n_, std::memory_order_relaxed);
  n_ = 0;
}

void VariantIndex::DropThreadRefs(Shard& s, IndexItem* it) {
  delete it->thread_refs.exchange(nullptr, std::memory_order_relaxed);
  Charge(s, -static_cast<int64_t>(it->refs_charge.exchange(0, std::memory_order_relaxed)));
}

std::shared_ptr<const cache::StoredResponse> VariantIndex::ReferenceFor(Shard& s, IndexItem* it,
                                                                        size_t stripe, bool hot) {
  // The shared stripe is several threads: no slot of its own.
  if (!hot || stripe >= kSharedStripe) return it->resp;
  ThreadRefs* refs = it->thread_refs.load(std::memory_order_acquire);
  if (refs == nullptr) {
    RefsReservation reserved(*this, s, ThreadRefs::kBlockCharge);
    if (!reserved) return it->resp;
    auto fresh = std::make_unique<ThreadRefs>();
    if (it->thread_refs.compare_exchange_strong(refs, fresh.get(), std::memory_order_acq_rel,
                                                std::memory_order_acquire)) {
      refs = fresh.release();
      reserved.KeepFor(it);
    }  // else another reader installed one: `refs` is it
  }
  ThreadRefs::Slot& slot = refs->slots[stripe % ThreadRefs::kSlots];
  const auto mine = static_cast<uint32_t>(stripe);
  uint32_t owner = slot.owner.load(std::memory_order_acquire);
  if (owner != mine && (owner != ThreadRefs::kUnowned ||
                        !slot.owner.compare_exchange_strong(owner, mine, std::memory_order_acq_rel,
                                                            std::memory_order_acquire))) {
    return it->resp;  // another thread's slot
  }
  if (slot.ref == nullptr) {
    RefsReservation reserved(*this, s, ThreadRefs::kSlotCharge);
    if (!reserved) return it->resp;
    // Owns a copy of the response's reference and points at the response.
    slot.ref = std::shared_ptr<const cache::StoredResponse>(
        std::make_shared<ThreadRefs::Holder>(ThreadRefs::Holder{it->resp}), it->resp.get());
    reserved.KeepFor(it);
  }
  return slot.ref;
}

cache::FindResult VariantIndex::Find(const cache::StoreKey& key,
                                     const cache::VariantMatcher& matcher) {
  // Reads only what writers change (under WriteLock), and the frequency,
  // which is atomic.
  return ReadShard(ShardFor(key.hash), [&](Shard& s, size_t stripe) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    cache::FindResult out;
    for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
      if (it->hidden) continue;
      out.key_found = true;
      if (!matcher.Matches(*it->resp)) continue;
      const uint8_t f = it->freq.load(std::memory_order_relaxed);
      if (f < kMaxFreq) it->freq.store(f + 1, std::memory_order_relaxed);  // none when hot
      out.variant.response = ReferenceFor(s, it, stripe, f == kMaxFreq);
      out.variant.stale_from = it->stale_from;
      break;
    }
    return out;
  });
}

std::vector<cache::StoredVariant> VariantIndex::Variants(const cache::StoreKey& key) {
  return ReadShard(ShardFor(key.hash), [&](Shard& s, size_t) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<cache::StoredVariant> out;
    for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
      if (!it->hidden) out.push_back(cache::StoredVariant{it->resp, it->stale_from});
    }
    return out;
  });
}

void VariantIndex::Charge(Shard& s, int64_t delta) {
  s.bytes.fetch_add(static_cast<uint64_t>(delta), std::memory_order_relaxed);  // two's complement
  if (delta >= 0) {
    bytes_.fetch_add(static_cast<uint64_t>(delta), std::memory_order_relaxed);
  } else {
    bytes_.fetch_sub(static_cast<uint64_t>(-delta), std::memory_order_relaxed);
  }
}

void VariantIndex::GhostInsert(Shard& s, uint64_t h) {
  s.ghost.push_back(h);
  ++s.ghost_set[h];
  const size_t cap = std::min(ghost_capacity_, std::max<size_t>(16, s.main.count + s.small.count));
  while (s.ghost.size() > cap) {
    const uint64_t old = s.ghost.front();
    s.ghost.pop_front();
    auto g = s.ghost_set.find(old);
    if (g != s.ghost_set.end() && --g->second == 0) s.ghost_set.erase(g);
  }
}

void VariantIndex::AddTags(Shard& s, IndexItem* it) {
  for (std::string_view tag : it->resp->tags()) {
    auto t = s.tags.find(tag);
    if (t == s.tags.end())
      t = s.tags.emplace(std::string(tag), absl::flat_hash_set<IndexItem*>()).first;
    t->second.insert(it);
  }
}

void VariantIndex::RemoveTags(Shard& s, IndexItem* it) {
  for (std::string_view tag : it->resp->tags()) {
    auto t = s.tags.find(tag);
    if (t == s.tags.end()) continue;
    t->second.erase(it);
    if (t->second.empty()) s.tags.erase(t);
  }
}

// Makes `it` the newest variant of its key.
void VariantIndex::LinkNewest(Shard& s, IndexItem* it) {
  auto head = s.index.find(HashedKey{it->key, it->key_hash});
  if (head != s.index.end()) {
    // Same key, same hash: the slot's pointer is replaced in place (no erase
    // and insert churn on a key's every new variant).
    it->older = *head;
    const_cast<IndexItem*&>(*head) = it;
    return;
  }
  s.index.insert(it);
}

void VariantIndex::RemoveItem(Shard& s, IndexItem* it, bool evicted, cache::EvictionReason reason,
                              RemovedList* removed) {
  if (it->fill == nullptr) (it->in_main ? s.main : s.small).Unlink(it);
  RemoveTags(s, it);
  // Unchain from its key.
  auto head = s.index.find(HashedKey{it->key, it->key_hash});
  if (head != s.index.end()) {
    if (*head == it) {
      if (it->older != nullptr) {
        const_cast<IndexItem*&>(*head) = it->older;  // same key: in place
      } else {
        s.index.erase(head);
      }
    } else {
      for (IndexItem* p = *head; p != nullptr; p = p->older) {
        if (p->older == it) {
          p->older = it->older;
          break;
        }
      }
    }
  }
  Charge(s, -static_cast<int64_t>(it->charge));
  entries_.fetch_sub(1, std::memory_order_relaxed);
  Removed r;
  r.resp = std::move(it->resp);
  r.charge = it->charge;
  r.store_id = it->store_id;
  r.filling = it->fill != nullptr;
  r.evicted = evicted;
  r.reason = reason;
  if (it->fill != nullptr) it->fill->item = nullptr;
  removed->push_back(std::move(r));
  DropThreadRefs(s, it);
  delete it;
}

bool VariantIndex::EvictOne(Shard& s, RemovedList* removed) {
  while (s.small.count > 0 || s.main.count > 0) {
    if (s.small.count > 0 && (s.small.bytes > small_target_ || s.main.count == 0)) {
      IndexItem* it = s.small.tail;
      s.small.Unlink(it);
      if (it->freq.load(std::memory_order_relaxed) > 0) {  // reused in probation: promote
        it->freq.store(0, std::memory_order_relaxed);
        it->in_main = true;
        s.main.PushHead(it);
        continue;
      }
      s.small.PushHead(it);  // relinked so RemoveItem unlinks uniformly
      GhostInsert(s, it->ghost_hash);
      RemoveItem(s, it, true, cache::EvictionReason::kBudget, removed);
      return true;
    }
    IndexItem* it = s.main.tail;
    s.main.Unlink(it);
    if (const uint8_t f = it->freq.load(std::memory_order_relaxed); f > 0) {
      it->freq.store(f - 1, std::memory_order_relaxed);
      s.main.PushHead(it);
      continue;
    }
    s.main.PushHead(it);
    RemoveItem(s, it, true, cache::EvictionReason::kBudget, removed);
    return true;
  }
  return false;
}

bool VariantIndex::MakeRoom(Shard& s, uint64_t charge, RemovedList* removed) {
  while (s.bytes.load(std::memory_order_relaxed) + charge > usable_) {
    if (!EvictOne(s, removed)) break;
  }
  return s.bytes.load(std::memory_order_relaxed) + charge <= usable_;
}

void VariantIndex::EnforceVariantLimit(Shard& s, IndexItem* head, size_t max_variants,
                                       RemovedList* removed) {
  size_t n = 0;
  IndexItem* last_kept = nullptr;
  for (IndexItem* p = head; p != nullptr; p = p->older) {
    if (++n > std::max<size_t>(1, max_variants)) break;
    last_kept = p;
  }
  if (last_kept == nullptr) return;
  while (last_kept->older != nullptr) {
    RemoveItem(s, last_kept->older, true, cache::EvictionReason::kVariantLimit, removed);
  }
}

bool VariantIndex::Publish(const cache::StoreKey& key,
                           std::shared_ptr<const cache::StoredResponse> resp, uint64_t charge,
                           uint64_t store_id, size_t max_variants, bool hidden, FillToken* token,
                           RemovedList* removed) {
  if (charge > max_object_) return false;
  const size_t si = ShardIndex(key.hash);
  Shard& s = shards_[si];
  auto* it = new IndexItem();
  it->ghost_hash = GhostHash(*resp);
  it->resp = std::move(resp);
  it->key = it->resp->key();
  it->key_hash = key.hash;
  it->charge = charge;
  it->store_id = store_id;
  it->fill = token;
  it->hidden = hidden;
  WriteLock lock(*this, s);
  if (!MakeRoom(s, charge, removed)) {
    delete it;
    return false;
  }
  token->item = it;
  token->shard = si;
  Charge(s, static_cast<int64_t>(charge));
  entries_.fetch_add(1, std::memory_order_relaxed);
  AddTags(s, it);
  LinkNewest(s, it);
  EnforceVariantLimit(s, it, max_variants, removed);
  return true;
}

bool VariantIndex::Grow(FillToken* token, uint64_t delta, RemovedList* removed) {
  Shard& s = shards_[token->shard];
  WriteLock lock(*this, s);
  IndexItem* it = token->item;
  if (it == nullptr) return false;
  if (it->charge + delta > max_object_ || !MakeRoom(s, delta, removed)) {
    RemoveItem(s, it, false, cache::EvictionReason::kBudget, removed);
    return false;
  }
  it->charge += delta;
  Charge(s, static_cast<int64_t>(delta));
  return true;
}

bool VariantIndex::Commit(FillToken* token, const cache::StoredResponse* replaces,
                          RemovedList* removed) {
  Shard& s = shards_[token->shard];
  WriteLock lock(*this, s);
  IndexItem* it = token->item;
  if (it == nullptr) return false;
  it->fill = nullptr;
  it->hidden = false;
  token->item = nullptr;
  // Older variants this one replaces (same Vary values, or the one it
  // revalidated).
  auto head = s.index.find(HashedKey{it->key, it->key_hash});
  if (head != s.index.end()) {
    absl::InlinedVector<IndexItem*, 4> gone;
    for (IndexItem* p = *head; p != nullptr; p = p->older) {
      if (p == it || p->fill != nullptr) continue;
      if (p->resp.get() == replaces || SameVariant(*p->resp, *it->resp)) gone.push_back(p);
    }
    for (IndexItem* p : gone) RemoveItem(s, p, false, cache::EvictionReason::kBudget, removed);
  }
  if (s.ghost_set.find(it->ghost_hash) != s.ghost_set.end()) {
    it->in_main = true;
    s.main.PushHead(it);
  } else {
    s.small.PushHead(it);
  }
  return true;
}

void VariantIndex::Abort(FillToken* token, RemovedList* removed) {
  Shard& s = shards_[token->shard];
  WriteLock lock(*this, s);
  if (token->item != nullptr) {
    RemoveItem(s, token->item, false, cache::EvictionReason::kBudget, removed);
  }
}

bool VariantIndex::Update(const cache::StoreKey& key, const cache::StoredResponse& old,
                          std::shared_ptr<const cache::StoredResponse> updated,
                          int64_t charge_delta, RemovedList* removed) {
  Shard& s = ShardFor(key.hash);
  WriteLock lock(*this, s);
  IndexItem* it = FindVariant(s, key, old);
  if (it == nullptr) return false;
  RemoveTags(s, it);
  const bool queued = it->fill == nullptr;
  Queue& q = it->in_main ? s.main : s.small;
  if (queued) q.Unlink(it);
  const uint64_t charge =
      static_cast<uint64_t>(std::max<int64_t>(0, static_cast<int64_t>(it->charge) + charge_delta));
  Charge(s, static_cast<int64_t>(charge) - static_cast<int64_t>(it->charge));
  it->resp = std::move(updated);
  it->key = it->resp->key();  // the same bytes, in the new response
  DropThreadRefs(s, it);      // they point at the old response
  it->charge = charge;
  it->stale_from = absl::InfiniteFuture();
  if (queued) q.PushHead(it);
  AddTags(s, it);
  // Evicting may now free `it` itself: nothing refers to it past here.
  while (s.bytes.load(std::memory_order_relaxed) > usable_) {
    if (!EvictOne(s, removed)) break;
  }
  return true;
}

bool VariantIndex::MarkStale(const cache::StoreKey& key, const cache::StoredResponse& variant,
                             absl::Time at) {
  Shard& s = ShardFor(key.hash);
  WriteLock lock(*this, s);
  IndexItem* it = FindVariant(s, key, variant);
  if (it == nullptr) return false;
  it->stale_from = at;
  return true;
}

size_t VariantIndex::Remove(const cache::StoreKey& key, const cache::StoredResponse* variant,
                            RemovedList* removed) {
  Shard& s = ShardFor(key.hash);
  WriteLock lock(*this, s);
  std::vector<IndexItem*> items;
  for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
    if (variant == nullptr || it->resp.get() == variant) items.push_back(it);
  }
  for (IndexItem* it : items) RemoveItem(s, it, false, cache::EvictionReason::kBudget, removed);
  return items.size();
}

size_t VariantIndex::RemoveById(const cache::StoreKey& key, uint64_t store_id,
                                RemovedList* removed) {
  Shard& s = ShardFor(key.hash);
  WriteLock lock(*this, s);
  for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
    if (it->store_id == store_id && it->fill == nullptr) {
      RemoveItem(s, it, false, cache::EvictionReason::kBudget, removed);
      return 1;
    }
  }
  return 0;
}

size_t VariantIndex::Purge(const cache::StoreKey& key, cache::PurgeMode mode, absl::Time now,
                           RemovedList* removed, Marked* marked) {
  if (mode == cache::PurgeMode::kHard) return Remove(key, nullptr, removed);
  Shard& s = ShardFor(key.hash);
  WriteLock lock(*this, s);
  size_t n = 0;
  for (IndexItem* it = Head(s, key); it != nullptr; it = it->older) {
    it->stale_from = std::min(it->stale_from, now);
    if (marked != nullptr) marked->push_back(it->resp);
    ++n;
  }
  return n;
}

size_t VariantIndex::PurgeTag(std::string_view tag, cache::PurgeMode mode, absl::Time now,
                              RemovedList* removed, Marked* marked) {
  size_t n = 0;
  for (Shard& s : shards_) {
    WriteLock lock(*this, s);
    auto t = s.tags.find(tag);
    if (t == s.tags.end()) continue;
    std::vector<IndexItem*> items(t->second.begin(), t->second.end());
    for (IndexItem* it : items) {
      if (mode == cache::PurgeMode::kSoft) {
        it->stale_from = std::min(it->stale_from, now);
        if (marked != nullptr) marked->push_back(it->resp);
      } else {
        RemoveItem(s, it, false, cache::EvictionReason::kBudget, removed);
      }
    }
    n += items.size();
  }
  return n;
}

size_t VariantIndex::PurgeAll(RemovedList* removed) {
  size_t n = 0;
  for (Shard& s : shards_) {
    WriteLock lock(*this, s);
    std::vector<IndexItem*> items;
    for (IndexItem* head : s.index) {
      for (IndexItem* it = head; it != nullptr; it = it->older) items.push_back(it);
    }
    for (IndexItem* it : items) RemoveItem(s, it, false, cache::EvictionReason::kBudget, removed);
    n += items.size();
  }
  return n;
}

std::vector<std::shared_ptr<const cache::StoredResponse>> VariantIndex::Snapshot() {
  std::vector<std::shared_ptr<const cache::StoredResponse>> out;
  for (Shard& s : shards_) {
    // Reads only: the mutex keeps writers out; lookups may run beside it.
    base_internal::ShardMutexLock lock(&s.mu, &lot_);
    for (IndexItem* head : s.index) {
      for (IndexItem* it = head; it != nullptr; it = it->older) {
        if (it->fill == nullptr) out.push_back(it->resp);
      }
    }
  }
  return out;
}

bool VariantIndex::Restore(const cache::StoreKey& key,
                           std::shared_ptr<const cache::StoredResponse> resp, uint64_t charge,
                           uint64_t store_id, absl::Time stale_from, size_t max_variants,
                           RemovedList* removed) {
  FillToken token;
  if (!Publish(key, std::move(resp), charge, store_id, max_variants, /*hidden=*/true, &token,
               removed)) {
    return false;
  }
  {
    Shard& s = shards_[token.shard];
    WriteLock lock(*this, s);
    if (token.item != nullptr) token.item->stale_from = stale_from;
  }
  return Commit(&token, nullptr, removed);
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
