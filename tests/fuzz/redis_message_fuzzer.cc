// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzzes the fleet channel message parsers (revocations and purges) and the
// redirection parser: any bytes a compromised or buggy publisher or server
// could send must give a clear verdict, never a crash or unbounded memory, and
// whatever parses must format back to the same message.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "edgekit/redis/cluster.h"
#include "edgekit/redis/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace redis = edgekit::redis;
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  if (auto r = redis::ParseRevocationMessage(message)) {
    if (r->jti.empty() || r->jti.size() >= size) __builtin_trap();
  }
  if (auto p = redis::ParsePurgeMessage(message)) {
    // Formatting a parsed message gives the message back (the soft flag and
    // kind are canonical; the node id and value are the input's bytes).
    if (redis::FormatPurgeMessage(*p) != message) __builtin_trap();
  }
  if (auto redirect = redis::ParseRedirect(message)) {
    if (redirect->slot < 0 || redirect->slot >= redis::kClusterSlots) __builtin_trap();
    if (redirect->target.port < 1 || redirect->target.port > 65535) __builtin_trap();
  }
  (void)redis::KeySlot(message);
  return 0;
}
