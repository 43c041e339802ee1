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
// Thread-safety: `Core` is thread-safe.

#ifndef EDGEKIT_COALESCE_INTERNAL_CORE_H_
#define EDGEKIT_COALESCE_INTERNAL_CORE_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
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
#include "edgekit/base/mutex.h"
#include "edgekit/coalesce/types.h"

EDGEKIT_NAMESPACE_BEGIN
namespace coalesce_internal {

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

template <class Key, class Value, class Hash, class Eq>
struct Flight {
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
  // Intrusive list of the shard's unfinished flights (in the table or forgotten).
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
  using FlightPtr = std::shared_ptr<Flight<Key, Value, Hash, Eq>>;
  size_t operator()(const HashedKey<Key>& k) const { return k.hash; }
  size_t operator()(const FlightPtr& f) const { return f->hash; }
};

template <class Key, class Value, class Hash, class Eq>
struct FlightEq {
  using is_transparent = void;
  using FlightPtr = std::shared_ptr<Flight<Key, Value, Hash, Eq>>;
  bool operator()(const FlightPtr& a, const FlightPtr& b) const {
    return a->hash == b->hash && Eq()(a->key, b->key);
  }
  bool operator()(const FlightPtr& a, const HashedKey<Key>& b) const {
    return a->hash == b.hash && Eq()(a->key, b.key);
  }
  bool operator()(const HashedKey<Key>& a, const FlightPtr& b) const { return (*this)(b, a); }
};

template <class Key, class Value, class Hash, class Eq>
struct alignas(64) Shard {
  using FlightT = Flight<Key, Value, Hash, Eq>;
  Mutex mu;
  absl::flat_hash_set<std::shared_ptr<FlightT>, FlightHash<Key, Value, Hash, Eq>,
                      FlightEq<Key, Value, Hash, Eq>>
      table ABSL_GUARDED_BY(mu);
  FlightT* pending ABSL_GUARDED_BY(mu) = nullptr;  // Head of the unfinished list.
};

template <class Key, class Value, class Hash, class Eq>
class Core {
 public:
  using FlightT = Flight<Key, Value, Hash, Eq>;
  using ShardT = Shard<Key, Value, Hash, Eq>;
  using ResultT = coalesce::Result<Value>;
  using CallbackT = Callback<Value>;

  Core(coalesce::Options options, Clock& clock) : options_(std::move(options)), clock_(&clock) {
    options_.max_flights = std::max<size_t>(options_.max_flights, 1);
    // Slot indices are 32-bit.
    options_.max_waiters_per_flight =
        std::min<size_t>(options_.max_waiters_per_flight, uint32_t{0xFFFFFFFF});
    size_t n = 1;
    const size_t want = std::min<size_t>(std::max<size_t>(options_.shards, 1), 1024);
    while (n < want) n <<= 1;
    options_.shards = n;
    shard_bits_ = 0;
    while ((size_t{1} << shard_bits_) < n) ++shard_bits_;
    shards_.reset(new ShardT[n]);
  }

  const coalesce::Options& options() const { return options_; }
  Clock& clock() const { return *clock_; }

  struct JoinOutcome {
    coalesce::Role role;
    coalesce::Reason reason;
    std::shared_ptr<FlightT> flight;  // Leader: its flight. Follower: the joined flight.
    uint32_t slot = 0;
    uint32_t gen = 0;
  };

