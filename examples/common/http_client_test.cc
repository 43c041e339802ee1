// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of the examples' HttpClient (examples/common/net.h) streaming fetches
// against a loopback origin the test thread drives by hand: cancels that race
// an I/O completion, and which connections go back to the keep-alive pool.
//
// The races are forced, not waited for. The loop has one thread, so one Asio
// queue: a Cancel() posted to a connection's strand while a handler of that
// strand runs, or before a completed operation's handler is dispatched, runs
// before that handler. Each test says which completion it puts behind the
// cancel; without the matching check in http_client.cc the late handler
// touches the released connection (a null dereference: the process dies).
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/sockios.h>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edgekit_catch.h"
#include "net.h"

using edgekit_examples::EventLoop;
using edgekit_examples::FetchError;
using edgekit_examples::FetchResult;
using edgekit_examples::HttpClient;
using edgekit_examples::HttpRequest;

namespace {

constexpr std::chrono::seconds kPatience{10};    // a safety net: every wait is for a condition
constexpr size_t kClientReadBuffer = 16 * 1024;  // kReadBufferSize in http_client.cc

// A loopback origin whose every step (accept, read, write) the test thread
// takes by hand, with blocking calls bounded by kPatience.
class Origin {
 public:
  Origin() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(listen_fd_);
      listen_fd_ = -1;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Origin() {
    for (int fd : fds_) ::close(fd);
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }
  Origin(const Origin&) = delete;
  Origin& operator=(const Origin&) = delete;

  uint16_t port() const { return port_; }
  int accepts() const { return static_cast<int>(fds_.size()); }

  // The next connection, or -1.
  int Accept() {
    if (!Readable(listen_fd_)) return -1;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd >= 0) fds_.push_back(fd);
    return fd;
  }

  // A request head (these tests send no request bodies), or "" on EOF/timeout.
  static std::string ReadRequest(int fd) {
    std::string in;
    while (in.find("\r\n\r\n") == std::string::npos) {
      char buf[4096];
      const ssize_t n = Readable(fd) ? ::recv(fd, buf, sizeof(buf), 0) : -1;
      if (n <= 0) return std::string();
      in.append(buf, static_cast<size_t>(n));
    }
    return in;
  }

  static bool Send(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // True once the peer's kernel acknowledged every byte sent: they wait in
  // the client's socket buffer. Polls the send queue (SIOCOUTQ).
  static bool WaitAcked(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    int queued = -1;
    while (::ioctl(fd, SIOCOUTQ, &queued) == 0 && queued > 0 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return queued == 0;
  }

  // True when the client closed the connection without sending anything more.
  static bool WaitClosed(int fd) {
    char c;
    return Readable(fd) && ::recv(fd, &c, 1, 0) <= 0;
  }

 private:
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(kPatience.count() * 1000)) == 1;
  }

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::vector<int> fds_;
};

std::string Response(std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

HttpRequest Get(std::string target) {
  HttpRequest request;
  request.target = std::move(target);
  return request;
}

bool IsRequestFor(const std::string& head, std::string_view target) {
  return head.rfind("GET " + std::string(target) + " HTTP/1.1\r\n", 0) == 0;
}

// What one streamed fetch reported, in order; read by the test thread.
struct Log {
  int heads = 0;
  int status = 0;
  FetchError head_error = FetchError::kNone;
  std::string body;
  int body_calls = 0;
  int ends = 0;
  FetchError end_error = FetchError::kNone;
  std::string end_message;
  bool after_end = false;  // a callback after OnEnd (a contract violation)
  bool ended() const { return ends > 0 || head_error != FetchError::kNone; }
};

class Recorder final : public HttpClient::StreamSink {
 public:
  // The answer to the n-th OnBody (from 1); may pause or cancel.
  using BodyScript = std::function<bool(Recorder& self, int call)>;
  explicit Recorder(BodyScript script = nullptr) : script_(std::move(script)) {}

  void OnStart(std::shared_ptr<HttpClient::StreamHandle> h) override {
    handle = std::move(h);
    if (cancel_at_start) handle->Cancel();  // before the fetch has a connection
  }
  void OnHead(FetchResult head) override {
    Update([&](Log& l) {
      ++l.heads;
      l.status = head.response.status;
      l.head_error = head.error;
    });
  }
  bool OnBody(std::string_view bytes) override {
    int call = 0;
    Update([&](Log& l) {
      l.body.append(bytes.data(), bytes.size());
      call = ++l.body_calls;
    });
    return script_ ? script_(*this, call) : true;  // not under mu_: it may call the handle
  }
  void OnEnd(FetchError error, std::string message) override {
    Update([&](Log& l) {
      ++l.ends;
      l.end_error = error;
      l.end_message = std::move(message);
    });
  }

  bool WaitFor(const std::function<bool(const Log&)>& done) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kPatience, [&] { return done(log_); });
  }
  bool WaitEnded() {
    return WaitFor([](const Log& l) { return l.ended(); });
  }
  Log log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

  std::shared_ptr<HttpClient::StreamHandle> handle;  // set by OnStart, inside FetchStream
  bool cancel_at_start = false;                      // OnStart calls Cancel()

 private:
  template <class Fn>
  void Update(Fn fn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (log_.ends > 0) log_.after_end = true;
      fn(log_);
    }
    cv_.notify_all();
  }

  const BodyScript script_;
  std::mutex mu_;
  std::condition_variable cv_;
  Log log_;
};

