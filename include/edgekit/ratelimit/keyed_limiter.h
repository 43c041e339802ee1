// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: keyed_limiter.h
// -----------------------------------------------------------------------------
// `KeyedLimiter<Policy>`: one rate-limit state per key (client address, API
// key, subject, path, any combination: see key_builder.h) for any algorithm of
// this folder (`GcraPolicy`, `TokenBucketPolicy`, `FixedWindowPolicy`,
// `SlidingWindowCounterPolicy`, `SlidingWindowLogPolicy`,
// `QuotaCarryoverPolicy`), in a sharded table with a hard key-count bound.
//
// Layout. The table has `shards` shards, each an `edgekit::Mutex` and an
// open-addressing array (linear probing, load <= 3/4, backward-shift deletion)
// of slots { 64-bit key hash, Policy::State }. The key's bytes are NOT
// stored: a key is its 64-bit `LimitKey` (Abseil's hash, seeded per process).
// Two keys colliding (probability ~ n^2 / 2^65, about 3e-8 for a million
// keys) share one state, which can only make both stricter. For GCRA a slot is
// 16 bytes. The home slot is prefetched before the shard lock is taken, so
// the memory access overlaps the lock and the clock read. `MemoryBytes()` /
// `BytesPerKey()` measure what the table holds.
//
// Bound and eviction. At most `max_keys()` keys are stored (each shard holds
// max_keys / shards). Only idle keys are evicted, i.e. keys whose state is
// back at full (`Policy::IsIdle`): a returning evicted key gets a fresh state,
// which is exactly what it would have had without eviction. When a shard is
// full and a bounded sweep (`sweep_budget` slots, resumed where the previous
// one stopped) finds no idle key, the new key is not stored: its request is
// decided against the shard's shared OVERFLOW state (one state for all keys
// that found no room, conservative: a flood of new keys drains it and new keys
// are then rejected, while stored keys keep their own quota). A key that later
// gets a slot starts from a copy of the overflow state when that is not idle,
// so what it spent while in the overflow is never refunded.
//
// Example:
//
//   auto policy = edgekit::ratelimit::GcraPolicy::Create(100, absl::Minutes(1));
//   edgekit::ratelimit::KeyedLimiterOptions options;
//   options.max_keys = 100000;
//   auto limiter = edgekit::ratelimit::KeyedLimiter<edgekit::ratelimit::GcraPolicy>::Create(
//       *policy, options);
//   if (!limiter.ok()) return limiter.status();
//   edgekit::ratelimit::Decision d = (*limiter)->TryAcquire(client_ip);
//
// Time: the overloads without `now` read the clock after the shard lock is
// taken, so a caller that waited for the lock decides with a fresh time.
//
// Thread-safety: thread-safe; a call locks one shard. Errors: `Create`
// returns kInvalidArgument naming the option out of range; decisions never
// fail.

#ifndef EDGEKIT_RATELIMIT_KEYED_LIMITER_H_
#define EDGEKIT_RATELIMIT_KEYED_LIMITER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/internal/shard_mutex.h"
#include "edgekit/base/metrics.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"
#include "edgekit/ratelimit/key_builder.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

struct KeyedLimiterOptions {
  // Hard bound on stored keys: in [shards, 2^32]. Each shard holds
  // max_keys / shards keys (rounded down).
  size_t max_keys = size_t{1} << 20;
  // Independently locked shards: a power of two in [1, 1024].
  size_t shards = 16;
  // Slots examined for idle keys when a new key meets a full shard: in
  // [1, 65536].
  size_t sweep_budget = 64;
};

// What a keyed limiter did, since it was created. A plain snapshot.
struct KeyedLimiterCounters {
  uint64_t allowed = 0;
  uint64_t limited = 0;             // rejected: over the limit now (Reason::kLimited)
  uint64_t cost_exceeded = 0;       // rejected: cost above what the policy can grant
  uint64_t keys = 0;                // keys stored now
  uint64_t evictions = 0;           // idle keys evicted
  uint64_t overflow_decisions = 0;  // decisions made on a shard's overflow state
  [[nodiscard]] uint64_t rejected() const { return limited + cost_exceeded; }
};

