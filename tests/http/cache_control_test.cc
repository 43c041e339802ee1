// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/cache_control.h: RFC 9111 §5.2 Cache-Control, RFC 5861,
// RFC 8246 and the targeted fields of RFC 9213.
#include "edgekit/http/cache_control.h"

#include <string>
#include <vector>

#include "edgekit_catch.h"

using edgekit::http::CacheControl;
using edgekit::http::HeaderField;
using edgekit::http::HeaderView;
using edgekit::http::ParseCacheControl;
using edgekit::http::ParseTargetedCacheControl;
using Strings = std::vector<std::string>;

namespace {
constexpr int64_t kMaxDelta = 2147483648;
}

TEST_CASE("Cache-Control request directives (RFC 9111 §5.2.1)", "[http]") {
  const CacheControl cc = ParseCacheControl(
      "max-age=10, max-stale=20, min-fresh=30, no-cache, no-store, no-transform, only-if-cached");
  CHECK(cc.max_age == absl::Seconds(10));
  CHECK(cc.max_stale == absl::Seconds(20));
  CHECK_FALSE(cc.max_stale_any);
  CHECK(cc.min_fresh == absl::Seconds(30));
  CHECK(cc.no_cache);
  CHECK(cc.no_store);
  CHECK(cc.no_transform);
  CHECK(cc.only_if_cached);
  CHECK_FALSE(cc.invalid_freshness);
  CHECK(cc.unknown_directives == 0);
  CHECK(cc.invalid_directives == 0);

  SECTION("max-stale without a value accepts any staleness (§5.2.1.2)") {
    const CacheControl any = ParseCacheControl("max-stale");
    CHECK(any.max_stale_any);
    CHECK_FALSE(any.max_stale.has_value());
  }
}

TEST_CASE("Cache-Control response directives (RFC 9111 §5.2.2)", "[http]") {
  const CacheControl cc = ParseCacheControl(
      "must-revalidate, must-understand, no-store, no-transform, proxy-revalidate, public, "
      "max-age=60, s-maxage=120");
  CHECK(cc.must_revalidate);
  CHECK(cc.must_understand);
  CHECK(cc.no_store);
  CHECK(cc.no_transform);
  CHECK(cc.proxy_revalidate);
  CHECK(cc.public_);
  CHECK_FALSE(cc.private_);
  CHECK_FALSE(cc.no_cache);
  CHECK(cc.max_age == absl::Seconds(60));
  CHECK(cc.s_maxage == absl::Seconds(120));
  CHECK_FALSE(cc.immutable);
  CHECK_FALSE(cc.stale_if_error.has_value());

  const CacheControl empty = ParseCacheControl("");
  CHECK_FALSE(empty.no_store);
  CHECK_FALSE(empty.max_age.has_value());
  CHECK(empty.unknown_directives == 0);
}

TEST_CASE("Cache-Control directive names are case-insensitive (RFC 9111 §5.2)", "[http]") {
  const CacheControl cc = ParseCacheControl("No-Store, MAX-AGE=5, Private, S-MaxAge=7");
  CHECK(cc.no_store);
  CHECK(cc.private_);
  CHECK(cc.max_age == absl::Seconds(5));
  CHECK(cc.s_maxage == absl::Seconds(7));
}

TEST_CASE("Arguments are accepted in token and quoted-string form (RFC 9111 §5.2)", "[http]") {
  // §5.2: recipients ought to accept both forms, e.g. max-age=5 and max-age="5".
  CHECK(ParseCacheControl("max-age=\"5\"").max_age == absl::Seconds(5));
  CHECK(ParseCacheControl("max-age=5").max_age == absl::Seconds(5));
  CHECK(ParseCacheControl("s-maxage=\"0\"").s_maxage == absl::ZeroDuration());
  CHECK(ParseCacheControl("max-age=\"\\5\"").max_age == absl::Seconds(5));  // quoted-pair
  // Tolerated OWS around "=".
  CHECK(ParseCacheControl("max-age = 5").max_age == absl::Seconds(5));
  // A quoted-string must be the whole argument.
  const CacheControl junk = ParseCacheControl("max-age=\"5\"x");
  CHECK_FALSE(junk.max_age.has_value());
  CHECK(junk.invalid_freshness);
}