  // Joins `key`'s flight or starts one. For a follower `cb` is moved into the
  // flight; otherwise it is left to the caller.
  JoinOutcome Join(const Key& key, CallbackT& cb, absl::Time deadline, bool inline_only) {
    const HashedKey<Key> hk{key, Hash()(key)};
    ShardT& shard = ShardFor(hk.hash);
    MutexLock lock(&shard.mu);
    auto it = shard.table.find(hk);
    if (it != shard.table.end()) {
      FlightT* f = it->get();
      f->shard->mu.AssertHeld();
      if (f->live >= options_.max_waiters_per_flight) {
        return Overflow(options_.on_too_many_waiters, coalesce::Reason::kTooManyWaiters);
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
      joins_.fetch_add(1, std::memory_order_relaxed);
      return JoinOutcome{coalesce::Role::kFollower, coalesce::Reason::kOk, *it, idx, s.gen};
    }
    if (pending_.fetch_add(1, std::memory_order_relaxed) >= options_.max_flights) {
      pending_.fetch_sub(1, std::memory_order_relaxed);
      return Overflow(options_.on_table_full, coalesce::Reason::kTableFull);
    }
    // Should an allocation throw below, give the place back.
    struct Undo {
      std::atomic<size_t>* pending;
      ~Undo() {
        if (pending != nullptr) pending->fetch_sub(1, std::memory_order_relaxed);
      }
    } undo{&pending_};
    auto f = std::make_shared<FlightT>(key, hk.hash, &shard);
    shard.table.insert(f);
    undo.pending = nullptr;
    f->shard->mu.AssertHeld();
    f->next = shard.pending;
    if (shard.pending != nullptr) {
      shard.pending->shard->mu.AssertHeld();
      shard.pending->prev = f.get();
    }
    shard.pending = f.get();
    flights_.fetch_add(1, std::memory_order_relaxed);
    return JoinOutcome{coalesce::Role::kLeader, coalesce::Reason::kOk, std::move(f)};
  }

  // Finishes `f` with `outcome` (whose `shared()` is true): removes it from the
  // table and delivers to every live follower, outside the lock. Followers past
  // their deadline get a timeout instead. Returns how many followers received
  // `outcome`. Requires: `f` is unfinished and `outcome` is not for a waiter.
  size_t Finish(FlightT* f, const ResultT& outcome) {
    std::vector<Slot<Value>> slots;
    std::vector<uint32_t> free_slots;
    bool any_deadline = false;
    {
      MutexLock lock(&f->shard->mu);
      EDGEKIT_DCHECK(!f->done);
      if (f->done) return 0;
      f->done = true;
      if (f->in_table) {
        f->in_table = false;
        f->shard->table.erase(HashedKey<Key>{f->key, f->hash});
      }
      Unlink(f);
      slots.swap(f->slots);
      free_slots.swap(f->free_slots);
      any_deadline = f->next_deadline != absl::InfiniteFuture();
      f->live = 0;
    }
    pending_.fetch_sub(1, std::memory_order_relaxed);
    if (outcome.reason() == coalesce::Reason::kAbandoned) {
      abandons_.fetch_add(1, std::memory_order_relaxed);
    } else if (!outcome.ok()) {
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
    const absl::Time now = any_deadline ? clock_->MonotonicNow() : absl::InfinitePast();
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
        Deliver(runner, s.cb, s.inline_only, *timeout, timeout);
      } else {
        ++delivered;
        if (!s.inline_only && options_.executor && shared_outcome == nullptr) {
          shared_outcome = std::make_shared<const ResultT>(outcome);
        }
        Deliver(runner, s.cb, s.inline_only, outcome, shared_outcome);
      }
    }
    if (delivered != 0) shared_.fetch_add(delivered, std::memory_order_relaxed);
    if (late != 0) timeouts_.fetch_add(late, std::memory_order_relaxed);
    slots.clear();  // Destroy the callbacks before a possible rethrow.
    runner.Finish();
    return delivered;
  }

  // Removes a follower's callback if it is still waiting; empty otherwise.
  CallbackT TakeWaiter(FlightT* f, uint32_t slot, uint32_t gen) {
    MutexLock lock(&f->shard->mu);
    if (f->done || slot >= f->slots.size()) return nullptr;
    Slot<Value>& s = f->slots[slot];
    if (s.gen != gen || !s.cb) return nullptr;
    CallbackT cb = std::move(s.cb);
    FreeSlotLocked(f, slot);
    return cb;
  }

  // Cancels one follower: its callback runs with `kCancelled`. False if it
  // had already been completed, expired or cancelled.
  bool Cancel(FlightT* f, uint32_t slot, uint32_t gen) {
    CallbackT cb = TakeWaiter(f, slot, gen);
    if (!cb) return false;
    cancellations_.fetch_add(1, std::memory_order_relaxed);
    const auto r = std::make_shared<const ResultT>(
        ErrorResult<Value>(coalesce::Reason::kCancelled, /*shared=*/false));
    CallbackRunner runner;
    Deliver(runner, cb, /*inline_only=*/false, *r, r);
    runner.Finish();
    return true;
  }

  void CountTimeout() { timeouts_.fetch_add(1, std::memory_order_relaxed); }
  void CountDirect() { direct_.fetch_add(1, std::memory_order_relaxed); }

