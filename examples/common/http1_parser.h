// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http1_parser.h
// -----------------------------------------------------------------------------
// `Http1Parser`: a strict, incremental HTTP/1.1 message parser (RFC 9112) for
// the example servers, for requests (server side) and responses (client
// side). It is fed whatever bytes the socket delivered and returns one event
// at a time: the head (start line and fields, validated), body bytes (views
// into the input, never copied: a body can be stored whole today or streamed
// later without changing the parser), the end of the message, or an error with
// the reason. Memory is bounded whatever the peer sends: only a partial line
// (start line, field line, chunk-size line, trailer line) is buffered, each
// under its own limit.
//
// What "strict" means here (each is a regression test in the hostile suite):
//   * lines end in CRLF; a bare LF or CR is an error (§2.2);
//   * request-line: one SP between method (a token), target and version;
//     the target is origin-form, absolute-form (http/https), authority-form
//     (CONNECT only) or "*" (OPTIONS only), with RFC 3986 characters only
//     (no '#', no raw non-ASCII); HTTP/1.x only, other majors → 505;
//   * field lines: a token name directly followed by ':' (§5.1), values of
//     VCHAR, SP, HTAB and obs-text only (NUL, CR, LF and other controls are
//     errors, §5.5), obs-fold is an error (§5.2);
//   * requests: exactly one Host in HTTP/1.1 (at most one in 1.0) whose value
//     is a valid uri-host[:port] (RFC 9112 §3.2, edgekit::http::IsValidAuthority);
//   * framing (§6.1–6.3): Transfer-Encoding in a request must be exactly
//     `chunked` (final coding not chunked → error and close; chunked twice →
//     error; other codings before it → 501); Transfer-Encoding with
//     Content-Length → error; Transfer-Encoding in HTTP/1.0 → error;
//     Content-Length is 1*DIGIT, repeated only with the same value;
//   * chunked: at most `max_chunk_size_digits` hex digits (leading zeros
//     count), syntactically valid extensions within `max_chunk_line_bytes`,
//     CRLF after each chunk's data, trailer fields bounded in bytes and count
//     (validated, then discarded);
//   * body bytes are counted against `max_body_bytes` as they arrive, whatever
//     read they arrive in; a Content-Length over it is refused at once.
//
// Example (server side):
//
//   Http1Parser p(Http1Parser::Mode::kRequest, limits);
//   size_t used = 0;
//   switch (p.Parse(input, &used)) {
//     case Http1Parser::Event::kHead:  Http1Head head = p.TakeHead(); ...
//     case Http1Parser::Event::kBody:  body.append(p.body()); ...
//     case Http1Parser::Event::kDone:  dispatch the request ...
//     case Http1Parser::Event::kError: Respond(StatusFor(p.error())), close ...
//     case Http1Parser::Event::kNeedMore: read more ...
//   }
//   input.remove_prefix(used);
//
// Thread-safety: not thread-safe (one parser per connection).

#ifndef EDGEKIT_EXAMPLES_COMMON_HTTP1_PARSER_H_
#define EDGEKIT_EXAMPLES_COMMON_HTTP1_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "edgekit/http/header_map.h"

namespace edgekit_examples {

// Every bound the parser enforces. Defaults are those of the example servers
// (docs/examples.md lists them).
struct Http1Limits {
  size_t max_start_line_bytes = 8 * 1024;  // request-line (→ 414) or status-line
  size_t max_header_bytes = 64 * 1024;     // all field lines together (→ 431)
  size_t max_fields = 100;                 // field lines (→ 431)
  size_t max_chunk_line_bytes = 1024;      // chunk-size, extensions, CRLF
  size_t max_chunk_size_digits = 16;       // hex digits, leading zeros included
  size_t max_trailer_bytes = 8 * 1024;     // all trailer lines together
  size_t max_trailer_fields = 32;
  uint64_t max_body_bytes = uint64_t{64} << 20;  // decoded body bytes (→ 413)
  size_t max_empty_lines = 4;                    // CRLFs tolerated before a request-line (§2.2)
};

enum class Http1Error {
  kNone,
  kBadLineEnding,              // bare LF or CR
  kBadStartLine,               // not METHOD SP TARGET SP VERSION / HTTP-version SP status
  kStartLineTooLong,           // request-line (414) or status-line over the limit
  kBadMethod,                  // not a token
  kBadTarget,                  // not a valid request-target form for the method
  kBadVersion,                 // not HTTP/DIGIT.DIGIT
  kVersionNotSupported,        // HTTP major version other than 1 (505)
  kBadStatus,                  // status code not 100..599, bad reason phrase
  kHeaderTooLarge,             // field section over max_header_bytes (431)
  kTooManyFields,              // over max_fields (431)
  kBadFieldName,               // empty, not a token, or whitespace before ':'
  kBadFieldValue,              // NUL, CR, LF, other controls or DEL in a value
  kObsFold,                    // line folding (§5.2)
  kMissingHost,                // HTTP/1.1 request without Host
  kDuplicateHost,              // more than one Host field line
  kBadHost,                    // Host (or the absolute-form authority) invalid
  kBadContentLength,           // not 1*DIGIT
  kConflictingContentLength,   // differing values
  kBadTransferEncoding,        // final coding not chunked, chunked twice, bad syntax
  kUnsupportedTransferCoding,  // a coding other than chunked (501)
  kTransferEncodingWithContentLength,
  kTransferEncodingInHttp10,
  kBadChunkSize,      // not 1*HEXDIG, or too many digits
  kChunkLineTooLong,  // chunk-size line (extensions) over the limit
  kBadChunkExtension,
  kBadChunkTerminator,  // chunk data not followed by CRLF
  kTrailerTooLarge,     // trailer bytes or fields over the limits
  kBodyTooLarge,        // over max_body_bytes (413)
  kTruncated,           // the peer closed inside a message
};
inline constexpr size_t kHttp1ErrorCount = static_cast<size_t>(Http1Error::kTruncated) + 1;

// A stable snake_case label ("bad_transfer_encoding"), for counters and logs.
std::string_view ToString(Http1Error error);
// The status a server answers a request with this error: 400, 413, 414, 431,
// 501 or 505 (0 for kNone and kTruncated: nothing to answer).
int StatusFor(Http1Error error);

// A message head as parsed and validated.
struct Http1Head {
  // Requests.
  std::string method;
  std::string target;
  // Responses.
  int status = 0;
  std::string reason;

