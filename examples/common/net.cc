// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: net.cc
// -----------------------------------------------------------------------------
// EventLoop, HttpServer and HttpClient over Boost.Beast / Boost.Asio. This is
// the only translation unit of the examples that includes Beast.

#include "net.h"

#include <signal.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace edgekit_examples {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using edgekit::http::EqualsIgnoreCase;

namespace {

std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  if (d > absl::Hours(24 * 365)) d = absl::Hours(24 * 365);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

std::string_view ToStd(beast::string_view s) { return std::string_view(s.data(), s.size()); }

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == beast::error_code(http::error::bad_method).category();
}

class AsioTimer final : public Timer, public std::enable_shared_from_this<AsioTimer> {
 public:
  explicit AsioTimer(net::any_io_executor ex) : timer_(ex) {}
  void Start(absl::Duration delay, std::function<void()> fn) {
    timer_.expires_after(ToChrono(delay));
    timer_.async_wait([self = shared_from_this(), fn = std::move(fn)](beast::error_code ec) {
      if (ec || self->cancelled_.load(std::memory_order_acquire)) return;
      fn();
    });
  }
  void Cancel() override {
    if (cancelled_.exchange(true)) return;
    // The timer object is only touched on its executor.
    net::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
  }

 private:
  net::steady_timer timer_;
  std::atomic<bool> cancelled_{false};
};

class AsioStrand final : public Strand {
 public:
  explicit AsioStrand(net::any_io_executor ex) : ex_(std::move(ex)) {}
  void Post(std::function<void()> fn) override { net::post(ex_, std::move(fn)); }
  std::shared_ptr<Timer> RunAfter(absl::Duration delay, std::function<void()> fn) override {
    auto t = std::make_shared<AsioTimer>(ex_);
    t->Start(delay, std::move(fn));
    return t;
  }

 private:
  net::any_io_executor ex_;
};

}  // namespace

// -----------------------------------------------------------------------------
// EventLoop
// -----------------------------------------------------------------------------

struct EventLoop::Impl {
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::mutex stop_mu;
  bool stopped = false;
};

EventLoop::EventLoop(int threads) : impl_(std::make_unique<Impl>()) {
  impl_->work.emplace(impl_->ioc.get_executor());
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    impl_->threads.emplace_back([this] {
      for (;;) {
        try {
          impl_->ioc.run();
          return;
        } catch (const std::exception& e) {
          // A handler threw: log and keep serving (never take the process down).
          std::fprintf(stderr, "event loop: unhandled exception: %s\n", e.what());
        }
      }
    });
  }
}

EventLoop::~EventLoop() { Stop(); }

void EventLoop::Stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->work.reset();
  impl_->ioc.stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

void EventLoop::Post(std::function<void()> fn) { net::post(impl_->ioc, std::move(fn)); }

std::shared_ptr<Timer> EventLoop::RunAfter(absl::Duration delay, std::function<void()> fn) {
  auto t = std::make_shared<AsioTimer>(net::make_strand(impl_->ioc));
  t->Start(delay, std::move(fn));
  return t;
}

std::shared_ptr<Strand> EventLoop::MakeStrand() {
  return std::make_shared<AsioStrand>(net::make_strand(impl_->ioc));
}

void EventLoop::WaitForSignal() {
  net::signal_set signals(impl_->ioc, SIGINT, SIGTERM);
  std::promise<int> got;
  signals.async_wait([&got](const beast::error_code&, int sig) { got.set_value(sig); });
  got.get_future().wait();
}

// -----------------------------------------------------------------------------
// ServerExchange
// -----------------------------------------------------------------------------

void ServerExchange::Respond(HttpResponse response) const {
  if (responded_->exchange(true)) return;
  sink_->Deliver(std::move(response));
}

namespace {
class DecoratingSink final : public ServerExchange::Sink {
 public:
  DecoratingSink(ServerExchange inner, std::function<void(HttpResponse&)> decorate)
      : inner_(std::move(inner)), decorate_(std::move(decorate)) {}
  void Deliver(HttpResponse response) override {
    if (decorate_) decorate_(response);
    inner_.Respond(std::move(response));
  }

 private:
  ServerExchange inner_;
  std::function<void(HttpResponse&)> decorate_;
};
}  // namespace

ServerExchange ServerExchange::WithDecorator(std::function<void(HttpResponse&)> decorate) const {
  return ServerExchange(std::make_shared<DecoratingSink>(*this, std::move(decorate)), strand_,
                        is_head_);
}

