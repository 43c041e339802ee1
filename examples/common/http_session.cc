// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_session.cc
// -----------------------------------------------------------------------------
// Session: the HTTP exchange on one connection of an HttpServer. Requests go
// through the strict parser with bounded buffers and deadlines (header, body,
// idle, send); responses, interim ones and streamed bodies are written in
// order; a closing connection lingers so the client sees its response.
//
// A connection reads into a per-thread buffer and parses it at once; only
// bytes of a following (pipelined) request are kept, at most one read. It
// tells the server's registry (http_server.cc) when it moves between idle,
// reading and busy, and leaves it when it closes.

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "http_server_internal.h"

namespace edgekit_examples {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using net_internal::AsioStrand;
using net_internal::Guarded;
using net_internal::ToChrono;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr size_t kReadBufferSize = 16 * 1024;
constexpr size_t kMaxInterimPerRequest = 8;
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 256 * 1024;

// One read buffer per loop thread: a connection parses what it read before
// its handler returns and keeps only the bytes of a pipelined request.
char* ReadBuffer() {
  thread_local std::array<char, kReadBufferSize> buffer;
  return buffer.data();
}

class Session final : public std::enable_shared_from_this<Session>,
                      public HttpServer::Impl::Connection,
                      public ServerExchange::Sink {
 public:
  Session(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket, std::string address,
          std::string peer)
      : Connection(std::move(address)),
        server_(std::move(server)),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        parser_(Http1Parser::Mode::kRequest, server_->options.limits),
        peer_(std::move(peer)) {
    strand_ = std::make_shared<AsioStrand>(socket_.get_executor());
  }
  ~Session() override {
    ReleaseBuffered();
    server_->Unregister(*this);
  }

  void Start() override {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->socket_.set_option(tcp::no_delay(true), ignored);
      self->socket_.non_blocking(true, ignored);
      self->phase_ = Phase::kReading;
      self->header_deadline_ = SteadyClock::now() + ToChrono(self->opts().header_timeout);
      self->DoRead();
    });
  }

  void Evict() override {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
  }

  void Deliver(HttpResponse response) override {
    asio::post(
        socket_.get_executor(), [self = shared_from_this(), r = std::move(response)]() mutable {
          Guarded(
              "write response", [&] { self->WriteFinal(std::move(r)); }, [&] { self->Close(); });
        });
  }

  void DeliverInterim(HttpResponse interim) override {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), r = std::move(interim)]() mutable {
                 Guarded(
                     "write interim response", [&] { self->WriteInterim(std::move(r)); },
                     [&] { self->Close(); });
               });
  }

 private:
  enum class Phase { kIdle, kReading, kHandling, kLingering, kClosed };
  enum class Timeout { kNone, kIdle, kHeader, kBody, kSend, kLinger };
  enum class Step { kContinue, kPause, kStop };

  struct Outgoing {
    std::string head;
    HttpResponse response;  // keeps the body alive while it is written
    bool send_body = false;
    bool final = false;
    bool keep = false;
    // A streamed body (response.stream), after the head: the piece being
    // written, framed when chunked; `waiting` while the stream is pending.
    bool streaming = false;
    bool chunked = false;
    bool waiting = false;    // a wake-up is registered with the stream
    bool woken = false;      // ... and came while a write was in flight
    bool head_only = false;  // the head is written alone (the stream was pending)
    bool ending = false;     // the last write (last-chunk, or the head of an empty body)
    std::string frame;       // [head] [chunk-size line | last-chunk]
    std::vector<std::string_view> pieces;  // the stream's, valid until its next call
    size_t pieces_size = 0;
    uint64_t streamed = 0;
  };

  const HttpServer::Options& opts() const { return server_->options; }

  // --- timers ---------------------------------------------------------------

  void ArmTimer(SteadyClock::time_point deadline, Timeout kind) {
    timeout_kind_ = kind;
    timed_out_ = Timeout::kNone;
    const uint64_t gen = ++timer_gen_;
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
      if (ec || gen != self->timer_gen_) return;
      self->timed_out_ = self->timeout_kind_;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);  // the pending operation completes with an error
    });
  }

  void DisarmTimer() {
    ++timer_gen_;
    timer_.cancel();
  }

  // --- reading --------------------------------------------------------------

  void DoRead() {
    switch (phase_) {
      case Phase::kIdle:
        ArmTimer(SteadyClock::now() + ToChrono(opts().idle_timeout), Timeout::kIdle);
        break;
      case Phase::kReading:
        if (parser_.in_body()) {
          ArmTimer(SteadyClock::now() + ToChrono(opts().body_timeout), Timeout::kBody);
        } else {
          ArmTimer(header_deadline_, Timeout::kHeader);
        }
        break;
      case Phase::kLingering:
        break;  // its timer runs from the start of the linger
      default:
        return;
    }
    socket_.async_wait(tcp::socket::wait_read,
                       [self = shared_from_this()](boost::system::error_code ec) {
                         Guarded(
                             "read request", [&] { self->OnReadable(ec); },
                             [&] {
                               self->server_->internal_errors.fetch_add(1);
                               self->Close();
                             });
                       });
  }

  void OnReadable(boost::system::error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec) return OnReadFailed();
    char* buf = ReadBuffer();
    boost::system::error_code rec;
    const size_t n = socket_.read_some(asio::buffer(buf, kReadBufferSize), rec);
    if (rec == asio::error::would_block || rec == asio::error::try_again) return DoRead();
    if (phase_ == Phase::kLingering) {
      lingered_ += n;
      if (rec || lingered_ > kLingerBytes) return Close();
      return DoRead();
    }
    if (rec) return Close();  // EOF or reset: nothing to answer
    if (phase_ == Phase::kIdle) {
      phase_ = Phase::kReading;
      header_deadline_ = SteadyClock::now() + ToChrono(opts().header_timeout);
      server_->Move(*this, HttpServer::Impl::kReading);
    }
    Pump(std::string_view(buf, n));
  }

  void OnReadFailed() {
    switch (timed_out_) {
      case Timeout::kIdle:
        server_->idle_timeouts.fetch_add(1);
        return Close();
      case Timeout::kHeader:
        server_->header_timeouts.fetch_add(1);
        // §9.5 of RFC 9112: a server may close after 408; nothing to say to
        // a connection that never started a request.
        if (!parser_.in_message()) return Close();
        return WriteError(408, "request header not received in time\n");
      case Timeout::kBody:
        server_->body_timeouts.fetch_add(1);
        return WriteError(408, "request body not received in time\n");
      default:
        return Close();
    }
  }

  void Pump(std::string_view in) {
    for (;;) {
      size_t used = 0;
      const Http1Parser::Event ev = parser_.Parse(in, &used);
      in.remove_prefix(used);
      switch (ev) {
        case Http1Parser::Event::kHead: {
          const Step s = OnHead(in);
          if (s == Step::kContinue) continue;
          if (s == Step::kPause) pending_.assign(in.data(), in.size());
          return;
        }
        case Http1Parser::Event::kBody:
          if (!OnBody(parser_.body())) return;
          continue;
        case Http1Parser::Event::kDone:
          pending_.assign(in.data(), in.size());
          return OnRequest();
        case Http1Parser::Event::kError:
          return BadRequest(parser_.error());
        case Http1Parser::Event::kNeedMore:
          return DoRead();
      }
    }
  }

  // Parses the bytes kept from an earlier read (pipelining, 100-continue).
  void Resume() {
    std::string in = std::move(pending_);
    pending_.clear();
    if (in.empty()) return DoRead();
    Pump(in);
  }

  Step OnHead(std::string_view rest) {
    head_ = parser_.TakeHead();
    body_.clear();
    if (head_.expect_other) {
      server_->expectation_failed.fetch_add(1);
      WriteError(417, "unsupported expectation\n");
      return Step::kStop;
    }
    if (head_.framing == Http1Head::Framing::kLength && !Reserve(head_.content_length)) {
      return Step::kStop;
    }
    if (head_.expect_continue && head_.framing != Http1Head::Framing::kNone && rest.empty()) {
      // RFC 9110 §10.1.1: ask for the body the client is waiting to send.
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      ArmTimer(SteadyClock::now() + ToChrono(opts().send_timeout), Timeout::kSend);
      asio::async_write(socket_, asio::buffer(kContinue),
                        [self = shared_from_this()](boost::system::error_code ec, size_t) {
                          self->DisarmTimer();
                          if (ec) return self->Close();
                          Guarded(
                              "read request body", [&] { self->Resume(); }, [&] { self->Close(); });
                        });
      return Step::kPause;
    }
    return Step::kContinue;
  }

  bool OnBody(std::string_view data) {
    // Chunked bodies count against the shared budget as they arrive.
    if (head_.framing == Http1Head::Framing::kChunked && !Reserve(data.size())) return false;
    body_.append(data.data(), data.size());
    return true;
  }

  // Reserves `n` bytes of max_buffered_body_bytes; on failure answers 503.
  bool Reserve(uint64_t n) {
    if (n == 0) return true;
    if (server_->buffered.fetch_add(n) + n > opts().max_buffered_body_bytes) {
      server_->buffered.fetch_sub(n);
      server_->overloaded.fetch_add(1);
      WriteError(503, "too many large request bodies in flight; retry later\n");
      return false;
    }
    reserved_ += n;
    return true;
  }

  void ReleaseBuffered() {
    if (reserved_ != 0) server_->buffered.fetch_sub(reserved_);
    reserved_ = 0;
  }

  void BadRequest(Http1Error e) {
    server_->bad_by_reason[static_cast<size_t>(e)].fetch_add(1);
    const int status = StatusFor(e);
    if (status == 0) return Close();  // truncated: the client is gone
    WriteError(status, absl::StrCat("bad request: ", edgekit::AbslView(ToString(e)), "\n"));
  }

  void OnRequest() {
    phase_ = Phase::kHandling;
    DisarmTimer();
    server_->Move(*this, HttpServer::Impl::kBusy);
    server_->requests.fetch_add(1);
    HttpRequest req;
    req.method = std::move(head_.method);
    req.target = std::move(head_.target);
    req.version = head_.version;
    req.headers = std::move(head_.headers);
    req.body = std::move(body_);
    body_ = std::string();
    req.keep_alive = head_.keep_alive;
    req.peer = peer_;
    req.peer_address = address();
    keep_alive_ = head_.keep_alive;
    version_ = head_.version;
    is_head_ = req.method == "HEAD";
    interims_ = 0;
    final_queued_ = false;
    ServerExchange exchange(shared_from_this(), strand_, is_head_);
    Guarded(
        "request handler", [&] { server_->handler(std::move(req), exchange); },
        [&] {
          server_->internal_errors.fetch_add(1);
          HttpResponse r = TextResponse(500, "internal error\n");
          r.keep_alive = false;
          exchange.Respond(std::move(r));
        });
  }

  // --- writing --------------------------------------------------------------

  void WriteInterim(HttpResponse r) {
    if (phase_ != Phase::kHandling || final_queued_ || version_ < 11) return;
    if (r.status < 102 || r.status > 199 || interims_ >= kMaxInterimPerRequest) return;
    ++interims_;
    server_->interim.fetch_add(1);
    Outgoing out;
    out.head = net_internal::SerializeResponseHead(r, false, version_, true, "", &out.send_body);
    Enqueue(std::move(out));
  }

  void WriteFinal(HttpResponse r) {
    if (phase_ != Phase::kHandling || final_queued_) return;
    final_queued_ = true;
    Outgoing out;
    out.final = true;
    out.keep = keep_alive_ && r.keep_alive && !server_->closing.load();
    if (r.stream && !r.stream->length() && version_ < 11 && !is_head_) out.keep = false;
    out.head = net_internal::SerializeResponseHead(r, is_head_, version_, out.keep,
                                                   opts().server_name, &out.send_body);
    out.chunked = out.send_body && r.stream && !r.stream->length() && version_ >= 11;
    // A streamed body's first piece goes out in the head's write.
    out.streaming = out.send_body && r.stream != nullptr;
    out.response = std::move(r);
    Enqueue(std::move(out));
  }

  void WriteError(int status, std::string text) {
    server_->bad_requests.fetch_add(1);
    DisarmTimer();
    phase_ = Phase::kHandling;
    server_->Move(*this, HttpServer::Impl::kBusy);
    keep_alive_ = false;
    is_head_ = false;
    final_queued_ = false;
    HttpResponse r = TextResponse(status, std::move(text));
    r.keep_alive = false;
    WriteFinal(std::move(r));
  }

  void Enqueue(Outgoing out) {
    queue_.push_back(std::move(out));
    if (!writing_) WriteNext();
  }

  void WriteNext() {
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
    writing_ = true;
    written_ = 0;
    if (queue_.front().streaming) return PullStream();
    WriteSome();
  }

  void WriteSome() {
    const Outgoing& out = queue_.front();
    if (out.streaming) return WriteStreamSome();
    const std::string_view body = out.send_body ? out.response.BodyView() : std::string_view();
    std::array<asio::const_buffer, 2> buffers;  // an unused second buffer stays empty
    if (written_ < out.head.size()) {
      buffers[0] = asio::buffer(out.head.data() + written_, out.head.size() - written_);
      buffers[1] = asio::buffer(body.data(), body.size());
    } else {
      const size_t done = written_ - out.head.size();
      buffers[0] = asio::buffer(body.data() + done, body.size() - done);
    }
    // A send timeout, reset by every write that makes progress.
    ArmTimer(SteadyClock::now() + ToChrono(opts().send_timeout), Timeout::kSend);
    socket_.async_write_some(
        buffers, [self = shared_from_this()](boost::system::error_code ec, size_t n) {
          Guarded(
              "write response", [&] { self->OnWrite(ec, n); }, [&] { self->Close(); });
        });
  }

  void OnWrite(boost::system::error_code ec, size_t n) {
    if (phase_ == Phase::kClosed) return;
    if (ec) {
      if (ec == asio::error::would_block || ec == asio::error::try_again) return WriteSome();
      if (timed_out_ == Timeout::kSend) server_->send_timeouts.fetch_add(1);
      return Close();
    }
    written_ += n;
    Outgoing& out = queue_.front();
    if (out.streaming) return OnStreamWrite();
    const size_t total =
        out.head.size() + (out.send_body ? out.response.BodyView().size() : size_t{0});
    if (written_ < total) return WriteSome();
    FinishOutgoing();
  }

  void FinishOutgoing() {
    DisarmTimer();
    const Outgoing& out = queue_.front();
    const bool final = out.final;
    const bool keep = out.keep;
    queue_.pop_front();
    if (!final) return WriteNext();
    writing_ = false;
    AfterResponse(keep);
  }

  // --- streamed bodies (HttpResponse::stream) ----------------------------------

  // Asks the stream for its next piece; writes it, waits for it, or ends.
  // Asks the stream for its next piece; writes it (the first one with the
  // head), waits for it (sending the head meanwhile), or ends.
  void PullStream() {
    Outgoing& out = queue_.front();
    BodyStream& stream = *out.response.stream;
    std::string head = std::move(out.head);  // empty after the first call
    out.head.clear();
    // While the stream is pending, nothing else keeps this session alive:
    // the wake-up does (the source calls it when it has bytes, ends or fails;
    // an origin that stalls ends by its own timeout).
    auto wake = [self = shared_from_this()] {
      asio::post(self->socket_.get_executor(), [self] {
        Guarded(
            "stream body", [&] { self->OnStreamReadable(); }, [&] { self->Close(); });
      });
    };
    const std::optional<uint64_t> length = stream.length();
    written_ = 0;
    out.pieces_size = 0;
    switch (stream.Next(&out.pieces, std::move(wake))) {
      case BodyStream::Status::kData:
        if (out.pieces.empty() || out.pieces.size() > BodyStream::kMaxPieces) return Close();
        for (const std::string_view piece : out.pieces) {
          if (piece.empty()) return Close();
          out.pieces_size += piece.size();
        }
        out.streamed += out.pieces_size;
        if (length && out.streamed > *length) return Close();
        out.frame = std::move(head);
        // One chunk for all the pieces of this write.
        if (out.chunked) absl::StrAppend(&out.frame, absl::Hex(out.pieces_size), "\r\n");
        return WriteStreamSome();
      case BodyStream::Status::kPending:
        out.pieces.clear();
        out.waiting = true;
        if (!head.empty()) {
          // The client gets the head now and the body as it comes.
          out.frame = std::move(head);
          out.head_only = true;
          return WriteStreamSome();
        }
        // Nothing to send: no send timeout while the source fills (its own
        // deadlines end a stalled origin, which ends this stream).
        DisarmTimer();
        return;
      case BodyStream::Status::kEnd:
        out.pieces.clear();
        if (length && out.streamed != *length) return Close();
        out.frame = std::move(head);
        if (out.chunked) out.frame += "0\r\n\r\n";
        if (out.frame.empty()) return FinishOutgoing();
        out.ending = true;
        return WriteStreamSome();
      case BodyStream::Status::kError:
        if (!head.empty()) {
          // Nothing sent yet: the client can still get an honest answer.
          HttpResponse failed = TextResponse(502, "the response failed before it was sent\n");
          failed.keep_alive = false;
          out = Outgoing();
          out.final = true;
          out.head = net_internal::SerializeResponseHead(failed, is_head_, version_, false,
                                                         opts().server_name, &out.send_body);
          out.response = std::move(failed);
          return WriteSome();
        }
        return Close();  // never a truncated body that looks complete
    }
  }

  void OnStreamReadable() {
    if (phase_ == Phase::kClosed || queue_.empty()) return;
    Outgoing& out = queue_.front();
    if (!out.streaming || !out.waiting) return;
    out.waiting = false;
    if (out.head_only) {
      out.woken = true;  // the head is still being written
      return;
    }
    PullStream();
  }

  // The current write: frame, piece, and the CRLF after a chunk's data.
  static bool ChunkCrlf(const Outgoing& out) { return out.chunked && out.pieces_size > 0; }
  size_t StreamPieceSize(const Outgoing& out) const {
    return out.frame.size() + out.pieces_size + (ChunkCrlf(out) ? 2 : 0);
  }

  void WriteStreamSome() {
    const Outgoing& out = queue_.front();
    static constexpr std::string_view kCrlf = "\r\n";
    // frame, pieces..., CRLF: what is left of them after `written_` bytes.
    std::array<asio::const_buffer, BodyStream::kMaxPieces + 2> buffers;
    size_t skip = written_;
    size_t used = 0;
    auto add = [&](std::string_view part) {
      if (skip >= part.size()) {
        skip -= part.size();
        return;
      }
      buffers[used++] = asio::buffer(part.data() + skip, part.size() - skip);
      skip = 0;
    };
    add(out.frame);
    for (const std::string_view piece : out.pieces) add(piece);
    if (ChunkCrlf(out)) add(kCrlf);
    ArmTimer(SteadyClock::now() + ToChrono(opts().send_timeout), Timeout::kSend);
    socket_.async_write_some(
        buffers, [self = shared_from_this()](boost::system::error_code ec, size_t n) {
          Guarded(
              "write response", [&] { self->OnWrite(ec, n); }, [&] { self->Close(); });
        });
  }

  void OnStreamWrite() {
    Outgoing& out = queue_.front();
    if (written_ < StreamPieceSize(out)) return WriteStreamSome();
    if (out.ending) return FinishOutgoing();
    if (out.head_only) {
      out.head_only = false;
      out.frame.clear();
      if (!out.woken) return DisarmTimer();  // wait for the stream's wake-up
      out.woken = false;
    }
    PullStream();
  }

  void AfterResponse(bool keep) {
    ReleaseBuffered();
    head_ = Http1Head();
    if (!keep) return LingeringClose();
    phase_ = Phase::kIdle;
    server_->Move(*this, HttpServer::Impl::kIdle);
    if (!pending_.empty()) {
      phase_ = Phase::kReading;
      header_deadline_ = SteadyClock::now() + ToChrono(opts().header_timeout);
      server_->Move(*this, HttpServer::Impl::kReading);
    }
    Resume();
  }

  // Half-closes, then reads and discards what the client still sends for a
  // moment, so that it sees the response before the connection is reset.
  void LingeringClose() {
    phase_ = Phase::kLingering;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    ArmTimer(SteadyClock::now() + kLingerTime, Timeout::kLinger);
    DoRead();
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    DisarmTimer();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    ReleaseBuffered();
    queue_.clear();
    pending_.clear();
    server_->Unregister(*this);
  }

  std::shared_ptr<HttpServer::Impl> server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<AsioStrand> strand_;
  Http1Parser parser_;
  const std::string peer_;

  Phase phase_ = Phase::kReading;
  SteadyClock::time_point header_deadline_;
  Timeout timeout_kind_ = Timeout::kNone;
  Timeout timed_out_ = Timeout::kNone;
  uint64_t timer_gen_ = 0;

  Http1Head head_;
  std::string body_;
  std::string pending_;  // bytes of the next request, at most one read
  uint64_t reserved_ = 0;
  size_t lingered_ = 0;

  bool keep_alive_ = true;
  bool is_head_ = false;
  unsigned version_ = 11;
  size_t interims_ = 0;
  bool final_queued_ = false;
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  size_t written_ = 0;
};

}  // namespace

std::shared_ptr<HttpServer::Impl::Connection> NewSession(std::shared_ptr<HttpServer::Impl> server,
                                                         tcp::socket socket, std::string address,
                                                         std::string peer) {
  return std::make_shared<Session>(std::move(server), std::move(socket), std::move(address),
                                   std::move(peer));
}

}  // namespace edgekit_examples
