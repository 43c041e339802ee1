// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Validators and conditional requests (see conditionals.h).
#include "cache/conditionals.h"

#include <optional>

#include "absl/time/time.h"
#include "edgekit/http/http_date.h"
#include "edgekit/http/internal/list_members.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache_internal {
namespace {

bool StartsWithWeak(std::string_view s) { return s.size() >= 2 && s[0] == 'W' && s[1] == '/'; }

}  // namespace

std::string WeakTag(std::string_view etag) {
  etag = http_internal::TrimOws(etag);
  if (StartsWithWeak(etag)) etag.remove_prefix(2);
  return std::string(etag);
}

bool IsWeak(std::string_view etag) { return StartsWithWeak(http_internal::TrimOws(etag)); }

bool ClientNotModified(const http::HeaderView& req, const cache::StoredResponse& r) {
  if (r.status != 200) return false;
  if (req.Contains("If-None-Match")) {
    if (r.etag().empty()) return false;
    const std::string mine = WeakTag(r.etag());
    bool match = false;
    req.ForEachListMember("If-None-Match", [&](std::string_view m) {
      if (m == "*" || WeakTag(m) == mine) match = true;
      return !match;
    });
    return match;
  }
  if (auto ims = req.Get("If-Modified-Since")) {
    const std::optional<absl::Time> since = http::ParseHttpDate(*ims);
    if (!since) return false;
    std::optional<absl::Time> lm;
    if (!r.last_modified().empty()) lm = http::ParseHttpDate(r.last_modified());
    if (!lm) {
      if (auto d = r.headers().Get("Date")) lm = http::ParseHttpDate(*d);
    }
    return lm && *lm <= *since;
  }
  return false;
}

ValidatorSelection SelectForUpdate(const std::vector<cache::StoredVariant>& vars,
                                   const http::HeaderView& headers, bool is_head,
                                   const VaryRules& vary, const http::HeaderView& request_headers,
                                   const cache::StoredResponse* validating) {
  ValidatorSelection out;
  const std::string new_etag =
      std::string(http_internal::TrimOws(headers.Get("ETag").value_or("")));
  const std::string_view new_lm = headers.Get("Last-Modified").value_or("");
  const bool strong = !new_etag.empty() && !IsWeak(new_etag);
  if (is_head) {
    // §4.3.5: the stored GET response this HEAD would have selected.
    for (size_t i = 0; i < vars.size(); ++i) {
      const cache::StoredResponse& old = *vars[i].response;
      if (!vary.Matches(old, request_headers)) continue;
      const bool etag_ok = new_etag.empty() || old.etag() == new_etag;
      const bool lm_ok = new_lm.empty() || old.last_modified() == new_lm;
      auto old_cl = old.headers().Get("Content-Length");
      auto new_cl = headers.Get("Content-Length");
      const bool cl_ok = !new_cl || !old_cl || *old_cl == *new_cl;
      if (etag_ok && lm_ok && cl_ok) {
        out.update.push_back(i);
      } else {
        out.stale = static_cast<long>(i);  // outdated: mark it stale
      }
      break;
    }
    return out;
  }
  if (strong) {
    for (size_t i = 0; i < vars.size(); ++i) {
      const cache::StoredResponse& r = *vars[i].response;
      if (!r.etag().empty() && !IsWeak(r.etag()) && r.etag() == new_etag) out.update.push_back(i);
    }
  } else if (!new_etag.empty() || !new_lm.empty()) {
    // Weak validators: the most recent matching stored response.
    for (size_t i = 0; i < vars.size(); ++i) {
      const cache::StoredResponse& r = *vars[i].response;
      const bool etag_match =
          !new_etag.empty() && !r.etag().empty() && WeakTag(r.etag()) == WeakTag(new_etag);
      const bool lm_match = new_etag.empty() && !new_lm.empty() && r.last_modified() == new_lm;
      if (etag_match || lm_match) {
        out.update.push_back(i);
        break;  // variants are newest first
      }
    }
  } else if (vars.size() == 1 && vars[0].response->etag().empty() &&
             vars[0].response->last_modified().empty()) {
    out.update.push_back(0);
  } else if (validating != nullptr) {
    // A 304 without validators answering our own conditional request: it
    // validates the response we asked about.
    for (size_t i = 0; i < vars.size(); ++i) {
      if (SameStored(*vars[i].response, *validating)) {
        out.update.push_back(i);
        break;
      }
    }
  }
  return out;
}

}  // namespace cache_internal
EDGEKIT_NAMESPACE_END
