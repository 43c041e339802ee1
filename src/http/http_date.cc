// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_date.cc
// -----------------------------------------------------------------------------
// HTTP-date parsing and formatting (RFC 9110 §5.6.7). Civil-date arithmetic is
// done here directly (proleptic Gregorian, UTC) rather than through a time
// zone lookup, so both directions are allocation-free.

#include "edgekit/http/http_date.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "edgekit/http/header_map.h"
#include "http/internal_parse.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

using http_internal::IsDigit;

constexpr size_t kMaxDateInput = 64;

constexpr const char* kShortDays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kLongDays[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil). m is 1..12.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Inverse of DaysFromCivil.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Three bytes at pos, ASCII-lowercased, packed into an int (0 if short).
constexpr uint32_t Pack3(char a, char b, char c) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(a)) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b)) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(c));
}
uint32_t Lower3At(std::string_view s, size_t pos) {
  if (pos + 3 > s.size()) return 0;
  return Pack3(http_internal::ToLowerAscii(s[pos]), http_internal::ToLowerAscii(s[pos + 1]),
               http_internal::ToLowerAscii(s[pos + 2]));
}

constexpr uint32_t kPackedDays[7] = {
    Pack3('s', 'u', 'n'), Pack3('m', 'o', 'n'), Pack3('t', 'u', 'e'), Pack3('w', 'e', 'd'),
    Pack3('t', 'h', 'u'), Pack3('f', 'r', 'i'), Pack3('s', 'a', 't')};
constexpr uint32_t kPackedMonths[12] = {
    Pack3('j', 'a', 'n'), Pack3('f', 'e', 'b'), Pack3('m', 'a', 'r'), Pack3('a', 'p', 'r'),
    Pack3('m', 'a', 'y'), Pack3('j', 'u', 'n'), Pack3('j', 'u', 'l'), Pack3('a', 'u', 'g'),
    Pack3('s', 'e', 'p'), Pack3('o', 'c', 't'), Pack3('n', 'o', 'v'), Pack3('d', 'e', 'c')};

// Index 0..6 of a short day name ("Sun".."Sat") at the start of s, or -1.
int ShortDayIndex(std::string_view s) {
  const uint32_t v = Lower3At(s, 0);
  for (int i = 0; i < 7; ++i) {
    if (kPackedDays[i] == v) return i;
  }
  return -1;
}

// day-name (3 bytes) for IMF-fixdate and asctime.
bool IsShortDayName(std::string_view s) { return s.size() == 3 && ShortDayIndex(s) >= 0; }

// day-name-l ("Sunday".."Saturday") for rfc850.
bool IsLongDayName(std::string_view s) {
  const int i = ShortDayIndex(s);
  return i >= 0 && EqualsIgnoreCase(s, kLongDays[i]);
}

// Month "Jan".."Dec" at pos (case-insensitive) → 1..12, or 0.
int MonthAt(std::string_view s, size_t pos) {
  const uint32_t v = Lower3At(s, pos);
  for (int i = 0; i < 12; ++i) {
    if (kPackedMonths[i] == v) return i + 1;
  }
  return 0;
}

// time-of-day = hour ":" minute ":" second, at pos (8 bytes).
bool TimeOfDayAt(std::string_view s, size_t pos, int* h, int* mi, int* se) {
  if (pos + 8 > s.size() || s[pos + 2] != ':' || s[pos + 5] != ':') return false;
  return Digits(s, pos, 2, h) && Digits(s, pos + 3, 2, mi) && Digits(s, pos + 6, 2, se);
}

std::optional<absl::Time> Make(int64_t y, int m, int d, int h, int mi, int se) {
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) return std::nullopt;
  if (h > 23 || mi > 59 || se > 60) return std::nullopt;
  if (se == 60) se = 59;  // leap second: stay within the stated minute
  const int64_t secs = DaysFromCivil(y, m, d) * 86400 + h * 3600 + mi * 60 + se;
  return absl::FromUnixSeconds(secs);
}

// Floor division of Unix seconds into days and seconds of day.
void SplitSeconds(int64_t secs, int64_t* days, int64_t* rem) {
  *days = secs / 86400;
  *rem = secs % 86400;
  if (*rem < 0) {
    *rem += 86400;
    --*days;
  }
}

