// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit::cache::HttpCache semantics (RFC 9111, 9211, 9213, 5861).
#include "edgekit/cache/http_cache.h"

#include <string>

#include "cache_test_util.h"
#include "edgekit_catch.h"

using cache_test::Date;
using cache_test::Fields;
using cache_test::Harness;
namespace cache = edgekit::cache;
using LA = cache::LookupAction;
using NS = cache::NotStoredReason;

namespace {
const std::string kUri = "https://example.com/a?b=1";

std::string HeaderOf(const edgekit::http::HeaderMap& h, std::string_view n) {
  return std::string(h.Get(n).value_or("<none>"));
}
}  // namespace

TEST_CASE("Create validates options", "[cache]") {
  cache::HttpCacheOptions o;
  o.shard_count = 0;
  CHECK(cache::HttpCache::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
  o = {};
  o.max_bytes = 0;
  CHECK_FALSE(cache::HttpCache::Create(o).ok());
  o = {};
  o.heuristic_fraction = 2;
  CHECK_FALSE(cache::HttpCache::Create(o).ok());
  o = {};
  o.early_expiration_beta = 0;
  CHECK_FALSE(cache::HttpCache::Create(o).ok());
  // The collapse bounds go to edgekit::coalesce, whose ranges they must fit.
  o = {};
  o.max_waiters_per_key = size_t{1} << 33;
  absl::Status waiters = cache::HttpCache::Create(o).status();
  CHECK(waiters.code() == absl::StatusCode::kInvalidArgument);
  CHECK(waiters.message().find("max_waiters_per_key") != absl::string_view::npos);
  o = {};
  o.max_inflight_keys = (size_t{1} << 32) + 1;
  CHECK(cache::HttpCache::Create(o).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(cache::HttpCache::Create({}).ok());
}

TEST_CASE("A miss, a store and a fresh hit with Age and Cache-Status (RFC 9111 4, 4.2.3; RFC 9211)",
          "[cache]") {
  Harness h;
  auto miss = h.Get(kUri);
  CHECK(miss.action == LA::kFetch);
  CHECK(miss.fwd == cache::ForwardReason::kUriMiss);
  CHECK(miss.ticket.is_leader());
  CHECK(miss.cache_status == "edgekit;fwd=uri-miss");
  auto st = h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"Date", Date(h.now())}}, "hello",
                  {}, &miss.ticket);
  CHECK(st.outcome == cache::StoreOutcome::kStored);
  CHECK(st.cache_status == "edgekit;fwd=uri-miss;fwd-status=200;ttl=100;stored");
  CHECK(st.body() == "hello");
  h.clock.Advance(absl::Seconds(10));
  auto hit = h.Get(kUri);
  REQUIRE(hit.action == LA::kServeFresh);
  CHECK(hit.response->body->ToString() == "hello");
  CHECK(hit.age_value == "10");
  CHECK(hit.cache_status == "edgekit;hit;ttl=90");
  auto served = hit.ResponseHeaders();
  CHECK(HeaderOf(served, "Age") == "10");
  CHECK(HeaderOf(served, "Cache-Status") == "edgekit;hit;ttl=90");
  // A hit shares the stored body: no copy.
  auto hit2 = h.Get(kUri);
  CHECK(hit2.response->body.get() == hit.response->body.get());
  auto c = h.cache->counters();
  CHECK(c.hits == 2);
  CHECK(c.misses_uri == 1);
  CHECK(c.stores == 1);
  CHECK(c.entries == 1);
}

TEST_CASE("Age accounts for a received Age, the Date and the response delay (RFC 9111 4.2.3)",
          "[cache]") {
  Harness h;
  SECTION("Age: 30 plus 2 s response delay") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"Age", "30"}, {"Date", Date(h.now())}},
          "x", {}, nullptr, "GET", absl::Seconds(2));
    h.clock.Advance(absl::Seconds(5));
    auto r = h.Get(kUri);
    CHECK(r.age_value == "37");
    CHECK(r.cache_status == "edgekit;hit;ttl=63");
  }
  SECTION("Date 50 s in the past: apparent age") {
    h.Put(kUri, 200,
          {{"Cache-Control", "max-age=100"}, {"Date", Date(h.now() - absl::Seconds(50))}});
    auto r = h.Get(kUri);
    CHECK(r.age_value == "50");
  }
  SECTION("invalid Age is ignored (RFC 9111 5.1)") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"Age", "abc"}});
    CHECK(h.Get(kUri).age_value == "0");
  }
  SECTION("Age list: the first member is used (RFC 9111 5.1)") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"Age", "20, 40"}});
    CHECK(h.Get(kUri).age_value == "20");
  }
  SECTION("a huge Age makes the response stale (RFC 9111 1.2.2)") {
    h.Put(kUri, 200,
          {{"Cache-Control", "max-age=100"}, {"Age", "99999999999999999999"}, {"ETag", "\"e\""}});
    auto r = h.Get(kUri);
    CHECK(r.action == LA::kRevalidate);
  }
  SECTION("Age older than max-age: stored but stale") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=10"}, {"Age", "20"}, {"ETag", "\"v\""}});
    CHECK(h.Get(kUri).action == LA::kRevalidate);
  }
}

