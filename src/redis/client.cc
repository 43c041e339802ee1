// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/client.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/base/mutex.h"
#include "edgekit/base/string_view.h"
#include "edgekit/redis/cluster.h"
#include "edgekit/redis/commands.h"
#include "redis/metrics_util.h"
#include "redis/pipe.h"
#include "redis/routing.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

using redis_internal::NextStep;
using redis_internal::Op;
using redis_internal::Pipe;
using redis_internal::PipeConfig;
using redis_internal::PipeCounters;
using redis_internal::PipeEvent;
using redis_internal::PipeEvents;
using redis_internal::RealNow;

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("redis: ", AbslView(what)));
}

constexpr char kAsking[] = "*1\r\n$6\r\nASKING\r\n";

// One server and its sockets.
struct Node {
  PipeConfig config;
  std::vector<std::unique_ptr<Pipe>> pipes;

  Node(PipeConfig c, size_t connections, Clock& clock, PipeCounters& counters)
      : config(std::move(c)) {
    for (size_t i = 0; i < connections; ++i) {
      pipes.push_back(std::make_unique<Pipe>(config, clock, counters));
    }
  }

  // The least loaded socket: an open one, or one that may connect now as soon
  // as every open one is busy; one waiting for its backoff only when all are
  // (it fails fast).
  Pipe* Pick(absl::Time now) const {
    Pipe* best = nullptr;
    size_t best_score = std::numeric_limits<size_t>::max();
    for (const auto& p : pipes) {
      const size_t penalty = p->connected() ? 0 : p->backing_off(now) ? (size_t{1} << 40) : 1;
      const size_t score = penalty + p->load();
      if (score < best_score) {
        best_score = score;
        best = p.get();
      }
    }
    return best;
  }
};

// A command on its way: where it goes next and how.
struct Work {
  size_t index = 0;
  Node* target = nullptr;  // forced by a redirection; else routed by slot
  bool asking = false;
  bool eval = false;
};

struct Events {
  PipeEvents pipe;
  std::vector<std::pair<std::string, absl::Status>> refreshes;
  std::vector<std::pair<size_t, size_t>> refresh_sizes;
};

}  // namespace

std::string_view ToString(Topology topology) {
  switch (topology) {
    case Topology::kStandalone:
      return "standalone";
    case Topology::kCluster:
      return "cluster";
  }
  return "unknown";
}

absl::Status ValidateClientOptions(const ClientOptions& o) {
  if (o.endpoints.empty()) return Invalid("endpoints must not be empty");
  for (const Endpoint& e : o.endpoints) {
    if (e.host.empty() || e.host.size() > 255) return Invalid("endpoint host must be 1-255 bytes");
    if (e.port < 1 || e.port > 65535) return Invalid("endpoint port must be in [1, 65535]");
  }
  if (o.topology == Topology::kStandalone && o.endpoints.size() != 1) {
    return Invalid("a standalone server takes exactly one endpoint");
  }
  if (o.database < 0) return Invalid("database must be in [0, 2^31)");
  if (o.topology == Topology::kCluster && o.database != 0) {
    return Invalid("database must be 0 in a cluster");
  }
  if (!o.username.empty() && o.password.empty()) return Invalid("username needs a password");
  if (o.connections < 1 || o.connections > 64) return Invalid("connections must be in [1, 64]");
  if (o.max_queue < 1 || o.max_queue > (size_t{1} << 20)) {
    return Invalid("max_queue must be in [1, 2^20]");
  }
  if (o.connect_timeout <= absl::ZeroDuration()) return Invalid("connect_timeout must be > 0");
  if (o.command_timeout <= absl::ZeroDuration()) return Invalid("command_timeout must be > 0");
  if (o.reconnect_backoff_min <= absl::ZeroDuration() ||
      o.reconnect_backoff_max < o.reconnect_backoff_min) {
    return Invalid("reconnect backoff must satisfy 0 < min <= max");
  }
  if (o.max_reply_bytes < 1024 || o.max_reply_bytes > (size_t{1} << 30)) {
    return Invalid("max_reply_bytes must be in [1 KiB, 1 GiB]");
  }
  if (o.max_redirects < 1 || o.max_redirects > 64)
    return Invalid("max_redirects must be in [1, 64]");
  if (o.cluster_refresh_interval < absl::ZeroDuration()) {
    return Invalid("cluster_refresh_interval must be >= 0");
  }
  if (o.max_cluster_nodes < 1 || o.max_cluster_nodes > 4096) {
    return Invalid("max_cluster_nodes must be in [1, 4096]");
  }
  return absl::OkStatus();
}

