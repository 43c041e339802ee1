// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/subscriber.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "redis/hiredis_util.h"
#include "redis/metrics_util.h"
#include "redis/pipe.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

constexpr size_t kMaxChannels = 1024;

struct FreeReply {
  void operator()(void* r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<void, FreeReply>;

// A blocking command on a fresh subscriber connection (its socket timeout is
// the command timeout).
absl::StatusOr<OwnedReply> Call(redisContext* ctx, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (raw == nullptr) return absl::UnavailableError(absl::StrCat("redis: ", ctx->errstr));
  return OwnedReply(raw);
}

}  // namespace

struct Subscriber::Impl {
  redisContext* ctx = nullptr;
  redis_internal::ReplyBudget budget;
  ~Impl() {
    if (ctx != nullptr) redisFree(ctx);
  }
};

absl::StatusOr<std::unique_ptr<Subscriber>> Subscriber::Create(SubscriberOptions options,
                                                               Clock& clock) {
  if (absl::Status s = ValidateClientOptions(options.redis); !s.ok()) return s;
  if (options.max_message_bytes < 1 || options.max_message_bytes > (size_t{512} << 20)) {
    return absl::InvalidArgumentError("redis: max_message_bytes must be in [1, 512 MiB]");
  }
  if (options.max_messages_per_poll < 1 || options.max_messages_per_poll > (size_t{1} << 20)) {
    return absl::InvalidArgumentError("redis: max_messages_per_poll must be in [1, 2^20]");
  }
  return std::unique_ptr<Subscriber>(new Subscriber(std::move(options), clock));
}

Subscriber::Subscriber(SubscriberOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), backoff_(options_.redis.reconnect_backoff_min) {}

Subscriber::~Subscriber() = default;

bool Subscriber::connected() const { return impl_ != nullptr; }

SubscriberCounters Subscriber::counters() const {
  SubscriberCounters c;
  c.messages = messages_.load(std::memory_order_relaxed);
  c.dropped_oversized = dropped_oversized_.load(std::memory_order_relaxed);
  c.connects = connects_.load(std::memory_order_relaxed);
  c.errors = errors_.load(std::memory_order_relaxed);
  return c;
}

void Subscriber::VisitMetrics(MetricsVisitor& visitor) const {
  const SubscriberCounters c = counters();
  const redis_internal::MetricEmitter emit(visitor);
  emit.Counter("edgekit_redis_subscriber_messages_total", "Messages handled", c.messages);
  emit.Counter("edgekit_redis_subscriber_dropped_oversized_total",
               "Messages over max_message_bytes", c.dropped_oversized);
  emit.Counter("edgekit_redis_subscriber_connects_total", "Subscriptions established", c.connects);
  emit.Counter("edgekit_redis_subscriber_errors_total", "Connections lost or refused", c.errors);
}

void Subscriber::Subscribe(std::string channel, Handler handler,
                           std::function<void()> on_resubscribe) {
  for (Channel& c : channels_) {
    if (c.name == channel) {
      c.handler = std::move(handler);
      c.on_resubscribe = std::move(on_resubscribe);
      return;
    }
  }
  if (channels_.size() >= kMaxChannels) return;
  channels_.push_back({std::move(channel), std::move(handler), std::move(on_resubscribe)});
  // Subscribe to everything again on the next Poll, the new channel included.
  impl_.reset();
  next_attempt_ = absl::InfinitePast();
}

void Subscriber::Drop() {
  impl_.reset();
  errors_.fetch_add(1, std::memory_order_relaxed);
  endpoint_ = (endpoint_ + 1) % options_.redis.endpoints.size();
  next_attempt_ = clock_.MonotonicNow() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.redis.reconnect_backoff_max);
}

absl::Status Subscriber::EnsureSubscribed() {
  if (impl_ != nullptr || channels_.empty()) return absl::OkStatus();
  if (clock_.MonotonicNow() < next_attempt_) {
    return absl::UnavailableError("redis: subscriber waiting to reconnect");
  }
  const Endpoint& e = options_.redis.endpoints[endpoint_];
  redisContext* ctx = redisConnectWithTimeout(e.host.c_str(), e.port,
                                              absl::ToTimeval(options_.redis.connect_timeout));
  if (ctx == nullptr || ctx->err != 0 ||
      redisSetTimeout(ctx, absl::ToTimeval(options_.redis.command_timeout)) != REDIS_OK) {
    const std::string why = ctx != nullptr ? ctx->errstr : "out of memory";
    if (ctx != nullptr) redisFree(ctx);
    Drop();
    return absl::UnavailableError(
        absl::StrCat("redis: subscriber: connect ", ToString(e), ": ", why));
  }
  impl_ = std::make_unique<Impl>();
  impl_->ctx = ctx;
  // A message may not take more than max_message_bytes (plus framing) while parsed.
  impl_->budget.max = options_.max_message_bytes + 4096;
  redis_internal::BoundReader(ctx->reader, &impl_->budget);
  const ClientOptions& o = options_.redis;
  if (!o.password.empty()) {
    auto auth =
        Call(ctx, o.username.empty() ? std::vector<std::string>{"AUTH", o.password}
                                     : std::vector<std::string>{"AUTH", o.username, o.password});
    if (!auth.ok() || static_cast<redisReply*>(auth->get())->type == REDIS_REPLY_ERROR) {
      Drop();
      return auth.ok() ? absl::UnauthenticatedError("redis: subscriber: AUTH refused")
                       : auth.status();
    }
  }
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
    OwnedReply owned(raw);
    impl_->budget.used = 0;
    if (static_cast<redisReply*>(raw)->type == REDIS_REPLY_ERROR) {
      Drop();
      return absl::UnavailableError("redis: subscribe refused");
    }
  }
  backoff_ = options_.redis.reconnect_backoff_min;
  connects_.fetch_add(1, std::memory_order_relaxed);
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
      const int ready =
          redis_internal::WaitFd(ctx->fd, POLLIN, redis_internal::RealNow() + max_wait);
      if (ready <= 0) break;
      // A message may not grow past max_message_bytes (plus framing) unparsed.
      if (redisBufferRead(ctx) != REDIS_OK ||
          redis_internal::BufferedReplyBytes(ctx) > options_.max_message_bytes + 4096) {
        Drop();
        return absl::UnavailableError("redis: subscriber connection lost");
      }
      continue;
    }
    OwnedReply owned(raw);
    impl_->budget.used = 0;
    auto* reply = static_cast<redisReply*>(raw);
    // ["message", channel, payload]
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
        reply->element[0]->type == REDIS_REPLY_STRING &&
        reply->element[1]->type == REDIS_REPLY_STRING &&
        reply->element[2]->type == REDIS_REPLY_STRING &&
        std::string_view(reply->element[0]->str, reply->element[0]->len) == "message") {
      const std::string_view channel(reply->element[1]->str, reply->element[1]->len);
      const std::string_view payload(reply->element[2]->str, reply->element[2]->len);
      if (payload.size() > options_.max_message_bytes) {
        dropped_oversized_.fetch_add(1, std::memory_order_relaxed);
      } else {
        for (const Channel& c : channels_) {
          if (c.name == channel && c.handler) c.handler(payload);
        }
        messages_.fetch_add(1, std::memory_order_relaxed);
        ++handled;
        // A handler that subscribed to a new channel reset the connection.
        if (impl_ == nullptr || impl_->ctx != ctx) break;
      }
    }
  }
  return handled;
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