  unsigned version = 11;  // 10 or 11 (HTTP/1.2+ is read as 11, §2.3)
  edgekit::http::HeaderMap headers;

  enum class Framing { kNone, kLength, kChunked, kUntilClose };
  Framing framing = Framing::kNone;
  uint64_t content_length = 0;  // kLength
  // The connection may carry another message after this one.
  bool keep_alive = true;
  // Requests: `Expect: 100-continue`, or another expectation (→ 417).
  bool expect_continue = false;
  bool expect_other = false;
};

class Http1Parser {
 public:
  enum class Mode { kRequest, kResponse };
  enum class Event { kNeedMore, kHead, kBody, kDone, kError };

  Http1Parser(Mode mode, Http1Limits limits) : mode_(mode), limits_(limits) {}

  // Response mode: the response answers a HEAD request (it has no body).
  // Set before the response's first byte is parsed.
  void set_head_request(bool head) { head_request_ = head; }

  // Parses from `in` up to the next event; `*consumed` is how many bytes of
  // `in` were used (all of them for kNeedMore). For kBody, body() views bytes
  // of `in`. After kDone the next call starts a new message; after kError
  // every call returns kError.
  Event Parse(std::string_view in, size_t* consumed);
  // The peer closed the connection: kDone ends a read-until-close body,
  // kNeedMore means no message was in progress (a clean close), kError
  // (kTruncated) a message was cut short.
  Event Finish();

  // The head parsed by the last kHead (moved out; valid until the next one).
  Http1Head TakeHead() { return std::move(head_); }
  const Http1Head& head() const { return head_; }
  std::string_view body() const { return body_; }
  Http1Error error() const { return error_; }
  // Some bytes of a message (not just empty lines) have been received.
  bool in_message() const { return state_ != State::kStart || !line_.empty(); }
  // The head has been parsed and the body is being read.
  bool in_body() const;
  uint64_t body_bytes() const { return body_bytes_; }

 private:
  enum class State {
    kStart,
    kFields,
    kNoBody,  // head returned; kDone next
    kBodyLength,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kUntilClose,
    kError,
  };

  // One line of a field section (head or trailers) within its byte budget:
  // kMore when more input is needed (or on error), kEnd at the empty line.
  enum class SectionStep { kMore, kEnd, kField };
  SectionStep SectionLine(std::string_view in, size_t* pos, bool trailer);
  // Body bytes of the current length or chunk from `in` at `*pos` → body_.
  void TakeBody(std::string_view in, size_t* pos);
  Event Fail(Http1Error e);
  // Takes one CRLF-terminated line from `in` at `*pos` (buffering a partial
  // one, at most `limit` bytes including CRLF). Returns false when more input
  // is needed or on error (error_ set).
  bool TakeLine(std::string_view in, size_t* pos, size_t limit, Http1Error too_long,
                std::string_view* line);
  Event StartLine(std::string_view line);
  Event FieldLine(std::string_view line, bool trailer);
  Event EndOfHead();
  Event RequestFraming();
  Event ResponseFraming();
  Event ChunkSizeLine(std::string_view line);
  bool ParseContentLength(uint64_t* out);
  // Content-Length framing of head_; false (error set) when invalid or over
  // the body limit.
  bool LengthFraming();

  const Mode mode_;
  const Http1Limits limits_;
  bool head_request_ = false;
  State state_ = State::kStart;
  Http1Error error_ = Http1Error::kNone;
  std::string line_;  // a partial line (bounded by the state's limit)
  size_t empty_lines_ = 0;
  size_t header_bytes_ = 0;
  size_t fields_ = 0;
  size_t trailer_bytes_ = 0;
  size_t trailer_fields_ = 0;
  uint64_t remaining_ = 0;  // of the Content-Length or the current chunk
  uint64_t body_bytes_ = 0;
  Http1Head head_;
  std::string_view body_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_HTTP1_PARSER_H_
