// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: internal/core.h
// -----------------------------------------------------------------------------
// Not API. The shared state behind `edgekit::coalesce::Group`: a sharded table
// of unfinished flights (an Abseil hash set keyed by the flight's key), each
// flight holding a vector of waiter slots. Include `edgekit/coalesce/group.h`
// instead.
//
// Locking: one `edgekit::Mutex` per shard guards the shard's table, its list
// of unfinished flights and every field of those flights marked guarded.
// Callbacks and executor calls happen only after the lock is released: the
// waiter vector is moved out under the lock and walked outside it.
//
// No state shared by all shards is written per flight: counters live in the
// shard, each shard is its own refcounted object (a leader's `Completion`
// keeps its shard alive, not the whole group), and the `max_flights` bound is
// enforced through per-shard credit taken from a common pool in chunks (see
// `Credit`), so flights of keys in different shards touch disjoint memory.
//
// Thread-safety: `Core` is thread-safe.

#ifndef EDGEKIT_COALESCE_INTERNAL_CORE_H_
#define EDGEKIT_COALESCE_INTERNAL_CORE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/internal/shard_mutex.h"
#include "edgekit/base/mutex.h"
#include "edgekit/coalesce/types.h"

EDGEKIT_NAMESPACE_BEGIN
namespace coalesce_internal {

using base_internal::ParkingLot;
using base_internal::ShardMutex;
using base_internal::ShardMutexLock;

template <class Value>
using Callback = absl::AnyInvocable<void(const coalesce::Result<Value>&)>;

// The status of each non-OK `Reason`, built once (immutable, shared by
// refcount) so that timeouts, rejections and abandons cost no allocation.
inline const absl::Status& ErrorFor(coalesce::Reason reason) {
  // Indexed by `Reason`; keep in enum order.
  static const absl::Status kStatuses[] = {
      absl::OkStatus(),
      absl::UnknownError("edgekit::coalesce: leader error"),
      absl::AbortedError(
          "edgekit::coalesce: the leader abandoned the flight (completion handle destroyed "
          "without a result)"),
      absl::DeadlineExceededError("edgekit::coalesce: waiter deadline exceeded"),
      absl::CancelledError("edgekit::coalesce: waiter cancelled"),
      absl::ResourceExhaustedError("edgekit::coalesce: too many waiters on this key"),
      absl::ResourceExhaustedError("edgekit::coalesce: too many keys in flight"),
  };
  const auto i = static_cast<size_t>(reason);
  return kStatuses[i <= static_cast<size_t>(coalesce::Reason::kTableFull) ? i : 1];
}

template <class Value>
coalesce::Result<Value> ErrorResult(coalesce::Reason reason, bool shared) {
  return coalesce::Result<Value>::Error(reason, ErrorFor(reason), shared);
}

// Runs callbacks outside any lock. If a callback throws (exceptions enabled),
// the remaining callbacks still run and the first exception is rethrown at
// the end: no waiter is left behind.
class CallbackRunner {
 public:
  template <class F>
  void Run(F&& f) {
#if EDGEKIT_HAS_EXCEPTIONS
    try {
      std::forward<F>(f)();
    } catch (...) {
      if (!first_) first_ = std::current_exception();
    }
#else
    std::forward<F>(f)();
#endif
  }
  void Finish() {
#if EDGEKIT_HAS_EXCEPTIONS
    if (first_) std::rethrow_exception(std::exchange(first_, nullptr));
#endif
  }

 private:
#if EDGEKIT_HAS_EXCEPTIONS
  std::exception_ptr first_;
#endif
};

// One follower's place in a flight.
template <class Value>
struct Slot {
  Callback<Value> cb;  // Empty when the slot is free.
  absl::Time deadline = absl::InfiniteFuture();
  uint32_t gen = 0;          // Bumped when the slot is freed (stale handles miss).
  bool inline_only = false;  // A blocked `Do` caller: wake directly, not via executor.
};

template <class Key, class Value, class Hash, class Eq>
struct Shard;

// One unfinished key. Owned by shared_ptr (the leader's Completion, the
// followers' Waiters); the shard's table holds a plain pointer, valid while
// the flight is in it (a flight leaves the table, under the shard lock,
// before its leader's handle lets go of it).
template <class Key, class Value, class Hash, class Eq>
struct Flight : std::enable_shared_from_this<Flight<Key, Value, Hash, Eq>> {
  using ShardT = Shard<Key, Value, Hash, Eq>;
  Flight(const Key& k, size_t h, ShardT* s) : key(k), hash(h), shard(s) {}

