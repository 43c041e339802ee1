// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::http in a few lines: read a response's caching headers from the
// host's own storage, decide a TTL, and write Age / Date / Cache-Status.

#include <cstdio>
#include <string>
#include <vector>

#include "edgekit/http/age.h"
#include "edgekit/http/cache_control.h"
#include "edgekit/http/cache_status.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/http_date.h"

int main() {
  namespace http = edgekit::http;
  // The host's parsed response header (views into its own buffers).
  const std::vector<http::HeaderField> response = {
      {"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
      {"Cache-Control", "public, max-age=60"},
      {"CDN-Cache-Control", "max-age=600, stale-if-error=3600"},
      {"Vary", "Accept-Encoding"},
  };
  const http::HeaderView headers(response);

  // RFC 9213: the CDN-targeted field wins when it is valid.
  const auto targeted = http::ParseTargetedCacheControl(headers, "CDN-Cache-Control");
  const http::CacheControl cc = targeted ? *targeted : http::ParseCacheControl(headers);
  const absl::Duration ttl = cc.invalid_freshness
                                 ? absl::ZeroDuration()
                                 : cc.s_maxage.value_or(cc.max_age.value_or(absl::ZeroDuration()));

  const std::optional<absl::Time> date = http::ParseHttpDate(headers.Get("date").value_or(""));
  const absl::Time now = date.value_or(absl::UnixEpoch()) + absl::Seconds(42);

  http::HeaderMap stored(headers);  // what a cache would keep
  stored.Set("Age", http::FormatAge(now - *date));
  http::CacheStatusEntry status;
  status.cache_name = "edgekit-example";
  status.hit = true;
  status.ttl_seconds = absl::ToInt64Seconds(ttl - (now - *date));
  std::string cache_status;
  http::AppendCacheStatus(&cache_status, status);
  stored.Set("Cache-Status", cache_status);

  std::printf("ttl: %lld s, stored %zu fields (%zu bytes)\n",
              static_cast<long long>(absl::ToInt64Seconds(ttl)), stored.size(), stored.ByteSize());
  for (const http::HeaderField& f : stored) {
    std::printf("%.*s: %.*s\n", static_cast<int>(f.name.size()), f.name.data(),
                static_cast<int>(f.value.size()), f.value.data());
  }
  std::printf("now: %s\n", http::FormatHttpDate(now).c_str());
  return 0;
}
