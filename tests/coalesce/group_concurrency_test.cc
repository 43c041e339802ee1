// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Concurrency and fault-injection tests of edgekit::coalesce::Group: 50,000
// async followers on one key, 1,000 threads in Do, random flights with leader
// errors, abandons, timeouts and cancellations, and zero hung waiters.
// Assertions run on the main thread only (Catch2 v2); worker threads record
// into atomics. Real time is used only as a safety timeout, never to make
// time pass: deadlines run on a FakeClock.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/mutex.h"
#include "edgekit/coalesce/group.h"
#include "edgekit/testing/fake_clock.h"
#include "edgekit_catch.h"

namespace {

using edgekit::coalesce::Group;
using edgekit::coalesce::GroupOptions;
using edgekit::coalesce::Reason;
using edgekit::coalesce::Role;
using StrGroup = Group<std::string, std::string>;
using StrResult = StrGroup::ResultType;

// Generous real-time bound on any wait for another thread: only a guard
// against a hung test, never what makes the test progress.
constexpr absl::Duration kSafety = absl::Seconds(60);

// A count-down latch (C++17 has none). Wait returns false on the safety timeout.
class Latch {
 public:
  explicit Latch(int count) : count_(count) {}
  void CountDown() {
    edgekit::MutexLock lock(&mu_);
    if (--count_ <= 0) cv_.SignalAll();
  }
  bool Wait() {
    const absl::Time give_up = edgekit::RealClock::Get().MonotonicNow() + kSafety;
    edgekit::MutexLock lock(&mu_);
    while (count_ > 0) {
      const absl::Duration left = give_up - edgekit::RealClock::Get().MonotonicNow();
      if (left <= absl::ZeroDuration()) return false;
      (void)cv_.WaitWithTimeout(&mu_, left);
    }
    return true;
  }