// One OnEnd (and nothing after it), after `heads` heads and `body`.
void CheckEnded(const Log& log, int heads, std::string_view body, FetchError error,
                std::string_view message = "") {
  CHECK(log.heads == heads);
  CHECK(log.body == body);
  CHECK(log.ends == 1);
  CHECK(log.end_error == error);
  CHECK(log.end_message == message);
  CHECK_FALSE(log.after_end);
}

// The client's counts; no test here expects a retry or an origin error.
void CheckStats(const HttpClient& client, uint64_t requests, uint64_t opened, uint64_t reused) {
  const HttpClient::Stats stats = client.stats();
  CHECK(stats.requests == requests);
  CHECK(stats.connections_opened == opened);
  CHECK(stats.connections_reused == reused);
  CHECK(stats.retries == 0);
  CHECK(stats.errors == 0);  // a cancel is not an origin error
}

struct Harness {
  Harness() {
    HttpClient::Options options;
    options.port = origin.port();
    auto created = HttpClient::Create(loop, options);
    REQUIRE(created.ok());
    client = std::move(*created);
  }
  ~Harness() { loop.Stop(); }  // no handler runs while the client goes

  std::shared_ptr<Recorder> Fetch(std::string target, Recorder::BodyScript script = nullptr) {
    auto sink = std::make_shared<Recorder>(std::move(script));
    client->FetchStream(Get(std::move(target)), sink);
    return sink;
  }

  // Runs `fn` on the loop thread and waits for it.
  void OnLoop(std::function<void()> fn) {
    auto ran = std::make_shared<std::promise<void>>();
    loop.Post([fn = std::move(fn), ran] {
      fn();
      ran->set_value();
    });
    REQUIRE(ran->get_future().wait_for(kPatience) == std::future_status::ready);
  }
  // Returns once every handler queued so far has run: what a running handler
  // queues joins the loop's queue when it returns, so twice.
  void Drain() {
    OnLoop([] {});
    OnLoop([] {});
  }

  // After a cancel before the head: the client closed `fd` (having sent
  // nothing more) and, once late handlers ran, the sink saw OnEnd alone.
  void CheckCancelledBeforeHead(int fd, Recorder& sink) {
    CHECK(Origin::WaitClosed(fd));
    Drain();
    CheckEnded(sink.log(), 0, "", FetchError::kRejected, "cancelled");
  }

  // The origin's next connection, whose first request must be for `target`.
  int AcceptRequestFor(std::string_view target) {
    const int fd = origin.Accept();
    REQUIRE(fd >= 0);
    REQUIRE(IsRequestFor(Origin::ReadRequest(fd), target));
    return fd;
  }

