// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// RevocationList: expiry, bound and eviction policy, thread safety.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/jwt/revocation.h"
#include "edgekit_catch.h"

namespace jwt = edgekit::jwt;

namespace {
absl::Time T(int64_t s) { return absl::FromUnixSeconds(1700000000 + s); }
}  // namespace

TEST_CASE("revoked ids stay revoked until their token's exp (RFC 7519 §4.1.7)",
          "[jwt][revocation]") {
  jwt::RevocationList list(8);
  REQUIRE(list.Revoke("a", T(100), T(0)).ok());
  CHECK(list.IsRevoked("a", T(0)));
  CHECK(list.IsRevoked("a", T(99)));
  CHECK_FALSE(list.IsRevoked("a", T(100)));
  CHECK_FALSE(list.IsRevoked("b", T(0)));
  // Re-revoking extends to the later expiry only.
  REQUIRE(list.Revoke("a", T(200), T(0)).ok());
  REQUIRE(list.Revoke("a", T(50), T(0)).ok());
  CHECK(list.IsRevoked("a", T(150)));
  CHECK(list.Unrevoke("a"));
  CHECK_FALSE(list.Unrevoke("a"));
  CHECK_FALSE(list.IsRevoked("a", T(0)));
  // Already expired: accepted, not stored.
  REQUIRE(list.Revoke("old", T(-1), T(0)).ok());
  CHECK(list.counters().size == 0);
  CHECK(list.Revoke("", T(10), T(0)).code() == absl::StatusCode::kInvalidArgument);
  CHECK(list.Revoke(std::string(1025, 'x'), T(10), T(0)).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("a full list drops expired entries, then evicts the soonest-expiring",
          "[jwt][revocation]") {
  jwt::RevocationList list(3);
  REQUIRE(list.Revoke("a", T(10), T(0)).ok());
  REQUIRE(list.Revoke("b", T(20), T(0)).ok());
  REQUIRE(list.Revoke("c", T(30), T(0)).ok());
  // Full: the new entry outlives "a", so "a" goes.
  REQUIRE(list.Revoke("d", T(40), T(0)).ok());
  CHECK_FALSE(list.IsRevoked("a", T(0)));
  CHECK(list.IsRevoked("b", T(0)));
  CHECK(list.counters().evictions == 1);
  // A new entry expiring before all others is the one refused.
  CHECK(list.Revoke("e", T(5), T(0)).code() == absl::StatusCode::kResourceExhausted);
  CHECK_FALSE(list.IsRevoked("e", T(0)));
  CHECK(list.counters().evictions == 2);
  // Later, expired entries make room without evicting live ones.
  REQUIRE(list.Revoke("f", T(100), T(25)).ok());
  CHECK(list.counters().expired == 1);  // "b"
  CHECK(list.counters().size == 3);
  list.Purge(T(1000));
  CHECK(list.counters().size == 0);
  // Capacities are never clamped: Create refuses 0 and values above 2^24; a
  // list constructed with capacity 0 stores nothing.
  CHECK(jwt::RevocationList::Create(0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(jwt::RevocationList::Create(jwt::RevocationList::kMaxCapacity + 1).status().code() ==
        absl::StatusCode::kInvalidArgument);
  REQUIRE(jwt::RevocationList::Create(1).ok());
  CHECK((*jwt::RevocationList::Create(1))->capacity() == 1);
  jwt::RevocationList empty(0);
  CHECK(empty.capacity() == 0);
  CHECK(empty.Revoke("a", T(10), T(0)).code() == absl::StatusCode::kResourceExhausted);
  CHECK_FALSE(empty.IsRevoked("a", T(0)));
}

TEST_CASE("RevocationList is safe under concurrent revoke and lookup",
          "[jwt][revocation][concurrency]") {
  jwt::RevocationList list(64);
  std::atomic<int> hits{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&list, &hits, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string id = std::to_string((i * 7 + t) % 200);
        if (t % 2 == 0) {
          (void)list.Revoke(id, T(1000 + i), T(i / 10));
        } else if (list.IsRevoked(id, T(i / 10))) {
          hits.fetch_add(1, std::memory_order_relaxed);
        }
        if (i % 500 == 0) list.Purge(T(i / 10));
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(list.counters().size <= 64);
  CHECK(hits.load() >= 0);
}