TEST_CASE("delta-seconds are digits only and clamp at 2^31 (RFC 9111 §1.2.2)", "[http]") {
  CHECK(ParseCacheControl("max-age=2147483647").max_age == absl::Seconds(2147483647));
  CHECK(ParseCacheControl("max-age=2147483648").max_age == absl::Seconds(kMaxDelta));
  CHECK(ParseCacheControl("max-age=2147483649").max_age == absl::Seconds(kMaxDelta));
  CHECK(ParseCacheControl("max-age=99999999999999999999999999").max_age ==
        absl::Seconds(kMaxDelta));
  CHECK(ParseCacheControl("stale-if-error=99999999999999999999").stale_if_error ==
        absl::Seconds(kMaxDelta));
  CHECK(ParseCacheControl("max-age=007").max_age == absl::Seconds(7));
  for (const char* bad : {"max-age=-1", "max-age=1.5", "max-age=abc", "max-age=", "max-age",
                          "max-age=+5", "max-age=0x10", "max-age=\"\"", "max-age=5 6"}) {
    INFO(bad);
    const CacheControl cc = ParseCacheControl(bad);
    CHECK_FALSE(cc.max_age.has_value());
    CHECK(cc.invalid_freshness);  // §4.2.1: invalid freshness information → stale
  }
}

TEST_CASE("Duplicate and invalid freshness directives are reported (RFC 9111 §4.2.1)", "[http]") {
  SECTION("two different max-age values: the first is kept and the response flagged") {
    const CacheControl cc = ParseCacheControl("max-age=60, max-age=3600");
    CHECK(cc.max_age == absl::Seconds(60));
    CHECK(cc.invalid_freshness);
  }
  SECTION("the same across field lines") {
    std::vector<HeaderField> fields = {{"Cache-Control", "s-maxage=1"},
                                       {"cache-control", "s-maxage=2"}};
    const CacheControl cc = ParseCacheControl(HeaderView(fields));
    CHECK(cc.s_maxage == absl::Seconds(1));
    CHECK(cc.invalid_freshness);
  }
  SECTION("identical repeats agree and are not flagged") {
    const CacheControl cc = ParseCacheControl("max-age=60, max-age=\"60\"");
    CHECK(cc.max_age == absl::Seconds(60));
    CHECK_FALSE(cc.invalid_freshness);
  }
  SECTION("an invalid value followed by a valid one") {
    const CacheControl cc = ParseCacheControl("max-age=abc, max-age=5");
    CHECK(cc.max_age == absl::Seconds(5));
    CHECK(cc.invalid_freshness);
  }
  SECTION("other delta directives: first valid wins, invalid ones are counted") {
    const CacheControl cc =
        ParseCacheControl("min-fresh=x, min-fresh=10, min-fresh=20, stale-while-revalidate=soon");
    CHECK(cc.min_fresh == absl::Seconds(10));
    CHECK_FALSE(cc.stale_while_revalidate.has_value());
    CHECK(cc.invalid_directives == 2);
    CHECK_FALSE(cc.invalid_freshness);
  }
}

TEST_CASE("no-cache and private with and without field names (RFC 9111 §5.2.2.4, §5.2.2.7)",
          "[http]") {
  SECTION("unqualified") {
    const CacheControl cc = ParseCacheControl("no-cache, private");
    CHECK(cc.no_cache);
    CHECK(cc.private_);
    CHECK(cc.no_cache_fields.empty());
    CHECK(cc.has_no_cache());
    CHECK(cc.has_private());
  }
  SECTION("quoted lists: names lowercased, commas inside the quotes") {
    const CacheControl cc =
        ParseCacheControl(R"(no-cache="Set-Cookie, X-Token", private="Authorization")");
    CHECK_FALSE(cc.no_cache);
    CHECK_FALSE(cc.private_);
    CHECK(cc.no_cache_fields == Strings{"set-cookie", "x-token"});
    CHECK(cc.private_fields == Strings{"authorization"});
    CHECK(cc.has_no_cache());
    CHECK(cc.has_private());
  }
  SECTION("the token form of a single field name is accepted") {
    const CacheControl cc = ParseCacheControl("no-cache=Set-Cookie");
    CHECK(cc.no_cache_fields == Strings{"set-cookie"});
    CHECK_FALSE(cc.no_cache);
  }
  SECTION("repeated qualified directives merge without duplicates") {
    const CacheControl cc = ParseCacheControl(R"(private="a, B", private="b,c")");
    CHECK(cc.private_fields == Strings{"a", "b", "c"});
  }
  SECTION("unqualified and qualified together") {
    const CacheControl cc = ParseCacheControl(R"(no-cache="a", no-cache)");
    CHECK(cc.no_cache);
    CHECK(cc.no_cache_fields == Strings{"a"});
  }
  SECTION("an invalid or empty list is read as the unqualified directive") {
    for (const char* bad : {R"(no-cache="")", R"(no-cache="a b")", R"(no-cache="a, @")",
                            R"(no-cache="unterminated)", "no-cache=", R"(no-cache=" , ")"}) {
      INFO(bad);
      const CacheControl cc = ParseCacheControl(bad);
      CHECK(cc.no_cache);
      CHECK(cc.no_cache_fields.empty());
      CHECK(cc.invalid_directives == 1);
    }
  }
  SECTION("lists are bounded") {
    std::string many = "private=\"";
    for (size_t i = 0; i < edgekit::http::kMaxCacheControlFieldNames; ++i) {
      many += "f" + std::to_string(i) + ",";
    }
    many += "\"";
    const CacheControl at_limit = ParseCacheControl(many);
    CHECK(at_limit.private_fields.size() == edgekit::http::kMaxCacheControlFieldNames);
    CHECK_FALSE(at_limit.private_);
    const CacheControl over = ParseCacheControl(many + ", private=\"one-more\"");
    CHECK(over.private_fields.size() == edgekit::http::kMaxCacheControlFieldNames);
    CHECK(over.private_);  // the restrictive reading
  }
}

