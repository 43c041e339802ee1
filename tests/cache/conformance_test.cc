// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests for the fixes found with the public HTTP caching test suite
// (http-cache-tests, cache-tests.fyi); each cites the RFC section it follows.
#include <string>

#include "cache_test_util.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/surrogate_control.h"
#include "edgekit_catch.h"
#include "http/host_fields.h"

namespace {

using cache_test::Date;
using cache_test::Fields;
using cache_test::Harness;
namespace cache = edgekit::cache;
namespace http = edgekit::http;
using LA = cache::LookupAction;
using NS = cache::NotStoredReason;
using SO = cache::StoreOutcome;

const std::string kUri = "https://example.com/conformance";

std::string HeaderOf(const http::HeaderMap& h, std::string_view n) {
  return std::string(h.Get(n).value_or("<none>"));
}

// Revalidates kUri (stored with ETag "e") and answers with a 304 `fields`.
cache::StoreResult Answer304(Harness& h, const Fields& fields) {
  h.clock.Advance(absl::Seconds(120));
  cache::LookupResult r = h.Get(kUri);
  REQUIRE(r.action == LA::kRevalidate);
  return h.Put(kUri, 304, fields, "", {}, &r.ticket);
}

}  // namespace

TEST_CASE("The origin's Age goes to the client that fetched, stored or not (RFC 9111 5.1)",
          "[cache]") {
  Harness h;
  SECTION("not stored: stale at once") {
    auto st = h.Put(kUri, 200,
                    {{"Date", Date(h.now())}, {"Cache-Control", "max-age=3600"}, {"Age", "7200"}});
    CHECK(st.outcome == SO::kNotStored);
    CHECK(HeaderOf(st.ResponseHeaders(), "Age") == "7200");
  }
  SECTION("stored: every Age line as received") {
    auto st = h.Put(kUri, 200, {{"Cache-Control", "max-age=3600"}, {"Age", "15"}, {"Age", "x"}});
    CHECK(st.outcome == SO::kStored);
    auto served = st.ResponseHeaders();
    CHECK(served.Count("Age") == 2);
    CHECK(HeaderOf(served, "Age") == "15");
  }
  SECTION("unsafe method: passed on too") {
    auto st = h.Put(kUri, 200, {{"Age", "3"}}, "", {}, nullptr, "POST");
    CHECK(HeaderOf(st.ResponseHeaders(), "Age") == "3");
  }
  SECTION("served from storage: the computed current age replaces it") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=3600"}, {"Age", "15"}});
    h.clock.Advance(absl::Seconds(10));
    auto r = h.Get(kUri);
    REQUIRE(r.action == LA::kServeFresh);
    auto served = r.ResponseHeaders();
    CHECK(served.Count("Age") == 1);
    CHECK(HeaderOf(served, "Age") == "25");
  }
}

TEST_CASE("Age lists use the first member, invalid Age is ignored (RFC 9111 5.1)", "[cache]") {
  // The suite's age-parse-* tests expect some of these to be stale; the RFC
  // says otherwise (docs/cache.md, Conformance).
  Harness h;
  auto ttl_after_store = [&](Fields f) {
    h.cache->PurgeAll();
    f.Add("Cache-Control", "max-age=3600");
    f.Add("Date", Date(h.now()));
    h.Put(kUri, 200, f);
    return h.Get(kUri).cache_status;
  };
  CHECK(ttl_after_store({{"Age", "0, 7200"}}) == "edgekit;hit;ttl=3600");
  CHECK(ttl_after_store({{"Age", "0"}, {"Age", "7200"}}) == "edgekit;hit;ttl=3600");
  CHECK(ttl_after_store({{"Age", "100, 0"}}) == "edgekit;hit;ttl=3500");
  CHECK(ttl_after_store({{"Age", "abc"}}) == "edgekit;hit;ttl=3600");
  CHECK(ttl_after_store({{"Age", "-7200"}}) == "edgekit;hit;ttl=3600");
  CHECK(ttl_after_store({{"Age", "7200.0"}}) == "edgekit;hit;ttl=3600");
  CHECK(ttl_after_store({{"Age", "7200;foo=bar"}}) == "edgekit;hit;ttl=3600");
}

