// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// edgekit::http alone: Cache-Control parsing (RFC 9111 §5.2) and HTTP-date
// formatting (RFC 9110 §5.6.7).
#include "consumer.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/http_date.h"

int main() {
  Checks checks("http");
  const edgekit::http::CacheControl cc =
      edgekit::http::ParseCacheControl("public, max-age=60, stale-while-revalidate=30");
  checks.Expect(cc.public_ && cc.max_age == absl::Seconds(60) &&
                    cc.stale_while_revalidate == absl::Seconds(30),
                "Cache-Control directives");
  checks.Expect(edgekit::http::FormatHttpDate(absl::FromUnixSeconds(784111777)) ==
                    "Sun, 06 Nov 1994 08:49:37 GMT",
                "IMF-fixdate of RFC 9110's example");
  return checks.ExitCode();
}
