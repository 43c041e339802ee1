// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The disk store (see edgekit/cache/disk_store.h): index in memory, one file
// per variant, rebuilt from the directory at Create.
#include "edgekit/cache/disk_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "cache/alloc_size.h"
#include "cache/checksum.h"
#include "cache/disk_files.h"
#include "cache/disk_record.h"
#include "cache/variant_index.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

using cache_internal::DiskBodySource;
using cache_internal::DiskFiles;
using cache_internal::Fd;
using cache_internal::FileHeader;
using cache_internal::FileKind;
using cache_internal::FillToken;
using cache_internal::RemovedList;

namespace {

constexpr uint64_t kFsBlock = 4096;
uint64_t FsBytes(uint64_t file_bytes) { return (file_bytes + kFsBlock - 1) / kFsBlock * kFsBlock; }

// Disk bytes of a body of `n` bytes and its checksum table.
uint64_t BodyFsBytes(uint64_t n) {
  return FsBytes(n + cache_internal::BlockCount(n, cache_internal::kBodyBlockSize) * 8);
}

DiskBodySource* SourceOf(const StoredResponse& r) {
  return r.body != nullptr ? static_cast<DiskBodySource*>(r.body->source()) : nullptr;
}

bool SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::string_view ToString(FsyncPolicy p) {
  return p == FsyncPolicy::kOnCommit ? "on_commit" : "none";
}

struct DiskStore::Impl {
  explicit Impl(const DiskStoreOptions& o)
      : options(o),
        index(o.max_bytes, static_cast<size_t>(o.shard_count), o.max_object_bytes),
        files(std::make_shared<DiskFiles>(o.directory, o.max_open_files)) {
    files->observer = o.observer;
  }

  DiskStoreOptions options;
  cache_internal::VariantIndex index;
  std::shared_ptr<DiskFiles> files;
  DiskStoreRecovery recovery;
  std::atomic<uint64_t> next_id{1};
  std::atomic<size_t> inserts{0};
  std::atomic<uint64_t> memory{0};

  // Finishes what the index removed: aborts filling bodies, deletes (or, if
  // someone still reads them, renames to .dead) committed files, reports
  // evictions.
  void Finish(RemovedList& removed) {
    for (cache_internal::Removed& r : removed) {
      memory.fetch_sub(r.resp->allocated_bytes(), std::memory_order_relaxed);
      if (r.filling) continue;  // its writer deletes its .tmp
      DiskBodySource* src = SourceOf(*r.resp);
      if (src == nullptr) continue;
      files->Forget(src->id());
      const std::string path = files->PathOf(src->id(), FileKind::kObject);
      if (r.resp.use_count() == 1 && r.resp->body.use_count() == 1) {
        ::unlink(path.c_str());  // nobody reads it
      } else if (::rename(path.c_str(), files->PathOf(src->id(), FileKind::kDead).c_str()) == 0) {
        src->MarkRemoved();
      }
    }
    cache_internal::FinishRemoved(removed, files->listener.load(std::memory_order_acquire));
  }

  // Rewrites the header of a committed file (soft purge, 304).
  bool WriteHeader(DiskBodySource* src, const FileHeader& h) {
    const std::string path = files->PathOf(src->id(), FileKind::kObject);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const std::string bytes = cache_internal::EncodeHeader(h);
    bool ok = cache_internal::WriteFully(fd, bytes.data(), bytes.size(), 0);
    if (ok && options.fsync == FsyncPolicy::kOnCommit) ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) files->Fault(StoreFault::kWriteError, path);
    src->SetHeader(h);
    return ok;
  }

  void MarkOnDisk(const cache_internal::VariantIndex::Marked& marked, absl::Time at) {
    for (const auto& r : marked) {
      DiskBodySource* src = SourceOf(*r);
      if (src == nullptr || !r->body->complete()) continue;
      FileHeader h = src->header();
      h.stale_from_ns = std::min(h.stale_from_ns, absl::ToUnixNanos(at));
      WriteHeader(src, h);
    }
  }

  absl::Status Rebuild();
};

