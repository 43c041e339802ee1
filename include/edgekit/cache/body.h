// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: body.h
// -----------------------------------------------------------------------------
// Stored response bodies as streams of shared, immutable chunks:
//
//   * `BodyChunk`: a view of immutable bytes plus a reference that keeps them
//     alive. Copying a chunk shares the bytes (one refcount), never copies
//     them: N readers of one stored object read one copy.
//   * `Body`: the body of one stored response. A store fills it while the
//     origin's bytes arrive (`kFilling`), then completes or aborts it. Readers
//     may read it while it fills: `Read` returns `kPending` past the bytes
//     written so far and `OnReadable` / `WaitReadable` say when to read again.
//     An aborted body (the origin stream failed, the object was too large)
//     answers `kAborted` to every read: a truncated object is never presented
//     as complete.
//   * `BodyReader`: a cursor over one body (or a byte range of it) for one
//     client.
//
// Example (an event-loop host sending a hit, or an object still filling):
//
//   cache::BodyReader reader(r.response->body);
//   cache::BodyChunk chunk;
//   for (;;) {
//     switch (reader.Next(&chunk)) {
//       case cache::BodyStatus::kOk: conn.Send(chunk.view(), chunk); continue;
//       case cache::BodyStatus::kPending:  // wait for the writer
//         reader.OnReadable([conn] { conn.ResumeSending(); });
//         return;
//       case cache::BodyStatus::kEnd: conn.FinishResponse(); return;
//       default: conn.Abort(); return;     // kAborted / kIoError: never "complete"
//     }
//   }
//
// Thread-safety: `BodyChunk` is a thread-compatible value (its bytes are
// immutable; copies may be used on any thread). `Body` is thread-safe: one
// writer (the store) and any number of readers. `BodyReader` is
// thread-compatible (one owner). Callbacks run on the writer's thread (or at
// once on the caller's), never under an internal lock, and must not throw.
//
// Errors: reads return `BodyStatus`; nothing throws.

#ifndef EDGEKIT_CACHE_BODY_H_
#define EDGEKIT_CACHE_BODY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/internal/chunk_owner.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

struct RangePlan;

// How a read went.
enum class BodyStatus : uint8_t {
  kOk,       // `out` holds the next bytes (at least one)
  kPending,  // no bytes there yet: the body is still being written
  kEnd,      // the body is complete and there are no more bytes
  kAborted,  // the insert was abandoned: the object is incomplete
  kIoError,  // the store could not read or verify the bytes (disk)
};
// "ok", "pending", "end", "aborted", "io_error".
[[nodiscard]] EDGEKIT_API std::string_view ToString(BodyStatus status);