// -----------------------------------------------------------------------------
// HttpServer
// -----------------------------------------------------------------------------

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(net::io_context& c, Options o, Handler h)
      : ioc(c), acceptor(net::make_strand(c)), options(std::move(o)), handler(std::move(h)) {}

  void Accept();

  net::io_context& ioc;
  tcp::acceptor acceptor;
  const Options options;
  const Handler handler;
  std::atomic<bool> closing{false};
  std::atomic<uint64_t> accepted{0}, rejected{0}, active{0}, requests{0}, bad_requests{0};
  std::atomic<uint64_t> buffered{0};  // reserved request body bytes
};

namespace {

class Session final : public std::enable_shared_from_this<Session>, public ServerExchange::Sink {
 public:
  Session(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {
    strand_ = std::make_shared<AsioStrand>(stream_.get_executor());
    beast::error_code ec;
    const tcp::endpoint ep = stream_.socket().remote_endpoint(ec);
    if (!ec) peer_ = absl::StrCat(ep.address().to_string(), ":", ep.port());
    server_->active.fetch_add(1);
  }
  ~Session() override {
    Release();
    server_->active.fetch_sub(1);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(true); });
  }

  void Deliver(HttpResponse response) override {
    net::post(stream_.get_executor(),
              [self = shared_from_this(), r = std::move(response)]() mutable {
                self->Write(std::move(r));
              });
  }

 private:
  const HttpServer::Options& opts() const { return server_->options; }