namespace {

class DiskWriter final : public StoreWriter {
 public:
  DiskWriter(std::shared_ptr<DiskStore::Impl> store, std::shared_ptr<Body> body,
             DiskBodySource* source, std::shared_ptr<Fd> fd, uint64_t id, uint64_t body_offset,
             uint64_t head_bytes, uint64_t meta_length, uint64_t meta_hash, uint64_t max_bytes,
             const StoredResponse* replaces)
      : store_(std::move(store)),
        body_(std::move(body)),
        source_(source),
        fd_(std::move(fd)),
        id_(id),
        body_offset_(body_offset),
        head_bytes_(head_bytes),
        meta_length_(meta_length),
        meta_hash_(meta_hash),
        max_bytes_(max_bytes),
        replaces_(replaces) {
    charged_ = head_bytes_;
  }
  ~DiskWriter() override {
    if (!done_) Abort();
    store_->inserts.fetch_sub(1, std::memory_order_relaxed);
  }

  FillToken* token() { return &token_; }
  uint64_t charged() const { return charged_; }

  bool Append(const BodyChunk& chunk) override {
    if (done_) return false;
    if (chunk.empty()) return true;
    if (written_ + chunk.size() > max_bytes_) {
      Abort();
      return false;
    }
    if (!cache_internal::WriteFully(fd_->get(), chunk.data(), chunk.size(),
                                    body_offset_ + written_)) {
      store_->files->Fault(StoreFault::kWriteError, store_->files->PathOf(id_, FileKind::kTemp));
      Abort();
      return false;
    }
    HashBlocks(chunk.view());
    const uint64_t want = head_bytes_ + BodyFsBytes(written_ + chunk.size());
    if (want > charged_) {
      RemovedList removed;
      const bool ok = store_->index.Grow(&token_, want - charged_, &removed);
      store_->Finish(removed);
      if (!ok) {
        Abort();
        return false;
      }
      charged_ = want;
    }
    written_ += chunk.size();
    body_->AdvanceSourced(chunk.size());
    return true;
  }

  bool Commit() override {
    if (done_) return false;
    if (block_fill_ > 0) sums_.push_back(block_sum_.Digest());
    FileHeader h;
    h.body_offset = body_offset_;
    h.body_length = written_;
    h.meta_offset = cache_internal::kFileHeaderSize;
    h.meta_length = static_cast<uint32_t>(meta_length_);
    h.meta_hash = meta_hash_;
    h.sums_offset = body_offset_ + written_;
    std::string table;
    for (uint64_t s : sums_) {
      for (int i = 0; i < 8; ++i) table.push_back(static_cast<char>((s >> (8 * i)) & 0xff));
    }
    h.sums_hash = cache_internal::Checksum(table);
    const std::string header = cache_internal::EncodeHeader(h);
    const std::string tmp = store_->files->PathOf(id_, FileKind::kTemp);
    const std::string final_path = store_->files->PathOf(id_, FileKind::kObject);
    bool ok = cache_internal::WriteFully(fd_->get(), table.data(), table.size(), h.sums_offset) &&
              cache_internal::WriteFully(fd_->get(), header.data(), header.size(), 0);
    if (ok && store_->options.fsync == FsyncPolicy::kOnCommit) ok = ::fsync(fd_->get()) == 0;
    if (ok) ok = ::rename(tmp.c_str(), final_path.c_str()) == 0;
    if (ok && store_->options.fsync == FsyncPolicy::kOnCommit) {
      ok = SyncDirectory(store_->files->BucketOf(id_));
    }
    if (!ok) {
      store_->files->Fault(StoreFault::kWriteError, tmp);
      Abort();
      return false;
    }
    done_ = true;
    source_->Commit(std::move(sums_), h);
    fd_.reset();
    RemovedList removed;
    const bool committed = store_->index.Commit(&token_, replaces_, &removed);
    if (committed) {
      body_->MarkComplete();
    } else {
      // Removed while it was written (purged): the file goes too.
      ::unlink(final_path.c_str());
      body_->MarkAborted();
    }
    store_->Finish(removed);
    return committed;
  }

  void Abort() override {
    if (done_) return;
    done_ = true;
    RemovedList removed;
    store_->index.Abort(&token_, &removed);
    body_->MarkAborted();
    fd_.reset();
    source_->SetWriterFd(nullptr);
    ::unlink(store_->files->PathOf(id_, FileKind::kTemp).c_str());
    store_->Finish(removed);
  }

