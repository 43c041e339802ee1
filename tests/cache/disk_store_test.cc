// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The disk store: restart, torn and corrupt files, a writer killed
// mid-object, bounded open files; the tiered store's promotion.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cache_test_util.h"
#include "edgekit/cache/disk_store.h"
#include "edgekit/cache/http_cache.h"
#include "edgekit/cache/memory_store.h"
#include "edgekit/cache/tiered_store.h"
#include "edgekit_catch.h"

using cache_test::Fields;
using cache_test::Harness;
using cache_test::TempDir;
namespace cache = edgekit::cache;
using LA = cache::LookupAction;
using BS = cache::BodyStatus;

namespace {

const std::string kUri = "https://example.com/disk/a";

cache::DiskStoreOptions DiskOptions(const TempDir& dir) {
  cache::DiskStoreOptions o;
  o.directory = dir.path() + "/store";
  o.max_bytes = uint64_t{16} << 20;
  o.shard_count = 2;
  return o;
}

cache::HttpCacheOptions With(std::shared_ptr<cache::CacheStore> store) {
  cache::HttpCacheOptions o;
  o.store = std::move(store);
  return o;
}

std::vector<std::filesystem::path> FilesEndingWith(const std::string& dir, std::string_view ext) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() > ext.size() &&
        name.compare(name.size() - ext.size(), ext.size(), ext) == 0) {
      out.push_back(e.path());
    }
  }
  return out;
}

