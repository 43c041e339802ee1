// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: net.h
// -----------------------------------------------------------------------------
// A small asynchronous HTTP/1.1 layer for the example programs, on Boost.Asio
// sockets and the strict parser of http1_parser.h (only event_loop.cc,
// http_server.cc, http_session.cc and http_client.cc include Boost):
//
//   * `EventLoop`: N threads, each running its own io_context (a connection
//     and what it starts live on one thread), with Post / RunAfter.
//   * `HttpServer`: accepts connections on one address, parses requests
//     strictly (RFC 9112: Host, framing, field syntax, limits; every
//     violation is answered 4xx/5xx and closes the connection), hands each
//     request to an asynchronous handler and writes its response (and any
//     1xx interim responses before it). Bounded: a fixed read buffer per
//     connection, request lines, fields, chunk lines, trailers and bodies,
//     request bytes buffered across connections; a header-read deadline,
//     idle, body and send timeouts; a connection cap per client address and
//     in total, where a new connection over the total evicts the oldest slow
//     header reader (or idle keep-alive connection) instead of being refused.
//   * `HttpClient`: sends requests to one origin over a pool of keep-alive
//     connections, with connect and response timeouts; parses responses with
//     the same strictness and limits (the body limit holds however the bytes
//     arrive; a Content-Length over it is refused before reading), forwards
//     1xx interim responses to a callback; a request on a reused connection
//     that the origin had closed is retried once on a fresh connection when
//     the method is idempotent.
//
// No exception escapes to the event loop: a handler or completion that
// throws is answered (500 / 502), counted and its connection closed.
//
// Example:
//
//   EventLoop loop(2);
//   HttpServer::Options o; o.host = "127.0.0.1"; o.port = 8080;
//   auto server = HttpServer::Create(loop, o,
//       [](HttpRequest req, ServerExchange ex) {
//         ex.Respond(TextResponse(200, "hello\n"));
//       });
//   loop.WaitForSignal();  // SIGINT / SIGTERM
//
// Thread-safety: all three classes are thread-safe. Handler and completion
// callbacks run on the event loop's threads.

#ifndef EDGEKIT_EXAMPLES_COMMON_NET_H_
#define EDGEKIT_EXAMPLES_COMMON_NET_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http1_parser.h"
#include "http_message.h"

namespace edgekit_examples {

// A cancellable one-shot timer (see EventLoop::RunAfter).
class Timer {
 public:
  virtual ~Timer() = default;
  // The callback will not run if it has not started yet.
  virtual void Cancel() = 0;
};

// An executor that runs functions one at a time, in order (an Asio strand).
class Strand {
 public:
  virtual ~Strand() = default;
  virtual void Post(std::function<void()> fn) = 0;
  // Runs fn on this strand after `delay`, unless cancelled first.
  virtual std::shared_ptr<Timer> RunAfter(absl::Duration delay, std::function<void()> fn) = 0;
};

class EventLoop {
 public:
  // Starts `threads` (>= 1) threads running the loop.
  explicit EventLoop(int threads);
  // Stops the loop and joins its threads.
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void Post(std::function<void()> fn);
  std::shared_ptr<Timer> RunAfter(absl::Duration delay, std::function<void()> fn);
  std::shared_ptr<Strand> MakeStrand();

  // Blocks the caller until SIGINT or SIGTERM.
  void WaitForSignal();
  // Stops the loop (pending work is abandoned) and joins the threads. Idempotent.
  void Stop();
  // Exceptions that reached a loop thread (should stay 0: every handler
  // catches its own).
  uint64_t uncaught_exceptions() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Raises this process's open-file soft limit to its hard limit (a server with
// thousands of connections needs it). Returns the new soft limit.
uint64_t RaiseOpenFileLimit();

// What a handler gets with each request: the way to answer it.
class ServerExchange {
 public:
  // Sends `response` (exactly once; later calls are ignored). May be called
  // from any thread.
  void Respond(HttpResponse response) const;
  // Sends an interim 1xx response (e.g. 103 Early Hints) ahead of the final
  // one (RFC 9110 §15.2). Ignored after Respond(), for 100 and 101 (the
  // server handles Expect itself and never switches protocols), for HTTP/1.0
  // clients (§15.2: they do not understand 1xx) and beyond 8 per request.
  void SendInterim(HttpResponse interim) const;
  // The connection's strand: work posted here is serialized with this
  // exchange's other callbacks.
  Strand& strand() const { return *strand_; }
  // True when the request was HEAD (the response body is not sent).
  bool is_head() const { return is_head_; }
  // An exchange answering the same request that first lets `decorate` edit
  // the final response (e.g. add fields), then responds through this one.
  ServerExchange WithDecorator(std::function<void(HttpResponse&)> decorate) const;

