// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes edgekit::cache::HttpCache with arbitrary header bytes: the input is a
// script of operations, each a line starting with '>' followed by header lines
// "name:value":
//   >G uri            Lookup (headers: request), Resume if told to wait
//   >S status uri     Lookup then Store (headers: response, reused as request)
//   >H uri            HEAD Store            >U method uri   unsafe-method Store
//   >E uri            OnOriginError         >T tag / >t tag hard / soft purge
//   >P uri            PurgeUrl              >A n            advance n seconds
//   >B status uri     Lookup then BeginStore, the rest of the line streamed in
//                     3-byte chunks, committed or (odd length) aborted, read
//                     back by a second lookup as it fills
// Invariants checked: the byte budget is never exceeded, counters stay sane.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/base/random.h"
#include "edgekit/cache/http_cache.h"

namespace {

namespace cache = edgekit::cache;
namespace http = edgekit::http;

struct Op {
  std::string_view head;
  std::vector<http::HeaderField> fields;
};

std::string_view NextToken(std::string_view* s) {
  while (!s->empty() && s->front() == ' ') s->remove_prefix(1);
  const size_t sp = s->find(' ');
  std::string_view tok = s->substr(0, sp);
  s->remove_prefix(sp == std::string_view::npos ? s->size() : sp);
  while (!s->empty() && s->front() == ' ') s->remove_prefix(1);
  return tok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<Op> ops;
  size_t pos = 0;
  while (pos <= in.size() && ops.size() < 256) {
    size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) nl = in.size();
    std::string_view line = in.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line[0] == '>') {
      ops.push_back({line.substr(1), {}});
    } else if (!ops.empty() && ops.back().fields.size() < 64) {
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        ops.back().fields.push_back({line.substr(0, colon), line.substr(colon + 1)});
      }
    }
    if (nl == in.size()) break;
  }

  cache::HttpCacheOptions o;
  o.max_bytes = 16 * 1024;
  o.shard_count = 2;
  o.max_variants_per_key = 4;
  o.early_expiration = (size % 3) == 0;
  static edgekit::SplitMix64 random(42);
  o.random = &random;
  o.vary_normalizers.emplace_back("X-Norm", [](std::optional<std::string_view> v) {
    return v ? std::string(v->substr(0, 3)) : std::string();
  });
  auto created = cache::HttpCache::Create(o);
  if (!created.ok()) std::abort();
  cache::HttpCache& c = **created;
  absl::Time now = absl::FromUnixSeconds(1700000000);

  for (const Op& op : ops) {
    std::string_view rest = op.head;
    if (rest.empty()) continue;
    const char kind = rest[0];
    rest.remove_prefix(1);
    const http::HeaderView fields(op.fields);
    switch (kind) {
      case 'G': {
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{"GET", uri, fields};
        cache::LookupResult r = c.Lookup(req, now);
        (void)r.ResponseHeaders();
        (void)r.ConditionalHeaders();
        if (r.action == cache::LookupAction::kWaitForLeader) {
          (void)r.ticket.Wait(absl::ZeroDuration());
          (void)c.Resume(req, r.ticket, now);
        }
        break;
      }
      case 'S': {
        const int status = std::atoi(std::string(NextToken(&rest)).c_str());
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{"GET", uri, fields};
        cache::LookupResult r = c.Lookup(req, now);
        cache::StoreResult s =
            c.Store(req, status, fields, std::string(rest), now - absl::Seconds(1), now, &r.ticket);
        (void)s.ResponseHeaders();
        (void)s.body();
        break;
      }
      case 'H': {
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{"HEAD", uri, fields};
        (void)c.Store(req, 200, fields, "", now, now);
        break;
      }
      case 'U': {
        const std::string method(NextToken(&rest));
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{method, uri, fields};
        (void)c.Lookup(req, now);
        (void)c.Store(req, 200, fields, "", now, now);
        break;
      }
      case 'E': {
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{"GET", uri, fields};
        cache::LookupResult r = c.Lookup(req, now);
        (void)c.OnOriginError(req, now, &r.ticket, 503);
        break;
      }
      case 'B': {
        const int status = std::atoi(std::string(NextToken(&rest)).c_str());
        const std::string uri(NextToken(&rest));
        cache::CacheRequest req{"GET", uri, fields};
        cache::LookupResult r = c.Lookup(req, now);
        cache::StoreResult s =
            c.BeginStore(req, status, fields, now - absl::Seconds(1), now, &r.ticket);
        s.ForEachField([](std::string_view, std::string_view) {});
        cache::LookupResult reader = c.Lookup(req, now);
        cache::BodyReader body(reader.response ? reader.response->body : nullptr);
        cache::BodyChunk chunk;
        for (size_t i = 0; i < rest.size(); i += 3) {
          (void)s.writer.Append(rest.substr(i, 3));
          (void)body.Next(&chunk);
        }
        if (rest.size() % 2 == 0) {
          (void)s.writer.Commit();
        } else {
          s.writer.Abort();
        }
        while (body.Next(&chunk) == cache::BodyStatus::kOk) {
        }
        break;
      }
      case 'T':
        (void)c.PurgeTag(NextToken(&rest), cache::PurgeMode::kHard, now);
        break;
      case 't':
        (void)c.PurgeTag(NextToken(&rest), cache::PurgeMode::kSoft, now);
        break;
      case 'P':
        (void)c.PurgeUrl(NextToken(&rest),
                         (rest.size() % 2) == 0 ? cache::PurgeMode::kSoft : cache::PurgeMode::kHard,
                         now);
        break;
      case 'A': {
        const int n = std::atoi(std::string(NextToken(&rest)).c_str());
        now += absl::Seconds(n % 100000);
        break;
      }
      default:
        break;
    }
    const cache::CacheCounters k = c.counters();
    if (k.bytes > o.max_bytes) std::abort();
  }
  c.PurgeAll();
  const cache::CacheCounters k = c.counters();
  if (k.bytes != 0 || k.entries != 0) std::abort();
  return 0;
}