// Reports `counters` through `visitor`, each sample with `labels` added:
//   edgekit_ratelimit_decisions_total{reason="allowed"|"limited"|"cost_exceeds_limit"}
//   edgekit_ratelimit_keys (gauge), edgekit_ratelimit_evictions_total,
//   edgekit_ratelimit_overflow_decisions_total.
EDGEKIT_API void VisitMetrics(const KeyedLimiterCounters& counters, MetricsVisitor& visitor,
                              absl::Span<const MetricLabel> labels = {});

// Checks `options` against the ranges above. kInvalidArgument names the field.
inline absl::Status ValidateKeyedLimiterOptions(const KeyedLimiterOptions& options) {
  if (options.shards == 0 || options.shards > 1024 ||
      (options.shards & (options.shards - 1)) != 0) {
    return absl::InvalidArgumentError("keyed limiter: shards must be a power of two in [1, 1024]");
  }
  if (options.max_keys < options.shards || options.max_keys > (size_t{1} << 32)) {
    return absl::InvalidArgumentError("keyed limiter: max_keys must be in [shards, 2^32]");
  }
  if (options.sweep_budget == 0 || options.sweep_budget > 65536) {
    return absl::InvalidArgumentError("keyed limiter: sweep_budget must be in [1, 65536]");
  }
  return absl::OkStatus();
}

template <typename Policy>
class KeyedLimiter {
 public:
  using State = typename Policy::State;

  // Errors: kInvalidArgument for an option out of range (see
  // `KeyedLimiterOptions`). `clock` must outlive the limiter.
  static absl::StatusOr<std::unique_ptr<KeyedLimiter>> Create(
      const Policy& policy, const KeyedLimiterOptions& options = {},
      Clock& clock = RealClock::Get()) {
    const absl::Status valid = ValidateKeyedLimiterOptions(options);
    if (!valid.ok()) return valid;
    return std::unique_ptr<KeyedLimiter>(new KeyedLimiter(policy, options, clock));
  }

  KeyedLimiter(const KeyedLimiter&) = delete;
  KeyedLimiter& operator=(const KeyedLimiter&) = delete;
  ~KeyedLimiter() = default;

  // Takes `cost` units for `key` at the clock's monotonic time (read under
  // the shard lock), or at an explicit `now` (monotonic time line).
  Decision TryAcquire(std::string_view key, int64_t cost = 1) {
    return Acquire(LimitKey::Of(key).hash(), nullptr, cost);
  }
  Decision TryAcquire(std::string_view key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return Acquire(LimitKey::Of(key).hash(), &now_ns, cost);
  }
  // The same for a key composed with `KeyBuilder` (hashed once, by the builder).
  Decision TryAcquire(LimitKey key, int64_t cost = 1) { return Acquire(key.hash(), nullptr, cost); }
  Decision TryAcquire(LimitKey key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return Acquire(key.hash(), &now_ns, cost);
  }

  // The verdict `key` would get for `cost` now, taking nothing (and storing
  // nothing for an unknown key).
  Decision Peek(std::string_view key, int64_t cost = 1) {
    return PeekAt(LimitKey::Of(key).hash(), nullptr, cost);
  }
  Decision Peek(std::string_view key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return PeekAt(LimitKey::Of(key).hash(), &now_ns, cost);
  }
  Decision Peek(LimitKey key, int64_t cost = 1) { return PeekAt(key.hash(), nullptr, cost); }
  Decision Peek(LimitKey key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return PeekAt(key.hash(), &now_ns, cost);
  }

  // Evicts every idle key now. Returns how many. (Eviction also happens on
  // its own when a shard is full; this lets a host reclaim keys eagerly.)
  size_t EvictIdle() { return EvictIdleAt(ratelimit_internal::ToNanos(clock_->MonotonicNow())); }
  size_t EvictIdle(absl::Time now) { return EvictIdleAt(ratelimit_internal::ToNanos(now)); }