struct Client::Impl {
  Impl(ClientOptions o, Clock& c)
      : options(std::move(o)), clock(c), table(options.max_cluster_nodes) {}

  const ClientOptions options;
  Clock& clock;
  PipeCounters pipe_counters;
  std::atomic<uint64_t> moved{0}, ask{0}, tryagain{0}, script_reloads{0}, cluster_refreshes{0};
  std::atomic<size_t> round_robin{0};

  mutable Mutex mu;
  redis_internal::SlotTable table ABSL_GUARDED_BY(mu);
  // Parallel to table.nodes(); never shrinks, so Node pointers stay valid.
  std::vector<std::unique_ptr<Node>> nodes ABSL_GUARDED_BY(mu);
  bool refresh_wanted ABSL_GUARDED_BY(mu) = false;
  bool refreshing ABSL_GUARDED_BY(mu) = false;
  absl::Time last_refresh ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  Node* single = nullptr;  // standalone

  bool cluster() const { return options.topology == Topology::kCluster; }

  PipeConfig ConfigFor(const Endpoint& e) const {
    PipeConfig c;
    c.endpoint = e;
    c.username = options.username;
    c.password = options.password;
    c.database = options.database;
    c.connect_timeout = options.connect_timeout;
    c.backoff_min = options.reconnect_backoff_min;
    c.backoff_max = options.reconnect_backoff_max;
    c.max_queue = options.max_queue;
    c.max_reply_bytes = options.max_reply_bytes;
    return c;
  }

  // The node for `endpoint`, created if new; nullptr past max_cluster_nodes.
  Node* NodeForLocked(const Endpoint& e) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    const int index = table.NodeIndex(e);
    if (index < 0) return nullptr;
    SyncNodesLocked();
    return nodes[static_cast<size_t>(index)].get();
  }
  void SyncNodesLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (nodes.size() < table.nodes().size()) {
      nodes.push_back(std::make_unique<Node>(ConfigFor(table.nodes()[nodes.size()]),
                                             options.connections, clock, pipe_counters));
    }
  }

  Node* Route(const Command& command) {
    if (!cluster()) return single;
    MutexLock lock(&mu);
    if (command.has_key()) {
      const int n = table.NodeForSlot(KeySlot(command.key()));
      if (n >= 0) return nodes[static_cast<size_t>(n)].get();
    }
    const size_t next = round_robin.fetch_add(1, std::memory_order_relaxed);
    const std::vector<int>& primaries = table.primaries();
    if (!primaries.empty())
      return nodes[static_cast<size_t>(primaries[next % primaries.size()])].get();
    return nodes.empty() ? nullptr : nodes[next % nodes.size()].get();
  }

  void WantRefresh() {
    MutexLock lock(&mu);
    refresh_wanted = true;
  }

  absl::Status Refresh(absl::Time deadline, Events* events, bool force);
  std::vector<absl::StatusOr<Reply>> Run(absl::Span<const Command> commands, absl::Time deadline);
  void Fire(const Events& events) const;
};

absl::Status Client::Impl::Refresh(absl::Time deadline, Events* events, bool force) {
  std::vector<Node*> candidates;
  const absl::Time now = clock.MonotonicNow();
  {
    MutexLock lock(&mu);
    const bool due = !table.loaded() ||
                     (refresh_wanted && now - last_refresh >= options.cluster_refresh_interval);
    if (refreshing || (!force && !due)) return absl::OkStatus();
    refreshing = true;
    last_refresh = now;
    for (int p : table.primaries()) candidates.push_back(nodes[static_cast<size_t>(p)].get());
    for (const auto& n : nodes) {
      if (std::find(candidates.begin(), candidates.end(), n.get()) == candidates.end()) {
        candidates.push_back(n.get());
      }
    }
  }
  absl::Status why = absl::UnavailableError("redis: no cluster node to ask for the slot map");
  for (Node* node : candidates) {
    if (RealNow() >= deadline) break;
    Pipe* pipe = node->Pick(now);
    if (pipe->backing_off(now)) continue;
    Op op;
    op.request = redis_internal::EncodeCommand({"CLUSTER", "SLOTS"});
    Op* ops[] = {&op};
    pipe->Run(ops, deadline, &events->pipe);
    absl::StatusOr<std::vector<SlotRange>> ranges =
        !op.status.ok() ? absl::StatusOr<std::vector<SlotRange>>(op.status)
        : op.reply.is_error()
            ? absl::UnavailableError(absl::StrCat("redis: CLUSTER SLOTS: ", op.reply.str))
            : ParseClusterSlots(op.reply, node->config.endpoint.host);
    if (!ranges.ok()) {
      why = ranges.status();
      continue;
    }
    MutexLock lock(&mu);
    if (!table.Apply(*ranges)) {
      why = absl::UnavailableError("redis: CLUSTER SLOTS gave no usable map");
      continue;
    }
    SyncNodesLocked();
    refresh_wanted = false;
    refreshing = false;
    cluster_refreshes.fetch_add(1, std::memory_order_relaxed);
    events->refreshes.emplace_back(ToString(node->config.endpoint), absl::OkStatus());
    events->refresh_sizes.emplace_back(ranges->size(), table.primaries().size());
    return absl::OkStatus();
  }
  MutexLock lock(&mu);
  refreshing = false;
  events->refreshes.emplace_back("", why);
  events->refresh_sizes.emplace_back(0, 0);
  return why;
}