TEST_CASE("Storing rules for a shared cache (RFC 9111 3)", "[cache]") {
  Harness h;
  auto reason = [&](int status, const Fields& resp, const Fields& req = {},
                    const std::string& method = "GET") {
    auto st = h.Put(kUri, status, resp, "b", req, nullptr, method);
    return st.outcome == cache::StoreOutcome::kStored ? NS::kNone : st.reason;
  };
  CHECK(reason(200, {{"Cache-Control", "max-age=60"}}) == NS::kNone);
  CHECK(reason(200, {{"Cache-Control", "no-store, max-age=60"}}) == NS::kNoStore);
  CHECK(reason(200, {{"Cache-Control", "private, max-age=60"}}) == NS::kPrivate);
  CHECK(reason(200, {{"Cache-Control", "max-age=60"}}, {{"Cache-Control", "no-store"}}) ==
        NS::kRequestNoStore);
  CHECK(reason(206, {{"Cache-Control", "max-age=60"}}) == NS::kStatus);
  CHECK(reason(100, {{"Cache-Control", "max-age=60"}}) == NS::kStatus);
  CHECK(reason(299, {{"Cache-Control", "max-age=60, must-understand, no-store"}}) == NS::kStatus);
  // must-understand with an understood status: no-store is ignored (5.2.2.3).
  CHECK(reason(200, {{"Cache-Control", "max-age=60, must-understand, no-store"}}) == NS::kNone);
  // 302 has no heuristic freshness and no explicit freshness here.
  CHECK(reason(302, {{"Location", "/x"}}) == NS::kNotCacheable);
  CHECK(reason(302, {{"Location", "/x"}, {"Cache-Control", "max-age=5"}}) == NS::kNone);
  CHECK(reason(200, {{"Cache-Control", "max-age=60"}, {"Vary", "Accept, *"}}) == NS::kVaryStar);
  // 200 with nothing: heuristically cacheable, but stale at once without a
  // validator: not worth storing.
  CHECK(reason(200, {}) == NS::kNoFreshnessOrValidator);
  CHECK(reason(200, {{"Last-Modified", Date(h.now() - absl::Hours(1))}}) == NS::kNone);
  SECTION("Authorization (3.5)") {
    const Fields auth{{"Authorization", "Bearer x"}};
    CHECK(reason(200, {{"Cache-Control", "max-age=60"}}, auth) == NS::kAuthorization);
    CHECK(reason(200, {{"Cache-Control", "public, max-age=60"}}, auth) == NS::kNone);
    CHECK(reason(200, {{"Cache-Control", "s-maxage=60"}}, auth) == NS::kNone);
    CHECK(reason(200, {{"Cache-Control", "must-revalidate, max-age=60"}}, auth) == NS::kNone);
  }
  SECTION("POST responses are not stored") {
    CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}}, "", {}, nullptr, "PUT").outcome ==
          cache::StoreOutcome::kInvalidated);
  }
  auto c = h.cache->counters();
  CHECK(c.not_stored_by_reason[static_cast<int>(NS::kNoStore)] >= 1);
}

TEST_CASE("Stored header fields exclude hop-by-hop, Connection-listed, private= and Set-Cookie",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=60, private=\"X-Secret\""},
         {"Connection", "X-Hop"},
         {"X-Hop", "1"},
         {"Keep-Alive", "timeout=5"},
         {"X-Secret", "s"},
         {"Set-Cookie", "a=b"},
         {"X-Keep", "k"}});
  auto r = h.Get(kUri);
  REQUIRE(r.action == LA::kServeFresh);
  auto served = r.ResponseHeaders();
  CHECK(HeaderOf(served, "X-Keep") == "k");
  CHECK_FALSE(served.Contains("X-Hop"));
  CHECK_FALSE(served.Contains("Keep-Alive"));
  CHECK_FALSE(served.Contains("Connection"));
  CHECK_FALSE(served.Contains("X-Secret"));
  CHECK_FALSE(served.Contains("Set-Cookie"));
}

TEST_CASE("SetCookiePolicy::kDontStore refuses responses with Set-Cookie", "[cache]") {
  cache::HttpCacheOptions o;
  o.set_cookie = cache::SetCookiePolicy::kDontStore;
  Harness h(o);
  CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=b"}}).reason ==
        NS::kSetCookie);
}

TEST_CASE("Vary selects variants after normalization (RFC 9111 4.1)", "[cache]") {
  Harness h;
  const Fields gz{{"Accept-Encoding", "gzip, br"}};
  const Fields id{{"Accept-Encoding", "identity"}};
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding"}}, "gz", gz);
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", "accept-encoding"}}, "id", id);
  auto a = h.Get(kUri, {{"Accept-Encoding", "GZIP,br"}});
  REQUIRE(a.action == LA::kServeFresh);
  CHECK(a.response->body->ToString() == "gz");
  // Two field lines combine to the same value.
  auto b = h.Get(kUri, {{"Accept-Encoding", "gzip"}, {"accept-encoding", " br "}});
  REQUIRE(b.action == LA::kServeFresh);
  CHECK(b.response->body->ToString() == "gz");
  auto c = h.Get(kUri, id);
  REQUIRE(c.action == LA::kServeFresh);
  CHECK(c.response->body->ToString() == "id");
  auto d = h.Get(kUri, {{"Accept-Encoding", "br"}});
  CHECK(d.action == LA::kFetch);
  CHECK(d.fwd == cache::ForwardReason::kVaryMiss);
  CHECK(d.cache_status == "edgekit;fwd=vary-miss");
  // Absent differs from present.
  CHECK(h.Get(kUri).fwd == cache::ForwardReason::kVaryMiss);
  CHECK(h.cache->counters().entries == 2);
}

