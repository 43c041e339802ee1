// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: age.cc
// -----------------------------------------------------------------------------
// delta-seconds parsing and Age formatting (RFC 9111 §1.2.2, §5.1).

#include "edgekit/http/age.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "http/internal_parse.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

std::optional<absl::Duration> ParseDeltaSeconds(std::string_view s) {
  const std::optional<int64_t> v = http_internal::ParseDeltaSecondsValue(s);
  if (!v) return std::nullopt;
  return absl::Seconds(*v);
}

std::string FormatAge(absl::Duration age) {
  if (age <= absl::ZeroDuration()) return "0";
  const absl::Duration cap = absl::Seconds(kMaxDeltaSeconds);
  if (age >= cap) return absl::StrCat(kMaxDeltaSeconds);
  return absl::StrCat(absl::ToInt64Seconds(age));  // truncates toward zero = floor here
}

}  // namespace http
EDGEKIT_NAMESPACE_END
