// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: counts global operator new calls in edgekit_http_test so tests
// can pin the "allocation-free" claims of the http headers.
#include <atomic>
#include <cstdlib>
#include <new>

#include "alloc_counter.h"

// Sanitizers own operator new/delete: counting is off under them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS
#define EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS 1
#endif

namespace edgekit_http_test {
namespace {
std::atomic<long> g_allocations{0};
}  // namespace
bool AllocationCountingEnabled() { return EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS != 0; }
long AllocationCount() { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace edgekit_http_test

#if EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS

void* operator new(std::size_t size) {
  edgekit_http_test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  std::abort();  // tests only: no bad_alloc handling needed
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif  // EDGEKIT_HTTP_TEST_COUNT_ALLOCATIONS
