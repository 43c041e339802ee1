// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: authority and path validation (edgekit/http/authority.h). A
// valid authority never contains a delimiter that could end the authority part
// of a URI, its parts are views into the input, and host + ":" + port rebuilds
// it; a valid path and query has no fragment, whitespace or quote.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "edgekit/http/authority.h"

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (edgekit::http::IsValidPathAndQuery(input)) {
    Check(input.find_first_of("# \t\r\n\\\"<>") == std::string_view::npos);
  }
  const auto a = edgekit::http::ParseAuthority(input);
  Check(a.has_value() == edgekit::http::IsValidAuthority(input));
  if (!a) return 0;
  Check(!a->host.empty());
  Check(input.find_first_of("/?#@ \t\r\n\\") == std::string_view::npos);
  std::string rebuilt(a->host);
  if (!a->port.empty()) rebuilt += ":" + std::string(a->port);
  Check(rebuilt == input);
  return 0;
}
