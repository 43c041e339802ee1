// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "redis/routing.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis_internal {

SlotTable::SlotTable(size_t max_nodes) : max_nodes_(max_nodes) { slots_.fill(-1); }

int SlotTable::NodeIndex(const redis::Endpoint& endpoint) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i] == endpoint) return static_cast<int>(i);
  }
  if (nodes_.size() >= max_nodes_) return -1;
  nodes_.push_back(endpoint);
  return static_cast<int>(nodes_.size() - 1);
}

bool SlotTable::Apply(const std::vector<redis::SlotRange>& ranges) {
  std::array<int16_t, redis::kClusterSlots> slots;
  slots.fill(-1);
  std::vector<int> primaries;
  for (const redis::SlotRange& r : ranges) {
    const int node = NodeIndex(r.primary);
    if (node < 0) return false;
    if (std::find(primaries.begin(), primaries.end(), node) == primaries.end()) {
      primaries.push_back(node);
    }
    for (int s = r.first; s <= r.last; ++s)
      slots[static_cast<size_t>(s)] = static_cast<int16_t>(node);
  }
  if (primaries.empty()) return false;
  slots_ = slots;
  primaries_ = std::move(primaries);
  loaded_ = true;
  return true;
}

Step NextStepFor(const redis::Reply& reply, const redis::Command& command, bool cluster,
                 bool already_eval) {
  Step step;
  if (!reply.is_error()) return step;
  if (cluster) {
    if (auto redirect = redis::ParseRedirect(reply.str)) {
      step.next =
          redirect->kind == redis::Redirect::Kind::kMoved ? NextStep::kMoved : NextStep::kAsk;
      step.redirect = std::move(*redirect);
      return step;
    }
    if (absl::StartsWith(reply.str, "TRYAGAIN")) {
      step.next = NextStep::kTryAgain;
      return step;
    }
  }
  if (!already_eval && !command.script_source.empty() && absl::StartsWith(reply.str, "NOSCRIPT") &&
      command.args.size() >= 2 && absl::EqualsIgnoreCase(command.args[0], "EVALSHA")) {
    step.next = NextStep::kEval;
  }
  return step;
}

std::vector<std::string> SendArgs(const redis::Command& command, bool eval) {
  std::vector<std::string> args = command.args;
  if (eval && args.size() >= 2) {
    args[0] = "EVAL";
    args[1] = std::string(command.script_source);
  }
  return args;
}

}  // namespace redis_internal
EDGEKIT_NAMESPACE_END
