// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/fleet_sync.h"

#include <utility>
#include <vector>

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

bool ParseInt(std::string_view s, int64_t* out) { return absl::SimpleAtoi(AbslView(s), out); }

}  // namespace

// ---------------------------------------------------------------------------
// RevocationSync

RevocationSync::RevocationSync(std::shared_ptr<Client> client,
                               std::shared_ptr<jwt::RevocationList> local,
                               RevocationSyncOptions options, Clock& clock)
    : client_(std::move(client)),
      local_(std::move(local)),
      options_(std::move(options)),
      clock_(clock) {}

absl::Status RevocationSync::Revoke(std::string_view jti, absl::Time expires_at, absl::Time now) {
  if (absl::Status s = local_->Revoke(jti, expires_at, now);
      !s.ok() && !absl::IsResourceExhausted(s)) {
    return s;
  }
  if (expires_at <= now) return absl::OkStatus();  // nothing left to spread
  const std::string exp_ms = absl::StrCat(absl::ToUnixMillis(expires_at));
  const std::string key = absl::StrCat(options_.key_prefix, AbslView(jti));
  auto replies = client_->Pipeline({
      {"SET", key, exp_ms, "PXAT", exp_ms},
      {"PUBLISH", options_.channel, absl::StrCat(exp_ms, " ", AbslView(jti))},
  });
  if (!replies.ok()) return replies.status();
  for (const Reply& r : *replies) {
    if (r.is_error()) return absl::InternalError(absl::StrCat("redis: ", r.str));
  }
  return absl::OkStatus();
}

void RevocationSync::Apply(std::string_view message, absl::Time now) {
  std::string_view exp_text, jti;
  int64_t exp_ms = 0;
  if (!SplitFirst(message, &exp_text, &jti) || jti.empty() || !ParseInt(exp_text, &exp_ms)) {
    ++malformed_;
    return;
  }
  if (local_->Revoke(jti, absl::FromUnixMillis(exp_ms), now).ok()) {
    ++applied_;
  } else {
    ++malformed_;
  }
}

absl::StatusOr<size_t> RevocationSync::Resync(absl::Time now) {
  std::string cursor = "0";
  size_t applied = 0;
  size_t seen = 0;
  const std::string pattern = absl::StrCat(options_.key_prefix, "*");
  do {
    auto scan = client_->Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!scan.ok()) return scan.status();
    if (scan->type != Reply::Type::kArray || scan->elements.size() != 2 ||
        scan->elements[1].type != Reply::Type::kArray) {
      return absl::InternalError("redis: unexpected SCAN reply");
    }
    cursor = scan->elements[0].str;
    const std::vector<Reply>& keys = scan->elements[1].elements;
    if (keys.empty()) continue;
    std::vector<std::string> mget = {"MGET"};
    for (const Reply& k : keys) mget.push_back(k.str);
    auto values = client_->Pipeline({mget});
    if (!values.ok()) return values.status();
    const Reply& arr = (*values)[0];
    for (size_t i = 0; i < keys.size() && i < arr.elements.size(); ++i) {
      int64_t exp_ms = 0;
      if (arr.elements[i].type != Reply::Type::kString || !ParseInt(arr.elements[i].str, &exp_ms)) {
        continue;  // expired between SCAN and MGET, or not ours
      }
      const std::string_view jti = std::string_view(keys[i].str).substr(options_.key_prefix.size());
      if (local_->Revoke(jti, absl::FromUnixMillis(exp_ms), now).ok()) ++applied;
    }
    seen += keys.size();
  } while (cursor != "0" && seen < options_.max_resync_keys);
  return applied;
}

void RevocationSync::Attach(Subscriber& subscriber) {
  subscriber.Subscribe(
      options_.channel, [this](std::string_view message) { Apply(message, clock_.SystemNow()); },
      [this] { (void)Resync(clock_.SystemNow()); });
}

// ---------------------------------------------------------------------------
// PurgeSync

PurgeSync::PurgeSync(std::shared_ptr<Client> client, std::shared_ptr<cache::HttpCache> cache,
                     PurgeSyncOptions options, Clock& clock)
    : client_(std::move(client)),
      cache_(std::move(cache)),
      options_(std::move(options)),
      clock_(clock) {}

absl::StatusOr<size_t> PurgeSync::Publish(std::string_view kind, bool soft, std::string_view value,
                                          size_t purged) {
  const std::string node = options_.node_id.empty() ? "-" : options_.node_id;
  auto reply = client_->Command(
      {"PUBLISH", options_.channel,
       absl::StrCat(node, " ", AbslView(kind), " ", soft ? "1" : "0", " ", AbslView(value))});
  if (!reply.ok()) return reply.status();
  if (reply->is_error()) return absl::InternalError(absl::StrCat("redis: ", reply->str));
  return purged;
}

absl::StatusOr<size_t> PurgeSync::PurgeUrl(std::string_view url, bool soft) {
  return Publish("url", soft, url, cache_->PurgeUrl(url, soft, clock_.SystemNow()));
}

absl::StatusOr<size_t> PurgeSync::PurgeTag(std::string_view tag, bool soft) {
  return Publish("tag", soft, tag, cache_->PurgeTag(tag, soft, clock_.SystemNow()));
}

absl::StatusOr<size_t> PurgeSync::PurgeAll() {
  return Publish("all", false, "", cache_->PurgeAll());
}

size_t PurgeSync::Apply(std::string_view message) {
  std::string_view node, rest, kind, soft_text, value;
  if (!SplitFirst(message, &node, &rest) || !SplitFirst(rest, &kind, &rest) ||
      !SplitFirst(rest, &soft_text, &value) || (soft_text != "0" && soft_text != "1")) {
    ++malformed_;
    return 0;
  }
  if (!options_.node_id.empty() && node == options_.node_id) return 0;  // our own
  const bool soft = soft_text == "1";
  size_t purged = 0;
  if (kind == "url") {
    purged = cache_->PurgeUrl(value, soft, clock_.SystemNow());
  } else if (kind == "tag") {
    purged = cache_->PurgeTag(value, soft, clock_.SystemNow());
  } else if (kind == "all") {
    purged = cache_->PurgeAll();
  } else {
    ++malformed_;
    return 0;
  }
  ++applied_;
  return purged;
}

void PurgeSync::Attach(Subscriber& subscriber) {
  subscriber.Subscribe(
      options_.channel, [this](std::string_view message) { Apply(message); },
      [this] {
        ++resyncs_;
        if (options_.purge_all_on_reconnect) cache_->PurgeAll();
      });
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