  void ReadHeader(bool first) {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(opts().max_header_bytes));
    parser_->body_limit(opts().max_body_bytes);
    stream_.expires_after(ToChrono(first ? opts().header_timeout : opts().idle_timeout));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    if (const auto length = parser_->content_length(); length && *length > 0) {
      const uint64_t n = *length;
      if (server_->buffered.fetch_add(n) + n > opts().max_buffered_body_bytes) {
        server_->buffered.fetch_sub(n);
        return WriteError(503, "too many large request bodies in flight; retry later\n");
      }
      reserved_ = n;
    }
    auto& msg = parser_->get();
    auto expect = msg.find(http::field::expect);
    if (expect != msg.end() && !parser_->is_done()) {
      if (!EqualsIgnoreCase(ToStd(expect->value()), "100-continue")) {
        return WriteError(417, "unsupported expectation\n");
      }
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(ToChrono(opts().write_timeout));
      net::async_write(stream_, net::buffer(kContinue),
                       [self = shared_from_this()](beast::error_code wec, size_t) {
                         if (wec) return self->Close();
                         self->ReadBody();
                       });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    stream_.expires_after(ToChrono(opts().body_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->OnRequest();
                     });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) return WriteError(413, "request body too large\n");
    if (ec == http::error::header_limit) return WriteError(431, "request header too large\n");
    if (ec != http::error::end_of_stream && ec != http::error::partial_message &&
        IsHttpParseError(ec)) {
      return WriteError(400, absl::StrCat("bad request: ", ec.message(), "\n"));
    }
    Close();  // EOF, reset, timeout: nothing to answer
  }

  void WriteError(int status, std::string body) {
    server_->bad_requests.fetch_add(1);
    HttpResponse r = TextResponse(status, std::move(body));
    r.keep_alive = false;
    keep_alive_ = false;
    is_head_ = false;
    Write(std::move(r));
  }

  void OnRequest() {
    server_->requests.fetch_add(1);
    http::request<http::string_body> msg = parser_->release();
    HttpRequest req;
    req.method = std::string(ToStd(msg.method_string()));
    req.target = std::string(ToStd(msg.target()));
    req.version = msg.version();
    for (const auto& f : msg) req.headers.Add(ToStd(f.name_string()), ToStd(f.value()));
    req.body = std::move(msg.body());
    req.keep_alive = msg.keep_alive();
    req.peer = peer_;
    keep_alive_ = req.keep_alive;
    version_ = req.version;
    is_head_ = msg.method() == http::verb::head;
    ServerExchange exchange(shared_from_this(), strand_, is_head_);
    try {
      server_->handler(std::move(req), exchange);
    } catch (const std::exception& e) {
      exchange.Respond(TextResponse(500, absl::StrCat("internal error: ", e.what(), "\n")));
    }
  }

  // Gives back the request body's share of max_buffered_body_bytes.
  void Release() {
    if (reserved_ != 0) server_->buffered.fetch_sub(reserved_);
    reserved_ = 0;
  }

  void Write(HttpResponse r) {
    Release();
    res_.emplace();
    res_->version(11);
    int status = r.status;
    if (status < 100 || status > 999) status = 502;
    res_->result(static_cast<unsigned>(status));
    if (!r.reason.empty() && edgekit::http::IsValidFieldValue(r.reason)) {
      res_->reason(r.reason);
    } else {
      std::string_view reason = ReasonPhrase(status);
      res_->reason(reason.empty() ? "Unknown" : beast::string_view(reason.data(), reason.size()));
    }
    const bool no_content = status < 200 || status == 204 || status == 304 || is_head_;
    std::optional<std::string> passed_length;
    bool has_server = false;
    for (const auto& f : r.headers) {
      if (EqualsIgnoreCase(f.name, "Content-Length")) {
        if (no_content && status >= 200 && status != 204 && !passed_length) {
          passed_length = std::string(f.value);
        }
        continue;
      }
      if (EqualsIgnoreCase(f.name, "Transfer-Encoding") || EqualsIgnoreCase(f.name, "Connection") ||
          EqualsIgnoreCase(f.name, "Keep-Alive")) {
        continue;
      }
      if (!edgekit::http::IsToken(f.name) || !edgekit::http::IsValidFieldValue(f.value)) continue;
      if (EqualsIgnoreCase(f.name, "Server")) has_server = true;
      res_->insert(beast::string_view(f.name.data(), f.name.size()),
                   beast::string_view(f.value.data(), f.value.size()));
    }
    if (!has_server && !opts().server_name.empty()) {
      res_->set(http::field::server, opts().server_name);
    }
    if (no_content) {
      if (is_head_ && status >= 200 && status != 204 && status != 304 && !r.body.empty()) {
        res_->content_length(r.body.size());
      } else if (passed_length) {
        res_->set(http::field::content_length, *passed_length);
      }
    } else {
      res_->body() = std::move(r.body);
      res_->content_length(res_->body().size());
    }
    const bool keep = keep_alive_ && r.keep_alive && !server_->closing.load();
    res_->keep_alive(keep);
    if (keep && version_ == 10) res_->set(http::field::connection, "keep-alive");
    stream_.expires_after(ToChrono(opts().write_timeout));
    http::async_write(stream_, *res_,
                      [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                        self->res_.reset();
                        if (ec || !keep) return self->Close();
                        self->ReadHeader(false);
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  std::shared_ptr<HttpServer::Impl> server_;
  beast::tcp_stream stream_;
  std::shared_ptr<AsioStrand> strand_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> res_;
  std::string peer_;
  bool keep_alive_ = true;
  bool is_head_ = false;
  unsigned version_ = 11;
  uint64_t reserved_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (self->closing.load()) return;
                          if (ec) {
                            if (ec == net::error::operation_aborted) return;
                            // EMFILE and friends: back off a little instead of spinning.
                            auto t = std::make_shared<net::steady_timer>(
                                self->acceptor.get_executor(), std::chrono::milliseconds(50));
                            t->async_wait([self, t](beast::error_code) { self->Accept(); });
                            return;
                          }
                          if (self->active.load() >= self->options.max_connections) {
                            self->rejected.fetch_add(1);
                            beast::error_code ignored;
                            socket.close(ignored);
                          } else {
                            self->accepted.fetch_add(1);
                            beast::error_code ignored;
                            socket.set_option(tcp::no_delay(true), ignored);
                            std::make_shared<Session>(self, std::move(socket))->Start();
                          }
                          self->Accept();
                        });
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->closing.store(true);
  net::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(EventLoop& loop, Options options,
                                                               Handler handler) {
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen address: ", options.host));
  auto impl = std::make_shared<Impl>(loop.impl().ioc, std::move(options), std::move(handler));
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", impl->options.host, ":",
                                               impl->options.port, ": ", ec.message()));
  }
  net::dispatch(impl->acceptor.get_executor(), [impl] { impl->Accept(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  s.connections_accepted = impl_->accepted.load();
  s.connections_rejected = impl_->rejected.load();
  s.connections_active = impl_->active.load();
  s.requests = impl_->requests.load();
  s.bad_requests = impl_->bad_requests.load();
  return s;
}

// -----------------------------------------------------------------------------
// HttpClient
// -----------------------------------------------------------------------------

std::string_view ToString(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "none";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kProtocol:
      return "protocol";
    case FetchError::kTooLarge:
      return "too-large";
    case FetchError::kRejected:
      return "rejected";
  }
  return "unknown";
}

namespace {

struct Conn {
  explicit Conn(net::any_io_executor ex) : stream(std::move(ex)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
};

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(net::io_context& c, Options o) : ioc(c), options(std::move(o)) {}

  // An idle connection that still looks open, or null.
  std::unique_ptr<Conn> TakeIdle() {
    for (;;) {
      std::unique_ptr<Conn> conn;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (idle.empty()) return nullptr;
        conn = std::move(idle.back());
        idle.pop_back();
      }
      const auto now = std::chrono::steady_clock::now();
      if (now - conn->idle_since > ToChrono(options.max_idle_time)) continue;
      if (conn->buffer.size() != 0) continue;  // unsolicited bytes: unusable
      // A non-blocking peek tells a connection the origin closed (EOF or
      // error) from a live one (would block).
      auto& s = conn->stream.socket();
      beast::error_code ec;
      s.non_blocking(true, ec);
      char c;
      s.receive(net::buffer(&c, 1), tcp::socket::message_peek, ec);
      beast::error_code ignored;
      s.non_blocking(false, ignored);
      if (ec == net::error::would_block || ec == net::error::try_again) return conn;
    }
  }

  void ReturnIdle(std::unique_ptr<Conn> conn) {
    conn->idle_since = std::chrono::steady_clock::now();
    conn->stream.expires_never();
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() >= options.max_idle_connections) return;
    idle.push_back(std::move(conn));
  }

  net::io_context& ioc;
  const Options options;
  tcp::endpoint endpoint;
  std::string host_field;
  std::mutex mu;
  std::vector<std::unique_ptr<Conn>> idle;  // guarded by mu
  std::atomic<uint64_t> requests{0}, opened{0}, reused{0}, retries{0}, errors{0};
};