std::vector<absl::StatusOr<Reply>> Client::Impl::Run(absl::Span<const Command> commands,
                                                     absl::Time deadline) {
  std::vector<absl::StatusOr<Reply>> results(
      commands.size(), absl::StatusOr<Reply>(absl::UnavailableError("redis: not sent")));
  Events events;
  std::vector<Work> work;
  work.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    if (commands[i].args.empty()) {
      results[i] = absl::InvalidArgumentError("redis: empty command");
    } else {
      work.push_back(Work{i});
    }
  }
  if (cluster() && !work.empty()) (void)Refresh(deadline, &events, false);

  std::vector<Op*> op_ptrs;
  std::vector<Work> next;
  for (size_t round = 0; !work.empty(); ++round) {
    if (round > options.max_redirects) {
      for (const Work& w : work) {
        results[w.index] = absl::UnavailableError("redis: too many cluster redirections");
      }
      break;
    }
    // Group by node, keeping each node's commands in order.
    std::vector<std::pair<Node*, std::vector<size_t>>> groups;
    for (size_t k = 0; k < work.size(); ++k) {
      Node* node = work[k].target != nullptr ? work[k].target : Route(commands[work[k].index]);
      if (node == nullptr) {
        results[work[k].index] = absl::UnavailableError("redis: no known node");
        continue;
      }
      auto it = std::find_if(groups.begin(), groups.end(),
                             [node](const auto& g) { return g.first == node; });
      if (it == groups.end()) {
        groups.emplace_back(node, std::vector<size_t>{});
        it = groups.end() - 1;
      }
      it->second.push_back(k);
    }
    next.clear();
    // Every node's commands are written before any reply is awaited, so the
    // nodes' round trips overlap.
    struct Batch {
      Node* node = nullptr;
      Pipe* pipe = nullptr;
      std::vector<size_t> members;  // indices into `work`
      std::vector<Op> ops;
      Pipe::Waiter waiter;
    };
    std::deque<Batch> batches;
    for (auto& [node, members] : groups) {
      for (size_t begin = 0; begin < members.size(); begin += options.max_queue) {
        const size_t end = std::min(members.size(), begin + options.max_queue);
        Batch& b = batches.emplace_back();
        b.node = node;
        b.members.assign(members.begin() + static_cast<ptrdiff_t>(begin),
                         members.begin() + static_cast<ptrdiff_t>(end));
        b.ops.resize(b.members.size());
        op_ptrs.clear();
        for (size_t j = 0; j < b.members.size(); ++j) {
          const Work& w = work[b.members[j]];
          const Command& c = commands[w.index];
          Op& op = b.ops[j];
          op.request = w.eval ? redis_internal::EncodeCommand(redis_internal::SendArgs(c, true))
                              : redis_internal::EncodeCommand(c.args);
          if (w.asking) {
            op.request.insert(0, kAsking);
            op.replies = 2;
          }
          op_ptrs.push_back(&op);
        }
        b.pipe = node->Pick(clock.MonotonicNow());
        b.pipe->Submit(op_ptrs, &b.waiter, deadline, &events.pipe);
      }
    }
    for (Batch& b : batches) {
      b.pipe->Await(&b.waiter, deadline, &events.pipe);
      Node* node = b.node;
      for (size_t j = 0; j < b.members.size(); ++j) {
        Work w = work[b.members[j]];
        Op& op = b.ops[j];
        if (!op.status.ok()) {
          results[w.index] = op.status;
          if (cluster() &&
              (absl::IsUnavailable(op.status) || absl::IsDeadlineExceeded(op.status))) {
            WantRefresh();
          }
          continue;
        }
        const redis_internal::Step step =
            redis_internal::NextStepFor(op.reply, commands[w.index], cluster(), w.eval);
        switch (step.next) {
          case NextStep::kDeliver:
            results[w.index] = std::move(op.reply);
            continue;
          case NextStep::kMoved:
          case NextStep::kAsk: {
            Endpoint target = step.redirect.target;
            if (target.host.empty()) target.host = node->config.endpoint.host;
            MutexLock lock(&mu);
            Node* t = NodeForLocked(target);
            if (t == nullptr) {
              results[w.index] = absl::UnavailableError("redis: too many cluster nodes");
              continue;
            }
            w.target = t;
            w.asking = step.next == NextStep::kAsk;
            if (step.next == NextStep::kMoved) {
              moved.fetch_add(1, std::memory_order_relaxed);
              table.SetSlot(step.redirect.slot, table.NodeIndex(target));
              refresh_wanted = true;
            } else {
              ask.fetch_add(1, std::memory_order_relaxed);
            }
            break;
          }
          case NextStep::kTryAgain:
            tryagain.fetch_add(1, std::memory_order_relaxed);
            w.target = nullptr;
            w.asking = false;
            break;
          case NextStep::kEval:
            script_reloads.fetch_add(1, std::memory_order_relaxed);
            w.eval = true;
            w.target = node;
            break;
        }
        next.push_back(w);
      }
    }
    work.swap(next);
  }
  Fire(events);
  return results;
}