 private:
  void HashBlocks(std::string_view bytes) {
    while (!bytes.empty()) {
      const size_t n = std::min<size_t>(bytes.size(), cache_internal::kBodyBlockSize - block_fill_);
      block_sum_.Update(bytes.substr(0, n));
      block_fill_ += n;
      bytes.remove_prefix(n);
      if (block_fill_ == cache_internal::kBodyBlockSize) {
        sums_.push_back(block_sum_.Digest());
        block_sum_.Reset();
        block_fill_ = 0;
      }
    }
  }

  std::shared_ptr<DiskStore::Impl> store_;
  std::shared_ptr<Body> body_;
  DiskBodySource* source_;
  std::shared_ptr<Fd> fd_;
  FillToken token_;
  const uint64_t id_;
  const uint64_t body_offset_;
  const uint64_t head_bytes_;  // disk bytes of header and fields block
  const uint64_t meta_length_;
  const uint64_t meta_hash_;
  const uint64_t max_bytes_;
  const StoredResponse* replaces_;
  uint64_t written_ = 0;
  uint64_t charged_ = 0;
  std::vector<uint64_t> sums_;
  cache_internal::ChecksumStream block_sum_;
  size_t block_fill_ = 0;
  bool done_ = false;
};

}  // namespace

// -----------------------------------------------------------------------------
// Rebuild
// -----------------------------------------------------------------------------

absl::Status DiskStore::Impl::Rebuild() {
  struct Found {
    uint64_t id;
    std::shared_ptr<StoredResponse> resp;
    FileHeader header;
    std::vector<uint64_t> sums;
    uint64_t size;
  };
  std::vector<Found> found;
  uint64_t max_id = 0;
  for (uint64_t b = 0; b < 256; ++b) {
    const std::string bucket = files->BucketOf(b);
    DIR* d = ::opendir(bucket.c_str());
    if (d == nullptr) continue;
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
    ::closedir(d);
    for (const std::string& name : names) {
      const size_t dot = name.find('.');
      if (dot != 16) continue;
      uint64_t id = 0;
      bool hex = true;
      for (size_t i = 0; i < 16; ++i) {
        const char c = name[i];
        const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0) hex = false;
        id = id << 4 | static_cast<uint64_t>(v < 0 ? 0 : v);
      }
      if (!hex) continue;
      const std::string ext = name.substr(dot + 1);
      const std::string path = bucket + "/" + name;
      max_id = std::max(max_id, id);
      if (ext == "tmp") {
        ::unlink(path.c_str());  // an insert that never committed
        ++recovery.torn;
        files->Fault(StoreFault::kTornFile, path);
        continue;
      }
      if (ext == "dead") {
        ::unlink(path.c_str());
        continue;
      }
      if (ext != "ek") continue;
      auto drop = [&] {
        ::unlink(path.c_str());
        ++recovery.corrupt;
        files->Fault(StoreFault::kCorruptFile, path);
      };
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      Fd closer(fd);
      struct stat st;
      if (::fstat(fd, &st) != 0) continue;
      const uint64_t size = static_cast<uint64_t>(st.st_size);
      char hb[cache_internal::kFileHeaderSize];
      Found f;
      f.id = id;
      f.size = size;
      if (!cache_internal::ReadFully(fd, hb, sizeof(hb), 0) ||
          !cache_internal::DecodeHeader(std::string_view(hb, sizeof(hb)), size, &f.header)) {
        drop();
        continue;
      }
      std::string meta(f.header.meta_length, '\0');
      const uint64_t nsums = cache_internal::BlockCount(f.header.body_length, f.header.block_size);
      std::string table(nsums * 8, '\0');
      if (!cache_internal::ReadFully(fd, meta.data(), meta.size(), f.header.meta_offset) ||
          cache_internal::Checksum(meta) != f.header.meta_hash ||
          !cache_internal::ReadFully(fd, table.data(), table.size(), f.header.sums_offset) ||
          cache_internal::Checksum(table) != f.header.sums_hash ||
          f.header.block_size != cache_internal::kBodyBlockSize) {
        drop();
        continue;
      }
      f.resp = cache_internal::DecodeFields(meta);
      if (f.resp == nullptr) {
        drop();
        continue;
      }
      for (uint64_t i = 0; i < nsums; ++i) {
        uint64_t v = 0;
        for (int k = 0; k < 8; ++k) {
          v |= static_cast<uint64_t>(static_cast<unsigned char>(table[i * 8 + k])) << (8 * k);
        }
        f.sums.push_back(v);
      }
      found.push_back(std::move(f));
    }
  }
  next_id.store(max_id + 1, std::memory_order_relaxed);
  // Oldest first: a newer file of the same variant replaces an older one.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.id < b.id; });
  for (Found& f : found) {
    auto source = std::make_shared<DiskBodySource>(files, f.id, std::string(f.resp->key()),
                                                   f.header.body_offset);
    source->Commit(std::move(f.sums), f.header);
    auto body = std::make_shared<Body>(source);
    body->AdvanceSourced(f.header.body_length);
    body->MarkComplete();
    f.resp->body = std::move(body);
    const uint64_t bytes = f.resp->allocated_bytes();
    const absl::Time stale_from = f.header.stale_from_ns == cache_internal::kNotStale
                                      ? absl::InfiniteFuture()
                                      : absl::FromUnixNanos(f.header.stale_from_ns);
    const StoreKey key = MakeStoreKey(f.resp->key());
    RemovedList removed;
    // The hole before the body takes no disk blocks: known when the fields
    // block is still the first one; otherwise the whole size is charged.
    uint64_t charge = FsBytes(f.size);
    const uint64_t head = FsBytes(cache_internal::kFileHeaderSize + f.header.meta_length);
    if (f.header.meta_offset == cache_internal::kFileHeaderSize && f.header.body_offset > head) {
      charge -= std::min(charge, FsBytes(f.header.body_offset) - head);
    }
    if (index.Restore(key, f.resp, charge, f.id, stale_from, 1 << 20, &removed)) {
      memory.fetch_add(bytes, std::memory_order_relaxed);
      ++recovery.loaded;
    } else {
      ::unlink(files->PathOf(f.id, FileKind::kObject).c_str());
      ++recovery.over_budget;
    }
    Finish(removed);
  }
  return absl::OkStatus();
}

