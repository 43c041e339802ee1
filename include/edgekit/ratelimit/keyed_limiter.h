// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: keyed_limiter.h
// -----------------------------------------------------------------------------
// `KeyedLimiter<Policy>`: one rate-limit state per key (client IP, API key,
// path, ...) for any algorithm of this folder (`GcraPolicy`,
// `TokenBucketPolicy`, `FixedWindowPolicy`, `SlidingWindowCounterPolicy`,
// `SlidingWindowLogPolicy`, `QuotaCarryoverPolicy`), in a sharded table with a
// hard key-count bound.
//
// Layout. The table has 2^k shards, each an `edgekit::Mutex` and an
// open-addressing array (linear probing, load <= 3/4, backward-shift deletion)
// of slots { 64-bit key hash, Policy::State }. The key string is NOT stored:
// keys are identified by a 64-bit seeded hash (`absl::Hash`, seeded per
// process). Two keys colliding (probability ~ n^2 / 2^65, about 3e-8 for a
// million keys) share one state, which can only make both stricter. For GCRA a
// slot is 16 bytes, so a full table costs about 21 bytes per key, and no bytes
// for the key itself. `MemoryBytes()` / `BytesPerKey()` measure it.
//
// Bound and eviction. At most `max_keys` keys are stored (each shard holds
// max_keys / shards). Only idle keys are evicted, i.e. keys whose state is
// back at full (`Policy::IsIdle`): a returning evicted key gets a fresh state,
// which is exactly what it would have had without eviction. When a shard is
// full and a bounded sweep (`sweep_budget` slots, resumed where the previous
// one stopped) finds no idle key, the new key is not stored: its request is
// decided against the shard's shared OVERFLOW state (one state for all keys
// that found no room, conservative: a flood of new keys drains it and new keys
// are then rejected, while stored keys keep their own quota). A key that later
// gets a slot starts from a copy of the overflow state when that is not idle,
// so what it spent while in the overflow is never refunded (conservative).
//
// Example:
//
//   auto policy = edgekit::ratelimit::GcraPolicy::Create(100, absl::Minutes(1));
//   auto limiter = edgekit::ratelimit::KeyedLimiter<edgekit::ratelimit::GcraPolicy>::Create(
//       *policy, {.max_keys = 100000});
//   edgekit::ratelimit::Decision d = limiter->TryAcquire(client_ip);
//
// Thread-safety: thread-safe; a call locks one shard. The clock is read after
// the shard lock is taken. Errors: `Create` returns kInvalidArgument for a
// zero `max_keys`, shards or sweep budget; decisions never fail.

#ifndef EDGEKIT_RATELIMIT_KEYED_LIMITER_H_
#define EDGEKIT_RATELIMIT_KEYED_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/ratelimit/decision.h"
#include "edgekit/ratelimit/internal/time_math.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

struct KeyedLimiterOptions {
  // Hard bound on stored keys (each shard holds max_keys / shards).
  size_t max_keys = size_t{1} << 20;
  // Number of shards; rounded up to a power of two, at most 1024 and at most
  // max_keys.
  size_t shards = 16;
  // Slots examined for idle keys when a new key meets a full shard.
  size_t sweep_budget = 64;
};

// What a keyed limiter did. A plain snapshot.
struct KeyedCounters {
  uint64_t allowed = 0;
  uint64_t rejected = 0;
  uint64_t keys = 0;                // keys stored now
  uint64_t evictions = 0;           // idle keys evicted
  uint64_t overflow_decisions = 0;  // decisions made on a shard's overflow state
};

template <typename Policy>
class KeyedLimiter {
 public:
  using State = typename Policy::State;

  // Errors: kInvalidArgument if max_keys, shards or sweep_budget is 0.
  static absl::StatusOr<KeyedLimiter> Create(const Policy& policy,
                                             const KeyedLimiterOptions& options = {},
                                             Clock& clock = RealClock::Get()) {
    if (options.max_keys == 0 || options.shards == 0 || options.sweep_budget == 0) {
      return absl::InvalidArgumentError(
          "keyed limiter: max_keys, shards and sweep_budget must be > 0");
    }
    int bits = 0;
    while ((size_t{1} << bits) < options.shards && bits < 10) ++bits;
    while (bits > 0 && (size_t{1} << bits) > options.max_keys) --bits;
    return KeyedLimiter(policy, options, bits, clock);
  }