TEST_CASE("Vary normalizer hook maps values before matching", "[cache]") {
  cache::HttpCacheOptions o;
  o.vary_normalizers.emplace_back("Accept-Encoding",
                                  [](std::optional<std::string_view> v) -> std::string {
                                    if (v && v->find("br") != std::string_view::npos) return "br";
                                    if (v && v->find("gzip") != std::string_view::npos)
                                      return "gzip";
                                    return "identity";
                                  });
  Harness h(o);
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding"}}, "br",
        {{"Accept-Encoding", "br, gzip, deflate"}});
  CHECK(h.Get(kUri, {{"Accept-Encoding", "gzip;q=0.5, br"}}).action == LA::kServeFresh);
  CHECK(h.Get(kUri, {{"Accept-Encoding", "gzip"}}).action == LA::kFetch);
}

TEST_CASE("Too many Vary fields, and 1,000 Vary fields, are refused within bounds", "[cache]") {
  Harness h;
  std::string vary;
  for (int i = 0; i < 1000; ++i) vary += "X-F" + std::to_string(i) + ", ";
  CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", vary}}).reason ==
        NS::kTooManyVaryFields);
  CHECK(h.cache->counters().entries == 0);
}

TEST_CASE("Variants per key are capped", "[cache]") {
  cache::HttpCacheOptions o;
  o.max_variants_per_key = 3;
  Harness h(o);
  for (int i = 0; i < 10; ++i) {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"Vary", "X-V"}}, "b",
          {{"X-V", std::to_string(i)}});
  }
  CHECK(h.cache->counters().entries == 3);
  CHECK(h.Get(kUri, {{"X-V", "9"}}).action == LA::kServeFresh);
  CHECK(h.Get(kUri, {{"X-V", "0"}}).action == LA::kFetch);
}

TEST_CASE("Revalidation: conditional fields, 304 freshens the stored response (RFC 9111 4.3)",
          "[cache]") {
  Harness h;
  const std::string lm = Date(h.now() - absl::Hours(1));
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=10"},
         {"ETag", "\"v1\""},
         {"Last-Modified", lm},
         {"Content-Length", "5"},
         {"X-Old", "o"},
         {"X-Upd", "1"}},
        "hello");
  h.clock.Advance(absl::Seconds(20));
  auto r = h.Get(kUri);
  REQUIRE(r.action == LA::kRevalidate);
  CHECK(r.fwd == cache::ForwardReason::kStale);
  CHECK(r.if_none_match == "\"v1\"");
  CHECK(r.if_modified_since == lm);
  auto cond = r.ConditionalHeaders();
  CHECK(HeaderOf(cond, "If-None-Match") == "\"v1\"");
  CHECK(r.ticket.is_leader());
  // 304 with the same strong ETag: update headers except Content-Length (3.2).
  auto st = h.Put(kUri, 304,
                  {{"ETag", "\"v1\""},
                   {"Cache-Control", "max-age=100"},
                   {"Content-Length", "0"},
                   {"X-Upd", "2"}},
                  "", {}, &r.ticket);
  REQUIRE(st.outcome == cache::StoreOutcome::kUpdated);
  CHECK(st.status == 200);
  CHECK(st.body() == "hello");
  CHECK(st.cache_status == "edgekit;fwd=stale;fwd-status=304;ttl=100;stored");
  auto served = st.ResponseHeaders();
  CHECK(HeaderOf(served, "Content-Length") == "5");
  CHECK(HeaderOf(served, "X-Upd") == "2");
  CHECK(HeaderOf(served, "X-Old") == "o");
  CHECK_FALSE(served.Contains("Age"));  // validated by the origin (5.1)
  // Re-freshened: response_time is the 304's.
  h.clock.Advance(absl::Seconds(50));
  auto hit = h.Get(kUri);
  REQUIRE(hit.action == LA::kServeFresh);
  CHECK(hit.age_value == "50");
  CHECK(h.cache->counters().revalidated_304 == 1);
}

TEST_CASE("304 selection by validator (RFC 9111 4.3.4)", "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=1"}, {"ETag", "\"a\""}, {"Vary", "X-V"}}, "A",
        {{"X-V", "a"}});
  h.Put(kUri, 200, {{"Cache-Control", "max-age=1"}, {"ETag", "W/\"b\""}, {"Vary", "X-V"}}, "B",
        {{"X-V", "b"}});
  h.clock.Advance(absl::Seconds(5));
  SECTION("a strong ETag selects only the stored response with that strong ETag") {
    auto st =
        h.Put(kUri, 304, {{"ETag", "\"a\""}, {"Cache-Control", "max-age=60"}}, "", {{"X-V", "a"}});
    CHECK(st.outcome == cache::StoreOutcome::kUpdated);
    CHECK(st.body() == "A");
    CHECK(h.Get(kUri, {{"X-V", "a"}}).action == LA::kServeFresh);
    CHECK(h.Get(kUri, {{"X-V", "b"}}).action == LA::kRevalidate);
  }
  SECTION("a strong ETag never matches a weak stored one") {
    auto st =
        h.Put(kUri, 304, {{"ETag", "\"b\""}, {"Cache-Control", "max-age=60"}}, "", {{"X-V", "b"}});
    CHECK(st.outcome == cache::StoreOutcome::kNotStored);
    CHECK(st.reason == NS::kNoMatchingStored);
  }
  SECTION("a weak ETag selects by weak comparison") {
    auto st = h.Put(kUri, 304, {{"ETag", "W/\"b\""}, {"Cache-Control", "max-age=60"}}, "",
                    {{"X-V", "b"}});
    CHECK(st.outcome == cache::StoreOutcome::kUpdated);
    CHECK(st.body() == "B");
  }
}