// -----------------------------------------------------------------------------
// DiskStore
// -----------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<DiskStore>> DiskStore::Create(DiskStoreOptions options) {
  if (options.directory.empty()) return absl::InvalidArgumentError("directory must be set");
  if (options.max_bytes == 0) return absl::InvalidArgumentError("max_bytes must be > 0");
  if (options.max_object_bytes == 0) {
    return absl::InvalidArgumentError("max_object_bytes must be > 0");
  }
  if (options.shard_count < 1 || options.shard_count > 1024) {
    return absl::InvalidArgumentError("shard_count must be in [1, 1024]");
  }
  if (options.max_open_files < 1 || options.max_open_files > 65536) {
    return absl::InvalidArgumentError("max_open_files must be in [1, 65536]");
  }
  if (options.max_inserts < 1 || options.max_inserts > 65536) {
    return absl::InvalidArgumentError("max_inserts must be in [1, 65536]");
  }
  while (options.directory.size() > 1 && options.directory.back() == '/') {
    options.directory.pop_back();
  }
  if (::mkdir(options.directory.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::UnavailableError("cannot create " + options.directory + ": " +
                                  std::strerror(errno));
  }
  struct stat st;
  if (::stat(options.directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::UnavailableError(options.directory + " is not a directory");
  }
  if (::access(options.directory.c_str(), R_OK | W_OK | X_OK) != 0) {
    return absl::PermissionDeniedError("cannot write to " + options.directory);
  }
  auto impl = std::make_shared<Impl>(options);
  absl::Status s = impl->Rebuild();
  if (!s.ok()) return s;
  return std::unique_ptr<DiskStore>(new DiskStore(std::move(impl)));
}

DiskStore::DiskStore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {
  std::weak_ptr<Impl> weak = impl_;
  impl_->files->SetOnCorrupt([weak](std::string_view key, uint64_t id) {
    std::shared_ptr<Impl> store = weak.lock();
    if (store == nullptr) return;
    RemovedList removed;
    store->index.RemoveById(MakeStoreKey(key), id, &removed);
    store->Finish(removed);
  });
}

DiskStore::~DiskStore() {
  impl_->files->SetOnCorrupt(nullptr);
  impl_->files->listener.store(nullptr, std::memory_order_release);
}

FindResult DiskStore::Find(const StoreKey& key, const VariantMatcher& matcher) {
  return impl_->index.Find(key, matcher);
}

std::vector<StoredVariant> DiskStore::Variants(const StoreKey& key) {
  return impl_->index.Variants(key);
}

std::unique_ptr<StoreWriter> DiskStore::BeginInsert(InsertRequest request) {
  Impl& im = *impl_;
  const uint64_t max = std::min<uint64_t>(request.max_object_bytes, im.index.max_object());
  const std::string meta = cache_internal::EncodeFields(*request.response);
  if (meta.size() > cache_internal::kMaxFieldsBlock) return nullptr;
  // Charged: the pages of header and fields block, then those of body and
  // checksums (the hole between them takes no disk blocks).
  const uint64_t head_bytes = FsBytes(cache_internal::kFileHeaderSize + meta.size());
  const uint64_t body_offset =
      (cache_internal::kFileHeaderSize + meta.size() + cache_internal::kBodyAlign - 1) /
      cache_internal::kBodyAlign * cache_internal::kBodyAlign;
  if (head_bytes > max) return nullptr;
  if (request.expected_length && head_bytes + BodyFsBytes(*request.expected_length) > max) {
    return nullptr;
  }
  if (im.inserts.fetch_add(1, std::memory_order_relaxed) >= im.options.max_inserts) {
    im.inserts.fetch_sub(1, std::memory_order_relaxed);
    im.files->Fault(StoreFault::kOpenFiles, "max_inserts");
    return nullptr;
  }
  const uint64_t id = im.next_id.fetch_add(1, std::memory_order_relaxed);
  const std::string bucket = im.files->BucketOf(id);
  const std::string tmp = im.files->PathOf(id, FileKind::kTemp);
  int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT && ::mkdir(bucket.c_str(), 0755) == 0) {
    fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  }
  if (fd < 0 && errno == ENOENT) {  // created concurrently
    fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0644);
  }
  if (fd < 0) {
    im.inserts.fetch_sub(1, std::memory_order_relaxed);
    im.files->Fault(StoreFault::kWriteError, tmp);
    return nullptr;
  }
  auto file = std::make_shared<Fd>(fd);
  if (!cache_internal::WriteFully(fd, meta.data(), meta.size(), cache_internal::kFileHeaderSize)) {
    ::unlink(tmp.c_str());
    im.inserts.fetch_sub(1, std::memory_order_relaxed);
    im.files->Fault(StoreFault::kWriteError, tmp);
    return nullptr;
  }
  auto source =
      std::make_shared<DiskBodySource>(im.files, id, std::string(request.key.key), body_offset);
  source->SetWriterFd(file);
  DiskBodySource* raw_source = source.get();
  auto body = std::make_shared<Body>(std::move(source));
  request.response->body = body;
  const uint64_t bytes = request.response->allocated_bytes();
  auto writer = std::make_unique<DiskWriter>(
      impl_, body, raw_source, std::move(file), id, body_offset, head_bytes, meta.size(),
      cache_internal::Checksum(meta), max - head_bytes, request.replaces);
  RemovedList removed;
  const bool ok = im.index.Publish(request.key, std::move(request.response), writer->charged(), id,
                                   request.max_variants, !request.visible_while_filling,
                                   writer->token(), &removed);
  im.Finish(removed);
  if (!ok) return nullptr;  // the writer's destructor removes the .tmp
  im.memory.fetch_add(bytes, std::memory_order_relaxed);
  return writer;
}

