// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: range.h
// -----------------------------------------------------------------------------
// Byte ranges (RFC 9110 §14) served from stored complete responses: the
// `Range` header parser, and the plan of a partial answer — one range as
// `206` with `Content-Range`, several as `206` `multipart/byteranges`, or
// `416` when none is satisfiable. `HttpCache::Lookup` makes the plan for a
// hit whose request carries a Range (`LookupResult::range`);
// `LookupResult::ForEachField` and `LookupResult::BodyToSend()` then send it.
//
// Example:
//
//   std::optional<cache::RangeSet> set = cache::ParseRange("bytes=0-99,-100");
//   // set->specs: {0, 99}, {suffix 100}
//
// Bounds: at most `kMaxRanges` ranges (more: the field is ignored, RFC 9110
// §14.2 allows it); overlapping ranges are coalesced; numbers up to 2^63 - 1.
// Thread-safety: pure functions; `RangePlan` is an immutable value once made.
// Errors: an invalid field is `std::nullopt` (ignored: the whole response is
// served).

#ifndef EDGEKIT_CACHE_RANGE_H_
#define EDGEKIT_CACHE_RANGE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgekit/base/config.h"
#include "edgekit/base/random.h"
#include "edgekit/cache/body.h"

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

class StoredResponse;

inline constexpr size_t kMaxRanges = 16;

// One range-spec (RFC 9110 §14.1.1): `first-last`, `first-`, or `-suffix`.
struct RangeSpec {
  std::optional<uint64_t> first;  // nullopt: a suffix range
  std::optional<uint64_t> last;   // nullopt: to the end (or the suffix length
                                  // in `suffix`)
  uint64_t suffix = 0;            // suffix-length when `first` is nullopt
};

struct RangeSet {
  std::vector<RangeSpec> specs;  // as received, 1..kMaxRanges
};

// Parses a Range field value with the `bytes` unit (case-insensitive). Any
// other unit, a syntax error, an int-range with last < first, or more than
// `kMaxRanges` ranges: nullopt.
[[nodiscard]] EDGEKIT_API std::optional<RangeSet> ParseRange(std::string_view value);

// A resolved range, inclusive.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  [[nodiscard]] uint64_t size() const { return last - first + 1; }
};

// The ranges of `set` satisfiable against a representation of `length`
// bytes (RFC 9110 §14.1.2), in the order received, or ascending with
// overlapping and adjacent ranges coalesced when any overlap. Empty: none is
// satisfiable.
[[nodiscard]] EDGEKIT_API std::vector<ByteRange> ResolveRanges(const RangeSet& set,
                                                               uint64_t length);

// How a partial answer is sent.
struct RangePlan {
  int status = 200;     // 206, or 416 (nothing satisfiable)
  uint64_t length = 0;  // of the whole stored representation
  std::vector<ByteRange> ranges;
  // Field values to send instead of the stored ones (empty: none):
  std::string content_range;        // one range: "bytes a-b/len"; 416: "bytes */len"
  std::string content_type;         // several: "multipart/byteranges; boundary=..."
  uint64_t content_length = 0;      // of what is sent
  std::string content_length_text;  // the same, as the field value
  // Several ranges: the multipart framing before each part, and the closing
  // delimiter last (ranges.size() + 1 chunks).
  std::vector<BodyChunk> framing;
};

// The plan for serving `range_value` (the request's Range) with `response`
// (a stored 200 whose body is complete), honouring `if_range` (RFC 9110
// §13.1.5: a strong entity-tag equal to the stored ETag, or an HTTP-date
// equal to the stored Last-Modified). nullopt: serve the whole response
// (no usable Range, If-Range does not match, not a complete 200). The
// multipart boundary takes 128 bits from `random`.
[[nodiscard]] EDGEKIT_API std::optional<RangePlan> PlanRange(
    std::string_view range_value, std::optional<std::string_view> if_range,
    const StoredResponse& response, RandomSource& random);

}  // namespace cache
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CACHE_RANGE_H_
