// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_message.h
// -----------------------------------------------------------------------------
// The plain HTTP/1.1 message types the example programs pass around, and a few
// RFC 9110 helpers (hop-by-hop fields, Via, target parsing). Deliberately free
// of Boost: only the translation units that talk to the network
// (event_loop.cc, http_server.cc, http_session.cc, http_client.cc) include
// Boost.Asio.
//
// Header fields are `edgekit::http::HeaderMap`s: ordered, multi-valued,
// case-insensitive, and directly usable as the `HeaderView` the edgekit
// components take.
//
// Thread-safety: plain values (thread-compatible).

#ifndef EDGEKIT_EXAMPLES_COMMON_HTTP_MESSAGE_H_
#define EDGEKIT_EXAMPLES_COMMON_HTTP_MESSAGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "edgekit/base/string_view.h"
#include "edgekit/http/header_map.h"

namespace edgekit_examples {

// A request as read from a client (server side) or to be sent to an origin
// (client side).
struct HttpRequest {
  std::string method = "GET";  // any token, case-sensitive
  std::string target = "/";    // request-target as received
  unsigned version = 11;       // 10 or 11
  edgekit::http::HeaderMap headers;
  std::string body;
  // Server side: whether the client wants the connection kept open.
  bool keep_alive = true;
  // Server side: the peer's address and port ("127.0.0.1:5555"), and its
  // address alone ("127.0.0.1").
  std::string peer;
  std::string peer_address;
  // Set by the host, never sent: the sticky unit (e.g. the user id) an
  // upstream selector routes on.
  std::string route_key;
};

// A response body produced piece by piece: a stored object that may still be
// filling, an origin body being relayed. HttpServer pulls one piece, writes
// it, then asks for the next, so a client that does not read holds at most
// the piece being written (and the source decides what that costs: a shared
// chunk of a cached object costs a reference, not a copy).
//
// Thread-safety: `Next` is called on one connection's strand, one call at a
// time; `wake` may be called from any thread.
class BodyStream {
 public:
  enum class Status { kData, kPending, kEnd, kError };
  virtual ~BodyStream() = default;
  // The body's length when known before it is complete (sent as
  // Content-Length; otherwise the body is sent chunked to HTTP/1.1 clients
  // and delimited by closing the connection for HTTP/1.0 ones).
  virtual std::optional<uint64_t> length() const = 0;
  // kData: `*pieces` holds the next bytes, in order: at least one piece,
  // none empty, at most kMaxPieces (the server writes them in one gather
  // write), valid until the next call or the stream's destruction. kPending:
  // nothing yet; `wake` is called once (from any thread) when calling again
  // makes progress. kEnd: done. kError: the body cannot be completed (the
  // origin failed mid-stream): the connection is closed without completing
  // the message, so the client never takes a truncated body for a whole one.
  static constexpr size_t kMaxPieces = 16;
  virtual Status Next(std::vector<std::string_view>* pieces, std::function<void()> wake) = 0;
};

// A response as read from an origin (client side) or to be written to a client
// (server side).
//
// Framing when written by HttpServer: `Content-Length` and
// `Transfer-Encoding` in `headers` are ignored and the body is sent with a
// Content-Length computed from `body` — except for responses that carry no
// content by definition (1xx, 204, 304, and any response to HEAD), where a
// `Content-Length` present in `headers` is passed through as metadata (RFC
// 9110 §8.6) and no body bytes are sent. For a HEAD request answered with a
// non-empty `body` (e.g. from a cached GET), Content-Length is the body size.
struct HttpResponse {
  int status = 200;
  std::string reason;  // empty: the standard reason phrase
  edgekit::http::HeaderMap headers;
  std::string body;
  // Server side: instead of `body`, bytes [shared_offset, shared_offset +
  // shared_size) of an immutable shared body (e.g. a cached response's): the
  // connection holds a reference while it writes, never a copy.
  std::shared_ptr<const std::string> shared_body;
  size_t shared_offset = 0;
  size_t shared_size = 0;
  // Server side: instead of either, a body pulled piece by piece (above).
  std::shared_ptr<BodyStream> stream;
  // Server side: false closes the connection after this response.
  bool keep_alive = true;

  // Sends (a range of) `shared` as the body (`body` is cleared).
  void SetSharedBody(std::shared_ptr<const std::string> shared, size_t offset = 0,
                     size_t size = std::string::npos);
  // The bytes to send: the shared range when set, else `body`.
  std::string_view BodyView() const;
};

// Removes the hop-by-hop fields (RFC 9110 §7.6.1): Connection and every field
// it names, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade,
// Proxy-Authenticate and Proxy-Authorization. `Content-Length` is left alone
// (framing is recomputed when writing).
void StripHopByHop(edgekit::http::HeaderMap& headers);

// True for the methods RFC 9110 §9.2.2 calls idempotent.
bool IsIdempotentMethod(std::string_view method);

// An http URL's parts. `ParseHttpUrl("http://127.0.0.1:8080/x")`.
struct HttpUrl {
  std::string host;  // "127.0.0.1" (brackets removed for IPv6)
  uint16_t port = 80;
  std::string authority;  // as written: "127.0.0.1:8080"
  std::string path;       // "/x" (origin-form, "/" when empty), with query
};
// Only "http://" URLs with an authority; returns false otherwise.
bool ParseHttpUrl(std::string_view url, HttpUrl* out);

// "127.0.0.1:8080" → host, port (0 allowed; 80 when absent). Returns false if
// malformed.
bool ParseHostPort(std::string_view s, std::string* host, uint16_t* port);

// The standard reason phrase of `status` ("OK", "Not Found"...), "" if unknown.
std::string_view ReasonPhrase(int status);

// A small text response with Content-Type text/plain.
HttpResponse TextResponse(int status, std::string body);

// Decodes %XX and '+' (application/x-www-form-urlencoded) in a query value.
std::string UrlDecode(std::string_view s);

// The value of query parameter `name` in `target` ("/p?a=1&b=2"), decoded;
// nullopt-like: returns false when absent.
bool GetQueryParam(std::string_view target, std::string_view name, std::string* value);

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_HTTP_MESSAGE_H_
