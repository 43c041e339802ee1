// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: string_view.h
// -----------------------------------------------------------------------------
// `edgekit::AbslView(std::string_view)`: the same bytes as an
// `absl::string_view`, for calling Abseil string functions (`StrCat`,
// `SimpleAtoi`, `WebSafeBase64Unescape`, ...) from edgekit's `std::string_view`
// APIs. Abseil builds where `absl::string_view` is `std::string_view` make this
// the identity; Debian's Abseil has its own type, which does not convert
// implicitly. One helper, so every component converts the same way.
//
// Example:
//
//   std::string key = absl::StrCat(prefix, edgekit::AbslView(name));
//
// Thread-safety: a pure function.

#ifndef EDGEKIT_BASE_STRING_VIEW_H_
#define EDGEKIT_BASE_STRING_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN

constexpr absl::string_view AbslView(std::string_view s) noexcept {
  return absl::string_view(s.data(), s.size());
}

EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BASE_STRING_VIEW_H_
