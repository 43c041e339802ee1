// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Pins the allocation bounds stated in the http headers: the parse paths
// allocate nothing beyond the documented field-name lists.
#include <string>
#include <vector>

#include "alloc_counter.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/http_date.h"
#include "edgekit/http/structured_fields.h"
#include "edgekit_catch.h"

using edgekit_http_test::AllocationCount;

TEST_CASE("Parse paths are allocation-free as documented", "[http]") {
  if (!edgekit_http_test::AllocationCountingEnabled()) {
    WARN("allocation counting is off under sanitizers");
    return;
  }
  const std::vector<edgekit::http::HeaderField> fields = {
      {"Cache-Control", "public, max-age=60, s-maxage=\"120\", stale-while-revalidate=30"},
      {"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
      {"CDN-Cache-Control", "max-age=600, no-store;x=1, ext=(a b)"},
      {"Vary", "Accept-Encoding, \"a,b\""}};
  const edgekit::http::HeaderView view(fields);
  char buf[edgekit::http::kHttpDateSize];
  long checksum = 0;

  const long before = AllocationCount();
  {
    const edgekit::http::CacheControl cc = edgekit::http::ParseCacheControl(view);
    checksum += cc.public_ ? 1 : 0;
    const auto targeted = edgekit::http::ParseTargetedCacheControl(view);
    checksum += targeted && targeted->no_store ? 1 : 0;
    checksum += edgekit::http::ParseHttpDate(*view.Get("date")).has_value() ? 1 : 0;
    checksum += static_cast<long>(
        edgekit::http::FormatHttpDate(absl::FromUnixSeconds(784111777), buf).size());
    view.ForEachListMember("vary",
                           [&](std::string_view m) { checksum += static_cast<long>(m.size()); });
    checksum += edgekit::http::IsValidSfDictionary(*view.Get("cdn-cache-control")) ? 1 : 0;
    checksum += edgekit::http::IsValidSfList("a;b=1, (c d);e, \"f\"") ? 1 : 0;
  }
  const long after = AllocationCount();
  CHECK(after - before == 0);
  CHECK(checksum > 0);

  SECTION("field-name lists are the only allocations") {
    const long b2 = AllocationCount();
    const edgekit::http::CacheControl cc =
        edgekit::http::ParseCacheControl("no-cache=\"Set-Cookie\", max-age=5");
    const long a2 = AllocationCount();
    CHECK(cc.no_cache_fields.size() == 1);
    CHECK(a2 - b2 >= 1);
    CHECK(a2 - b2 <= 2);  // the vector's buffer (+ the string if not inline)
  }
}