// rfc850's two-digit year. Without `now`: 00-69 → 20xx, 70-99 → 19xx. With
// `now`, RFC 9110 §5.6.7: a timestamp that appears to be more than 50 years in
// the future is the most recent past year with the same last two digits; so
// the result is the latest year with these digits whose timestamp is at most
// 50 years after now (compared as civil date-times, UTC).
int64_t ResolveTwoDigitYear(int yy, int m, int d, int h, int mi, int se, const absl::Time* now) {
  if (now == nullptr) return yy < 70 ? 2000 + yy : 1900 + yy;
  int64_t days = 0;
  int64_t rem = 0;
  // Clamp so that far-out `now` values cannot overflow the civil arithmetic.
  const int64_t now_secs =
      std::clamp<int64_t>(absl::ToUnixSeconds(*now), -62135596800, 253402300799);
  SplitSeconds(now_secs, &days, &rem);
  int64_t now_year = 0;
  int now_m = 0;
  int now_d = 0;
  CivilFromDays(days, &now_year, &now_m, &now_d);
  const auto limit = std::make_tuple(now_year + 50, now_m, now_d, static_cast<int>(rem / 3600),
                                     static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  const int64_t century = now_year / 100 * 100;  // now_year >= 1 after the clamp
  int64_t y = century + yy;
  if (std::make_tuple(y, m, d, h, mi, se) > limit) {
    y -= 100;
  } else if (std::make_tuple(y + 100, m, d, h, mi, se) <= limit) {
    y += 100;
  }
  return y;
}

std::optional<absl::Time> Parse(std::string_view in, const absl::Time* now) {
  if (in.size() > kMaxDateInput) return std::nullopt;
  const std::string_view s = http_internal::TrimOws(in);
  if (s.size() < 24) return std::nullopt;
  int d = 0;
  int y = 0;
  int h = 0;
  int mi = 0;
  int se = 0;
  if (s[3] == ',') {
    // IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT
    //   date1 = day SP month SP year ; e.g., 02 Jun 1982
    if (s.size() != 29 || !IsShortDayName(s.substr(0, 3)) || s[4] != ' ' || !Digits(s, 5, 2, &d) ||
        s[7] != ' ' || s[11] != ' ' || !Digits(s, 12, 4, &y) || s[16] != ' ' ||
        !TimeOfDayAt(s, 17, &h, &mi, &se) || s[25] != ' ' ||
        Lower3At(s, 26) != Pack3('g', 'm', 't')) {
      return std::nullopt;
    }
    const int m = MonthAt(s, 8);
    if (m == 0) return std::nullopt;
    return Make(y, m, d, h, mi, se);
  }
  if (s[3] == ' ') {
    // asctime-date = day-name SP date3 SP time-of-day SP year
    //   date3 = month SP ( 2DIGIT / ( SP DIGIT ) ) ; e.g., Jun  2
    if (s.size() != 24 || !IsShortDayName(s.substr(0, 3)) || s[7] != ' ') return std::nullopt;
    if (s[8] == ' ') {
      if (!Digits(s, 9, 1, &d)) return std::nullopt;
    } else if (!Digits(s, 8, 2, &d)) {
      return std::nullopt;
    }
    if (s[10] != ' ' || !TimeOfDayAt(s, 11, &h, &mi, &se) || s[19] != ' ' ||
        !Digits(s, 20, 4, &y)) {
      return std::nullopt;
    }
    const int m = MonthAt(s, 4);
    if (m == 0) return std::nullopt;
    return Make(y, m, d, h, mi, se);
  }
  // rfc850-date = day-name-l "," SP date2 SP time-of-day SP GMT
  //   date2 = day "-" month "-" 2DIGIT ; e.g., 02-Jun-82
  const size_t comma = s.find(',');
  if (comma == std::string_view::npos || comma < 6 || comma > 9) return std::nullopt;
  if (!IsLongDayName(s.substr(0, comma))) return std::nullopt;
  const size_t p = comma + 2;  // start of date2
  if (s.size() != p + 22 || s[comma + 1] != ' ' || !Digits(s, p, 2, &d) || s[p + 2] != '-' ||
      s[p + 6] != '-' || !Digits(s, p + 7, 2, &y) || s[p + 9] != ' ' ||
      !TimeOfDayAt(s, p + 10, &h, &mi, &se) || s[p + 18] != ' ' ||
      Lower3At(s, p + 19) != Pack3('g', 'm', 't')) {
    return std::nullopt;
  }
  const int m = MonthAt(s, p + 3);
  if (m == 0) return std::nullopt;
  return Make(ResolveTwoDigitYear(y, m, d, h, mi, se, now), m, d, h, mi, se);
}

void Put2(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

std::optional<absl::Time> ParseHttpDate(std::string_view value) { return Parse(value, nullptr); }

std::optional<absl::Time> ParseHttpDate(std::string_view value, absl::Time now) {
  return Parse(value, &now);
}

std::string_view FormatHttpDate(absl::Time t, char (&out)[kHttpDateSize]) {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
  constexpr int64_t kMin = -62135596800;
  constexpr int64_t kMax = 253402300799;
  int64_t secs = 0;
  if (t == absl::InfinitePast()) {
    secs = kMin;
  } else if (t == absl::InfiniteFuture()) {
    secs = kMax;
  } else {
    secs = absl::ToUnixSeconds(t);  // rounds toward negative infinity
    if (secs < kMin) secs = kMin;
    if (secs > kMax) secs = kMax;
  }
  int64_t days = 0;
  int64_t rem = 0;
  SplitSeconds(secs, &days, &rem);
  int64_t y = 0;
  int m = 0;
  int d = 0;
  CivilFromDays(days, &y, &m, &d);
  // 1970-01-01 was a Thursday (index 4).
  const int wday = static_cast<int>(((days % 7) + 7 + 4) % 7);
  char* p = out;
  const char* dn = kShortDays[wday];
  p[0] = dn[0];
  p[1] = dn[1];
  p[2] = dn[2];
  p[3] = ',';
  p[4] = ' ';
  Put2(p + 5, d);
  p[7] = ' ';
  const char* mn = kMonths[m - 1];
  p[8] = mn[0];
  p[9] = mn[1];
  p[10] = mn[2];
  p[11] = ' ';
  const int yi = static_cast<int>(y);
  Put2(p + 12, yi / 100);
  Put2(p + 14, yi % 100);
  p[16] = ' ';
  const int r = static_cast<int>(rem);
  Put2(p + 17, r / 3600);
  p[19] = ':';
  Put2(p + 20, r / 60 % 60);
  p[22] = ':';
  Put2(p + 23, r % 60);
  p[25] = ' ';
  p[26] = 'G';
  p[27] = 'M';
  p[28] = 'T';
  return std::string_view(out, kHttpDateSize);
}

std::string FormatHttpDate(absl::Time t) {
  char buf[kHttpDateSize];
  return std::string(FormatHttpDate(t, buf));
}

}  // namespace http
EDGEKIT_NAMESPACE_END
