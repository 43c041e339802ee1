// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "redis/hiredis_util.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <time.h>

#include <algorithm>

#include "redis/pipe.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {
namespace {

bool Convert(const redisReply* r, redis::Reply* out, size_t* budget, int depth) {
  if (depth > kMaxReplyDepth) return false;
  switch (r->type) {
    case REDIS_REPLY_NIL:
      out->type = redis::Reply::Type::kNil;
      return true;
    case REDIS_REPLY_INTEGER:
      out->type = redis::Reply::Type::kInteger;
      out->integer = r->integer;
      return true;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      if (r->len > *budget) return false;
      *budget -= r->len;
      out->type = r->type == REDIS_REPLY_STRING   ? redis::Reply::Type::kString
                  : r->type == REDIS_REPLY_STATUS ? redis::Reply::Type::kStatus
                                                  : redis::Reply::Type::kError;
      out->str.assign(r->str, r->len);
      return true;
    case REDIS_REPLY_ARRAY:
      // Each element costs at least its own bookkeeping: count it against the budget.
      if (r->elements > *budget / sizeof(redis::Reply)) return false;
      *budget -= r->elements * sizeof(redis::Reply);
      out->type = redis::Reply::Type::kArray;
      out->elements.resize(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        if (!Convert(r->element[i], &out->elements[i], budget, depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

// hiredis's own reply builders (static in hiredis.c; a new reader points at them).
const redisReplyObjectFunctions& DefaultFunctions() {
  static const redisReplyObjectFunctions defaults = [] {
    redisReader* r = redisReaderCreate();
    redisReplyObjectFunctions copy = *r->fn;
    redisReaderFree(r);
    return copy;
  }();
  return defaults;
}

bool Charge(const redisReadTask* task, size_t bytes) {
  auto* budget = static_cast<ReplyBudget*>(task->privdata);
  if (budget == nullptr) return true;
  if (bytes > budget->max || budget->used > budget->max - bytes) return false;
  budget->used += bytes;
  return true;
}

void* BoundedArray(const redisReadTask* task, int elements) {
  if (elements < 0 ||
      !Charge(task, sizeof(redisReply) + static_cast<size_t>(elements) * sizeof(redisReply*))) {
    return nullptr;  // hiredis reports it as out of memory
  }
  return DefaultFunctions().createArray(task, elements);
}

void* BoundedString(const redisReadTask* task, char* str, size_t len) {
  if (!Charge(task, sizeof(redisReply) + len)) return nullptr;
  return DefaultFunctions().createString(task, str, len);
}

void* BoundedInteger(const redisReadTask* task, long long value) {
  if (!Charge(task, sizeof(redisReply))) return nullptr;
  return DefaultFunctions().createInteger(task, value);
}

void* BoundedNil(const redisReadTask* task) {
  if (!Charge(task, sizeof(redisReply))) return nullptr;
  return DefaultFunctions().createNil(task);
}

redisReplyObjectFunctions* BoundedFunctions() {
  static redisReplyObjectFunctions bounded = [] {
    redisReplyObjectFunctions f = DefaultFunctions();
    f.createArray = BoundedArray;
    f.createString = BoundedString;
    f.createInteger = BoundedInteger;
    f.createNil = BoundedNil;
    return f;
  }();
  return &bounded;
}

}  // namespace

void BoundReader(redisReader* reader, ReplyBudget* budget) {
  reader->fn = BoundedFunctions();
  reader->privdata = budget;
}

bool ConvertReply(const redisReply* in, redis::Reply* out, size_t* budget) {
  return in != nullptr && Convert(in, out, budget, 0);
}

int WaitFd(int fd, short events, absl::Time deadline) {
  for (;;) {
    const absl::Duration left = std::max(absl::ZeroDuration(), deadline - RealNow());
    const timespec ts = absl::ToTimespec(left);
    pollfd p{fd, events, 0};
    const int n = ppoll(&p, 1, &ts, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n;
    return p.revents;
  }
}

size_t BufferedReplyBytes(const redisContext* ctx) {
  const redisReader* r = ctx->reader;
  return r->len > r->pos ? r->len - r->pos : 0;
}

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END