  struct Sink {
    virtual ~Sink() = default;
    virtual void Deliver(HttpResponse response) = 0;
    virtual void DeliverInterim(HttpResponse interim) = 0;
  };
  ServerExchange(std::shared_ptr<Sink> sink, std::shared_ptr<Strand> strand, bool is_head)
      : sink_(std::move(sink)), strand_(std::move(strand)), is_head_(is_head) {}

 private:
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<Strand> strand_;
  bool is_head_ = false;
  std::shared_ptr<std::atomic<bool>> responded_ = std::make_shared<std::atomic<bool>>(false);
};

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0: pick a free port (see port())
    // Open connections in total; a new one beyond evicts the oldest
    // connection that has been reading a request head for over a second,
    // else the oldest idle keep-alive connection, else it is refused.
    size_t max_connections = 4096;
    // Open connections per client address (0: no cap); beyond it a new
    // connection is refused.
    size_t max_connections_per_address = 512;
    // Request parsing limits (start line, fields, chunk lines, trailers,
    // body: see http1_parser.h).
    Http1Limits limits;
    // Request body bytes buffered at once across all connections (announced
    // Content-Lengths, and chunked bodies as they arrive); beyond it: 503.
    size_t max_buffered_body_bytes = size_t{1} << 30;
    // A request head must be complete this long after its first byte (after
    // the accept for a connection's first request), however slowly it
    // trickles in; then 408 and close.
    absl::Duration header_timeout = absl::Seconds(10);
    absl::Duration idle_timeout = absl::Seconds(60);  // keep-alive, between requests
    absl::Duration body_timeout = absl::Seconds(30);  // request body: without a byte
    absl::Duration send_timeout = absl::Seconds(30);  // response: without write progress
    // Added as `Server` to responses that have none (empty: no field).
    std::string server_name;
  };
  // Called on a loop thread for each request; must eventually call
  // exchange.Respond().
  using Handler = std::function<void(HttpRequest request, ServerExchange exchange)>;

  struct Stats {
    uint64_t connections_accepted = 0;
    uint64_t connections_rejected = 0;              // over max_connections, nothing to evict
    uint64_t connections_rejected_per_address = 0;  // over max_connections_per_address
    uint64_t connections_evicted = 0;               // closed to make room (fair accept)
    uint64_t connections_active = 0;
    uint64_t requests = 0;
    uint64_t bad_requests = 0;  // requests refused by the server itself (4xx/5xx)
    std::array<uint64_t, kHttp1ErrorCount> bad_requests_by_reason{};  // by Http1Error
    uint64_t expectation_failed = 0;                                  // 417
    uint64_t overloaded = 0;  // 503: over max_buffered_body_bytes
    uint64_t header_timeouts = 0;
    uint64_t idle_timeouts = 0;
    uint64_t body_timeouts = 0;
    uint64_t send_timeouts = 0;
    uint64_t internal_errors = 0;  // a handler threw (answered 500)
    uint64_t interim_responses = 0;
  };

  // Binds and starts accepting. Errors: kInvalidArgument (bad address),
  // kUnavailable (bind/listen failed).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Create(EventLoop& loop, Options options,
                                                            Handler handler);
  ~HttpServer();  // stops accepting; open connections finish on the loop
  uint16_t port() const;
  Stats stats() const;

  struct Impl;

 private:
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

