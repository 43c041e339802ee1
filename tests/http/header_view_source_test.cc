// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of HeaderView in source mode: a host container read through its own
// HeaderSource<T> specialisation behaves exactly like the same field lines in
// an array (RFC 9110 §5.1 lookup, §5.3 combination, §5.6.1 lists).
#include <deque>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "edgekit/http/cache_control.h"
#include "edgekit/http/header_map.h"
#include "edgekit_catch.h"
#include "http/host_fields.h"

namespace {

using edgekit::http::HeaderField;
using edgekit::http::HeaderMap;
using edgekit::http::HeaderView;
using edgekit_test::HostFields;

// A second source whose cursor holds a pointer into the host's array.
struct PointerFields {
  std::vector<HeaderField> fields;
};

}  // namespace

template <>
struct edgekit::http::HeaderSource<PointerFields> {
  static void Begin(const PointerFields& f, HeaderCursor& cursor) {
    StoreInCursor(cursor, f.fields.data());
  }
  static bool Next(const PointerFields& f, HeaderCursor& cursor, HeaderField& out) {
    const HeaderField* p = LoadFromCursor<const HeaderField*>(cursor);
    if (p == f.fields.data() + f.fields.size()) return false;
    out = *p;
    StoreInCursor(cursor, p + 1);
    return true;
  }
};

TEST_CASE("HeaderView in source mode answers like the array view", "[http]") {
  HostFields host;
  host.lines = {{"Content-Type", "text/html"},
                {"Vary", "Accept-Encoding"},
                {"Cache-Control", "public, max-age=60"},
                {"vary", "Accept-Language, \"x,y\""},
                {"cache-control", "s-maxage=120"}};
  std::vector<HeaderField> array;
  for (const auto& [n, v] : host.lines) array.push_back({n, v});
  const HeaderView source(host);
  const HeaderView plain(array);

  for (const HeaderView* v : {&source, &plain}) {
    CHECK(v->Get("content-type") == std::optional<std::string_view>("text/html"));
    CHECK(v->Get("VARY") == std::optional<std::string_view>("Accept-Encoding"));
    CHECK_FALSE(v->Get("missing").has_value());
    CHECK(v->Contains("Cache-Control"));
    CHECK(v->Count("vary") == 2);
    CHECK(v->size() == 5);
    CHECK_FALSE(v->empty());
    CHECK(v->GetCombined("Vary") == "Accept-Encoding, Accept-Language, \"x,y\"");
    std::vector<std::string> members;
    v->ForEachListMember("vary", [&](std::string_view m) { members.emplace_back(m); });
    CHECK(members == std::vector<std::string>{"Accept-Encoding", "Accept-Language", "\"x,y\""});
    const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(*v);
    CHECK(cc.public_);
    CHECK(cc.max_age == absl::Seconds(60));
    CHECK(cc.s_maxage == absl::Seconds(120));
  }

  // Iteration yields the lines in order; iterators compare and copy.
  std::vector<std::string> names;
  for (const HeaderField& f : source) names.emplace_back(f.name);
  CHECK(names ==
        std::vector<std::string>{"Content-Type", "Vary", "Cache-Control", "vary", "cache-control"});
  HeaderView::const_iterator it = source.begin();
  HeaderView::const_iterator copy = it;
  CHECK(it == copy);
  ++it;
  CHECK(it != copy);
  CHECK(it->name == "Vary");
  CHECK(copy->name == "Content-Type");
  HeaderView::const_iterator post = it++;
  CHECK(post->name == "Vary");
  CHECK(it->name == "Cache-Control");
  CHECK(std::distance(source.begin(), source.end()) == 5);

  // An early stop of ForEachField stops the walk.
  int seen = 0;
  source.ForEachField([&](const HeaderField&) { return ++seen < 2; });
  CHECK(seen == 2);

  // The owning copy keeps every line.
  const HeaderMap copy_map(source);
  CHECK(copy_map.size() == 5);
  CHECK(copy_map.Get("cache-control") == std::optional<std::string_view>("public, max-age=60"));
}

TEST_CASE("HeaderView in source mode over empty storage and a pointer cursor", "[http]") {
  HostFields none;
  const HeaderView empty(none);
  CHECK(empty.empty());
  CHECK(empty.size() == 0);
  CHECK(empty.begin() == empty.end());
  CHECK_FALSE(empty.Get("x").has_value());

  PointerFields pf;
  pf.fields = {{"a", "1"}, {"b", "2"}};
  const HeaderView v(pf);
  CHECK(v.size() == 2);
  CHECK(v.Get("B") == std::optional<std::string_view>("2"));
  auto it = v.begin();
  CHECK(it->name == "a");
  ++it;
  ++it;
  CHECK(it == v.end());
}
