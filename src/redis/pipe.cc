// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "redis/pipe.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "redis/hiredis_util.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {
namespace {

// Reads at most this much per system call.
constexpr size_t kReadChunk = 16 << 10;

struct FreeReply {
  void operator()(void* r) const { freeReplyObject(r); }
};

// What one read brought back: parsed replies and, when the connection failed,
// why (the replies parsed before the failure still count).
struct Exchanged {
  std::vector<redis::Reply> replies;
  std::vector<bool> converted;
  absl::Status status;
};

// Reads until at least one reply is parsed, a fault occurs, `deadline`
// passes, or (when `want_out`) the socket becomes writable. `unparsed` carries
// the bytes read since the last complete reply, so that no reply may grow
// past `max_reply_bytes` in memory.
void ReadSome(redisContext* ctx, absl::Time deadline, bool want_out, size_t max_reply_bytes,
              size_t* unparsed, ReplyBudget* budget, const redis::Endpoint& endpoint,
              Exchanged* out) {
  char buf[kReadChunk];
  for (;;) {
    for (;;) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(ctx, &raw) != REDIS_OK) {
        out->status = absl::UnavailableError(
            absl::StrCat("redis: protocol error from ", redis::ToString(endpoint)));
        return;
      }
      if (raw == nullptr) break;
      std::unique_ptr<void, FreeReply> owned(raw);
      budget->used = 0;
      size_t left = max_reply_bytes;
      out->replies.emplace_back();
      out->converted.push_back(
          ConvertReply(static_cast<redisReply*>(raw), &out->replies.back(), &left));
      *unparsed = BufferedReplyBytes(ctx);
    }
    if (!out->replies.empty()) return;
    const ssize_t n = read(ctx->fd, buf, sizeof(buf));
    if (n > 0) {
      *unparsed += static_cast<size_t>(n);
      if (*unparsed > max_reply_bytes) {
        out->status = absl::UnavailableError(absl::StrCat(
            "redis: reply from ", redis::ToString(endpoint), " larger than max_reply_bytes"));
        return;
      }
      if (redisReaderFeed(ctx->reader, buf, static_cast<size_t>(n)) != REDIS_OK) {
        out->status = absl::UnavailableError("redis: out of memory");
        return;
      }
      continue;
    }
    if (n == 0) {
      out->status = absl::UnavailableError(
          absl::StrCat("redis: ", redis::ToString(endpoint), ": connection closed"));
      return;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      out->status = absl::UnavailableError(
          absl::StrCat("redis: ", redis::ToString(endpoint), ": read: ", strerror(errno)));
      return;
    }
    const short want = static_cast<short>(POLLIN | (want_out ? POLLOUT : 0));
    const int ready = WaitFd(ctx->fd, want, deadline);
    if (ready == 0) {
      out->status = absl::DeadlineExceededError(
          absl::StrCat("redis: no reply from ", redis::ToString(endpoint), " before the deadline"));
      return;
    }
    if (ready < 0) {
      out->status = absl::UnavailableError(absl::StrCat("redis: poll: ", strerror(errno)));
      return;
    }
    if ((ready & (POLLIN | POLLHUP | POLLERR)) == 0) return;  // writable: let the caller write
  }
}

// Writes as much of `bytes` as the socket takes now. Returns the count, or -1
// with errno set.
ssize_t WriteSome(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return -1;
    }
  }
  return static_cast<ssize_t>(done);
}

