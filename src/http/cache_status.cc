// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: cache_status.cc
// -----------------------------------------------------------------------------
// Cache-Status serialisation (RFC 9211, RFC 8941 §4.1).

#include "edgekit/http/cache_status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/structured_fields.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

// sf-string with bytes outside %x20-7E replaced by '?' (never fails).
void AppendLossySfString(std::string* out, std::string_view v) {
  out->push_back('"');
  for (char c : v) {
    if (c < 0x20 || c > 0x7e) c = '?';
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendTokenOrString(std::string* out, std::string_view v) {
  if (!AppendSfToken(out, v)) AppendLossySfString(out, v);
}

void AppendClampedInteger(std::string* out, int64_t v) {
  AppendSfInteger(out, std::clamp(v, kSfIntegerMin, kSfIntegerMax));
}

void AppendMember(std::string* out, const CacheStatusEntry& e) {
  AppendTokenOrString(out, e.cache_name);
  if (e.hit) out->append(";hit");
  if (e.fwd != CacheStatusEntry::Fwd::kNone) {
    out->append(";fwd=");
    out->append(ToString(e.fwd).data(), ToString(e.fwd).size());
  }
  if (e.fwd_status) {
    out->append(";fwd-status=");
    AppendClampedInteger(out, *e.fwd_status);
  }
  if (e.ttl_seconds) {
    out->append(";ttl=");
    AppendClampedInteger(out, *e.ttl_seconds);
  }
  if (e.stored) out->append(";stored");
  if (e.collapsed) out->append(";collapsed");
  if (!e.key.empty()) {
    out->append(";key=");
    AppendLossySfString(out, e.key);
  }
  if (!e.detail.empty()) {
    out->append(";detail=");
    AppendTokenOrString(out, e.detail);
  }
}

}  // namespace

std::string_view ToString(CacheStatusEntry::Fwd fwd) {
  using Fwd = CacheStatusEntry::Fwd;
  switch (fwd) {
    case Fwd::kNone:
      return "";
    case Fwd::kBypass:
      return "bypass";
    case Fwd::kMethod:
      return "method";
    case Fwd::kUriMiss:
      return "uri-miss";
    case Fwd::kVaryMiss:
      return "vary-miss";
    case Fwd::kMiss:
      return "miss";
    case Fwd::kRequest:
      return "request";
    case Fwd::kStale:
      return "stale";
    case Fwd::kPartial:
      return "partial";
  }
  return "";
}

std::string FormatCacheStatus(const CacheStatusEntry& entry) {
  std::string out;
  out.reserve(64 + entry.cache_name.size() + entry.key.size() + entry.detail.size());
  AppendMember(&out, entry);
  return out;
}

void AppendCacheStatus(std::string* field_value, const CacheStatusEntry& entry) {
  // Drop trailing OWS of the existing value before appending.
  while (!field_value->empty() && (field_value->back() == ' ' || field_value->back() == '\t')) {
    field_value->pop_back();
  }
  if (!field_value->empty()) field_value->append(", ");
  AppendMember(field_value, entry);
}

}  // namespace http
EDGEKIT_NAMESPACE_END
