// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: net_internal.h
// -----------------------------------------------------------------------------
// Asio pieces shared by event_loop.cc, http_server.cc, http_session.cc and
// http_client.cc (the only translation units of the examples that include
// Boost).

#ifndef EDGEKIT_EXAMPLES_COMMON_NET_INTERNAL_H_
#define EDGEKIT_EXAMPLES_COMMON_NET_INTERNAL_H_

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http_message.h"
#include "net.h"

namespace edgekit_examples {
namespace net_internal {

namespace asio = boost::asio;

inline std::chrono::steady_clock::duration ToChrono(absl::Duration d) {
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  if (d > absl::Hours(24 * 365)) d = absl::Hours(24 * 365);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

class AsioTimer final : public Timer, public std::enable_shared_from_this<AsioTimer> {
 public:
  explicit AsioTimer(asio::any_io_executor ex) : timer_(ex) {}
  void Start(absl::Duration delay, std::function<void()> fn);
  void Cancel() override;

 private:
  asio::steady_timer timer_;
  std::atomic<bool> cancelled_{false};
};

class AsioStrand final : public Strand {
 public:
  explicit AsioStrand(asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void Post(std::function<void()> fn) override { asio::post(ex_, std::move(fn)); }
  std::shared_ptr<Timer> RunAfter(absl::Duration delay, std::function<void()> fn) override {
    auto t = std::make_shared<AsioTimer>(ex_);
    t->Start(delay, std::move(fn));
    return t;
  }

 private:
  asio::any_io_executor ex_;
};

// Runs `fn`; an exception is logged and counted instead of reaching the
// event loop, and `on_error` (which must not throw) runs.
template <class Fn, class OnError>
void Guarded(const char* where, Fn&& fn, OnError&& on_error) {
  try {
    fn();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgekit examples: %s: %s\n", where, e.what());
    on_error();
  } catch (...) {
    std::fprintf(stderr, "edgekit examples: %s: unknown exception\n", where);
    on_error();
  }
}

// The head of `r` as HttpServer writes it (http_server_wire.cc): status line,
// fields minus framing and connection fields, then the framing it computes
// (Content-Length, or chunked for a streamed body of unknown length) and
// Connection. Sets `*send_body` to whether body bytes follow.
std::string SerializeResponseHead(const HttpResponse& r, bool is_head, unsigned version, bool keep,
                                  const std::string& server_name, bool* send_body);

}  // namespace net_internal

// One io_context per loop thread, each run by that thread alone: a
// connection (and its strand, timers, origin connections) lives on one
// thread, and threads share no scheduler queue or reactor lock.
struct EventLoop::Impl {
  using Work = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> iocs;
  std::vector<Work> work;
  std::vector<std::thread> threads;
  std::atomic<size_t> next{0};
  std::mutex stop_mu;
  bool stopped = false;
  std::atomic<uint64_t> uncaught{0};

  // The next context in turn (new client connections, posted work).
  boost::asio::io_context& Pick() {
    return *iocs[next.fetch_add(1, std::memory_order_relaxed) % iocs.size()];
  }
  // The calling loop thread's own context (a request's timers and origin
  // connections stay on its thread); Pick() from other threads.
  boost::asio::io_context& Current() {
    boost::asio::io_context* mine = CurrentSlot();
    return mine != nullptr ? *mine : Pick();
  }
  static boost::asio::io_context*& CurrentSlot() {
    thread_local boost::asio::io_context* current = nullptr;
    return current;
  }
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_NET_INTERNAL_H_
