// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the examples' strict HTTP/1.1 parser (examples/common/http1_parser.h)
// against RFC 9112. Every input is also fed one byte at a time: the verdict
// must not depend on how the bytes were split into reads.
#include "http1_parser.h"

#include <string>
#include <vector>

#include "edgekit_catch.h"

using edgekit_examples::Http1Error;
using edgekit_examples::Http1Head;
using edgekit_examples::Http1Limits;
using edgekit_examples::Http1Parser;
using namespace std::string_literals;  // NOLINT: "...\0..."s keeps the NUL

namespace {

struct Outcome {
  std::vector<Http1Head> heads;
  std::vector<std::string> bodies;
  Http1Error error = Http1Error::kNone;
  size_t done = 0;
};

// Feeds `input` in pieces of `step` bytes (0: all at once); `eof` calls Finish.
Outcome Run(Http1Parser::Mode mode, std::string_view input, size_t step = 0, bool eof = false,
            Http1Limits limits = {}, bool head_request = false) {
  Http1Parser p(mode, limits);
  p.set_head_request(head_request);
  Outcome out;
  std::string body;
  auto handle = [&](Http1Parser::Event e) {
    switch (e) {
      case Http1Parser::Event::kHead:
        out.heads.push_back(p.TakeHead());
        body.clear();
        break;
      case Http1Parser::Event::kBody:
        body.append(p.body());
        break;
      case Http1Parser::Event::kDone:
        out.bodies.push_back(body);
        ++out.done;
        break;
      case Http1Parser::Event::kError:
        out.error = p.error();
        break;
      case Http1Parser::Event::kNeedMore:
        break;
    }
    return e;
  };
  size_t offset = 0;
  while (offset < input.size() && out.error == Http1Error::kNone) {
    const size_t n = step == 0 ? input.size() - offset : std::min(step, input.size() - offset);
    std::string_view chunk = input.substr(offset, n);
    offset += n;
    for (;;) {
      size_t used = 0;
      const Http1Parser::Event e = handle(p.Parse(chunk, &used));
      chunk.remove_prefix(used);
      if (e == Http1Parser::Event::kNeedMore || e == Http1Parser::Event::kError) break;
    }
  }
  if (eof && out.error == Http1Error::kNone) handle(p.Finish());
  return out;
}

Outcome Request(std::string_view input, Http1Limits limits = {}) {
  Outcome whole = Run(Http1Parser::Mode::kRequest, input, 0, false, limits);
  Outcome bytewise = Run(Http1Parser::Mode::kRequest, input, 1, false, limits);
  CHECK(whole.error == bytewise.error);
  CHECK(whole.done == bytewise.done);
  CHECK(whole.bodies == bytewise.bodies);
  return whole;
}

Http1Error RequestError(std::string_view input, Http1Limits limits = {}) {
  return Request(input, limits).error;
}

}  // namespace

TEST_CASE("a simple request, keep-alive and pipelining (RFC 9112 §2, §9.3)", "[examples]") {
  const Outcome o = Request(
      "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n"
      "POST /p HTTP/1.1\r\nHost: example.com:8080\r\nContent-Length: 5\r\n\r\nhello"
      "GET / HTTP/1.0\r\n\r\n");
  REQUIRE(o.error == Http1Error::kNone);
  REQUIRE(o.done == 3);
  CHECK(o.heads[0].method == "GET");
  CHECK(o.heads[0].target == "/a?b=c");
  CHECK(o.heads[0].keep_alive);
  CHECK(o.bodies[1] == "hello");
  CHECK(o.heads[2].version == 10);
  CHECK_FALSE(o.heads[2].keep_alive);
}

