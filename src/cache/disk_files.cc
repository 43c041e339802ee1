// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The disk store's files (see disk_files.h).
#include "cache/disk_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "cache/checksum.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

bool ReadFully(int fd, char* buf, size_t n, uint64_t offset) {
  while (n > 0) {
    const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return true;
}

bool WriteFully(int fd, const char* buf, size_t n, uint64_t offset) {
  while (n > 0) {
    const ssize_t r = ::pwrite(fd, buf, n, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    buf += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return true;
}

// -----------------------------------------------------------------------------
// DiskFiles
// -----------------------------------------------------------------------------

DiskFiles::DiskFiles(std::string directory, size_t max_open)
    : dir_(std::move(directory)), max_open_(max_open) {}

std::string DiskFiles::BucketOf(uint64_t id) const {
  char b[8];
  std::snprintf(b, sizeof(b), "/%02x", static_cast<unsigned>(id & 0xff));
  return dir_ + b;
}

std::string DiskFiles::PathOf(uint64_t id, FileKind kind) const {
  static constexpr const char* kExt[] = {"ek", "tmp", "dead"};
  char name[40];
  std::snprintf(name, sizeof(name), "/%016" PRIx64 ".%s", id, kExt[static_cast<int>(kind)]);
  return BucketOf(id) + name;
}

std::shared_ptr<Fd> DiskFiles::OpenForRead(uint64_t id, bool removed) {
  {
    MutexLock lock(&mu_);
    auto it = open_.find(id);
    if (it != open_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      return it->second.fd;
    }
  }
  int fd = ::open(PathOf(id, removed ? FileKind::kDead : FileKind::kObject).c_str(),
                  O_RDONLY | O_CLOEXEC);
  if (fd < 0 && !removed) {
    // Removed meanwhile: renamed to .dead (still readable while referenced).
    fd = ::open(PathOf(id, FileKind::kDead).c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) return nullptr;
  auto out = std::make_shared<Fd>(fd);
  std::shared_ptr<Fd> closing;  // released outside the lock
  MutexLock lock(&mu_);
  auto it = open_.find(id);
  if (it != open_.end()) return it->second.fd;  // another reader won
  lru_.push_front(id);
  open_.emplace(id, Entry{out, lru_.begin()});
  if (open_.size() > max_open_) {
    const uint64_t victim = lru_.back();
    lru_.pop_back();
    auto v = open_.find(victim);
    closing = std::move(v->second.fd);
    open_.erase(v);
  }
  return out;
}

void DiskFiles::Forget(uint64_t id) {
  std::shared_ptr<Fd> closing;
  MutexLock lock(&mu_);
  auto it = open_.find(id);
  if (it == open_.end()) return;
  closing = std::move(it->second.fd);
  lru_.erase(it->second.lru);
  open_.erase(it);
}

size_t DiskFiles::open_count() const {
  MutexLock lock(&mu_);
  return open_.size();
}

void DiskFiles::Fault(cache::StoreFault fault, std::string_view detail) {
  cache::StoreListener* l = listener.load(std::memory_order_acquire);
  if (l != nullptr) {
    l->OnFault(fault, detail);
  } else if (observer != nullptr) {
    observer->OnStoreFault(cache::StoreFaultEvent{fault, detail});
  }
}

void DiskFiles::SetOnCorrupt(std::function<void(std::string_view, uint64_t)> fn) {
  auto p = fn ? std::make_shared<std::function<void(std::string_view, uint64_t)>>(std::move(fn))
              : nullptr;
  MutexLock lock(&hook_mu_);
  on_corrupt_ = std::move(p);
}

void DiskFiles::Corrupt(std::string_view key, uint64_t id) {
  std::shared_ptr<std::function<void(std::string_view, uint64_t)>> fn;
  {
    MutexLock lock(&hook_mu_);
    fn = on_corrupt_;
  }
  if (fn) (*fn)(key, id);
}

// -----------------------------------------------------------------------------
// DiskBodySource
// -----------------------------------------------------------------------------

DiskBodySource::DiskBodySource(std::shared_ptr<DiskFiles> files, uint64_t id, std::string key,
                               uint64_t body_offset)
    : files_(std::move(files)), id_(id), key_(std::move(key)), body_offset_(body_offset) {}

DiskBodySource::~DiskBodySource() {
  if (removed_.load(std::memory_order_acquire)) {
    files_->Forget(id_);
    ::unlink(files_->PathOf(id_, FileKind::kDead).c_str());
  }
}

void DiskBodySource::SetWriterFd(std::shared_ptr<Fd> fd) {
  MutexLock lock(&mu_);
  writer_fd_ = std::move(fd);
}

void DiskBodySource::Commit(std::vector<uint64_t> sums, const FileHeader& header) {
  auto s = std::make_shared<const std::vector<uint64_t>>(std::move(sums));
  MutexLock lock(&mu_);
  sums_ = std::move(s);
  header_ = header;
  writer_fd_.reset();
}

FileHeader DiskBodySource::header() const {
  MutexLock lock(&mu_);
  return header_;
}

void DiskBodySource::SetHeader(const FileHeader& header) {
  MutexLock lock(&mu_);
  header_ = header;
}

void DiskBodySource::MarkRemoved() { removed_.store(true, std::memory_order_release); }

cache::BodyStatus DiskBodySource::Read(uint64_t offset, size_t max_bytes, cache::BodyChunk* out) {
  if (corrupt_.load(std::memory_order_acquire)) return cache::BodyStatus::kIoError;
  std::shared_ptr<Fd> writer;
  std::shared_ptr<const std::vector<uint64_t>> sums;
  uint64_t body_length = 0;
  uint32_t block = kBodyBlockSize;
  {
    MutexLock lock(&mu_);
    writer = writer_fd_;
    sums = sums_;
    body_length = header_.body_length;
    block = header_.block_size;
  }
  if (writer != nullptr) {
    // Still being written by this process: bytes below `available` are ours.
    const size_t n = std::min(max_bytes, kMaxReadSpan);
    char* data = nullptr;
    cache::BodyChunk chunk = cache::BodyChunk::Uninitialized(n, &data);
    if (!ReadFully(writer->get(), data, n, body_offset_ + offset)) {
      files_->Fault(cache::StoreFault::kReadError, files_->PathOf(id_, FileKind::kTemp));
      return cache::BodyStatus::kIoError;
    }
    *out = std::move(chunk);
    return cache::BodyStatus::kOk;
  }
  if (sums == nullptr || offset >= body_length) return cache::BodyStatus::kIoError;
  const uint64_t first = offset / block;
  if (first >= sums->size()) return cache::BodyStatus::kIoError;
  // Whole blocks from the one holding `offset` through the one holding the
  // last byte asked for, at most kMaxReadSpan (or one block): one pread, each
  // block checked before any byte is handed out.
  const uint64_t start = first * block;
  // (At least one byte, never past the body: no wrap for any max_bytes.)
  const uint64_t want_end =
      offset + std::max<uint64_t>(1, std::min<uint64_t>(max_bytes, body_length - offset));
  const uint64_t span_blocks = std::max<uint64_t>(1, kMaxReadSpan / block);
  const uint64_t last = std::min<uint64_t>(
      {(want_end - 1) / block, first + span_blocks - 1, static_cast<uint64_t>(sums->size()) - 1});
  const uint64_t end = std::min<uint64_t>(body_length, (last + 1) * block);
  const size_t len = static_cast<size_t>(end - start);
  std::shared_ptr<Fd> fd = files_->OpenForRead(id_, removed_.load(std::memory_order_acquire));
  if (fd == nullptr) {
    files_->Fault(cache::StoreFault::kReadError, files_->PathOf(id_, FileKind::kObject));
    return cache::BodyStatus::kIoError;
  }
  char* data = nullptr;
  cache::BodyChunk chunk = cache::BodyChunk::Uninitialized(len, &data);
  const bool read = ReadFully(fd->get(), data, len, body_offset_ + start);
  uint64_t good = first;  // blocks first..good-1 match their checksums
  while (read && good <= last) {
    const size_t at = static_cast<size_t>((good - first) * block);
    const size_t n = std::min<size_t>(block, len - at);
    if (Checksum(std::string_view(data + at, n)) != (*sums)[good]) break;
    ++good;
  }
  if (good == first) {
    // Never serve bytes that fail their checksum: drop the object.
    corrupt_.store(true, std::memory_order_release);
    const std::string path = files_->PathOf(id_, FileKind::kObject);
    files_->Fault(read ? cache::StoreFault::kCorruptFile : cache::StoreFault::kTornFile, path);
    files_->Corrupt(key_, id_);
    return cache::BodyStatus::kIoError;
  }
  // Only the blocks that checked (a bad one after them fails the next read).
  const size_t checked = std::min<size_t>(len, static_cast<size_t>((good - first) * block));
  const size_t skip = static_cast<size_t>(offset - start);
  *out = chunk.Slice(skip, std::min(max_bytes, checked - skip));
  return cache::BodyStatus::kOk;
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