namespace {

class FetchOp final : public std::enable_shared_from_this<FetchOp> {
 public:
  FetchOp(std::shared_ptr<HttpClient::Impl> client, HttpRequest req, HttpClient::Callback done,
          absl::Duration timeout)
      : client_(std::move(client)), done_(std::move(done)), timeout_(timeout) {
    idempotent_ = IsIdempotentMethod(req.method);
    is_head_ = req.method == "HEAD";
    wire_.method_string(req.method);
    wire_.target(req.target);
    wire_.version(11);
    bool has_host = false;
    for (const auto& f : req.headers) {
      if (EqualsIgnoreCase(f.name, "Content-Length") ||
          EqualsIgnoreCase(f.name, "Transfer-Encoding") || EqualsIgnoreCase(f.name, "Connection")) {
        continue;
      }
      if (!edgekit::http::IsToken(f.name) || !edgekit::http::IsValidFieldValue(f.value)) continue;
      if (EqualsIgnoreCase(f.name, "Host")) has_host = true;
      wire_.insert(beast::string_view(f.name.data(), f.name.size()),
                   beast::string_view(f.value.data(), f.value.size()));
    }
    if (!has_host) wire_.set(http::field::host, client_->host_field);
    const bool body_expected =
        !req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    wire_.body() = std::move(req.body);
    if (body_expected) wire_.content_length(wire_.body().size());
    wire_.keep_alive(true);
  }

  void Start() {
    client_->requests.fetch_add(1);
    // Non-idempotent requests always go on a fresh connection: they cannot be
    // retried safely if a reused one turns out to be closed.
    if (idempotent_) conn_ = client_->TakeIdle();
    if (conn_) {
      reused_ = true;
      client_->reused.fetch_add(1);
      net::dispatch(conn_->stream.get_executor(), [self = shared_from_this()] { self->Send(); });
    } else {
      Connect();
    }
  }

 private:
  void Connect() {
    reused_ = false;
    conn_ = std::make_unique<Conn>(net::make_strand(client_->ioc));
    client_->opened.fetch_add(1);
    conn_->stream.expires_after(ToChrono(client_->options.connect_timeout));
    conn_->stream.async_connect(
        client_->endpoint, [self = shared_from_this()](beast::error_code ec) {
          if (ec) {
            return self->Fail(FetchError::kConnect,
                              absl::StrCat("cannot connect to origin: ", ec.message()));
          }
          beast::error_code ignored;
          self->conn_->stream.socket().set_option(tcp::no_delay(true), ignored);
          self->Send();
        });
  }

