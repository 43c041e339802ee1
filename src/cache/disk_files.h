// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: disk_files.h
// -----------------------------------------------------------------------------
// Private: the disk store's files. `DiskFiles` (shared by the store and every
// body it made, so a body read after the store is gone still works) names the
// files, keeps a bounded LRU of read descriptors and reports faults.
// `DiskBodySource` reads one object's body: while it is being written, from
// the writer's descriptor; once committed, in whole 64 KiB blocks through
// the descriptor cache, several whole blocks per pread (up to kMaxReadSpan),
// each block checked against its XXH3 checksum before any byte is returned (a
// mismatch drops the object and answers kIoError, never bad bytes).
// Thread-safety: thread-safe.

#ifndef EDGEKIT_SRC_CACHE_DISK_FILES_H_
#define EDGEKIT_SRC_CACHE_DISK_FILES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "cache/disk_record.h"
#include "edgekit/base/mutex.h"
#include "edgekit/cache/body.h"
#include "edgekit/cache/options.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {

// An open file descriptor, closed when the last reference goes.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

// The most one body read reads and holds at once (whole checksum blocks).
constexpr size_t kMaxReadSpan = size_t{1} << 20;

// pread / pwrite of exactly `n` bytes (retrying short transfers and EINTR).
bool ReadFully(int fd, char* buf, size_t n, uint64_t offset);
bool WriteFully(int fd, const char* buf, size_t n, uint64_t offset);

enum class FileKind { kObject, kTemp, kDead };

class DiskFiles {
 public:
  DiskFiles(std::string directory, size_t max_open);

  [[nodiscard]] const std::string& directory() const { return dir_; }
  // <dir>/<bb>/<16 hex digits>.<ek|tmp|dead>
  [[nodiscard]] std::string PathOf(uint64_t id, FileKind kind) const;
  [[nodiscard]] std::string BucketOf(uint64_t id) const;

  // A read descriptor of object `id` (its live file, or its .dead file once
  // removed), cached; null if it cannot be opened.
  std::shared_ptr<Fd> OpenForRead(uint64_t id, bool removed);
  // Drops the cached descriptor of `id` (the file is going away).
  void Forget(uint64_t id);
  [[nodiscard]] size_t open_count() const;

  // Faults go to the listener (the cache), or else the observer.
  void Fault(cache::StoreFault fault, std::string_view detail);
  std::atomic<cache::StoreListener*> listener{nullptr};
  cache::CacheObserver* observer = nullptr;
  // The store's reaction to a corrupt committed file: drop it from the index
  // (set by the store; empty once it is gone).
  void SetOnCorrupt(std::function<void(std::string_view key, uint64_t id)> fn);
  void Corrupt(std::string_view key, uint64_t id);

 private:
  struct Entry {
    std::shared_ptr<Fd> fd;
    std::list<uint64_t>::iterator lru;
  };
  const std::string dir_;
  const size_t max_open_;
  mutable Mutex mu_;
  absl::flat_hash_map<uint64_t, Entry> open_ ABSL_GUARDED_BY(mu_);
  std::list<uint64_t> lru_ ABSL_GUARDED_BY(mu_);  // most recent first
  Mutex hook_mu_;
  std::shared_ptr<std::function<void(std::string_view, uint64_t)>> on_corrupt_
      ABSL_GUARDED_BY(hook_mu_);
};

// Where an object's parts are in its file.
struct FileLayout {
  uint64_t body_offset = 0;
  uint64_t body_length = 0;
  FileHeader header;  // as last written (committed objects)
};

class DiskBodySource final : public cache::BodySource {
 public:
  DiskBodySource(std::shared_ptr<DiskFiles> files, uint64_t id, std::string key,
                 uint64_t body_offset);
  ~DiskBodySource() override;

  cache::BodyStatus Read(uint64_t offset, size_t max_bytes, cache::BodyChunk* out) override;

  [[nodiscard]] uint64_t id() const { return id_; }
  // While the object is written: reads use the writer's descriptor.
  void SetWriterFd(std::shared_ptr<Fd> fd);
  // Committed: block checksums and the header as written.
  void Commit(std::vector<uint64_t> sums, const FileHeader& header);
  [[nodiscard]] FileHeader header() const;
  void SetHeader(const FileHeader& header);
  // The file was renamed to .dead (readers may still read it): it is deleted
  // with this source.
  void MarkRemoved();

 private:
  const std::shared_ptr<DiskFiles> files_;
  const uint64_t id_;
  const std::string key_;
  const uint64_t body_offset_;
  mutable Mutex mu_;
  std::shared_ptr<Fd> writer_fd_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const std::vector<uint64_t>> sums_ ABSL_GUARDED_BY(mu_);
  FileHeader header_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> removed_{false};
  std::atomic<bool> corrupt_{false};
};

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_CACHE_DISK_FILES_H_