// Writes all of `bytes` within `deadline` (the handshake on a new connection).
absl::Status WriteAll(int fd, std::string_view bytes, absl::Time deadline) {
  while (!bytes.empty()) {
    const ssize_t n = WriteSome(fd, bytes);
    if (n < 0) return absl::UnavailableError(absl::StrCat("redis: write: ", strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
    if (!bytes.empty() && WaitFd(fd, POLLOUT, deadline) <= 0) {
      return absl::DeadlineExceededError("redis: write timed out");
    }
  }
  return absl::OkStatus();
}

// Runs the handshake commands on a fresh connection.
absl::Status Handshake(redisContext* ctx, const PipeConfig& config, ReplyBudget* budget,
                       absl::Time deadline) {
  std::vector<std::string> commands;
  if (!config.password.empty()) {
    commands.push_back(config.username.empty()
                           ? EncodeCommand({"AUTH", config.password})
                           : EncodeCommand({"AUTH", config.username, config.password}));
  }
  if (config.database != 0) {
    commands.push_back(EncodeCommand({"SELECT", absl::StrCat(config.database)}));
  }
  std::string bytes;
  for (const std::string& c : commands) bytes += c;
  if (absl::Status s = WriteAll(ctx->fd, bytes, deadline); !s.ok()) return s;
  size_t unparsed = 0;
  size_t answered = 0;
  while (answered < commands.size()) {
    Exchanged got;
    ReadSome(ctx, deadline, false, config.max_reply_bytes, &unparsed, budget, config.endpoint,
             &got);
    for (const redis::Reply& r : got.replies) {
      if (r.is_error()) {
        const bool auth = !config.password.empty() && answered == 0;
        const std::string why = absl::StrCat("redis: ", auth ? "AUTH" : "SELECT", " refused by ",
                                             redis::ToString(config.endpoint), ": ", r.str);
        return auth ? absl::UnauthenticatedError(why) : absl::InvalidArgumentError(why);
      }
      ++answered;
    }
    if (!got.status.ok()) return got.status;
  }
  return absl::OkStatus();
}

}  // namespace

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* out = nullptr;
  const int n =
      redisFormatCommandArgv(&out, static_cast<int>(argv.size()), argv.data(), lens.data());
  std::string encoded;
  if (n > 0 && out != nullptr) encoded.assign(out, static_cast<size_t>(n));
  redisFreeCommand(out);
  return encoded;
}

Pipe::Pipe(const PipeConfig& config, Clock& clock, PipeCounters& counters)
    : config_(config), clock_(clock), counters_(counters), backoff_(config.backoff_min) {}

