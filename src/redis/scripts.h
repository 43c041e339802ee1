// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Lua scripts run atomically in Redis by edgekit's fleet limiters. Times are
// integer microseconds on the caller's wall clock (fleet nodes keep their
// clocks in sync with NTP; the scripts never read the server's clock, so a
// decision depends only on its arguments and the stored state).

#ifndef EDGEKIT_SRC_REDIS_SCRIPTS_H_
#define EDGEKIT_SRC_REDIS_SCRIPTS_H_

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

// GCRA. KEYS[1] = the key's TAT. ARGV = now_us, emission_interval_us (T),
// capacity (burst B), cost. Allowed iff new_tat - now <= B*T.
// Returns {allowed, remaining, retry_after_us, reset_after_us}.
inline constexpr char kGcraScript[] = R"lua(
local now = tonumber(ARGV[1])
local t = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local limit_span = burst * t
local new_tat = tat + cost * t
if new_tat - now <= limit_span then
  local ttl_ms = math.ceil((new_tat - now) / 1000)
  if ttl_ms < 1 then ttl_ms = 1 end
  redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
  local remaining = math.floor((limit_span - (new_tat - now)) / t)
  return {1, remaining, 0, new_tat - now}
end
local retry = new_tat - limit_span - now
if cost > burst then retry = -1 end
local remaining = math.floor((limit_span - (tat - now)) / t)
if remaining < 0 then remaining = 0 end
return {0, remaining, retry, tat - now}
)lua";

// Sliding window counter. KEYS[1] = current window's count, KEYS[2] = the
// previous window's. ARGV = now_us, window_us, limit, cost, window_start_us.
// Estimate = prev * (1 - elapsed/window) + cur; allowed iff estimate + cost <=
// limit. Returns {allowed, remaining, retry_after_us, reset_after_us}.
inline constexpr char kSlidingWindowScript[] = R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local start = tonumber(ARGV[5])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local elapsed = now - start
local weight = (window - elapsed) / window
local estimate = prev * weight + cur
if estimate + cost <= limit then
  redis.call('INCRBY', KEYS[1], cost)
  redis.call('PEXPIRE', KEYS[1], math.ceil(2 * window / 1000))
  local remaining = math.floor(limit - estimate - cost)
  return {1, remaining, 0, window - elapsed}
end
local retry
if cost > limit then
  retry = -1
elseif cur + cost > limit then
  -- Not before the next window; there `cur` becomes the previous count.
  local need = cur + cost - limit
  retry = window - elapsed
  if cur > 0 and need > 0 then
    retry = retry + math.ceil(window * need / cur)
  end
else
  -- prev * (window - e') / window + cur + cost <= limit
  local e2 = window - math.floor(window * (limit - cur - cost) / prev)
  retry = e2 - elapsed
  if retry < 1 then retry = 1 end
end
local remaining = math.floor(limit - estimate)
if remaining < 0 then remaining = 0 end
return {0, remaining, retry, window - elapsed}
)lua";

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_SCRIPTS_H_
