// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/messages.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// Splits "a b" at the first space.
bool SplitFirst(std::string_view in, std::string_view* head, std::string_view* rest) {
  const size_t sp = in.find(' ');
  if (sp == std::string_view::npos) return false;
  *head = in.substr(0, sp);
  *rest = in.substr(sp + 1);
  return true;
}

// A Unix millisecond time within absl::Time's exact range.
bool ParseMillis(std::string_view text, absl::Time* out) {
  int64_t ms = 0;
  if (text.empty() || text.size() > 16 || !absl::SimpleAtoi(AbslView(text), &ms)) return false;
  *out = absl::FromUnixMillis(ms);
  return true;
}

}  // namespace

std::string FormatRevocationMessage(std::string_view jti, absl::Time expires_at) {
  return absl::StrCat(absl::ToUnixMillis(expires_at), " ", AbslView(jti));
}

std::optional<RevocationMessage> ParseRevocationMessage(std::string_view message) {
  std::string_view exp_text, jti;
  RevocationMessage m;
  if (!SplitFirst(message, &exp_text, &jti) || jti.empty() ||
      !ParseMillis(exp_text, &m.expires_at)) {
    return std::nullopt;
  }
  m.jti = jti;
  return m;
}

Command BuildRevocationStoreCommand(std::string_view key_prefix, std::string_view jti,
                                    absl::Time expires_at) {
  const std::string ms = absl::StrCat(absl::ToUnixMillis(expires_at));
  return Command({"SET", absl::StrCat(AbslView(key_prefix), AbslView(jti)), ms, "PXAT", ms}, 1);
}

Command BuildGetCommand(std::string_view key) { return Command({"GET", key}, 1); }

std::optional<absl::Time> ParseRevocationValue(const Reply& reply) {
  absl::Time t;
  if (reply.type != Reply::Type::kString || !ParseMillis(reply.str, &t)) return std::nullopt;
  return t;
}

std::string_view ToString(PurgeKind kind) {
  switch (kind) {
    case PurgeKind::kUrl:
      return "url";
    case PurgeKind::kTag:
      return "tag";
    case PurgeKind::kAll:
      return "all";
  }
  return "unknown";
}

std::string_view ToString(PurgeMode mode) {
  switch (mode) {
    case PurgeMode::kHard:
      return "hard";
    case PurgeMode::kSoft:
      return "soft";
  }
  return "unknown";
}

std::string FormatPurgeMessage(const PurgeMessage& message) {
  const std::string_view node = message.node_id.empty() ? "-" : message.node_id;
  return absl::StrCat(AbslView(node), " ", AbslView(ToString(message.kind)), " ",
                      message.mode == PurgeMode::kSoft ? "1" : "0", " ", AbslView(message.value));
}

std::optional<PurgeMessage> ParsePurgeMessage(std::string_view message) {
  std::string_view rest, kind, soft;
  PurgeMessage m;
  if (!SplitFirst(message, &m.node_id, &rest) || !SplitFirst(rest, &kind, &rest) ||
      !SplitFirst(rest, &soft, &m.value) || m.node_id.empty()) {
    return std::nullopt;
  }
  if (soft == "0") {
    m.mode = PurgeMode::kHard;
  } else if (soft == "1") {
    m.mode = PurgeMode::kSoft;
  } else {
    return std::nullopt;
  }
  if (kind == "url") {
    m.kind = PurgeKind::kUrl;
  } else if (kind == "tag") {
    m.kind = PurgeKind::kTag;
  } else if (kind == "all") {
    m.kind = PurgeKind::kAll;
  } else {
    return std::nullopt;
  }
  return m;
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