Pipe::~Pipe() {
  MutexLock lock(&mu_);
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

absl::Status Pipe::Connect(absl::Time deadline, redisContext** out) {
  const absl::Time connect_deadline = std::min(deadline, RealNow() + config_.connect_timeout);
  redisContext* ctx = redisConnectNonBlock(config_.endpoint.host.c_str(), config_.endpoint.port);
  const std::string where = redis::ToString(config_.endpoint);
  if (ctx == nullptr) return absl::UnavailableError("redis: out of memory");
  if (ctx->err != 0) {
    absl::Status s =
        absl::UnavailableError(absl::StrCat("redis: connect ", where, ": ", ctx->errstr));
    redisFree(ctx);
    return s;
  }
  const int ready = WaitFd(ctx->fd, POLLOUT, connect_deadline);
  int err = 0;
  socklen_t len = sizeof(err);
  absl::Status s;
  if (ready == 0) {
    s = absl::DeadlineExceededError(absl::StrCat("redis: connect ", where, ": timed out"));
  } else if (ready < 0 || getsockopt(ctx->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    s = absl::UnavailableError(
        absl::StrCat("redis: connect ", where, ": ", strerror(err != 0 ? err : errno)));
  } else {
    redisEnableKeepAlive(ctx);
    // No reader exists while connecting: the budget is the connector's.
    budget_.max = config_.max_reply_bytes;
    budget_.used = 0;
    BoundReader(ctx->reader, &budget_);
    s = Handshake(ctx, config_, &budget_, deadline);
  }
  if (!s.ok()) {
    redisFree(ctx);
    return s;
  }
  *out = ctx;
  return absl::OkStatus();
}

void Pipe::Run(absl::Span<Op* const> ops, absl::Time deadline, PipeEvents* events) {
  Waiter waiter;
  Submit(ops, &waiter, deadline, events);
  Await(&waiter, deadline, events);
}

void Pipe::Submit(absl::Span<Op* const> ops, Waiter* waiter, absl::Time deadline,
                  PipeEvents* events) {
  waiter->remaining = 0;
  if (ops.empty()) return;
  std::string bytes;
  for (const Op* op : ops) bytes += op->request;
  MutexLock lock(&mu_);
  if (ctx_ == nullptr && !connecting_ && clock_.MonotonicNow() < retry_at_) {
    const std::string why = absl::StrCat("redis: ", redis::ToString(config_.endpoint),
                                         " unreachable, waiting to reconnect");
    for (Op* op : ops) op->status = absl::UnavailableError(why);
    counters_.fast_failures.fetch_add(ops.size(), std::memory_order_relaxed);
    return;
  }
  // A bounded queue: wait for room until the deadline.
  while (unsent_.size() + in_flight_.size() + ops.size() > config_.max_queue) {
    const absl::Duration left = deadline - RealNow();
    if (left <= absl::ZeroDuration() || ops.size() > config_.max_queue) {
      const std::string why = absl::StrCat("redis: queue to ", redis::ToString(config_.endpoint),
                                           " full until the deadline");
      for (Op* op : ops) op->status = absl::DeadlineExceededError(why);
      counters_.queue_full.fetch_add(ops.size(), std::memory_order_relaxed);
      return;
    }
    ++room_waiters_;
    room_.WaitWithTimeout(&mu_, left);
    --room_waiters_;
  }
  waiter->remaining = ops.size();
  load_.fetch_add(ops.size(), std::memory_order_relaxed);
  if (ctx_ != nullptr && !connecting_) {
    for (Op* op : ops) in_flight_.push_back(Slot{op, waiter, op->replies});
    WriteLocked(bytes);
  } else {
    for (Op* op : ops) unsent_.push_back(Slot{op, waiter, op->replies});
    if (!connecting_) ConnectLocked(deadline, events);
  }
}

void Pipe::Await(Waiter* waiter, absl::Time deadline, PipeEvents* events) {
  MutexLock lock(&mu_);
  while (waiter->remaining > 0) {
    if (ctx_ != nullptr && !reading_ && !connecting_) {
      ReadLocked(waiter, deadline, events);
      continue;
    }
    const absl::Duration left = deadline - RealNow();
    if (left <= absl::ZeroDuration()) {
      AbandonLocked(waiter, absl::DeadlineExceededError(absl::StrCat(
                                "redis: no reply from ", redis::ToString(config_.endpoint),
                                " before the deadline")));
      break;
    }
    waiter->waiting = true;
    waiter->cv.WaitWithTimeout(&mu_, left);
    waiter->waiting = false;
  }
}

void Pipe::ConnectLocked(absl::Time deadline, PipeEvents* events) {
  connecting_ = true;
  redisContext* fresh = nullptr;
  mu_.Unlock();
  absl::Status s = Connect(deadline, &fresh);
  mu_.Lock();
  connecting_ = false;
  if (!s.ok()) {
    DropLocked(s, events);
    return;
  }
  ctx_ = fresh;
  broken_ = absl::OkStatus();
  pending_out_.clear();
  unparsed_ = 0;
  connected_.store(true, std::memory_order_relaxed);
  backoff_ = config_.backoff_min;
  counters_.connects.fetch_add(1, std::memory_order_relaxed);
  if (lost_) {
    lost_ = false;
    events->push_back(PipeEvent{PipeEvent::Kind::kRestored, &config_, absl::OkStatus()});
  }
  std::string bytes;
  for (Slot& s2 : unsent_) {
    bytes += s2.op->request;
    in_flight_.push_back(s2);
  }
  unsent_.clear();
  WriteLocked(bytes);
  HandOffLocked();
}

void Pipe::WriteLocked(std::string_view bytes) {
  // Bytes join the queue in the order their commands joined in_flight_; one
  // caller at a time sends everything queued, outside the lock, while others
  // keep queueing behind it.
  if (!bytes.empty()) {
    pending_out_.append(bytes.data(), bytes.size());
    counters_.writes.fetch_add(1, std::memory_order_relaxed);
  }
  if (writing_ || !broken_.ok() || ctx_ == nullptr) return;
  writing_ = true;
  const int fd = ctx_->fd;
  std::string chunk;
  while (!pending_out_.empty()) {
    chunk.swap(pending_out_);
    mu_.Unlock();
    const ssize_t n = WriteSome(fd, chunk);
    const int error = errno;
    mu_.Lock();
    if (n < 0) {
      broken_ = absl::UnavailableError(absl::StrCat(
          "redis: write to ", redis::ToString(config_.endpoint), ": ", strerror(error)));
      // Wake a reader blocked on the socket; it closes the connection.
      if (reading_) shutdown(fd, SHUT_RDWR);
      break;
    }
    if (static_cast<size_t>(n) < chunk.size()) {
      // The socket is full: the rest goes first when it is writable again.
      pending_out_.insert(0, chunk, static_cast<size_t>(n), std::string::npos);
      break;
    }
    chunk.clear();
  }
  writing_ = false;
  if (write_waiters_ > 0) write_idle_.SignalAll();
}

void Pipe::CompleteLocked(Slot& slot, absl::Status status, redis::Reply* reply) {
  if (slot.op == nullptr) return;
  slot.op->status = std::move(status);
  if (reply != nullptr) slot.op->reply = std::move(*reply);
  slot.op = nullptr;
  if (--slot.waiter->remaining == 0) slot.waiter->cv.Signal();
}

void Pipe::FailAllLocked(const absl::Status& status) {
  uint64_t failed = 0;
  for (std::deque<Slot>* q : {&in_flight_, &unsent_}) {
    for (Slot& s : *q) {
      if (s.op != nullptr) ++failed;
      // A copy of its own for each caller's thread: no status payload is
      // shared (and reference-counted) across threads.
      CompleteLocked(s, absl::Status(status.code(), status.message()), nullptr);
    }
    q->clear();
  }
  if (absl::IsDeadlineExceeded(status)) {
    counters_.timeouts.fetch_add(failed, std::memory_order_relaxed);
  }
  load_.store(0, std::memory_order_relaxed);
  if (room_waiters_ > 0) room_.SignalAll();
}

void Pipe::DropLocked(absl::Status status, PipeEvents* events) {
  // A writer sends outside the lock: let it finish (its send does not block).
  while (writing_) {
    ++write_waiters_;
    write_idle_.Wait(&mu_);
    --write_waiters_;
  }
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
  pending_out_.clear();
  broken_ = absl::OkStatus();
  connected_.store(false, std::memory_order_relaxed);
  retry_at_ = clock_.MonotonicNow() + backoff_;
  retry_at_ns_.store(absl::ToUnixNanos(retry_at_), std::memory_order_relaxed);
  backoff_ = std::min(backoff_ * 2, config_.backoff_max);
  if (!absl::IsDeadlineExceeded(status)) {
    counters_.connection_errors.fetch_add(1, std::memory_order_relaxed);
  }
  if (!lost_) {
    lost_ = true;
    events->push_back(PipeEvent{PipeEvent::Kind::kLost, &config_, status});
  }
  FailAllLocked(status);
}

void Pipe::AbandonLocked(Waiter* me, const absl::Status& status) {
  uint64_t abandoned = 0;
  for (auto it = unsent_.begin(); it != unsent_.end();) {
    if (it->waiter == me) {
      if (it->op != nullptr) ++abandoned;
      CompleteLocked(*it, status, nullptr);
      it = unsent_.erase(it);
      load_.fetch_sub(1, std::memory_order_relaxed);
    } else {
      ++it;
    }
  }
  for (Slot& s : in_flight_) {
    if (s.waiter == me && s.op != nullptr) {
      ++abandoned;
      CompleteLocked(s, status, nullptr);  // the reply, when it comes, is dropped
    }
  }
  counters_.timeouts.fetch_add(abandoned, std::memory_order_relaxed);
  if (room_waiters_ > 0) room_.SignalAll();
  HandOffLocked();
}

void Pipe::HandOffLocked() {
  // The caller of the oldest outstanding command that waits here reads next
  // (a caller still submitting to other pipes reads when it comes to wait).
  if (reading_ || ctx_ == nullptr) return;
  for (Slot& s : in_flight_) {
    if (s.op != nullptr && s.waiter->waiting) {
      s.waiter->cv.Signal();
      return;
    }
  }
}

void Pipe::ReadLocked(Waiter* me, absl::Time deadline, PipeEvents* events) {
  reading_ = true;
  while (me->remaining > 0) {
    if (!broken_.ok()) {
      DropLocked(broken_, events);
      break;
    }
    WriteLocked({});
    if (!broken_.ok()) continue;
    redisContext* ctx = ctx_;
    const bool want_out = !pending_out_.empty() && !writing_;
    Exchanged got;
    mu_.Unlock();
    ReadSome(ctx, deadline, want_out, config_.max_reply_bytes, &unparsed_, &budget_,
             config_.endpoint, &got);
    mu_.Lock();
    size_t delivered = 0;
    for (size_t i = 0; i < got.replies.size(); ++i) {
      if (in_flight_.empty()) {
        got.status = absl::UnavailableError(
            absl::StrCat("redis: unexpected reply from ", redis::ToString(config_.endpoint)));
        break;
      }
      Slot& front = in_flight_.front();
      if (--front.replies_left > 0) continue;  // ASKING's reply
      if (got.converted[i]) {
        CompleteLocked(front, absl::OkStatus(), &got.replies[i]);
      } else {
        CompleteLocked(front, absl::InternalError("redis: reply too large or too deep"), nullptr);
      }
      in_flight_.pop_front();
      ++delivered;
    }
    if (delivered > 0) {
      load_.fetch_sub(delivered, std::memory_order_relaxed);
      counters_.commands.fetch_add(delivered, std::memory_order_relaxed);
      counters_.reads.fetch_add(1, std::memory_order_relaxed);
      if (room_waiters_ > 0) room_.SignalAll();
    }
    if (!got.status.ok()) {
      DropLocked(!broken_.ok() ? broken_ : got.status, events);
      break;
    }
  }
  reading_ = false;
  HandOffLocked();
}

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END