TEST_CASE("Request directives (RFC 9111 5.2.1, 5.4)", "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"ETag", "\"e\""}});
  h.clock.Advance(absl::Seconds(30));
  SECTION("max-age") {
    CHECK(h.Get(kUri, {{"Cache-Control", "max-age=40"}}).action == LA::kServeFresh);
    auto r = h.Get(kUri, {{"Cache-Control", "max-age=20"}});
    CHECK(r.action == LA::kRevalidate);
    CHECK(r.fwd == cache::ForwardReason::kRequest);
  }
  SECTION("min-fresh") {
    CHECK(h.Get(kUri, {{"Cache-Control", "min-fresh=60"}}).action == LA::kServeFresh);
    CHECK(h.Get(kUri, {{"Cache-Control", "min-fresh=80"}}).action == LA::kRevalidate);
  }
  SECTION("no-cache and Pragma: no-cache") {
    CHECK(h.Get(kUri, {{"Cache-Control", "no-cache"}}).action == LA::kRevalidate);
    CHECK(h.Get(kUri, {{"Pragma", "no-cache"}}).action == LA::kRevalidate);
    // Pragma is ignored when Cache-Control is present (5.4).
    CHECK(h.Get(kUri, {{"Pragma", "no-cache"}, {"Cache-Control", "max-age=60"}}).action ==
          LA::kServeFresh);
  }
  SECTION("max-stale, bare and valued") {
    h.clock.Advance(absl::Seconds(100));  // 30 s stale
    CHECK(h.Get(kUri).action == LA::kRevalidate);
    auto r = h.Get(kUri, {{"Cache-Control", "max-stale=40"}});
    CHECK(r.action == LA::kServeStale);
    CHECK(r.cache_status == "edgekit;hit;ttl=-30");
    CHECK(h.Get(kUri, {{"Cache-Control", "max-stale=10"}}).action == LA::kRevalidate);
    CHECK(h.Get(kUri, {{"Cache-Control", "max-stale"}}).action == LA::kServeStale);
  }
  SECTION("only-if-cached: hit served, miss is 504 (5.2.1.7)") {
    CHECK(h.Get(kUri, {{"Cache-Control", "only-if-cached"}}).action == LA::kServeFresh);
    auto r = h.Get("https://example.com/other", {{"Cache-Control", "only-if-cached"}});
    CHECK(r.action == LA::kGatewayTimeout);
    CHECK(r.cache_status == "edgekit;fwd=uri-miss;fwd-status=504;detail=only-if-cached");
  }
}

TEST_CASE("Response directives forbid stale serving (RFC 9111 4.2.4, 5.2.2)", "[cache]") {
  Harness h;
  const Fields stale_ok{{"Cache-Control", "max-stale=1000"}};
  SECTION("must-revalidate") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=1, must-revalidate"}, {"ETag", "\"e\""}});
    h.clock.Advance(absl::Seconds(5));
    CHECK(h.Get(kUri, stale_ok).action == LA::kRevalidate);
  }
  SECTION("proxy-revalidate") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=1, proxy-revalidate"}, {"ETag", "\"e\""}});
    h.clock.Advance(absl::Seconds(5));
    CHECK(h.Get(kUri, stale_ok).action == LA::kRevalidate);
  }
  SECTION("s-maxage implies proxy-revalidate") {
    h.Put(kUri, 200, {{"Cache-Control", "s-maxage=1"}, {"ETag", "\"e\""}});
    h.clock.Advance(absl::Seconds(5));
    CHECK(h.Get(kUri, stale_ok).action == LA::kRevalidate);
  }
  SECTION("no-cache: revalidate even when fresh") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=100, no-cache"}, {"ETag", "\"e\""}});
    auto r = h.Get(kUri);
    CHECK(r.action == LA::kRevalidate);
    r.ticket.Reset();  // the revalidation is abandoned: no flight in progress
    CHECK(h.Get(kUri, stale_ok).action == LA::kRevalidate);
  }
  SECTION("qualified no-cache: reused without the named fields (5.2.2.4)") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=100, no-cache=\"X-Token\""}, {"X-Token", "t"}});
    auto r = h.Get(kUri);
    REQUIRE(r.action == LA::kServeFresh);
    CHECK_FALSE(r.ResponseHeaders().Contains("X-Token"));
  }
}

