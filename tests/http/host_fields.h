// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Test helper: a host's own field storage (a deque of owned name/value
// pairs, walked by index) and its HeaderSource specialisation, so that tests
// read field lines through HeaderView's source mode, as a host's Beast or
// nghttp2 storage is read. The view hands each line out in one reused
// HeaderField. Not thread-safe; it lives as long as the test needs it.
#ifndef EDGEKIT_TESTS_HTTP_HOST_FIELDS_H_
#define EDGEKIT_TESTS_HTTP_HOST_FIELDS_H_

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "edgekit/http/header_map.h"

namespace edgekit_test {

struct HostFields {
  std::deque<std::pair<std::string, std::string>> lines;
};

}  // namespace edgekit_test

// The specialisation lives in edgekit::http, as a host's would.
template <>
struct edgekit::http::HeaderSource<edgekit_test::HostFields> {
  static void Begin(const edgekit_test::HostFields&, HeaderCursor& cursor) {
    StoreInCursor(cursor, size_t{0});
  }
  static bool Next(const edgekit_test::HostFields& f, HeaderCursor& cursor, HeaderField& out) {
    const size_t i = LoadFromCursor<size_t>(cursor);
    if (i >= f.lines.size()) return false;
    out = HeaderField{f.lines[i].first, f.lines[i].second};
    StoreInCursor(cursor, i + 1);
    return true;
  }
};

#endif  // EDGEKIT_TESTS_HTTP_HOST_FIELDS_H_
