// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Small helpers over hiredis shared by the sync client, the event-loop client
// and the subscriber.

#ifndef EDGEKIT_SRC_REDIS_HIREDIS_UTIL_H_
#define EDGEKIT_SRC_REDIS_HIREDIS_UTIL_H_

#include <cstddef>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/redis/command.h"

struct redisReply;
struct redisContext;
struct redisReader;

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

// Replies nest at most this deep (CLUSTER SLOTS needs 3).
inline constexpr int kMaxReplyDepth = 8;

// Copies a hiredis reply, refusing more than `*budget` bytes of strings and
// nesting deeper than kMaxReplyDepth. Returns false when refused.
bool ConvertReply(const redisReply* in, redis::Reply* out, size_t* budget);

// Waits until `fd` is ready for `events` (poll flags) or `deadline` (real
// monotonic time) passes. Returns the ready events, 0 on timeout, -1 on error.
int WaitFd(int fd, short events, absl::Time deadline);

// Bytes the context's reader holds but has not parsed into a reply yet.
size_t BufferedReplyBytes(const redisContext* ctx);

// What one reply may take while hiredis builds it: its arrays' element
// vectors and its strings, in bytes. hiredis 0.14 allocates an array's
// element vector from the declared length before any element arrives, so
// without this a server could make it allocate gigabytes with a dozen bytes.
struct ReplyBudget {
  size_t max = 0;
  size_t used = 0;  // reset when a reply is complete
};

// Makes `reader` refuse (as out of memory: a reader error) any reply that
// would take more than budget->max. `budget` must outlive the reader.
void BoundReader(redisReader* reader, ReplyBudget* budget);

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_HIREDIS_UTIL_H_
