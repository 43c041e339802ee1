// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_server_internal.h
// -----------------------------------------------------------------------------
// What the two halves of HttpServer share: HttpServer::Impl (the listening
// socket, the connection registry, the counters; http_server.cc) and a
// connection as that registry sees it, whose one implementation is the HTTP
// exchange on a socket (Session, http_session.cc).
//
// Thread-safety: the registry (lists, per_address, open, and each
// Connection's registered_, slot_ and entry_) is guarded by Impl::mu; the
// counters are atomics; options and handler never change. The rest of a
// connection belongs to its socket's strand.

#ifndef EDGEKIT_EXAMPLES_COMMON_HTTP_SERVER_INTERNAL_H_
#define EDGEKIT_EXAMPLES_COMMON_HTTP_SERVER_INTERNAL_H_

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http1_parser.h"
#include "net.h"
#include "net_internal.h"
#include "sharded_counter.h"

namespace edgekit_examples {

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  enum Slot { kIdle = 0, kReading = 1, kBusy = 2 };
  class Connection;
  struct Entry {
    std::weak_ptr<Connection> connection;
    std::chrono::steady_clock::time_point since;
  };

  Impl(EventLoop::Impl& c, Options o, Handler h)
      : loop(c),
        acceptor(boost::asio::make_strand(*c.iocs.front())),
        options(std::move(o)),
        handler(std::move(h)) {}

  void Accept();
  void OnAccept(boost::asio::ip::tcp::socket socket);
  // Registry (all under mu).
  bool Admit(const std::shared_ptr<Connection>& c, std::shared_ptr<Connection>* victim);
  void Move(Connection& c, Slot slot);
  void Unregister(Connection& c);
  void UnregisterLocked(Connection& c);

  EventLoop::Impl& loop;
  boost::asio::ip::tcp::acceptor acceptor;
  const Options options;
  const Handler handler;
  std::atomic<bool> closing{false};

  std::mutex mu;
  std::list<Entry> lists[3];
  std::unordered_map<std::string, size_t> per_address;
  size_t open = 0;

  std::atomic<uint64_t> accepted{0}, rejected{0}, rejected_per_address{0}, evicted{0};
  ShardedCounter requests;  // every request, every thread: no shared line
  std::atomic<uint64_t> bad_requests{0}, expectation_failed{0}, overloaded{0};
  std::atomic<uint64_t> header_timeouts{0}, idle_timeouts{0}, body_timeouts{0}, send_timeouts{0};
  std::atomic<uint64_t> internal_errors{0}, interim{0};
  std::array<std::atomic<uint64_t>, kHttp1ErrorCount> bad_by_reason{};
  std::atomic<uint64_t> buffered{0};  // request body bytes reserved
};

// A connection as the registry sees it: its peer address, its place in the
// lists, and what the accept policy asks of it.
class HttpServer::Impl::Connection {
 public:
  virtual ~Connection() = default;

  const std::string& address() const { return address_; }

  // Starts reading requests, on the connection's strand.
  virtual void Start() = 0;
  // Closes the connection to make room for a new one (fair accept).
  virtual void Evict() = 0;

  // Registry state, guarded by Impl::mu.
  bool registered_ = false;
  Slot slot_ = kReading;
  std::list<Entry>::iterator entry_;

 protected:
  explicit Connection(std::string address) : address_(std::move(address)) {}

 private:
  const std::string address_;
};

// The HTTP exchange on an accepted socket (http_session.cc), not yet
// started: the caller admits it to the registry, then calls Start().
std::shared_ptr<HttpServer::Impl::Connection> NewSession(std::shared_ptr<HttpServer::Impl> server,
                                                         boost::asio::ip::tcp::socket socket,
                                                         std::string address, std::string peer);

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_HTTP_SERVER_INTERNAL_H_