// Immutable bytes plus a shared reference that keeps them alive. Copying a
// chunk costs one atomic increment; the bytes are never copied.
class EDGEKIT_API BodyChunk {
 public:
  BodyChunk() = default;
  BodyChunk(const BodyChunk& other) : owner_(other.owner_), data_(other.data_), size_(other.size_) {
    if (owner_ != nullptr) owner_->Ref();
  }
  BodyChunk(BodyChunk&& other) noexcept
      : owner_(std::exchange(other.owner_, nullptr)),
        data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  BodyChunk& operator=(BodyChunk other) noexcept {
    std::swap(owner_, other.owner_);
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  ~BodyChunk() {
    if (owner_ != nullptr) owner_->Unref();
  }

  // A chunk holding a copy of `bytes` (one allocation).
  static BodyChunk Copy(std::string_view bytes);
  // A chunk owning `bytes` (no copy of the bytes).
  static BodyChunk Adopt(std::string bytes);
  // A chunk viewing `bytes`, kept alive by `owner` (the host's buffer). A
  // null `owner` makes a plain view, valid only as long as the caller keeps
  // the bytes (stores copy such chunks, and host-owned ones, when they keep
  // them).
  static BodyChunk Share(std::shared_ptr<const void> owner, std::string_view bytes);
  // A chunk of `size` bytes for its creator to fill through `*data` before
  // anyone else sees it (stores reading from files).
  static BodyChunk Uninitialized(size_t size, char** data);

  [[nodiscard]] std::string_view view() const { return std::string_view(data_, size_); }
  [[nodiscard]] const char* data() const { return data_; }
  [[nodiscard]] size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  // `n` bytes from `pos` (clamped), sharing the same bytes.
  [[nodiscard]] BodyChunk Slice(size_t pos, size_t n = std::string_view::npos) const;
  // Bytes the allocator holds for the owner of these bytes (0 for `Share`:
  // not known to the cache).
  [[nodiscard]] size_t allocated_bytes() const {
    return owner_ != nullptr ? owner_->allocated_bytes() : 0;
  }

 private:
  friend class Body;
  BodyChunk(const cache_internal::ChunkOwner* owner, const char* data, size_t size)
      : owner_(owner), data_(data), size_(size) {}

  const cache_internal::ChunkOwner* owner_ = nullptr;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

// Bytes a store keeps outside memory (a file), read on demand. Implemented by
// stores; thread-safe.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // Reads up to `max_bytes` (> 0) at `offset`, which is below the bytes
  // written so far. Returns kOk with at least one byte, or kIoError when the
  // bytes cannot be read or fail their checksum (never partial garbage).
  virtual BodyStatus Read(uint64_t offset, size_t max_bytes, BodyChunk* out) = 0;
};

// The body of one stored response. See the file comment.
class EDGEKIT_API Body {
 public:
  enum class State : uint8_t { kFilling, kComplete, kAborted };

  // `source`: where bytes that are not resident are read from (null: every
  // byte is appended as a resident chunk).
  explicit Body(std::shared_ptr<BodySource> source = nullptr);
  // A complete resident body of `chunks`.
  static std::shared_ptr<Body> Complete(std::vector<BodyChunk> chunks);
  ~Body();
  Body(const Body&) = delete;
  Body& operator=(const Body&) = delete;

  // --- Readers -------------------------------------------------------------

  [[nodiscard]] State state() const { return state_.load(std::memory_order_acquire); }
  [[nodiscard]] bool complete() const { return state() == State::kComplete; }
  [[nodiscard]] bool aborted() const { return state() == State::kAborted; }
  // Bytes readable now (all of them once complete).
  [[nodiscard]] uint64_t available() const { return available_.load(std::memory_order_acquire); }
  // The total length once complete.
  [[nodiscard]] std::optional<uint64_t> size() const {
    if (!complete()) return std::nullopt;
    return available();
  }

  // Reads up to `max_bytes` at `offset`: kOk (at least one byte), kPending
  // (the writer has not reached `offset` yet), kEnd (complete, offset >=
  // size), kAborted, kIoError. Resident bytes cost one refcount; bytes of a
  // `BodySource` are read by the calling thread (disk: a pread).
  BodyStatus Read(uint64_t offset, size_t max_bytes, BodyChunk* out) const;

  // For a complete body whose bytes are all resident: its chunks in order,
  // valid while the body is alive (no refcount taken). Empty otherwise.
  [[nodiscard]] absl::Span<const BodyChunk> resident_chunks() const;

  // Runs `callback` once when a read at `offset` would no longer return
  // kPending (bytes arrived, or the body completed or aborted): at once (on
  // this thread, returning 0) if that is already so, else later on the
  // writer's thread. Returns an id for `CancelOnReadable`.
  uint64_t OnReadable(uint64_t offset, absl::AnyInvocable<void()> callback) const;
  // Drops a registered callback without running it. False if it already ran.
  bool CancelOnReadable(uint64_t id) const;
  // Blocks (real time) until a read at `offset` would not return kPending, or
  // `timeout` passes. Returns false on timeout.
  bool WaitReadable(uint64_t offset, absl::Duration timeout) const;

  // The bytes readable now, copied into one string (tests, small bodies,
  // compatibility with hosts that want a string). Empty if aborted.
  [[nodiscard]] std::string ToString() const;

