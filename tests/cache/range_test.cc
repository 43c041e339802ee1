// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Byte ranges served from stored responses (RFC 9110 §14, §13.1.5, §15.3.7,
// §15.5.17).
#include "edgekit/cache/range.h"

#include <string>

#include "cache_test_util.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit_catch.h"
#include "store_kinds.h"

using cache_test::DiskKind;
using cache_test::Fields;
using cache_test::Harness;
using cache_test::MemoryKind;
using cache_test::TieredKind;
namespace cache = edgekit::cache;
using LA = cache::LookupAction;

namespace {

std::string Ranges(std::string_view value, uint64_t length) {
  auto set = cache::ParseRange(value);
  if (!set) return "invalid";
  std::string out;
  for (const cache::ByteRange& r : cache::ResolveRanges(*set, length)) {
    out += std::to_string(r.first) + "-" + std::to_string(r.last) + " ";
  }
  return out.empty() ? "unsatisfiable" : out;
}

std::string Send(const cache::LookupResult& r) {
  cache::BodyReader reader = r.BodyToSend();
  std::string out;
  cache::BodyChunk c;
  cache::BodyStatus s;
  while ((s = reader.Next(&c, 7000)) == cache::BodyStatus::kOk) out.append(c.data(), c.size());
  return s == cache::BodyStatus::kEnd ? out : "error";
}

std::string Field(const cache::LookupResult& r, std::string_view name) {
  std::string out = "<none>";
  r.ForEachField([&](std::string_view n, std::string_view v) {
    if (edgekit::http::EqualsIgnoreCase(n, name)) out = std::string(v);
  });
  return out;
}

}  // namespace

TEST_CASE("Range field syntax (RFC 9110 14.1.1, 14.1.2)", "[cache]") {
  CHECK(Ranges("bytes=0-499", 10000) == "0-499 ");
  CHECK(Ranges("bytes=500-999", 10000) == "500-999 ");
  CHECK(Ranges("bytes=-500", 10000) == "9500-9999 ");
  CHECK(Ranges("bytes=9500-", 10000) == "9500-9999 ");
  CHECK(Ranges("BYTES = 0-0 , -1", 10000) == "invalid");  // no OWS around "="
  CHECK(Ranges("Bytes=0-0, -1", 10000) == "0-0 9999-9999 ");
  CHECK(Ranges("bytes=0-0,,-1,", 10000) == "0-0 9999-9999 ");  // empty list elements
  CHECK(Ranges("bytes=0-99999", 100) == "0-99 ");              // last clamped
  CHECK(Ranges("bytes=-1000", 100) == "0-99 ");                // suffix longer than it
  CHECK(Ranges("bytes=100-", 100) == "unsatisfiable");
  CHECK(Ranges("bytes=-0", 100) == "unsatisfiable");
  CHECK(Ranges("bytes=0-0", 0) == "unsatisfiable");
  CHECK(Ranges("items=0-1", 100) == "invalid");
  CHECK(Ranges("bytes=5-4", 100) == "invalid");  // int-range with last < first
  CHECK(Ranges("bytes=a-b", 100) == "invalid");
  CHECK(Ranges("bytes=", 100) == "invalid");
  CHECK(Ranges("bytes=1", 100) == "invalid");
  CHECK(Ranges("bytes=99999999999999999999-", 100) == "invalid");  // > 2^63 - 1
  // Order kept when the ranges are apart; coalesced when they overlap or
  // touch (RFC 9110 14.2).
  CHECK(Ranges("bytes=50-59,0-9", 100) == "50-59 0-9 ");
  CHECK(Ranges("bytes=0-10,5-20,30-40", 100) == "0-20 30-40 ");
  CHECK(Ranges("bytes=0-,0-,0-,0-", 100) == "0-99 ");
  CHECK(Ranges("bytes=0-9,10-19", 100) == "0-19 ");
  // More than kMaxRanges: ignored.
  std::string many = "bytes=0-0";
  for (int i = 1; i < 17; ++i) many += "," + std::to_string(2 * i) + "-" + std::to_string(2 * i);
  CHECK(Ranges(many, 100) == "invalid");
}

