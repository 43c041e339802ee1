// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: server_flags.cc
// -----------------------------------------------------------------------------
// Listener flags shared by the example servers.

#include "server_flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace edgekit_examples {

const char kServerFlagsUsage[] =
    R"(connections and requests (defaults in parentheses):
  --max-connections N      client connections at once (4096); beyond, a new connection
                           evicts the oldest one slow to send its request (or idle)
  --max-connections-per-address N
                           client connections per client address (512; 0: no cap)
  --header-timeout S       a request head must arrive within S seconds of its first byte,
                           however slowly it trickles in (10) → 408
  --idle-timeout S         keep-alive connection without a request (60)
  --body-timeout S         request body: longest wait for a byte (30) → 408
  --send-timeout S         response: longest wait for the client to read (30)
  --max-request-line N     request-line bytes (8192) → 414
  --max-header-bytes N     request field section bytes (65536) → 431
  --max-fields N           request field lines (100) → 431
  --max-buffered-body-bytes N
                           request bodies buffered at once across all connections, by
                           Content-Length or as chunks arrive (1073741824); beyond: 503
)";

bool ParseCount(std::string_view s, size_t* out) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(edgekit::AbslView(s), &v)) return false;
  *out = static_cast<size_t>(v);
  return true;
}

bool ParseSeconds(std::string_view s, absl::Duration* out, bool zero_ok) {
  double seconds = 0;
  if (!absl::SimpleAtod(edgekit::AbslView(s), &seconds) || !(seconds >= 0) ||
      (seconds == 0 && !zero_ok) || seconds > 86400.0 * 365) {
    return false;
  }
  *out = absl::Seconds(seconds);
  return true;
}

bool ParseServerFlag(std::string_view flag, std::string_view value, HttpServer::Options* o,
                     std::string* error) {
  auto count = [&](size_t* out, size_t min) {
    if (!ParseCount(value, out) || *out < min) {
      *error = absl::StrCat("bad ", edgekit::AbslView(flag));
    }
    return true;
  };
  auto seconds = [&](absl::Duration* out) {
    if (!ParseSeconds(value, out)) *error = absl::StrCat("bad ", edgekit::AbslView(flag));
    return true;
  };
  if (flag == "--max-connections") return count(&o->max_connections, 1);
  if (flag == "--max-connections-per-address") return count(&o->max_connections_per_address, 0);
  if (flag == "--max-request-line") return count(&o->limits.max_start_line_bytes, 16);
  if (flag == "--max-header-bytes") return count(&o->limits.max_header_bytes, 64);
  if (flag == "--max-fields") return count(&o->limits.max_fields, 1);
  if (flag == "--max-buffered-body-bytes") return count(&o->max_buffered_body_bytes, 0);
  if (flag == "--header-timeout") return seconds(&o->header_timeout);
  if (flag == "--idle-timeout") return seconds(&o->idle_timeout);
  if (flag == "--body-timeout") return seconds(&o->body_timeout);
  if (flag == "--send-timeout") return seconds(&o->send_timeout);
  return false;
}

}  // namespace edgekit_examples
