// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/structured_fields.h: RFC 8941 serialisation and parsing.
#include "edgekit/http/structured_fields.h"

#include <cmath>
#include <limits>
#include <string>

#include "edgekit_catch.h"

using edgekit::http::IsSfKey;
using edgekit::http::IsSfToken;
using edgekit::http::IsValidSfDictionary;
using edgekit::http::IsValidSfItem;
using edgekit::http::IsValidSfList;
using edgekit::http::SfDictionaryWriter;
using edgekit::http::SfListWriter;

TEST_CASE("RFC 8941's own examples parse (§3)", "[http]") {
  // §3.1 Lists, §3.1.1 Inner Lists, §3.1.2 Parameters.
  CHECK(IsValidSfList("sugar, tea, rum"));
  CHECK(IsValidSfList("(\"foo\" \"bar\"), (\"baz\"), (\"bat\" \"one\"), ()"));
  CHECK(IsValidSfList("(\"foo\"; a=1;b=2);lvl=5, (\"bar\" \"baz\");lvl=1"));
  CHECK(IsValidSfList("abc;a=1;b=2; cde_456, (ghi;jk=4 l);q=\"9\";r=w"));
  // §3.2 Dictionaries.
  CHECK(IsValidSfDictionary("en=\"Applepie\", da=:w4ZibGV0w6ZydGU=:"));
  CHECK(IsValidSfDictionary("a=?0, b, c; foo=bar"));
  CHECK(IsValidSfDictionary("rating=1.5, feelings=(joy sadness)"));
  CHECK(IsValidSfDictionary("a=(1 2), b=3, c=4;aa=bb, d=(5 6);valid"));
  // §3.3 Items.
  CHECK(IsValidSfItem("5; foo=bar"));
  CHECK(IsValidSfItem("42"));
  CHECK(IsValidSfItem("4.5"));
  CHECK(IsValidSfItem("\"hello world\""));
  CHECK(IsValidSfItem("foo123/456"));
  CHECK(IsValidSfItem(":cHJldGVuZCB0aGlzIGlzIGJpbmFyeSBjb250ZW50Lg==:"));
  CHECK(IsValidSfItem("?1"));
  // An empty list or dictionary is valid (§4.2), an empty item is not.
  CHECK(IsValidSfList(""));
  CHECK(IsValidSfDictionary("  "));
  CHECK_FALSE(IsValidSfItem(""));
}

TEST_CASE("RFC 8941 parsing failures (§4.2)", "[http]") {
  for (const char* bad : {
           "a,",                // §4.2.1: trailing comma
           "a,,b",              // empty member
           "a b",               // members must be comma-separated
           "1234567890123456",  // §4.2.4: more than 15 integer digits
           "1234567890123.5",   // more than 12 digits before "."
           "1.2345",            // more than 3 fractional digits
           "1.",                // ends with "."
           "-",                 // no digit
           "\"abc",             // §4.2.5: unterminated
           "\"a\\b\"",          // only \" and \\ may be escaped
           "\"caf\xc3\xa9\"",   // non-ASCII
           ":abc",              // §4.2.7: unterminated
           ":ab$:",             // not base64
           "?2",                // §4.2.8
           "?",                 //
           "(a b",              // §4.2.1.2: unterminated inner list
           "(a,b)",             // inner-list members are SP-separated
           "a;",                // §4.2.3.2: parameter without key
           "a;A=1",             // keys are lowercase
           "a;b=(1)",           // parameter values are bare items
           "@",                 // no bare item starts with @
           "a\t,b",             // fine (OWS) — checked below as valid
       }) {
    if (std::string_view(bad) == "a\t,b") continue;
    INFO(bad);
    CHECK_FALSE(IsValidSfList(bad));
  }
  CHECK(IsValidSfList("a\t,\tb"));  // OWS around commas
  CHECK(IsValidSfList("-999999999999999, 999999999999999, -1.5, 123456789012.123"));
  CHECK_FALSE(IsValidSfDictionary("A=1"));
  CHECK_FALSE(IsValidSfDictionary("a=1,"));
  CHECK_FALSE(IsValidSfDictionary("a=1 b=2"));
  CHECK_FALSE(IsValidSfDictionary("a="));
  CHECK(IsValidSfDictionary("*a.b_c-d*=1"));
  CHECK_FALSE(IsValidSfItem("1, 2"));
  CHECK_FALSE(IsValidSfItem("a b"));
}

