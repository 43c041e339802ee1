// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Cluster routing shared by the sync and the event-loop clients, without I/O:
// the slot table (slot -> node index, bounded node list) and what to do with a
// reply (deliver it, or follow a redirection).

#ifndef EDGEKIT_SRC_REDIS_ROUTING_H_
#define EDGEKIT_SRC_REDIS_ROUTING_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "edgekit/base/config.h"
#include "edgekit/redis/cluster.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

// Not thread-safe: the clients guard it.
class SlotTable {
 public:
  explicit SlotTable(size_t max_nodes);

  // The index of `endpoint`, added if new; -1 once max_nodes are known.
  int NodeIndex(const redis::Endpoint& endpoint);
  // The node serving `slot`, -1 when unknown.
  int NodeForSlot(int slot) const { return slots_[static_cast<size_t>(slot)]; }
  void SetSlot(int slot, int node) {
    slots_[static_cast<size_t>(slot)] = static_cast<int16_t>(node);
  }
  // Replaces the map. Returns false (and keeps the old map) if a node could
  // not be added or the ranges hold no slot.
  bool Apply(const std::vector<redis::SlotRange>& ranges);

  const std::vector<redis::Endpoint>& nodes() const { return nodes_; }
  // Nodes serving at least one slot, in the order of the last map.
  const std::vector<int>& primaries() const { return primaries_; }
  bool loaded() const { return loaded_; }

 private:
  size_t max_nodes_;
  std::vector<redis::Endpoint> nodes_;
  std::vector<int> primaries_;
  std::array<int16_t, redis::kClusterSlots> slots_;
  bool loaded_ = false;
};

// What a reply asks the client to do next.
enum class NextStep : uint8_t {
  kDeliver,   // the reply is the command's answer
  kMoved,     // resend to `redirect.target`, and remember the slot moved
  kAsk,       // resend to `redirect.target` after ASKING
  kTryAgain,  // resend (a multi-key command during a slot migration)
  kEval,      // NOSCRIPT: resend the script as EVAL with its source
};

struct Step {
  NextStep next = NextStep::kDeliver;
  redis::Redirect redirect;
};

// Decides what `reply` to `command` asks for. `cluster`: whether redirections
// are followed; `already_eval`: whether the command was already sent as EVAL.
Step NextStepFor(const redis::Reply& reply, const redis::Command& command, bool cluster,
                 bool already_eval);

// The command's arguments as sent: EVALSHA becomes EVAL with the script source
// when `eval`.
std::vector<std::string> SendArgs(const redis::Command& command, bool eval);

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_REDIS_ROUTING_H_
