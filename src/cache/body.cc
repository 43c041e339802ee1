// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Stored bodies: shared immutable chunks, filling state, readers (see
// edgekit/cache/body.h).
#include "edgekit/cache/body.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "cache/alloc_size.h"
#include "edgekit/base/clock.h"
#include "edgekit/cache/range.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

void ChunkOwner::Destroy() const { delete this; }

namespace {

// Bytes allocated inline after the owner (one allocation).
class BlockOwner final : public ChunkOwner {
 public:
  static BlockOwner* Create(size_t capacity) {
    void* p = ::operator new(sizeof(BlockOwner) + capacity);
    return new (p) BlockOwner(capacity);
  }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }
  static void operator delete(void* p) { ::operator delete(p); }

 private:
  explicit BlockOwner(size_t capacity) : ChunkOwner(AllocatedSize(sizeof(BlockOwner) + capacity)) {}
};

class StringOwner final : public ChunkOwner {
 public:
  explicit StringOwner(std::string s)
      : ChunkOwner(AllocatedSize(sizeof(StringOwner)) +
                   (s.capacity() > 15 ? AllocatedSize(s.capacity() + 1) : 0)),
        bytes_(std::move(s)) {}
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// The host's buffer: its size is unknown to us, so it reports 0 allocated
// bytes and stores copy what they keep rather than charge a guess.
class SharedOwner final : public ChunkOwner {
 public:
  explicit SharedOwner(std::shared_ptr<const void> owner)
      : ChunkOwner(0), owner_(std::move(owner)) {}

 private:
  std::shared_ptr<const void> owner_;
};

}  // namespace
}  // namespace cache_internal