TEMPLATE_TEST_CASE("Ranges are served from stored complete responses (RFC 9110 14, 15.3.7)",
                   "[cache]", MemoryKind, DiskKind, TieredKind) {
  TestType kind;
  cache::HttpCacheOptions o;
  o.store = kind.Make({});
  cache_test::FixedRandom random(0.5);
  o.random = &random;
  Harness h(o);
  const std::string uri = "https://example.com/range";
  std::string body;
  for (int i = 0; i < 20000; ++i) body += std::to_string(i % 10);  // crosses disk blocks? no:
  body += std::string(180000, 'z');                                // 200 KB, 4 disk blocks
  h.Put(uri, 200,
        {{"Cache-Control", "max-age=60"},
         {"ETag", "\"s\""},
         {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"},
         {"Content-Type", "text/plain"},
         {"Content-Length", std::to_string(body.size())}},
        body);
  SECTION("one range: 206 with Content-Range") {
    auto r = h.Get(uri, {{"Range", "bytes=65530-65545"}});
    REQUIRE(r.action == LA::kServeFresh);
    REQUIRE(r.range != nullptr);
    CHECK(r.status() == 206);
    CHECK(Field(r, "Content-Range") == "bytes 65530-65545/200000");
    CHECK(Field(r, "Content-Length") == "16");
    CHECK(Field(r, "Content-Type") == "text/plain");
    CHECK(Send(r) == body.substr(65530, 16));
    int lengths = 0;
    r.ForEachField([&](std::string_view n, std::string_view) {
      lengths += edgekit::http::EqualsIgnoreCase(n, "Content-Length") ? 1 : 0;
    });
    CHECK(lengths == 1);  // the stored Content-Length is replaced
  }
  SECTION("several ranges: multipart/byteranges (RFC 9110 14.6)") {
    auto r = h.Get(uri, {{"Range", "bytes=0-4, -3"}});
    REQUIRE(r.range != nullptr);
    CHECK(r.status() == 206);
    const std::string type = Field(r, "Content-Type");
    REQUIRE(type.rfind("multipart/byteranges; boundary=", 0) == 0);
    const std::string boundary = type.substr(type.find('=') + 1);
    CHECK(boundary.size() == 32);
    const std::string expect = "--" + boundary +
                               "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-4/200000"
                               "\r\n\r\n01234\r\n--" +
                               boundary +
                               "\r\nContent-Type: text/plain\r\nContent-Range: bytes "
                               "199997-199999/200000\r\n\r\nzzz\r\n--" +
                               boundary + "--\r\n";
    CHECK(Send(r) == expect);
    CHECK(Field(r, "Content-Length") == std::to_string(expect.size()));
    CHECK(Field(r, "Content-Range") == "<none>");
  }
  SECTION("nothing satisfiable: 416 with bytes */length (RFC 9110 15.5.17)") {
    auto r = h.Get(uri, {{"Range", "bytes=300000-"}});
    REQUIRE(r.range != nullptr);
    CHECK(r.status() == 416);
    CHECK(Field(r, "Content-Range") == "bytes */200000");
    CHECK(Field(r, "Content-Length") == "0");
    CHECK(Send(r).empty());
  }
  SECTION("If-Range (RFC 9110 13.1.5): strong match, mismatch, weak tag, date") {
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}, {"If-Range", "\"s\""}}).status() == 206);
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}, {"If-Range", "\"other\""}}).status() == 200);
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}, {"If-Range", "W/\"s\""}}).status() == 200);
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}, {"If-Range", "Sun, 06 Nov 1994 08:49:37 GMT"}})
              .status() == 206);
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}, {"If-Range", "Mon, 07 Nov 1994 08:49:37 GMT"}})
              .status() == 200);
  }
  SECTION("ignored: invalid Range, HEAD, the client's own 304") {
    auto invalid = h.Get(uri, {{"Range", "bytes=9-1"}});
    CHECK(invalid.range == nullptr);
    CHECK(invalid.status() == 200);
    CHECK(Send(invalid) == body);
    CHECK(h.Get(uri, {{"Range", "bytes=0-1"}}, "HEAD").range == nullptr);
    auto nm = h.Get(uri, {{"Range", "bytes=0-1"}, {"If-None-Match", "\"s\""}});
    CHECK(nm.status() == 304);
    CHECK(nm.range == nullptr);
  }
}

TEST_CASE("A Range on an object still being written gets the whole response", "[cache]") {
  Harness h;
  const std::string uri = "https://example.com/range/filling";
  const cache::CacheRequest req{"GET", uri, {}};
  auto s = h.cache->BeginStore(req, 200, Fields{{"Cache-Control", "max-age=60"}}.view(), h.now(),
                               h.now());
  REQUIRE(s.writer.Append("abcdef"));
  auto r = h.Get(uri, {{"Range", "bytes=0-1"}});
  REQUIRE(r.action == LA::kServeFresh);
  CHECK(r.range == nullptr);  // RFC 9110 14.2: a server MAY ignore Range
  CHECK(r.status() == 200);
  REQUIRE(s.writer.Commit());
  CHECK(h.Get(uri, {{"Range", "bytes=0-1"}}).status() == 206);
}