  [[nodiscard]] KeyedLimiterCounters counters() const {
    KeyedLimiterCounters c;
    for (size_t i = 0; i < shards(); ++i) {
      Shard& sh = shards_[i];
      base_internal::ShardMutexLock lock(&sh.mu, &parking_lot_);
      c.allowed += sh.decisions[static_cast<size_t>(Reason::kAllowed)];
      c.limited += sh.decisions[static_cast<size_t>(Reason::kLimited)];
      c.cost_exceeded += sh.decisions[static_cast<size_t>(Reason::kCostExceedsLimit)];
      c.keys += sh.size;
      c.evictions += sh.evictions;
      c.overflow_decisions += sh.overflow_decisions;
    }
    return c;
  }

  // Reports `counters()` as edgekit_ratelimit_* metrics (see the free
  // `VisitMetrics` above), each sample with `labels` added.
  void VisitMetrics(MetricsVisitor& visitor, absl::Span<const MetricLabel> labels = {}) const {
    ratelimit::VisitMetrics(counters(), visitor, labels);
  }

  // Bytes this limiter holds: the object, its shards, their slot arrays and
  // any heap memory the states own. O(keys) (walks the states).
  [[nodiscard]] size_t MemoryBytes() const {
    size_t bytes = sizeof(*this) + shards() * sizeof(Shard);
    for (size_t i = 0; i < shards(); ++i) {
      Shard& sh = shards_[i];
      base_internal::ShardMutexLock lock(&sh.mu, &parking_lot_);
      const Slot* slots = sh.slots.get();
      bytes += sh.capacity * sizeof(Slot) + policy_.HeapBytes(sh.overflow);
      for (size_t s = 0; s < sh.capacity; ++s) {
        if (slots[s].hash != 0) bytes += policy_.HeapBytes(slots[s].state);
      }
    }
    return bytes;
  }
  // MemoryBytes() / stored keys (key bytes are not stored: add nothing).
  [[nodiscard]] double BytesPerKey() const {
    const uint64_t keys = counters().keys;
    return keys == 0 ? 0.0 : static_cast<double>(MemoryBytes()) / static_cast<double>(keys);
  }

  [[nodiscard]] size_t max_keys() const { return per_shard_ * shards(); }
  [[nodiscard]] size_t shards() const { return size_t{1} << shard_bits_; }
  [[nodiscard]] const Policy& policy() const { return policy_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    State state{};
  };
  // What every call touches (the decision counters, the lock word, the slot
  // array and its capacity) is the shard's first cache line; the rest is
  // written only when keys come and go.
  struct alignas(64) Shard {
    // Decisions by `Reason` (allowed, limited, cost exceeds limit).
    uint64_t decisions[3] ABSL_GUARDED_BY(mu) = {0, 0, 0};
    // The slot array, also read without the lock to prefetch (a hint only).
    std::atomic<const Slot*> slots_hint{nullptr};
    std::atomic<size_t> capacity_hint{0};
    mutable base_internal::ShardMutex mu;
    std::unique_ptr<Slot[]> slots ABSL_GUARDED_BY(mu);
    size_t capacity ABSL_GUARDED_BY(mu) = 0;
    size_t size ABSL_GUARDED_BY(mu) = 0;
    size_t cursor ABSL_GUARDED_BY(mu) = 0;
    uint64_t evictions ABSL_GUARDED_BY(mu) = 0;
    uint64_t overflow_decisions ABSL_GUARDED_BY(mu) = 0;
    State overflow ABSL_GUARDED_BY(mu){};
  };

  KeyedLimiter(const Policy& policy, const KeyedLimiterOptions& options, Clock& clock)
      : policy_(policy), clock_(&clock) {
    while ((size_t{1} << shard_bits_) < options.shards) ++shard_bits_;
    shard_shift_ = 64 - (shard_bits_ == 0 ? 1 : shard_bits_);
    shard_mask_ = options.shards - 1;
    per_shard_ = options.max_keys >> shard_bits_;
    max_capacity_ = per_shard_ + per_shard_ / 3 + 2;
    sweep_budget_ = options.sweep_budget;
    shards_.reset(new Shard[shards()]);
    const size_t initial = max_capacity_ < 16 ? max_capacity_ : 16;
    for (size_t i = 0; i < shards(); ++i) {
      base_internal::ShardMutexLock lock(&shards_[i].mu, &parking_lot_);
      Resize(shards_[i], initial);
    }
  }