  const Key key;
  const size_t hash;  // Hash()(key), computed once per call.
  ShardT* const shard;
  std::vector<Slot<Value>> slots ABSL_GUARDED_BY(shard->mu);
  std::vector<uint32_t> free_slots ABSL_GUARDED_BY(shard->mu);
  size_t live ABSL_GUARDED_BY(shard->mu) = 0;  // Slots holding a callback.
  // Lower bound of the live slots' deadlines (exact after an expiry scan).
  absl::Time next_deadline ABSL_GUARDED_BY(shard->mu) = absl::InfiniteFuture();
  bool done ABSL_GUARDED_BY(shard->mu) = false;
  bool in_table ABSL_GUARDED_BY(shard->mu) = true;
  // Intrusive list of the shard's forgotten flights (out of the table, not
  // finished yet).
  Flight* prev ABSL_GUARDED_BY(shard->mu) = nullptr;
  Flight* next ABSL_GUARDED_BY(shard->mu) = nullptr;
};

// A key with its hash, so that one call hashes the key once (shard choice,
// lookup, insertion and erasure all reuse it).
template <class Key>
struct HashedKey {
  const Key& key;
  size_t hash;
};

template <class Key, class Value, class Hash, class Eq>
struct FlightHash {
  using is_transparent = void;
  using FlightPtr = const Flight<Key, Value, Hash, Eq>*;
  size_t operator()(const HashedKey<Key>& k) const { return k.hash; }
  size_t operator()(FlightPtr f) const { return f->hash; }
};

template <class Key, class Value, class Hash, class Eq>
struct FlightEq {
  using is_transparent = void;
  using FlightPtr = const Flight<Key, Value, Hash, Eq>*;
  bool operator()(FlightPtr a, FlightPtr b) const {
    return a->hash == b->hash && Eq()(a->key, b->key);
  }
  bool operator()(FlightPtr a, const HashedKey<Key>& b) const {
    return a->hash == b.hash && Eq()(a->key, b.key);
  }
  bool operator()(const HashedKey<Key>& a, FlightPtr b) const { return (*this)(b, a); }
};

// Allocates whole, aligned cache lines, so that the tables of two shards
// (small arrays, used by different threads) never share a line.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  explicit CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(size_t n) {
    const size_t bytes = (n * sizeof(T) + 63) & ~size_t{63};
    return static_cast<T*>(::operator new (bytes, std::align_val_t{64}));
  }
  void deallocate(T* p, size_t) { ::operator delete (p, std::align_val_t{64}); }
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
  friend bool operator!=(const CacheLineAllocator&, const CacheLineAllocator&) { return false; }
};

// What every shard reads: the options in force, the clock, and the pool of
// table capacity that no shard holds yet. Immutable but for the pool.
struct Config {
  Config(coalesce::GroupOptions o, Clock& c) : options(std::move(o)), clock(&c) {}
  coalesce::GroupOptions options;
  Clock* clock;
  ParkingLot parking_lot;   // Where contended shard lockers sleep.
  size_t credit_chunk = 1;  // Capacity a shard takes from (or returns to) the pool at once.
  alignas(64) std::atomic<size_t> pool{0};
};