TEST_CASE("chunked request bodies with extensions and trailers (RFC 9112 §7.1)", "[examples]") {
  const Outcome o = Request(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=val;q=\"x;y\"\r\nhello\r\n006 ; e\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
  REQUIRE(o.error == Http1Error::kNone);
  REQUIRE(o.done == 1);
  CHECK(o.bodies[0] == "hello world");
  CHECK(o.heads[0].framing == Http1Head::Framing::kChunked);
}

TEST_CASE("Host: missing, duplicated or invalid → 400 (RFC 9112 §3.2)", "[examples]") {
  CHECK(RequestError("GET / HTTP/1.1\r\n\r\n") == Http1Error::kMissingHost);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == Http1Error::kDuplicateHost);
  for (const char* host : {"h#", "h/echo", "h?x", "", "a b", "h:", "h:99999", "u@h", "[::1"}) {
    INFO(host);
    CHECK(RequestError(std::string("GET / HTTP/1.1\r\nHost: ") + host + "\r\n\r\n") ==
          Http1Error::kBadHost);
  }
  // The absolute-form authority must be valid too (§3.2.2).
  CHECK(RequestError("GET http://h#/x HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadHost);
  CHECK(RequestError("GET http://h/x HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kNone);
  // HTTP/1.0 may omit Host.
  CHECK(RequestError("GET / HTTP/1.0\r\n\r\n") == Http1Error::kNone);
  CHECK(edgekit_examples::StatusFor(Http1Error::kBadHost) == 400);
}

TEST_CASE("Transfer-Encoding whose final coding is not chunked → 400 (RFC 9112 §6.3)",
          "[examples]") {
  for (const char* te : {"gzip", "identity", "xchunked", "", "chunked, identity",
                         "chunked, chunked", "chunked;x=1", "chunked, gzip", ",", "chun ked"}) {
    INFO(te);
    const Http1Error e = RequestError(std::string("POST / HTTP/1.1\r\nHost: h\r\n") +
                                      "Transfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n");
    CHECK(e == Http1Error::kBadTransferEncoding);
    CHECK(edgekit_examples::StatusFor(e) == 400);
  }
  // chunked on two lines is chunked twice (§7).
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") ==
        Http1Error::kBadTransferEncoding);
  // A coding we do not implement before chunked → 501 (§6.1).
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") ==
        Http1Error::kUnsupportedTransferCoding);
  CHECK(edgekit_examples::StatusFor(Http1Error::kUnsupportedTransferCoding) == 501);
  // Case-insensitive coding names are fine.
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                     "0\r\n\r\n") == Http1Error::kNone);
}

TEST_CASE("smuggling pairs: TE with CL, TE in HTTP/1.0, differing CLs (RFC 9112 §6.1, §6.3)",
          "[examples]") {
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") ==
        Http1Error::kTransferEncodingWithContentLength);
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                     "Content-Length: 4\r\n\r\n0\r\n\r\n") ==
        Http1Error::kTransferEncodingWithContentLength);
  CHECK(RequestError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") ==
        Http1Error::kTransferEncodingInHttp10);
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nContent-Length: 5\r\n"
                     "\r\nabcde") == Http1Error::kConflictingContentLength);
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 5\r\n\r\nabcde") ==
        Http1Error::kConflictingContentLength);
  for (const char* cl : {"+4", "-1", "4.0", "0x4", "4 4", "", "99999999999999999999"}) {
    INFO(cl);
    CHECK(RequestError(std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ") + cl +
                       "\r\n\r\nabcd") == Http1Error::kBadContentLength);
  }
  // Identical repeats are one value (RFC 9110 §8.6).
  const Outcome same = Request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4, 4\r\n\r\nabcd");
  CHECK(same.error == Http1Error::kNone);
  CHECK(same.bodies == std::vector<std::string>{"abcd"});
}

TEST_CASE("field syntax: obs-fold, NUL/CR/LF, whitespace before ':' → 400 (RFC 9112 §5)",
          "[examples]") {
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n") == Http1Error::kObsFold);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n") == Http1Error::kObsFold);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == Http1Error::kBadFieldName);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\n: x\r\n\r\n") == Http1Error::kBadFieldName);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n") == Http1Error::kBadFieldName);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"s) ==
        Http1Error::kBadFieldValue);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n") ==
        Http1Error::kBadFieldValue);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n") == Http1Error::kBadLineEnding);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\nX: a\r\n\r\n") == Http1Error::kBadLineEnding);
  CHECK(RequestError("GET / HTTP/1.1\nHost: h\r\n\r\n") == Http1Error::kBadLineEnding);
  // obs-text is allowed in values.
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n") == Http1Error::kNone);
}

