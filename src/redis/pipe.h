// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// A multiplexed Redis connection for the sync `Client`: concurrent callers
// share one socket by pipelining.
//
// There is no I/O thread. A caller writes its command itself, at once, under
// the pipe's lock (a non-blocking write; what the socket does not take waits
// in order for the next writer or the reader). Replies come back in the order
// the commands were written, so one caller at a time reads them (the
// "reader"): the first caller with a reply outstanding that finds no reader
// becomes it, reads, and hands each reply to its caller; when its own replies
// are in, it passes the role to the caller of the oldest outstanding command
// and returns. Callers wait on their own condition variable, each until its
// own deadline: a caller whose deadline passes leaves at once (its reply, if it
// comes, is dropped). A reader whose deadline passes without its reply
// declares the connection dead, fails every outstanding command and closes
// the socket; so do a reset, a refused connect, a failed write and a protocol
// error. The next attempt to connect waits for the reconnect backoff, measured
// on the injected clock; until then calls fail at once.
//
// Every wait (room in the queue, a reply, a connect) is bounded by the
// caller's deadline, which is real monotonic time: sockets wait in real time.

#ifndef EDGEKIT_SRC_REDIS_PIPE_H_
#define EDGEKIT_SRC_REDIS_PIPE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/clock.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/redis/command.h"
#include "redis/hiredis_util.h"

struct redisContext;

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

// Real monotonic time: what socket waits and deadlines are measured in.
inline absl::Time RealNow() { return RealClock::Get().MonotonicNow(); }

struct PipeConfig {
  redis::Endpoint endpoint;
  std::string username;
  std::string password;
  int database = 0;
  absl::Duration connect_timeout;
  absl::Duration backoff_min;
  absl::Duration backoff_max;
  size_t max_queue = 0;
  size_t max_reply_bytes = 0;
};

// Shared by every pipe of a client.
struct PipeCounters {
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> writes{0};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> connection_errors{0};
  std::atomic<uint64_t> fast_failures{0};
  std::atomic<uint64_t> queue_full{0};
  std::atomic<uint64_t> connects{0};
};

struct PipeEvent {
  enum class Kind : uint8_t { kLost, kRestored };
  Kind kind = Kind::kLost;
  const PipeConfig* pipe = nullptr;
  absl::Status status;
};
using PipeEvents = absl::InlinedVector<PipeEvent, 2>;

// One request: the RESP bytes of a command, or of ASKING followed by the
// command (`replies` == 2; the first reply is ASKING's and is dropped).
struct Op {
  std::string request;
  int replies = 1;
  absl::Status status;  // set by Run; OK means `reply` holds the reply
  redis::Reply reply;
};

// RESP bytes of `args` (through hiredis's formatter).
std::string EncodeCommand(const std::vector<std::string>& args);

class Pipe {
 public:
  Pipe(const PipeConfig& config, Clock& clock, PipeCounters& counters);
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  // One caller's wait for the ops it submitted on this pipe.
  struct Waiter {
    CondVar cv;
    size_t remaining = 0;
    bool waiting = false;  // its thread waits in Await on this pipe (guarded by the pipe's lock)
  };

  // Sends `ops` in order and returns when each has a reply or a status:
  // Submit then Await. Statuses: kUnavailable (cannot connect, reset,
  // closed, waiting to reconnect), kDeadlineExceeded (no reply, no
  // connection or no room in the queue before `deadline`), kUnauthenticated /
  // kInvalidArgument (AUTH or SELECT refused), kInternal (a reply edgekit
  // cannot represent). Connection losses and recoveries this call observed
  // go to `events`.
  void Run(absl::Span<Op* const> ops, absl::Time deadline, PipeEvents* events)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Queues and writes `ops` (connecting first if needed), without waiting for
  // replies. Ops failed at once (waiting to reconnect, no room) have their
  // status set and do not count in `waiter`. `ops` and `waiter` must stay
  // alive until Await returns.
  void Submit(absl::Span<Op* const> ops, Waiter* waiter, absl::Time deadline, PipeEvents* events)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until every op of `waiter` has its reply or status.
  void Await(Waiter* waiter, absl::Time deadline, PipeEvents* events) ABSL_LOCKS_EXCLUDED(mu_);

  // Lock-free hints for choosing a pipe.
  size_t load() const { return load_.load(std::memory_order_relaxed); }
  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  // Down and still waiting for its reconnect backoff at `now` (injected clock).
  bool backing_off(absl::Time now) const {
    return !connected() && absl::ToUnixNanos(now) < retry_at_ns_.load(std::memory_order_relaxed);
  }
  const PipeConfig& config() const { return config_; }

 private:
  struct Slot {
    Op* op = nullptr;  // nullptr: the caller left; its reply is dropped
    Waiter* waiter = nullptr;
    int replies_left = 1;
  };

  void ReadLocked(Waiter* me, absl::Time deadline, PipeEvents* events)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ConnectLocked(absl::Time deadline, PipeEvents* events) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues `bytes` and sends what is queued unless another caller is sending.
  void WriteLocked(std::string_view bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void HandOffLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AbandonLocked(Waiter* me, const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompleteLocked(Slot& slot, absl::Status status, redis::Reply* reply)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Requires: no reader (or the caller is it).
  void DropLocked(absl::Status status, PipeEvents* events) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FailAllLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Opens a connection and runs the AUTH / SELECT handshake. No lock held.
  absl::Status Connect(absl::Time deadline, redisContext** out);

  const PipeConfig& config_;
  Clock& clock_;
  PipeCounters& counters_;

  mutable Mutex mu_;
  std::deque<Slot> unsent_ ABSL_GUARDED_BY(mu_);     // queued while connecting
  std::deque<Slot> in_flight_ ABSL_GUARDED_BY(mu_);  // written, in order
  std::string pending_out_ ABSL_GUARDED_BY(mu_);     // bytes queued for the socket, in order
  bool writing_ ABSL_GUARDED_BY(mu_) = false;        // a caller sends outside the lock
  CondVar write_idle_;
  size_t write_waiters_ ABSL_GUARDED_BY(mu_) = 0;
  bool connecting_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status broken_ ABSL_GUARDED_BY(mu_);  // a write failed: the reader closes
  // Replaced and freed under mu_ only when nobody reads; the reader uses its
  // socket and protocol reader outside mu_.
  redisContext* ctx_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool lost_ ABSL_GUARDED_BY(mu_) = false;  // a loss was reported, no recovery yet
  absl::Time retry_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_);
  CondVar room_;
  size_t room_waiters_ ABSL_GUARDED_BY(mu_) = 0;

  // Bytes read since the last complete reply, and what the reply being parsed
  // has allocated: touched by the reader only (by the connector before it).
  size_t unparsed_ = 0;
  ReplyBudget budget_;

  std::atomic<size_t> load_{0};
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> retry_at_ns_{0};
};

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_PIPE_H_