TEST_CASE("A 304 does not update fields describing the stored content (RFC 9111 3.2)", "[cache]") {
  Harness h;
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=60"},
         {"ETag", "\"e\""},
         {"Content-Encoding", "gzip"},
         {"Content-MD5", "old"},
         {"Content-Range", "bytes 0-3/4"},
         {"Content-Length", "4"},
         {"Content-Type", "text/plain"}},
        "body");
  auto st = Answer304(h, {{"Cache-Control", "max-age=100"},
                          {"ETag", "\"e\""},
                          {"Content-Encoding", "br"},
                          {"Content-MD5", "new"},
                          {"Content-Range", "bytes 0-9/10"},
                          {"Content-Length", "10"},
                          {"Content-Type", "text/html"}});
  REQUIRE(st.outcome == SO::kUpdated);
  auto served = st.ResponseHeaders();
  CHECK(HeaderOf(served, "Content-Encoding") == "gzip");
  CHECK(HeaderOf(served, "Content-MD5") == "old");
  CHECK(HeaderOf(served, "Content-Range") == "bytes 0-3/4");
  CHECK(HeaderOf(served, "Content-Length") == "4");
  CHECK(HeaderOf(served, "Content-Type") == "text/html");  // others are updated
  CHECK(HeaderOf(served, "Cache-Control") == "max-age=100");
  CHECK(HeaderOf(h.Get(kUri).ResponseHeaders(), "Content-Encoding") == "gzip");
}

TEST_CASE("Set-Cookie: the fetching client always gets it; storing is a policy (RFC 9111 3.1)",
          "[cache]") {
  SECTION("kStrip (library default): passed to this client, not stored") {
    Harness h;
    auto st = h.Put(kUri, 200,
                    {{"Cache-Control", "max-age=60"},
                     {"ETag", "\"e\""},
                     {"Set-Cookie", "a=b"},
                     {"Set-Cookie", "c=d"},
                     {"Set-Cookie2", "x=y"}});
    REQUIRE(st.outcome == SO::kStored);
    auto first = st.ResponseHeaders();
    CHECK(first.Count("Set-Cookie") == 2);
    CHECK(HeaderOf(first, "Set-Cookie2") == "x=y");
    auto hit = h.Get(kUri).ResponseHeaders();
    CHECK_FALSE(hit.Contains("Set-Cookie"));
    CHECK_FALSE(hit.Contains("Set-Cookie2"));
    // A 304's Set-Cookie goes to the client that revalidated, not to storage.
    auto upd = Answer304(h, {{"ETag", "\"e\""}, {"Set-Cookie", "a=c"}});
    REQUIRE(upd.outcome == SO::kUpdated);
    CHECK(HeaderOf(upd.ResponseHeaders(), "Set-Cookie") == "a=c");
    CHECK_FALSE(h.Get(kUri).ResponseHeaders().Contains("Set-Cookie"));
  }
  SECTION("kStore: stored, served, and updated by a 304 (RFC 9111 3.2)") {
    cache::HttpCacheOptions o;
    o.set_cookie = cache::SetCookiePolicy::kStore;
    Harness h(o);
    h.Put(kUri, 200,
          {{"Cache-Control", "max-age=60"},
           {"ETag", "\"e\""},
           {"Set-Cookie", "a=b"},
           {"Set-Cookie2", "a=b"}});
    CHECK(HeaderOf(h.Get(kUri).ResponseHeaders(), "Set-Cookie") == "a=b");
    auto upd = Answer304(h, {{"ETag", "\"e\""}, {"Set-Cookie", "a=c"}, {"Set-Cookie2", "a=c"}});
    CHECK(HeaderOf(upd.ResponseHeaders(), "Set-Cookie") == "a=c");
    auto hit = h.Get(kUri).ResponseHeaders();
    CHECK(hit.Count("Set-Cookie") == 1);
    CHECK(HeaderOf(hit, "Set-Cookie") == "a=c");
    CHECK(HeaderOf(hit, "Set-Cookie2") == "a=c");
  }
  SECTION("private=\"f\": f reaches the fetching client only (RFC 9111 5.2.2.7)") {
    Harness h;
    auto st = h.Put(kUri, 200,
                    {{"Cache-Control", "max-age=60, private=\"X-User\""}, {"X-User", "alice"}});
    REQUIRE(st.outcome == SO::kStored);
    CHECK(HeaderOf(st.ResponseHeaders(), "X-User") == "alice");
    CHECK_FALSE(h.Get(kUri).ResponseHeaders().Contains("X-User"));
  }
}