 private:
  edgekit::Mutex mu_;
  edgekit::CondVar cv_;
  int count_ ABSL_GUARDED_BY(mu_);
};

TEST_CASE("50000 concurrent async joins on one key make one leader and 49999 shared callbacks",
          "[coalesce][concurrency]") {
  constexpr int kJoiners = 4;
  constexpr int kTotal = 50000;
  StrGroup group;

  std::atomic<int> leaders{0};
  std::atomic<int> followers{0};
  std::atomic<int> other_roles{0};
  std::atomic<int> callbacks{0};
  std::atomic<int> wrong_value{0};
  std::atomic<int> wrong_thread{0};
  std::atomic<const std::string*> seen{nullptr};
  std::thread::id completer_id;  // Written and read only by the completer thread.

  edgekit::Mutex handoff_mu;
  StrGroup::Completion handoff;  // Guarded by handoff_mu.
  Latch leader_ready(1);
  Latch all_joined(kJoiners);

  auto on_done = [&](const StrResult& r) {
    callbacks.fetch_add(1, std::memory_order_relaxed);
    if (!r.ok() || !r.shared() || *r != "the value") wrong_value.fetch_add(1);
    const std::string* expected = nullptr;
    if (!seen.compare_exchange_strong(expected, r.value_ptr().get()) &&
        expected != r.value_ptr().get()) {
      wrong_value.fetch_add(1);
    }
    if (std::this_thread::get_id() != completer_id) wrong_thread.fetch_add(1);
  };

  std::vector<std::thread> joiners;
  for (int t = 0; t < kJoiners; ++t) {
    joiners.emplace_back([&, t] {
      for (int i = t; i < kTotal; i += kJoiners) {
        auto j = group.Join("hot", on_done);
        if (j.role == Role::kLeader) {
          leaders.fetch_add(1);
          edgekit::MutexLock lock(&handoff_mu);
          handoff = std::move(j.completion);
          leader_ready.CountDown();
        } else if (j.role == Role::kFollower) {
          followers.fetch_add(1);
        } else {
          other_roles.fetch_add(1);
        }
      }
      all_joined.CountDown();
    });
  }
  StrResult leader_result =
      StrResult::Error(Reason::kAbandoned, absl::AbortedError("unset"), false);
  bool completer_timed_out = false;
  std::thread completer([&] {
    completer_id = std::this_thread::get_id();
    if (!leader_ready.Wait() || !all_joined.Wait()) {
      completer_timed_out = true;
      return;
    }
    StrGroup::Completion c;
    {
      edgekit::MutexLock lock(&handoff_mu);
      c = std::move(handoff);
    }
    leader_result = c.Complete(std::string("the value"));
  });
  for (auto& t : joiners) t.join();
  completer.join();

  REQUIRE_FALSE(completer_timed_out);
  CHECK(leaders.load() == 1);
  CHECK(followers.load() == kTotal - 1);
  CHECK(other_roles.load() == 0);
  CHECK(callbacks.load() == kTotal - 1);
  CHECK(wrong_value.load() == 0);
  CHECK(wrong_thread.load() == 0);
  REQUIRE(leader_result.ok());
  CHECK(leader_result.shared());
  CHECK(leader_result.value_ptr().get() == seen.load());
  const auto s = group.counters();
  CHECK(s.flights == 1);
  CHECK(s.joins == kTotal - 1);
  CHECK(s.shared == kTotal - 1);
  CHECK(s.in_flight == 0);
}

TEST_CASE("1000 threads calling Do on one key run fn once and all share its value",
          "[coalesce][concurrency]") {
  constexpr int kThreads = 1000;
  StrGroup group;
  std::atomic<int> runs{0};
  std::atomic<bool> overlap_timed_out{false};
  std::vector<std::shared_ptr<const std::string>> values(kThreads);
  std::vector<char> ok(kThreads, 0);
  std::vector<char> shared(kThreads, 0);

  auto fn = [&] {
    runs.fetch_add(1);
    // Block until every other thread has joined this flight, so they overlap.
    const absl::Time give_up = edgekit::RealClock::Get().MonotonicNow() + kSafety;
    while (group.counters().joins < static_cast<uint64_t>(kThreads - 1)) {
      if (edgekit::RealClock::Get().MonotonicNow() > give_up) {
        overlap_timed_out = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // Polls a condition.
    }
    return std::string("computed once");
  };
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const StrResult r = group.Do("key", fn);
      ok[i] = r.ok() ? 1 : 0;
      shared[i] = r.shared() ? 1 : 0;
      values[i] = r.value_ptr();
    });
  }
  for (auto& t : threads) t.join();

  CHECK_FALSE(overlap_timed_out.load());
  CHECK(runs.load() == 1);
  int not_ok = 0;
  int not_shared = 0;
  int other_pointer = 0;
  for (int i = 0; i < kThreads; ++i) {
    not_ok += ok[i] ? 0 : 1;
    not_shared += shared[i] ? 0 : 1;
    other_pointer += values[i] == values[0] ? 0 : 1;
  }
  CHECK(not_ok == 0);
  CHECK(not_shared == 0);
  CHECK(other_pointer == 0);
  REQUIRE(values[0] != nullptr);
  CHECK(*values[0] == "computed once");
  const auto s = group.counters();
  CHECK(s.flights == 1);
  CHECK(s.joins == kThreads - 1);
  CHECK(s.shared == kThreads - 1);
}