// A shard's counters of rarer events, relaxed atomics (summed by
// `Core::GetCounters`).
struct ShardCounters {
  std::atomic<uint64_t> shared{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> abandons{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> cancellations{0};
  std::atomic<uint64_t> rejections{0};
  std::atomic<uint64_t> direct{0};
  std::atomic<uint64_t> forgets{0};
};

inline void Add(std::atomic<uint64_t>& counter, uint64_t n) {
  counter.fetch_add(n, std::memory_order_relaxed);
}

// One shard. What every flight writes sits in its first cache line (plus the
// table's array), so that a flight moves as few lines as possible between
// the cores of threads whose keys share the shard.
template <class Key, class Value, class Hash, class Eq>
struct alignas(64) Shard {
  using FlightT = Flight<Key, Value, Hash, Eq>;
  explicit Shard(std::shared_ptr<Config> c) : config(std::move(c)) {}

  // Line 0, written by every flight: the lock, the credit, the flight count
  // and the first two unfinished flights of the shard (hash and pointer), so
  // that a flight in a shard with no other flight touches no other line of
  // the shard.
  ShardMutex mu;
  // Table capacity this shard holds beyond its unfinished flights.
  std::atomic<size_t> credit{0};
  uint64_t flights ABSL_GUARDED_BY(mu) = 0;
  static constexpr int kInline = 2;
  size_t inline_hash[kInline] ABSL_GUARDED_BY(mu) = {0, 0};
  FlightT* inline_flight[kInline] ABSL_GUARDED_BY(mu) = {nullptr, nullptr};
  size_t spilled ABSL_GUARDED_BY(mu) = 0;  // Flights in `table`.
  // The unfinished flights beyond the inline two.
  alignas(
      64) absl::flat_hash_set<FlightT*, FlightHash<Key, Value, Hash, Eq>,
                              FlightEq<Key, Value, Hash, Eq>, CacheLineAllocator<FlightT*>> table
      ABSL_GUARDED_BY(mu);
  // Line 1 on: written by followers, `Forget` and rarer events only.
  FlightT* forgotten ABSL_GUARDED_BY(mu) = nullptr;  // Head of the forgotten list.
  uint64_t joins ABSL_GUARDED_BY(mu) = 0;
  const std::shared_ptr<Config> config;
  ParkingLot* lot() const { return &config->parking_lot; }
  ShardCounters counters;
};

// Takes one unit of capacity from `credit`, if it has any.
inline bool TakeOne(std::atomic<size_t>& credit) {
  size_t c = credit.load(std::memory_order_relaxed);
  while (c > 0) {
    if (credit.compare_exchange_weak(c, c - 1, std::memory_order_relaxed)) return true;
  }
  return false;
}

// Gives a finished flight's capacity back to its shard; a shard holding more
// than two chunks returns one chunk to the pool.
inline void ReturnOne(std::atomic<size_t>& credit, Config& config) {
  const size_t chunk = config.credit_chunk;
  size_t c = credit.fetch_add(1, std::memory_order_relaxed) + 1;
  while (c > 2 * chunk) {
    if (credit.compare_exchange_weak(c, c - chunk, std::memory_order_relaxed)) {
      config.pool.fetch_add(chunk, std::memory_order_relaxed);
      return;
    }
  }
}

template <class Key, class Value, class Hash, class Eq>
class Core {
 public:
  using FlightT = Flight<Key, Value, Hash, Eq>;
  using ShardT = Shard<Key, Value, Hash, Eq>;
  using ResultT = coalesce::Result<Value>;
  using CallbackT = Callback<Value>;

  // Requires: `options` passed `ValidateGroupOptions`.
  Core(coalesce::GroupOptions options, Clock& clock)
      : config_(std::make_shared<Config>(std::move(options), clock)) {
    const coalesce::GroupOptions& o = config_->options;
    const size_t n = o.shards;
    while ((size_t{1} << shard_bits_) < n) ++shard_bits_;
    // A shard takes an eighth of its fair share at a time, so that the pool
    // is touched about once per that many new flights.
    config_->credit_chunk = std::max<size_t>(o.max_flights / (n * 8), 1);
    config_->pool.store(o.max_flights, std::memory_order_relaxed);
    shards_.reset(new std::shared_ptr<ShardT>[n]);
    for (size_t i = 0; i < n; ++i) shards_[i] = std::make_shared<ShardT>(config_);
  }

  const coalesce::GroupOptions& options() const { return config_->options; }
  Clock& clock() const { return *config_->clock; }

  struct JoinOutcome {
    coalesce::Role role;
    coalesce::Reason reason;
    std::shared_ptr<FlightT> flight;  // Leader: its flight. Follower: the joined flight.
    std::shared_ptr<ShardT> shard;    // Leader of an asynchronous `Join`: keeps its shard alive.
    uint32_t slot = 0;
    uint32_t gen = 0;
  };

  // Joins `key`'s flight or starts one. For a follower `cb` is moved into the
  // flight; otherwise it is left to the caller. With `lead_only`, a flight in
  // progress is not joined: the caller gets `kRejected` with `kOk` and nothing
  // is counted or kept.
  JoinOutcome Join(const Key& key, CallbackT& cb, absl::Time deadline, bool inline_only,
                   bool lead_only = false) {
    const HashedKey<Key> hk{key, Hash()(key)};
    const size_t index = ShardIndex(hk.hash);
    ShardT& shard = *shards_[index];
    const coalesce::GroupOptions& options = config_->options;
    ShardMutexLock lock(&shard.mu, shard.lot());
    if (FlightT* f = FindLocked(shard, hk); f != nullptr) {
      if (lead_only)
        return JoinOutcome{coalesce::Role::kRejected, coalesce::Reason::kOk, nullptr, nullptr};
      f->shard->mu.AssertHeld();
      if (f->live >= options.max_waiters_per_flight) {
        return Overflow(shard, options.on_too_many_waiters, coalesce::Reason::kTooManyWaiters);
      }
      uint32_t idx;
      if (!f->free_slots.empty()) {
        idx = f->free_slots.back();
        f->free_slots.pop_back();
      } else {
        idx = static_cast<uint32_t>(f->slots.size());
        f->slots.emplace_back();
      }
      Slot<Value>& s = f->slots[idx];
      if (cb) {
        s.cb = std::move(cb);
      } else {
        s.cb = [](const ResultT&) {};  // A follower without a callback still holds its place.
      }
      s.deadline = deadline;
      s.inline_only = inline_only;
      ++f->live;
      if (deadline < f->next_deadline) f->next_deadline = deadline;
      ++shard.joins;
      return JoinOutcome{coalesce::Role::kFollower,
                         coalesce::Reason::kOk,
                         f->shared_from_this(),
                         nullptr,
                         idx,
                         s.gen};
    }
    if (!TakeCredit(index)) {
      return Overflow(shard, options.on_table_full, coalesce::Reason::kTableFull);
    }
    // Should an allocation throw below, give the place back.
    struct Undo {
      ShardT* shard;
      ~Undo() {
        if (shard != nullptr) ReturnOne(shard->credit, *shard->config);
      }
    } undo{&shard};
    auto f = std::make_shared<FlightT>(key, hk.hash, &shard);
    InsertLocked(shard, f.get());
    undo.shard = nullptr;
    ++shard.flights;
    return JoinOutcome{coalesce::Role::kLeader, coalesce::Reason::kOk, std::move(f),
                       inline_only ? nullptr : shards_[index]};
  }

  // Finishes `f` with `outcome` (whose `shared()` is true): removes it from the
  // table and delivers to every live follower, outside the lock. Followers past
  // their deadline get a timeout instead. Returns how many followers received
  // `outcome`. Requires: `f` is unfinished, its shard is alive and `outcome` is
  // not for a waiter. Touches only `f`'s shard (and rarely the pool).
  static size_t Finish(FlightT* f, const ResultT& outcome) {
    ShardT& shard = *f->shard;
    Config& config = *shard.config;
    std::vector<Slot<Value>> slots;
    std::vector<uint32_t> free_slots;
    bool any_deadline = false;
    {
      ShardMutexLock lock(&shard.mu, shard.lot());
      f->shard->mu.AssertHeld();
      EDGEKIT_DCHECK(!f->done);
      if (f->done) return 0;
      f->done = true;
      if (f->in_table) {
        f->in_table = false;
        EraseLocked(shard, f);
      } else {
        Unlink(f);
      }
      slots.swap(f->slots);
      free_slots.swap(f->free_slots);
      any_deadline = f->next_deadline != absl::InfiniteFuture();
      f->live = 0;
    }
    ReturnOne(shard.credit, config);
    if (outcome.reason() == coalesce::Reason::kAbandoned) {
      Add(shard.counters.abandons, 1);
    } else if (!outcome.ok()) {
      Add(shard.counters.errors, 1);
    }
    const absl::Time now = any_deadline ? config.clock->MonotonicNow() : absl::InfinitePast();
    size_t delivered = 0;
    size_t late = 0;
    std::shared_ptr<const ResultT> shared_outcome;  // For the executor: built once.
    std::shared_ptr<const ResultT> timeout;
    CallbackRunner runner;
    for (Slot<Value>& s : slots) {
      if (!s.cb) continue;
      if (s.deadline <= now) {
        ++late;
        if (timeout == nullptr) {
          timeout = std::make_shared<const ResultT>(
              ErrorResult<Value>(coalesce::Reason::kTimeout, /*shared=*/false));
        }
        Deliver(config, runner, s.cb, s.inline_only, *timeout, timeout);
      } else {
        ++delivered;
        if (!s.inline_only && config.options.executor && shared_outcome == nullptr) {
          shared_outcome = std::make_shared<const ResultT>(outcome);
        }
        Deliver(config, runner, s.cb, s.inline_only, outcome, shared_outcome);
      }
    }
    if (delivered != 0) Add(shard.counters.shared, delivered);
    if (late != 0) Add(shard.counters.timeouts, late);
    slots.clear();  // Destroy the callbacks before a possible rethrow.
    runner.Finish();
    return delivered;
  }

  // Removes a follower's callback if it is still waiting; empty otherwise.
  static CallbackT TakeWaiter(FlightT* f, uint32_t slot, uint32_t gen) {
    ShardMutexLock lock(&f->shard->mu, f->shard->lot());
    if (f->done || slot >= f->slots.size()) return nullptr;
    Slot<Value>& s = f->slots[slot];
    if (s.gen != gen || !s.cb) return nullptr;
    CallbackT cb = std::move(s.cb);
    FreeSlotLocked(f, slot);
    return cb;
  }

  // Cancels one follower: its callback runs with `kCancelled`. False if it
  // had already been completed, expired or cancelled.
  static bool Cancel(FlightT* f, uint32_t slot, uint32_t gen) {
    CallbackT cb = TakeWaiter(f, slot, gen);
    if (!cb) return false;
    Add(f->shard->counters.cancellations, 1);
    const auto r = std::make_shared<const ResultT>(
        ErrorResult<Value>(coalesce::Reason::kCancelled, /*shared=*/false));
    CallbackRunner runner;
    Deliver(*f->shard->config, runner, cb, /*inline_only=*/false, *r, r);
    runner.Finish();
    return true;
  }

  // A blocked `Do` follower of `f` gave up at its deadline.
  static void CountTimeout(FlightT* f) { Add(f->shard->counters.timeouts, 1); }

  // Times out every follower whose deadline is <= `now`. Cost: O(unfinished
  // flights) plus O(slots) of the flights that have an expired waiter.
  size_t Expire(absl::Time now) {
    size_t total = 0;
    std::shared_ptr<const ResultT> timeout;
    CallbackRunner runner;
    for (size_t i = 0; i < config_->options.shards; ++i) {
      ShardT& shard = *shards_[i];
      std::vector<std::pair<CallbackT, bool>> expired;
      {
        ShardMutexLock lock(&shard.mu, shard.lot());
        // Unfinished flights: those in the table and the forgotten ones.
        for (FlightT* f : shard.inline_flight) {
          if (f == nullptr) continue;
          f->shard->mu.AssertHeld();
          ExpireLocked(f, now, expired);
        }
        for (FlightT* f : shard.table) {
          f->shard->mu.AssertHeld();
          ExpireLocked(f, now, expired);
        }
        for (FlightT* f = shard.forgotten; f != nullptr;) {
          f->shard->mu.AssertHeld();
          FlightT* next = f->next;
          ExpireLocked(f, now, expired);
          f = next;
        }
      }
      if (expired.empty()) continue;
      total += expired.size();
      Add(shard.counters.timeouts, expired.size());
      if (timeout == nullptr) {
        timeout = std::make_shared<const ResultT>(
            ErrorResult<Value>(coalesce::Reason::kTimeout, /*shared=*/false));
      }
      for (auto& e : expired) Deliver(*config_, runner, e.first, e.second, *timeout, timeout);
    }
    runner.Finish();
    return total;
  }

  bool Forget(const Key& key) {
    const HashedKey<Key> hk{key, Hash()(key)};
    ShardT& shard = *shards_[ShardIndex(hk.hash)];
    std::shared_ptr<FlightT> dropped;  // Released after the lock.
    {
      ShardMutexLock lock(&shard.mu, shard.lot());
      FlightT* f = FindLocked(shard, hk);
      if (f == nullptr) return false;
      dropped = f->shared_from_this();
      f->shard->mu.AssertHeld();
      f->in_table = false;
      EraseLocked(shard, f);
      // Keep it findable for ExpireWaiters until its leader finishes.
      f->next = shard.forgotten;
      if (shard.forgotten != nullptr) {
        shard.forgotten->shard->mu.AssertHeld();
        shard.forgotten->prev = f;
      }
      shard.forgotten = f;
    }
    Add(shard.counters.forgets, 1);
    return true;
  }

  coalesce::GroupCounters GetCounters() const {
    coalesce::GroupCounters s;
    for (size_t i = 0; i < config_->options.shards; ++i) {
      ShardT& shard = *shards_[i];
      {
        ShardMutexLock lock(&shard.mu, shard.lot());
        s.flights += shard.flights;
        s.joins += shard.joins;
      }
      const ShardCounters& c = shard.counters;
      s.shared += c.shared.load(std::memory_order_relaxed);
      s.errors += c.errors.load(std::memory_order_relaxed);
      s.abandons += c.abandons.load(std::memory_order_relaxed);
      s.timeouts += c.timeouts.load(std::memory_order_relaxed);
      s.cancellations += c.cancellations.load(std::memory_order_relaxed);
      s.rejections += c.rejections.load(std::memory_order_relaxed);
      s.direct += c.direct.load(std::memory_order_relaxed);
      s.forgets += c.forgets.load(std::memory_order_relaxed);
    }
    s.in_flight = in_flight();
    return s;
  }

  // Unfinished flights: the table capacity neither in the pool nor held as a
  // shard's credit (exact when no flight starts or ends meanwhile).
  size_t in_flight() const {
    size_t spare = config_->pool.load(std::memory_order_relaxed);
    for (size_t i = 0; i < config_->options.shards; ++i) {
      spare += shards_[i]->credit.load(std::memory_order_relaxed);
    }
    const size_t max = config_->options.max_flights;
    return spare >= max ? 0 : max - spare;
  }

 private:
  size_t ShardIndex(size_t hash) const {
    if (shard_bits_ == 0) return 0;
    const uint64_t h = static_cast<uint64_t>(hash) * uint64_t{0x9E3779B97F4A7C15};
    return static_cast<size_t>(h >> (64 - shard_bits_));
  }

  // Takes one unit of table capacity for a new flight in shard `index`: from
  // the shard's own credit, else a chunk from the pool, else one unit another
  // shard holds. False when all `max_flights` units are held by unfinished
  // flights (exact when no other thread is starting or finishing a flight).
  bool TakeCredit(size_t index) {
    ShardT& shard = *shards_[index];
    if (TakeOne(shard.credit)) return true;
    Config& config = *config_;
    size_t p = config.pool.load(std::memory_order_relaxed);
    while (p > 0) {
      const size_t take = std::min(p, config.credit_chunk);
      if (config.pool.compare_exchange_weak(p, p - take, std::memory_order_relaxed)) {
        if (take > 1) shard.credit.fetch_add(take - 1, std::memory_order_relaxed);
        return true;
      }
    }
    const size_t n = config.options.shards;
    for (size_t i = 1; i < n; ++i) {
      if (TakeOne(shards_[(index + i) & (n - 1)]->credit)) return true;
    }
    return false;
  }

  JoinOutcome Overflow(ShardT& shard, coalesce::OverflowPolicy policy, coalesce::Reason reason) {
    if (policy == coalesce::OverflowPolicy::kRunDirect) {
      Add(shard.counters.direct, 1);
      return JoinOutcome{coalesce::Role::kDirect, reason, nullptr, nullptr};
    }
    Add(shard.counters.rejections, 1);
    return JoinOutcome{coalesce::Role::kRejected, reason, nullptr, nullptr};
  }

  static void FreeSlotLocked(FlightT* f, uint32_t slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->shard->mu) {
    Slot<Value>& s = f->slots[slot];
    s.cb = nullptr;
    ++s.gen;
    s.deadline = absl::InfiniteFuture();
    f->free_slots.push_back(slot);
    --f->live;
  }

  // The unfinished flight of `hk` in `shard`'s table, or null. The inline
  // entries are compared by hash first, so another key's flight is not read.
  static FlightT* FindLocked(ShardT& shard, const HashedKey<Key>& hk)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu) {
    for (int i = 0; i < ShardT::kInline; ++i) {
      FlightT* f = shard.inline_flight[i];
      if (f != nullptr && shard.inline_hash[i] == hk.hash && Eq()(f->key, hk.key)) return f;
    }
    if (shard.spilled == 0) return nullptr;
    const auto it = shard.table.find(hk);
    return it == shard.table.end() ? nullptr : *it;
  }

  static void InsertLocked(ShardT& shard, FlightT* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu) {
    for (int i = 0; i < ShardT::kInline; ++i) {
      if (shard.inline_flight[i] == nullptr) {
        shard.inline_flight[i] = f;
        shard.inline_hash[i] = f->hash;
        return;
      }
    }
    shard.table.insert(f);
    ++shard.spilled;
  }

  static void EraseLocked(ShardT& shard, FlightT* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu) {
    for (int i = 0; i < ShardT::kInline; ++i) {
      if (shard.inline_flight[i] == f) {
        shard.inline_flight[i] = nullptr;
        return;
      }
    }
    shard.table.erase(HashedKey<Key>{f->key, f->hash});
    --shard.spilled;
  }

  // Times out the followers of `f` whose deadline is <= `now`, moving their
  // callbacks to `expired`.
  static void ExpireLocked(FlightT* f, absl::Time now,
                           std::vector<std::pair<CallbackT, bool>>& expired)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->shard->mu) {
    if (f->next_deadline > now) return;
    absl::Time next_deadline = absl::InfiniteFuture();
    for (size_t s = 0; s < f->slots.size(); ++s) {
      Slot<Value>& slot = f->slots[s];
      if (!slot.cb) continue;
      if (slot.deadline <= now) {
        expired.emplace_back(std::move(slot.cb), slot.inline_only);
        FreeSlotLocked(f, static_cast<uint32_t>(s));
      } else if (slot.deadline < next_deadline) {
        next_deadline = slot.deadline;
      }
    }
    f->next_deadline = next_deadline;
  }

