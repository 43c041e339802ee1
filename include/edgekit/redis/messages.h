// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: messages.h
// -----------------------------------------------------------------------------
// The fleet's revocation and purge messages and stored revocations, as
// builders and parsers with no I/O and no dependency on edgekit::jwt or
// edgekit::cache (the adapters `RevocationSync`, edgekit::redis_jwt, and
// `PurgeSync`, edgekit::redis_cache, apply them). Nodes written in other
// languages interoperate through these formats:
//
//   revocation message:  "<expiry unix ms> <jti>"
//   revocation key:      "<prefix><jti>" holding "<expiry unix ms>", PXAT that expiry
//   purge message:       "<node id> <url|tag|all> <0|1: soft> <value>"
//
// Example:
//
//   std::string m = edgekit::redis::FormatRevocationMessage("jti-1", exp);
//   if (auto r = edgekit::redis::ParseRevocationMessage(m)) revoked->Revoke(r->jti, ...);
//
// Thread-safety: pure functions. Parsers accept any bytes (fuzzed in
// tests/fuzz/redis_message_fuzzer.cc); parsed views point into the input.

#ifndef EDGEKIT_REDIS_MESSAGES_H_
#define EDGEKIT_REDIS_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "edgekit/base/config.h"
#include "edgekit/redis/command.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {

struct RevocationMessage {
  std::string_view jti;  // non-empty; may hold spaces
  absl::Time expires_at;
};

[[nodiscard]] EDGEKIT_API std::string FormatRevocationMessage(std::string_view jti,
                                                              absl::Time expires_at);
[[nodiscard]] EDGEKIT_API std::optional<RevocationMessage> ParseRevocationMessage(
    std::string_view message);

// SET <prefix><jti> <expiry ms> PXAT <expiry ms>: Redis forgets the revocation
// when the token could no longer verify anyway.
[[nodiscard]] EDGEKIT_API Command BuildRevocationStoreCommand(std::string_view key_prefix,
                                                              std::string_view jti,
                                                              absl::Time expires_at);
// GET <key>: the stored expiry of one revocation (read back by resyncs).
[[nodiscard]] EDGEKIT_API Command BuildGetCommand(std::string_view key);
// A stored revocation's value; nullopt for nil (expired meanwhile) or
// anything that is not a decimal millisecond time.
[[nodiscard]] EDGEKIT_API std::optional<absl::Time> ParseRevocationValue(const Reply& reply);

enum class PurgeKind : uint8_t { kUrl, kTag, kAll };
// Hard purges remove entries; soft purges mark them stale (revalidated
// before reuse, still servable as stale-if-error).
enum class PurgeMode : uint8_t { kHard, kSoft };

[[nodiscard]] EDGEKIT_API std::string_view ToString(PurgeKind kind);  // "url", "tag", "all"
[[nodiscard]] EDGEKIT_API std::string_view ToString(PurgeMode mode);  // "hard", "soft"

struct PurgeMessage {
  std::string_view node_id;  // the publishing node; "-" when it has none
  PurgeKind kind = PurgeKind::kUrl;
  PurgeMode mode = PurgeMode::kHard;
  std::string_view value;  // URL or surrogate key; empty for kAll
};

[[nodiscard]] EDGEKIT_API std::string FormatPurgeMessage(const PurgeMessage& message);
[[nodiscard]] EDGEKIT_API std::optional<PurgeMessage> ParsePurgeMessage(std::string_view message);

}  // namespace redis
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_REDIS_MESSAGES_H_
