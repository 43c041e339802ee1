// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_server.cc
// -----------------------------------------------------------------------------
// HttpServer: the listening socket, fair accept and the connection registry.
// The HTTP exchange on each connection is a Session (http_session.cc).
//
// Every connection is in one of three lists of the server's registry: idle
// (keep-alive, between requests), reading (a request head or body is
// arriving) or busy (handled, or its response being written). When the
// server is full, a new connection evicts the oldest reader that has been at
// it for over a second (a slowloris), else the oldest idle connection.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "http_server_internal.h"

namespace edgekit_examples {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using net_internal::Guarded;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kSlowReaderAge = std::chrono::seconds(1);

}  // namespace

// -----------------------------------------------------------------------------
// Registry
// -----------------------------------------------------------------------------

bool HttpServer::Impl::Admit(const std::shared_ptr<Connection>& s,
                             std::shared_ptr<Connection>* victim) {
  std::lock_guard<std::mutex> lock(mu);
  const size_t cap = options.max_connections_per_address;
  size_t& mine = per_address[s->address()];
  if (cap != 0 && mine >= cap) {
    if (mine == 0) per_address.erase(s->address());
    rejected_per_address.fetch_add(1);
    return false;
  }
  if (open >= options.max_connections) {
    const auto now = SteadyClock::now();
    std::list<Entry>* from = nullptr;
    if (!lists[kReading].empty() && now - lists[kReading].front().since >= kSlowReaderAge) {
      from = &lists[kReading];
    } else if (!lists[kIdle].empty()) {
      from = &lists[kIdle];
    } else if (!lists[kReading].empty()) {
      from = &lists[kReading];
    }
    std::shared_ptr<Connection> v = from ? from->front().connection.lock() : nullptr;
    if (!v) {
      if (mine == 0) per_address.erase(s->address());
      rejected.fetch_add(1);
      return false;
    }
    UnregisterLocked(*v);
    evicted.fetch_add(1);
    *victim = std::move(v);
  }
  ++mine;
  ++open;
  s->registered_ = true;
  s->slot_ = kReading;
  s->entry_ = lists[kReading].insert(lists[kReading].end(), Entry{s, SteadyClock::now()});
  return true;
}

void HttpServer::Impl::Move(Connection& s, Slot slot) {
  std::lock_guard<std::mutex> lock(mu);
  if (!s.registered_) return;
  s.entry_->since = SteadyClock::now();
  lists[slot].splice(lists[slot].end(), lists[s.slot_], s.entry_);
  s.slot_ = slot;
}

void HttpServer::Impl::Unregister(Connection& s) {
  std::lock_guard<std::mutex> lock(mu);
  UnregisterLocked(s);
}

void HttpServer::Impl::UnregisterLocked(Connection& s) {
  if (!s.registered_) return;
  s.registered_ = false;
  lists[s.slot_].erase(s.entry_);
  auto it = per_address.find(s.address());
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  --open;
}

void HttpServer::Impl::OnAccept(tcp::socket socket) {
  boost::system::error_code ec;
  const tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return;
  std::string address = ep.address().to_string();
  std::string peer = absl::StrCat(address, ":", ep.port());
  std::shared_ptr<Connection> session =
      NewSession(shared_from_this(), std::move(socket), std::move(address), std::move(peer));
  std::shared_ptr<Connection> victim;
  if (!Admit(session, &victim)) return;  // the socket closes with the session
  accepted.fetch_add(1);
  if (victim) victim->Evict();
  session->Start();
}

void HttpServer::Impl::Accept() {
  acceptor.async_accept(
      asio::make_strand(loop.Pick()),  // connections spread over the loop threads
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        if (self->closing.load()) return;
        if (ec) {
          if (ec == asio::error::operation_aborted) return;
          // EMFILE and friends: back off a little instead of spinning.
          auto t = std::make_shared<asio::steady_timer>(self->acceptor.get_executor(),
                                                        std::chrono::milliseconds(50));
          t->async_wait([self, t](boost::system::error_code) { self->Accept(); });
          return;
        }
        Guarded(
            "accept", [&] { self->OnAccept(std::move(socket)); }, [] {});
        self->Accept();
      });
}

// -----------------------------------------------------------------------------
// HttpServer
// -----------------------------------------------------------------------------

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->closing.store(true);
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
  });
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Create(EventLoop& loop, Options options,
                                                               Handler handler) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen address: ", options.host));
  auto impl = std::make_shared<Impl>(loop.impl(), std::move(options), std::move(handler));
  const tcp::endpoint endpoint(address, impl->options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", impl->options.host, ":",
                                               impl->options.port, ": ", ec.message()));
  }
  asio::dispatch(impl->acceptor.get_executor(), [impl] { impl->Accept(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  const Impl& i = *impl_;
  s.connections_accepted = i.accepted.load();
  s.connections_rejected = i.rejected.load();
  s.connections_rejected_per_address = i.rejected_per_address.load();
  s.connections_evicted = i.evicted.load();
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    s.connections_active = impl_->open;
  }
  s.requests = i.requests.load();
  s.bad_requests = i.bad_requests.load();
  for (size_t k = 0; k < kHttp1ErrorCount; ++k) s.bad_requests_by_reason[k] = i.bad_by_reason[k];
  s.expectation_failed = i.expectation_failed.load();
  s.overloaded = i.overloaded.load();
  s.header_timeouts = i.header_timeouts.load();
  s.idle_timeouts = i.idle_timeouts.load();
  s.body_timeouts = i.body_timeouts.load();
  s.send_timeouts = i.send_timeouts.load();
  s.internal_errors = i.internal_errors.load();
  s.interim_responses = i.interim.load();
  return s;
}

}  // namespace edgekit_examples