void FlipByte(const std::filesystem::path& p, uint64_t offset) {
  const int fd = ::open(p.c_str(), O_RDWR);
  REQUIRE(fd >= 0);
  char c = 0;
  REQUIRE(::pread(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  c = static_cast<char>(c ^ 0x5a);
  REQUIRE(::pwrite(fd, &c, 1, static_cast<off_t>(offset)) == 1);
  ::close(fd);
}

class FaultLog final : public cache::CacheObserver {
 public:
  void OnStoreFault(const cache::StoreFaultEvent& e) override { faults.push_back(e.fault); }
  std::vector<cache::StoreFault> faults;
};

}  // namespace

TEST_CASE("The disk store survives a restart: objects, 304 updates and soft purges come back",
          "[cache]") {
  TempDir dir;
  const std::string big(200000, 'b');  // several 64 KiB checksum blocks
  absl::Time stored_at;
  {
    Harness h(With(cache::DiskStore::Create(DiskOptions(dir)).value()));
    stored_at = h.now();
    h.Put(kUri, 200,
          {{"Cache-Control", "max-age=600"},
           {"ETag", "\"1\""},
           {"Vary", "Accept-Encoding"},
           {"Surrogate-Key", "group"}},
          big, {{"Accept-Encoding", "gzip"}});
    h.Put("https://example.com/disk/b", 200, {{"Cache-Control", "max-age=600"}, {"ETag", "\"b\""}},
          "bee");
    h.Put("https://example.com/disk/c", 200,
          {{"Cache-Control", "max-age=6000, stale-while-revalidate=60"},
           {"ETag", "\"c\""},
           {"Surrogate-Key", "soft"}},
          "sea");
    // A 304 freshens b with a new field; a soft purge marks c.
    h.clock.Advance(absl::Seconds(700));
    auto r = h.Get("https://example.com/disk/b");
    REQUIRE(r.action == LA::kRevalidate);
    h.Put("https://example.com/disk/b", 304,
          {{"ETag", "\"b\""}, {"Cache-Control", "max-age=900"}, {"X-Updated", "yes"}}, "", {},
          &r.ticket);
    CHECK(h.cache->PurgeTag("soft", cache::PurgeMode::kSoft, h.now()) == 1);
  }
  auto store = cache::DiskStore::Create(DiskOptions(dir)).value();
  CHECK(store->recovery().loaded == 3);
  CHECK(store->recovery().torn == 0);
  CHECK(store->recovery().corrupt == 0);
  cache::DiskStore* disk = store.get();
  Harness h(With(std::move(store)));
  h.clock.SetSystem(stored_at + absl::Seconds(710));
  auto a = h.Get(kUri, {{"Accept-Encoding", "gzip"}});
  // RFC 9111 4.2.3: the age keeps counting across the restart (stored 710 s
  // ago, fresh for 600 s): stale now, and revalidated with its stored ETag.
  REQUIRE(a.action == LA::kRevalidate);
  CHECK(a.if_none_match == "\"1\"");
  CHECK(a.response->body->ToString() == big);
  CHECK(h.Get(kUri, {{"Accept-Encoding", "br"}}).fwd == cache::ForwardReason::kVaryMiss);
  auto b = h.Get("https://example.com/disk/b");
  REQUIRE(b.action == LA::kServeFresh);
  CHECK(b.ResponseHeaders().Get("X-Updated") == std::optional<std::string_view>("yes"));
  CHECK(b.response->body->ToString() == "bee");
  CHECK(h.Get("https://example.com/disk/c").action == LA::kServeStaleAndRevalidate);
  CHECK(h.cache->PurgeTag("group", cache::PurgeMode::kHard) == 1);
  CHECK(disk->usage().entries == 2);
}

namespace {

// An object file as the release before the run-time choice of checksum code
// wrote it (SSE2 XXH3, on-disk format 1): GET https://example.com/disk/golden,
// Accept-Encoding: gzip, stored at 2026-01-01T00:00:00Z for a request sent a
// second earlier; 200 with Cache-Control: max-age=3600, ETag "golden", Vary:
// Accept-Encoding, Surrogate-Key: golden, Content-Type; a 70,000-byte body
// (byte i = (131 i + 7) mod 256: a full 64 KiB checksum block and a partial
// one). Kept as its parts: the header and fields block, the sparse gap up to
// the body's 16 KiB boundary, the body, the checksum table.
constexpr char kGoldenHead[] =
    "\x45\x4b\x43\x31\x01\x00\x00\x00\x00\x40\x00\x00\x00\x00\x00\x00\x70\x11\x01\x00\x00\x00"
    "\x00\x00\x50\x00\x00\x00\x00\x00\x00\x00\x46\x01\x00\x00\x00\x00\x01\x00\x99\xcd\x27\xf1"
    "\xcf\x83\x3e\x28\x70\x51\x01\x00\x00\x00\x00\x00\x29\x92\xd9\x69\x4d\xc7\x6f\x11\xff\xff"
    "\xff\xff\xff\xff\xff\x7f\xf3\x83\x51\x6d\x63\x43\xb6\xec\x01\x00\x00\x00\xc8\x00\x00\x00"
    "\x00\x36\x5f\xb2\x51\x72\x86\x18\x00\x00\xfa\xed\x51\x72\x86\x18\x00\xca\x9a\x3b\x00\x00"
    "\x00\x00\x00\xa0\xb8\x30\x46\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00\x00\x1f\x00\x00\x00\x68\x74\x74\x70\x73\x3a\x2f\x2f\x65\x78\x61\x6d\x70"
    "\x6c\x65\x2e\x63\x6f\x6d\x2f\x64\x69\x73\x6b\x2f\x67\x6f\x6c\x64\x65\x6e\x05\x00\x00\x00"
    "\x0d\x00\x00\x00\x43\x61\x63\x68\x65\x2d\x43\x6f\x6e\x74\x72\x6f\x6c\x0c\x00\x00\x00\x6d"
    "\x61\x78\x2d\x61\x67\x65\x3d\x33\x36\x30\x30\x00\x04\x00\x00\x00\x45\x54\x61\x67\x08\x00"
    "\x00\x00\x22\x67\x6f\x6c\x64\x65\x6e\x22\x00\x04\x00\x00\x00\x56\x61\x72\x79\x0f\x00\x00"
    "\x00\x41\x63\x63\x65\x70\x74\x2d\x45\x6e\x63\x6f\x64\x69\x6e\x67\x00\x0d\x00\x00\x00\x53"
    "\x75\x72\x72\x6f\x67\x61\x74\x65\x2d\x4b\x65\x79\x06\x00\x00\x00\x67\x6f\x6c\x64\x65\x6e"
    "\x04\x0c\x00\x00\x00\x43\x6f\x6e\x74\x65\x6e\x74\x2d\x54\x79\x70\x65\x18\x00\x00\x00\x61"
    "\x70\x70\x6c\x69\x63\x61\x74\x69\x6f\x6e\x2f\x6f\x63\x74\x65\x74\x2d\x73\x74\x72\x65\x61"
    "\x6d\x40\x08\x00\x00\x00\x22\x67\x6f\x6c\x64\x65\x6e\x22\x00\x00\x00\x00\x01\x00\x00\x00"
    "\x06\x00\x00\x00\x67\x6f\x6c\x64\x65\x6e\x00\x00\x00\x00\x01\x00\x00\x00\x0f\x00\x00\x00"
    "\x61\x63\x63\x65\x70\x74\x2d\x65\x6e\x63\x6f\x64\x69\x6e\x67\x03\x04\x00\x00\x00\x67\x7a"
    "\x69\x70\x04\x00\x00\x00\x67\x7a\x69\x70";
constexpr char kGoldenSums[] = "\x86\x47\x5b\x12\x28\x4b\x40\x04\x66\x6a\x5f\xc1\x3e\xe2\x34\x21";
constexpr size_t kGoldenBodyOffset = 16384;
constexpr size_t kGoldenBodyBytes = 70000;

std::string GoldenBody() {
  std::string body(kGoldenBodyBytes, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return body;
}

}  // namespace

TEST_CASE("Files an earlier release wrote are served (on-disk format 1)", "[cache]") {
  TempDir dir;
  cache::DiskStoreOptions o = DiskOptions(dir);
  {
    std::string file(kGoldenHead, sizeof(kGoldenHead) - 1);
    file.resize(kGoldenBodyOffset, '\0');
    file += GoldenBody();
    file.append(kGoldenSums, sizeof(kGoldenSums) - 1);
    REQUIRE(file.size() == 86400);
    std::filesystem::create_directories(o.directory + "/01");
    std::FILE* f = std::fopen((o.directory + "/01/0000000000000001.ek").c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(file.data(), 1, file.size(), f) == file.size());
    std::fclose(f);
  }
  auto store = cache::DiskStore::Create(o).value();
  CHECK(store->recovery().loaded == 1);
  CHECK(store->recovery().corrupt == 0);
  CHECK(store->recovery().torn == 0);
  CHECK(store->Scrub() == 0);  // every block matches its stored checksum
  Harness h(With(std::move(store)));
  h.clock.SetSystem(absl::FromUnixSeconds(1767225600) + absl::Seconds(10));
  const Fields gzip{{"Accept-Encoding", "gzip"}};
  auto hit = h.Get("https://example.com/disk/golden", gzip);
  REQUIRE(hit.action == LA::kServeFresh);
  // RFC 9111 4.2.3: resident 10 s plus the 1 s response delay.
  CHECK(hit.age_value == "11");
  CHECK(hit.ResponseHeaders().Get("ETag") == std::optional<std::string_view>("\"golden\""));
  CHECK(hit.response->body->ToString() == GoldenBody());
  CHECK(h.Get("https://example.com/disk/golden", {{"Accept-Encoding", "br"}}).fwd ==
        cache::ForwardReason::kVaryMiss);
  CHECK(h.cache->PurgeTag("golden", cache::PurgeMode::kHard) == 1);
}

TEST_CASE("Torn and corrupt files are dropped and counted, never served", "[cache]") {
  TempDir dir;
  const std::string body(150000, 'q');
  {
    Harness h(With(cache::DiskStore::Create(DiskOptions(dir)).value()));
    h.Put("https://example.com/disk/header", 200, {{"Cache-Control", "max-age=600"}}, "h");
    h.Put("https://example.com/disk/fields", 200, {{"Cache-Control", "max-age=600"}}, "f");
    h.Put("https://example.com/disk/body", 200, {{"Cache-Control", "max-age=600"}}, body);
    h.Put("https://example.com/disk/short", 200, {{"Cache-Control", "max-age=600"}}, body);
    h.Put("https://example.com/disk/fine", 200, {{"Cache-Control", "max-age=600"}}, "ok");
  }
  auto files = FilesEndingWith(dir.path(), ".ek");
  REQUIRE(files.size() == 5);
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.filename() < b.filename();  // ids in insertion order
  });
  FlipByte(files[0], 20);     // header
  FlipByte(files[1], 100);    // fields block
  FlipByte(files[2], 90000);  // a body block: found only when read
  std::filesystem::resize_file(files[3], std::filesystem::file_size(files[3]) - 100);  // short
  // An insert that never committed.
  std::filesystem::copy_file(files[4], files[4].parent_path() / "00000000000000ff.tmp");

  FaultLog log;
  cache::DiskStoreOptions o = DiskOptions(dir);
  o.observer = &log;
  auto store = cache::DiskStore::Create(o).value();
  CHECK(store->recovery().loaded == 2);  // "body" (not read yet) and "fine"
  CHECK(store->recovery().corrupt == 3);
  CHECK(store->recovery().torn == 1);
  CHECK(log.faults.size() == 4);
  CHECK(FilesEndingWith(dir.path(), ".tmp").empty());
  Harness h(With(std::move(store)));
  CHECK(h.Get("https://example.com/disk/header").action == LA::kFetch);
  CHECK(h.Get("https://example.com/disk/fields").action == LA::kFetch);
  CHECK(h.Get("https://example.com/disk/short").action == LA::kFetch);
  CHECK(h.Get("https://example.com/disk/fine").response->body->ToString() == "ok");
  // The flipped body block fails its checksum on the read that reaches it:
  // the reader gets an error after the good block, never the bad bytes.
  auto r = h.Get("https://example.com/disk/body");
  REQUIRE(r.action == LA::kServeFresh);
  cache::BodyReader reader(r.response->body);
  cache::BodyChunk c;
  uint64_t good = 0;
  BS s;
  while ((s = reader.Next(&c)) == BS::kOk) {
    CHECK(c.view().find_first_not_of('q') == std::string_view::npos);
    good += c.size();
  }
  CHECK(s == BS::kIoError);
  CHECK(good == 65536);  // the first block only
  CHECK(h.cache->counters().store_faults == 1);
  // ... and the object is gone from the index.
  CHECK(h.Get("https://example.com/disk/body").action == LA::kFetch);
}

