// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: failure_policy.h
// -----------------------------------------------------------------------------
// What the fleet limiters do when Redis cannot decide (no reply before the
// deadline, connection refused or reset, a malformed reply), and the observer
// through which a host hears about each such decision.
//
// Example:
//
//   class LogFailures : public edgekit::redis::LimiterObserver {
//     void OnFailurePolicyDecision(const edgekit::redis::FailurePolicyDecision& d) override {
//       LOG(WARNING) << "redis limiter fell back: " << d.cause;
//     }
//   };
//
// Thread-safety: value types; observers are called from the deciding thread.

#ifndef EDGEKIT_REDIS_FAILURE_POLICY_H_
#define EDGEKIT_REDIS_FAILURE_POLICY_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

enum class FailurePolicy : uint8_t {
  kFailOpen,       // allow
  kFailClosed,     // reject
  kLocalFallback,  // a per-node limit decides
};

// "fail_open", "fail_closed", "local_fallback".
[[nodiscard]] EDGEKIT_API std::string_view ToString(FailurePolicy policy);

struct FailurePolicyDecision {
  std::string_view limiter;  // "global" or "hybrid"
  std::string_view key;
  FailurePolicy policy = FailurePolicy::kFailClosed;
  bool allowed = false;
  absl::Status cause;  // why Redis did not decide
};

// Events a host logs. Called on the thread that made the decision, never
// under an internal lock; must not throw; must outlive the limiter.
class LimiterObserver {
 public:
  virtual ~LimiterObserver() = default;
  virtual void OnFailurePolicyDecision(const FailurePolicyDecision& /*event*/) {}
};

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_FAILURE_POLICY_H_
