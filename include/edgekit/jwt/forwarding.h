// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: forwarding.h
// -----------------------------------------------------------------------------
// Turns verified claims into request header values for the origin (e.g.
// `sub` → `X-User-Id`), refusing anything that is not a safe HTTP field value
// (RFC 9110 §5.5): CR, LF, NUL and every other control character except HTAB,
// DEL, leading/trailing whitespace, and (by default) non-ASCII bytes.
//
// Example:
//
//   std::vector<edgekit::jwt::ForwardRule> rules = {{"sub", "X-User-Id"},
//                                                   {"roles", "X-Roles"}};
//   std::vector<std::pair<std::string, std::string>> headers;
//   absl::Status s = edgekit::jwt::ForwardClaims(token, rules, &headers);
//
// Value forms: a string as is; a number in shortest round-trip form (integers
// without a fraction); a bool as "true"/"false"; a string array joined with
// ", " (elements containing ',' are refused, as they would split). Other
// types (null, objects, mixed arrays) are refused.
//
// Thread-safety: pure functions, thread-safe. Errors: kInvalidArgument naming
// the claim (never echoing its value) when a value cannot be forwarded or a
// header name is not a token (RFC 9110 §5.1); kNotFound for a missing claim
// with `required` set. On error `out` is left unchanged.

#ifndef EDGEKIT_JWT_FORWARDING_H_
#define EDGEKIT_JWT_FORWARDING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "edgekit/base/config.h"
#include "edgekit/jwt/token.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

struct ForwardRule {
  std::string claim;
  std::string header;
  bool required = false;  // missing claim → kNotFound instead of skipping
};

struct ForwardOptions {
  bool allow_non_ascii = false;  // obs-text (0x80-0xFF) bytes allowed
};

// True if `value` can be sent as a field value (see the file comment).
[[nodiscard]] EDGEKIT_API bool IsSafeFieldValue(std::string_view value,
                                                bool allow_non_ascii = false);

// The header value for one claim.
EDGEKIT_API absl::StatusOr<std::string> ClaimToFieldValue(const Token& token,
                                                          std::string_view claim,
                                                          const ForwardOptions& options = {});

// Appends (header, value) for each rule whose claim is present.
EDGEKIT_API absl::Status ForwardClaims(const Token& token, const std::vector<ForwardRule>& rules,
                                       std::vector<std::pair<std::string, std::string>>* out,
                                       const ForwardOptions& options = {});

}  // namespace jwt
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_FORWARDING_H_
