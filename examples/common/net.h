// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: net.h
// -----------------------------------------------------------------------------
// A small asynchronous HTTP/1.1 layer for the example programs, built on
// Boost.Beast / Boost.Asio (the only translation unit that includes them is
// net.cc):
//
//   * `EventLoop`: an io_context run by N threads, with Post / RunAfter.
//   * `HttpServer`: accepts connections on one address, reads requests (any
//     method token, keep-alive, pipelining, 100-continue), hands each one to
//     an asynchronous handler and writes its response. Bounded: connections,
//     header bytes, body bytes; timeouts on idle, header, body and write.
//   * `HttpClient`: sends requests to one origin over a pool of keep-alive
//     connections, with connect and response timeouts and a body limit; a
//     request on a reused connection that the origin had closed is retried
//     once on a fresh connection when the method is idempotent.
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

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// What a handler gets with each request: the way to answer it.
class ServerExchange {
 public:
  // Sends `response` (exactly once; later calls are ignored). May be called
  // from any thread.
  void Respond(HttpResponse response) const;
  // The connection's strand: work posted here is serialized with this
  // exchange's other callbacks.
  Strand& strand() const { return *strand_; }
  // True when the request was HEAD (the response body is not sent).
  bool is_head() const { return is_head_; }
  // An exchange answering the same request that first lets `decorate` edit
  // the response (e.g. add fields), then responds through this one.
  ServerExchange WithDecorator(std::function<void(HttpResponse&)> decorate) const;

  struct Sink {
    virtual ~Sink() = default;
    virtual void Deliver(HttpResponse response) = 0;
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
    size_t max_connections = 4096;
    size_t max_header_bytes = 64 * 1024;
    size_t max_body_bytes = size_t{64} << 20;
    // Request bodies announced by Content-Length that may be buffered at once
    // across all connections; beyond it a request gets 503 (chunked bodies
    // are bounded per request by max_body_bytes only).
    size_t max_buffered_body_bytes = size_t{1} << 30;
    absl::Duration idle_timeout = absl::Seconds(60);    // between requests
    absl::Duration header_timeout = absl::Seconds(30);  // first byte → end of header
    absl::Duration body_timeout = absl::Seconds(60);
    absl::Duration write_timeout = absl::Seconds(60);
    // Added as `Server` to responses that have none (empty: no field).
    std::string server_name;
  };
  // Called on a loop thread for each request; must eventually call
  // exchange.Respond().
  using Handler = std::function<void(HttpRequest request, ServerExchange exchange)>;

  struct Stats {
    uint64_t connections_accepted = 0;
    uint64_t connections_rejected = 0;  // over max_connections
    uint64_t connections_active = 0;
    uint64_t requests = 0;
    uint64_t bad_requests = 0;  // 400 / 413 / 431 written by the server itself
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
  kProtocol,  // the origin closed or sent something that is not HTTP/1.x
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
    size_t max_header_bytes = 64 * 1024;
    size_t max_body_bytes = size_t{64} << 20;
    size_t max_idle_connections = 64;
    absl::Duration max_idle_time = absl::Seconds(20);
  };
  using Callback = std::function<void(FetchResult)>;

  // Errors: kInvalidArgument when the host does not resolve.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(EventLoop& loop, Options options);
  ~HttpClient();

  // Sends `request` (its target in origin-form; `Host` is added if missing;
  // Content-Length is computed from the body) and calls `done` once, on a
  // loop thread. `response_timeout` overrides the option when non-zero.
  void Fetch(HttpRequest request, Callback done,
             absl::Duration response_timeout = absl::ZeroDuration());

  struct Stats {
    uint64_t requests = 0;
    uint64_t connections_opened = 0;
    uint64_t connections_reused = 0;
    uint64_t retries = 0;
    uint64_t errors = 0;
  };
  Stats stats() const;

  struct Impl;

 private:
  explicit HttpClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_NET_H_
