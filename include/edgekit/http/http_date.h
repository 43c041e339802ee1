// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_date.h
// -----------------------------------------------------------------------------
// HTTP-date (RFC 9110 §5.6.7): parse the three forms a recipient must accept
// and format the one a sender must generate.
//
//   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT     (the preferred form)
//   rfc850-date  Sunday, 06-Nov-94 08:49:37 GMT    (obsolete)
//   asctime      Sun Nov  6 08:49:37 1994          (obsolete)
//
// Example:
//
//   std::optional<absl::Time> t =
//       edgekit::http::ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
//   std::string s = edgekit::http::FormatHttpDate(*t);  // the same string
//   char buf[edgekit::http::kHttpDateSize];
//   std::string_view v = edgekit::http::FormatHttpDate(*t, buf);  // no allocation
//
// Parsing rules (documented choices):
//   * Names of days and months and "GMT" match case-insensitively: RFC 9111
//     §4.2 says a cache recipient SHOULD match HTTP-date case-insensitively.
//   * Leading/trailing OWS is ignored; otherwise the grammar is exact (single
//     SP separators, fixed digit counts; asctime's day is 2DIGIT or SP DIGIT).
//   * The day name must be a valid name of the right form (short for
//     IMF-fixdate and asctime, long for rfc850), but a day of week that does
//     not match the date is ignored: the date and time decide the instant
//     (RFC 9110 §5.6.7 makes the day name redundant; rejecting mismatches
//     would only turn a usable date into no date).
//   * Fields are range-checked: day 1..days in that month (leap years per the
//     Gregorian calendar), hour 0..23, minute 0..59, second 0..60. A leap
//     second (60) is accepted and read as second 59 of the same minute, so the
//     result never falls in the next minute.
//   * rfc850's two-digit year: with `now`, RFC 9110 §5.6.7's rule — a
//     timestamp that would be more than 50 years after `now` (compared as
//     UTC date-times) is read in the most recent past year with those two
//     digits; the result is the latest such year at most 50 years ahead.
//     Without `now`, a fixed pivot: 00..69 → 2000..2069, 70..99 → 1970..1999
//     (POSIX strptime's %y).
//   * Anything else → std::nullopt; an invalid date is never the epoch.
//
// Formatting: IMF-fixdate of the time rounded down to the second, in UTC.
// Times before 0001-01-01T00:00:00Z or after 9999-12-31T23:59:59Z (including
// infinite times) are clamped to those bounds, so the output is always 29
// bytes of valid IMF-fixdate.
//
// Bounds: inputs longer than 64 bytes are rejected without scanning; parsing
// is O(1) and allocation-free. Thread-safety: pure functions, thread-safe.

#ifndef EDGEKIT_HTTP_HTTP_DATE_H_
#define EDGEKIT_HTTP_HTTP_DATE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Length of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
inline constexpr size_t kHttpDateSize = 29;

// Parses an HTTP-date in any of the three forms. rfc850's two-digit year uses
// the fixed pivot described above. Returns std::nullopt if invalid.
[[nodiscard]] EDGEKIT_API std::optional<absl::Time> ParseHttpDate(std::string_view value);

// As above, but rfc850's two-digit year follows RFC 9110 §5.6.7 relative to
// `now` (the recipient's current time).
[[nodiscard]] EDGEKIT_API std::optional<absl::Time> ParseHttpDate(std::string_view value,
                                                                  absl::Time now);

// Formats `t` as an IMF-fixdate (29 bytes).
[[nodiscard]] EDGEKIT_API std::string FormatHttpDate(absl::Time t);

// Writes the IMF-fixdate of `t` into `out` (no terminating NUL) and returns a
// view of it. Allocation-free.
EDGEKIT_API std::string_view FormatHttpDate(absl::Time t, char (&out)[kHttpDateSize]);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_HTTP_DATE_H_