  KeyedLimiter(KeyedLimiter&&) = default;  // Requires: no concurrent use.
  KeyedLimiter& operator=(KeyedLimiter&&) = default;

  // Takes `cost` units for `key` at the clock's monotonic time (read under the
  // shard lock).
  Decision TryAcquire(std::string_view key, int64_t cost = 1) {
    return Run(Hash(key), nullptr, cost, /*commit=*/true);
  }
  // Same at an explicit `now` (monotonic time line).
  Decision TryAcquire(std::string_view key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return Run(Hash(key), &now_ns, cost, /*commit=*/true);
  }
  // The verdict `key` would get for `cost` now, taking nothing (and storing
  // nothing for an unknown key).
  Decision Peek(std::string_view key, int64_t cost = 1) {
    return Run(Hash(key), nullptr, cost, /*commit=*/false);
  }
  Decision Peek(std::string_view key, absl::Time now, int64_t cost = 1) {
    const int64_t now_ns = ratelimit_internal::ToNanos(now);
    return Run(Hash(key), &now_ns, cost, /*commit=*/false);
  }

  // Evicts every idle key now. Returns how many. (Eviction also happens on
  // its own when a shard is full; this lets a host reclaim keys eagerly.)
  size_t EvictIdle() { return EvictIdleAt(ratelimit_internal::ToNanos(clock_->MonotonicNow())); }
  size_t EvictIdle(absl::Time now) { return EvictIdleAt(ratelimit_internal::ToNanos(now)); }

  KeyedCounters counters() const {
    KeyedCounters c;
    for (size_t i = 0; i < num_shards(); ++i) {
      Shard& sh = shards_[i];
      MutexLock lock(&sh.mu);
      c.allowed += sh.allowed;
      c.rejected += sh.rejected;
      c.keys += sh.size;
      c.evictions += sh.evictions;
      c.overflow_decisions += sh.overflow_decisions;
    }
    return c;
  }

  // Bytes this limiter owns: the object, its shards, their slot arrays and any
  // heap memory the states own. O(keys) (walks the states).
  size_t MemoryBytes() const {
    size_t bytes = sizeof(*this) + num_shards() * sizeof(Shard);
    for (size_t i = 0; i < num_shards(); ++i) {
      Shard& sh = shards_[i];
      MutexLock lock(&sh.mu);
      bytes += sh.slots.capacity() * sizeof(Slot) + policy_.HeapBytes(sh.overflow);
      for (const Slot& s : sh.slots) {
        if (s.hash != 0) bytes += policy_.HeapBytes(s.state);
      }
    }
    return bytes;
  }
  // MemoryBytes() / stored keys (key strings are not stored: add nothing).
  double BytesPerKey() const {
    const uint64_t keys = counters().keys;
    return keys == 0 ? 0.0 : static_cast<double>(MemoryBytes()) / static_cast<double>(keys);
  }

  size_t max_keys() const { return per_shard_ * num_shards(); }
  size_t num_shards() const { return size_t{1} << shard_bits_; }
  const Policy& policy() const { return policy_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    State state{};
  };
  struct alignas(64) Shard {
    mutable Mutex mu;
    std::vector<Slot> slots ABSL_GUARDED_BY(mu);
    size_t size ABSL_GUARDED_BY(mu) = 0;
    size_t cursor ABSL_GUARDED_BY(mu) = 0;
    State overflow ABSL_GUARDED_BY(mu){};
    uint64_t allowed ABSL_GUARDED_BY(mu) = 0;
    uint64_t rejected ABSL_GUARDED_BY(mu) = 0;
    uint64_t evictions ABSL_GUARDED_BY(mu) = 0;
    uint64_t overflow_decisions ABSL_GUARDED_BY(mu) = 0;
  };

