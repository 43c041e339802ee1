// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/async_client.h"

#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"
#include "edgekit/redis/cluster.h"
#include "redis/hiredis_util.h"
#include "redis/metrics_util.h"
#include "redis/pipe.h"
#include "redis/routing.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

using redis_internal::NextStep;
using redis_internal::PipeConfig;
using redis_internal::RealNow;

constexpr char kAsking[] = "*1\r\n$6\r\nASKING\r\n";

}  // namespace

struct AsyncClient::Impl {
  struct Conn;
  struct Node;
  struct Pending {
    Command command;
    Callback done;
    absl::Time deadline;
    Node* target = nullptr;  // forced by a redirection; else routed by slot
    Conn* conn = nullptr;
    bool asking = false;
    bool eval = false;
    bool abandoned = false;  // its callback ran with kDeadlineExceeded; drop the reply
    size_t rounds = 0;
  };

  struct Conn {
    Impl* impl = nullptr;
    Node* node = nullptr;
    redisAsyncContext* ac = nullptr;
    bool up = false;    // connected (not only connecting)
    bool lost = false;  // a loss was reported, no recovery yet
    absl::Time retry_at = absl::InfinitePast();
    absl::Duration backoff;
    std::deque<Pending*> in_flight;  // in send order
    event* timer = nullptr;
    absl::Time armed = absl::InfiniteFuture();
    absl::Status closing;                // why the last connection ended
    redis_internal::ReplyBudget budget;  // of the reply hiredis is parsing
  };

  struct Node {
    PipeConfig config;
    std::vector<std::unique_ptr<Conn>> conns;
  };