TEST_CASE("stale-while-revalidate: one background revalidation per key (RFC 5861 3)", "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=10, stale-while-revalidate=30"}, {"ETag", "\"e\""}},
        "v1");
  h.clock.Advance(absl::Seconds(20));
  auto first = h.Get(kUri);
  REQUIRE(first.action == LA::kServeStaleAndRevalidate);
  CHECK(first.ticket.role() == cache::CollapseTicket::Role::kRevalidator);
  CHECK(first.if_none_match == "\"e\"");
  CHECK(first.response->body->ToString() == "v1");
  auto second = h.Get(kUri);
  CHECK(second.action == LA::kServeStale);
  CHECK_FALSE(second.ticket.is_leader());
  // The background 304 refreshes the entry.
  h.Put(kUri, 304, {{"ETag", "\"e\""}, {"Cache-Control", "max-age=10, stale-while-revalidate=30"}},
        "", {}, &first.ticket);
  CHECK(h.Get(kUri).action == LA::kServeFresh);
  // Past the window: revalidate first.
  h.clock.Advance(absl::Seconds(45));
  CHECK(h.Get(kUri).action == LA::kRevalidate);
}

TEST_CASE("stale-if-error serves stale on 5xx and origin errors, never with must-revalidate",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=10, stale-if-error=60"}, {"ETag", "\"e\""}}, "v1");
  h.clock.Advance(absl::Seconds(20));
  auto r = h.Get(kUri);
  REQUIRE(r.action == LA::kRevalidate);
  SECTION("origin 503") {
    auto st = h.Put(kUri, 503, {}, "down", {}, &r.ticket);
    CHECK(st.outcome == cache::StoreOutcome::kServeStale);
    CHECK(st.status == 200);
    CHECK(st.body() == "v1");
    CHECK(st.cache_status == "edgekit;fwd=stale;fwd-status=503;ttl=-10;detail=stale-if-error");
  }
  SECTION("connection error") {
    auto e = h.cache->OnOriginError({"GET", kUri, {}}, h.now(), &r.ticket);
    CHECK(e.action == LA::kServeStale);
    CHECK(e.response->body->ToString() == "v1");
  }
  SECTION("outside the window") {
    h.clock.Advance(absl::Seconds(100));
    auto e = h.cache->OnOriginError({"GET", kUri, {}}, h.now(), &r.ticket, 502);
    CHECK(e.action == LA::kBypass);
  }
  SECTION("a 404 is not an error to hide") {
    auto st = h.Put(kUri, 404, {}, "gone", {}, &r.ticket);
    CHECK(st.outcome != cache::StoreOutcome::kServeStale);
  }
}

TEST_CASE("stale-if-error is overridden by must-revalidate (RFC 9111 4.2.4)", "[cache]") {
  Harness h;
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=10, stale-if-error=60, must-revalidate"}, {"ETag", "\"e\""}});
  h.clock.Advance(absl::Seconds(20));
  auto r = h.Get(kUri);
  auto st = h.Put(kUri, 500, {}, "err", {}, &r.ticket);
  CHECK(st.outcome == cache::StoreOutcome::kNotStored);
  CHECK(st.status == 500);
  CHECK(st.body() == "err");
}

TEST_CASE("Unsafe methods invalidate the URI and same-origin Location (RFC 9111 4.4)", "[cache]") {
  Harness h;
  const std::string other = "https://example.com/other";
  const std::string foreign = "https://evil.example/x";
  for (const auto& u : {kUri, other, foreign}) h.Put(u, 200, {{"Cache-Control", "max-age=60"}});
  SECTION("POST 200 with Location and a cross-origin Content-Location") {
    auto st = h.Put(kUri, 200, {{"Location", "/other"}, {"Content-Location", foreign}}, "", {},
                    nullptr, "POST");
    CHECK(st.outcome == cache::StoreOutcome::kInvalidated);
    CHECK(h.Get(kUri).action == LA::kFetch);
    CHECK(h.Get(other).action == LA::kFetch);
    CHECK(h.Get(foreign).action == LA::kServeFresh);
  }
  SECTION("an error response does not invalidate") {
    h.Put(kUri, 500, {}, "", {}, nullptr, "DELETE");
    CHECK(h.Get(kUri).action == LA::kServeFresh);
  }
  SECTION("an unknown method invalidates too") {
    h.Put(kUri, 204, {}, "", {}, nullptr, "FROB");
    CHECK(h.Get(kUri).action == LA::kFetch);
  }
  SECTION("Lookup bypasses unsafe methods with fwd=method") {
    auto r = h.Get(kUri, {}, "POST");
    CHECK(r.action == LA::kBypass);
    CHECK(r.cache_status == "edgekit;fwd=method");
  }
}

