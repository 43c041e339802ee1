// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <utility>

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct Subscriber::Impl {
  redisContext* ctx = nullptr;
  ~Impl() {
    if (ctx != nullptr) redisFree(ctx);
  }
};

absl::StatusOr<std::unique_ptr<Subscriber>> Subscriber::Create(SubscriberOptions options,
                                                               Clock& clock) {
  // Reuse the client's validation of the connection options.
  auto probe = Client::Create(options.redis, clock);
  if (!probe.ok()) return probe.status();
  if (options.max_message_bytes == 0 || options.max_messages_per_poll == 0) {
    return absl::InvalidArgumentError("redis: subscriber bounds must be positive");
  }
  return std::unique_ptr<Subscriber>(new Subscriber(std::move(options), clock));
}

Subscriber::Subscriber(SubscriberOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), backoff_(options_.redis.reconnect_backoff_min) {}

Subscriber::~Subscriber() = default;

bool Subscriber::connected() const { return impl_ != nullptr; }

void Subscriber::Subscribe(std::string channel, Handler handler,
                           std::function<void()> on_resubscribe) {
  for (Channel& c : channels_) {
    if (c.name == channel) {
      c.handler = std::move(handler);
      c.on_resubscribe = std::move(on_resubscribe);
      return;
    }
  }
  channels_.push_back({std::move(channel), std::move(handler), std::move(on_resubscribe)});
  // Subscribe to everything again on the next Poll, the new channel included.
  impl_.reset();
  next_attempt_ = absl::InfinitePast();
}

void Subscriber::Drop() {
  if (impl_ != nullptr) {
    impl_.reset();
  }
  ++counters_.errors;
  next_attempt_ = clock_.MonotonicNow() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.redis.reconnect_backoff_max);
}

absl::Status Subscriber::EnsureSubscribed() {
  if (impl_ != nullptr) return absl::OkStatus();
  if (channels_.empty()) return absl::OkStatus();
  if (clock_.MonotonicNow() < next_attempt_) {
    return absl::UnavailableError("redis: subscriber waiting to reconnect");
  }
  redisContext* ctx = redisConnectWithTimeout(options_.redis.host.c_str(), options_.redis.port,
                                              absl::ToTimeval(options_.redis.connect_timeout));
  if (ctx == nullptr || ctx->err != 0 ||
      redisSetTimeout(ctx, absl::ToTimeval(options_.redis.command_timeout)) != REDIS_OK) {
    if (ctx != nullptr) redisFree(ctx);
    Drop();
    return absl::UnavailableError("redis: subscriber cannot connect");
  }
  impl_ = std::make_unique<Impl>();
  impl_->ctx = ctx;
  std::vector<const char*> argv = {"SUBSCRIBE"};
  std::vector<size_t> lens = {9};
  for (const Channel& c : channels_) {
    argv.push_back(c.name.data());
    lens.push_back(c.name.size());
  }
  if (redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    Drop();
    return absl::UnavailableError("redis: subscribe failed");
  }
  // One confirmation per channel.
  for (size_t i = 0; i < channels_.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
      Drop();
      return absl::UnavailableError("redis: subscribe not confirmed");
    }
    freeReplyObject(raw);
  }
  backoff_ = options_.redis.reconnect_backoff_min;
  ++counters_.reconnects;
  const bool resubscribed = ever_subscribed_;
  ever_subscribed_ = true;
  if (resubscribed) {
    for (const Channel& c : channels_) {
      if (c.on_resubscribe) c.on_resubscribe();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> Subscriber::Poll(absl::Duration max_wait) {
  if (absl::Status s = EnsureSubscribed(); !s.ok()) return s;
  if (impl_ == nullptr) return 0;
  redisContext* ctx = impl_->ctx;
  size_t handled = 0;
  bool waited = false;
  while (handled < options_.max_messages_per_poll) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(ctx, &raw) != REDIS_OK) {
      Drop();
      return absl::UnavailableError("redis: subscriber protocol error");
    }
    if (raw == nullptr) {
      // Nothing buffered: wait for the socket once, then read what arrived.
      if (waited) break;
      waited = true;
      pollfd p{ctx->fd, POLLIN, 0};
      const int timeout_ms =
          static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(max_wait)));
      const int ready = poll(&p, 1, timeout_ms);
      if (ready <= 0) break;
      if (redisBufferRead(ctx) != REDIS_OK) {
        Drop();
        return absl::UnavailableError("redis: subscriber connection lost");
      }
      continue;
    }
    auto* reply = static_cast<redisReply*>(raw);
    // ["message", channel, payload]
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        std::string_view(reply->element[0]->str, reply->element[0]->len) == "message") {
      const std::string_view channel(reply->element[1]->str, reply->element[1]->len);
      const std::string_view payload(reply->element[2]->str, reply->element[2]->len);
      if (payload.size() > options_.max_message_bytes) {
        ++counters_.dropped_oversized;
      } else {
        for (const Channel& c : channels_) {
          if (c.name == channel && c.handler) c.handler(payload);
        }
        ++counters_.messages;
        ++handled;
      }
    }
    freeReplyObject(reply);
  }
  return handled;
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
