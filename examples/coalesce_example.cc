// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: coalesce_example.cc
// -----------------------------------------------------------------------------
// edgekit::coalesce in a host: one origin fetch per key while others wait.
//   1. Threads: eight threads ask for the same URL through `Do`; the origin
//      is called once and all eight share the response.
//   2. Event loop: requests `Join` a flight; the leader's fetch completes
//      later (here: from the loop's pending-work queue) and every follower's
//      continuation runs with the shared response. One client gives up early
//      (cancel), one has a deadline that the loop's timer enforces through
//      `ExpireWaiters`.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "edgekit/base/clock.h"
#include "edgekit/coalesce/group.h"

namespace {

struct Response {
  int status;
  std::string body;
};

std::atomic<int> origin_calls{0};

absl::StatusOr<Response> FetchFromOriginBlocking(const std::string& url) {
  origin_calls.fetch_add(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Stands for network I/O.
  return Response{200, "body of " + url};
}

void ThreadsDemo() {
  // [guide-example]
  using Coalescer = edgekit::coalesce::Group<std::string, Response>;
  edgekit::coalesce::GroupOptions options;
  options.default_wait_timeout = absl::Seconds(2);  // no follower waits longer
  auto group = Coalescer::Create(options);
  if (!group.ok()) return;

  // Every request thread: at most one origin fetch per URL at a time; the
  // callers that arrive meanwhile share its response (one shared_ptr).
  std::atomic<int> shared{0};
  auto serve = [&](const std::string& url) {
    const Coalescer::ResultType r = (*group)->Do(url, [&] { return FetchFromOriginBlocking(url); });
    if (!r.ok()) return;                  // r.status(): the origin's error, a timeout, ...
    if (r.shared()) shared.fetch_add(1);  // r->body, r->status: the response
  };
  // [guide-example-end]
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) threads.emplace_back(serve, "/index.html");
  for (auto& t : threads) t.join();
  std::printf("threads: 8 requests, %d origin call(s), %d got a shared response\n",
              origin_calls.load(), shared.load());
}

using Coalescer = edgekit::coalesce::Group<std::string, Response>;

void EventLoopDemo() {
  // The host's event loop: a queue of tasks it runs in order.
  std::deque<absl::AnyInvocable<void()>> loop;
  edgekit::coalesce::GroupOptions options;
  options.max_waiters_per_flight = 10000;                                    // Per-key bound...
  options.on_too_many_waiters = edgekit::coalesce::OverflowPolicy::kReject;  // ...then 503.
  options.default_wait_timeout = absl::Seconds(30);  // Nobody waits forever.
  options.executor = [&loop](absl::AnyInvocable<void()> task) { loop.push_back(std::move(task)); };
  absl::StatusOr<std::unique_ptr<Coalescer>> made = Coalescer::Create(options);
  if (!made.ok()) {
    std::printf("bad options: %s\n", made.status().ToString().c_str());
    return;
  }
  Coalescer& group = **made;

  auto handle_request = [&](int client, absl::Time deadline) {
    auto join = group.Join(
        "/api/catalog",
        [client](const Coalescer::ResultType& r) {
          if (r.ok()) {
            std::printf("  client %d: %d %s\n", client, r->status, r->body.c_str());
          } else {
            std::printf("  client %d: error (%s): %s\n", client,
                        std::string(edgekit::coalesce::ToString(r.reason())).c_str(),
                        r.status().ToString().c_str());
          }
        },
        deadline);
    if (join.role == edgekit::coalesce::Role::kLeader) {
      std::printf("  client %d leads: starting the origin fetch\n", client);
      // The fetch finishes later, from the loop. The completion handle travels
      // with it; had the fetch been dropped, the handle's destructor would
      // have told every follower "abandoned" instead of leaving them hanging.
      loop.push_back([completion = std::move(join.completion)]() mutable {
        origin_calls.fetch_add(1);
        (void)completion.Complete(Response{200, "[catalog]"});
      });
    } else if (join.role != edgekit::coalesce::Role::kFollower) {
      std::printf("  client %d: 503 (%s)\n", client,
                  std::string(edgekit::coalesce::ToString(join.reason)).c_str());
    }
    return join;
  };

  // Deadlines live on the group's clock (here the real monotonic clock).
  const absl::Time now = edgekit::RealClock::Get().MonotonicNow();
  origin_calls = 0;
  auto leader = handle_request(1, absl::InfiniteFuture());
  auto c2 = handle_request(2, absl::InfiniteFuture());
  auto c3 = handle_request(3, absl::InfiniteFuture());
  auto c4 = handle_request(4, now);  // Its deadline has already passed.
  // Client 3 disconnects: only its wait ends; the fetch continues.
  (void)group.Cancel(c3.waiter);
  // The loop's timer fires.
  (void)group.ExpireWaiters(now);
  // Run the loop until it is idle.
  while (!loop.empty()) {
    auto task = std::move(loop.front());
    loop.pop_front();
    task();
  }
  const edgekit::coalesce::GroupCounters s = group.counters();
  std::printf(
      "event loop: %d origin call(s); flights=%llu joins=%llu shared=%llu timeouts=%llu "
      "cancellations=%llu\n",
      origin_calls.load(), static_cast<unsigned long long>(s.flights),
      static_cast<unsigned long long>(s.joins), static_cast<unsigned long long>(s.shared),
      static_cast<unsigned long long>(s.timeouts),
      static_cast<unsigned long long>(s.cancellations));
}

}  // namespace

int main() {
  ThreadsDemo();
  EventLoopDemo();
  return 0;
}