TEST_CASE("CDN-Cache-Control replaces Cache-Control for this cache (RFC 9213)", "[cache]") {
  Harness h;
  SECTION("valid targeted field wins") {
    h.Put(kUri, 200, {{"Cache-Control", "no-store"}, {"CDN-Cache-Control", "max-age=50"}});
    auto r = h.Get(kUri);
    REQUIRE(r.action == LA::kServeFresh);
    CHECK(r.cache_status == "edgekit;hit;ttl=50");
    // Cache-Control is still passed downstream.
    CHECK(HeaderOf(r.ResponseHeaders(), "Cache-Control") == "no-store");
  }
  SECTION("targeted no-store prevents storing") {
    CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=50"}, {"CDN-Cache-Control", "no-store"}})
              .reason == NS::kNoStore);
  }
  SECTION("an invalid targeted field is ignored") {
    h.Put(kUri, 200, {{"Cache-Control", "max-age=20"}, {"CDN-Cache-Control", "max-age=\"x"}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=20");
  }
  SECTION("the field name is configurable") {
    cache::HttpCacheOptions o;
    o.targeted_field = "Edgekit-Cache-Control";
    Harness h2(o);
    h2.Put(kUri, 200,
           {{"Cache-Control", "max-age=5"},
            {"Edgekit-Cache-Control", "max-age=70"},
            {"CDN-Cache-Control", "max-age=1"}});
    CHECK(h2.Get(kUri).cache_status == "edgekit;hit;ttl=70");
  }
}

TEST_CASE("HEAD is served from the stored GET and HEAD responses update it (RFC 9111 4.3.5)",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"e\""}, {"X-A", "1"}}, "body");
  auto r = h.Get(kUri, {}, "HEAD");
  CHECK(r.action == LA::kServeFresh);
  auto st = h.Put(kUri, 200, {{"Cache-Control", "max-age=600"}, {"ETag", "\"e\""}, {"X-A", "2"}},
                  "", {}, nullptr, "HEAD");
  CHECK(st.outcome == cache::StoreOutcome::kUpdated);
  auto g = h.Get(kUri);
  CHECK(HeaderOf(g.ResponseHeaders(), "X-A") == "2");
  CHECK(g.response->body->ToString() == "body");
  CHECK(g.cache_status == "edgekit;hit;ttl=600");
  // A HEAD with a different ETag marks the stored response stale.
  h.Put(kUri, 200, {{"ETag", "\"f\""}}, "", {}, nullptr, "HEAD");
  CHECK(h.Get(kUri).action == LA::kRevalidate);
}

TEST_CASE("Keys: scheme/host case, default port, fragment, bad and NUL-byte URIs", "[cache]") {
  Harness h;
  CHECK(h.cache->KeyForUri("HTTPS://Example.COM:443/P?q#frag").value() ==
        "https://example.com/P?q");
  CHECK(h.cache->KeyForUri("http://a.example").value() == "http://a.example/");
  CHECK_FALSE(h.cache->KeyForUri("/relative").has_value());
  h.Put("https://example.com/P", 200, {{"Cache-Control", "max-age=60"}});
  CHECK(h.Get("HTTPS://EXAMPLE.com/P").action == LA::kServeFresh);
  CHECK(h.Get("https://example.com/p").action == LA::kFetch);  // path is case-sensitive
  const std::string nul("https://example.com/a\0b", 23);
  const std::string nul2("https://example.com/a\0c", 23);
  h.Put(nul, 200, {{"Cache-Control", "max-age=60"}}, "nul");
  CHECK(h.Get(nul).action == LA::kServeFresh);
  CHECK(h.Get(nul2).action == LA::kFetch);
  CHECK(h.Get("not a uri").action == LA::kBypass);
  CHECK(h.Get("https://example.com/" + std::string(10000, 'x')).action == LA::kBypass);
}

// RFC 9110 §4.2.1 / §7.2, RFC 3986 §3.2: the key's authority is a valid
// uri-host [":" port]. A host that pastes an attacker's Host into the URI
// must not get the key of another URI: `h#` (the fragment cut would leave
// "h"), `h/echo` (the rest becomes a path of h), userinfo, bad ports.
TEST_CASE("Keys: an invalid authority in the URI or the Host field makes no key", "[cache]") {
  Harness h;
  h.Put("http://h/", 200, {{"Cache-Control", "max-age=60"}}, "root of h");
  h.Put("http://h/echo/x", 200, {{"Cache-Control", "max-age=60"}}, "echo of h");
  for (const char* uri : {"http://h#/", "http://h#", "http://u@h/", "http://h:99999/", "http://h:/",
                          "http://a b/", "http://[::1/", "http://h%zz/"}) {
    INFO(uri);
    CHECK_FALSE(h.cache->KeyForUri(uri).has_value());
    CHECK(h.Get(uri).action == LA::kBypass);
    auto s = h.Put(uri, 200, {{"Cache-Control", "max-age=60"}}, "poison");
    CHECK(s.outcome == cache::StoreOutcome::kNotStored);
  }
  // The URI "http://h/echo/x" is what a host makes of Host "h/echo" and
  // target "/x": the Host field gives it away, so nothing is served or
  // stored for it.
  const Fields bad_host{{"Host", "h/echo"}};
  CHECK(h.Get("http://h/echo/x", bad_host).action == LA::kBypass);
  auto s = h.Put("http://h/echo/x", 200, {{"Cache-Control", "max-age=60"}}, "poison", bad_host);
  CHECK(s.outcome == cache::StoreOutcome::kNotStored);
  CHECK(h.Get("http://h/", {{"Host", "h#"}}).action == LA::kBypass);
  CHECK(h.Get("http://h/", {{"Host", "h"}, {"Host", "h"}}).action == LA::kBypass);  // §3.2
  // Nothing was replaced: valid requests still get what was stored.
  CHECK(h.Get("http://h/echo/x").response->body->ToString() == "echo of h");
  CHECK(h.Get("http://h/", {{"Host", "H"}}).response->body->ToString() == "root of h");
  CHECK(h.Get("http://h/", {{"Host", "h:80"}}).action == LA::kServeFresh);
  CHECK(h.Get("http://[::1]:8080/").action == LA::kFetch);  // valid: a key, nothing stored
  CHECK(h.cache->KeyForUri("http://[::1]:8080/a").value() == "http://[::1]:8080/a");
}

