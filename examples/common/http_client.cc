// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_client.cc
// -----------------------------------------------------------------------------
// HttpClient: requests to one origin over a keep-alive pool, responses through
// the strict parser (limits hold however the bytes arrive), 1xx forwarded.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "net_internal.h"

namespace edgekit_examples {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using edgekit::http::EqualsIgnoreCase;
using net_internal::Guarded;
using net_internal::ToChrono;
using SteadyClock = std::chrono::steady_clock;

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
      return "too_large";
    case FetchError::kRejected:
      return "rejected";
  }
  return "unknown";
}

namespace {

constexpr size_t kReadBufferSize = 16 * 1024;
constexpr int kMaxInterim = 8;

struct Conn {
  explicit Conn(asio::any_io_executor ex) : socket(std::move(ex)) {}
  tcp::socket socket;
  SteadyClock::time_point idle_since;
};

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  Impl(EventLoop::Impl& l, Options o) : loop(l), options(std::move(o)) {}

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
      if (SteadyClock::now() - conn->idle_since > ToChrono(options.max_idle_time)) continue;
      // A non-blocking peek tells a connection the origin closed (EOF or
      // error) or wrote to unasked (unusable) from a live one (would block).
      boost::system::error_code ec;
      conn->socket.non_blocking(true, ec);
      char c;
      conn->socket.receive(asio::buffer(&c, 1), tcp::socket::message_peek, ec);
      boost::system::error_code ignored;
      conn->socket.non_blocking(false, ignored);
      if (ec == asio::error::would_block || ec == asio::error::try_again) return conn;
    }
  }

  void ReturnIdle(std::unique_ptr<Conn> conn) {
    conn->idle_since = SteadyClock::now();
    std::lock_guard<std::mutex> lock(mu);
    if (idle.size() >= options.max_idle_connections) return;
    idle.push_back(std::move(conn));
  }

  EventLoop::Impl& loop;
  const Options options;
  tcp::endpoint endpoint;
  std::string host_field;
  std::mutex mu;
  std::vector<std::unique_ptr<Conn>> idle;  // guarded by mu
  std::atomic<uint64_t> requests{0}, opened{0}, reused{0}, retries{0}, errors{0}, interim{0};
};

namespace {

class FetchOp final : public std::enable_shared_from_this<FetchOp> {
 public:
  FetchOp(std::shared_ptr<HttpClient::Impl> client, HttpRequest req, HttpClient::Callback done,
          absl::Duration timeout, HttpClient::InterimCallback interim,
          std::shared_ptr<HttpClient::StreamSink> sink = nullptr)
      : client_(std::move(client)),
        done_(std::move(done)),
        interim_cb_(std::move(interim)),
        timeout_(timeout),
        sink_(std::move(sink)) {
    idempotent_ = IsIdempotentMethod(req.method);
    is_head_ = req.method == "HEAD";
    head_ = absl::StrCat(req.method, " ", req.target, " HTTP/1.1\r\n");
    bool has_host = false;
    for (const auto& f : req.headers) {
      if (EqualsIgnoreCase(f.name, "Content-Length") ||
          EqualsIgnoreCase(f.name, "Transfer-Encoding") || EqualsIgnoreCase(f.name, "Connection")) {
        continue;
      }
      if (!edgekit::http::IsToken(f.name) || !edgekit::http::IsValidFieldValue(f.value)) continue;
      if (EqualsIgnoreCase(f.name, "Host")) {
        if (has_host) continue;  // never send two
        has_host = true;
      }
      absl::StrAppend(&head_, edgekit::AbslView(f.name), ": ", edgekit::AbslView(f.value), "\r\n");
    }
    if (!has_host) absl::StrAppend(&head_, "Host: ", client_->host_field, "\r\n");
    const bool body_expected =
        !req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
    if (body_expected) absl::StrAppend(&head_, "Content-Length: ", req.body.size(), "\r\n");
    head_ += "\r\n";
    body_ = std::move(req.body);
  }

