// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Internal: checks shared by the metrics visitors of src/base. Not API.

#ifndef EDGEKIT_SRC_BASE_METRICS_COMMON_H_
#define EDGEKIT_SRC_BASE_METRICS_COMMON_H_

#include <cmath>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/base/metrics.h"

EDGEKIT_NAMESPACE_BEGIN
namespace base_internal {

// True if `s` is well-formed UTF-8 (RFC 3629: shortest forms only, no
// surrogates, nothing above U+10FFFF).
inline bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// A histogram sample both exporters can carry: bucket_counts has one more
// entry than upper_bounds, and the bounds are finite and strictly increasing.
inline bool HistogramValid(const HistogramSample* h) {
  if (h == nullptr || h->bucket_counts.size() != h->upper_bounds.size() + 1) return false;
  for (size_t i = 0; i < h->upper_bounds.size(); ++i) {
    if (!std::isfinite(h->upper_bounds[i])) return false;
    if (i > 0 && !(h->upper_bounds[i] > h->upper_bounds[i - 1])) return false;
  }
  return true;
}

}  // namespace base_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_BASE_METRICS_COMMON_H_