TEST_CASE("Purge by URL, by tag (hard and soft) and all; surrogate keys stripped", "[cache]") {
  Harness h;
  const Fields v1{{"X-V", "1"}};
  const Fields v2{{"X-V", "2"}};
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=60, stale-while-revalidate=100"},
         {"Vary", "X-V"},
         {"Surrogate-Key", "product-1 category-electronics"},
         {"ETag", "\"a\""}},
        "a", v1);
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=60"}, {"Vary", "X-V"}, {"Cache-Tag", "category-electronics"}},
        "b", v2);
  h.Put("https://example.com/c", 200,
        {{"Cache-Control", "max-age=60"}, {"Surrogate-Key", "category-books"}});
  auto r = h.Get(kUri, v1);
  REQUIRE(r.action == LA::kServeFresh);
  CHECK_FALSE(r.ResponseHeaders().Contains("Surrogate-Key"));
  SECTION("URL purge removes every variant") {
    CHECK(h.cache->PurgeUrl(kUri) == 2);
    CHECK(h.Get(kUri, v1).action == LA::kFetch);
    CHECK(h.Get(kUri, v2).action == LA::kFetch);
    CHECK(h.Get("https://example.com/c").action == LA::kServeFresh);
  }
  SECTION("hard tag purge") {
    CHECK(h.cache->PurgeTag("category-electronics") == 2);
    CHECK(h.Get(kUri, v1).action == LA::kFetch);
    CHECK(h.Get("https://example.com/c").action == LA::kServeFresh);
    CHECK(h.cache->PurgeTag("category-electronics") == 0);
    CHECK(h.cache->counters().entries == 1);
  }
  SECTION("soft tag purge marks stale: revalidate, or stale within its window") {
    CHECK(h.cache->PurgeTag("product-1", cache::PurgeMode::kSoft, h.now()) == 1);
    auto a = h.Get(kUri, v1);
    CHECK(a.action == LA::kServeStaleAndRevalidate);
    CHECK(h.Get(kUri, v2).action == LA::kServeFresh);
    // A 304 re-freshens it.
    h.Put(kUri, 304, {{"ETag", "\"a\""}}, "", v1, &a.ticket);
    CHECK(h.Get(kUri, v1).action == LA::kServeFresh);
  }
  SECTION("purge all") {
    CHECK(h.cache->PurgeAll() == 3);
    CHECK(h.cache->counters().entries == 0);
    CHECK(h.cache->counters().bytes == 0);
  }
}

TEST_CASE("The byte budget is never exceeded and S3-FIFO evicts (flood of URLs)", "[cache]") {
  cache::HttpCacheOptions o;
  o.max_bytes = 256 * 1024;
  o.shard_count = 4;
  Harness h(o);
  const std::string body(1000, 'x');
  for (int i = 0; i < 20000; ++i) {
    h.Put("https://example.com/flood/" + std::to_string(i), 200, {{"Cache-Control", "max-age=600"}},
          body);
    if (i % 1000 == 0) REQUIRE(h.cache->counters().bytes <= o.max_bytes);
  }
  auto c = h.cache->counters();
  CHECK(c.bytes <= o.max_bytes);
  CHECK(c.evictions > 0);
  CHECK(c.entries < 256);
  CHECK(c.entries > 100);
  // Too large for the budget: not stored.
  CHECK(h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}}, std::string(200000, 'y')).reason ==
        NS::kTooLarge);
}

TEST_CASE("S3-FIFO keeps a re-used working set through a one-hit scan", "[cache]") {
  cache::HttpCacheOptions o;
  o.max_bytes = 200 * 1024;
  o.shard_count = 1;
  Harness h(o);
  const std::string body(1000, 'x');
  auto uri = [](const char* p, int i) {
    return std::string("https://e.com/") + p + std::to_string(i);
  };
  for (int i = 0; i < 50; ++i) h.Put(uri("hot", i), 200, {{"Cache-Control", "max-age=600"}}, body);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50; ++i) (void)h.Get(uri("hot", i));
  }
  for (int i = 0; i < 2000; ++i)
    h.Put(uri("scan", i), 200, {{"Cache-Control", "max-age=600"}}, body);
  int hot_hits = 0;
  for (int i = 0; i < 50; ++i) hot_hits += h.Get(uri("hot", i)).action == LA::kServeFresh;
  CHECK(hot_hits == 50);
}