  KeyedLimiter(const Policy& policy, const KeyedLimiterOptions& options, int bits, Clock& clock)
      : policy_(policy),
        clock_(&clock),
        shard_bits_(bits),
        per_shard_(options.max_keys >> bits),
        max_cap_(per_shard_ + per_shard_ / 3 + 2),
        sweep_budget_(options.sweep_budget),
        shards_(new Shard[size_t{1} << bits]) {
    const size_t initial = max_cap_ < 16 ? max_cap_ : 16;
    for (size_t i = 0; i < num_shards(); ++i) {
      MutexLock lock(&shards_[i].mu);
      shards_[i].slots.resize(initial);
    }
  }

  static uint64_t Hash(std::string_view key) {
    const uint64_t h = absl::Hash<std::string_view>{}(key);
    return h == 0 ? 1 : h;
  }
  Shard& ShardOf(uint64_t h) const {
    return shards_[shard_bits_ == 0 ? 0 : static_cast<size_t>(h >> (64 - shard_bits_))];
  }
  static size_t Home(uint64_t h, size_t cap) {
    return static_cast<size_t>(((h & 0xffffffffu) * static_cast<uint64_t>(cap)) >> 32);
  }

  Decision Run(uint64_t h, const int64_t* now_in, int64_t cost, bool commit) {
    Shard& sh = ShardOf(h);
    MutexLock lock(&sh.mu);
    const int64_t now =
        now_in != nullptr ? *now_in : ratelimit_internal::ToNanos(clock_->MonotonicNow());
    if (!commit) {
      const size_t i = Find(sh, h);
      State copy = i != kNone ? sh.slots[i].state
                              : (policy_.IsIdle(sh.overflow, now) ? State{} : sh.overflow);
      return policy_.Apply(&copy, now, cost);
    }
    State* state = FindOrInsert(sh, h, now);
    if (state == nullptr) {
      state = &sh.overflow;
      ++sh.overflow_decisions;
    }
    const Decision d = policy_.Apply(state, now, cost);
    if (d.allowed) {
      ++sh.allowed;
    } else {
      ++sh.rejected;
    }
    return d;
  }

  static constexpr size_t kNone = ~size_t{0};

  size_t Find(Shard& sh, uint64_t h) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.slots.size();
    for (size_t i = Home(h, cap);; i = i + 1 == cap ? 0 : i + 1) {
      if (sh.slots[i].hash == h) return i;
      if (sh.slots[i].hash == 0) return kNone;
    }
  }

  static size_t FindEmpty(Shard& sh, uint64_t h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.slots.size();
    size_t i = Home(h, cap);
    while (sh.slots[i].hash != 0) i = i + 1 == cap ? 0 : i + 1;
    return i;
  }

  // Returns the key's state, inserting it if there is room (evicting idle keys
  // if the shard is full), or nullptr if the shard is full of busy keys.
  State* FindOrInsert(Shard& sh, uint64_t h, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t found = Find(sh, h);
    if (found != kNone) return &sh.slots[found].state;
    if (sh.size >= per_shard_) {
      if (Sweep(sh, now, sweep_budget_) == 0) return nullptr;
    } else if ((sh.size + 1) * 4 > sh.slots.size() * 3 && sh.slots.size() < max_cap_) {
      Grow(sh);
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

  void Grow(Shard& sh) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    size_t cap = sh.slots.size() * 2;
    if (cap > max_cap_) cap = max_cap_;
    std::vector<Slot> old(cap);
    old.swap(sh.slots);
    for (Slot& s : old) {
      if (s.hash != 0) sh.slots[FindEmpty(sh, s.hash)] = std::move(s);
    }
  }

  // Backward-shift deletion of slot i (linear probing, no tombstones).
  static void EraseAt(Shard& sh, size_t i) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sh.mu) {
    const size_t cap = sh.slots.size();
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
    const size_t cap = sh.slots.size();
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
    for (size_t i = 0; i < num_shards(); ++i) {
      Shard& sh = shards_[i];
      MutexLock lock(&sh.mu);
      // Two passes over the array: backward shifts can move an entry behind
      // the position being examined; the second pass catches it.
      total += Sweep(sh, now, 2 * sh.slots.size());
    }
    return total;
  }

  Policy policy_;
  Clock* clock_;
  int shard_bits_;
  size_t per_shard_;
  size_t max_cap_;
  size_t sweep_budget_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_KEYED_LIMITER_H_
