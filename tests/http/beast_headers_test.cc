// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the Boost.Beast adapter (edgekit/http/beast_headers.h): Beast's
// fields read in place answer like the same lines in an array, without
// allocating.
#if __has_include(<boost/beast/http/fields.hpp>)

#include "edgekit/http/beast_headers.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <vector>

#include "alloc_counter.h"
#include "edgekit/http/cache_control.h"
#include "edgekit_catch.h"

namespace beast_http = boost::beast::http;
using edgekit::http::FieldsOf;
using edgekit::http::HeaderField;
using edgekit::http::HeaderMap;
using edgekit::http::HeaderView;

TEST_CASE("Beast fields: lookups, repeated lines and lists through HeaderView", "[http]") {
  beast_http::request<beast_http::string_body> req{beast_http::verb::get, "/index.html", 11};
  req.set(beast_http::field::host, "example.com");
  req.insert("Cache-Control", "max-age=0");
  req.insert("Vary", "Accept-Encoding");
  req.insert("X-Custom", "1");
  req.insert("vary", "Accept-Language, \"x,y\"");
  req.insert("cache-control", "no-transform");

  const HeaderView v = FieldsOf(req);
  CHECK(v.size() == 6);
  CHECK(v.Get("HOST") == std::optional<std::string_view>("example.com"));
  CHECK(v.Get("x-custom") == std::optional<std::string_view>("1"));
  CHECK(v.Count("Vary") == 2);
  CHECK(v.GetCombined("vary") == "Accept-Encoding, Accept-Language, \"x,y\"");
  std::vector<std::string> members;
  v.ForEachListMember("Vary", [&](std::string_view m) { members.emplace_back(m); });
  CHECK(members == std::vector<std::string>{"Accept-Encoding", "Accept-Language", "\"x,y\""});
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(v);
  CHECK(cc.max_age == absl::ZeroDuration());
  CHECK(cc.no_transform);

  // Beast's order: a repeated name goes after that name's last line; names
  // keep the case they were inserted with.
  std::vector<std::string> names;
  for (const HeaderField& f : v) names.emplace_back(f.name);
  CHECK(names == std::vector<std::string>{"Host", "Cache-Control", "cache-control", "Vary", "vary",
                                          "X-Custom"});
  // Iterators copy and compare (the cursor holds Beast's iterator).
  auto it = v.begin();
  auto copy = it;
  ++it;
  CHECK(copy->name == "Host");
  CHECK(it->name == "Cache-Control");
  CHECK(it != copy);
  ++copy;
  CHECK(it == copy);

  // The owning copy a cache stores.
  const HeaderMap stored(v);
  CHECK(stored.size() == 6);
  CHECK(stored.Get("vary") == std::optional<std::string_view>("Accept-Encoding"));

  // The view reads the message in place: a later change shows through.
  req.set("X-Custom", "2");
  CHECK(v.Get("X-Custom") == std::optional<std::string_view>("2"));
}

TEST_CASE("Beast fields: a bare fields object, a header and an empty response", "[http]") {
  beast_http::fields fields;
  fields.insert("ETag", "\"abc\"");
  const HeaderView v(fields);
  CHECK(v.Get("etag") == std::optional<std::string_view>("\"abc\""));

  beast_http::response_header<> header;
  header.result(beast_http::status::ok);
  header.insert("Age", "5");
  CHECK(FieldsOf(header).Get("age") == std::optional<std::string_view>("5"));

  beast_http::response<beast_http::empty_body> empty;
  CHECK(FieldsOf(empty).empty());
  CHECK(FieldsOf(empty).begin() == FieldsOf(empty).end());
}

TEST_CASE("Beast fields: lookups through the view do not allocate", "[http]") {
  if (!edgekit_http_test::AllocationCountingEnabled()) {
    WARN("allocation counting is off under sanitizers");
    return;
  }
  beast_http::request<beast_http::empty_body> req{beast_http::verb::get, "/", 11};
  req.insert("Cache-Control", "max-age=60, stale-while-revalidate=30");
  req.insert("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig");
  req.insert("Accept-Encoding", "gzip, br");
  const long before = edgekit_http_test::AllocationCount();
  const HeaderView v = FieldsOf(req);
  const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(v);
  const auto auth = v.Get("authorization");
  size_t members = 0;
  v.ForEachListMember("accept-encoding", [&](std::string_view) { ++members; });
  CHECK(edgekit_http_test::AllocationCount() == before);
  CHECK(cc.max_age == absl::Seconds(60));
  CHECK(auth.has_value());
  CHECK(members == 2);
}

#else
#include "edgekit_catch.h"
TEST_CASE("Beast fields adapter", "[http]") { WARN("Boost.Beast is not installed: skipped"); }
#endif
