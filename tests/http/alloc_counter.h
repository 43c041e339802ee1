// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: the number of global operator new calls so far (see
// alloc_counter_helper.cc).
#ifndef EDGEKIT_TESTS_HTTP_ALLOC_COUNTER_H_
#define EDGEKIT_TESTS_HTTP_ALLOC_COUNTER_H_

namespace edgekit_http_test {
// False under sanitizers, which own operator new: AllocationCount() stays 0.
bool AllocationCountingEnabled();
long AllocationCount();
}  // namespace edgekit_http_test

#endif  // EDGEKIT_TESTS_HTTP_ALLOC_COUNTER_H_