  void Start() {
    client_->requests.fetch_add(1);
    // Non-idempotent requests always go on a fresh connection: they cannot be
    // retried safely if a reused one turns out to be closed.
    if (idempotent_) conn_ = client_->TakeIdle();
    if (conn_) {
      reused_ = true;
      client_->reused.fetch_add(1);
      const asio::any_io_executor strand = conn_->socket.get_executor();
      timer_.emplace(strand);
      PublishStrand(strand);
      asio::dispatch(strand, [self = shared_from_this()] {
        Guarded(
            "origin request",
            [&] {
              if (!self->Abandoned()) self->Send();
            },
            [&] { self->Internal(); });
      });
    } else {
      Connect();
    }
  }

 private:
  enum class Wait { kNone, kConnect, kResponse };

  void Arm(SteadyClock::time_point deadline, Wait what) {
    waiting_ = what;
    timed_out_ = false;
    const uint64_t gen = ++timer_gen_;
    timer_->expires_at(deadline);
    timer_->async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
      if (ec || gen != self->timer_gen_ || !self->conn_) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->conn_->socket.cancel(ignored);
    });
  }

  // A cancel (StreamControl, posted to the strand) may run between an
  // operation (connect, write, read) completing and its handler: then the
  // connection is gone and the sink has been told, and the handler returns.
  bool Abandoned() const { return cancelled_ || !conn_; }

  // Makes `strand` (the op's connection's) the one stream controls post to,
  // posting first a cancel that came before there was one: it then runs
  // before the op's first step, which finds the op abandoned and sends
  // nothing. Start/Connect call it once the op's state is set up and then
  // only dispatch that first step: from here the state belongs to the strand.
  void PublishStrand(const asio::any_io_executor& strand) {
    std::lock_guard<std::mutex> lock(executor_mu_);
    executor_ = strand;
    if (std::exchange(cancel_requested_, false)) {
      asio::post(strand, [self = shared_from_this()] {
        Guarded(
            "origin stream control", [&] { self->CancelOnStrand(); }, [] {});
      });
    }
  }

  void Disarm() {
    ++timer_gen_;
    if (timer_) timer_->cancel();
  }

  // A new connection on `strand`, or (the first one) on a new strand of the
  // calling loop thread's context: the origin connection lives on the thread
  // of the request it serves. A retry keeps the op's strand, so a stream
  // control posted to it still reaches the op.
  void Connect(std::optional<asio::any_io_executor> strand = std::nullopt) {
    reused_ = false;
    if (!strand) strand = asio::make_strand(client_->loop.Current());
    conn_ = std::make_unique<Conn>(*strand);
    timer_.emplace(*strand);
    client_->opened.fetch_add(1);
    PublishStrand(*strand);
    asio::dispatch(*strand, [self = shared_from_this()] {
      if (self->Abandoned()) return;  // cancelled before the connect began
      self->Arm(SteadyClock::now() + ToChrono(self->client_->options.connect_timeout),
                Wait::kConnect);
      self->conn_->socket.async_connect(
          self->client_->endpoint, [self](boost::system::error_code ec) {
            Guarded(
                "origin connect",
                [&] {
                  if (self->Abandoned()) return;
                  if (ec) {
                    return self->Fail(FetchError::kConnect,
                                      self->timed_out_ ? std::string("connect timeout")
                                                       : absl::StrCat("cannot connect to origin: ",
                                                                      ec.message()));
                  }
                  boost::system::error_code ignored;
                  self->conn_->socket.set_option(tcp::no_delay(true), ignored);
                  self->Send();
                },
                [&] { self->Internal(); });
          });
    });
  }

  void Send() {
    // The response timeout runs from the first byte sent to the last received.
    deadline_ = SteadyClock::now() + ToChrono(timeout_);
    Arm(deadline_, Wait::kResponse);
    const std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_), asio::buffer(body_)};
    asio::async_write(
        conn_->socket, buffers, [self = shared_from_this()](boost::system::error_code ec, size_t) {
          Guarded(
              "origin send",
              [&] {
                if (self->Abandoned()) return;
                if (ec) return self->OnIoError(ec);
                self->parser_.emplace(Http1Parser::Mode::kResponse, self->client_->options.limits);
                self->parser_->set_head_request(self->is_head_);
                self->Read();
              },
              [&] { self->Internal(); });
        });
  }

  void Read() {
    if (!buf_) buf_ = std::make_unique<char[]>(kReadBufferSize);
    conn_->socket.async_read_some(
        asio::buffer(buf_.get(), kReadBufferSize),
        [self = shared_from_this()](boost::system::error_code ec, size_t n) {
          Guarded(
              "origin response", [&] { self->OnRead(ec, n); }, [&] { self->Internal(); });
        });
  }

  void OnRead(boost::system::error_code ec, size_t n) {
    if (Abandoned()) return;  // the bytes are not ours to parse any more
    if (ec == asio::error::eof) {
      const Http1Parser::Event e = parser_->Finish();
      if (e == Http1Parser::Event::kDone && have_final_) return OnResponse(false);
      if (e == Http1Parser::Event::kError) return ParseError(parser_->error());
      return OnIoError(ec);  // closed before a response began
    }
    if (ec) return OnIoError(ec);
    got_some_ = true;
    Pump(std::string_view(buf_.get(), n));
  }

  void Pump(std::string_view in) {
    for (;;) {
      size_t used = 0;
      const Http1Parser::Event e = parser_->Parse(in, &used);
      in.remove_prefix(used);
      switch (e) {
        case Http1Parser::Event::kHead: {
          Http1Head h = parser_->TakeHead();
          if (h.status < 200) {
            if (h.status == 101) {
              return Fail(FetchError::kProtocol, "origin switched protocols (101)");
            }
            if (++interims_ > kMaxInterim) {
              return Fail(FetchError::kProtocol, "origin sent too many 1xx responses");
            }
            in_interim_ = true;
            if (h.status != 100 && interim_cb_) {
              // RFC 9110 §15.2: a proxy forwards 1xx responses it did not ask for.
              client_->interim.fetch_add(1);
              HttpResponse r;
              r.status = h.status;
              r.reason = std::move(h.reason);
              r.headers = std::move(h.headers);
              interim_cb_(std::move(r));
            }
            continue;
          }
          final_ = std::move(h);
          have_final_ = true;
          if (sink_) {
            // Stream mode: the head goes out now; the timeout becomes a
            // per-read one (a long body may take longer than it in total).
            FetchResult head;
            head.response.status = final_.status;
            head.response.reason = final_.reason;
            head.response.headers = std::move(final_.headers);
            head_sent_ = true;
            sink_->OnHead(std::move(head));
            if (cancelled_) return;
          }
          continue;
        }
        case Http1Parser::Event::kBody:
          if (!sink_) {
            body_in_.append(parser_->body().data(), parser_->body().size());
            continue;
          }
          if (in_interim_) continue;
          if (!sink_->OnBody(parser_->body())) {
            // The sink is full: stop reading (and the read timeout) until
            // Resume(), keeping the rest of this read.
            paused_ = true;
            rest_ = in;
            Disarm();
            return;
          }
          continue;
        case Http1Parser::Event::kDone:
          if (in_interim_) {
            in_interim_ = false;
            continue;
          }
          return OnResponse(!in.empty());
        case Http1Parser::Event::kError:
          return ParseError(parser_->error());
        case Http1Parser::Event::kNeedMore:
          if (sink_ && head_sent_) Arm(SteadyClock::now() + ToChrono(timeout_), Wait::kResponse);
          return Read();
      }
    }
  }

  void ParseError(Http1Error e) {
    switch (e) {
      case Http1Error::kBodyTooLarge:
      case Http1Error::kHeaderTooLarge:
      case Http1Error::kTooManyFields:
      case Http1Error::kTrailerTooLarge:
      case Http1Error::kStartLineTooLong:
        return Fail(FetchError::kTooLarge, absl::StrCat("origin response too large (",
                                                        edgekit::AbslView(ToString(e)), ")"));
      case Http1Error::kTruncated:
        return Fail(FetchError::kProtocol, "origin closed the connection mid-response");
      default:
        return Fail(FetchError::kProtocol,
                    absl::StrCat("invalid origin response (", edgekit::AbslView(ToString(e)), ")"));
    }
  }

  void OnIoError(boost::system::error_code ec) {
    if (timed_out_) return Fail(FetchError::kTimeout, "origin did not answer in time");
    if (reused_ && idempotent_ && !retried_ && !got_some_) {
      // The origin closed the idle connection as we reused it: once more on a
      // fresh one (RFC 9110 §9.2.2 allows retrying idempotent requests).
      retried_ = true;
      client_->retries.fetch_add(1);
      Disarm();  // a late wake-up of this connection's timer must not touch the next one
      const asio::any_io_executor strand = conn_->socket.get_executor();
      Discard();
      return Connect(strand);
    }
    if (ec == asio::error::eof && !got_some_) {
      return Fail(FetchError::kProtocol, "origin closed the connection without a response");
    }
    Fail(FetchError::kProtocol, absl::StrCat("origin connection failed: ", ec.message()));
  }

  void OnResponse(bool leftover) {
    Disarm();
    if (sink_) {
      if (final_.keep_alive && !leftover) {
        client_->ReturnIdle(std::move(conn_));
      } else {
        Discard();
      }
      buf_.reset();
      return End(FetchError::kNone, std::string());
    }
    FetchResult result;
    result.response.status = final_.status;
    result.response.reason = std::move(final_.reason);
    result.response.headers = std::move(final_.headers);
    result.response.body = std::move(body_in_);
    // Reuse only a connection that is exactly at a message boundary.
    if (final_.keep_alive && !leftover) {
      client_->ReturnIdle(std::move(conn_));
    } else {
      Discard();
    }
    buf_.reset();
    Finish(std::move(result));
  }

  void Internal() { Fail(FetchError::kProtocol, "internal error while talking to the origin"); }

  void Fail(FetchError error, std::string message) {
    client_->errors.fetch_add(1);
    Disarm();
    Discard();
    FetchResult result;
    result.error = error;
    result.error_message = std::move(message);
    Finish(std::move(result));
  }

  void Discard() {
    if (!conn_) return;
    boost::system::error_code ec;
    conn_->socket.close(ec);
    conn_.reset();
  }

  void Finish(FetchResult result) {
    if (sink_) {
      // A failure: before the head it is the head's outcome, after it the
      // body's.
      if (!head_sent_) {
        head_sent_ = true;
        ended_ = true;
        std::shared_ptr<HttpClient::StreamSink> sink = std::move(sink_);
        sink->OnHead(std::move(result));
        return;
      }
      return End(result.error, std::move(result.error_message));
    }
    HttpClient::Callback done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(result));
  }

  void End(FetchError error, std::string message) {
    if (ended_) return;
    ended_ = true;
    std::shared_ptr<HttpClient::StreamSink> sink = std::move(sink_);
    if (sink) sink->OnEnd(error, std::move(message));
  }

 public:
  // StreamHandle, through StreamControl (on the connection's strand).
  void ResumeOnStrand() {
    if (!paused_ || ended_ || !conn_) return;
    paused_ = false;
    const std::string_view rest = rest_;
    rest_ = {};
    Pump(rest);
  }
  void CancelOnStrand() {
    if (ended_) return;
    cancelled_ = true;
    paused_ = false;
    Disarm();
    Discard();
    End(FetchError::kRejected, "cancelled");
  }
  // For StreamControl, on any thread: posts `task` to the op's strand. Before
  // the op has one (a control called from OnStart, or while Start runs), a
  // cancel is kept for PublishStrand to post, and a resume is dropped (there
  // is nothing to resume yet).
  template <class Task>
  void PostControl(Task task, bool is_cancel) {
    std::lock_guard<std::mutex> lock(executor_mu_);
    if (executor_) {
      asio::post(*executor_, std::move(task));
    } else if (is_cancel) {
      cancel_requested_ = true;
    }
  }

 private:
  std::shared_ptr<HttpClient::Impl> client_;
  HttpClient::Callback done_;
  HttpClient::InterimCallback interim_cb_;
  absl::Duration timeout_;
  std::string head_;
  std::string body_;
  std::unique_ptr<Conn> conn_;
  std::optional<asio::steady_timer> timer_;
  std::atomic<uint64_t> timer_gen_{0};  // read by timer handlers of a previous connection
  Wait waiting_ = Wait::kNone;
  bool timed_out_ = false;
  SteadyClock::time_point deadline_;
  std::unique_ptr<char[]> buf_;
  std::optional<Http1Parser> parser_;
  Http1Head final_;
  bool have_final_ = false;
  bool in_interim_ = false;
  std::string body_in_;
  std::shared_ptr<HttpClient::StreamSink> sink_;  // stream mode
  bool head_sent_ = false;
  bool ended_ = false;
  bool paused_ = false;
  bool cancelled_ = false;
  std::string_view rest_;  // unparsed bytes of buf_ while paused
  mutable std::mutex executor_mu_;
  std::optional<asio::any_io_executor> executor_;  // guarded by executor_mu_
  bool cancel_requested_ = false;                  // guarded by executor_mu_
  int interims_ = 0;
  bool idempotent_ = false;
  bool is_head_ = false;
  bool reused_ = false;
  bool retried_ = false;
  bool got_some_ = false;
};

}  // namespace