bool DiskStore::Update(const StoreKey& key, const StoredResponse& old,
                       std::shared_ptr<StoredResponse> updated) {
  Impl& im = *impl_;
  DiskBodySource* src = SourceOf(old);
  const int64_t mem_delta = static_cast<int64_t>(updated->allocated_bytes()) -
                            static_cast<int64_t>(old.allocated_bytes());
  int64_t disk_delta = 0;
  if (src != nullptr && old.body->complete()) {
    // Append the new fields block and point the header at it.
    const std::string meta = cache_internal::EncodeFields(*updated);
    const std::string path = im.files->PathOf(src->id(), FileKind::kObject);
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    bool ok = ::fstat(fd, &st) == 0;
    const uint64_t size = ok ? static_cast<uint64_t>(st.st_size) : 0;
    ok = ok && cache_internal::WriteFully(fd, meta.data(), meta.size(), size);
    ::close(fd);
    if (!ok) {
      im.files->Fault(StoreFault::kWriteError, path);
      return false;
    }
    FileHeader h = src->header();
    h.meta_offset = size;
    h.meta_length = static_cast<uint32_t>(meta.size());
    h.meta_hash = cache_internal::Checksum(meta);
    h.stale_from_ns = cache_internal::kNotStale;
    if (!im.WriteHeader(src, h)) return false;
    disk_delta =
        static_cast<int64_t>(FsBytes(size + meta.size())) - static_cast<int64_t>(FsBytes(size));
  }
  RemovedList removed;
  const bool ok = im.index.Update(key, old, std::move(updated), disk_delta, &removed);
  if (ok) im.memory.fetch_add(static_cast<uint64_t>(mem_delta), std::memory_order_relaxed);
  im.Finish(removed);
  return ok;
}

