// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0

#include "edgekit/redis/cluster.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace redis {
namespace {

// CRC16-XMODEM written here: it is a few lines, and no Debian library offers
// the variant Redis Cluster uses (zlib, OpenSSL, Abseil and xxHash have other
// checksums; boost::crc could be configured for it but edgekit does not depend
// on Boost). The table is built at compile time from the polynomial.
constexpr uint16_t kCrc16Polynomial = 0x1021;

constexpr std::array<uint16_t, 256> MakeCrc16Table() {
  std::array<uint16_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ kCrc16Polynomial)
                                : static_cast<uint16_t>(crc << 1);
    }
    table[static_cast<size_t>(byte)] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> kCrc16Table = MakeCrc16Table();

constexpr size_t kMaxHostBytes = 255;
constexpr size_t kMaxReplicas = 16;

bool ParsePort(std::string_view text, int* port) {
  int p = 0;
  if (!absl::SimpleAtoi(AbslView(text), &p) || p < 1 || p > 65535) return false;
  *port = p;
  return true;
}

// A node entry of CLUSTER SLOTS: [host, port, id?, metadata?...].
bool ParseNode(const Reply& node, std::string_view queried_host, Endpoint* out) {
  if (node.type != Reply::Type::kArray || node.elements.size() < 2) return false;
  const Reply& host = node.elements[0];
  const Reply& port = node.elements[1];
  if (host.type != Reply::Type::kString && host.type != Reply::Type::kStatus) return false;
  if (host.str.size() > kMaxHostBytes || port.type != Reply::Type::kInteger) return false;
  if (port.integer < 1 || port.integer > 65535) return false;
  out->host = (host.str.empty() || host.str == "?") ? std::string(queried_host) : host.str;
  out->port = static_cast<int>(port.integer);
  return !out->host.empty();
}

}  // namespace

std::string ToString(const Endpoint& endpoint) {
  if (endpoint.host.find(':') != std::string::npos) {
    return absl::StrCat("[", endpoint.host, "]:", endpoint.port);
  }
  return absl::StrCat(endpoint.host, ":", endpoint.port);
}

uint16_t Crc16Xmodem(std::string_view data) {
  uint16_t crc = 0;
  for (unsigned char c : data) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

int KeySlot(std::string_view key) {
  const size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return Crc16Xmodem(key) & (kClusterSlots - 1);
}

absl::StatusOr<std::vector<SlotRange>> ParseClusterSlots(const Reply& reply,
                                                         std::string_view queried_host) {
  auto bad = [](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("redis: CLUSTER SLOTS reply: ", AbslView(why)));
  };
  if (reply.type != Reply::Type::kArray) return bad("not an array");
  if (reply.elements.size() > static_cast<size_t>(kClusterSlots)) return bad("too many ranges");
  std::vector<SlotRange> ranges;
  ranges.reserve(reply.elements.size());
  for (const Reply& entry : reply.elements) {
    if (entry.type != Reply::Type::kArray || entry.elements.size() < 3) {
      return bad("range without a node");
    }
    const Reply& first = entry.elements[0];
    const Reply& last = entry.elements[1];
    if (first.type != Reply::Type::kInteger || last.type != Reply::Type::kInteger ||
        first.integer < 0 || last.integer >= kClusterSlots || first.integer > last.integer) {
      return bad("slot out of range");
    }
    if (entry.elements.size() - 3 > kMaxReplicas) return bad("too many replicas");
    SlotRange range;
    range.first = static_cast<int>(first.integer);
    range.last = static_cast<int>(last.integer);
    if (!ParseNode(entry.elements[2], queried_host, &range.primary)) return bad("bad node");
    for (size_t i = 3; i < entry.elements.size(); ++i) {
      Endpoint replica;
      if (!ParseNode(entry.elements[i], queried_host, &replica)) return bad("bad replica");
      range.replicas.push_back(std::move(replica));
    }
    ranges.push_back(std::move(range));
  }
  std::vector<const SlotRange*> sorted;
  sorted.reserve(ranges.size());
  for (const SlotRange& r : ranges) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(),
            [](const SlotRange* a, const SlotRange* b) { return a->first < b->first; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i]->first <= sorted[i - 1]->last) return bad("overlapping ranges");
  }
  return ranges;
}

std::optional<Redirect> ParseRedirect(std::string_view error) {
  Redirect r;
  if (error.substr(0, 6) == "MOVED ") {
    r.kind = Redirect::Kind::kMoved;
    error.remove_prefix(6);
  } else if (error.substr(0, 4) == "ASK ") {
    r.kind = Redirect::Kind::kAsk;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const size_t space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  int slot = 0;
  if (!absl::SimpleAtoi(AbslView(error.substr(0, space)), &slot) || slot < 0 ||
      slot >= kClusterSlots) {
    return std::nullopt;
  }
  const std::string_view address = error.substr(space + 1);
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.size() > kMaxHostBytes || host.find(' ') != std::string_view::npos) return std::nullopt;
  if (!ParsePort(address.substr(colon + 1), &r.target.port)) return std::nullopt;
  r.slot = slot;
  r.target.host = std::string(host);
  return r;
}

}  // namespace redis
EDGEKIT_NAMESPACE_END