  static void OnReplyCb(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnHandshakeCb(redisAsyncContext* ac, void* reply, void* privdata);
  static void OnConnectCb(const redisAsyncContext* ac, int status);
  static void OnDisconnectCb(const redisAsyncContext* ac, int status);
  static void OnTimerCb(evutil_socket_t, short, void* arg);
  static void OnDeferredCb(evutil_socket_t, short, void* arg);
  static Conn* ConnOf(const redisAsyncContext* ac) { return static_cast<Conn*>(ac->data); }

  Impl(ClientOptions o, event_base* b, Clock& c)
      : options(std::move(o)), base(b), clock(c), table(options.max_cluster_nodes) {}
  ~Impl();

  const ClientOptions options;
  event_base* const base;
  Clock& clock;
  redis_internal::SlotTable table;
  std::vector<std::unique_ptr<Node>> nodes;  // parallel to table.nodes()
  ClientCounters counters;
  bool refresh_wanted = false;
  bool refreshing = false;
  absl::Time last_refresh = absl::InfinitePast();
  size_t round_robin = 0;
  std::deque<std::pair<Pending*, absl::Status>> deferred;
  event* defer_event = nullptr;
  bool shutting_down = false;

  bool cluster() const { return options.topology == Topology::kCluster; }

  Node* NodeFor(const Endpoint& e) {
    const int index = table.NodeIndex(e);
    if (index < 0) return nullptr;
    while (nodes.size() < table.nodes().size()) AddNode(table.nodes()[nodes.size()]);
    return nodes[static_cast<size_t>(index)].get();
  }
  void AddNode(const Endpoint& e);
  Node* Route(const Command& command);
  Conn* Pick(Node* node) const;
  void MaybeRefresh();
  void Dispatch(Pending* p);
  void Send(Conn* c, Pending* p);
  absl::Status Connect(Conn* c);
  void MarkDown(Conn* c, absl::Status status);
  void Close(Conn* c, absl::Status status);
  void Arm(Conn* c, absl::Time at);
  void OnTimer(Conn* c);
  void OnReply(Conn* c, redisAsyncContext* ac, redisReply* reply, Pending* p);
  void Defer(Pending* p, absl::Status status);
  void RunDeferred();
  static void Complete(Pending* p, absl::StatusOr<Reply> result) {
    AsyncClient::Callback done = std::move(p->done);
    delete p;
    if (done) done(std::move(result));
  }
};

void AsyncClient::Impl::OnReplyCb(redisAsyncContext* ac, void* reply, void* privdata) {
  Conn* c = ConnOf(ac);
  c->budget.used = 0;
  c->impl->OnReply(c, ac, static_cast<redisReply*>(reply), static_cast<Pending*>(privdata));
}

void AsyncClient::Impl::OnHandshakeCb(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* r = static_cast<redisReply*>(reply);
  Conn* c = ConnOf(ac);
  c->budget.used = 0;
  if (r == nullptr || r->type != REDIS_REPLY_ERROR || c->ac != ac) return;
  const bool auth = privdata != nullptr;
  const std::string why =
      absl::StrCat("redis: ", auth ? "AUTH" : "SELECT", " refused by ",
                   ToString(c->node->config.endpoint), ": ", absl::string_view(r->str, r->len));
  c->impl->Close(c, auth ? absl::UnauthenticatedError(why) : absl::InvalidArgumentError(why));
}

void AsyncClient::Impl::OnConnectCb(const redisAsyncContext* ac, int status) {
  Conn* c = ConnOf(ac);
  if (c->ac != ac) return;
  Impl* impl = c->impl;
  if (status != REDIS_OK) {
    // hiredis frees the context after this returns; its commands fail then.
    impl->MarkDown(c,
                   absl::UnavailableError(absl::StrCat(
                       "redis: connect ", ToString(c->node->config.endpoint), ": ", ac->errstr)));
    return;
  }
  c->up = true;
  c->backoff = impl->options.reconnect_backoff_min;
  ++impl->counters.connects;
  if (c->lost) {
    c->lost = false;
    if (impl->options.observer != nullptr) {
      const std::string endpoint = ToString(c->node->config.endpoint);
      impl->options.observer->OnConnectionRestored(ConnectionRestored{endpoint});
    }
  }
}

void AsyncClient::Impl::OnDisconnectCb(const redisAsyncContext* ac, int /*status*/) {
  Conn* c = ConnOf(ac);
  if (c->ac == ac) {
    c->impl->MarkDown(
        c, absl::UnavailableError(
               absl::StrCat("redis: ", ToString(c->node->config.endpoint), ": connection closed")));
  }
}

void AsyncClient::Impl::OnTimerCb(evutil_socket_t, short, void* arg) {
  Conn* c = static_cast<Conn*>(arg);
  c->impl->OnTimer(c);
}

void AsyncClient::Impl::OnDeferredCb(evutil_socket_t, short, void* arg) {
  static_cast<Impl*>(arg)->RunDeferred();
}

void AsyncClient::Impl::AddNode(const Endpoint& e) {
  auto node = std::make_unique<Node>();
  node->config.endpoint = e;
  node->config.username = options.username;
  node->config.password = options.password;
  node->config.database = options.database;
  node->config.max_reply_bytes = options.max_reply_bytes;
  for (size_t i = 0; i < options.connections; ++i) {
    auto c = std::make_unique<Conn>();
    c->impl = this;
    c->node = node.get();
    c->backoff = options.reconnect_backoff_min;
    c->timer = evtimer_new(base, OnTimerCb, c.get());
    node->conns.push_back(std::move(c));
  }
  nodes.push_back(std::move(node));
}

AsyncClient::Impl::~Impl() {
  shutting_down = true;
  for (auto& node : nodes) {
    for (auto& c : node->conns) {
      if (c->ac != nullptr) {
        redisAsyncContext* ac = c->ac;
        c->ac = nullptr;
        c->up = false;
        c->closing = absl::CancelledError("redis: client destroyed");
        redisAsyncFree(ac);  // runs every outstanding callback
      }
    }
  }
  RunDeferred();
  for (auto& node : nodes) {
    for (auto& c : node->conns) event_free(c->timer);
  }
  if (defer_event != nullptr) event_free(defer_event);
}

AsyncClient::Impl::Node* AsyncClient::Impl::Route(const Command& command) {
  if (!cluster()) return nodes.front().get();
  if (command.has_key()) {
    const int n = table.NodeForSlot(KeySlot(command.key()));
    if (n >= 0) return nodes[static_cast<size_t>(n)].get();
  }
  const size_t next = round_robin++;
  const std::vector<int>& primaries = table.primaries();
  if (!primaries.empty())
    return nodes[static_cast<size_t>(primaries[next % primaries.size()])].get();
  return nodes.empty() ? nullptr : nodes[next % nodes.size()].get();
}

AsyncClient::Impl::Conn* AsyncClient::Impl::Pick(Node* node) const {
  const absl::Time now = clock.MonotonicNow();
  Conn* best = nullptr;
  size_t best_score = ~size_t{0};
  for (const auto& c : node->conns) {
    const size_t penalty = c->ac != nullptr ? 0 : now < c->retry_at ? (size_t{1} << 40) : 1;
    const size_t score = penalty + c->in_flight.size();
    if (score < best_score) {
      best_score = score;
      best = c.get();
    }
  }
  return best;
}

void AsyncClient::Impl::MaybeRefresh() {
  const absl::Time now = clock.MonotonicNow();
  if (refreshing) return;
  const bool due =
      (!table.loaded() || refresh_wanted) && now - last_refresh >= options.cluster_refresh_interval;
  if (!due) return;
  refreshing = true;
  last_refresh = now;
  const std::vector<int>& primaries = table.primaries();
  Node* target = !primaries.empty()
                     ? nodes[static_cast<size_t>(primaries[round_robin++ % primaries.size()])].get()
                     : nodes[round_robin++ % nodes.size()].get();
  auto* p = new Pending;
  p->command = Command({"CLUSTER", "SLOTS"});
  p->deadline = RealNow() + options.command_timeout;
  p->target = target;
  const std::string host = target->config.endpoint.host;
  p->done = [this, host](absl::StatusOr<Reply> reply) {
    refreshing = false;
    absl::StatusOr<std::vector<SlotRange>> ranges =
        !reply.ok() ? absl::StatusOr<std::vector<SlotRange>>(reply.status())
        : reply->is_error()
            ? absl::UnavailableError(absl::StrCat("redis: CLUSTER SLOTS: ", reply->str))
            : ParseClusterSlots(*reply, host);
    absl::Status status = ranges.status();
    if (ranges.ok()) {
      if (table.Apply(*ranges)) {
        while (nodes.size() < table.nodes().size()) AddNode(table.nodes()[nodes.size()]);
        refresh_wanted = false;
        ++counters.cluster_refreshes;
      } else {
        status = absl::UnavailableError("redis: CLUSTER SLOTS gave no usable map");
      }
    }
    if (options.observer != nullptr && !shutting_down) {
      options.observer->OnClusterMapRefreshed(ClusterMapRefreshed{
          status.ok() ? std::string_view(host) : std::string_view(), status,
          ranges.ok() ? ranges->size() : 0, status.ok() ? table.primaries().size() : 0});
    }
  };
  Dispatch(p);
}

void AsyncClient::Impl::Dispatch(Pending* p) {
  if (shutting_down) {
    Complete(p, absl::CancelledError("redis: client destroyed"));
    return;
  }
  if (p->rounds > options.max_redirects) {
    Defer(p, absl::UnavailableError("redis: too many cluster redirections"));
    return;
  }
  if (cluster()) MaybeRefresh();
  Node* node = p->target != nullptr ? p->target : Route(p->command);
  if (node == nullptr) {
    Defer(p, absl::UnavailableError("redis: no known node"));
    return;
  }
  Conn* c = Pick(node);
  if (c->ac == nullptr) {
    if (clock.MonotonicNow() < c->retry_at) {
      ++counters.fast_failures;
      Defer(p, absl::UnavailableError(absl::StrCat("redis: ", ToString(node->config.endpoint),
                                                   " unreachable, waiting to reconnect")));
      return;
    }
    if (absl::Status s = Connect(c); !s.ok()) {
      Defer(p, std::move(s));
      return;
    }
  }
  if (c->in_flight.size() >= options.max_queue) {
    ++counters.queue_full;
    Defer(p, absl::ResourceExhaustedError(
                 absl::StrCat("redis: queue to ", ToString(node->config.endpoint), " is full")));
    return;
  }
  Send(c, p);
}

void AsyncClient::Impl::Send(Conn* c, Pending* p) {
  const std::string request = redis_internal::EncodeCommand(
      p->eval ? redis_internal::SendArgs(p->command, true) : p->command.args);
  if (p->asking) redisAsyncFormattedCommand(c->ac, nullptr, nullptr, kAsking, sizeof(kAsking) - 1);
  if (redisAsyncFormattedCommand(c->ac, OnReplyCb, p, request.data(), request.size()) != REDIS_OK) {
    Defer(p, absl::UnavailableError("redis: connection is closing"));
    return;
  }
  p->conn = c;
  c->in_flight.push_back(p);
  if (p->deadline < c->armed) Arm(c, p->deadline);
}

absl::Status AsyncClient::Impl::Connect(Conn* c) {
  const Endpoint& e = c->node->config.endpoint;
  redisAsyncContext* ac = redisAsyncConnect(e.host.c_str(), e.port);
  absl::Status s;
  if (ac == nullptr) {
    s = absl::UnavailableError("redis: out of memory");
  } else if (ac->err != 0) {
    s = absl::UnavailableError(absl::StrCat("redis: connect ", ToString(e), ": ", ac->errstr));
  } else if (redisLibeventAttach(ac, base) != REDIS_OK) {
    s = absl::UnavailableError("redis: cannot attach to the event loop");
  }
  if (!s.ok()) {
    if (ac != nullptr) redisAsyncFree(ac);
    MarkDown(c, s);
    return s;
  }
  ac->data = c;
  c->budget.max = options.max_reply_bytes;
  c->budget.used = 0;
  redis_internal::BoundReader(ac->c.reader, &c->budget);
  redisAsyncSetConnectCallback(ac, OnConnectCb);
  redisAsyncSetDisconnectCallback(ac, OnDisconnectCb);
  c->ac = ac;
  c->up = false;
  const PipeConfig& config = c->node->config;
  if (!config.password.empty()) {
    const std::string auth = redis_internal::EncodeCommand(
        config.username.empty()
            ? std::vector<std::string>{"AUTH", config.password}
            : std::vector<std::string>{"AUTH", config.username, config.password});
    // privdata marks the AUTH reply (non-null) apart from SELECT's.
    redisAsyncFormattedCommand(ac, OnHandshakeCb, c, auth.data(), auth.size());
  }
  if (config.database != 0) {
    const std::string select =
        redis_internal::EncodeCommand({"SELECT", absl::StrCat(config.database)});
    redisAsyncFormattedCommand(ac, OnHandshakeCb, nullptr, select.data(), select.size());
  }
  return absl::OkStatus();
}

void AsyncClient::Impl::MarkDown(Conn* c, absl::Status status) {
  c->ac = nullptr;
  c->up = false;
  c->retry_at = clock.MonotonicNow() + c->backoff;
  c->backoff = std::min(c->backoff * 2, options.reconnect_backoff_max);
  if (!absl::IsDeadlineExceeded(status) && !absl::IsCancelled(status)) ++counters.connection_errors;
  c->closing = status;
  event_del(c->timer);
  c->armed = absl::InfiniteFuture();
  if (cluster()) refresh_wanted = true;
  if (!c->lost && !shutting_down) {
    c->lost = true;
    if (options.observer != nullptr) {
      const std::string endpoint = ToString(c->node->config.endpoint);
      options.observer->OnConnectionLost(ConnectionLost{endpoint, status});
    }
  }
}

void AsyncClient::Impl::Close(Conn* c, absl::Status status) {
  redisAsyncContext* ac = c->ac;
  if (ac == nullptr) return;
  MarkDown(c, std::move(status));
  redisAsyncFree(ac);  // runs the outstanding callbacks (deferred inside a hiredis callback)
}

void AsyncClient::Impl::Arm(Conn* c, absl::Time at) {
  c->armed = at;
  const timeval tv = absl::ToTimeval(std::max(absl::ZeroDuration(), at - RealNow()));
  evtimer_add(c->timer, &tv);
}

void AsyncClient::Impl::OnTimer(Conn* c) {
  c->armed = absl::InfiniteFuture();
  const absl::Time now = RealNow();
  if (!c->in_flight.empty() && c->in_flight.front()->deadline <= now) {
    Close(c, absl::DeadlineExceededError(absl::StrCat("redis: no reply from ",
                                                      ToString(c->node->config.endpoint),
                                                      " before the deadline")));
    return;
  }
  // Younger commands with shorter deadlines: their callers hear now, their
  // replies are dropped when they come.
  std::vector<AsyncClient::Callback> expired;
  absl::Time next = absl::InfiniteFuture();
  for (Pending* p : c->in_flight) {
    if (p->abandoned) continue;
    if (p->deadline <= now) {
      p->abandoned = true;
      expired.push_back(std::move(p->done));
    } else {
      next = std::min(next, p->deadline);
    }
  }
  if (next != absl::InfiniteFuture()) Arm(c, next);
  counters.timeouts += expired.size();
  for (auto& done : expired) {
    if (done) done(absl::DeadlineExceededError("redis: no reply before the deadline"));
  }
}

void AsyncClient::Impl::OnReply(Conn* c, redisAsyncContext* ac, redisReply* reply, Pending* p) {
  auto it = std::find(c->in_flight.begin(), c->in_flight.end(), p);
  if (it != c->in_flight.end()) c->in_flight.erase(it);
  if (reply == nullptr) {
    if (c->ac == ac) {
      MarkDown(c, absl::UnavailableError(absl::StrCat(
                      "redis: ", ToString(c->node->config.endpoint),
                      ": connection lost: ", ac->errstr[0] != '\0' ? ac->errstr : "closed")));
    }
    if (p->abandoned) {
      delete p;
      return;
    }
    if (absl::IsDeadlineExceeded(c->closing)) ++counters.timeouts;
    Complete(p, c->closing);
    return;
  }
  ++counters.commands;
  if (p->abandoned) {
    delete p;
    return;
  }
  Reply converted;
  size_t budget = options.max_reply_bytes;
  if (!redis_internal::ConvertReply(reply, &converted, &budget)) {
    Complete(p, absl::InternalError("redis: reply too large or too deep"));
    return;
  }
  const redis_internal::Step step =
      redis_internal::NextStepFor(converted, p->command, cluster(), p->eval);
  ++p->rounds;
  switch (step.next) {
    case NextStep::kDeliver:
      Complete(p, std::move(converted));
      return;
    case NextStep::kMoved:
    case NextStep::kAsk: {
      Endpoint target = step.redirect.target;
      if (target.host.empty()) target.host = c->node->config.endpoint.host;
      Node* t = NodeFor(target);
      if (t == nullptr) {
        Complete(p, absl::UnavailableError("redis: too many cluster nodes"));
        return;
      }
      p->target = t;
      p->asking = step.next == NextStep::kAsk;
      if (step.next == NextStep::kMoved) {
        ++counters.moved;
        table.SetSlot(step.redirect.slot, table.NodeIndex(target));
        refresh_wanted = true;
      } else {
        ++counters.ask;
      }
      break;
    }
    case NextStep::kTryAgain:
      ++counters.tryagain;
      p->target = nullptr;
      p->asking = false;
      break;
    case NextStep::kEval:
      ++counters.script_reloads;
      p->eval = true;
      p->target = c->node;
      break;
  }
  Dispatch(p);
}

void AsyncClient::Impl::Defer(Pending* p, absl::Status status) {
  if (shutting_down) {
    Complete(p, std::move(status));
    return;
  }
  deferred.emplace_back(p, std::move(status));
  if (deferred.size() == 1) event_active(defer_event, EV_TIMEOUT, 0);
}

void AsyncClient::Impl::RunDeferred() {
  std::deque<std::pair<Pending*, absl::Status>> ready;
  ready.swap(deferred);
  for (auto& [p, status] : ready) Complete(p, std::move(status));
}

absl::StatusOr<std::unique_ptr<AsyncClient>> AsyncClient::Create(ClientOptions options,
                                                                 event_base* base, Clock& clock) {
  if (absl::Status s = ValidateClientOptions(options); !s.ok()) return s;
  if (base == nullptr) return absl::InvalidArgumentError("redis: null event_base");
  auto impl = std::make_unique<Impl>(std::move(options), base, clock);
  for (const Endpoint& e : impl->options.endpoints) {
    if (impl->NodeFor(e) == nullptr) {
      return absl::InvalidArgumentError("redis: more seed endpoints than max_cluster_nodes");
    }
  }
  impl->defer_event = event_new(base, -1, 0, Impl::OnDeferredCb, impl.get());
  if (impl->defer_event == nullptr) return absl::ResourceExhaustedError("redis: event_new failed");
  return std::unique_ptr<AsyncClient>(new AsyncClient(std::move(impl)));
}

AsyncClient::AsyncClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsyncClient::~AsyncClient() = default;

const ClientOptions& AsyncClient::options() const { return impl_->options; }

void AsyncClient::Submit(Command command, Callback done) {
  Submit(std::move(command), impl_->options.command_timeout, std::move(done));
}

void AsyncClient::Submit(Command command, absl::Duration timeout, Callback done) {
  auto* p = new Impl::Pending;
  p->command = std::move(command);
  p->done = std::move(done);
  p->deadline = RealNow() + timeout;
  if (p->command.args.empty()) {
    impl_->Defer(p, absl::InvalidArgumentError("redis: empty command"));
    return;
  }
  impl_->Dispatch(p);
}

ClientCounters AsyncClient::counters() const {
  ClientCounters c = impl_->counters;
  c.connected = 0;
  for (const auto& node : impl_->nodes) {
    for (const auto& conn : node->conns) c.connected += conn->up ? 1 : 0;
  }
  return c;
}

void AsyncClient::VisitMetrics(MetricsVisitor& visitor) const {
  redis_internal::VisitClientCounters(visitor, "edgekit_redis_async_client_", counters(),
                                      impl_->options.topology);
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
