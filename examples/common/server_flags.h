// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: server_flags.h
// -----------------------------------------------------------------------------
// The command-line flags both example servers take for their listeners
// (connection caps, timeouts, request limits), with one usage text.
//
// Thread-safety: pure functions.

#ifndef EDGEKIT_EXAMPLES_COMMON_SERVER_FLAGS_H_
#define EDGEKIT_EXAMPLES_COMMON_SERVER_FLAGS_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "net.h"

namespace edgekit_examples {

// The flags' --help lines (defaults in parentheses).
extern const char kServerFlagsUsage[];

// If `flag` is one of the server flags, applies `value` to `*options` and
// returns true (`*error` says what is wrong with a bad value, else stays
// empty); returns false for any other flag.
bool ParseServerFlag(std::string_view flag, std::string_view value, HttpServer::Options* options,
                     std::string* error);

// A byte or item count.
bool ParseCount(std::string_view s, size_t* out);
// Seconds (fractions allowed), > 0 (or >= 0 with `zero_ok`), at most a year.
bool ParseSeconds(std::string_view s, absl::Duration* out, bool zero_ok = false);

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_COMMON_SERVER_FLAGS_H_