  // The shard of a hash: its top bits (the home slot uses the low 32 bits).
  Shard& ShardOf(uint64_t h) const {
    return shards_[static_cast<size_t>(h >> shard_shift_) & shard_mask_];
  }
  // The home slot uses the hash's low 32 bits (the shard its high bits).
  static size_t Home(uint64_t h, size_t capacity) {
    return static_cast<size_t>(((h & 0xffffffffu) * static_cast<uint64_t>(capacity)) >> 32);
  }

  // Prefetches the home slot of `h`: a hint read without the lock (the array
  // may be replaced meanwhile; a prefetch never faults), so that the memory
  // access overlaps the lock and the clock read.
  static void Prefetch(const Shard& sh, uint64_t h) {
    const size_t capacity = sh.capacity_hint.load(std::memory_order_relaxed);
    if (capacity <= kPrefetchFrom) return;  // a few lines: likely cached already
    const Slot* slots = sh.slots_hint.load(std::memory_order_relaxed);
    __builtin_prefetch(slots + Home(h, capacity), 1);
  }
  static constexpr size_t kPrefetchFrom = 4096 / sizeof(Slot);

  int64_t NowNanos(const int64_t* now_in) const {
    return now_in != nullptr ? *now_in : ratelimit_internal::ToNanos(clock_->MonotonicNow());
  }

  // Policies that split `Apply` into `Take` (under the lock) and `Explain`
  // (after it), as GcraPolicy does.
  template <typename P, typename = void>
  struct TwoStep : std::false_type {};
  template <typename P>
  struct TwoStep<P, std::void_t<decltype(std::declval<const P&>().Explain(
                        std::declval<const P&>().Take(nullptr, int64_t{0}, int64_t{0})))>>
      : std::true_type {};

  Decision Acquire(uint64_t h, const int64_t* now_in, int64_t cost) {
    Shard& sh = ShardOf(h);
    Prefetch(sh, h);
    if constexpr (TwoStep<Policy>::value) {
      const auto taken = Locked(sh, h, now_in, [this, cost](State* state, int64_t now) {
        return policy_.Take(state, now, cost);
      });
      return policy_.Explain(taken);
    } else {
      return Locked(sh, h, now_in, [this, cost](State* state, int64_t now) {
        return policy_.Apply(state, now, cost);
      });
    }
  }

  // Runs `apply(state, now)` on the key's state under the shard lock (the
  // clock read under it too) and counts the decision's reason.
  template <typename F>
  auto Locked(Shard& sh, uint64_t h, const int64_t* now_in, const F& apply) {
    base_internal::ShardMutexLock lock(&sh.mu, &parking_lot_);
    const int64_t now = NowNanos(now_in);
    State* state = FindOrInsert(sh, h, now);
    if (ABSL_PREDICT_FALSE(state == nullptr)) {
      state = &sh.overflow;
      ++sh.overflow_decisions;
    }
    const auto result = apply(state, now);
    ++sh.decisions[static_cast<size_t>(result.reason)];
    return result;
  }

  Decision PeekAt(uint64_t h, const int64_t* now_in, int64_t cost) {
    Shard& sh = ShardOf(h);
    Prefetch(sh, h);
    base_internal::ShardMutexLock lock(&sh.mu, &parking_lot_);
    const int64_t now = NowNanos(now_in);
    const size_t i = Find(sh, h);
    State copy =
        i != kNone ? sh.slots[i].state : (policy_.IsIdle(sh.overflow, now) ? State{} : sh.overflow);
    return policy_.Apply(&copy, now, cost);
  }

  static constexpr size_t kNone = ~size_t{0};

