// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Byte ranges (see edgekit/cache/range.h).
#include "edgekit/cache/range.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "edgekit/cache/stored_response.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/http_date.h"
#include "edgekit/http/internal/list_members.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {
namespace {

// 1*DIGIT up to 2^63 - 1.
std::optional<uint64_t> ParseDigits(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return v;
}

std::optional<RangeSpec> ParseSpec(std::string_view s) {
  const size_t dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  RangeSpec spec;
  const std::string_view a = s.substr(0, dash);
  const std::string_view b = s.substr(dash + 1);
  if (a.empty()) {  // suffix-range = "-" suffix-length
    std::optional<uint64_t> n = ParseDigits(b);
    if (!n) return std::nullopt;
    spec.suffix = *n;
    return spec;
  }
  spec.first = ParseDigits(a);
  if (!spec.first) return std::nullopt;
  if (!b.empty()) {
    spec.last = ParseDigits(b);
    if (!spec.last || *spec.last < *spec.first) return std::nullopt;  // invalid int-range
  }
  return spec;
}

std::string ContentRange(const ByteRange& r, uint64_t length) {
  return absl::StrCat("bytes ", r.first, "-", r.last, "/", length);
}

bool IfRangeMatches(std::string_view if_range, const StoredResponse& r) {
  if_range = http_internal::TrimOws(if_range);
  if (if_range.empty()) return false;
  if (if_range[0] == '"' || (if_range.size() > 1 && if_range[0] == 'W' && if_range[1] == '/')) {
    // RFC 9110 §13.1.5: the strong comparison; a weak tag never matches.
    const std::string_view mine = http_internal::TrimOws(r.etag());
    return if_range[0] == '"' && !mine.empty() && mine[0] == '"' && mine == if_range;
  }
  const std::optional<absl::Time> date = http::ParseHttpDate(if_range);
  if (!date || r.last_modified().empty()) return false;
  const std::optional<absl::Time> lm = http::ParseHttpDate(r.last_modified());
  return lm && *lm == *date;
}

}  // namespace

std::optional<RangeSet> ParseRange(std::string_view value) {
  value = http_internal::TrimOws(value);
  const size_t eq = value.find('=');
  if (eq == std::string_view::npos || !http::EqualsIgnoreCase(value.substr(0, eq), "bytes")) {
    return std::nullopt;
  }
  RangeSet set;
  std::string_view rest = value.substr(eq + 1);
  while (true) {
    const size_t comma = rest.find(',');
    const std::string_view item = http_internal::TrimOws(rest.substr(0, comma));
    if (!item.empty()) {  // empty list elements are allowed (RFC 9110 §5.6.1)
      std::optional<RangeSpec> spec = ParseSpec(item);
      if (!spec || set.specs.size() == kMaxRanges) return std::nullopt;
      set.specs.push_back(*spec);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (set.specs.empty()) return std::nullopt;
  return set;
}

std::vector<ByteRange> ResolveRanges(const RangeSet& set, uint64_t length) {
  std::vector<ByteRange> out;
  if (length == 0) return out;
  for (const RangeSpec& s : set.specs) {
    if (!s.first) {
      if (s.suffix == 0) continue;  // unsatisfiable
      out.push_back(ByteRange{length - std::min(length, s.suffix), length - 1});
      continue;
    }
    if (*s.first >= length) continue;
    out.push_back(ByteRange{*s.first, s.last ? std::min(*s.last, length - 1) : length - 1});
  }
  std::vector<ByteRange> sorted = out;
  std::sort(sorted.begin(), sorted.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.first < b.first; });
  bool touching = false;
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].first <= sorted[i - 1].last + 1) touching = true;
  }
  if (!touching) return out;  // the client's order (RFC 9110 §14.6)
  std::vector<ByteRange> merged;
  for (const ByteRange& r : sorted) {
    if (!merged.empty() && r.first <= merged.back().last + 1) {
      merged.back().last = std::max(merged.back().last, r.last);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::optional<RangePlan> PlanRange(std::string_view range_value,
                                   std::optional<std::string_view> if_range,
                                   const StoredResponse& response, RandomSource& random) {
  if (response.status != 200 || response.body == nullptr) return std::nullopt;
  const std::optional<uint64_t> length = response.body->size();
  if (!length) return std::nullopt;  // still filling: the whole response
  if (if_range && !IfRangeMatches(*if_range, response)) return std::nullopt;
  const std::optional<RangeSet> set = ParseRange(range_value);
  if (!set) return std::nullopt;
  RangePlan plan;
  plan.length = *length;
  plan.ranges = ResolveRanges(*set, *length);
  if (plan.ranges.empty()) {
    plan.status = 416;
    plan.content_range = absl::StrCat("bytes */", *length);
    plan.content_length_text = "0";
    return plan;
  }
  plan.status = 206;
  if (plan.ranges.size() == 1) {
    plan.content_range = ContentRange(plan.ranges[0], *length);
    plan.content_length = plan.ranges[0].size();
    plan.content_length_text = absl::StrCat(plan.content_length);
    return plan;
  }
  // RFC 9110 §14.6: multipart/byteranges with a boundary absent from the
  // bytes (128 random bits).
  static constexpr char kHex[] = "0123456789abcdef";
  std::string boundary;
  for (int i = 0; i < 2; ++i) {
    uint64_t v = random.Next();
    for (int k = 0; k < 16; ++k, v >>= 4) boundary.push_back(kHex[v & 15]);
  }
  plan.content_type = "multipart/byteranges; boundary=" + boundary;
  const std::optional<std::string_view> type = response.headers().Get("Content-Type");
  uint64_t total = 0;
  for (size_t i = 0; i < plan.ranges.size(); ++i) {
    std::string head = i == 0 ? "--" : "\r\n--";
    head += boundary;
    head += "\r\n";
    if (type) {
      head += "Content-Type: ";
      head.append(type->data(), type->size());
      head += "\r\n";
    }
    head += "Content-Range: " + ContentRange(plan.ranges[i], *length) + "\r\n\r\n";
    total += head.size() + plan.ranges[i].size();
    plan.framing.push_back(BodyChunk::Copy(head));
  }
  const std::string closing = "\r\n--" + boundary + "--\r\n";
  total += closing.size();
  plan.framing.push_back(BodyChunk::Copy(closing));
  plan.content_length = total;
  plan.content_length_text = absl::StrCat(total);
  return plan;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
