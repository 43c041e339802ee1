// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/resp.h"

#include <hiredis/hiredis.h>

#include <utility>

#include "redis/hiredis_util.h"
#include "redis/pipe.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

std::string EncodeCommand(const Command& command) {
  return redis_internal::EncodeCommand(command.args);
}

struct ReplyReader::Impl {
  redisReader* reader = nullptr;
  size_t max_reply_bytes = 0;
  size_t unparsed = 0;  // bytes fed since the last complete reply
  redis_internal::ReplyBudget budget;
  bool failed = false;
  ~Impl() {
    if (reader != nullptr) redisReaderFree(reader);
  }
};

absl::StatusOr<std::unique_ptr<ReplyReader>> ReplyReader::Create(size_t max_reply_bytes) {
  if (max_reply_bytes < 1024 || max_reply_bytes > (size_t{1} << 30)) {
    return absl::InvalidArgumentError("redis: max_reply_bytes must be in [1 KiB, 1 GiB]");
  }
  auto impl = std::make_unique<Impl>();
  impl->reader = redisReaderCreate();
  if (impl->reader == nullptr) return absl::ResourceExhaustedError("redis: out of memory");
  impl->max_reply_bytes = max_reply_bytes;
  impl->budget.max = max_reply_bytes;
  redis_internal::BoundReader(impl->reader, &impl->budget);
  return std::unique_ptr<ReplyReader>(new ReplyReader(std::move(impl)));
}

ReplyReader::ReplyReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ReplyReader::~ReplyReader() = default;

absl::Status ReplyReader::Feed(std::string_view bytes) {
  if (impl_->failed) return absl::FailedPreconditionError("redis: reader failed earlier");
  impl_->unparsed += bytes.size();
  if (impl_->unparsed > impl_->max_reply_bytes) {
    impl_->failed = true;
    return absl::ResourceExhaustedError("redis: reply larger than max_reply_bytes");
  }
  if (redisReaderFeed(impl_->reader, bytes.data(), bytes.size()) != REDIS_OK) {
    impl_->failed = true;
    return absl::ResourceExhaustedError("redis: out of memory");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Reply>> ReplyReader::Next() {
  if (impl_->failed) return absl::FailedPreconditionError("redis: reader failed earlier");
  void* raw = nullptr;
  if (redisReaderGetReply(impl_->reader, &raw) != REDIS_OK) {
    impl_->failed = true;
    return absl::InvalidArgumentError("redis: protocol error");
  }
  if (raw == nullptr) return std::optional<Reply>();
  impl_->budget.used = 0;
  Reply reply;
  size_t budget = impl_->max_reply_bytes;
  const bool ok = redis_internal::ConvertReply(static_cast<redisReply*>(raw), &reply, &budget);
  freeReplyObject(raw);
  const redisReader* r = impl_->reader;
  impl_->unparsed = r->len > r->pos ? r->len - r->pos : 0;
  if (!ok) {
    impl_->failed = true;
    return absl::InvalidArgumentError("redis: reply too large or nested too deep");
  }
  return std::optional<Reply>(std::move(reply));
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