  size_t Find(Shard& sh, uint64_t h) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.capacity;
    const Slot* slots = sh.slots.get();
    for (size_t i = Home(h, cap);; i = i + 1 == cap ? 0 : i + 1) {
      if (slots[i].hash == h) return i;
      if (slots[i].hash == 0) return kNone;
    }
  }

  static size_t FindEmpty(Shard& sh, uint64_t h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.capacity;
    size_t i = Home(h, cap);
    while (sh.slots[i].hash != 0) i = i + 1 == cap ? 0 : i + 1;
    return i;
  }

  // Returns the key's state, inserting it if there is room (evicting idle keys
  // if the shard is full), or nullptr if the shard is full of busy keys.
  State* FindOrInsert(Shard& sh, uint64_t h, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t found = Find(sh, h);
    if (ABSL_PREDICT_TRUE(found != kNone)) return &sh.slots[found].state;
    return Insert(sh, h, now);
  }

  // The new-key path, kept out of line so that the lookup path stays small.
  ABSL_ATTRIBUTE_NOINLINE State* Insert(Shard& sh, uint64_t h, int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    if (sh.size >= per_shard_) {
      if (Sweep(sh, now, sweep_budget_) == 0) return nullptr;
    } else if ((sh.size + 1) * 4 > sh.capacity * 3 && sh.capacity < max_capacity_) {
      const size_t doubled = sh.capacity * 2;
      Resize(sh, doubled < max_capacity_ ? doubled : max_capacity_);
    }
    Slot& slot = sh.slots[FindEmpty(sh, h)];
    slot.hash = h;
    if (policy_.IsIdle(sh.overflow, now)) {
      slot.state = State{};
    } else {
      slot.state = sh.overflow;  // conservative: keeps what the overflow spent
    }
    ++sh.size;
    return &slot.state;
  }

  static void Resize(Shard& sh, size_t capacity) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    std::unique_ptr<Slot[]> old = std::move(sh.slots);
    const size_t old_capacity = sh.capacity;
    sh.slots.reset(new Slot[capacity]);
    sh.capacity = capacity;
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old[i].hash != 0) sh.slots[FindEmpty(sh, old[i].hash)] = std::move(old[i]);
    }
    sh.slots_hint.store(sh.slots.get(), std::memory_order_relaxed);
    sh.capacity_hint.store(capacity, std::memory_order_relaxed);
  }

  // Backward-shift deletion of slot i (linear probing, no tombstones).
  static void EraseAt(Shard& sh, size_t i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.capacity;
    size_t j = i;
    for (;;) {
      j = j + 1 == cap ? 0 : j + 1;
      if (sh.slots[j].hash == 0) break;
      const size_t k = Home(sh.slots[j].hash, cap);
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      sh.slots[i] = std::move(sh.slots[j]);
      i = j;
    }
    sh.slots[i] = Slot{};
    --sh.size;
  }

  // Examines up to `budget` slots from the shard's cursor, evicting idle keys.
  // Returns how many were evicted.
  size_t Sweep(Shard& sh, int64_t now, size_t budget) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.capacity;
    size_t i = sh.cursor < cap ? sh.cursor : 0;
    size_t evicted = 0;
    for (size_t examined = 0; examined < budget && sh.size > 0; ++examined) {
      Slot& s = sh.slots[i];
      if (s.hash != 0 && policy_.IsIdle(s.state, now)) {
        EraseAt(sh, i);  // a later entry may now sit at i: look at i again
        ++evicted;
        continue;
      }
      i = i + 1 == cap ? 0 : i + 1;
    }
    sh.cursor = i;
    sh.evictions += evicted;
    return evicted;
  }

  size_t EvictIdleAt(int64_t now) {
    size_t total = 0;
    for (size_t i = 0; i < shards(); ++i) {
      Shard& sh = shards_[i];
      base_internal::ShardMutexLock lock(&sh.mu, &parking_lot_);
      // Two passes over the array: backward shifts can move an entry behind
      // the position being examined; the second pass catches it.
      total += Sweep(sh, now, 2 * sh.capacity);
    }
    return total;
  }

  const Policy policy_;
  Clock* const clock_;
  int shard_bits_ = 0;
  int shard_shift_ = 63;
  size_t shard_mask_ = 0;
  size_t per_shard_ = 0;
  size_t max_capacity_ = 0;
  size_t sweep_budget_ = 0;
  std::unique_ptr<Shard[]> shards_;
  // Where contended shard lockers sleep (shared by the shards).
  mutable base_internal::ParkingLot parking_lot_;
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_KEYED_LIMITER_H_
