// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/http_date.h: HTTP-date (RFC 9110 §5.6.7).
#include "edgekit/http/http_date.h"

#include <string>

#include "edgekit_catch.h"

using edgekit::http::FormatHttpDate;
using edgekit::http::kHttpDateSize;
using edgekit::http::ParseHttpDate;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT, RFC 9110 §5.6.7's example instant.
const absl::Time kExample = absl::FromUnixSeconds(784111777);
absl::Time Civil(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}
}  // namespace

TEST_CASE("The three HTTP-date forms of RFC 9110 §5.6.7's example", "[http]") {
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == kExample);   // IMF-fixdate
  CHECK(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") == kExample);  // obsolete RFC 850
  CHECK(ParseHttpDate("Sun Nov  6 08:49:37 1994") == kExample);        // asctime
  CHECK(FormatHttpDate(kExample) == "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_CASE("IMF-fixdate parsing is exact but case-insensitive (RFC 9111 §4.2)", "[http]") {
  CHECK(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT") == absl::UnixEpoch());
  CHECK(ParseHttpDate("sun, 06 nov 1994 08:49:37 gmt") == kExample);
  CHECK(ParseHttpDate("SUN, 06 NOV 1994 08:49:37 GMT") == kExample);
  CHECK(ParseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT\t") == kExample);  // OWS around
  CHECK(ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT") == Civil(9999, 12, 31, 23, 59, 59));
  CHECK(ParseHttpDate("Sat, 01 Jan 0000 00:00:00 GMT") == Civil(0, 1, 1));
  for (const char* bad : {
           "",
           "Sun, 06 Nov 1994 08:49:37",       // no GMT
           "Sun, 06 Nov 1994 08:49:37 UTC",   // only GMT
           "Sun, 6 Nov 1994 08:49:37 GMT",    // day is 2DIGIT
           "Sun, 06 Nov 94 08:49:37 GMT",     // year is 4DIGIT
           "Sun,  06 Nov 1994 08:49:37 GMT",  // one SP
           "Sun, 06 Nov 1994 8:49:37 GMT",    // hour is 2DIGIT
           "Sun 06 Nov 1994 08:49:37 GMT",    // missing comma
           "Xyz, 06 Nov 1994 08:49:37 GMT",   // day name
           "Sun, 06 Nox 1994 08:49:37 GMT",   // month name
           "Sun, 06 Nov 1994 08-49-37 GMT",   // separators
           "Sun, 06 Nov 1994 08:49:37 GMTX",  // trailing byte
           "Sun, 0x Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
       }) {
    INFO(bad);
    CHECK_FALSE(ParseHttpDate(bad).has_value());
  }
}

TEST_CASE("HTTP-date fields are range-checked (RFC 9110 §5.6.7)", "[http]") {
  CHECK(ParseHttpDate("Tue, 29 Feb 2000 00:00:00 GMT") == Civil(2000, 2, 29));  // 400-year leap
  CHECK(ParseHttpDate("Thu, 29 Feb 2024 00:00:00 GMT") == Civil(2024, 2, 29));
  CHECK(ParseHttpDate("Thu, 30 Apr 2026 23:59:59 GMT") == Civil(2026, 4, 30, 23, 59, 59));
  for (const char* bad : {
           "Thu, 29 Feb 1900 00:00:00 GMT",  // 1900 is not a leap year
           "Fri, 29 Feb 2023 00:00:00 GMT",
           "Thu, 31 Apr 2026 00:00:00 GMT",
           "Thu, 00 Jan 2026 00:00:00 GMT",
           "Thu, 32 Jan 2026 00:00:00 GMT",
           "Thu, 01 Jan 2026 24:00:00 GMT",
           "Thu, 01 Jan 2026 00:60:00 GMT",
           "Thu, 01 Jan 2026 00:00:61 GMT",
           "Thu, 01 Jan 2026 99:99:99 GMT",
           "Sun Nov 31 08:49:37 1994",
           "Sunday, 31-Nov-94 08:49:37 GMT",
       }) {
    INFO(bad);
    CHECK_FALSE(ParseHttpDate(bad).has_value());
  }
}

TEST_CASE("A leap second is read as second 59 of the same minute", "[http]") {
  // RFC 9110 §5.6.7 allows second 60 ("leap second"); documented choice.
  CHECK(ParseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT") == Civil(2016, 12, 31, 23, 59, 59));
  CHECK(ParseHttpDate("Sat Dec 31 23:59:60 2016") == Civil(2016, 12, 31, 23, 59, 59));
}

TEST_CASE("A day of week that does not match the date is ignored (documented)", "[http]") {
  // 1994-11-06 was a Sunday; the date decides.
  CHECK(ParseHttpDate("Mon, 06 Nov 1994 08:49:37 GMT") == kExample);
  CHECK(ParseHttpDate("Monday, 06-Nov-94 08:49:37 GMT") == kExample);
  // But the name must be one of the right form.
  CHECK_FALSE(ParseHttpDate("Sunday, 06 Nov 1994 08:49:37 GMT").has_value());
  CHECK_FALSE(ParseHttpDate("Sun, 06-Nov-94 08:49:37 GMT").has_value());
  CHECK_FALSE(ParseHttpDate("Sunday Nov  6 08:49:37 1994").has_value());
}

TEST_CASE("asctime's day may be SP DIGIT or 2DIGIT (RFC 9110 §5.6.7 date3)", "[http]") {
  CHECK(ParseHttpDate("Sun Nov 06 08:49:37 1994") == kExample);
  CHECK(ParseHttpDate("Wed Nov 16 08:49:37 1994") == Civil(1994, 11, 16, 8, 49, 37));
  CHECK_FALSE(ParseHttpDate("Sun Nov 6 08:49:37 1994").has_value());
  CHECK_FALSE(ParseHttpDate("Sun Nov  6 08:49:37 94").has_value());
  CHECK_FALSE(ParseHttpDate("Sun Nov  6 08:49:37 1994 GMT").has_value());
  CHECK_FALSE(ParseHttpDate("Sun Nov   6 08:49:37 1994").has_value());
}

TEST_CASE("rfc850 two-digit years (RFC 9110 §5.6.7)", "[http]") {
  SECTION("without now: 00-69 are 20xx, 70-99 are 19xx (documented pivot)") {
    CHECK(ParseHttpDate("Thursday, 01-Jan-70 00:00:00 GMT") == absl::UnixEpoch());
    CHECK(ParseHttpDate("Friday, 31-Dec-99 23:59:59 GMT") == Civil(1999, 12, 31, 23, 59, 59));
    CHECK(ParseHttpDate("Saturday, 01-Jan-00 00:00:00 GMT") == Civil(2000, 1, 1));
    CHECK(ParseHttpDate("Monday, 01-Jan-69 00:00:00 GMT") == Civil(2069, 1, 1));
  }
  SECTION("with now: more than 50 years in the future means the most recent past year") {
    const absl::Time now = Civil(2026, 11, 27);
    CHECK(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", now) == kExample);           // not 2094
    CHECK(ParseHttpDate("Monday, 01-Jan-76 00:00:00 GMT", now) == Civil(2076, 1, 1));  // +50
    CHECK(ParseHttpDate("Monday, 01-Jan-77 00:00:00 GMT", now) == Civil(1977, 1, 1));  // +51
    CHECK(ParseHttpDate("Monday, 01-Jan-26 00:00:00 GMT", now) == Civil(2026, 1, 1));
    // Compared as date-times: 2076-11-27 00:00:00 is exactly 50 years ahead,
    // one second later is more than 50 years ahead.
    CHECK(ParseHttpDate("Friday, 27-Nov-76 00:00:00 GMT", now) == Civil(2076, 11, 27));
    CHECK(ParseHttpDate("Friday, 27-Nov-76 00:00:01 GMT", now) == Civil(1976, 11, 27, 0, 0, 1));
    CHECK(ParseHttpDate("Wednesday, 01-Dec-76 00:00:00 GMT", now) == Civil(1976, 12, 1));
    // Feb 29 is validated in the resolved year: 2000 is a leap year, 2100 not.
    CHECK(ParseHttpDate("Tuesday, 29-Feb-00 00:00:00 GMT", now) == Civil(2000, 2, 29));
    CHECK_FALSE(ParseHttpDate("Monday, 29-Feb-00 00:00:00 GMT", Civil(2070, 1, 1)).has_value());
    // Near a century boundary the next century can be the nearer one.
    const absl::Time late = Civil(2095, 6, 1);
    CHECK(ParseHttpDate("Monday, 01-Jan-05 00:00:00 GMT", late) == Civil(2105, 1, 1));
    CHECK(ParseHttpDate("Monday, 01-Jan-60 00:00:00 GMT", late) == Civil(2060, 1, 1));
  }
  SECTION("malformed rfc850 dates") {
    for (const char* bad : {"Sunday, 06-Nov-1994 08:49:37 GMT", "Sunday, 06 Nov 94 08:49:37 GMT",
                            "Sunday,06-Nov-94 08:49:37 GMT", "Funday, 06-Nov-94 08:49:37 GMT",
                            "Sunday, 06-Nov-94 08:49:37 EST", ", 06-Nov-94 08:49:37 GMT",
                            "Wednesday, 06-Nov-94 08:49:37"}) {
      INFO(bad);
      CHECK_FALSE(ParseHttpDate(bad).has_value());
    }
  }
}

TEST_CASE("Invalid dates are reported as invalid, never as the epoch", "[http]") {
  for (const char* bad : {"0", "-1", "garbage", "Thu, 01 Jan 1970 00:00:00 GMT garbage",
                          "Thu, 01 Jan 1970 00:00:00", "\xff\xfe\xfd"}) {
    INFO(bad);
    CHECK_FALSE(ParseHttpDate(bad).has_value());
  }
  CHECK_FALSE(ParseHttpDate(std::string(1000, 'a')).has_value());
  CHECK_FALSE(ParseHttpDate(std::string_view("Sun, 06 Nov 1994 08:49:37 GMT\0", 30)).has_value());
}

TEST_CASE("FormatHttpDate writes IMF-fixdate, rounds down and clamps", "[http]") {
  CHECK(FormatHttpDate(absl::UnixEpoch()) == "Thu, 01 Jan 1970 00:00:00 GMT");
  CHECK(FormatHttpDate(kExample + absl::Milliseconds(999)) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(FormatHttpDate(absl::UnixEpoch() - absl::Milliseconds(1)) ==
        "Wed, 31 Dec 1969 23:59:59 GMT");
  CHECK(FormatHttpDate(Civil(2000, 2, 29, 12, 0, 5)) == "Tue, 29 Feb 2000 12:00:05 GMT");
  CHECK(FormatHttpDate(absl::InfiniteFuture()) == "Fri, 31 Dec 9999 23:59:59 GMT");
  CHECK(FormatHttpDate(absl::InfinitePast()) == "Mon, 01 Jan 0001 00:00:00 GMT");
  CHECK(FormatHttpDate(Civil(12000, 1, 1)) == "Fri, 31 Dec 9999 23:59:59 GMT");
  char buf[kHttpDateSize];
  const std::string_view v = FormatHttpDate(kExample, buf);
  CHECK(v == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(v.data() == buf);
}

TEST_CASE("Format then parse round-trips every day over four centuries", "[http]") {
  // Walks 1600-03-01 .. 2400-03-01 in steps of 2 days + 7 s, checking weekday,
  // calendar and round-trip against Abseil's civil time.
  absl::Time t = Civil(1600, 3, 1);
  const absl::Time end = Civil(2400, 3, 1);
  int checked = 0;
  while (t < end) {
    const std::string s = FormatHttpDate(t);
    const absl::TimeZone utc = absl::UTCTimeZone();
    if (s != absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", t, utc)) {
      FAIL("format mismatch at " << absl::FormatTime(t) << ": " << s);
    }
    const auto back = ParseHttpDate(s);
    if (!back || *back != t) FAIL("round-trip failed for " << s);
    t += absl::Hours(48) + absl::Seconds(7);
    ++checked;
  }
  CHECK(checked > 140000);
}
