// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/header_map.h (RFC 9110 §5).
#include "edgekit/http/header_map.h"

#include <string>
#include <vector>

#include "edgekit_catch.h"

using edgekit::http::HeaderField;
using edgekit::http::HeaderMap;
using edgekit::http::HeaderView;

TEST_CASE("HeaderView looks names up case-insensitively (RFC 9110 §5.1)", "[http]") {
  std::vector<HeaderField> fields = {{"Content-Type", "text/html"}, {"vary", "Accept"}};
  HeaderView v(fields);
  CHECK(v.Get("content-type") == std::optional<std::string_view>("text/html"));
  CHECK(v.Get("CONTENT-TYPE") == std::optional<std::string_view>("text/html"));
  CHECK_FALSE(v.Get("content-length").has_value());
  CHECK(v.Contains("Vary"));
  CHECK(v.size() == 2);
}