  // A fetch of `target` answered `body` (keep-alive) on the origin's next
  // connection, or on `fd` (a pooled one) when given.
  struct Completed {
    int fd;
    std::shared_ptr<Recorder> sink;
  };
  Completed CompleteFetch(const std::string& target, std::string_view body, int fd = -1) {
    Completed c{fd, Fetch(target)};
    if (fd < 0) {
      c.fd = AcceptRequestFor(target);
    } else {
      REQUIRE(IsRequestFor(Origin::ReadRequest(fd), target));
    }
    REQUIRE(Origin::Send(c.fd, Response(body)));
    REQUIRE(c.sink->WaitEnded());
    CheckEnded(c.sink->log(), 1, body, FetchError::kNone);
    return c;
  }

  Origin origin;
  EventLoop loop{1};  // one thread: the forced interleavings rely on one queue
  std::unique_ptr<HttpClient> client;
};

}  // namespace

// Regression test of ab5a94c (the caching proxy's SIGSEGV): a read completes,
// then the cancel runs, then the read's handler. The sink pauses after the
// first body bytes; the origin then sends more than the client's read buffer
// holds and waits for the acknowledgement. On Resume() one read fills the
// buffer (so Asio tries the next read before waiting); its OnBody cancels
// (posted: queued behind the running handler), and the next read completes
// at once with the rest, its handler queued behind the cancel.
TEST_CASE("http client: a read that completed before its stream was cancelled is dropped",
          "[http_client][concurrency]") {
  Harness h;
  constexpr size_t kFirst = 100;
  constexpr size_t kRest = kClientReadBuffer + 1000;
  std::shared_ptr<Recorder> sink = h.Fetch("/race", [](Recorder& self, int call) {
    if (call == 2) self.handle->Cancel();
    return call != 1;  // the first bytes pause the fetch
  });
  const int fd = h.AcceptRequestFor("/race");
  REQUIRE(Origin::Send(fd, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kFirst + kRest) +
                               "\r\n\r\n" + std::string(kFirst, 'a')));
  REQUIRE(sink->WaitFor([](const Log& l) { return l.body_calls == 1; }));
  REQUIRE(Origin::Send(fd, std::string(kRest, 'b')));
  REQUIRE(Origin::WaitAcked(fd));
  sink->handle->Resume();
  REQUIRE(sink->WaitEnded());
  CHECK(Origin::WaitClosed(fd));
  h.Drain();  // the late read's handler has run (without the fix, the process died there)

  const Log log = sink->log();
  CHECK(log.status == 200);
  // One full buffer after the resume: the rest was read, never delivered.
  CheckEnded(log, 1, std::string(kFirst, 'a') + std::string(kClientReadBuffer, 'b'),
             FetchError::kRejected, "cancelled");
  CHECK(log.body_calls == 2);

  // The cancelled connection was not pooled: the next fetch connects anew.
  h.CompleteFetch("/next", "ok");
  CheckStats(*h.client, 2, 2, 0);
}

// A fetch started and cancelled by one loop handler, on a pooled connection:
// the request is written at once (Asio tries the send before waiting), its
// completion queued before the cancel is posted; the cancel takes the strand
// first.
TEST_CASE("http client: a request write that completed before the cancel is dropped",
          "[http_client][concurrency]") {
  Harness h;
  const int fd = h.CompleteFetch("/a", "hello").fd;
  auto sink = std::make_shared<Recorder>();
  h.OnLoop([&h, sink] {
    h.client->FetchStream(Get("/b"), sink);
    sink->handle->Cancel();
  });
  REQUIRE(sink->WaitEnded());
  CHECK(IsRequestFor(Origin::ReadRequest(fd), "/b"));  // written before the cancel ran
  h.CheckCancelledBeforeHead(fd, *sink);
  CheckStats(*h.client, 2, 1, 1);
}