TEST_CASE("The client's conditional request is answered from storage (RFC 9111 4.3.2)", "[cache]") {
  Harness h;
  const std::string lm = Date(h.now() - absl::Hours(2));
  h.Put(kUri, 200,
        {{"Cache-Control", "max-age=100"},
         {"ETag", "W/\"v1\""},
         {"Last-Modified", lm},
         {"Date", Date(h.now())},
         {"Content-Type", "text/plain"}});
  CHECK_FALSE(h.Get(kUri).not_modified);
  // If-None-Match uses the weak comparison (RFC 9110 13.1.2).
  auto r = h.Get(kUri, {{"If-None-Match", "\"x\", \"v1\""}});
  REQUIRE(r.action == LA::kServeFresh);
  CHECK(r.not_modified);
  auto nm = r.NotModifiedHeaders();
  CHECK(HeaderOf(nm, "ETag") == "W/\"v1\"");
  CHECK(HeaderOf(nm, "Cache-Control") == "max-age=100");
  CHECK_FALSE(nm.Contains("Content-Type"));
  CHECK(nm.Contains("Age"));
  CHECK(h.Get(kUri, {{"If-None-Match", "*"}}).not_modified);
  CHECK_FALSE(h.Get(kUri, {{"If-None-Match", "\"v2\""}}).not_modified);
  // If-Modified-Since only without If-None-Match (RFC 9110 13.1.3).
  CHECK(h.Get(kUri, {{"If-Modified-Since", lm}}).not_modified);
  CHECK_FALSE(h.Get(kUri, {{"If-Modified-Since", Date(h.now() - absl::Hours(3))}}).not_modified);
  CHECK_FALSE(h.Get(kUri, {{"If-Modified-Since", lm}, {"If-None-Match", "\"v2\""}}).not_modified);
}

TEST_CASE("A full response to a revalidation replaces the stored one, even when not storable",
          "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=1"}, {"ETag", "\"1\""}}, "old");
  h.clock.Advance(absl::Seconds(5));
  SECTION("storable 200: replaced") {
    auto r = h.Get(kUri);
    REQUIRE(r.action == LA::kRevalidate);
    h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"2\""}}, "new", {}, &r.ticket);
    auto hit = h.Get(kUri);
    REQUIRE(hit.action == LA::kServeFresh);
    CHECK(hit.response->body->ToString() == "new");
    CHECK(h.cache->counters().entries == 1);
  }
  SECTION("no-store 200: the stale one is dropped") {
    auto r = h.Get(kUri);
    auto st = h.Put(kUri, 200, {{"Cache-Control", "no-store"}, {"Surrogate-Key", "k"}}, "new", {},
                    &r.ticket);
    CHECK(st.reason == NS::kNoStore);
    CHECK(st.body() == "new");
    CHECK_FALSE(st.ResponseHeaders().Contains("Surrogate-Key"));
    CHECK(st.ResponseHeaders().Contains("Cache-Status"));
    CHECK(h.Get(kUri).fwd == cache::ForwardReason::kUriMiss);
  }
}

TEST_CASE("In-flight keys are bounded", "[cache]") {
  cache::HttpCacheOptions o;
  o.shard_count = 1;
  o.max_inflight_keys = 4;
  Harness h(o);
  std::vector<cache::LookupResult> held;
  int leaders = 0;
  for (int i = 0; i < 10; ++i) {
    held.push_back(h.Get("https://example.com/k" + std::to_string(i)));
    CHECK(held.back().action == LA::kFetch);
    leaders += held.back().ticket.is_leader();
  }
  CHECK(leaders == 4);
}

TEST_CASE("A 1M-URL flood stays within the byte budget", "[cache][.stress]") {
  cache::HttpCacheOptions o;
  o.max_bytes = 1 << 20;
  Harness h(o);
  for (int i = 0; i < 1000000; ++i) {
    h.Put("https://example.com/f/" + std::to_string(i), 200, {{"Cache-Control", "max-age=60"}});
  }
  CHECK(h.cache->counters().bytes <= o.max_bytes);
}

TEST_CASE("Conflicting max-age directives make the response stale (RFC 9111 4.2.1)", "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=100, max-age=200"}, {"ETag", "\"e\""}});
  CHECK(h.Get(kUri).action == LA::kRevalidate);
}

TEST_CASE("Cache-Status is appended to an upstream cache's member (RFC 9211 2)", "[cache]") {
  Harness h;
  h.Put(kUri, 200, {{"Cache-Control", "max-age=100"}, {"Cache-Status", "Origin; fwd=miss"}});
  auto r = h.Get(kUri);
  CHECK(HeaderOf(r.ResponseHeaders(), "Cache-Status") == "Origin; fwd=miss, edgekit;hit;ttl=100");
}

TEST_CASE("Expires and Date drive freshness; an invalid Expires is stale (RFC 9111 5.3)",
          "[cache]") {
  Harness h;
  SECTION("Expires - Date") {
    h.Put(kUri, 200, {{"Expires", Date(h.now() + absl::Seconds(300))}, {"Date", Date(h.now())}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=300");
  }
  SECTION("Expires: 0") {
    h.Put(kUri, 200, {{"Expires", "0"}, {"ETag", "\"e\""}});
    CHECK(h.Get(kUri).action == LA::kRevalidate);
  }
  SECTION("heuristic from Last-Modified for a 404") {
    h.Put(kUri, 404,
          {{"Last-Modified", Date(h.now() - absl::Seconds(1000))}, {"Date", Date(h.now())}});
    CHECK(h.Get(kUri).cache_status == "edgekit;hit;ttl=100");
  }
}

TEST_CASE("HEAD misses are not collapsed and HEAD responses are not stored as entries", "[cache]") {
  Harness h;
  auto r = h.Get(kUri, {}, "HEAD");
  CHECK(r.action == LA::kFetch);
  CHECK_FALSE(r.ticket.is_leader());
  auto st = h.Put(kUri, 200, {{"Cache-Control", "max-age=60"}}, "", {}, nullptr, "HEAD");
  CHECK(st.outcome == cache::StoreOutcome::kNotStored);
  CHECK(h.cache->counters().entries == 0);
}
