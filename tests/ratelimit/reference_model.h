// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: reference_model.h
// -----------------------------------------------------------------------------
// Simple, exact, history-based reference models of the rate-limit algorithms
// for property tests. They keep the full list of admitted requests and decide
// from the definitions (no incremental state), so they share no code or
// formulation with the library. Quadratic; fine for test traces.

#ifndef EDGEKIT_TESTS_RATELIMIT_REFERENCE_MODEL_H_
#define EDGEKIT_TESTS_RATELIMIT_REFERENCE_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ratelimit_test {

struct Admitted {
  int64_t t;
  int64_t cost;
};

// Token bucket starting full, capacity C tokens, refill `refill` tokens per
// `period` ns. Definition: tokens(t) = min over s in {start} U {admission
// times <= t} U {t} of C + rate*(t - s) - admitted[s, t). Values are scaled by
// `period` to stay integral.
class TokenBucketModel {
 public:
  TokenBucketModel(int64_t capacity, int64_t refill, int64_t period, int64_t start)
      : c_(capacity), refill_(refill), period_(period), start_(start) {}

  // Scaled tokens (tokens * period) available at t.
  int64_t ScaledTokens(int64_t t) const {
    int64_t best = c_ * period_;  // s = t
    int64_t spent = 0;            // admitted in [s, t], s walking back in time
    for (size_t k = log_.size(); k-- > 0;) {
      if (log_[k].t > t) continue;
      spent += log_[k].cost;
      const int64_t v = c_ * period_ + refill_ * (t - log_[k].t) - spent * period_;
      if (v < best) best = v;
    }
    const int64_t v = c_ * period_ + refill_ * (t - start_) - spent * period_;
    return v < best ? v : best;
  }
  bool Decide(int64_t t, int64_t cost, int64_t* remaining) {
    const int64_t have = ScaledTokens(t);
    const bool ok = have >= cost * period_;
    if (ok) log_.push_back({t, cost});
    *remaining = (ok ? have - cost * period_ : have) / period_;
    return ok;
  }

 private:
  int64_t c_, refill_, period_, start_;
  std::vector<Admitted> log_;
};

// The window-counting definition both window models share: the admitted costs
// `in_window(a)` selects, plus `cost`, must not exceed `limit`. Admits into
// `*log` and sets `*remaining` to what is left after this decision.
template <class InWindow>
bool DecideByWindowCount(std::vector<Admitted>* log, int64_t limit, int64_t t, int64_t cost,
                         int64_t* remaining, InWindow in_window) {
  int64_t n = 0;
  for (const Admitted& a : *log) {
    if (in_window(a)) n += a.cost;
  }
  const bool ok = n + cost <= limit;
  if (ok) log->push_back({t, cost});
  *remaining = limit - n - (ok ? cost : 0);
  return ok;
}

// Exact sliding window: admitted costs with now - t < window, plus cost <= limit.
class SlidingLogModel {
 public:
  SlidingLogModel(int64_t limit, int64_t window) : limit_(limit), w_(window) {}
  bool Decide(int64_t t, int64_t cost, int64_t* remaining) {
    return DecideByWindowCount(&log_, limit_, t, cost, remaining,
                               [&](const Admitted& a) { return t - a.t < w_; });
  }

 private:
  int64_t limit_, w_;
  std::vector<Admitted> log_;
};

// Fixed window aligned to multiples of `window`.
class FixedWindowModel {
 public:
  FixedWindowModel(int64_t limit, int64_t window) : limit_(limit), w_(window) {}
  bool Decide(int64_t t, int64_t cost, int64_t* remaining) {
    return DecideByWindowCount(&log_, limit_, t, cost, remaining,
                               [&](const Admitted& a) { return a.t / w_ == t / w_; });
  }

 private:
  int64_t limit_, w_;
  std::vector<Admitted> log_;
};

// Two-window weighted estimate: prev * (w - e) / w + curr + cost <= limit,
// compared exactly as prev * (w - e) + (curr + cost) * w <= limit * w.
class SlidingCounterModel {
 public:
  SlidingCounterModel(int64_t limit, int64_t window) : limit_(limit), w_(window) {}
  bool Decide(int64_t t, int64_t cost) {
    const int64_t k = t / w_;
    int64_t prev = 0, curr = 0;
    for (const Admitted& a : log_) {
      if (a.t / w_ == k) curr += a.cost;
      if (a.t / w_ == k - 1) prev += a.cost;
    }
    const int64_t e = t - k * w_;
    const bool ok = prev * (w_ - e) + (curr + cost) * w_ <= limit_ * w_;
    if (ok) log_.push_back({t, cost});
    return ok;
  }

 private:
  int64_t limit_, w_;
  std::vector<Admitted> log_;
};

// A bursty, non-decreasing trace of request times (ns) starting at `start`.
inline std::vector<int64_t> BurstyTrace(std::mt19937_64& rng, int64_t start, int n,
                                        int64_t small_gap_ns, int64_t big_gap_ns) {
  std::vector<int64_t> times;
  int64_t t = start;
  std::uniform_int_distribution<int> pick(0, 99);
  for (int i = 0; i < n; ++i) {
    const int p = pick(rng);
    if (p < 60) {
      // same instant or tiny gap: a burst
      t += std::uniform_int_distribution<int64_t>(0, small_gap_ns / 10)(rng);
    } else if (p < 95) {
      t += std::uniform_int_distribution<int64_t>(0, small_gap_ns)(rng);
    } else {
      t += std::uniform_int_distribution<int64_t>(0, big_gap_ns)(rng);
    }
    times.push_back(t);
  }
  return times;
}

}  // namespace ratelimit_test

#endif  // EDGEKIT_TESTS_RATELIMIT_REFERENCE_MODEL_H_
