// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/authority.h: uri-host [ ":" port ] (RFC 3986 §3.2.2,
// §3.2.3) as the Host field and http(s) URIs use it (RFC 9110 §4.2, §7.2).
#include "edgekit/http/authority.h"

#include <string>

#include "edgekit_catch.h"

using edgekit::http::HostKind;
using edgekit::http::IsValidAuthority;
using edgekit::http::IsValidPathAndQuery;
using edgekit::http::ParseAuthority;

TEST_CASE("registered names and ports are valid authorities (RFC 3986 §3.2.2)", "[http]") {
  for (const char* ok : {"example.com", "EXAMPLE.com:8080", "a", "localhost:1", "h:65535", "h:0",
                         "xn--bcher-kva.example", "a-b_c~d", "%41b", "sub.delims!$&'()*+,;="}) {
    INFO(ok);
    CHECK(IsValidAuthority(ok));
  }
  const auto a = ParseAuthority("Example.com:8080");
  REQUIRE(a.has_value());
  CHECK(a->host == "Example.com");
  CHECK(a->port == "8080");
  CHECK(a->kind == HostKind::kRegName);
  const auto b = ParseAuthority("example.com");
  REQUIRE(b.has_value());
  CHECK(b->port.empty());
}

TEST_CASE("authorities that would smuggle a path, query or fragment into a key are invalid",
          "[http]") {
  // The Host values of the cache-poisoning reports: `h#` stored a page under
  // the key of `/`, `h/echo` under `/echo/...`.
  for (const char* bad : {"h#",   "h/echo", "h?x",  "h#frag", "h/",     "/",         "?",  "#",
                          "h\\x", "h x",    "h\tx", "h@evil", "user@h", "user:pw@h", "h%", "h%4",
                          "h%zz", "h\"",    "h<",   "h>",     "h{",     "h|",        "h^", "h`"}) {
    INFO(bad);
    CHECK_FALSE(IsValidAuthority(bad));
  }
  CHECK_FALSE(IsValidAuthority(std::string("h\0x", 3)));
  CHECK_FALSE(IsValidAuthority("h\r\nX-Injected: 1"));
  CHECK_FALSE(IsValidAuthority("h\xc3\xa9"));  // non-ASCII must be pct-encoded
}

TEST_CASE("an empty host or a malformed port is invalid (RFC 9110 §4.2.1, RFC 3986 §3.2.3)",
          "[http]") {
  for (const char* bad : {"", ":80", "h:", "h::80", "h:80:80", "h:+80", "h:-1", "h:8a", "h:65536",
                          "h:123456", "h: 80", " h", "h "}) {
    INFO(bad);
    CHECK_FALSE(IsValidAuthority(bad));
  }
}

TEST_CASE("IPv4 literals are recognised; other dotted digits are reg-names (RFC 3986 §3.2.2)",
          "[http]") {
  const auto a = ParseAuthority("192.0.2.1:80");
  REQUIRE(a.has_value());
  CHECK(a->kind == HostKind::kIPv4);
  CHECK(ParseAuthority("255.255.255.255")->kind == HostKind::kIPv4);
  // Not dec-octets, but still a valid reg-name (the first-match rule of §3.2.2).
  CHECK(ParseAuthority("256.1.1.1")->kind == HostKind::kRegName);
  CHECK(ParseAuthority("01.2.3.4")->kind == HostKind::kRegName);
  CHECK(ParseAuthority("1.2.3")->kind == HostKind::kRegName);
}

TEST_CASE("IPv6 and IPvFuture literals need brackets and the full grammar (RFC 3986 §3.2.2)",
          "[http]") {
  for (const char* ok : {"[::1]", "[::1]:8080", "[::]", "[2001:db8::1]", "[1:2:3:4:5:6:7:8]",
                         "[1::8]", "[1:2:3:4:5:6:7::]", "[::2:3:4:5:6:7:8]", "[::ffff:192.0.2.1]",
                         "[1:2:3:4:5:6:192.0.2.1]", "[ABCD:ef01::]", "[v1.x]", "[vF.a:b!]"}) {
    INFO(ok);
    CHECK(IsValidAuthority(ok));
  }
  CHECK(ParseAuthority("[::1]:8080")->host == "[::1]");
  CHECK(ParseAuthority("[::1]:8080")->kind == HostKind::kIPv6);
  CHECK(ParseAuthority("[v1.x]")->kind == HostKind::kIPvFuture);
  for (const char* bad : {"::1",
                          "[::1",
                          "::1]",
                          "[]",
                          "[:]",
                          "[:::]",
                          "[1:::2]",
                          "[1::2::3]",
                          "[1:2:3:4:5:6:7:8:9]",
                          "[1:2:3:4:5:6:7]",
                          "[12345::]",
                          "[g::1]",
                          "[::1]x",
                          "[::1]:",
                          "[::1]:99999",
                          "[1.2.3.4::]",
                          "[::1.2.3]",
                          "[::256.1.1.1]",
                          "[1:2:3:4:5:6:7:1.2.3.4]",
                          "[fe80::1%25eth0]",
                          "[v1.]",
                          "[v.x]",
                          "[vz.x]",
                          "[:1::2]",
                          "[1::2:]"}) {
    INFO(bad);
    CHECK_FALSE(IsValidAuthority(bad));
  }
}

TEST_CASE("HostKind labels are stable snake_case", "[http]") {
  CHECK(ToString(HostKind::kRegName) == "reg_name");
  CHECK(ToString(HostKind::kIPv4) == "ipv4");
  CHECK(ToString(HostKind::kIPv6) == "ipv6");
  CHECK(ToString(HostKind::kIPvFuture) == "ipv_future");
}

TEST_CASE("path-abempty [ \"?\" query ] (RFC 3986 §3.3, §3.4; origin-form, RFC 9112 §3.2.1)",
          "[http]") {
  for (const char* ok : {"", "/", "/a/b", "/a?b=c&d", "/%41%2f?x=%20", "?q", "//x", "/a:b@c",
                         "/!$&'()*+,;=", "/a?b?c/d", "/-._~"}) {
    INFO(ok);
    CHECK(IsValidPathAndQuery(ok));
  }
  for (const char* bad : {"a", "/a#b", "/a b", "/a\"b", "/%", "/%4", "/%zz", "/a<b", "/a\\b",
                          "/a^b", "/a`b", "/a{b}", "/a|b", "/caf\xc3\xa9", "/a\tb", "/a\r\nb"}) {
    INFO(bad);
    CHECK_FALSE(IsValidPathAndQuery(bad));
  }
  CHECK_FALSE(IsValidPathAndQuery(std::string("/a\0b", 4)));
}