TEST_CASE("Directives that take no argument are honoured with one", "[http]") {
  const CacheControl cc = ParseCacheControl("no-store=1, public=\"yes\"");
  CHECK(cc.no_store);
  CHECK(cc.public_);
}

TEST_CASE("Unknown extension directives are ignored and counted (RFC 9111 §5.2.3)", "[http]") {
  // §5.2.3's example: community="UCI" is an extension a cache may not know.
  const CacheControl cc = ParseCacheControl("private, community=\"UCI\", foo, bar=baz");
  CHECK(cc.private_);
  CHECK(cc.unknown_directives == 3);
  CHECK(cc.invalid_directives == 0);
  const CacheControl bad = ParseCacheControl("max-age=5, \"quoted\", a b, =5, ,, public");
  CHECK(bad.max_age == absl::Seconds(5));
  CHECK(bad.public_);
  CHECK(bad.invalid_directives == 3);
}

TEST_CASE("stale-while-revalidate and stale-if-error (RFC 5861 §3, §4)", "[http]") {
  // RFC 5861 §3's and §4's examples.
  const CacheControl swr = ParseCacheControl("max-age=600, stale-while-revalidate=30");
  CHECK(swr.max_age == absl::Seconds(600));
  CHECK(swr.stale_while_revalidate == absl::Seconds(30));
  const CacheControl sie = ParseCacheControl("max-age=600, stale-if-error=1200");
  CHECK(sie.stale_if_error == absl::Seconds(1200));
}

TEST_CASE("immutable (RFC 8246 §2)", "[http]") {
  // RFC 8246 §2's example.
  const CacheControl cc = ParseCacheControl("max-age=31536000, immutable");
  CHECK(cc.immutable);
  CHECK(cc.max_age == absl::Seconds(31536000));
}

TEST_CASE("ParseCacheControl over a HeaderView combines field lines (RFC 9110 §5.3)", "[http]") {
  std::vector<HeaderField> fields = {{"Cache-Control", "public"},
                                     {"Content-Type", "text/html"},
                                     {"cache-control", "max-age=60, no-cache=\"a, b\""},
                                     {"Surrogate-Control", "max-age=5"}};
  const CacheControl cc = ParseCacheControl(HeaderView(fields));
  CHECK(cc.public_);
  CHECK(cc.max_age == absl::Seconds(60));
  CHECK(cc.no_cache_fields == Strings{"a", "b"});
  CHECK(ParseCacheControl(HeaderView(fields), "surrogate-control").max_age == absl::Seconds(5));
  CHECK_FALSE(ParseCacheControl(HeaderView(fields), "missing").max_age.has_value());
}