HttpClient::HttpClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(EventLoop& loop, Options options) {
  auto impl = std::make_shared<Impl>(loop.impl(), std::move(options));
  boost::system::error_code ec;
  tcp::resolver resolver(*loop.impl().iocs.front());
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

void HttpClient::Fetch(HttpRequest request, Callback done, absl::Duration response_timeout,
                       InterimCallback interim) {
  if (response_timeout <= absl::ZeroDuration()) response_timeout = impl_->options.response_timeout;
  std::make_shared<FetchOp>(impl_, std::move(request), std::move(done), response_timeout,
                            std::move(interim))
      ->Start();
}

namespace {

// The StreamHandle of a FetchOp: hops to its connection's strand.
class StreamControl final : public HttpClient::StreamHandle {
 public:
  explicit StreamControl(std::shared_ptr<FetchOp> op) : op_(std::move(op)) {}
  void Resume() override {
    Run([](FetchOp& op) { op.ResumeOnStrand(); }, /*is_cancel=*/false);
  }
  void Cancel() override {
    Run([](FetchOp& op) { op.CancelOnStrand(); }, /*is_cancel=*/true);
  }

 private:
  // The op's state belongs to its connection's strand.
  template <class Fn>
  void Run(Fn fn, bool is_cancel) {
    std::shared_ptr<FetchOp> op = op_;
    op_->PostControl(
        [op, fn] {
          Guarded(
              "origin stream control", [&] { fn(*op); }, [] {});
        },
        is_cancel);
  }
  // Strong: a paused fetch has no pending operation to keep it alive. The
  // cycle op → sink → handle → op ends when the op ends (it lets go of its
  // sink then).
  std::shared_ptr<FetchOp> op_;
};

}  // namespace

std::shared_ptr<HttpClient::StreamHandle> HttpClient::FetchStream(HttpRequest request,
                                                                  std::shared_ptr<StreamSink> sink,
                                                                  absl::Duration response_timeout,
                                                                  InterimCallback interim) {
  if (response_timeout <= absl::ZeroDuration()) response_timeout = impl_->options.response_timeout;
  StreamSink* const sink_for_start = sink.get();
  auto op = std::make_shared<FetchOp>(impl_, std::move(request), nullptr, response_timeout,
                                      std::move(interim), std::move(sink));
  auto handle = std::make_shared<StreamControl>(op);
  sink_for_start->OnStart(handle);
  op->Start();
  return handle;
}

HttpClient::Stats HttpClient::stats() const {
  Stats s;
  s.requests = impl_->requests.load();
  s.connections_opened = impl_->opened.load();
  s.connections_reused = impl_->reused.load();
  s.retries = impl_->retries.load();
  s.errors = impl_->errors.load();
  s.interim_responses = impl_->interim.load();
  return s;
}

}  // namespace edgekit_examples
