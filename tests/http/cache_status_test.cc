// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/cache_status.h: the Cache-Status field (RFC 9211).
#include "edgekit/http/cache_status.h"

#include <string>

#include "edgekit/http/structured_fields.h"
#include "edgekit_catch.h"

using edgekit::http::AppendCacheStatus;
using edgekit::http::CacheStatusEntry;
using edgekit::http::FormatCacheStatus;
using edgekit::http::IsValidSfList;
using Fwd = CacheStatusEntry::Fwd;

namespace {
CacheStatusEntry Entry(std::string_view name) {
  CacheStatusEntry e;
  e.cache_name = name;
  return e;
}
}  // namespace

TEST_CASE("RFC 9211 §3's examples, in canonical RFC 8941 form", "[http]") {
  SECTION("the most minimal cache hit") {
    CacheStatusEntry e = Entry("ExampleCache");
    e.hit = true;
    CHECK(FormatCacheStatus(e) == "ExampleCache;hit");
    CHECK(IsValidSfList("ExampleCache; hit"));  // the RFC's spacing parses too
  }
  SECTION("a minimal miss") {
    CacheStatusEntry e = Entry("ExampleCache");
    e.fwd = Fwd::kUriMiss;
    CHECK(FormatCacheStatus(e) == "ExampleCache;fwd=uri-miss");
  }
  SECTION("a miss that successfully validated") {
    CacheStatusEntry e = Entry("ExampleCache");
    e.fwd = Fwd::kStale;
    e.fwd_status = 304;
    CHECK(FormatCacheStatus(e) == "ExampleCache;fwd=stale;fwd-status=304");
  }
  SECTION("a miss that was collapsed with another request") {
    CacheStatusEntry e = Entry("ExampleCache");
    e.fwd = Fwd::kUriMiss;
    e.collapsed = true;
    CHECK(FormatCacheStatus(e) == "ExampleCache;fwd=uri-miss;collapsed");
  }
  SECTION("a hit with a ttl, going through two layers of caching") {
    // RFC 9211: Cache-Status: OriginCache; hit; ttl=1100,
    //                         "CDN Company Here"; hit; ttl=545
    std::string v;
    CacheStatusEntry origin = Entry("OriginCache");
    origin.hit = true;
    origin.ttl_seconds = 1100;
    AppendCacheStatus(&v, origin);
    CacheStatusEntry cdn = Entry("CDN Company Here");  // not a token: an sf-string
    cdn.hit = true;
    cdn.ttl_seconds = 545;
    AppendCacheStatus(&v, cdn);
    CHECK(v == "OriginCache;hit;ttl=1100, \"CDN Company Here\";hit;ttl=545");
    CHECK(IsValidSfList(v));
    CHECK(IsValidSfList("OriginCache; hit; ttl=1100, \"CDN Company Here\"; hit; ttl=545"));
  }
}

TEST_CASE("Every Cache-Status parameter (RFC 9211 §2.1-§2.8)", "[http]") {
  CacheStatusEntry e = Entry("edge-1.example");
  e.hit = false;
  e.fwd = Fwd::kVaryMiss;
  e.fwd_status = 200;
  e.ttl_seconds = -30;  // §2.4: negative when stale
  e.stored = true;
  e.collapsed = true;
  e.key = "GET https://example.com/a \"b\"";
  e.detail = "too big";
  const std::string v = FormatCacheStatus(e);
  CHECK(v ==
        "edge-1.example;fwd=vary-miss;fwd-status=200;ttl=-30;stored;collapsed;"
        "key=\"GET https://example.com/a \\\"b\\\"\";detail=\"too big\"");
  CHECK(IsValidSfList(v));
  e.detail = "limit";
  CHECK(FormatCacheStatus(e).substr(FormatCacheStatus(e).size() - 13) == ";detail=limit");
}

TEST_CASE("Every fwd value has its RFC 9211 §2.2 token", "[http]") {
  CHECK(edgekit::http::ToString(Fwd::kNone).empty());
  CHECK(edgekit::http::ToString(Fwd::kBypass) == "bypass");
  CHECK(edgekit::http::ToString(Fwd::kMethod) == "method");
  CHECK(edgekit::http::ToString(Fwd::kUriMiss) == "uri-miss");
  CHECK(edgekit::http::ToString(Fwd::kVaryMiss) == "vary-miss");
  CHECK(edgekit::http::ToString(Fwd::kMiss) == "miss");
  CHECK(edgekit::http::ToString(Fwd::kRequest) == "request");
  CHECK(edgekit::http::ToString(Fwd::kStale) == "stale");
  CHECK(edgekit::http::ToString(Fwd::kPartial) == "partial");
}

TEST_CASE("Cache-Status output is always a valid sf-list member", "[http]") {
  CacheStatusEntry e = Entry("caf\xc3\xa9 \"x\"\n");  // non-ASCII, quote, control
  e.ttl_seconds = int64_t{1} << 62;
  e.fwd_status = -5;
  e.key = "\x01";
  e.detail = "\x7f";
  const std::string v = FormatCacheStatus(e);
  CHECK(v == "\"caf?? \\\"x\\\"?\";fwd-status=-5;ttl=999999999999999;key=\"?\";detail=\"?\"");
  CHECK(IsValidSfList(v));
  CHECK(FormatCacheStatus(Entry("")) == "\"\"");
  CHECK(FormatCacheStatus(Entry("*star/1:2")) == "*star/1:2");  // valid sf-token
}

TEST_CASE("AppendCacheStatus appends ours last (RFC 9211 §2)", "[http]") {
  std::string v = "Upstream;fwd=miss;stored  ";
  CacheStatusEntry e = Entry("Edge");
  e.hit = true;
  AppendCacheStatus(&v, e);
  CHECK(v == "Upstream;fwd=miss;stored, Edge;hit");
  std::string empty;
  AppendCacheStatus(&empty, e);
  CHECK(empty == "Edge;hit");
}