TEST_CASE("Targeted cache-control fields (RFC 9213 §2.1)", "[http]") {
  SECTION("RFC 9213 §3's example: CDN-Cache-Control max-age for the CDN") {
    std::vector<HeaderField> fields = {{"Cache-Control", "max-age=60"},
                                       {"CDN-Cache-Control", "max-age=600"}};
    const auto cdn = ParseTargetedCacheControl(HeaderView(fields));
    REQUIRE(cdn.has_value());
    CHECK(cdn->max_age == absl::Seconds(600));
    CHECK(ParseCacheControl(HeaderView(fields)).max_age == absl::Seconds(60));
  }
  SECTION("booleans, integers, strings and parameters") {
    const auto cc = ParseTargetedCacheControl(
        "no-store, s-maxage=3600;foo=bar, private=\"Set-Cookie\", stale-if-error=60, "
        "must-revalidate=?1, no-transform=?0, ext=(a b)");
    REQUIRE(cc.has_value());
    CHECK(cc->no_store);
    CHECK(cc->s_maxage == absl::Seconds(3600));
    CHECK(cc->private_fields == Strings{"set-cookie"});
    CHECK(cc->stale_if_error == absl::Seconds(60));
    CHECK(cc->must_revalidate);
    CHECK_FALSE(cc->no_transform);  // explicit false: as if absent
    CHECK(cc->unknown_directives == 1);
  }
  SECTION("a field that is not an RFC 8941 Dictionary is ignored entirely") {
    for (const char* bad : {"Max-Age=60",            // keys are lowercase
                            "max-age=60,",           // trailing comma
                            "max-age=\"60",          // unterminated string
                            "no-cache=\"a\", @bad",  // invalid key
                            "max-age=1234567890123456", "", "   "}) {
      INFO(bad);
      CHECK_FALSE(ParseTargetedCacheControl(bad).has_value());
    }
    std::vector<HeaderField> none = {{"Cache-Control", "max-age=60"}};
    CHECK_FALSE(ParseTargetedCacheControl(HeaderView(none)).has_value());
  }
  SECTION("a member that violates its directive's type makes the field invalid (RFC 9213 §2.1)") {
    // "Implementations SHOULD NOT consume values that violate these inferred
    // constraints": max-age is an Integer, so a quoted max-age is not one.
    for (const char* v : {"max-age=\"10000\"",
                          "max-age=-1",
                          "max-age=1.5",
                          "max-age=?0",
                          "max-age=:AAAA:",
                          "max-age=(1)",
                          "max-age=abc",
                          "max-age",
                          "s-maxage=\"60\"",
                          "stale-if-error=\"60\"",
                          "stale-while-revalidate=1.0",
                          "min-fresh=x",
                          "max-stale=\"5\"",
                          "no-store=1",
                          "no-store=\"yes\"",
                          "public=tok",
                          "must-revalidate=1",
                          "no-cache=field",
                          "private=1",
                          "no-cache=(a b)",
                          "max-age=60, no-store=\"1\""}) {
      INFO(v);
      CHECK_FALSE(ParseTargetedCacheControl(v).has_value());
    }
    // The case reported from the public caching suite: the field is ignored
    // and Cache-Control (no-store) governs.
    std::vector<HeaderField> fields = {{"Cache-Control", "no-store"},
                                       {"CDN-Cache-Control", "max-age=\"10000\""}};
    CHECK_FALSE(ParseTargetedCacheControl(HeaderView(fields)).has_value());
    CHECK(ParseCacheControl(HeaderView(fields)).no_store);
    // Well-typed members, including those of unknown directives, are fine.
    for (const char* v : {"max-age=0", "max-stale", "max-stale=5", "no-cache", "no-cache=\"a\"",
                          "private=?1", "no-store=?0", "ext=\"x\"", "ext=1.5, max-age=5"}) {
      INFO(v);
      CHECK(ParseTargetedCacheControl(v).has_value());
    }
  }
  SECTION("only the effective member of a repeated key is checked (RFC 8941 §4.2.2)") {
    const auto cc = ParseTargetedCacheControl("max-age=\"5\", max-age=10");
    REQUIRE(cc.has_value());
    CHECK(cc->max_age == absl::Seconds(10));
    CHECK_FALSE(ParseTargetedCacheControl("max-age=10, max-age=\"5\"").has_value());
  }
  SECTION("a repeated key's later value replaces the earlier one (RFC 8941 §4.2.2)") {
    const auto cc = ParseTargetedCacheControl(
        "max-age=5, max-age=10, no-store, no-store=?0, no-cache, no-cache=\"a\"");
    REQUIRE(cc.has_value());
    CHECK(cc->max_age == absl::Seconds(10));
    CHECK_FALSE(cc->invalid_freshness);
    CHECK_FALSE(cc->no_store);
    CHECK_FALSE(cc->no_cache);
    CHECK(cc->no_cache_fields == Strings{"a"});
  }
  SECTION("several field lines are combined before parsing (RFC 8941 §4.2)") {
    std::vector<HeaderField> fields = {{"Surrogate-Control", "max-age=5"},
                                       {"surrogate-control", "no-store"}};
    const auto cc = ParseTargetedCacheControl(HeaderView(fields), "Surrogate-Control");
    REQUIRE(cc.has_value());
    CHECK(cc->max_age == absl::Seconds(5));
    CHECK(cc->no_store);
    std::vector<HeaderField> broken = {{"CDN-Cache-Control", "max-age=5"},
                                       {"CDN-Cache-Control", "Bad"}};
    CHECK_FALSE(ParseTargetedCacheControl(HeaderView(broken)).has_value());
  }
}
