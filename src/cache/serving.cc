// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// What is sent with a response served through the cache, as HeaderMaps (the
// allocation-free form is ForEachField in edgekit/cache/results.h).
#include <string>

#include "edgekit/cache/http_cache.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {
namespace {

// Collects ForEachField's lines into a HeaderMap, joining every Cache-Status
// line (stored ones and ours) into one, last (RFC 9110 §5.3).
class Collector {
 public:
  void operator()(std::string_view name, std::string_view value) {
    if (http::EqualsIgnoreCase(name, "Cache-Status")) {
      if (!status_.empty()) status_.append(", ");
      status_.append(value.data(), value.size());
      return;
    }
    out_.Add(name, value);
  }
  http::HeaderMap Finish() {
    if (!status_.empty()) out_.Add("Cache-Status", status_);
    return std::move(out_);
  }

 private:
  http::HeaderMap out_;
  std::string status_;
};

}  // namespace

http::HeaderMap LookupResult::ResponseHeaders() const {
  Collector c;
  ForEachField([&c](std::string_view n, std::string_view v) { c(n, v); });
  return c.Finish();
}

http::HeaderMap LookupResult::NotModifiedHeaders() const {
  http::HeaderMap out;
  if (!response) return out;
  static constexpr std::string_view kKeep[] = {"Cache-Control", "Content-Location", "Date",
                                               "ETag",          "Expires",          "Vary"};
  for (const http::HeaderField& f : response->fields()) {
    for (std::string_view k : kKeep) {
      if (http::EqualsIgnoreCase(f.name, k)) {
        out.Add(f.name, f.value);
        break;
      }
    }
  }
  if (!age_value.empty()) out.Add("Age", age_value);
  if (!cache_status.empty()) out.Add("Cache-Status", cache_status);
  return out;
}

http::HeaderMap LookupResult::ConditionalHeaders() const {
  http::HeaderMap out;
  if (!if_none_match.empty()) out.Add("If-None-Match", if_none_match);
  if (!if_modified_since.empty()) out.Add("If-Modified-Since", if_modified_since);
  return out;
}

http::HeaderMap StoreResult::ResponseHeaders() const {
  Collector c;
  ForEachField([&c](std::string_view n, std::string_view v) { c(n, v); });
  return c.Finish();
}

std::string StoreResult::body() const {
  if (response != nullptr && response->body != nullptr) return response->body->ToString();
  return std::string(origin_body_.view());
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