  // Times out every follower whose deadline is <= `now`. Cost: O(unfinished
  // flights) plus O(slots) of the flights that have an expired waiter.
  size_t Expire(absl::Time now) {
    size_t total = 0;
    std::shared_ptr<const ResultT> timeout;
    CallbackRunner runner;
    for (size_t i = 0; i < options_.shards; ++i) {
      ShardT& shard = shards_[i];
      std::vector<std::pair<CallbackT, bool>> expired;
      {
        MutexLock lock(&shard.mu);
        for (FlightT* f = shard.pending; f != nullptr;) {
          f->shard->mu.AssertHeld();
          FlightT* next = f->next;
          if (f->next_deadline <= now) {
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
          f = next;
        }
      }
      if (expired.empty()) continue;
      total += expired.size();
      timeouts_.fetch_add(expired.size(), std::memory_order_relaxed);
      if (timeout == nullptr) {
        timeout = std::make_shared<const ResultT>(
            ErrorResult<Value>(coalesce::Reason::kTimeout, /*shared=*/false));
      }
      for (auto& e : expired) Deliver(runner, e.first, e.second, *timeout, timeout);
    }
    runner.Finish();
    return total;
  }

  bool Forget(const Key& key) {
    const HashedKey<Key> hk{key, Hash()(key)};
    ShardT& shard = ShardFor(hk.hash);
    std::shared_ptr<FlightT> dropped;  // Released after the lock.
    {
      MutexLock lock(&shard.mu);
      auto it = shard.table.find(hk);
      if (it == shard.table.end()) return false;
      dropped = *it;
      dropped->shard->mu.AssertHeld();
      dropped->in_table = false;
      shard.table.erase(it);
    }
    forgets_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  coalesce::Stats GetStats() const {
    coalesce::Stats s;
    s.flights = flights_.load(std::memory_order_relaxed);
    s.joins = joins_.load(std::memory_order_relaxed);
    s.shared = shared_.load(std::memory_order_relaxed);
    s.errors = errors_.load(std::memory_order_relaxed);
    s.abandons = abandons_.load(std::memory_order_relaxed);
    s.timeouts = timeouts_.load(std::memory_order_relaxed);
    s.cancellations = cancellations_.load(std::memory_order_relaxed);
    s.rejections = rejections_.load(std::memory_order_relaxed);
    s.direct = direct_.load(std::memory_order_relaxed);
    s.forgets = forgets_.load(std::memory_order_relaxed);
    s.in_flight = pending_.load(std::memory_order_relaxed);
    return s;
  }

  size_t in_flight() const { return pending_.load(std::memory_order_relaxed); }

 private:
  ShardT& ShardFor(size_t hash) {
    if (shard_bits_ == 0) return shards_[0];
    const uint64_t h = static_cast<uint64_t>(hash) * uint64_t{0x9E3779B97F4A7C15};
    return shards_[static_cast<size_t>(h >> (64 - shard_bits_))];
  }

  JoinOutcome Overflow(coalesce::OverflowPolicy policy, coalesce::Reason reason) {
    if (policy == coalesce::OverflowPolicy::kRunDirect) {
      direct_.fetch_add(1, std::memory_order_relaxed);
      return JoinOutcome{coalesce::Role::kDirect, reason, nullptr};
    }
    rejections_.fetch_add(1, std::memory_order_relaxed);
    return JoinOutcome{coalesce::Role::kRejected, reason, nullptr};
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

  static void Unlink(FlightT* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(f->shard->mu) {
    if (f->prev != nullptr) {
      f->prev->shard->mu.AssertHeld();
      f->prev->next = f->next;
    } else {
      f->shard->pending = f->next;
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
  void Deliver(CallbackRunner& runner, CallbackT& cb, bool inline_only, const ResultT& r,
               const std::shared_ptr<const ResultT>& rp) {
    if (inline_only || !options_.executor || rp == nullptr) {
      runner.Run([&] { cb(r); });
      return;
    }
    options_.executor([task_cb = std::move(cb), rp]() mutable { task_cb(*rp); });
  }

  coalesce::Options options_;
  Clock* clock_;
  size_t shard_bits_ = 0;
  std::unique_ptr<ShardT[]> shards_;
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> flights_{0};
  std::atomic<uint64_t> joins_{0};
  std::atomic<uint64_t> shared_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> abandons_{0};
  std::atomic<uint64_t> timeouts_{0};
  std::atomic<uint64_t> cancellations_{0};
  std::atomic<uint64_t> rejections_{0};
  std::atomic<uint64_t> direct_{0};
  std::atomic<uint64_t> forgets_{0};
};

}  // namespace coalesce_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_COALESCE_INTERNAL_CORE_H_
