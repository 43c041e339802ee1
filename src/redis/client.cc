// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/client.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <sys/time.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// Converts a hiredis reply, refusing more than `*budget` bytes of strings.
bool Convert(const redisReply* r, Reply* out, size_t* budget, int depth) {
  if (depth > 8) return false;
  switch (r->type) {
    case REDIS_REPLY_NIL:
      out->type = Reply::Type::kNil;
      return true;
    case REDIS_REPLY_INTEGER:
      out->type = Reply::Type::kInteger;
      out->integer = r->integer;
      return true;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      if (r->len > *budget) return false;
      *budget -= r->len;
      out->type = r->type == REDIS_REPLY_STRING   ? Reply::Type::kString
                  : r->type == REDIS_REPLY_STATUS ? Reply::Type::kStatus
                                                  : Reply::Type::kError;
      out->str.assign(r->str, r->len);
      return true;
    case REDIS_REPLY_ARRAY:
      out->type = Reply::Type::kArray;
      out->elements.resize(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        if (!Convert(r->element[i], &out->elements[i], budget, depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

std::string Sha1Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(md), static_cast<size_t>(len)));
}

}  // namespace

Script::Script(std::string source) : source_(std::move(source)), sha1_(Sha1Hex(source_)) {}

struct Client::Impl {
  redisContext* ctx = nullptr;
  ~Impl() {
    if (ctx != nullptr) redisFree(ctx);
  }
};

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options, Clock& clock) {
  if (options.host.empty()) return absl::InvalidArgumentError("redis: empty host");
  if (options.port <= 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("redis: bad port ", options.port));
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.command_timeout <= absl::ZeroDuration() ||
      options.reconnect_backoff_min <= absl::ZeroDuration() ||
      options.reconnect_backoff_max < options.reconnect_backoff_min) {
    return absl::InvalidArgumentError("redis: timeouts and backoff must be positive");
  }
  return std::unique_ptr<Client>(new Client(std::move(options), clock));
}

Client::Client(ClientOptions options, Clock& clock)
    : options_(std::move(options)), clock_(clock), backoff_(options_.reconnect_backoff_min) {}

Client::~Client() = default;

bool Client::connected() const {
  MutexLock lock(&mu_);
  return impl_ != nullptr;
}

Client::Counters Client::counters() const {
  MutexLock lock(&mu_);
  Counters c = counters_;
  c.busy = busy_.load(std::memory_order_relaxed);
  return c;
}

bool Client::Acquire(Wait wait) {
  if (wait == Wait::kBlock) {
    mu_.Lock();
    return true;
  }
  if (mu_.TryLock()) return true;
  busy_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

void Client::DropLocked() {
  impl_.reset();
  ++counters_.errors;
  next_attempt_ = clock_.MonotonicNow() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.reconnect_backoff_max);
}

absl::Status Client::EnsureConnectedLocked() {
  if (impl_ != nullptr) return absl::OkStatus();
  if (clock_.MonotonicNow() < next_attempt_) {
    ++counters_.fast_failures;
    return absl::UnavailableError("redis: unreachable, waiting to reconnect");
  }
  redisContext* ctx = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                              absl::ToTimeval(options_.connect_timeout));
  if (ctx == nullptr || ctx->err != 0 ||
      redisSetTimeout(ctx, absl::ToTimeval(options_.command_timeout)) != REDIS_OK) {
    std::string why = ctx != nullptr ? ctx->errstr : "out of memory";
    if (ctx != nullptr) redisFree(ctx);
    DropLocked();
    return absl::UnavailableError(absl::StrCat("redis: connect failed: ", why));
  }
  redisEnableKeepAlive(ctx);
  impl_ = std::make_unique<Impl>();
  impl_->ctx = ctx;
  backoff_ = options_.reconnect_backoff_min;
  ++counters_.reconnects;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Reply>> Client::RoundTripLocked(
    const std::vector<std::vector<std::string_view>>& commands) {
  if (absl::Status s = EnsureConnectedLocked(); !s.ok()) return s;
  redisContext* ctx = impl_->ctx;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& cmd : commands) {
    argv.clear();
    lens.clear();
    for (std::string_view a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
        REDIS_OK) {
      std::string why = ctx->errstr;
      DropLocked();
      return absl::UnavailableError(absl::StrCat("redis: ", why));
    }
  }
  std::vector<Reply> replies(commands.size());
  size_t budget = options_.max_reply_bytes;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = ctx->errstr;
      DropLocked();
      return absl::UnavailableError(absl::StrCat("redis: ", why.empty() ? "no reply" : why));
    }
    auto* reply = static_cast<redisReply*>(raw);
    const bool ok = Convert(reply, &replies[i], &budget, 0);
    freeReplyObject(reply);
    if (!ok) {
      // The stream may still hold replies we will not read: drop the connection.
      DropLocked();
      return absl::UnavailableError("redis: reply too large or malformed");
    }
  }
  counters_.commands += commands.size();
  return replies;
}

static absl::Status BusyError() { return absl::UnavailableError("redis: connection busy"); }

absl::StatusOr<Reply> Client::Command(absl::Span<const std::string_view> argv, Wait wait) {
  if (argv.empty()) return absl::InvalidArgumentError("redis: empty command");
  if (!Acquire(wait)) return BusyError();
  auto replies = RoundTripLocked({std::vector<std::string_view>(argv.begin(), argv.end())});
  mu_.Unlock();
  if (!replies.ok()) return replies.status();
  return std::move((*replies)[0]);
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands, Wait wait) {
  std::vector<std::vector<std::string_view>> views;
  views.reserve(commands.size());
  for (const auto& cmd : commands) {
    if (cmd.empty()) return absl::InvalidArgumentError("redis: empty command in pipeline");
    views.emplace_back(cmd.begin(), cmd.end());
  }
  if (views.empty()) return std::vector<Reply>{};
  if (!Acquire(wait)) return BusyError();
  auto replies = RoundTripLocked(views);
  mu_.Unlock();
  return replies;
}

absl::StatusOr<Reply> Client::Eval(const Script& script, absl::Span<const std::string> keys,
                                   absl::Span<const std::string> args, Wait wait) {
  if (!Acquire(wait)) return BusyError();
  absl::StatusOr<Reply> reply = EvalLocked(script, keys, args);
  mu_.Unlock();
  return reply;
}

absl::StatusOr<Reply> Client::EvalLocked(const Script& script, absl::Span<const std::string> keys,
                                         absl::Span<const std::string> args) {
  const std::string nkeys = absl::StrCat(keys.size());
  std::vector<std::string_view> argv = {"EVALSHA", script.sha1(), nkeys};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto replies = RoundTripLocked({argv});
    if (!replies.ok()) return replies.status();
    Reply& reply = (*replies)[0];
    if (!reply.is_error()) return std::move(reply);
    if (!absl::StartsWith(reply.str, "NOSCRIPT") || attempt > 0) {
      return absl::InternalError(absl::StrCat("redis: script error: ", reply.str));
    }
    auto loaded = RoundTripLocked({{"SCRIPT", "LOAD", script.source()}});
    if (!loaded.ok()) return loaded.status();
    if ((*loaded)[0].is_error()) {
      return absl::InternalError(absl::StrCat("redis: SCRIPT LOAD: ", (*loaded)[0].str));
    }
    ++counters_.script_loads;
  }
  return absl::InternalError("redis: script could not be loaded");
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
