// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: a CircuitBreakerObserver that forwards to a function.
#ifndef EDGEKIT_TESTS_BREAKER_OBSERVER_HELPER_H_
#define EDGEKIT_TESTS_BREAKER_OBSERVER_HELPER_H_

#include <functional>
#include <utility>

#include "edgekit/breaker/circuit_breaker.h"

namespace edgekit_breaker_test {

class FnObserver final : public edgekit::breaker::CircuitBreakerObserver {
 public:
  explicit FnObserver(std::function<void(const edgekit::breaker::StateChange&)> fn)
      : fn_(std::move(fn)) {}
  void OnStateChange(const edgekit::breaker::StateChange& change) override { fn_(change); }

 private:
  std::function<void(const edgekit::breaker::StateChange&)> fn_;
};

}  // namespace edgekit_breaker_test

#endif  // EDGEKIT_TESTS_BREAKER_OBSERVER_HELPER_H_
