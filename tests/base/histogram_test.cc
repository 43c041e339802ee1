// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::Histogram: bucket placement, validation, concurrency.
#include <limits>
#include <thread>
#include <vector>

#include "edgekit/base/histogram.h"
#include "edgekit_catch.h"

using edgekit::Histogram;

TEST_CASE("Histogram puts a value in the first bucket whose bound is >= it", "[base]") {
  auto h = Histogram::Create({1, 2, 4}).value();
  h->Observe(0);
  h->Observe(1);    // on a bound: that bucket (le is inclusive)
  h->Observe(1.5);  // (1, 2]
  h->Observe(4);
  h->Observe(4.5);                                       // above the last bound: the +Inf bucket
  h->Observe(-3);                                        // below everything: the first bucket
  h->Observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  const edgekit::HistogramSnapshot s = h->Snapshot();
  CHECK(s.upper_bounds == std::vector<double>{1, 2, 4});
  CHECK(s.bucket_counts == std::vector<uint64_t>{3, 1, 1, 1});
  CHECK(s.count == 6);
  CHECK(s.sum == 8);
}

TEST_CASE("Histogram observes durations in seconds and defaults to latency bounds", "[base]") {
  Histogram h;
  CHECK(h.upper_bounds().size() == edgekit::kLatencyBoundsSeconds.size());
  h.Observe(absl::Microseconds(800));  // 0.0008 s: (0.0005, 0.001]
  h.Observe(absl::Seconds(30));        // +Inf
  const edgekit::HistogramSnapshot s = h.Snapshot();
  CHECK(s.bucket_counts[1] == 1);
  CHECK(s.bucket_counts.back() == 1);
  CHECK(s.sum == Approx(30.0008));
}

TEST_CASE("Histogram::Create rejects unusable bounds", "[base]") {
  CHECK(Histogram::Create({}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Histogram::Create({1, 1}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Histogram::Create({2, 1}).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Histogram::Create({1, std::numeric_limits<double>::infinity()}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Histogram::Create({std::numeric_limits<double>::quiet_NaN()}).status().code() ==
        absl::StatusCode::kInvalidArgument);
  std::vector<double> many(Histogram::kMaxBounds + 1);
  for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(i);
  CHECK(Histogram::Create(many).status().code() == absl::StatusCode::kInvalidArgument);
  many.pop_back();
  CHECK(Histogram::Create(many).ok());
}

TEST_CASE("Histogram loses no observation under concurrent Observe", "[base][concurrency]") {
  auto h = Histogram::Create({10, 20}).value();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (int i = 0; i < kPerThread; ++i) h->Observe(static_cast<double>((i + t) % 30));
    });
  }
  // Snapshots taken while observers run are internally consistent.
  for (int i = 0; i < 50; ++i) {
    const edgekit::HistogramSnapshot s = h->Snapshot();
    uint64_t total = 0;
    for (uint64_t c : s.bucket_counts) total += c;
    CHECK(total == s.count);
  }
  for (std::thread& t : threads) t.join();
  const edgekit::HistogramSnapshot s = h->Snapshot();
  CHECK(s.count == uint64_t{kThreads} * kPerThread);
  // Values 0..29 cycle evenly per thread; the sum is exact in doubles here.
  double expected = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) expected += (i + t) % 30;
  }
  CHECK(s.sum == expected);
  CHECK(s.bucket_counts[0] + s.bucket_counts[1] + s.bucket_counts[2] == s.count);
}