bool DiskStore::MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) {
  if (!impl_->index.MarkStale(key, variant, at)) return false;
  DiskBodySource* src = SourceOf(variant);
  if (src != nullptr && variant.body->complete()) {
    FileHeader h = src->header();
    h.stale_from_ns = absl::ToUnixNanos(at);
    impl_->WriteHeader(src, h);
  }
  return true;
}

size_t DiskStore::Remove(const StoreKey& key, const StoredResponse* variant) {
  RemovedList removed;
  const size_t n = impl_->index.Remove(key, variant, &removed);
  impl_->Finish(removed);
  return n;
}

size_t DiskStore::Purge(const StoreKey& key, PurgeMode mode, absl::Time now) {
  RemovedList removed;
  cache_internal::VariantIndex::Marked marked;
  const size_t n = impl_->index.Purge(key, mode, now, &removed, &marked);
  impl_->Finish(removed);
  impl_->MarkOnDisk(marked, now);
  return n;
}

size_t DiskStore::PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) {
  RemovedList removed;
  cache_internal::VariantIndex::Marked marked;
  const size_t n = impl_->index.PurgeTag(tag, mode, now, &removed, &marked);
  impl_->Finish(removed);
  impl_->MarkOnDisk(marked, now);
  return n;
}

size_t DiskStore::PurgeAll() {
  RemovedList removed;
  const size_t n = impl_->index.PurgeAll(&removed);
  impl_->Finish(removed);
  return n;
}

StoreUsage DiskStore::usage() const {
  StoreUsage u;
  u.bytes = impl_->index.bytes();
  u.capacity = impl_->options.max_bytes;
  u.entries = impl_->index.entries();
  u.memory_bytes = impl_->memory.load(std::memory_order_relaxed);
  return u;
}

size_t DiskStore::max_object_bytes() const {
  return static_cast<size_t>(impl_->index.max_object());
}

void DiskStore::SetListener(StoreListener* listener) {
  impl_->files->listener.store(listener, std::memory_order_release);
}

const DiskStoreRecovery& DiskStore::recovery() const { return impl_->recovery; }

size_t DiskStore::Scrub() {
  size_t dropped = 0;
  for (const auto& r : impl_->index.Snapshot()) {
    uint64_t offset = 0;
    BodyChunk c;
    BodyStatus s;
    while ((s = r->body->Read(offset, size_t{1} << 20, &c)) == BodyStatus::kOk) offset += c.size();
    if (s == BodyStatus::kIoError) ++dropped;  // the read dropped it
  }
  return dropped;
}

size_t DiskStore::open_files_for_test() const { return impl_->files->open_count(); }

}  // namespace cache
EDGEKIT_NAMESPACE_END