TEST_CASE("Do followers time out on the injected clock while the leader keeps working",
          "[coalesce][concurrency]") {
  edgekit::testing::FakeClock clock;
  StrGroup group(clock);
  auto lead = group.Join("k", nullptr);
  REQUIRE(lead.leader());
  constexpr int kWaiters = 8;
  std::vector<Reason> reasons(kWaiters, Reason::kOk);
  std::vector<std::thread> threads;
  for (int i = 0; i < kWaiters; ++i) {
    threads.emplace_back([&, i] {
      // Half wait 1 s, half 1 h, on the fake clock.
      const absl::Duration timeout = i % 2 == 0 ? absl::Seconds(1) : absl::Hours(1);
      const StrResult r = group.DoWithTimeout("k", timeout, [] { return std::string("never"); });
      reasons[i] = r.reason();
    });
  }
  // Wait (safety-bounded) until all have joined.
  const absl::Time give_up = edgekit::RealClock::Get().MonotonicNow() + kSafety;
  while (group.counters().joins < kWaiters && edgekit::RealClock::Get().MonotonicNow() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(group.counters().joins == kWaiters);
  clock.Advance(absl::Seconds(1));
  CHECK(group.ExpireWaiters() == kWaiters / 2);
  (void)lead.completion.Complete(std::string("v"));
  for (auto& t : threads) t.join();
  for (int i = 0; i < kWaiters; ++i) {
    CHECK(reasons[i] == (i % 2 == 0 ? Reason::kTimeout : Reason::kOk));
  }
  CHECK(group.counters().timeouts == kWaiters / 2);
}

TEST_CASE("A Do follower whose deadline has already passed returns kTimeout by itself",
          "[coalesce][concurrency]") {
  edgekit::testing::FakeClock clock;
  StrGroup group(clock);
  auto lead = group.Join("k", nullptr);
  Reason reason = Reason::kOk;
  std::thread t([&] {
    reason = group.DoUntil("k", clock.MonotonicNow(), [] { return std::string("x"); }).reason();
  });
  t.join();
  CHECK(reason == Reason::kTimeout);
  CHECK(group.counters().timeouts == 1);
  (void)lead.completion.Complete(std::string("v"));
  CHECK(group.counters().shared == 0);
}

TEST_CASE("Blocked Do followers are woken directly and never wait for the executor",
          "[coalesce][concurrency]") {
  edgekit::Mutex queue_mu;
  std::vector<absl::AnyInvocable<void()>> queue;  // Guarded by queue_mu; drained at the end.
  GroupOptions options;
  options.executor = [&](absl::AnyInvocable<void()> task) {
    edgekit::MutexLock lock(&queue_mu);
    queue.push_back(std::move(task));
  };
  auto made = StrGroup::Create(options);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  auto lead = group.Join("k", nullptr);
  int async_calls = 0;
  (void)group.Join("k", [&](const StrResult&) { ++async_calls; });
  Reason do_reason = Reason::kAbandoned;
  std::thread follower(
      [&] { do_reason = group.Do("k", [] { return std::string("not me"); }).reason(); });
  const absl::Time give_up = edgekit::RealClock::Get().MonotonicNow() + kSafety;
  while (group.counters().joins < 2 && edgekit::RealClock::Get().MonotonicNow() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(group.counters().joins == 2);
  (void)lead.completion.Complete(std::string("v"));
  follower.join();  // Returns although the executor has not run anything.
  CHECK(do_reason == Reason::kOk);
  CHECK(async_calls == 0);
  edgekit::MutexLock lock(&queue_mu);
  REQUIRE(queue.size() == 1);
  queue.front()();
  CHECK(async_calls == 1);
}

#if EDGEKIT_HAS_EXCEPTIONS
TEST_CASE("A throwing fn reaches its own caller while blocked Do followers get kAbandoned",
          "[coalesce][concurrency]") {
  StrGroup group;
  Latch started(1);
  std::atomic<bool> threw{false};
  std::thread leader([&] {
    try {
      (void)group.Do("k", [&]() -> std::string {
        started.CountDown();
        const absl::Time give_up = edgekit::RealClock::Get().MonotonicNow() + kSafety;
        while (group.counters().joins < 3 && edgekit::RealClock::Get().MonotonicNow() < give_up) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        throw std::runtime_error("boom");
      });
    } catch (const std::runtime_error&) {
      threw = true;
    }
  });
  REQUIRE(started.Wait());
  std::vector<Reason> reasons(3, Reason::kOk);
  std::vector<std::thread> followers;
  for (int i = 0; i < 3; ++i) {
    followers.emplace_back(
        [&, i] { reasons[i] = group.Do("k", [] { return std::string("not me"); }).reason(); });
  }
  leader.join();
  for (auto& t : followers) t.join();
  CHECK(threw.load());
  for (const Reason r : reasons) CHECK(r == Reason::kAbandoned);
  CHECK(group.counters().abandons == 1);
}
#endif

// ---------------------------------------------------------------------------
// Fault injection: random flights where leaders complete, fail, abandon or go
// silent until the end, followers time out or are cancelled, keys are
// forgotten. Every follower must see its callback exactly once.
// ---------------------------------------------------------------------------

struct Tally {
  explicit Tally(size_t n) : calls(n) {}
  std::vector<std::atomic<int>> calls;
  std::atomic<int> bad_result{0};
  std::atomic<size_t> next{0};
};

StrGroup::Callback Follow(Tally& tally, size_t id) {
  return [&tally, id](const StrResult& r) {
    tally.calls[id].fetch_add(1, std::memory_order_relaxed);
    const bool consistent =
        (r.ok() && r.value_ptr() != nullptr && r.shared() && r.status().ok()) ||
        (r.reason() == Reason::kLeaderError &&
         r.status().code() == absl::StatusCode::kUnavailable) ||
        (r.reason() == Reason::kAbandoned && r.status().code() == absl::StatusCode::kAborted) ||
        (r.reason() == Reason::kTimeout &&
         r.status().code() == absl::StatusCode::kDeadlineExceeded) ||
        (r.reason() == Reason::kCancelled && r.status().code() == absl::StatusCode::kCancelled);
    if (!consistent) tally.bad_result.fetch_add(1);
  };
}

void FinishRandomly(StrGroup::Completion& c, std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:
    case 1:
      (void)c.Complete(std::string("value"));
      break;
    case 2:
      (void)c.Fail(absl::UnavailableError("origin down"));
      break;
    default:
      c = StrGroup::Completion();  // Abandoned.
      break;
  }
}

// Joins `key` with a deadline that is, at random, none or up to `max_wait_ms`
// ahead on `clock`. A leader's handle goes to `leaders`, a follower's to
// `waiters`. A caller whose callback is never kept (the leader's, or one a
// bound refused) is counted as called once, so every id must end at one.
void JoinRandomly(StrGroup& group, edgekit::testing::FakeClock& clock, Tally& tally,
                  const std::string& key, uint32_t max_wait_ms, std::mt19937& rng,
                  std::vector<StrGroup::Completion>* leaders,
                  std::vector<StrGroup::Waiter>* waiters) {
  const size_t id = tally.next.fetch_add(1);
  const absl::Time deadline = rng() % 2 == 0
                                  ? absl::InfiniteFuture()
                                  : clock.MonotonicNow() + absl::Milliseconds(rng() % max_wait_ms);
  auto j = group.Join(key, Follow(tally, id), deadline);
  if (j.role == Role::kLeader) {
    tally.calls[id].fetch_add(1);  // A leader's callback is never kept.
    leaders->push_back(std::move(j.completion));
  } else if (j.role == Role::kFollower) {
    waiters->push_back(std::move(j.waiter));
  } else {
    tally.calls[id].fetch_add(1);  // Refused: nothing was kept.
  }
}

// Every id handed out ran its callback exactly once (main thread, after all
// workers have joined).
void CheckNoneHungNoneTwice(const Tally& tally) {
  int hung = 0;
  int twice = 0;
  for (size_t i = 0; i < tally.next.load(); ++i) {
    const int n = tally.calls[i].load();
    hung += n == 0 ? 1 : 0;
    twice += n > 1 ? 1 : 0;
  }
  CHECK(hung == 0);
  CHECK(twice == 0);
  CHECK(tally.bad_result.load() == 0);
}

TEST_CASE("Fault injection over many random flights leaves no waiter hung (one thread)",
          "[coalesce]") {
  constexpr size_t kOps = 20000;
  edgekit::testing::FakeClock clock;
  GroupOptions options;
  options.max_waiters_per_flight = 64;
  options.max_flights = 6;
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  Tally tally(kOps);
  std::mt19937 rng(12345);
  std::vector<StrGroup::Completion> leaders;
  std::vector<StrGroup::Waiter> waiters;
  size_t cancelled = 0;
  for (size_t op = 0; op < kOps; ++op) {
    const std::string key = "k" + std::to_string(rng() % 8);
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        JoinRandomly(group, clock, tally, key, 50, rng, &leaders, &waiters);
        break;
      case 4:
      case 5:
        if (!leaders.empty()) {
          const size_t i = rng() % leaders.size();
          FinishRandomly(leaders[i], rng);
          leaders.erase(leaders.begin() + static_cast<std::ptrdiff_t>(i));
        }
        break;
      case 6:
        if (!waiters.empty()) cancelled += group.Cancel(waiters[rng() % waiters.size()]) ? 1 : 0;
        break;
      case 7:
        clock.Advance(absl::Milliseconds(rng() % 20));
        (void)group.ExpireWaiters();
        break;
      case 8:
        (void)group.Forget(key);
        break;
      default:
        if (waiters.size() > 256) waiters.erase(waiters.begin(), waiters.begin() + 128);
        break;
    }
  }
  for (auto& c : leaders) FinishRandomly(c, rng);
  leaders.clear();

  CheckNoneHungNoneTwice(tally);
  const auto s = group.counters();
  CHECK(s.in_flight == 0);
  CHECK(s.cancellations == cancelled);
  // Every follower ended exactly one way.
  CHECK(s.joins == s.shared + s.timeouts + s.cancellations);
  CHECK(s.flights > 100);
  CHECK(s.errors > 0);
  CHECK(s.abandons > 0);
  CHECK(s.timeouts > 0);
  CHECK(s.cancellations > 0);
  CHECK(s.rejections > 0);
}

