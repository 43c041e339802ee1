// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: RFC 8941 validators, the structured-field writers and header
// list iteration (edgekit/http/structured_fields.h, header_map.h). Whatever
// the writers produce must validate; list iteration must yield trimmed,
// non-empty members that lie inside the input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/http/cache_status.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/structured_fields.h"

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool list = edgekit::http::IsValidSfList(input);
  const bool dict = edgekit::http::IsValidSfDictionary(input);
  const bool item = edgekit::http::IsValidSfItem(input);
  // A valid item is a valid one-member list.
  if (item) Check(list);
  (void)dict;

  // Header list iteration over lines split at '\n'.
  std::vector<edgekit::http::HeaderField> lines;
  size_t start = 0;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || input[i] == '\n') {
      lines.push_back({(lines.size() % 2) ? "x-list" : "X-List", input.substr(start, i - start)});
      start = i + 1;
    }
  }
  const edgekit::http::HeaderView view(lines);
  view.ForEachListMember("x-LIST", [&](std::string_view m) {
    Check(!m.empty());
    Check(m.front() != ' ' && m.front() != '\t' && m.back() != ' ' && m.back() != '\t');
    Check(m.data() >= input.data() && m.data() + m.size() <= input.data() + input.size());
  });
  Check(view.Count("x-list") == lines.size());

  // Writers: split the input into pieces and use them as keys, tokens,
  // strings and bytes; the result must always be a valid list / dictionary.
  const std::string_view a = input.substr(0, size / 3);
  const std::string_view b = input.substr(size / 3, size / 3);
  const std::string_view c = input.substr(2 * (size / 3));
  uint64_t h = 0;
  for (char ch : a) h = h * 131 + static_cast<unsigned char>(ch);
  // Both sides of the sf-integer range (±999,999,999,999,999).
  const int64_t n = static_cast<int64_t>(h % 4000000000000000) - 2000000000000000;
  edgekit::http::SfListWriter lw;
  lw.AddToken(a).ParamString(b, c).ParamInteger(a, n);
  lw.AddString(b).ParamToken(c, a).ParamBool(b, size % 2 == 0);
  lw.AddByteSequence(c).ParamDecimal(a, static_cast<double>(n) / 1000.0);
  lw.AddInteger(n).AddDecimal(static_cast<double>(n) * 1e-3);
  Check(edgekit::http::IsValidSfList(lw.str()));
  edgekit::http::SfDictionaryWriter dw;
  dw.AddToken(a, b).AddString(b, c).AddBoolean(c, n % 2 == 0).ParamByteSequence(a, b);
  dw.AddInteger(c, n);
  Check(edgekit::http::IsValidSfDictionary(dw.str()));

  edgekit::http::CacheStatusEntry e;
  e.cache_name = a;
  e.key = b;
  e.detail = c;
  e.ttl_seconds = n;
  e.hit = size % 3 == 0;
  std::string cs(b);
  edgekit::http::AppendCacheStatus(&cs, e);
  Check(edgekit::http::IsValidSfList(edgekit::http::FormatCacheStatus(e)));
  return 0;
}