TEST_CASE("Surrogate-Control is read leniently, with targeting (Edge Architecture 2.2, 2.3)",
          "[cache]") {
  auto parse = [](Fields f, std::string_view token = "edgekit") {
    return cache::ParseSurrogateControl(f.view(), token);
  };
  CHECK_FALSE(parse({}).has_value());
  CHECK_FALSE(parse({{"Surrogate-Control", ""}}).has_value());
  CHECK_FALSE(parse({{"Surrogate-Control", "content=\"ESI/1.0\""}}).has_value());
  CHECK_FALSE(parse({{"Surrogate-Control", "max-age=60;other"}}).has_value());
  auto a = parse({{"Surrogate-Control", "MaX-aGe=3600"}});
  REQUIRE(a);
  CHECK(*a->max_age == absl::Seconds(3600));
  auto big = parse({{"Surrogate-Control", "max-age=99999999999"}});
  REQUIRE(big);
  CHECK(*big->max_age == absl::Seconds(2147483648));
  auto ext = parse({{"Surrogate-Control", "foobar, max-age=30, content=\"ESI/1.0\""}});
  REQUIRE(ext);
  CHECK(*ext->max_age == absl::Seconds(30));
  auto plus = parse({{"Surrogate-Control", "max-age=60+30"}});
  REQUIRE(plus);
  CHECK(*plus->max_age == absl::Seconds(60));
  CHECK(*plus->stale_if_error == absl::Seconds(30));
  auto targeted = parse({{"Surrogate-Control", "max-age=10, max-age=600;EdgeKit, no-store;cdn"}});
  REQUIRE(targeted);
  CHECK(*targeted->max_age == absl::Seconds(600));
  CHECK_FALSE(targeted->no_store);
  CHECK(parse({{"Surrogate-Control", "no-store-remote"}})->no_store);
  // Across lines, and a quoted comma does not split.
  auto lines = parse({{"Surrogate-Control", "content=\"a,b\""}, {"surrogate-control", "no-store"}});
  REQUIRE(lines);
  CHECK(lines->no_store);
}

