// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for the pure rate-limit transitions with extreme parameters,
// times and costs: no undefined behaviour (overflow) and the decision
// invariants hold: remaining >= 0, retry_after > 0 on a reject that can be
// retried, and the same request is allowed at now + retry_after (from the
// state the reject left).
//
// Input: byte 0 picks the algorithm; bytes 1..24 give limit, window and a
// third parameter; then 9-byte ops (8-byte time delta, signed, and a cost).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "absl/time/time.h"
#include "edgekit/ratelimit/fixed_window.h"
#include "edgekit/ratelimit/gcra.h"
#include "edgekit/ratelimit/quota_carryover.h"
#include "edgekit/ratelimit/sliding_window_counter.h"
#include "edgekit/ratelimit/sliding_window_log.h"
#include "edgekit/ratelimit/token_bucket.h"

namespace rl = edgekit::ratelimit;

namespace {

int64_t Read64(const uint8_t* p) {
  uint64_t v = 0;
  std::memcpy(&v, p, sizeof(v));
  return static_cast<int64_t>(v);
}

// The decision a copy of `state` (after the rejected call: a reject may still
// record bookkeeping such as a new key's first period) gives at `at`.
template <typename Policy>
bool Retry(const Policy& policy, typename Policy::State state, int64_t at, int64_t cost) {
  return policy.Apply(&state, at, cost).allowed;
}

template <typename Policy>
void Run(const Policy& policy, const uint8_t* ops, size_t size) {
  typename Policy::State state{};
  int64_t now = 0;
  for (size_t i = 0; i + 9 <= size && i < 9 * 512; i += 9) {
    // Mostly forward, sometimes backwards (stale callers), any magnitude.
    int64_t delta = Read64(ops + i) >> (ops[i] & 63);
    if (delta > (int64_t{1} << 61)) delta = int64_t{1} << 61;
    if (delta < -(int64_t{1} << 61)) delta = -(int64_t{1} << 61);
    now += delta;
    if (now < -(int64_t{1} << 62)) now = -(int64_t{1} << 62);
    if (now > (int64_t{1} << 62)) now = int64_t{1} << 62;
    const int64_t cost =
        ops[i + 8] == 255 ? -1 : (ops[i + 8] < 200 ? ops[i + 8] % 8 : ops[i + 8] * 1000000);
    const rl::Decision d = policy.Apply(&state, now, cost);
    if (d.remaining < 0 || d.reset_after_ns < 0 || d.retry_after_ns < 0) std::abort();
    if (!d.allowed && d.retry_after_ns != rl::Decision::kNever && now >= 0 &&
        now <= (int64_t{1} << 61)) {
      if (d.retry_after_ns == 0) std::abort();
      // Times are clamped at 2^62 ns (year 2116): check only below that.
      if (d.retry_after_ns < (int64_t{1} << 62) - now &&
          !Retry(policy, state, now + d.retry_after_ns, cost)) {
        std::abort();
      }
    }
    (void)policy.IsIdle(state, now);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 25) return 0;
  const int64_t limit = Read64(data + 1) >> (data[1] & 63);
  const absl::Duration window = absl::Nanoseconds(Read64(data + 9) >> (data[9] & 63));
  const int64_t third = Read64(data + 17) >> (data[17] & 63);
  const uint8_t* ops = data + 25;
  const size_t n = size - 25;
  switch (data[0] % 6) {
    case 0:
      if (auto p = rl::GcraPolicy::Create(limit, window, third); p.ok()) Run(*p, ops, n);
      break;
    case 1:
      if (auto p = rl::TokenBucketPolicy::Create(limit, third, window); p.ok()) Run(*p, ops, n);
      break;
    case 2:
      if (auto p = rl::FixedWindowPolicy::Create(limit, window); p.ok()) Run(*p, ops, n);
      break;
    case 3:
      if (auto p = rl::SlidingWindowCounterPolicy::Create(limit, window); p.ok()) Run(*p, ops, n);
      break;
    case 4:
      if (limit <= 4096) {  // keep the log's memory small per input
        if (auto p = rl::SlidingWindowLogPolicy::Create(limit, window); p.ok()) Run(*p, ops, n);
      }
      break;
    default:
      if (auto p = rl::QuotaCarryoverPolicy::Create(limit, window, static_cast<int>(third % 10),
                                                    third / 10);
          p.ok()) {
        Run(*p, ops, n);
      }
      break;
  }
  return 0;
}