TEST_CASE("A writer killed mid-object leaves nothing that is served", "[cache]") {
  TempDir dir;
  const std::string body(300000, 'k');
  {
    Harness h(With(cache::DiskStore::Create(DiskOptions(dir)).value()));
    h.Put("https://example.com/disk/before", 200, {{"Cache-Control", "max-age=600"}}, "kept");
  }
  int pipefd[2];
  REQUIRE(::pipe(pipefd) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child streams an object and is killed halfway (no asserts here).
    ::close(pipefd[0]);
    auto store = cache::DiskStore::Create(DiskOptions(dir));
    if (!store.ok()) ::_exit(2);
    auto c = cache::HttpCache::Create(With(*std::move(store))).value();
    const std::string uri = "https://example.com/disk/killed";
    cache::CacheRequest req{"GET", uri, {}};
    const Fields resp{{"Cache-Control", "max-age=600"}};
    const absl::Time now = edgekit::RealClock::Get().SystemNow();
    auto s = c->BeginStore(req, 200, resp.view(), now, now);
    (void)s.writer.Append(std::string_view(body).substr(0, 150000));
    const char ready = 'r';
    (void)::write(pipefd[1], &ready, 1);
    for (;;) ::pause();  // SIGKILLed here, mid-object
  }
  ::close(pipefd[1]);
  char ready = 0;
  REQUIRE(::read(pipefd[0], &ready, 1) == 1);
  ::close(pipefd[0]);
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(FilesEndingWith(dir.path(), ".tmp").size() == 1);  // the torn write

  auto store = cache::DiskStore::Create(DiskOptions(dir)).value();
  CHECK(store->recovery().torn == 1);
  CHECK(store->recovery().loaded == 1);
  Harness h(With(std::move(store)));
  CHECK(h.Get("https://example.com/disk/killed").action == LA::kFetch);
  CHECK(h.Get("https://example.com/disk/before").response->body->ToString() == "kept");
  CHECK(FilesEndingWith(dir.path(), ".tmp").empty());
}