TEST_CASE("Targeted fields: an ordered list, first present and valid wins (RFC 9213 2.1)",
          "[cache]") {
  cache::HttpCacheOptions o;
  o.targeted_fields = {"CDN-Cache-Control", "Surrogate-Control"};
  Harness h(o);
  SECTION("Surrogate-Control replaces Cache-Control") {
    h.Put(kUri, 200, {{"Cache-Control", "no-store"}, {"Surrogate-Control", "max-age=50;edgekit"}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=50");
  }
  SECTION("Surrogate-Control no-store wins over a fresh Cache-Control") {
    CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=10000"}, {"Surrogate-Control", "no-store"}})
              .reason == NS::kNoStore);
  }
  SECTION("a short Surrogate-Control max-age wins over a long Cache-Control one") {
    h.Put(
        kUri, 200,
        {{"Cache-Control", "max-age=3600"}, {"Surrogate-Control", "max-age=1"}, {"ETag", "\"e\""}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=1");
  }
  SECTION("CDN-Cache-Control comes first") {
    h.Put(kUri, 200,
          {{"Surrogate-Control", "max-age=20"},
           {"CDN-Cache-Control", "max-age=30"},
           {"Cache-Control", "max-age=40"}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=30");
  }
  SECTION("an invalid CDN-Cache-Control falls through to Surrogate-Control") {
    h.Put(kUri, 200,
          {{"Surrogate-Control", "max-age=20"},
           {"CDN-Cache-Control", "max-age=\"x"},
           {"Cache-Control", "max-age=40"}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=20");
  }
  SECTION("targeted at another device: Cache-Control applies") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=40"}, {"Surrogate-Control", "max-age=5;cdn"}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=40");
  }
  SECTION("the device token is configurable") {
    cache::HttpCacheOptions o2 = o;
    o2.surrogate_device_token = "edge-7";
    Harness h2(o2);
    h2.Put(kUri, 200, {{"Cache-Control", "max-age=40"}, {"Surrogate-Control", "max-age=5;edge-7"}});
    CHECK(h2.Get(kUri).cache_status == "edgekit;hit;ttl=5");
  }
  SECTION("the library default does not read Surrogate-Control") {
    Harness plain;
    plain.Put(kUri, 200, {{"Cache-Control", "max-age=40"}, {"Surrogate-Control", "max-age=5"}});
    CHECK(plain.Get(kUri).cache_status == "edgekit;hit;ttl=40");
  }
}

TEST_CASE("Hit-path Vary matching agrees with normalisation (RFC 9111 4.1)", "[cache]") {
  const std::string uri = "https://example.com/vary";
  const Fields resp{{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding, X-Mode"}};
  SECTION("stored from one line: same bytes, other spellings, other values") {
    Harness h;
    h.Put(uri, 200, resp, "v", {{"Accept-Encoding", "gzip, br"}, {"X-Mode", "A"}});
    CHECK(h.Get(uri, {{"accept-encoding", "gzip, br"}, {"x-mode", "A"}}).action == LA::kServeFresh);
    CHECK(h.Get(uri, {{"Accept-Encoding", "GZIP,br"}, {"X-Mode", "A"}}).action == LA::kServeFresh);
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}, {"X-Mode", "A"}})
              .action == LA::kServeFresh);
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip, br"}, {"X-Mode", "a"}}).action == LA::kFetch);
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip, br"}}).action == LA::kFetch);
    // Two lines "A" / "A" combine to "A,A": another value.
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip, br"}, {"X-Mode", "A"}, {"X-Mode", "A"}}).action ==
          LA::kFetch);
  }
  SECTION("stored from two lines") {
    Harness h;
    h.Put(uri, 200, resp, "v",
          {{"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}, {"X-Mode", ""}});
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip, br"}, {"X-Mode", ""}}).action == LA::kServeFresh);
    CHECK(h.Get(uri, {{"Accept-Encoding", "gzip, br"}}).action == LA::kFetch);  // absent ≠ empty
  }
}

TEST_CASE("Cache-Status of a hit with a long cache name (RFC 9211 2)", "[cache]") {
  cache::HttpCacheOptions o;
  o.cache_name = std::string(80, 'n');
  Harness h(o);
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}});
  const cache::LookupResult r = h.Get(kUri);
  CHECK(r.cache_status == std::string(80, 'n') + ";hit;ttl=60");
  cache::InlineString copy = r.cache_status;
  CHECK(copy.str() == r.cache_status.str());
  cache::InlineString moved = std::move(copy);
  CHECK(moved.view() == r.cache_status.view());
  cache::InlineString s = "short";
  s.append(std::string(60, 'x'));
  CHECK(s.size() == 65);
  CHECK(s.view().substr(0, 5) == "short");
}

// The hit's Cache-Status and Age are formatted in place in the result's
// inline buffer; names around the 32-byte copy and the inline size, and
// numbers of every width, come out exact.
TEST_CASE("Cache-Status ttl and Age at the inline formatting boundaries (RFC 9211 2, RFC 9111 5.1)",
          "[cache]") {
  for (const size_t name_len : {size_t{1}, size_t{23}, size_t{32}, size_t{33}, size_t{40},
                                size_t{44}, size_t{45}, size_t{60}}) {
    for (const int64_t max_age :
         {int64_t{1}, int64_t{9}, int64_t{10}, int64_t{99}, int64_t{100}, int64_t{1000},
          int64_t{99999}, int64_t{1234567890}, int64_t{2147483648}}) {
      CAPTURE(name_len, max_age);
      cache::HttpCacheOptions o;
      o.cache_name = std::string(name_len, 'n');
      Harness h(o);
      h.Put(kUri, 200, {{"Cache-Control", "max-age=" + std::to_string(max_age)}, {"Age", "0"}});
      const cache::LookupResult fresh = h.Get(kUri);
      REQUIRE(fresh.action == LA::kServeFresh);
      CHECK(fresh.cache_status == o.cache_name + ";hit;ttl=" + std::to_string(max_age));
      CHECK(fresh.age_value == "0");
      if (max_age >= 10) {
        h.clock.Advance(absl::Seconds(max_age - 1));
        const cache::LookupResult later = h.Get(kUri);
        CHECK(later.cache_status == o.cache_name + ";hit;ttl=1");
        CHECK(later.age_value == std::to_string(max_age - 1));
      }
    }
  }
}

TEST_CASE("A Vary value stored from a host's field storage is the storing request's (RFC 9111 4.1)",
          "[cache]") {
  // The stored variant keeps the storing request's Accept-Encoding line;
  // a later line of that request (User-Agent) must not take its place.
  const std::string uri = "https://example.com/host-storage";
  Harness h;
  edgekit_test::HostFields storing{{{"Accept-Encoding", "gzip"}, {"User-Agent", "br"}}};
  const Fields resp{{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding"}};
  const cache::CacheRequest r{"GET", uri, http::HeaderView(storing)};
  REQUIRE(h.cache->Store(r, 200, resp.view(), "gzipped", h.now(), h.now()).outcome == SO::kStored);
  const cache::LookupResult same = h.Get(uri, {{"Accept-Encoding", "gzip"}});
  REQUIRE(same.action == LA::kServeFresh);
  CHECK(same.response->body->ToString() == "gzipped");
  CHECK(h.Get(uri, {{"Accept-Encoding", "br"}}).action == LA::kFetch);
  CHECK(h.cache->Lookup(r, h.now()).action == LA::kServeFresh);
}

TEST_CASE("Vary field names match case-insensitively, letters only (RFC 9110 5.1)", "[cache]") {
  const std::string uri = "https://example.com/names";
  Harness h;
  h.Put(uri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", "X-Caret^Name"}}, "v",
        {{"X-Caret^Name", "1"}});
  CHECK(h.Get(uri, {{"x-caret^name", "1"}}).action == LA::kServeFresh);
  CHECK(h.Get(uri, {{"X-CARET^NAME", "1"}}).action == LA::kServeFresh);
  // '~' differs from '^' only in bit 0x20, like a letter's case: not the same.
  CHECK(h.Get(uri, {{"X-Caret~Name", "1"}}).action == LA::kFetch);
  CHECK(h.Get(uri, {{"X-Caret^Name", "1"}, {"X-Caret~Name", "2"}}).action == LA::kServeFresh);
}
