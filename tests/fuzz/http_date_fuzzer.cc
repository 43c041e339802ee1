// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: HTTP-date parsing and formatting (edgekit/http/http_date.h).
// A parsed date must format as a valid IMF-fixdate that parses back to the
// same instant; formatting any instant must yield 29 bytes that parse.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "edgekit/http/http_date.h"

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  char buf[edgekit::http::kHttpDateSize];
  for (const auto& parsed :
       {edgekit::http::ParseHttpDate(input),
        edgekit::http::ParseHttpDate(input, absl::FromUnixSeconds(1795000000))}) {
    if (!parsed) continue;
    const std::string_view s = edgekit::http::FormatHttpDate(*parsed, buf);
    Check(s.size() == edgekit::http::kHttpDateSize);
    const auto again = edgekit::http::ParseHttpDate(s);
    Check(again.has_value());
    // Year 0000 is clamped by the formatter to 0001-01-01.
    if (*parsed >= absl::FromUnixSeconds(-62135596800)) Check(*again == *parsed);
  }
  // Any 8 bytes as Unix seconds: the formatter clamps and its output parses.
  if (size >= 8) {
    int64_t secs = 0;
    std::memcpy(&secs, data, sizeof(secs));
    const std::string_view s = edgekit::http::FormatHttpDate(absl::FromUnixSeconds(secs), buf);
    Check(edgekit::http::ParseHttpDate(s).has_value());
  }
  return 0;
}
