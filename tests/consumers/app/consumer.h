// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared by the consumer programs (tests/consumers/app/<component>.cc): each
// uses one edgekit component the way a user would, is built by
// scripts/consumers through find_package, add_subdirectory, FetchContent and
// pkg-config, and exits 0 only when the component behaved as documented.

#ifndef EDGEKIT_TESTS_CONSUMERS_APP_CONSUMER_H_
#define EDGEKIT_TESTS_CONSUMERS_APP_CONSUMER_H_

#include <cstdio>

// Prints one line per check and remembers failures.
class Checks {
 public:
  explicit Checks(const char* component) : component_(component) {}
  void Expect(bool ok, const char* what) {
    std::printf("consumer %s: %s: %s\n", component_, what, ok ? "ok" : "WRONG");
    failed_ += ok ? 0 : 1;
  }
  int ExitCode() const {
    std::printf("consumer %s: %s\n", component_, failed_ == 0 ? "passed" : "FAILED");
    return failed_ == 0 ? 0 : 1;
  }

 private:
  const char* component_;
  int failed_ = 0;
};

#endif  // EDGEKIT_TESTS_CONSUMERS_APP_CONSUMER_H_