TEST_CASE("SfListWriter serialises members and parameters (RFC 8941 §4.1)", "[http]") {
  SfListWriter w;
  w.AddToken("sugar").AddToken("tea").AddToken("rum");
  CHECK(w.str() == "sugar, tea, rum");
  CHECK(w.ok());
  CHECK(w.members() == 3);

  SfListWriter p;
  p.AddToken("abc").ParamInteger("a", 1).ParamInteger("b", 2).ParamBool("cde_456", true);
  p.AddString("x\"y\\z").ParamBool("f", false).ParamDecimal("q", 0.5);
  p.AddInteger(-42).ParamToken("t", "foo/bar").ParamString("s", "hi");
  p.AddBoolean(true).AddBoolean(false).AddDecimal(1.0).AddByteSequence("pretend");
  // §4.1.1.2: a true parameter is the bare key; false is "=?0".
  CHECK(p.str() ==
        "abc;a=1;b=2;cde_456, \"x\\\"y\\\\z\";f=?0;q=0.5, -42;t=foo/bar;s=\"hi\", ?1, ?0, 1.0, "
        ":cHJldGVuZA==:");
  CHECK(p.ok());
  CHECK(IsValidSfList(p.str()));
  CHECK(p.Release().size() > 0);
  CHECK(p.str().empty());
}

TEST_CASE("Writers skip what cannot be serialised and report it", "[http]") {
  SfListWriter w;
  w.AddToken("1abc");  // tokens start with ALPHA or "*"
  CHECK_FALSE(w.ok());
  CHECK(w.str().empty());
  w.ParamInteger("a", 1);  // no open member
  CHECK(w.str().empty());
  w.AddInteger(1000000000000000);  // 16 digits
  w.AddString("caf\xc3\xa9");
  w.AddDecimal(std::numeric_limits<double>::quiet_NaN());
  w.AddDecimal(1e12);
  CHECK(w.str().empty());
  w.AddInteger(7).ParamInteger("Bad", 1).ParamString("s", "\n").ParamBool("ok", true);
  CHECK(w.str() == "7;ok");
  w.AddToken("x y").ParamBool("dropped", true);  // a skipped member drops its params
  CHECK(w.str() == "7;ok");
  CHECK(w.members() == 1);
  CHECK(IsValidSfList(w.str()));
}

TEST_CASE("Integers and decimals respect RFC 8941 §4.1.4-§4.1.5", "[http]") {
  std::string s;
  CHECK(edgekit::http::AppendSfInteger(&s, 999999999999999));
  CHECK_FALSE(edgekit::http::AppendSfInteger(&s, -1000000000000000));
  CHECK(s == "999999999999999");
  auto dec = [](double v) {
    std::string o;
    return edgekit::http::AppendSfDecimal(&o, v) ? o : std::string("FAIL");
  };
  CHECK(dec(1.5) == "1.5");
  CHECK(dec(-0.25) == "-0.25");
  CHECK(dec(2.0) == "2.0");
  CHECK(dec(0.0005) == "0.0");    // rounds half to even
  CHECK(dec(0.0015) == "0.002");  // 1.5 thousandths → 2
  CHECK(dec(0.0025) == "0.002");  // 2.5 thousandths → 2 (even)
  CHECK(dec(999999999999.999) == "999999999999.999");
  CHECK(dec(1e12) == "FAIL");  // 13 integer digits
  CHECK(dec(std::numeric_limits<double>::infinity()) == "FAIL");
}

TEST_CASE("SfDictionaryWriter serialises keys and values (RFC 8941 §4.1.2)", "[http]") {
  SfDictionaryWriter w;
  w.AddString("en", "Applepie")
      .AddByteSequence("da",
                       "\xc3\x86"
                       "blet\xc3\xa6rte");
  CHECK(w.str() == "en=\"Applepie\", da=:w4ZibGV0w6ZydGU=:");  // §3.2's example
  SfDictionaryWriter b;
  b.AddBoolean("a", false).AddBoolean("b", true).AddBoolean("c", true).ParamToken("foo", "bar");
  CHECK(b.str() == "a=?0, b, c;foo=bar");  // §3.2's second example, canonical form
  b.AddInteger("Bad", 1).AddInteger("good", 2).AddDecimal("d", 1.25).AddToken("t", "x");
  CHECK(b.str() == "a=?0, b, c;foo=bar, good=2, d=1.25, t=x");
  CHECK_FALSE(b.ok());
  CHECK(IsValidSfDictionary(b.str()));
  CHECK(IsSfKey("*a-b.c_d9"));
  CHECK_FALSE(IsSfKey("9a"));
  CHECK(IsSfToken("*foo:bar/baz"));
  CHECK_FALSE(IsSfToken("-x"));
}

TEST_CASE("Writers can append to an existing field value", "[http]") {
  std::string v = "\"default\";q=100";
  SfListWriter w(&v);
  w.AddString("burst").ParamInteger("q", 10).ParamInteger("w", 1);
  CHECK(v == "\"default\";q=100, \"burst\";q=10;w=1");
  CHECK(w.str() == v);
  CHECK(w.Release().empty());  // not owned
  std::string d;
  SfDictionaryWriter dw(&d);
  dw.AddInteger("r", 50).AddInteger("t", 30);
  CHECK(d == "r=50, t=30");
}