void Client::Impl::Fire(const Events& events) const {
  ClientObserver* observer = options.observer;
  if (observer == nullptr) return;
  for (const PipeEvent& e : events.pipe) {
    const std::string endpoint = ToString(e.pipe->endpoint);
    if (e.kind == PipeEvent::Kind::kLost) {
      observer->OnConnectionLost(ConnectionLost{endpoint, e.status});
    } else {
      observer->OnConnectionRestored(ConnectionRestored{endpoint});
    }
  }
  for (size_t i = 0; i < events.refreshes.size(); ++i) {
    observer->OnClusterMapRefreshed(
        ClusterMapRefreshed{events.refreshes[i].first, events.refreshes[i].second,
                            events.refresh_sizes[i].first, events.refresh_sizes[i].second});
  }
}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options, Clock& clock) {
  if (absl::Status s = ValidateClientOptions(options); !s.ok()) return s;
  auto impl = std::make_unique<Impl>(std::move(options), clock);
  {
    MutexLock lock(&impl->mu);
    for (const Endpoint& e : impl->options.endpoints) {
      if (impl->NodeForLocked(e) == nullptr)
        return Invalid("more seed endpoints than max_cluster_nodes");
    }
    if (!impl->cluster()) impl->single = impl->nodes.front().get();
  }
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

const ClientOptions& Client::options() const { return impl_->options; }

absl::StatusOr<Reply> Client::Execute(const Command& command) {
  return Execute(command, impl_->options.command_timeout);
}

absl::StatusOr<Reply> Client::Execute(const Command& command, absl::Duration timeout) {
  return std::move(impl_->Run(absl::MakeConstSpan(&command, 1), RealNow() + timeout)[0]);
}

std::vector<absl::StatusOr<Reply>> Client::ExecuteBatch(absl::Span<const Command> commands) {
  return ExecuteBatch(commands, impl_->options.command_timeout);
}

std::vector<absl::StatusOr<Reply>> Client::ExecuteBatch(absl::Span<const Command> commands,
                                                        absl::Duration timeout) {
  return impl_->Run(commands, RealNow() + timeout);
}

absl::Status Client::RefreshClusterMap() {
  if (!impl_->cluster()) return absl::FailedPreconditionError("redis: not a cluster client");
  Events events;
  absl::Status s = impl_->Refresh(RealNow() + impl_->options.command_timeout, &events, true);
  impl_->Fire(events);
  return s;
}

absl::StatusOr<std::vector<std::string>> Client::ScanKeys(std::string_view pattern,
                                                          size_t max_keys) {
  Events events;
  std::vector<Node*> targets;
  if (impl_->cluster()) {
    (void)impl_->Refresh(RealNow() + impl_->options.command_timeout, &events, false);
    MutexLock lock(&impl_->mu);
    for (int p : impl_->table.primaries())
      targets.push_back(impl_->nodes[static_cast<size_t>(p)].get());
  } else {
    targets.push_back(impl_->single);
  }
  std::vector<std::string> keys;
  absl::Status status;
  if (targets.empty()) status = absl::UnavailableError("redis: no cluster map to scan");
  for (Node* node : targets) {
    std::string cursor = "0";
    do {
      Op op;
      op.request = redis_internal::EncodeCommand(BuildScanCommand(cursor, pattern, 1000).args);
      Op* ops[] = {&op};
      node->Pick(impl_->clock.MonotonicNow())
          ->Run(ops, RealNow() + impl_->options.command_timeout, &events.pipe);
      std::optional<ScanPage> page;
      if (op.status.ok()) page = ParseScanReply(op.reply);
      if (!op.status.ok() || !page.has_value()) {
        status = !op.status.ok() ? op.status : absl::InternalError("redis: malformed SCAN reply");
        break;
      }
      cursor = std::move(page->cursor);
      for (std::string& k : page->keys) {
        if (keys.size() < max_keys) keys.push_back(std::move(k));
      }
    } while (cursor != "0" && keys.size() < max_keys);
    if (!status.ok() || keys.size() >= max_keys) break;
  }
  impl_->Fire(events);
  if (!status.ok()) return status;
  return keys;
}

ClientCounters Client::counters() const {
  const PipeCounters& p = impl_->pipe_counters;
  ClientCounters c;
  c.commands = p.commands.load(std::memory_order_relaxed);
  c.writes = p.writes.load(std::memory_order_relaxed);
  c.reads = p.reads.load(std::memory_order_relaxed);
  c.timeouts = p.timeouts.load(std::memory_order_relaxed);
  c.connection_errors = p.connection_errors.load(std::memory_order_relaxed);
  c.fast_failures = p.fast_failures.load(std::memory_order_relaxed);
  c.queue_full = p.queue_full.load(std::memory_order_relaxed);
  c.connects = p.connects.load(std::memory_order_relaxed);
  c.moved = impl_->moved.load(std::memory_order_relaxed);
  c.ask = impl_->ask.load(std::memory_order_relaxed);
  c.tryagain = impl_->tryagain.load(std::memory_order_relaxed);
  c.script_reloads = impl_->script_reloads.load(std::memory_order_relaxed);
  c.cluster_refreshes = impl_->cluster_refreshes.load(std::memory_order_relaxed);
  MutexLock lock(&impl_->mu);
  for (const auto& n : impl_->nodes) {
    for (const auto& pipe : n->pipes) c.connected += pipe->connected() ? 1 : 0;
  }
  return c;
}

void Client::VisitMetrics(MetricsVisitor& visitor) const {
  redis_internal::VisitClientCounters(visitor, "edgekit_redis_client_", counters(),
                                      impl_->options.topology);
}

}  // namespace redis

