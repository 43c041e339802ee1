// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/http/age.h: delta-seconds (RFC 9111 §1.2.2) and Age (§5.1).
#include "edgekit/http/age.h"

#include "edgekit_catch.h"

using edgekit::http::FormatAge;
using edgekit::http::ParseDeltaSeconds;

TEST_CASE("ParseDeltaSeconds accepts digits only (RFC 9111 §1.2.2)", "[http]") {
  CHECK(ParseDeltaSeconds("0") == absl::ZeroDuration());
  CHECK(ParseDeltaSeconds("60") == absl::Seconds(60));
  CHECK(ParseDeltaSeconds("0060") == absl::Seconds(60));
  for (const char* bad : {"", " 5", "5 ", "-1", "+1", "1.0", "1e3", "0x10", "five", "\xd9\xa1"}) {
    INFO(bad);
    CHECK_FALSE(ParseDeltaSeconds(bad).has_value());
  }
}

TEST_CASE("delta-seconds beyond 2^31 are 2147483648 (RFC 9111 §1.2.2)", "[http]") {
  CHECK(ParseDeltaSeconds("2147483647") == absl::Seconds(2147483647));
  CHECK(ParseDeltaSeconds("2147483648") == absl::Seconds(2147483648));
  CHECK(ParseDeltaSeconds("2147483649") == absl::Seconds(2147483648));
  CHECK(ParseDeltaSeconds("18446744073709551616") == absl::Seconds(2147483648));
  CHECK(ParseDeltaSeconds(std::string(10000, '9')) == absl::Seconds(2147483648));
  CHECK_FALSE(ParseDeltaSeconds(std::string(10000, '9') + "x").has_value());
}

TEST_CASE("FormatAge writes whole seconds, floor, 0 for negative, capped (RFC 9111 §5.1)",
          "[http]") {
  CHECK(FormatAge(absl::ZeroDuration()) == "0");
  CHECK(FormatAge(absl::Milliseconds(999)) == "0");
  CHECK(FormatAge(absl::Seconds(7.9)) == "7");
  CHECK(FormatAge(absl::Seconds(60)) == "60");
  CHECK(FormatAge(absl::Seconds(-5)) == "0");
  CHECK(FormatAge(-absl::InfiniteDuration()) == "0");
  CHECK(FormatAge(absl::Seconds(2147483647)) == "2147483647");
  CHECK(FormatAge(absl::Seconds(2147483648)) == "2147483648");
  CHECK(FormatAge(absl::Hours(24 * 365 * 100)) == "2147483648");
  CHECK(FormatAge(absl::InfiniteDuration()) == "2147483648");
}
