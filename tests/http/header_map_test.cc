// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/header_map.h: field access (RFC 9110 §5.1-§5.6).
#include "edgekit/http/header_map.h"

#include <string>
#include <utility>
#include <vector>

#include "edgekit_catch.h"

using edgekit::http::EqualsIgnoreCase;
using edgekit::http::HeaderField;
using edgekit::http::HeaderMap;
using edgekit::http::HeaderView;
using edgekit::http::IsToken;
using edgekit::http::IsValidFieldValue;

namespace {

std::vector<std::string> Members(const HeaderView& v, std::string_view name) {
  std::vector<std::string> out;
  v.ForEachListMember(name, [&](std::string_view m) { out.emplace_back(m); });
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("HeaderView looks names up case-insensitively (RFC 9110 §5.1)", "[http]") {
  std::vector<HeaderField> fields = {
      {"Content-Type", "text/html"}, {"vary", "Accept"}, {"VARY", "Cookie"}};
  HeaderView v(fields);
  CHECK(v.Get("content-type") == std::optional<std::string_view>("text/html"));
  CHECK(v.Get("CONTENT-TYPE") == std::optional<std::string_view>("text/html"));
  CHECK(v.Get("Vary") == std::optional<std::string_view>("Accept"));  // first line
  CHECK_FALSE(v.Get("content-length").has_value());
  CHECK_FALSE(v.Get("content-typ").has_value());
  CHECK(v.Contains("Vary"));
  CHECK_FALSE(v.Contains(""));
  CHECK(v.Count("vary") == 2);
  CHECK(v.size() == 3);
  size_t n = 0;
  for (const HeaderField& f : v) {
    CHECK(f.name == fields[n].name);
    ++n;
  }
  CHECK(n == 3);
  CHECK(HeaderView().empty());
  CHECK_FALSE(HeaderView().Get("x").has_value());
}

TEST_CASE("GetCombined joins field lines in order with comma-space (RFC 9110 §5.3)", "[http]") {
  // RFC 9110 §5.3's example: two Example-Field lines are one "Foo, Bar, Baz".
  std::vector<HeaderField> fields = {
      {"Example-Field", "Foo, Bar"}, {"Other", "x"}, {"example-field", "Baz"}};
  HeaderView v(fields);
  CHECK(v.GetCombined("Example-Field") == "Foo, Bar, Baz");
  CHECK(v.GetCombined("other") == "x");
  CHECK(v.GetCombined("missing").empty());
}

TEST_CASE("ForEachListMember splits list fields across lines (RFC 9110 §5.6.1)", "[http]") {
  SECTION("members are OWS-trimmed and empty members skipped (§5.6.1.2 examples)") {
    // §5.6.1.2: "foo,bar", "foo ,bar,", "foo , ,bar,charlie" are valid lists.
    std::vector<HeaderField> fields = {{"Example", "foo,bar"},
                                       {"Example", "foo ,bar,"},
                                       {"Example", "foo , ,bar,charlie"},
                                       {"Example", "\t baz\t"}};
    CHECK(Members(HeaderView(fields), "example") ==
          Strings{"foo", "bar", "foo", "bar", "foo", "bar", "charlie", "baz"});
  }
  SECTION("lists of only empty elements have no members (§5.6.1.2: \"\", \",\", \",   ,\")") {
    std::vector<HeaderField> fields = {{"E", ""}, {"E", ","}, {"E", ",   ,"}};
    CHECK(Members(HeaderView(fields), "e").empty());
  }
  SECTION("commas inside quoted-strings do not split (§5.6.4)") {
    std::vector<HeaderField> fields = {
        {"Cache-Control", "no-cache=\"Set-Cookie, Set-Cookie2\", max-age=5"},
        {"X", R"(a="x\",y", b)"}};
    CHECK(Members(HeaderView(fields), "cache-control") ==
          Strings{"no-cache=\"Set-Cookie, Set-Cookie2\"", "max-age=5"});
    CHECK(Members(HeaderView(fields), "x") == Strings{R"(a="x\",y")", "b"});
  }
  SECTION("an unterminated quoted-string runs to the end of its line only") {
    std::vector<HeaderField> fields = {{"X", "a, \"b, c"}, {"X", "d"}, {"X", "e\\"}};
    CHECK(Members(HeaderView(fields), "x") == Strings{"a", "\"b, c", "d", "e\\"});
    std::vector<HeaderField> trailing = {{"X", "\"abc\\"}};
    CHECK(Members(HeaderView(trailing), "x") == Strings{"\"abc\\"});
  }
  SECTION("returning false from the callback stops the iteration") {
    std::vector<HeaderField> fields = {{"X", "a, b"}, {"X", "c"}};
    std::vector<std::string> seen;
    HeaderView(fields).ForEachListMember("x", [&](std::string_view m) {
      seen.emplace_back(m);
      return m != "b";
    });
    CHECK(seen == Strings{"a", "b"});
  }
}

TEST_CASE("IsToken and IsValidFieldValue follow RFC 9110 §5.6.2 and §5.5", "[http]") {
  CHECK(IsToken("Cache-Control"));
  CHECK(IsToken("!#$%&'*+-.^_`|~09azAZ"));
  CHECK_FALSE(IsToken(""));
  CHECK_FALSE(IsToken("a b"));
  CHECK_FALSE(IsToken("a:b"));
  CHECK_FALSE(IsToken("\"a\""));
  CHECK_FALSE(IsToken("a,b"));
  CHECK_FALSE(IsToken("caf\xc3\xa9"));
  CHECK(IsValidFieldValue(""));
  CHECK(IsValidFieldValue("text/html; charset=\"utf-8\"\t\x80"));
  CHECK_FALSE(IsValidFieldValue("a\rb"));
  CHECK_FALSE(IsValidFieldValue("a\nb"));
  CHECK_FALSE(IsValidFieldValue(std::string_view("a\0b", 3)));
  CHECK(EqualsIgnoreCase("Cache-Control", "cACHE-cONTROL"));
  CHECK_FALSE(EqualsIgnoreCase("a", "ab"));
  CHECK_FALSE(EqualsIgnoreCase("[", "{"));  // 0x5B vs 0x7B: not letters
  CHECK_FALSE(EqualsIgnoreCase("\xc3\xa9", "\xc3\x89"));
}

TEST_CASE("HeaderMap keeps order and repeated names, with case-insensitive lookup", "[http]") {
  HeaderMap m;
  m.Add("Content-Type", "text/plain");
  m.Add("Set-Cookie", "a=1");
  m.Add("set-cookie", "b=2");
  m.Add("Vary", "Accept");
  REQUIRE(m.size() == 4);
  CHECK(m.Get("SET-COOKIE") == std::optional<std::string_view>("a=1"));
  CHECK(m.Count("set-cookie") == 2);
  CHECK(m.GetCombined("Set-Cookie") == "a=1, b=2");
  std::vector<std::string> names;
  for (const HeaderField& f : m) names.emplace_back(f.name);
  CHECK(names == Strings{"Content-Type", "Set-Cookie", "set-cookie", "Vary"});

  SECTION("Set replaces every line with one, at the end") {
    m.Set("SET-COOKIE", "c=3");
    CHECK(m.Count("set-cookie") == 1);
    CHECK(m.Get("set-cookie") == std::optional<std::string_view>("c=3"));
    CHECK(m[m.size() - 1].name == "SET-COOKIE");
    CHECK(m.size() == 3);
  }
  SECTION("Set with a value that points into the map itself") {
    m.Set("Vary", *m.Get("content-type"));
    CHECK(m.Get("vary") == std::optional<std::string_view>("text/plain"));
  }
  SECTION("Remove returns the count removed, and keeps the rest in order") {
    CHECK(m.Remove("set-cookie") == 2);
    CHECK(m.Remove("set-cookie") == 0);
    CHECK(m.size() == 2);
    CHECK(m[0].name == "Content-Type");
    CHECK(m[1].name == "Vary");
  }
  SECTION("Remove with a name that points into the map itself") {
    const std::string_view name = m[1].name;  // "Set-Cookie"
    CHECK(m.Remove(name) == 2);
  }
  SECTION("ForEachListMember works as on a view") {
    m.Add("vary", "Cookie, \"a,b\"");
    std::vector<std::string> v;
    m.ForEachListMember("VARY", [&](std::string_view s) { v.emplace_back(s); });
    CHECK(v == Strings{"Accept", "Cookie", "\"a,b\""});
  }
}

TEST_CASE("HeaderMap views stay valid across growth, copies and moves", "[http]") {
  HeaderMap m;
  // Many short (SSO) strings: each reallocation moves them.
  for (int i = 0; i < 200; ++i) m.Add("h" + std::to_string(i), "v" + std::to_string(i));
  for (int i = 0; i < 200; ++i) {
    REQUIRE(m[static_cast<size_t>(i)].name == "h" + std::to_string(i));
    REQUIRE(m[static_cast<size_t>(i)].value == "v" + std::to_string(i));
  }
  HeaderMap copy(m);
  const char* const copy_first = copy[0].name.data();
  HeaderMap assigned;
  assigned = m;
  HeaderMap moved(std::move(copy));
  CHECK(moved[0].name.data() == copy_first);  // a move keeps the storage
  HeaderMap move_assigned;
  move_assigned = std::move(assigned);
  for (const HeaderMap* hm : {&m, &moved, &move_assigned}) {
    REQUIRE(hm->size() == 200);
    CHECK(hm->Get("h199") == std::optional<std::string_view>("v199"));
    CHECK(hm->ByteSize() == m.ByteSize());
  }
  CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK(copy.ByteSize() == 0);
}

TEST_CASE("HeaderMap copies a HeaderView and accounts bytes as HPACK does", "[http]") {
  std::vector<HeaderField> fields = {{"Age", "5"}, {"Cache-Control", "max-age=60"}};
  HeaderMap m{HeaderView(fields)};
  REQUIRE(m.size() == 2);
  CHECK(m.Get("age") == std::optional<std::string_view>("5"));
  CHECK(m.Get("age")->data() != fields[0].value.data());  // owning copy
  // RFC 7541 §4.1: name + value + 32 per entry.
  CHECK(m.ByteSize() == (3 + 1 + 32) + (13 + 10 + 32));
  m.Remove("age");
  CHECK(m.ByteSize() == 13 + 10 + 32);
  m.Clear();
  CHECK(m.ByteSize() == 0);
  CHECK(m.empty());
}