  void Send() {
    conn_->stream.expires_after(ToChrono(timeout_));
    http::async_write(conn_->stream, wire_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnIoError(ec);
                        self->Read();
                      });
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(client_->options.max_header_bytes));
    parser_->body_limit(client_->options.max_body_bytes);
    if (is_head_) parser_->skip(true);
    http::async_read(conn_->stream, conn_->buffer, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnIoError(ec);
                       self->OnResponse();
                     });
  }

  void OnIoError(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      return Fail(FetchError::kTimeout, "origin did not answer in time");
    }
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      return Fail(FetchError::kTooLarge, absl::StrCat("origin response too large: ", ec.message()));
    }
    const bool nothing_received = !parser_ || !parser_->got_some();
    if (reused_ && idempotent_ && !retried_ && nothing_received) {
      // The origin closed the idle connection as we reused it: once more on a
      // fresh one (RFC 9110 §9.2.2 allows retrying idempotent requests).
      retried_ = true;
      client_->retries.fetch_add(1);
      Discard();
      parser_.reset();
      return Connect();
    }
    Fail(FetchError::kProtocol, absl::StrCat("origin connection failed: ", ec.message()));
  }

  void OnResponse() {
    const unsigned status = parser_->get().result_int();
    if (status >= 100 && status < 200) {
      // Interim responses (100 Continue, 103 Early Hints) are not forwarded.
      if (status == 101 || ++interim_ > 8) {
        return Fail(FetchError::kProtocol, "origin switched protocols or sent too many 1xx");
      }
      return Read();
    }
    const bool keep = parser_->get().keep_alive() && !parser_->need_eof();
    http::response<http::string_body> msg = parser_->release();
    FetchResult result;
    result.response.status = static_cast<int>(status);
    result.response.reason = std::string(ToStd(msg.reason()));
    for (const auto& f : msg) {
      result.response.headers.Add(ToStd(f.name_string()), ToStd(f.value()));
    }
    result.response.body = std::move(msg.body());
    if (keep) {
      client_->ReturnIdle(std::move(conn_));
    } else {
      Discard();
    }
    Finish(std::move(result));
  }

  void Fail(FetchError error, std::string message) {
    client_->errors.fetch_add(1);
    Discard();
    FetchResult result;
    result.error = error;
    result.error_message = std::move(message);
    Finish(std::move(result));
  }

  void Discard() {
    if (!conn_) return;
    beast::error_code ec;
    conn_->stream.socket().close(ec);
    conn_.reset();
  }

  void Finish(FetchResult result) {
    HttpClient::Callback done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
  }

  std::shared_ptr<HttpClient::Impl> client_;
  HttpClient::Callback done_;
  absl::Duration timeout_;
  http::request<http::string_body> wire_;
  std::unique_ptr<Conn> conn_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool idempotent_ = false;
  bool is_head_ = false;
  bool reused_ = false;
  bool retried_ = false;
  int interim_ = 0;
};

}  // namespace

HttpClient::HttpClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(EventLoop& loop, Options options) {
  auto impl = std::make_shared<Impl>(loop.impl().ioc, std::move(options));
  beast::error_code ec;
  tcp::resolver resolver(loop.impl().ioc);
  auto results = resolver.resolve(impl->options.host, std::to_string(impl->options.port), ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve ", impl->options.host, ": ", ec.message()));
  }
  impl->endpoint = results.begin()->endpoint();
  const bool v6 = impl->options.host.find(':') != std::string::npos;
  impl->host_field = v6 ? absl::StrCat("[", impl->options.host, "]") : impl->options.host;
  if (impl->options.port != 80) absl::StrAppend(&impl->host_field, ":", impl->options.port);
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

void HttpClient::Fetch(HttpRequest request, Callback done, absl::Duration response_timeout) {
  if (response_timeout <= absl::ZeroDuration()) response_timeout = impl_->options.response_timeout;
  std::make_shared<FetchOp>(impl_, std::move(request), std::move(done), response_timeout)->Start();
}

HttpClient::Stats HttpClient::stats() const {
  Stats s;
  s.requests = impl_->requests.load();
  s.connections_opened = impl_->opened.load();
  s.connections_reused = impl_->reused.load();
  s.retries = impl_->retries.load();
  s.errors = impl_->errors.load();
  return s;
}

}  // namespace edgekit_examples
