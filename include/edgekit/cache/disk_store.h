// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: disk_store.h
// -----------------------------------------------------------------------------
// `edgekit::cache::DiskStore`: a `CacheStore` (edgekit/cache/store.h) that
// keeps every object in a file under a directory, with its own byte budget
// (file-system bytes: each file rounded up to 4 KiB blocks) and S3-FIFO
// eviction, and that survives a restart: `Create` rebuilds the index from the
// files it finds.
//
// Files: one per stored variant, `<dir>/<bb>/<id>.ek` (256 buckets), plain
// POSIX calls: the insert writes `<id>.tmp` with pwrite as the body arrives,
// then the checksum table and an 80-byte header, and renames it to `.ek` at
// commit; a 304 appends the new fields and rewrites the header; a soft purge
// rewrites the header. Every header, field block and 64 KiB body block carries
// an XXH3 checksum: a torn write (a `.tmp`, a short file) or a corrupt file is
// dropped when found (at `Create`, or by the read that finds it) and counted
// (`StoreFault::kTornFile` / `kCorruptFile`), never served.
//
// Where I/O happens (no threads of its own):
//   * `Find`, `Variants`: none (the index and the fields are in memory).
//   * Body reads: `Body::Read` / `BodyReader::Next` on the caller's thread
//     (pread of one verified 64 KiB block).
//   * Writes, renames and deletes: inside the host's own calls that cause them
//     (`BodyWriter::Append` / `Commit`, `BeginStore` / `Store`, purges) on the
//     caller's thread; a host that must not block its event loop on disk makes
//     those calls from its own pool. A lookup never writes.
//   * fsync: `FsyncPolicy::kNone` (default; after a power loss the checksums
//     drop what the kernel lost) or `kOnCommit` (file and directory, before
//     an object becomes visible).
// Open files are bounded: at most `max_open_files` read descriptors are
// cached (least recently used closed first; a read in progress keeps its own
// reference), plus one per insert in progress (at most `max_inserts`).
//
// RAM: the index keeps each object's fields and metadata in memory
// (`StoreUsage::memory_bytes`), not its body.
//
// Example:
//
//   cache::DiskStoreOptions o;
//   o.directory = "/var/cache/edge";
//   o.max_bytes = uint64_t{100} << 30;
//   auto disk = cache::DiskStore::Create(o);   // rebuilds the index
//   if (!disk.ok()) return disk.status();
//
// Thread-safety: thread-safe. Errors: `Create` returns kInvalidArgument for
// bad options and kUnavailable / kPermissionDenied when the directory cannot
// be used.

#ifndef EDGEKIT_CACHE_DISK_STORE_H_
#define EDGEKIT_CACHE_DISK_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/cache/options.h"
#include "edgekit/cache/store.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

enum class FsyncPolicy : uint8_t {
  kNone,      // never (the default)
  kOnCommit,  // the file, then its directory, before it becomes visible
};
// "none", "on_commit".
[[nodiscard]] EDGEKIT_API std::string_view ToString(FsyncPolicy policy);

struct DiskStoreOptions {
  // The store's directory (created if missing). Required.
  std::string directory;
  // Byte budget: file-system bytes of the object files. Range: > 0.
  uint64_t max_bytes = uint64_t{1} << 30;
  // Largest object (file). Range: > 0.
  uint64_t max_object_bytes = uint64_t{64} << 20;
  // Index shards. Range: 1..1024.
  int shard_count = 16;
  // Read descriptors kept open. Range: 1..65536.
  size_t max_open_files = 64;
  // Inserts in progress (each holds one descriptor); beyond, BeginInsert is
  // refused (StoreFault::kOpenFiles). Range: 1..65536.
  size_t max_inserts = 256;
  FsyncPolicy fsync = FsyncPolicy::kNone;
  // Faults found while rebuilding the index (torn or corrupt files dropped),
  // before a cache attaches its own listener. Null: none. Must outlive the
  // store.
  CacheObserver* observer = nullptr;
};

// What `Create` found in the directory.
struct DiskStoreRecovery {
  uint64_t loaded = 0;       // objects back in the index
  uint64_t torn = 0;         // incomplete files dropped
  uint64_t corrupt = 0;      // files that failed a checksum or did not parse
  uint64_t over_budget = 0;  // valid files dropped because the budget is smaller
};

class EDGEKIT_API DiskStore final : public CacheStore {
 public:
  static absl::StatusOr<std::unique_ptr<DiskStore>> Create(DiskStoreOptions options);
  ~DiskStore() override;

  FindResult Find(const StoreKey& key, const VariantMatcher& matcher) override;
  std::vector<StoredVariant> Variants(const StoreKey& key) override;
  std::unique_ptr<StoreWriter> BeginInsert(InsertRequest request) override;
  bool Update(const StoreKey& key, const StoredResponse& old,
              std::shared_ptr<StoredResponse> updated) override;
  bool MarkStale(const StoreKey& key, const StoredResponse& variant, absl::Time at) override;
  size_t Remove(const StoreKey& key, const StoredResponse* variant) override;
  size_t Purge(const StoreKey& key, PurgeMode mode, absl::Time now) override;
  size_t PurgeTag(std::string_view tag, PurgeMode mode, absl::Time now) override;
  size_t PurgeAll() override;
  [[nodiscard]] StoreUsage usage() const override;
  [[nodiscard]] size_t max_object_bytes() const override;
  void SetListener(StoreListener* listener) override;

  [[nodiscard]] const DiskStoreRecovery& recovery() const;
  // Reads and verifies every stored body now (a scrub an operator schedules:
  // all of them are read on this thread), dropping the objects whose bytes
  // fail their checksum. Returns how many were dropped.
  size_t Scrub();
  // Read descriptors open now (tests).
  [[nodiscard]] size_t open_files_for_test() const;

  struct Impl;

 private:
  explicit DiskStore(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;  // shared with bodies that report corruption
};

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_DISK_STORE_H_
