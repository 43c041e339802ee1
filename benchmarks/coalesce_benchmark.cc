// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Benchmarks of edgekit::coalesce::Group, each beside its baseline:
//   BM_Baseline_DirectCall        the work function called directly
//   BM_Coalesce_Uncontended       the same function through Do (one caller, one key)
//   BM_Coalesce_UncontendedKeys   Do from 1-2 threads, one key per thread
//   BM_Coalesce_DistinctKeys      Do from 1-2 threads, each cycling through its own 1,024
//                                 keys (per-iteration time of threads:2 against threads:1)
//   BM_Baseline_CallbackVector    store + run one callback in a vector (the floor of Join)
//   BM_Coalesce_Join              per-follower cost: Join + its share of the delivery
//   BM_Coalesce_JoinContended     the same from 1-2 threads on one key
//   BM_Coalesce_Release50kWaiters leader's Complete until 50,000 followers have run
//   BM_Coalesce_Release50kWaitersExecutor  same, handing each callback to an executor
// Build in Release. Run: edgekit_coalesce_benchmark --benchmark_min_time=0.05
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/coalesce/group.h"

namespace {

using edgekit::coalesce::Group;
using edgekit::coalesce::Role;
using StrGroup = Group<std::string, std::string>;

// A host that shares a group between threads is a multi-threaded process.
// glibc skips the atomic instructions of pthread mutexes while a process has
// never started a second thread, which would flatter the one-thread figures
// (and no real server); start and join one thread first.
const bool kMultiThreaded = [] {
  std::thread([] {}).join();
  return true;
}();

// CPU time of the calling thread, in seconds: the timed regions below also
// report it, so that a loaded shared machine does not hide the real cost.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The "expensive" work: small but real (one allocation, like building a value).
std::string Work() { return std::string(48, 'x'); }

void BM_Baseline_DirectCall(benchmark::State& state) {
  for (auto _ : state) {
    std::string v = Work();
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Baseline_DirectCall);

void BM_Coalesce_Uncontended(benchmark::State& state) {
  StrGroup group;
  const std::string key = "/assets/app.js";
  for (auto _ : state) {
    auto r = group.Do(key, Work);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Coalesce_Uncontended);

StrGroup* shared_group = nullptr;

void BM_Coalesce_UncontendedKeys(benchmark::State& state) {
  if (state.thread_index() == 0) shared_group = new StrGroup();
  const std::string key = "/key/" + std::to_string(state.thread_index());
  for (auto _ : state) {
    auto r = shared_group->Do(key, Work);
    benchmark::DoNotOptimize(r);
  }
  if (state.thread_index() == 0) {
    delete shared_group;
    shared_group = nullptr;
  }
}
BENCHMARK(BM_Coalesce_UncontendedKeys)->ThreadRange(1, 2)->UseRealTime();

// Do from 1-2 threads, each cycling through its own 1024 keys: every call
// starts and finishes a flight of a key no other thread uses. Per-iteration
// real time of threads:2 against threads:1 shows whether flights on distinct
// keys share any written state.
StrGroup* distinct_group = nullptr;

void BM_Coalesce_DistinctKeys(benchmark::State& state) {
  constexpr size_t kKeys = 1024;
  if (state.thread_index() == 0) distinct_group = new StrGroup();
  std::vector<std::string> keys;
  keys.reserve(kKeys);
  for (size_t i = 0; i < kKeys; ++i) {
    keys.push_back("/t" + std::to_string(state.thread_index()) + "/k" + std::to_string(i));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto r = distinct_group->Do(keys[i], Work);
    benchmark::DoNotOptimize(r);
    i = (i + 1) & (kKeys - 1);
  }
  if (state.thread_index() == 0) {
    delete distinct_group;
    distinct_group = nullptr;
  }
}
BENCHMARK(BM_Coalesce_DistinctKeys)->ThreadRange(1, 2)->UseRealTime();

void BM_Baseline_CallbackVector(benchmark::State& state) {
  constexpr int kBatch = 1024;
  std::vector<absl::AnyInvocable<void(const std::string&)>> v;
  v.reserve(kBatch);
  uint64_t sink = 0;
  const std::string value = Work();
  for (auto _ : state) {
    v.emplace_back([&sink](const std::string& s) { sink += s.size(); });
    if (v.size() == kBatch) {
      for (auto& cb : v) cb(value);
      v.clear();
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Baseline_CallbackVector);

// One iteration = one follower joining; every `range(0)` followers the
// leader completes (so the delivery is included, amortized) and a new flight
// starts.
void BM_Coalesce_Join(benchmark::State& state) {
  const int64_t batch = state.range(0);
  StrGroup group;
  uint64_t sink = 0;
  auto lead = group.Join("hot", nullptr);
  int64_t n = 0;
  for (auto _ : state) {
    auto j = group.Join("hot",
                        [&sink](const StrGroup::ResultType& r) { sink += r.ok() ? r->size() : 0; });
    benchmark::DoNotOptimize(j.role);
    if (++n == batch) {
      (void)lead.completion.Complete(Work());
      lead = group.Join("hot", nullptr);
      n = 0;
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Coalesce_Join)->Arg(1024)->Arg(50000);

// Followers from 1-2 threads on one hot key (one shard lock contended). Any
// thread that happens to lead holds its completion and finishes it after
// `kBatch` of its own joins, so flights keep turning over.
StrGroup* contended_group = nullptr;

void BM_Coalesce_JoinContended(benchmark::State& state) {
  constexpr int kBatch = 1024;
  if (state.thread_index() == 0) contended_group = new StrGroup();
  StrGroup::Completion mine;
  int n = 0;
  for (auto _ : state) {
    auto j = contended_group->Join(
        "hot", [](const StrGroup::ResultType& r) { benchmark::DoNotOptimize(r.ok()); });
    if (j.role == Role::kLeader) mine = std::move(j.completion);
    if (++n == kBatch) {
      if (mine.valid()) (void)mine.Complete(Work());
      n = 0;
    }
  }
  if (mine.valid()) (void)mine.Complete(Work());
  state.SetItemsProcessed(state.iterations());
  // Callbacks capture nothing of this thread: another thread may run them later.
  if (state.thread_index() == 0) {
    delete contended_group;
    contended_group = nullptr;
  }
}
BENCHMARK(BM_Coalesce_JoinContended)->ThreadRange(1, 2)->UseRealTime();

constexpr int kReleaseFollowers = 50000;

// Per iteration: a leader and kReleaseFollowers followers join one key
// (untimed), then the timed region runs from the leader's Complete() through
// `drain()` (whatever the host must do to get the callbacks run). Reports the
// wall time as the iteration time and the thread's CPU time as release_cpu_ms.
template <class Drain>
void ReleaseFollowers(benchmark::State& state, StrGroup& group, Drain drain) {
  edgekit::Clock& clock = edgekit::RealClock::Get();
  uint64_t ran = 0;
  double cpu = 0;
  for (auto _ : state) {
    auto lead = group.Join("hot", nullptr);
    for (int i = 0; i < kReleaseFollowers; ++i) {
      (void)group.Join("hot", [&ran](const StrGroup::ResultType& r) { ran += r.ok() ? 1 : 0; });
    }
    const absl::Time start = clock.MonotonicNow();
    const double cpu_start = ThreadCpuSeconds();
    (void)lead.completion.Complete(Work());
    drain();
    cpu += ThreadCpuSeconds() - cpu_start;
    state.SetIterationTime(absl::ToDoubleSeconds(clock.MonotonicNow() - start));
  }
  state.counters["release_cpu_ms"] =
      benchmark::Counter(cpu * 1e3 / static_cast<double>(state.iterations()));
  if (ran != static_cast<uint64_t>(kReleaseFollowers) * state.iterations()) {
    state.SkipWithError("not every follower ran");
  }
}

// Time from the leader's Complete() until all 50,000 followers' callbacks have
// run (inline, on the completing thread). The joins are set up untimed.
void BM_Coalesce_Release50kWaiters(benchmark::State& state) {
  StrGroup group;
  ReleaseFollowers(state, group, [] {});
  state.counters["followers"] = kReleaseFollowers;
}
BENCHMARK(BM_Coalesce_Release50kWaiters)->UseManualTime()->Unit(benchmark::kMillisecond);

// Same, but each callback goes through a host executor (a task queue) that is
// drained inside the timed region: the cost an event loop pays.
void BM_Coalesce_Release50kWaitersExecutor(benchmark::State& state) {
  std::vector<absl::AnyInvocable<void()>> queue;
  queue.reserve(kReleaseFollowers);
  edgekit::coalesce::GroupOptions options;
  options.executor = [&queue](absl::AnyInvocable<void()> task) {
    queue.push_back(std::move(task));
  };
  auto made = StrGroup::Create(options);
  if (!made.ok()) return state.SkipWithError("bad options");
  StrGroup& group = **made;
  ReleaseFollowers(state, group, [&queue] {
    for (auto& task : queue) task();
    queue.clear();
  });
}
BENCHMARK(BM_Coalesce_Release50kWaitersExecutor)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
