// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: body_streams.cc
// -----------------------------------------------------------------------------
// CacheBodyStream and RelayPipe (see body_streams.h).

#include "body_streams.h"

#include <utility>

namespace edgekit_examples {

namespace cache = edgekit::cache;

namespace {
// The most a client connection takes from a stored body per write.
constexpr size_t kMaxPiece = size_t{256} << 10;
}  // namespace

CacheBodyStream::CacheBodyStream(std::shared_ptr<const cache::Body> body, uint64_t begin,
                                 uint64_t end, std::optional<uint64_t> length)
    : reader_(std::move(body), begin, end), length_(length) {}

BodyStream::Status CacheBodyStream::Next(std::vector<std::string_view>* pieces,
                                         std::function<void()> wake) {
  chunks_.clear();  // the previous pieces are written: let them go
  pieces->clear();
  size_t bytes = 0;
  while (chunks_.size() < kMaxPieces && bytes < kMaxPiece) {
    cache::BodyChunk chunk;
    const cache::BodyStatus status = reader_.Next(&chunk, kMaxPiece - bytes);
    if (status == cache::BodyStatus::kOk) {
      bytes += chunk.size();
      pieces->push_back(chunk.view());
      chunks_.push_back(std::move(chunk));
      continue;
    }
    if (!chunks_.empty()) return Status::kData;  // the rest on the next call
    switch (status) {
      case cache::BodyStatus::kPending:
        // The object is still filling: the writer's thread wakes us.
        reader_.OnReadable([wake = std::move(wake)] { wake(); });
        return Status::kPending;
      case cache::BodyStatus::kEnd:
        return Status::kEnd;
      default:
        return Status::kError;  // aborted or unreadable: never "complete"
    }
  }
  return Status::kData;
}

RelayPipe::RelayPipe(std::optional<uint64_t> length, size_t max_queued)
    : length_(length), max_queued_(max_queued) {}

RelayPipe::~RelayPipe() {
  if (gone_) gone_();
}

void RelayPipe::SetCallbacks(std::function<void()> resume, std::function<void()> gone) {
  std::lock_guard<std::mutex> lock(mu_);
  resume_ = std::move(resume);
  gone_ = std::move(gone);
}

void RelayPipe::SetUnbounded(bool unbounded) {
  std::function<void()> resume;
  {
    std::lock_guard<std::mutex> lock(mu_);
    unbounded_ = unbounded;
    if (unbounded && producer_paused_) {
      producer_paused_ = false;
      resume = resume_;
    }
  }
  if (resume) resume();
}

bool RelayPipe::Push(cache::BodyChunk chunk) {
  std::function<void()> wake;
  bool more = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kOpen) return true;
    queued_ += chunk.size();
    queue_.push_back(std::move(chunk));
    wake = std::move(wake_);
    wake_ = nullptr;
    if (!unbounded_ && queued_ > max_queued_) {
      producer_paused_ = true;
      more = false;
    }
  }
  if (wake) wake();
  return more;
}

void RelayPipe::End() {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kOpen) return;
    state_ = State::kEnded;
    wake = std::move(wake_);
    wake_ = nullptr;
  }
  if (wake) wake();
}

void RelayPipe::Fail() {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ != State::kOpen) return;
    state_ = State::kFailed;
    queue_.clear();  // never deliver part of a body that cannot be completed
    queued_ = 0;
    wake = std::move(wake_);
    wake_ = nullptr;
  }
  if (wake) wake();
}

BodyStream::Status RelayPipe::Next(std::vector<std::string_view>* pieces,
                                   std::function<void()> wake) {
  current_.clear();
  pieces->clear();
  std::function<void()> resume;
  Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (state_ == State::kFailed) return Status::kError;
    if (!queue_.empty()) {
      while (!queue_.empty() && current_.size() < kMaxPieces) {
        queued_ -= queue_.front().size();
        pieces->push_back(queue_.front().view());
        current_.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (producer_paused_ && queued_ <= max_queued_ / 2) {
        producer_paused_ = false;
        resume = resume_;
      }
      status = Status::kData;
    } else if (state_ == State::kEnded) {
      status = Status::kEnd;
    } else {
      wake_ = std::move(wake);
      status = Status::kPending;
    }
  }
  if (resume) resume();
  return status;
}

}  // namespace edgekit_examples