namespace cache {

using cache_internal::BlockOwner;

std::string_view ToString(BodyStatus status) {
  switch (status) {
    case BodyStatus::kOk:
      return "ok";
    case BodyStatus::kPending:
      return "pending";
    case BodyStatus::kEnd:
      return "end";
    case BodyStatus::kAborted:
      return "aborted";
    case BodyStatus::kIoError:
      return "io_error";
  }
  return "unknown";
}

// -----------------------------------------------------------------------------
// BodyChunk
// -----------------------------------------------------------------------------

BodyChunk BodyChunk::Copy(std::string_view bytes) {
  if (bytes.empty()) return BodyChunk();
  BlockOwner* owner = BlockOwner::Create(bytes.size());
  std::memcpy(owner->bytes(), bytes.data(), bytes.size());
  return BodyChunk(owner, owner->bytes(), bytes.size());
}

BodyChunk BodyChunk::Adopt(std::string bytes) {
  if (bytes.empty()) return BodyChunk();
  auto* owner = new cache_internal::StringOwner(std::move(bytes));
  return BodyChunk(owner, owner->bytes().data(), owner->bytes().size());
}

BodyChunk BodyChunk::Share(std::shared_ptr<const void> owner, std::string_view bytes) {
  if (bytes.empty()) return BodyChunk();
  if (owner == nullptr) return BodyChunk(nullptr, bytes.data(), bytes.size());  // a view
  auto* o = new cache_internal::SharedOwner(std::move(owner));
  return BodyChunk(o, bytes.data(), bytes.size());
}

BodyChunk BodyChunk::Uninitialized(size_t size, char** data) {
  BlockOwner* owner = BlockOwner::Create(size);
  *data = owner->bytes();
  return BodyChunk(owner, owner->bytes(), size);
}

BodyChunk BodyChunk::Slice(size_t pos, size_t n) const {
  pos = std::min(pos, size_);
  n = std::min(n, size_ - pos);
  if (n == 0) return BodyChunk();
  if (owner_ != nullptr) owner_->Ref();
  return BodyChunk(owner_, data_ + pos, n);
}

// -----------------------------------------------------------------------------
// Body
// -----------------------------------------------------------------------------

Body::Body(std::shared_ptr<BodySource> source) : source_(std::move(source)) {}

Body::~Body() = default;

std::shared_ptr<Body> Body::Complete(std::vector<BodyChunk> chunks) {
  auto body = std::make_shared<Body>();
  for (BodyChunk& c : chunks) body->Append(std::move(c));
  body->MarkComplete();
  return body;
}

BodyStatus Body::Read(uint64_t offset, size_t max_bytes, BodyChunk* out) const {
  *out = BodyChunk();
  State st = state();
  if (st == State::kAborted) return BodyStatus::kAborted;
  if (max_bytes == 0) max_bytes = 1;
  if (st == State::kComplete) {
    // Immutable now: no lock.
    if (offset >= available()) return BodyStatus::kEnd;
    if (offset < resident_end_ && !chunks_.empty()) {
      const size_t i = static_cast<size_t>(
          std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin() - 1);
      const BodyChunk& c = chunks_[i];
      *out = c.Slice(static_cast<size_t>(offset - starts_[i]), max_bytes);
      return BodyStatus::kOk;
    }
  } else {
    MutexLock lock(&mu_);
    st = state();
    if (st == State::kAborted) return BodyStatus::kAborted;
    const uint64_t avail = available();
    if (offset >= avail) return st == State::kComplete ? BodyStatus::kEnd : BodyStatus::kPending;
    if (offset < resident_end_ && !chunks_.empty()) {
      const size_t i = static_cast<size_t>(
          std::upper_bound(starts_.begin(), starts_.end(), offset) - starts_.begin() - 1);
      *out = chunks_[i].Slice(static_cast<size_t>(offset - starts_[i]), max_bytes);
      return BodyStatus::kOk;
    }
  }
  if (source_ == nullptr) return BodyStatus::kIoError;
  const uint64_t left = available() - offset;
  const BodyStatus s =
      source_->Read(offset, static_cast<size_t>(std::min<uint64_t>(left, max_bytes)), out);
  if (s != BodyStatus::kOk) *out = BodyChunk();
  return s == BodyStatus::kOk && out->empty() ? BodyStatus::kIoError : s;
}

absl::Span<const BodyChunk> Body::resident_chunks() const {
  if (!complete() || resident_end_ != available()) return {};
  return chunks_;
}

uint64_t Body::OnReadable(uint64_t offset, absl::AnyInvocable<void()> callback) const {
  {
    MutexLock lock(&mu_);
    if (state() == State::kFilling && offset >= available()) {
      const uint64_t id = next_waiter_++;
      waiters_.push_back(Waiter{id, offset, std::move(callback)});
      return id;
    }
  }
  callback();
  return 0;
}

bool Body::CancelOnReadable(uint64_t id) const {
  absl::AnyInvocable<void()> dropped;  // destroyed outside the lock
  MutexLock lock(&mu_);
  for (size_t i = 0; i < waiters_.size(); ++i) {
    if (waiters_[i].id == id) {
      dropped = std::move(waiters_[i].callback);
      waiters_.erase(waiters_.begin() + static_cast<ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

bool Body::WaitReadable(uint64_t offset, absl::Duration timeout) const {
  Clock& clock = RealClock::Get();
  const absl::Time deadline = clock.MonotonicNow() + timeout;
  MutexLock lock(&mu_);
  while (state() == State::kFilling && offset >= available()) {
    const absl::Duration left = deadline - clock.MonotonicNow();
    if (left <= absl::ZeroDuration()) return false;
    (void)cv_.WaitWithTimeout(&mu_, left);
  }
  return true;
}

std::string Body::ToString() const {
  std::string out;
  uint64_t offset = 0;
  BodyChunk c;
  while (Read(offset, size_t{1} << 20, &c) == BodyStatus::kOk) {
    out.append(c.data(), c.size());
    offset += c.size();
  }
  if (aborted()) out.clear();
  return out;
}

void Body::Append(BodyChunk chunk) {
  if (chunk.empty()) return;
  uint64_t end;
  {
    MutexLock lock(&mu_);
    tail_ = nullptr;  // a foreign chunk ends the growing block
    tail_capacity_ = tail_used_ = 0;
    resident_alloc_ += chunk.allocated_bytes();
    starts_.push_back(resident_end_);
    resident_end_ += chunk.size();
    chunks_.push_back(std::move(chunk));
    end = std::max(resident_end_, sourced_end_);
  }
  Publish(end, State::kFilling);
}

size_t Body::AppendCopy(std::string_view bytes, size_t block_bytes) {
  size_t allocated = 0;
  uint64_t end;
  {
    MutexLock lock(&mu_);
    while (!bytes.empty()) {
      if (tail_ != nullptr && tail_used_ < tail_capacity_) {
        // Grow the last chunk in place: readers hold views of its prefix only.
        const size_t n = std::min(bytes.size(), tail_capacity_ - tail_used_);
        std::memcpy(tail_ + tail_used_, bytes.data(), n);
        tail_used_ += n;
        BodyChunk& last = chunks_.back();
        last.size_ += n;
        resident_end_ += n;
        bytes.remove_prefix(n);
        continue;
      }
      const size_t capacity = std::max(block_bytes, bytes.size() < block_bytes ? 0 : bytes.size());
      BlockOwner* owner = BlockOwner::Create(capacity);
      allocated += owner->allocated_bytes();
      resident_alloc_ += owner->allocated_bytes();
      tail_ = owner->bytes();
      tail_capacity_ = capacity;
      tail_used_ = 0;
      starts_.push_back(resident_end_);
      chunks_.push_back(BodyChunk(owner, tail_, 0));
    }
    end = std::max(resident_end_, sourced_end_);
  }
  Publish(end, State::kFilling);
  return allocated;
}

size_t Body::CopyCost(size_t n, size_t block_bytes) const {
  MutexLock lock(&mu_);
  const size_t free = tail_ != nullptr ? tail_capacity_ - tail_used_ : 0;
  if (n <= free) return 0;
  const size_t rest = n - free;
  const size_t capacity = rest < block_bytes ? block_bytes : rest;
  return cache_internal::AllocatedSize(sizeof(BlockOwner) + capacity);
}

void Body::AdvanceSourced(uint64_t n) {
  uint64_t end;
  {
    MutexLock lock(&mu_);
    sourced_end_ += n;
    end = std::max(resident_end_, sourced_end_);
  }
  Publish(end, State::kFilling);
}

void Body::MarkComplete() {
  uint64_t end;
  {
    MutexLock lock(&mu_);
    tail_ = nullptr;
    end = std::max(resident_end_, sourced_end_);
  }
  Publish(end, State::kComplete);
}

void Body::MarkAborted() { Publish(available(), State::kAborted); }

size_t Body::resident_allocated_bytes() const {
  MutexLock lock(&mu_);
  return resident_alloc_;
}

void Body::Publish(uint64_t new_available, State new_state) {
  std::vector<absl::AnyInvocable<void()>> ready;
  {
    MutexLock lock(&mu_);
    available_.store(new_available, std::memory_order_release);
    if (new_state != State::kFilling) state_.store(new_state, std::memory_order_release);
    size_t kept = 0;
    for (size_t i = 0; i < waiters_.size(); ++i) {
      if (new_state != State::kFilling || waiters_[i].offset < new_available) {
        ready.push_back(std::move(waiters_[i].callback));
      } else {
        if (kept != i) waiters_[kept] = std::move(waiters_[i]);
        ++kept;
      }
    }
    waiters_.resize(kept);
    cv_.SignalAll();
  }
  for (auto& cb : ready) cb();
}

// -----------------------------------------------------------------------------
// BodyReader
// -----------------------------------------------------------------------------

BodyReader::BodyReader(std::shared_ptr<const Body> body, uint64_t begin, uint64_t end)
    : body_(std::move(body)), offset_(begin), end_(end) {}

BodyReader::BodyReader(std::shared_ptr<const Body> body, std::shared_ptr<const RangePlan> plan)
    : body_(std::move(body)) {
  if (plan == nullptr) return;
  if (plan->ranges.empty()) {  // 416: nothing to send
    end_ = 0;
    return;
  }
  if (plan->ranges.size() == 1) {
    offset_ = plan->ranges[0].first;
    end_ = plan->ranges[0].last + 1;
    return;
  }
  plan_ = std::move(plan);
}

BodyReader::BodyReader(BodyReader&& other) noexcept
    : body_(std::move(other.body_)),
      offset_(other.offset_),
      end_(other.end_),
      waiter_(std::exchange(other.waiter_, 0)),
      plan_(std::move(other.plan_)),
      part_(other.part_),
      framing_pos_(other.framing_pos_),
      in_framing_(other.in_framing_) {}

BodyReader& BodyReader::operator=(BodyReader&& other) noexcept {
  if (this != &other) {
    CancelOnReadable();
    body_ = std::move(other.body_);
    offset_ = other.offset_;
    end_ = other.end_;
    waiter_ = std::exchange(other.waiter_, 0);
    plan_ = std::move(other.plan_);
    part_ = other.part_;
    framing_pos_ = other.framing_pos_;
    in_framing_ = other.in_framing_;
  }
  return *this;
}

BodyReader::~BodyReader() { CancelOnReadable(); }

BodyStatus BodyReader::NextPart(BodyChunk* out, size_t max_bytes) {
  const RangePlan& plan = *plan_;
  for (;;) {
    if (in_framing_) {
      if (part_ >= plan.framing.size()) return BodyStatus::kEnd;
      const BodyChunk& f = plan.framing[part_];
      if (framing_pos_ < f.size()) {
        *out = f.Slice(framing_pos_, max_bytes);
        framing_pos_ += out->size();
        return BodyStatus::kOk;
      }
      framing_pos_ = 0;
      if (part_ == plan.ranges.size()) {  // the closing delimiter was sent
        ++part_;
        return BodyStatus::kEnd;
      }
      in_framing_ = false;
      offset_ = plan.ranges[part_].first;
      end_ = plan.ranges[part_].last + 1;
    }
    if (offset_ >= end_) {
      in_framing_ = true;
      ++part_;
      continue;
    }
    const uint64_t want = std::min<uint64_t>(max_bytes, end_ - offset_);
    const BodyStatus s = body_->Read(offset_, static_cast<size_t>(want), out);
    if (s == BodyStatus::kOk) offset_ += out->size();
    return s;
  }
}

BodyStatus BodyReader::Next(BodyChunk* out, size_t max_bytes) {
  *out = BodyChunk();
  if (body_ == nullptr) return BodyStatus::kEnd;
  if (plan_ != nullptr) return NextPart(out, max_bytes);
  if (offset_ >= end_) {
    // Even a range that ends early must not be declared complete over an
    // aborted object.
    return body_->aborted() ? BodyStatus::kAborted : BodyStatus::kEnd;
  }
  const uint64_t want = std::min<uint64_t>(max_bytes, end_ - offset_);
  const BodyStatus s = body_->Read(offset_, static_cast<size_t>(want), out);
  if (s == BodyStatus::kOk) offset_ += out->size();
  return s;
}

void BodyReader::OnReadable(absl::AnyInvocable<void()> callback) {
  CancelOnReadable();
  if (body_ == nullptr) {
    callback();
    return;
  }
  waiter_ = body_->OnReadable(offset_, std::move(callback));
}

void BodyReader::CancelOnReadable() {
  if (waiter_ != 0 && body_ != nullptr) body_->CancelOnReadable(waiter_);
  waiter_ = 0;
}

bool BodyReader::Wait(absl::Duration timeout) {
  if (body_ == nullptr) return true;
  return body_->WaitReadable(offset_, timeout);
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