TEST_CASE("request-line: methods, targets and versions (RFC 9112 §3)", "[examples]") {
  CHECK(RequestError("GET  / HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET / HTTP/1.1 \r\nHost: h\r\n\r\n") == Http1Error::kBadVersion);
  CHECK(RequestError("G(T / HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadMethod);
  CHECK(RequestError("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET /a\"b HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET * HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kNone);
  CHECK(RequestError("GET x HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadTarget);
  CHECK(RequestError("GET / HTTP/2.0\r\nHost: h\r\n\r\n") == Http1Error::kVersionNotSupported);
  CHECK(RequestError("GET / HTTP/1.10\r\nHost: h\r\n\r\n") == Http1Error::kBadVersion);
  CHECK(RequestError("GET / http/1.1\r\nHost: h\r\n\r\n") == Http1Error::kBadVersion);
  CHECK(RequestError("GET /\r\n\r\n") == Http1Error::kBadStartLine);
  CHECK(RequestError("FROB /x HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kNone);
  // §2.2: a few empty lines before the request-line are ignored, not more.
  CHECK(RequestError("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") == Http1Error::kNone);
  CHECK(RequestError("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n") ==
        Http1Error::kBadStartLine);
  const Outcome v12 = Request("GET / HTTP/1.2\r\nHost: h\r\n\r\n");
  REQUIRE(v12.heads.size() == 1);
  CHECK(v12.heads[0].version == 11);
}

TEST_CASE("limits: start line, header bytes, field count (→ 414, 431)", "[examples]") {
  Http1Limits l;
  l.max_start_line_bytes = 64;
  l.max_header_bytes = 128;
  l.max_fields = 3;
  CHECK(RequestError("GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", l) ==
        Http1Error::kStartLineTooLong);
  CHECK(edgekit_examples::StatusFor(Http1Error::kStartLineTooLong) == 414);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(200, 'a') + "\r\n\r\n", l) ==
        Http1Error::kHeaderTooLarge);
  CHECK(RequestError("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", l) ==
        Http1Error::kTooManyFields);
  CHECK(edgekit_examples::StatusFor(Http1Error::kTooManyFields) == 431);
  // A line without its LF is refused as soon as it passes the limit: the
  // parser never buffers more than the limit.
  Http1Parser p(Http1Parser::Mode::kRequest, l);
  const std::string flood = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(1 << 20, 'a');
  size_t used = 0;
  CHECK(p.Parse(flood, &used) == Http1Parser::Event::kError);
  CHECK(p.error() == Http1Error::kHeaderTooLarge);
}

TEST_CASE("chunk-size lines: hex digits, leading zeros, extensions bounded (RFC 9112 §7.1)",
          "[examples]") {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK(RequestError(head + "x\r\n") == Http1Error::kBadChunkSize);
  CHECK(RequestError(head + "-5\r\n") == Http1Error::kBadChunkSize);
  CHECK(RequestError(head + "\r\n") == Http1Error::kBadChunkSize);
  CHECK(RequestError(head + std::string(17, '0') + "5\r\nhello\r\n0\r\n\r\n") ==
        Http1Error::kBadChunkSize);
  CHECK(RequestError(head + std::string(15, '0') + "5\r\nhello\r\n0\r\n\r\n") == Http1Error::kNone);
  CHECK(RequestError(head + "5 \r\nhello\r\n0\r\n\r\n") == Http1Error::kBadChunkExtension);
  CHECK(RequestError(head + "5;\r\nhello\r\n0\r\n\r\n") == Http1Error::kBadChunkExtension);
  CHECK(RequestError(head + "5;a=\"x\r\nhello\r\n0\r\n\r\n") == Http1Error::kBadChunkExtension);
  CHECK(RequestError(head + "5;a=" + std::string(2000, 'x') + "\r\nhello\r\n0\r\n\r\n") ==
        Http1Error::kChunkLineTooLong);
  CHECK(RequestError(head + "5\r\nhelloXX\r\n0\r\n\r\n") == Http1Error::kBadChunkTerminator);
  CHECK(RequestError(head + "5\r\nhello\n0\r\n\r\n") == Http1Error::kBadLineEnding);
  // 16 hex digits is the largest size: 2^64-1 is over any body limit.
  CHECK(RequestError(head + "ffffffffffffffff\r\n") == Http1Error::kBodyTooLarge);
}

TEST_CASE("trailers are validated and bounded, then discarded (RFC 9112 §7.1.2)", "[examples]") {
  const std::string head =
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n";
  CHECK(RequestError(head + "X: " + std::string(70000, 'a') + "\r\n\r\n") ==
        Http1Error::kTrailerTooLarge);
  std::string many;
  for (int i = 0; i < 40; ++i) many += "T" + std::to_string(i) + ": 1\r\n";
  CHECK(RequestError(head + many + "\r\n") == Http1Error::kTrailerTooLarge);
  CHECK(RequestError(head + "X: a\r\n b\r\n\r\n") == Http1Error::kObsFold);
  const Outcome o = Request(head + "X: 1\r\n\r\n");
  REQUIRE(o.heads.size() == 1);
  CHECK_FALSE(o.heads[0].headers.Contains("X"));
}

TEST_CASE("body limits hold however the bytes arrive (→ 413)", "[examples]") {
  Http1Limits l;
  l.max_body_bytes = 10;
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", l) ==
        Http1Error::kBodyTooLarge);
  CHECK(RequestError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n",
                     l) == Http1Error::kBodyTooLarge);
  // Response read until close, delivered with its head in one read.
  const Outcome r = Run(Http1Parser::Mode::kResponse,
                        "HTTP/1.1 200 OK\r\n\r\n" + std::string(100, 'x'), 0, true, l);
  CHECK(r.error == Http1Error::kBodyTooLarge);
}

TEST_CASE("responses: framing by status, HEAD, length, chunked, until close (RFC 9112 §6.3)",
          "[examples]") {
  using M = Http1Parser::Mode;
  Outcome o = Run(M::kResponse, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 1);
  REQUIRE(o.done == 1);
  CHECK(o.bodies[0] == "ok");
  CHECK(o.heads[0].keep_alive);
  o = Run(M::kResponse, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 0, false, {}, true);
  CHECK(o.done == 1);  // HEAD: no body whatever Content-Length says
  o = Run(M::kResponse,
          "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 204 No\r\n\r\n");
  REQUIRE(o.done == 2);
  CHECK(o.heads[0].status == 103);
  CHECK(o.heads[1].status == 204);
  o = Run(M::kResponse, "HTTP/1.1 200 OK\r\n\r\nuntil close", 3, true);
  REQUIRE(o.done == 1);
  CHECK(o.bodies[0] == "until close");
  CHECK_FALSE(o.heads[0].keep_alive);
  o = Run(M::kResponse, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0, true);
  CHECK(o.error == Http1Error::kTruncated);
  o = Run(M::kResponse, "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
  CHECK(o.done == 1);
  // §6.3 item 4: final coding not chunked in a response → delimited by the
  // close (never reused), passed on undecoded.
  o = Run(M::kResponse, "HTTP/1.1 200 OK\r\nTransfer-Encoding: x-custom\r\n\r\nraw", 2, true);
  REQUIRE(o.done == 1);
  CHECK(o.bodies[0] == "raw");
  CHECK(o.heads[0].framing == Http1Head::Framing::kUntilClose);
  CHECK_FALSE(o.heads[0].keep_alive);
  for (const char* bad :
       {"HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n", "HTTP/1.1 600 x\r\n\r\n",
        "HTTP/1.1 200 O\x01K\r\n\r\n", "HTTX/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n"}) {
    INFO(bad);
    CHECK(Run(M::kResponse, bad).error != Http1Error::kNone);
  }
}
