// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the disk store's file format: each input is written as an object
// file into a fresh store directory, which the store then opens (header,
// fields block and checksum table parsed and checked), scrubs (every body
// block read and verified) and purges. Invariants: the file is either loaded
// or dropped and counted, a dropped file is deleted, and nothing crashes,
// hangs or allocates without bound (fields blocks are capped at 16 MiB, the
// input at 1 MiB).
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "edgekit/cache/disk_store.h"

namespace cache = edgekit::cache;

namespace {

const std::string& Dir() {
  static const std::string dir = [] {
    char templ[] = "/tmp/edgekit-disk-fuzz-XXXXXX";
    if (::mkdtemp(templ) == nullptr) std::abort();
    return std::string(templ);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (size_t{1} << 20)) return 0;
  const std::string store = Dir() + "/store";
  std::error_code ec;
  std::filesystem::remove_all(store, ec);
  std::filesystem::create_directories(store + "/01", ec);
  const std::string path = store + "/01/0000000000000001.ek";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);

  cache::DiskStoreOptions o;
  o.directory = store;
  o.max_bytes = uint64_t{64} << 20;
  auto created = cache::DiskStore::Create(o);
  if (!created.ok()) std::abort();
  cache::DiskStore& disk = **created;
  const cache::DiskStoreRecovery& r = disk.recovery();
  if (r.loaded + r.corrupt + r.over_budget != 1) std::abort();
  if (r.loaded == 0 && std::filesystem::exists(path)) std::abort();
  const size_t dropped = disk.Scrub();
  if (disk.usage().entries != r.loaded - dropped) std::abort();
  (void)disk.PurgeAll();
  if (disk.usage().entries != 0 || disk.usage().bytes != 0) std::abort();
  return 0;
}