// On a new connection. The loop handler that starts the fetch (the connect
// starts at once, on its thread) waits until the origin accepted, so the
// connect is complete in the kernel, then posts a handler that cancels: the
// reactor's poll, queued before that, has queued the connect's handler (its
// strand idle, it would run) by the time the cancel is posted; the cancel
// then takes the strand first.
TEST_CASE("http client: a connect that completed before the cancel is dropped",
          "[http_client][concurrency]") {
  Harness h;
  auto sink = std::make_shared<Recorder>();
  std::promise<void> accepted;
  h.loop.Post([&h, sink, accepted_now = accepted.get_future().share()] {
    h.client->FetchStream(Get("/c"), sink);
    (void)accepted_now.wait_for(kPatience);
    h.loop.Post([sink] { sink->handle->Cancel(); });
  });
  const int fd = h.origin.Accept();
  accepted.set_value();
  REQUIRE(fd >= 0);
  REQUIRE(sink->WaitEnded());
  h.CheckCancelledBeforeHead(fd, *sink);  // no request was sent
  CheckStats(*h.client, 1, 1, 0);
}

// Cancel() from OnStart, before the fetch has a connection (the handle comes
// first): the cancel is kept until the connection's strand exists, then runs
// there after the fetch's first step. The stream ends once, no request
// reaches the origin, and the client works on.
TEST_CASE("http client: a cancel from OnStart ends the stream before any request",
          "[http_client][concurrency]") {
  Harness h;
  int idle = -1;  // after the first round: the connection that served /next
  for (const bool pooled : {false, true}) {
    CAPTURE(pooled);
    auto sink = std::make_shared<Recorder>();
    sink->cancel_at_start = true;
    h.client->FetchStream(Get("/never"), sink);
    REQUIRE(sink->WaitEnded());
    h.Drain();
    CheckEnded(sink->log(), 0, "", FetchError::kRejected, "cancelled");
    if (pooled) CHECK(Origin::WaitClosed(idle));  // closed, the request not sent
    // The next fetch is served; a connection the cancelled fetch had opened
    // (its connect may complete before the close) carries no request.
    std::shared_ptr<Recorder> next = h.Fetch("/next");
    std::string head;
    for (int tries = 0; tries < 2 && !IsRequestFor(head, "/next"); ++tries) {
      const int fd = h.origin.Accept();
      REQUIRE(fd >= 0);
      head = Origin::ReadRequest(fd);
      CHECK((head.empty() || IsRequestFor(head, "/next")));
      if (!head.empty()) {
        REQUIRE(Origin::Send(fd, Response("n")));
        idle = fd;  // kept alive: the pool's connection for the next round
      }
    }
    REQUIRE(next->WaitEnded());
    CheckEnded(next->log(), 1, "n", FetchError::kNone);
  }
  const HttpClient::Stats stats = h.client->stats();
  CHECK(stats.requests == 4);
  CHECK(stats.connections_reused == 1);  // the cancelled fetch's, in the second round
  CHECK(stats.retries == 0);
  CHECK(stats.errors == 0);
}

// Cancel() before the head: OnEnd(kRejected) and no OnHead (net.h).
TEST_CASE("http client: a cancel before the head ends the stream, without a retry or reuse",
          "[http_client]") {
  Harness h;
  const int fd = h.CompleteFetch("/a", "hello").fd;
  std::shared_ptr<Recorder> sink = h.Fetch("/b");
  REQUIRE(IsRequestFor(Origin::ReadRequest(fd), "/b"));  // on the pooled connection
  h.Drain();  // the write's handler ran: the client's read for the head is pending
  sink->handle->Cancel();
  REQUIRE(sink->WaitEnded());
  h.CheckCancelledBeforeHead(fd, *sink);
  // The read the cancel aborted is not the origin closing a reused
  // connection: no retry on a new one (RFC 9110 §9.2.2).
  CheckStats(*h.client, 2, 1, 1);
  h.CompleteFetch("/c", "ok");  // on a new connection: the cancelled one was closed
  CheckStats(*h.client, 3, 2, 1);
}

TEST_CASE(
    "http client: a completed stream's connection is reused, and a later Cancel() does nothing",
    "[http_client]") {
  Harness h;
  const Harness::Completed first = h.CompleteFetch("/a", "hello");
  first.sink->handle->Cancel();  // runs on the connection's strand before the next fetch's send
  h.CompleteFetch("/b", "world", first.fd);  // on the same connection
  h.Drain();
  CheckEnded(first.sink->log(), 1, "hello", FetchError::kNone);  // no second OnEnd
  CheckStats(*h.client, 2, 1, 1);
  CHECK(h.origin.accepts() == 1);
}