TEST_CASE("Fault injection from many threads is race-free and leaves no waiter hung",
          "[coalesce][concurrency]") {
  constexpr int kWorkers = 4;
  constexpr size_t kOpsPerWorker = 6000;
  edgekit::testing::FakeClock clock;
  GroupOptions options;
  options.max_waiters_per_flight = 200;
  options.max_flights = 8;
  options.shards = 4;
  auto made = StrGroup::Create(options, clock);
  REQUIRE(made.ok());
  StrGroup& group = **made;
  Tally tally(kWorkers * kOpsPerWorker);
  std::atomic<int> do_bad{0};
  std::atomic<int> do_timeouts{0};
  std::atomic<int> workers_left{kWorkers};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      std::mt19937 rng(1000 + static_cast<unsigned>(w));
      std::vector<StrGroup::Completion> mine;
      std::vector<StrGroup::Waiter> waiters;
      for (size_t op = 0; op < kOpsPerWorker; ++op) {
        const std::string key = "k" + std::to_string(rng() % 6);
        switch (rng() % 10) {
          case 0:
          case 1:
          case 2:
          case 3:
            JoinRandomly(group, clock, tally, key, 40, rng, &mine, &waiters);
            break;
          case 4:
          case 5:
            if (!mine.empty()) {
              FinishRandomly(mine.back(), rng);
              mine.pop_back();
            }
            break;
          case 6:
            if (!waiters.empty()) (void)group.Cancel(waiters[rng() % waiters.size()]);
            if (waiters.size() > 64) waiters.clear();
            break;
          case 7:
            (void)group.Forget(key);
            break;
          default: {
            // Hold nothing while blocking, so no thread waits on itself.
            for (auto& c : mine) FinishRandomly(c, rng);
            mine.clear();
            const StrResult r = group.DoWithTimeout(key, absl::Milliseconds(rng() % 30), [&] {
              return rng() % 3 == 0
                         ? absl::StatusOr<std::string>(absl::UnavailableError("origin down"))
                         : absl::StatusOr<std::string>("value");
            });
            if (r.reason() == Reason::kTimeout) do_timeouts.fetch_add(1);
            if (!r.ok() && r.reason() != Reason::kLeaderError && r.reason() != Reason::kAbandoned &&
                r.reason() != Reason::kTimeout && r.reason() != Reason::kTableFull &&
                r.reason() != Reason::kTooManyWaiters) {
              do_bad.fetch_add(1);
            }
            break;
          }
        }
      }
      for (auto& c : mine) FinishRandomly(c, rng);
      workers_left.fetch_sub(1);
    });
  }
  // The expirer: moves the fake clock and expires waiters until the workers end.
  std::thread expirer([&] {
    while (workers_left.load() > 0) {
      clock.Advance(absl::Milliseconds(5));
      (void)group.ExpireWaiters();
      std::this_thread::yield();
    }
  });
  for (auto& t : threads) t.join();
  expirer.join();

  CheckNoneHungNoneTwice(tally);
  CHECK(do_bad.load() == 0);
  const auto s = group.counters();
  CHECK(s.in_flight == 0);
  CHECK(s.joins == s.shared + s.timeouts + s.cancellations);
  CHECK(s.flights > 0);
}

}  // namespace
