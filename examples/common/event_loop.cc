// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: event_loop.cc
// -----------------------------------------------------------------------------
// EventLoop, strands and timers over Boost.Asio.

#include <signal.h>
#include <sys/resource.h>

#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <future>

#include "net_internal.h"

namespace edgekit_examples {

namespace asio = boost::asio;
using net_internal::AsioStrand;
using net_internal::AsioTimer;

void AsioTimer::Start(absl::Duration delay, std::function<void()> fn) {
  timer_.expires_after(net_internal::ToChrono(delay));
  timer_.async_wait([self = shared_from_this(), fn = std::move(fn)](boost::system::error_code ec) {
    if (ec || self->cancelled_.load(std::memory_order_acquire)) return;
    net_internal::Guarded("timer callback", fn, [] {});
  });
}

void AsioTimer::Cancel() {
  if (cancelled_.exchange(true)) return;
  // The timer object is only touched on its executor.
  asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

EventLoop::EventLoop(int threads) : impl_(std::make_unique<Impl>()) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    impl_->iocs.push_back(std::make_unique<asio::io_context>(1));  // one thread each
    impl_->work.emplace_back(impl_->iocs.back()->get_executor());
  }
  for (int i = 0; i < threads; ++i) {
    asio::io_context* ioc = impl_->iocs[static_cast<size_t>(i)].get();
    impl_->threads.emplace_back([this, ioc] {
      Impl::CurrentSlot() = ioc;
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          // Every handler catches its own exceptions (net_internal::Guarded);
          // this is the last line of defence: count, log, keep serving.
          impl_->uncaught.fetch_add(1);
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
  impl_->work.clear();
  for (auto& ioc : impl_->iocs) ioc->stop();
  for (std::thread& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

uint64_t EventLoop::uncaught_exceptions() const { return impl_->uncaught.load(); }

void EventLoop::Post(std::function<void()> fn) { asio::post(impl_->Pick(), std::move(fn)); }

std::shared_ptr<Timer> EventLoop::RunAfter(absl::Duration delay, std::function<void()> fn) {
  auto t = std::make_shared<AsioTimer>(asio::make_strand(impl_->Current()));
  t->Start(delay, std::move(fn));
  return t;
}

std::shared_ptr<Strand> EventLoop::MakeStrand() {
  return std::make_shared<AsioStrand>(asio::make_strand(impl_->Current()));
}

void EventLoop::WaitForSignal() {
  asio::signal_set signals(*impl_->iocs.front(), SIGINT, SIGTERM);
  std::promise<int> got;
  signals.async_wait([&got](const boost::system::error_code&, int sig) { got.set_value(sig); });
  got.get_future().wait();
}

uint64_t RaiseOpenFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
    (void)getrlimit(RLIMIT_NOFILE, &rl);
  }
  return static_cast<uint64_t>(rl.rlim_cur);
}

}  // namespace edgekit_examples