namespace redis_internal {

void VisitClientCounters(MetricsVisitor& visitor, std::string_view prefix,
                         const redis::ClientCounters& c, redis::Topology topology) {
  const MetricLabel labels[] = {{"topology", redis::ToString(topology)}};
  const MetricEmitter emit(visitor, labels);
  std::string name;
  auto named = [&](std::string_view what) -> std::string_view {
    name.assign(prefix.data(), prefix.size());
    name.append(what.data(), what.size());
    return name;
  };
  emit.Counter(named("commands_total"), "Replies received from Redis", c.commands);
  emit.Counter(named("writes_total"), "Socket writes carrying commands", c.writes);
  emit.Counter(named("reads_total"), "Socket reads that brought replies", c.reads);
  emit.Counter(named("timeouts_total"), "Commands without a reply before their deadline",
               c.timeouts);
  emit.Counter(named("connection_errors_total"),
               "Connections refused, reset, closed or failing AUTH/SELECT", c.connection_errors);
  emit.Counter(named("fast_failures_total"),
               "Commands refused while the server's connections wait to reconnect",
               c.fast_failures);
  emit.Counter(named("queue_full_total"), "Commands that found no room in a connection's queue",
               c.queue_full);
  emit.Counter(named("connects_total"), "Connections opened", c.connects);
  emit.Counter(named("moved_total"), "MOVED redirections followed", c.moved);
  emit.Counter(named("ask_total"), "ASK redirections followed", c.ask);
  emit.Counter(named("tryagain_total"), "TRYAGAIN replies retried", c.tryagain);
  emit.Counter(named("script_reloads_total"), "NOSCRIPT answered by resending the script",
               c.script_reloads);
  emit.Counter(named("cluster_refreshes_total"), "Cluster slot maps read", c.cluster_refreshes);
  emit.Gauge(named("connections"), "Connections open now", c.connected);
}

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END
