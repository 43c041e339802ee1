// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the nghttp2 adapter (edgekit/http/nghttp2_headers.h): nghttp2_nv
// arrays read in place, pseudo-header fields (RFC 9113 §8.3) kept out of field
// lookups and readable on their own.
#if __has_include(<nghttp2/nghttp2.h>)

#include "edgekit/http/nghttp2_headers.h"

#include <string>
#include <vector>

#include "alloc_counter.h"
#include "edgekit/http/cache_control.h"
#include "edgekit_catch.h"

using edgekit::http::HeaderField;
using edgekit::http::HeaderMap;
using edgekit::http::HeaderView;
using edgekit::http::Nghttp2Headers;
using edgekit::http::PseudoHeader;

namespace {

nghttp2_nv Nv(const char* name, const char* value) {
  nghttp2_nv nv;
  nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(name));
  nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(value));
  nv.namelen = std::char_traits<char>::length(name);
  nv.valuelen = std::char_traits<char>::length(value);
  nv.flags = NGHTTP2_NV_FLAG_NONE;
  return nv;
}

std::vector<nghttp2_nv> Request() {
  return {Nv(":method", "GET"),
          Nv(":scheme", "https"),
          Nv(":authority", "example.com"),
          Nv(":path", "/a?b"),
          Nv("cache-control", "max-age=60"),
          Nv("accept-encoding", "gzip"),
          Nv("accept-encoding", "br"),
          Nv("authorization", "Bearer abc.def.ghi")};
}

}  // namespace

TEST_CASE("nghttp2: regular fields through HeaderView, pseudo-headers skipped", "[http]") {
  const std::vector<nghttp2_nv> nva = Request();
  const Nghttp2Headers fields(nva.data(), nva.size());
  const HeaderView v(fields);
  // RFC 9113 §8.3: pseudo-header fields are not HTTP fields.
  CHECK(v.size() == 4);
  CHECK_FALSE(v.Get(":path").has_value());
  CHECK_FALSE(v.Contains(":method"));
  CHECK(v.Get("Cache-Control") == std::optional<std::string_view>("max-age=60"));
  CHECK(v.GetCombined("accept-encoding") == "gzip, br");
  CHECK(edgekit::http::ParseCacheControl(v).max_age == absl::Seconds(60));
  std::vector<std::string> names;
  for (const HeaderField& f : v) names.emplace_back(f.name);
  CHECK(names == std::vector<std::string>{"cache-control", "accept-encoding", "accept-encoding",
                                          "authorization"});
  CHECK(HeaderMap(v).size() == 4);

  CHECK(PseudoHeader(fields, ":path") == std::optional<std::string_view>("/a?b"));
  CHECK(PseudoHeader(fields, ":authority") == std::optional<std::string_view>("example.com"));
  CHECK_FALSE(PseudoHeader(fields, ":status").has_value());

  // A vector of nghttp2_nv converts directly, with the same answers.
  const HeaderView direct(nva);
  CHECK(direct.size() == 4);
  CHECK(direct.Get("authorization") == std::optional<std::string_view>("Bearer abc.def.ghi"));
  CHECK(PseudoHeader(Nghttp2Headers(nva), ":method") == std::optional<std::string_view>("GET"));
}

TEST_CASE("nghttp2: only pseudo-headers, empty arrays, empty names", "[http]") {
  const std::vector<nghttp2_nv> only = {Nv(":status", "200")};
  const Nghttp2Headers fields(only.data(), only.size());
  const HeaderView v(fields);
  CHECK(v.empty());
  CHECK(v.size() == 0);
  CHECK(v.begin() == v.end());
  CHECK(PseudoHeader(fields, ":status") == std::optional<std::string_view>("200"));

  const Nghttp2Headers none(nullptr, 0);
  CHECK(HeaderView(none).empty());

  const std::vector<nghttp2_nv> odd = {Nv("", "x"), Nv("a", "")};
  const HeaderView w(odd);
  CHECK(w.size() == 2);
  CHECK(w.Get("a") == std::optional<std::string_view>(""));
}

TEST_CASE("nghttp2: lookups through the view do not allocate", "[http]") {
  if (!edgekit_http_test::AllocationCountingEnabled()) {
    WARN("allocation counting is off under sanitizers");
    return;
  }
  const std::vector<nghttp2_nv> nva = Request();
  const long before = edgekit_http_test::AllocationCount();
  const Nghttp2Headers fields(nva.data(), nva.size());
  const HeaderView v(fields);
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(v);
  const auto auth = v.Get("authorization");
  const auto path = PseudoHeader(fields, ":path");
  CHECK(edgekit_http_test::AllocationCount() == before);
  CHECK(cc.max_age == absl::Seconds(60));
  CHECK(auth.has_value());
  CHECK(path.has_value());
}

#else
#include "edgekit_catch.h"
TEST_CASE("nghttp2 adapter", "[http]") { WARN("nghttp2 headers are not installed: skipped"); }
#endif