  // --- The store's writer side (one writer) ----------------------------------

  // Appends resident bytes (readable at once).
  void Append(BodyChunk chunk);
  // Appends `bytes`, copying them into resident blocks of at least
  // `block_bytes` (a short tail block grows in place: readers only ever see
  // bytes already written). Returns the bytes newly allocated.
  size_t AppendCopy(std::string_view bytes, size_t block_bytes);
  // The bytes `AppendCopy(bytes of size n, block_bytes)` would allocate now.
  [[nodiscard]] size_t CopyCost(size_t n, size_t block_bytes) const;
  // `n` more bytes became readable through the source.
  void AdvanceSourced(uint64_t n);
  // Ends the body. Waiting readers are woken.
  void MarkComplete();
  void MarkAborted();
  // Bytes the allocator holds for the resident chunks.
  [[nodiscard]] size_t resident_allocated_bytes() const;
  // The source given at construction (null for resident bodies).
  [[nodiscard]] BodySource* source() const { return source_.get(); }

 private:
  struct Waiter {
    uint64_t id;
    uint64_t offset;
    absl::AnyInvocable<void()> callback;
  };
  void Publish(uint64_t new_available, State new_state);

  std::shared_ptr<BodySource> source_;
  mutable Mutex mu_;
  mutable CondVar cv_;
  // Resident chunks and their start offsets; appended under `mu_` while
  // filling, immutable once complete (then read without the lock).
  // (One inline: most bodies are one chunk.)
  absl::InlinedVector<BodyChunk, 1> chunks_;
  absl::InlinedVector<uint64_t, 1> starts_;
  // The growing tail block of AppendCopy: writable past `tail_used_`.
  char* tail_ = nullptr;
  size_t tail_capacity_ = 0;
  size_t tail_used_ = 0;
  uint64_t resident_end_ = 0;  // offset after the last resident byte
  uint64_t sourced_end_ = 0;   // bytes readable through `source_`
  size_t resident_alloc_ = 0;
  mutable std::vector<Waiter> waiters_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t next_waiter_ ABSL_GUARDED_BY(mu_) = 1;
  std::atomic<uint64_t> available_{0};
  std::atomic<State> state_{State::kFilling};
};

// One client's cursor over a body, or over the byte range [begin, end) of it.
// Keeps the body alive. Thread-compatible.
class EDGEKIT_API BodyReader {
 public:
  BodyReader() = default;
  explicit BodyReader(std::shared_ptr<const Body> body, uint64_t begin = 0,
                      uint64_t end = UINT64_MAX);
  // The partial answer `plan` (edgekit/cache/range.h): one range, or the
  // multipart/byteranges framing and parts; nothing for a 416.
  BodyReader(std::shared_ptr<const Body> body, std::shared_ptr<const RangePlan> plan);
  BodyReader(BodyReader&& other) noexcept;
  BodyReader& operator=(BodyReader&& other) noexcept;
  ~BodyReader();

  // The next bytes (at most `max_bytes`): see `Body::Read`. Returns kEnd at
  // `end` once the bytes up to it exist.
  BodyStatus Next(BodyChunk* out, size_t max_bytes = size_t{256} << 10);
  // After kPending: runs `callback` once when reading again makes progress.
  // A previous registration is cancelled.
  void OnReadable(absl::AnyInvocable<void()> callback);
  void CancelOnReadable();
  // After kPending: blocks until reading again makes progress or `timeout`.
  bool Wait(absl::Duration timeout);
  [[nodiscard]] uint64_t offset() const { return offset_; }

 private:
  BodyStatus NextPart(BodyChunk* out, size_t max_bytes);

  std::shared_ptr<const Body> body_;
  uint64_t offset_ = 0;
  uint64_t end_ = UINT64_MAX;
  uint64_t waiter_ = 0;
  std::shared_ptr<const RangePlan> plan_;  // multipart answers
  size_t part_ = 0;
  size_t framing_pos_ = 0;
  bool in_framing_ = true;
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_BODY_H_
