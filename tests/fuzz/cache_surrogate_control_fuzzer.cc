// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: Surrogate-Control parsing (edgekit/cache/surrogate_control.h).
// Input: first line = device token, the remaining lines = Surrogate-Control
// field lines. Checks the documented invariants: durations within the
// delta-seconds clamp, bounded field-name lists, and that a result is only
// returned when some member is applicable (an empty token never matches a
// targeted member, and an input with no field lines is nullopt).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "edgekit/cache/surrogate_control.h"
#include "edgekit/http/header_map.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view token = input.substr(0, nl);
  std::vector<edgekit::http::HeaderField> lines;
  if (nl != std::string_view::npos) {
    size_t start = nl + 1;
    for (size_t i = start; i <= size; ++i) {
      if (i == size || input[i] == '\n') {
        lines.push_back({"Surrogate-Control", input.substr(start, i - start)});
        start = i + 1;
      }
    }
  }
  const edgekit::http::HeaderView view(lines);
  const auto sc = edgekit::cache::ParseSurrogateControl(view, token);
  if (lines.empty()) Check(!sc.has_value());
  if (sc) {
    const absl::Duration cap = absl::Seconds(2147483648);
    for (const auto* d : {&sc->max_age, &sc->s_maxage, &sc->min_fresh, &sc->stale_while_revalidate,
                          &sc->stale_if_error, &sc->max_stale}) {
      if (d->has_value()) Check(**d >= absl::ZeroDuration() && **d <= cap);
    }
    Check(sc->no_cache_fields.size() <= edgekit::http::kMaxCacheControlFieldNames);
    Check(sc->private_fields.size() <= edgekit::http::kMaxCacheControlFieldNames);
  }
  // Parsing is deterministic.
  const auto again = edgekit::cache::ParseSurrogateControl(view, token);
  Check(again.has_value() == sc.has_value());
  return 0;
}
