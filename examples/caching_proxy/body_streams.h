// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: body_streams.h
// -----------------------------------------------------------------------------
// The two response bodies the caching proxy streams to its clients
// (`BodyStream`, http_message.h):
//
//   * `CacheBodyStream`: a stored object's body (`edgekit::cache::Body`), whole
//     or one byte range, read through a `cache::BodyReader`. The bytes are the
//     cache's shared immutable chunks: a client holds a reference to the chunk
//     being written, never a copy, and a client of an object still being
//     filled (a collapsed follower, or the leader itself) reads as it fills.
//   * `RelayPipe`: origin bytes on their way to one client, as a queue of
//     shared chunks between the origin connection (producer) and the client
//     connection (consumer). Bounded: past `max_queued` bytes `Push` tells
//     the producer to pause reading the origin, and `resume` is called once
//     the client has taken half of them, so a slow client slows its origin
//     instead of growing memory. While the same chunks are also being stored
//     (`SetUnbounded(true)`), the origin is read at its own pace: the queue
//     then holds references to chunks the cache keeps anyway.
//
// Thread-safety: `CacheBodyStream` as `BodyStream` (one consumer strand).
// `RelayPipe` is thread-safe: one producer, one consumer, on any threads;
// its callbacks run without its lock held.

#ifndef EDGEKIT_EXAMPLES_CACHING_PROXY_BODY_STREAMS_H_
#define EDGEKIT_EXAMPLES_CACHING_PROXY_BODY_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "edgekit/cache/body.h"
#include "http_message.h"

namespace edgekit_examples {

class CacheBodyStream final : public BodyStream {
 public:
  // Bytes [begin, end) of `body`; `length` is what the head announces (the
  // range's size, the complete body's size, or the stored Content-Length
  // while the body fills; nullopt: chunked).
  CacheBodyStream(std::shared_ptr<const edgekit::cache::Body> body, uint64_t begin, uint64_t end,
                  std::optional<uint64_t> length);

  std::optional<uint64_t> length() const override { return length_; }
  Status Next(std::vector<std::string_view>* pieces, std::function<void()> wake) override;

 private:
  edgekit::cache::BodyReader reader_;
  std::vector<edgekit::cache::BodyChunk> chunks_;  // the pieces being written
  const std::optional<uint64_t> length_;
};

class RelayPipe final : public BodyStream {
 public:
  RelayPipe(std::optional<uint64_t> length, size_t max_queued);
  // Calls `gone` (once): the client let go of the body (it finished, or its
  // connection closed), so the producer can stop.
  ~RelayPipe() override;

  // --- producer (origin) side ---
  // `resume`: called when a paused producer may push again. `gone`: called
  // from the destructor.
  void SetCallbacks(std::function<void()> resume, std::function<void()> gone);
  // Whether Push may ask the producer to pause.
  void SetUnbounded(bool unbounded);
  // Queues `chunk`; false: pause until `resume`.
  bool Push(edgekit::cache::BodyChunk chunk);
  void End();   // the body is complete
  void Fail();  // the body cannot be completed: the client connection is cut

  // --- consumer (client connection) side ---
  std::optional<uint64_t> length() const override { return length_; }
  Status Next(std::vector<std::string_view>* pieces, std::function<void()> wake) override;

 private:
  const std::optional<uint64_t> length_;
  const size_t max_queued_;
  std::mutex mu_;
  std::deque<edgekit::cache::BodyChunk> queue_;
  size_t queued_ = 0;
  bool unbounded_ = false;
  bool producer_paused_ = false;
  enum class State { kOpen, kEnded, kFailed } state_ = State::kOpen;
  std::function<void()> wake_;
  std::function<void()> resume_;
  std::function<void()> gone_;
  std::vector<edgekit::cache::BodyChunk> current_;  // consumer-owned: being written
};

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_CACHING_PROXY_BODY_STREAMS_H_
