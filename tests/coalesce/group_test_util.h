// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: group_test_util.h
// -----------------------------------------------------------------------------
// Test helpers for edgekit::coalesce::Group's single-threaded tests: a group of
// strings and a Probe that records what a follower's callback received. A
// Probe is not thread-safe: read it on the thread its callback ran on.

#ifndef EDGEKIT_TESTS_COALESCE_GROUP_TEST_UTIL_H_
#define EDGEKIT_TESTS_COALESCE_GROUP_TEST_UTIL_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "edgekit/coalesce/group.h"
#include "edgekit/coalesce/types.h"

namespace coalesce_test {

using StrGroup = edgekit::coalesce::Group<std::string, std::string>;
using StrResult = StrGroup::ResultType;

// Records what a follower's callback received (and how often it ran).
struct Probe {
  int calls = 0;
  std::shared_ptr<const std::string> value;
  edgekit::coalesce::Reason reason = edgekit::coalesce::Reason::kOk;
  absl::Status status;
  bool shared = false;

  StrGroup::Callback Callback() {
    return [this](const StrResult& r) {
      ++calls;
      value = r.value_ptr();
      reason = r.reason();
      status = r.status();
      shared = r.shared();
    };
  }
};

}  // namespace coalesce_test

#endif  // EDGEKIT_TESTS_COALESCE_GROUP_TEST_UTIL_H_