TEST_CASE("The disk store keeps a bounded number of files open", "[cache]") {
  TempDir dir;
  cache::DiskStoreOptions o = DiskOptions(dir);
  o.max_open_files = 4;
  o.max_inserts = 2;
  auto owned = cache::DiskStore::Create(o).value();
  cache::DiskStore* store = owned.get();
  Harness h(With(std::move(owned)));
  for (int i = 0; i < 20; ++i) {
    h.Put("https://example.com/f/" + std::to_string(i), 200, {{"Cache-Control", "max-age=600"}},
          "x" + std::to_string(i));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 20; ++i) {
      auto r = h.Get("https://example.com/f/" + std::to_string(i));
      REQUIRE(r.response != nullptr);
      CHECK(r.response->body->ToString() == "x" + std::to_string(i));
      CHECK(store->open_files_for_test() <= 4);
    }
  }
  // Inserts in progress hold a descriptor each: the third is refused.
  cache::CacheRequest r1{"GET", "https://example.com/w/1", {}};
  cache::CacheRequest r2{"GET", "https://example.com/w/2", {}};
  cache::CacheRequest r3{"GET", "https://example.com/w/3", {}};
  const Fields resp{{"Cache-Control", "max-age=60"}};
  auto s1 = h.cache->BeginStore(r1, 200, resp.view(), h.now(), h.now());
  auto s2 = h.cache->BeginStore(r2, 200, resp.view(), h.now(), h.now());
  auto s3 = h.cache->BeginStore(r3, 200, resp.view(), h.now(), h.now());
  CHECK(s1.writer.is_open());
  CHECK(s2.writer.is_open());
  CHECK(s3.outcome == cache::StoreOutcome::kNotStored);
  CHECK(h.cache->counters().store_faults == 1);
}

