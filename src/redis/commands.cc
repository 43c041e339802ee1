// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/commands.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "redis/scripts.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// Window-based limits keep their counts in one hash per key.
constexpr char kWindowsSuffix[] = ":w";

std::string TaggedKey(std::string_view prefix, std::string_view key) {
  return absl::StrCat(AbslView(prefix), "{", AbslView(key), "}");
}

// EVALSHA <sha> <nkeys> <keys...> <args...>, routed by the first key.
Command ScriptCommand(const redis_internal::LuaScript& script, std::vector<std::string> keys,
                      std::vector<std::string> args) {
  Command c;
  c.args.reserve(3 + keys.size() + args.size());
  c.args.emplace_back("EVALSHA");
  c.args.emplace_back(script.sha1);
  c.args.push_back(absl::StrCat(keys.size()));
  for (std::string& k : keys) c.args.push_back(std::move(k));
  for (std::string& a : args) c.args.push_back(std::move(a));
  c.key_arg = 3;
  c.script_source = script.source;
  return c;
}

bool IsDecimal(std::string_view s) {
  return !s.empty() && s.size() <= 20 &&
         std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

}  // namespace

int64_t WindowIndex(absl::Time now, absl::Duration window) {
  const int64_t now_us = absl::ToUnixMicros(now);
  const int64_t window_us = std::max<int64_t>(1, absl::ToInt64Microseconds(window));
  return now_us >= 0 ? now_us / window_us : -1;
}

Command BuildGcraCommand(std::string_view key_prefix, std::string_view key, absl::Time now,
                         int64_t emission_interval_us, int64_t burst, int64_t cost) {
  return ScriptCommand(redis_internal::kGcraScript, {TaggedKey(key_prefix, key)},
                       {absl::StrCat(absl::ToUnixMicros(now)), absl::StrCat(emission_interval_us),
                        absl::StrCat(burst), absl::StrCat(cost)});
}

Command BuildSlidingWindowCommand(std::string_view key_prefix, std::string_view key, absl::Time now,
                                  absl::Duration window, int64_t limit, int64_t cost) {
  const int64_t window_us = std::max<int64_t>(1, absl::ToInt64Microseconds(window));
  const int64_t index = WindowIndex(now, window);
  return ScriptCommand(redis_internal::kSlidingWindowScript,
                       {absl::StrCat(TaggedKey(key_prefix, key), kWindowsSuffix)},
                       {absl::StrCat(absl::ToUnixMicros(now)), absl::StrCat(window_us),
                        absl::StrCat(limit), absl::StrCat(cost), absl::StrCat(index * window_us),
                        absl::StrCat(index), absl::StrCat(index - 1)});
}

std::optional<ratelimit::Decision> ParseLimitReply(const Reply& reply, int64_t limit) {
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 4) return std::nullopt;
  for (const Reply& e : reply.elements) {
    if (e.type != Reply::Type::kInteger) return std::nullopt;
  }
  const int64_t allowed = reply.elements[0].integer;
  const int64_t retry_us = reply.elements[2].integer;
  const int64_t reset_us = reply.elements[3].integer;
  if ((allowed != 0 && allowed != 1) || retry_us >= kMaxExactScriptNumber ||
      reset_us >= kMaxExactScriptNumber) {
    return std::nullopt;
  }
  ratelimit::Decision d;
  d.limit = limit;
  d.allowed = allowed == 1;
  d.remaining = std::max<int64_t>(0, reply.elements[1].integer);
  d.reset_after_ns = std::max<int64_t>(0, reset_us) * 1000;
  if (d.allowed) {
    d.reason = ratelimit::Reason::kAllowed;
  } else if (retry_us < 0) {
    d.reason = ratelimit::Reason::kCostExceedsLimit;
    d.retry_after_ns = ratelimit::Decision::kNever;
  } else {
    d.reason = ratelimit::Reason::kLimited;
    d.retry_after_ns = retry_us * 1000;
  }
  return d;
}

Command BuildHybridSyncCommand(std::string_view key_prefix, std::string_view key,
                               int64_t window_index, int64_t current_delta, int64_t previous_delta,
                               absl::Duration ttl) {
  return ScriptCommand(redis_internal::kHybridSyncScript,
                       {absl::StrCat(TaggedKey(key_prefix, key), kWindowsSuffix)},
                       {absl::StrCat(window_index), absl::StrCat(window_index - 1),
                        absl::StrCat(current_delta), absl::StrCat(previous_delta),
                        absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)))});
}

std::optional<WindowTotals> ParseHybridSyncReply(const Reply& reply) {
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 2) return std::nullopt;
  const Reply& cur = reply.elements[0];
  const Reply& prev = reply.elements[1];
  if (cur.type != Reply::Type::kInteger || prev.type != Reply::Type::kInteger) return std::nullopt;
  if (cur.integer < 0 || prev.integer < 0) return std::nullopt;
  return WindowTotals{cur.integer, prev.integer};
}

Command BuildScanCommand(std::string_view cursor, std::string_view pattern, size_t count) {
  return Command({"SCAN", cursor, "MATCH", pattern, "COUNT", absl::StrCat(count)});
}

std::optional<ScanPage> ParseScanReply(const Reply& reply) {
  if (reply.type != Reply::Type::kArray || reply.elements.size() != 2) return std::nullopt;
  const Reply& cursor = reply.elements[0];
  const Reply& keys = reply.elements[1];
  if (cursor.type != Reply::Type::kString || !IsDecimal(cursor.str)) return std::nullopt;
  if (keys.type != Reply::Type::kArray) return std::nullopt;
  ScanPage page;
  page.cursor = cursor.str;
  page.keys.reserve(keys.elements.size());
  for (const Reply& k : keys.elements) {
    if (k.type != Reply::Type::kString) return std::nullopt;
    page.keys.push_back(k.str);
  }
  return page;
}

Command BuildPublishCommand(std::string_view channel, std::string_view message) {
  return Command({"PUBLISH", channel, message});
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
