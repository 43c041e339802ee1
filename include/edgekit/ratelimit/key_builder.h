// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key_builder.h
// -----------------------------------------------------------------------------
// `LimitKey`, the identity of one rate-limited key, and `KeyBuilder`, which
// composes it from any parts the host knows (client address, verified subject
// or claim, API key, path, a header, the tier, ...) without allocating: each
// part is hashed into a running 64-bit state as it is added, so a key made of
// three parts costs three hash steps and no copy of the parts.
//
// A `KeyedLimiter` identifies keys by this 64-bit hash only (it never stores
// key bytes). `limiter.TryAcquire("192.0.2.7")` and
// `limiter.TryAcquire(KeyBuilder().Add("192.0.2.7").Build())` are the same key.
// Part boundaries count: ("ab", "c") and ("a", "bc") are different keys.
//
// Example (per subject and path prefix):
//
//   const edgekit::ratelimit::LimitKey key =
//       edgekit::ratelimit::KeyBuilder().Add(subject).Add(path_prefix).Build();
//   edgekit::ratelimit::Decision d = limiter->TryAcquire(key);
//
// The hash is Abseil's, seeded per process: keys are stable within a process
// (which is all a limiter's table needs), not across processes; do not
// persist them or send them to other hosts.
//
// Thread-safety: `KeyBuilder` is a value type (thread-compatible); `LimitKey`
// is immutable.

#ifndef EDGEKIT_RATELIMIT_KEY_BUILDER_H_
#define EDGEKIT_RATELIMIT_KEY_BUILDER_H_

#include <cstdint>
#include <string_view>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "edgekit/base/config.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace ratelimit {

// A key's 64-bit identity. Never 0.
class LimitKey {
 public:
  // The key of one part: the same as `KeyBuilder().Add(key).Build()`.
  [[nodiscard]] static LimitKey Of(std::string_view key) {
    return FromHash(absl::Hash<absl::string_view>{}(AbslView(key)));
  }
  [[nodiscard]] uint64_t hash() const { return hash_; }
  friend bool operator==(LimitKey a, LimitKey b) { return a.hash_ == b.hash_; }
  friend bool operator!=(LimitKey a, LimitKey b) { return a.hash_ != b.hash_; }

 private:
  friend class KeyBuilder;
  static constexpr uint64_t kEmpty = 0x6b65795f62756c64;  // The key of no part.
  static LimitKey FromHash(uint64_t h) { return LimitKey(h == 0 ? 1 : h); }
  explicit LimitKey(uint64_t hash) : hash_(hash) {}
  uint64_t hash_;
};

// Composes a `LimitKey` from parts, hashing each as it is added. No
// allocation; the parts need not outlive the call to `Add`.
class KeyBuilder {
 public:
  KeyBuilder() = default;
  // Adds a part (its bytes and its length, so boundaries matter).
  KeyBuilder& Add(std::string_view part) {
    state_ = parts_ == 0 ? absl::Hash<absl::string_view>{}(AbslView(part))
                         : absl::HashOf(state_, AbslView(part));
    ++parts_;
    return *this;
  }
  // Adds a number (e.g. a tenant id or a port) as a part of its own kind.
  KeyBuilder& Add(int64_t part) {
    state_ = absl::HashOf(state_, parts_, part);
    ++parts_;
    return *this;
  }
  // The key. A builder with no part gives the one key of "everything"
  // (a global limit).
  [[nodiscard]] LimitKey Build() const { return LimitKey::FromHash(state_); }
  [[nodiscard]] int parts() const { return parts_; }

 private:
  uint64_t state_ = LimitKey::kEmpty;
  int parts_ = 0;
};

}  // namespace ratelimit
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_RATELIMIT_KEY_BUILDER_H_
