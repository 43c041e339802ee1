// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Lua scripts run atomically in Redis by edgekit's fleet limiters, with their
// SHA-1 (what EVALSHA names them by). The digests are constants so that the
// core needs no crypto library; tests/redis/commands_test.cc checks each one
// against the digest a real redis-server returns for SCRIPT LOAD.
//
// Times are integer microseconds on the caller's wall clock (fleet nodes keep
// their clocks in sync with NTP; the scripts never read the server's clock, so
// a decision depends only on its arguments and the stored state). Each script
// touches one key (hash-tagged with the limited key), so it runs on one
// cluster slot and a slot migration moves its whole state at once.

#ifndef EDGEKIT_SRC_REDIS_SCRIPTS_H_
#define EDGEKIT_SRC_REDIS_SCRIPTS_H_

#include <string_view>

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

struct LuaScript {
  std::string_view source;
  std::string_view sha1;  // lowercase hex of SHA-1(source)
};

// GCRA. KEYS[1] = the key's TAT. ARGV = now_us, emission_interval_us (T),
// capacity (burst B), cost. Allowed iff new_tat - now <= B*T.
// Returns {allowed, remaining, retry_after_us, reset_after_us}.
inline constexpr char kGcraSource[] = R"lua(
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

// Sliding window counter on one key: a hash of unit counts by window index
// (one key, so a resharding never splits a decision's state: no TRYAGAIN).
// KEYS[1] = the hash. ARGV = now_us, window_us, limit, cost, window_start_us,
// current window's field, previous window's field. Estimate = prev * (1 -
// elapsed/window) + cur; allowed iff estimate + cost <= limit. Returns
// {allowed, remaining, retry_after_us, reset_after_us}.
inline constexpr char kSlidingWindowSource[] = R"lua(
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local start = tonumber(ARGV[5])
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[6]) or '0')
local prev = tonumber(redis.call('HGET', KEYS[1], ARGV[7]) or '0')
local elapsed = now - start
local weight = (window - elapsed) / window
local estimate = prev * weight + cur
if estimate + cost <= limit then
  redis.call('HINCRBY', KEYS[1], ARGV[6], cost)
  if redis.call('HLEN', KEYS[1]) > 2 then
    for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
      if field ~= ARGV[6] and field ~= ARGV[7] then redis.call('HDEL', KEYS[1], field) end
    end
  end
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

// Hybrid limiter sync for one key, on the same one-hash layout. KEYS[1] = the
// hash of fleet unit counts by window index. ARGV = current window's field,
// previous window's field, this node's new units in each, the key's time to
// live in ms. Returns {current_total, previous_total}.
inline constexpr char kHybridSyncSource[] = R"lua(
local function add(field, delta)
  if delta > 0 then return redis.call('HINCRBY', KEYS[1], field, delta) end
  return tonumber(redis.call('HGET', KEYS[1], field) or '0')
end
local cur_delta = tonumber(ARGV[3])
local prev_delta = tonumber(ARGV[4])
local totals = {add(ARGV[1], cur_delta), add(ARGV[2], prev_delta)}
if cur_delta > 0 or prev_delta > 0 then
  if redis.call('HLEN', KEYS[1]) > 2 then
    for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
      if field ~= ARGV[1] and field ~= ARGV[2] then redis.call('HDEL', KEYS[1], field) end
    end
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
end
return totals
)lua";

inline constexpr LuaScript kGcraScript{kGcraSource, "c53567b51c0502541117080d5fa1d533533ca0ba"};
inline constexpr LuaScript kSlidingWindowScript{kSlidingWindowSource,
                                                "2a06669688bb2c9c305c822647e2201cecb9d7a9"};
inline constexpr LuaScript kHybridSyncScript{kHybridSyncSource,
                                             "f6b5fcea8ca2c8938f3f53274dbed9e37e4f7771"};

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_SCRIPTS_H_