enum class FetchError {
  kNone,
  kConnect,   // could not connect (refused, unreachable, connect timeout)
  kTimeout,   // no complete response within the response timeout
  kProtocol,  // the origin closed or sent something that is not valid HTTP/1.x
  kTooLarge,  // response header or body over the limits
  kRejected,  // refused locally before sending (e.g. circuit open)
};
std::string_view ToString(FetchError error);

struct FetchResult {
  FetchError error = FetchError::kNone;
  std::string error_message;  // for logs and 502 bodies
  HttpResponse response;      // valid when error == kNone
};

class HttpClient {
 public:
  struct Options {
    std::string host = "127.0.0.1";  // numeric address or resolvable name
    uint16_t port = 80;
    absl::Duration connect_timeout = absl::Seconds(5);
    absl::Duration response_timeout = absl::Seconds(30);
    // Response parsing limits; `limits.max_body_bytes` is the largest
    // response body accepted (a larger one fails with kTooLarge, before it is
    // read when its Content-Length says so).
    Http1Limits limits;
    size_t max_idle_connections = 64;
    absl::Duration max_idle_time = absl::Seconds(20);
  };
  using Callback = std::function<void(FetchResult)>;
  // Receives each 1xx interim response (not 100, not 101), in order, before
  // the final one, on a loop thread.
  using InterimCallback = std::function<void(HttpResponse)>;

  // Errors: kInvalidArgument when the host does not resolve.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(EventLoop& loop, Options options);
  ~HttpClient();

  // Sends `request` (its target in origin-form; `Host` is added if missing;
  // Content-Length is computed from the body) and calls `done` once, on a
  // loop thread. `response_timeout` overrides the option when non-zero.
  void Fetch(HttpRequest request, Callback done,
             absl::Duration response_timeout = absl::ZeroDuration(),
             InterimCallback interim = nullptr);

  // Controls a streamed fetch. Thread-safe; both calls may come from any
  // thread and after the fetch ended (then they do nothing).
  class StreamHandle {
   public:
    virtual ~StreamHandle() = default;
    // Reads again after OnBody returned false.
    virtual void Resume() = 0;
    // Abandons the fetch: the connection is closed and OnEnd(kRejected) is
    // called if the body had not ended.
    virtual void Cancel() = 0;
  };
  // A response whose body is delivered as it arrives (FetchStream), with
  // flow control: the origin is read only as fast as the sink takes it.
  class StreamSink {
   public:
    virtual ~StreamSink() = default;
    // The fetch's handle, before anything else is called (on the caller's
    // thread, inside FetchStream).
    virtual void OnStart(std::shared_ptr<StreamHandle> handle) { (void)handle; }
    // The final response's head (`head.response` without a body), or a
    // failure before it (`head.error` set: nothing else follows). A fetch
    // cancelled before its head gets no OnHead: OnEnd(kRejected) only.
    virtual void OnHead(FetchResult head) = 0;
    // The next body bytes (valid during the call). Return false to stop
    // reading until `Resume()` is called on the handle.
    virtual bool OnBody(std::string_view bytes) = 0;
    // The body ended: kNone when complete; otherwise it failed mid-body
    // (truncated, timed out, over the limit, cancelled).
    virtual void OnEnd(FetchError error, std::string message) = 0;
  };
  // Like Fetch, but the body streams to `sink` (on a loop thread, in order).
  // The response timeout bounds the wait for the head and then each wait for
  // body bytes while reading (not while paused by the sink).
  std::shared_ptr<StreamHandle> FetchStream(HttpRequest request, std::shared_ptr<StreamSink> sink,
                                            absl::Duration response_timeout = absl::ZeroDuration(),
                                            InterimCallback interim = nullptr);

  struct Stats {
    uint64_t requests = 0;
    uint64_t connections_opened = 0;
    uint64_t connections_reused = 0;
    uint64_t retries = 0;
    uint64_t errors = 0;
    uint64_t interim_responses = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  explicit HttpClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_NET_H_