TEST_CASE("The tiered store promotes hot disk objects into memory", "[cache]") {
  TempDir dir;
  std::shared_ptr<cache::CacheStore> disk;
  {
    // Objects written by an earlier process: on disk only.
    Harness h(With(cache::DiskStore::Create(DiskOptions(dir)).value()));
    h.Put(kUri, 200, {{"Cache-Control", "max-age=600"}}, "hot body");
  }
  cache::MemoryStoreOptions mo;
  mo.max_bytes = 1 << 20;
  auto tiered = cache::TieredStore::Create(cache::MemoryStore::Create(mo).value(),
                                           cache::DiskStore::Create(DiskOptions(dir)).value())
                    .value();
  cache::TieredStore* t = tiered.get();
  Harness h(With(std::move(tiered)));
  auto first = h.Get(kUri);
  REQUIRE(first.action == LA::kServeFresh);
  CHECK(t->memory().usage().entries == 0);  // one disk hit: not yet
  CHECK(first.response->body->resident_chunks().empty());
  auto second = h.Get(kUri);
  CHECK(t->promotions() == 1);
  CHECK(t->memory().usage().entries == 1);
  auto third = h.Get(kUri);
  // Served from memory now: N readers share one resident copy.
  REQUIRE(third.response->body->resident_chunks().size() == 1);
  auto fourth = h.Get(kUri);
  CHECK(fourth.response->body->resident_chunks()[0].data() ==
        third.response->body->resident_chunks()[0].data());
  CHECK(third.response->body->ToString() == "hot body");
  // Purges reach both tiers.
  CHECK(h.cache->PurgeUrl(kUri, cache::PurgeMode::kHard) == 1);
  CHECK(h.Get(kUri).action == LA::kFetch);
  CHECK(t->disk().usage().entries == 0);
}
