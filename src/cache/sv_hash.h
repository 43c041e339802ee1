// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: sv_hash.h
// -----------------------------------------------------------------------------
// Private: transparent std::string_view hashing for Abseil containers (Debian's
// Abseil has its own absl::string_view, so absl's heterogeneous lookup does not
// take ours).
// Thread-safety: stateless.

#ifndef EDGEKIT_SRC_CACHE_SV_HASH_H_
#define EDGEKIT_SRC_CACHE_SV_HASH_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept {
    return static_cast<size_t>(cache::StoreKeyHash(s));
  }
};
struct SvEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};
template <class V>
using StrMap = absl::flat_hash_map<std::string, V, SvHash, SvEq>;

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_SV_HASH_H_