  // Removes a forgotten flight from its shard's forgotten list.
  static void Unlink(FlightT* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->shard->mu) {
    if (f->prev != nullptr) {
      f->prev->shard->mu.AssertHeld();
      f->prev->next = f->next;
    } else {
      f->shard->forgotten = f->next;
    }
    if (f->next != nullptr) {
      f->next->shard->mu.AssertHeld();
      f->next->prev = f->prev;
    }
    f->prev = f->next = nullptr;
  }

  // Runs `cb` with `r`: inline (in place; the owner destroys `cb` later), or
  // moved into an executor task that keeps `rp`, the same result by refcount,
  // alive until the task runs.
  static void Deliver(const Config& config, CallbackRunner& runner, CallbackT& cb, bool inline_only,
                      const ResultT& r, const std::shared_ptr<const ResultT>& rp) {
    if (inline_only || !config.options.executor || rp == nullptr) {
      runner.Run([&] { cb(r); });
      return;
    }
    config.options.executor([task_cb = std::move(cb), rp]() mutable { task_cb(*rp); });
  }

  std::shared_ptr<Config> config_;
  size_t shard_bits_ = 0;
  // Each shard is its own refcounted object: a leader's `Completion` keeps
  // only its shard alive, so no refcount shared by all flights is written.
  std::unique_ptr<std::shared_ptr<ShardT>[]> shards_;
};

}  // namespace coalesce_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_COALESCE_INTERNAL_CORE_H_
