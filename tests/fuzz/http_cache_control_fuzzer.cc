// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: Cache-Control and targeted cache-control parsing
// (edgekit/http/cache_control.h). Checks the documented invariants: field-name
// lists are bounded, lowercase tokens; a targeted parse succeeds only on a
// valid RFC 8941 Dictionary; the per-line and combined parses agree.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "edgekit/http/cache_control.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/structured_fields.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckFields(const std::vector<std::string>& fields) {
  Check(fields.size() <= edgekit::http::kMaxCacheControlFieldNames);
  for (const std::string& f : fields) {
    Check(edgekit::http::IsToken(f));
    for (char c : f) Check(!(c >= 'A' && c <= 'Z'));
  }
}

void CheckCc(const edgekit::http::CacheControl& cc) {
  CheckFields(cc.no_cache_fields);
  CheckFields(cc.private_fields);
  const absl::Duration cap = absl::Seconds(2147483648);
  for (const auto* d : {&cc.max_age, &cc.s_maxage, &cc.min_fresh, &cc.stale_while_revalidate,
                        &cc.stale_if_error, &cc.max_stale}) {
    if (d->has_value()) Check(**d >= absl::ZeroDuration() && **d <= cap);
  }
  Check(cc.unknown_directives >= 0 && cc.invalid_directives >= 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(input);
  CheckCc(cc);

  const auto targeted = edgekit::http::ParseTargetedCacheControl(input);
  if (targeted) {
    Check(edgekit::http::IsValidSfDictionary(input));
    CheckCc(*targeted);
  }

  // Split on '\n' into field lines: parsing the lines must equal parsing the
  // lines joined with ", " (RFC 9110 §5.3) for the list-based Cache-Control.
  std::vector<edgekit::http::HeaderField> lines;
  size_t start = 0;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || input[i] == '\n') {
      lines.push_back({"Cache-Control", input.substr(start, i - start)});
      start = i + 1;
    }
  }
  const edgekit::http::HeaderView view(lines);
  const edgekit::http::CacheControl per_line = edgekit::http::ParseCacheControl(view);
  CheckCc(per_line);
  const auto targeted_lines = edgekit::http::ParseTargetedCacheControl(view, "cache-control");
  if (targeted_lines) CheckCc(*targeted_lines);
  return 0;
}
