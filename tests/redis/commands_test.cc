// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// The non-blocking core without any server: command builders, reply parsers,
// cluster slot hashing and redirections, fleet message formats.

#include "edgekit/redis/commands.h"

#include <string>
#include <vector>

#include "edgekit/redis/cluster.h"
#include "edgekit/redis/messages.h"
#include "edgekit/redis/resp.h"
#include "edgekit_catch.h"

namespace redis = edgekit::redis;
using redis::Reply;

namespace {

Reply Int(int64_t v) {
  Reply r;
  r.type = Reply::Type::kInteger;
  r.integer = v;
  return r;
}

Reply Str(std::string s, Reply::Type type = Reply::Type::kString) {
  Reply r;
  r.type = type;
  r.str = std::move(s);
  return r;
}

Reply Arr(std::vector<Reply> elements) {
  Reply r;
  r.type = Reply::Type::kArray;
  r.elements = std::move(elements);
  return r;
}

Reply Node(std::string host, int64_t port) {
  return Arr({Str(std::move(host)), Int(port), Str("id")});
}

}  // namespace

// Redis Cluster specification, "Keys distribution model": CRC16 is the XMODEM
// variant, whose check value for "123456789" is 0x31C3.
TEST_CASE("Crc16Xmodem matches the check value of the Redis Cluster specification", "[redis]") {
  CHECK(redis::Crc16Xmodem("123456789") == 0x31C3);
  CHECK(redis::Crc16Xmodem("") == 0);
}

// Redis Cluster specification, "Hash tags": only the bytes between the first
// '{' and the first '}' after it are hashed, when there is at least one.
TEST_CASE("KeySlot hashes the hash tag as the cluster specification says", "[redis]") {
  CHECK(redis::KeySlot("{user1000}.following") == redis::KeySlot("{user1000}.followers"));
  CHECK(redis::KeySlot("{user1000}.following") == redis::KeySlot("user1000"));
  CHECK(redis::KeySlot("foo{}{bar}") == redis::Crc16Xmodem("foo{}{bar}") % 16384);
  CHECK(redis::KeySlot("foo{{bar}}zap") == redis::KeySlot("{bar"));
  CHECK(redis::KeySlot("foo{bar}{zap}") == redis::KeySlot("bar"));
  CHECK(redis::KeySlot("no-closing{brace") == redis::Crc16Xmodem("no-closing{brace") % 16384);
  // The examples of the CLUSTER KEYSLOT command's documentation (and a live
  // cluster agrees on thousands of keys in cluster_test.cc).
  CHECK(redis::KeySlot("somekey") == 11058);
  CHECK(redis::KeySlot("foo{hash_tag}") == 2515);
}

TEST_CASE("Limit commands touch one key, hash-tagged with the limited key", "[redis]") {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  const redis::Command gcra = redis::BuildGcraCommand("p:", "tenant-7", now, 600000, 100, 1);
  REQUIRE(gcra.args.size() == 8);
  CHECK(gcra.args[0] == "EVALSHA");
  CHECK(gcra.args[2] == "1");
  CHECK(gcra.args[3] == "p:{tenant-7}");
  CHECK(gcra.key() == "p:{tenant-7}");
  CHECK_FALSE(gcra.script_source.empty());

  const redis::Command swc =
      redis::BuildSlidingWindowCommand("p:", "tenant-7", now, absl::Minutes(1), 100, 1);
  REQUIRE(swc.args.size() == 11);
  CHECK(swc.args[2] == "1");
  CHECK(swc.args[3] == "p:{tenant-7}:w");
  CHECK(redis::KeySlot(swc.key()) == redis::KeySlot("tenant-7"));
  CHECK(swc.args[9] == "28333333");  // the window's field, and the previous one's
  CHECK(swc.args[10] == "28333332");

  const redis::Command sync =
      redis::BuildHybridSyncCommand("h:", "k{x}", 7, 3, 0, absl::Seconds(121));
  REQUIRE(sync.args.size() == 9);
  CHECK(sync.args[3] == "h:{k{x}}:w");
  CHECK(sync.args[4] == "7");
  CHECK(sync.args[5] == "6");
  CHECK(sync.args[8] == "121000");
  // A key holding braces still hashes by the tag edgekit added (up to the first '}').
  CHECK(redis::KeySlot(sync.args[3]) == redis::KeySlot("k{x"));
}

TEST_CASE("ParseLimitReply accepts only the scripts' four integers", "[redis]") {
  auto d = redis::ParseLimitReply(Arr({Int(1), Int(9), Int(0), Int(600000)}), 10);
  REQUIRE(d.has_value());
  CHECK(d->allowed);
  CHECK(d->remaining == 9);
  CHECK(d->reset_after() == absl::Milliseconds(600));
  auto limited = redis::ParseLimitReply(Arr({Int(0), Int(0), Int(1500), Int(60000000)}), 10);
  REQUIRE(limited.has_value());
  CHECK(limited->reason == edgekit::ratelimit::Reason::kLimited);
  CHECK(limited->retry_after() == absl::Microseconds(1500));
  auto never = redis::ParseLimitReply(Arr({Int(0), Int(0), Int(-1), Int(0)}), 10);
  REQUIRE(never.has_value());
  CHECK(never->reason == edgekit::ratelimit::Reason::kCostExceedsLimit);

  CHECK_FALSE(redis::ParseLimitReply(Str("NOSCRIPT", Reply::Type::kError), 10).has_value());
  CHECK_FALSE(redis::ParseLimitReply(Arr({Int(1), Int(9), Int(0)}), 10).has_value());
  CHECK_FALSE(redis::ParseLimitReply(Arr({Int(2), Int(9), Int(0), Int(0)}), 10).has_value());
  CHECK_FALSE(redis::ParseLimitReply(Arr({Int(1), Str("9"), Int(0), Int(0)}), 10).has_value());
}

TEST_CASE("ParseHybridSyncReply and ParseScanReply reject what they do not expect", "[redis]") {
  auto totals = redis::ParseHybridSyncReply(Arr({Int(12), Int(30)}));
  REQUIRE(totals.has_value());
  CHECK(totals->current == 12);
  CHECK(totals->previous == 30);
  CHECK_FALSE(redis::ParseHybridSyncReply(Arr({Int(-1), Int(0)})).has_value());
  CHECK_FALSE(redis::ParseHybridSyncReply(Int(3)).has_value());

  auto page = redis::ParseScanReply(Arr({Str("17"), Arr({Str("a"), Str("b")})}));
  REQUIRE(page.has_value());
  CHECK(page->cursor == "17");
  CHECK(page->keys == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(redis::ParseScanReply(Arr({Str("x1"), Arr({})})).has_value());
  CHECK_FALSE(redis::ParseScanReply(Arr({Str("0"), Arr({Int(1)})})).has_value());
}

TEST_CASE("ParseClusterSlots reads ranges, replicas and unknown hosts", "[redis]") {
  const Reply reply = Arr({
      Arr({Int(0), Int(5460), Node("10.0.0.1", 7000), Node("10.0.0.4", 7003)}),
      Arr({Int(5461), Int(10922), Node("", 7001)}),
      Arr({Int(10923), Int(16383), Node("?", 7002), Node("10.0.0.6", 7005)}),
  });
  auto ranges = redis::ParseClusterSlots(reply, "10.0.0.9");
  REQUIRE(ranges.ok());
  REQUIRE(ranges->size() == 3);
  CHECK((*ranges)[0].primary == redis::Endpoint{"10.0.0.1", 7000});
  CHECK((*ranges)[0].replicas.size() == 1);
  CHECK((*ranges)[1].primary == redis::Endpoint{"10.0.0.9", 7001});  // "" is the queried host
  CHECK((*ranges)[2].primary == redis::Endpoint{"10.0.0.9", 7002});  // so is "?"

  auto bad = [](Reply r) { return redis::ParseClusterSlots(r, "h").status().code(); };
  CHECK(bad(Arr({Arr({Int(0), Int(16384), Node("a", 1)})})) == absl::StatusCode::kInvalidArgument);
  CHECK(bad(Arr({Arr({Int(5), Int(4), Node("a", 1)})})) == absl::StatusCode::kInvalidArgument);
  CHECK(bad(Arr({Arr({Int(0), Int(10), Node("a", 0)})})) == absl::StatusCode::kInvalidArgument);
  CHECK(bad(Arr({Arr({Int(0), Int(10), Node("a", 1)}), Arr({Int(10), Int(20), Node("b", 1)})})) ==
        absl::StatusCode::kInvalidArgument);
  CHECK(bad(Str("ERR", Reply::Type::kError)) == absl::StatusCode::kInvalidArgument);
}

// Redis Cluster specification, "Redirection and resharding": MOVED and ASK
// carry the slot and the node's host:port.
TEST_CASE("ParseRedirect reads MOVED and ASK", "[redis]") {
  auto moved = redis::ParseRedirect("MOVED 3999 127.0.0.1:6381");
  REQUIRE(moved.has_value());
  CHECK(moved->kind == redis::Redirect::Kind::kMoved);
  CHECK(moved->slot == 3999);
  CHECK(moved->target == redis::Endpoint{"127.0.0.1", 6381});
  auto ask = redis::ParseRedirect("ASK 1 [::1]:7000");
  REQUIRE(ask.has_value());
  CHECK(ask->kind == redis::Redirect::Kind::kAsk);
  CHECK(ask->target == redis::Endpoint{"::1", 7000});
  auto unknown_host = redis::ParseRedirect("MOVED 5 :7001");
  REQUIRE(unknown_host.has_value());
  CHECK(unknown_host->target.host.empty());
  for (std::string_view bad : {"MOVED", "MOVED 16384 a:1", "MOVED x a:1", "ASK 1 a", "ASK 1 a:0",
                               "ASK 1 a:99999", "ERR MOVED 1 a:1", "MOVED 1 a b:1"}) {
    INFO(bad);
    CHECK_FALSE(redis::ParseRedirect(bad).has_value());
  }
}

TEST_CASE("Fleet messages round-trip and reject malformed text", "[redis]") {
  const absl::Time exp = absl::FromUnixMillis(1700000123456);
  const std::string m = redis::FormatRevocationMessage("a jti", exp);
  CHECK(m == "1700000123456 a jti");
  auto parsed = redis::ParseRevocationMessage(m);
  REQUIRE(parsed.has_value());
  CHECK(parsed->jti == "a jti");
  CHECK(parsed->expires_at == exp);
  for (std::string_view bad : {"", "nospace", "abc def", " x", "123 ", "99999999999999999 x"}) {
    INFO(bad);
    CHECK_FALSE(redis::ParseRevocationMessage(bad).has_value());
  }

  const redis::Command store = redis::BuildRevocationStoreCommand("jti:", "abc", exp);
  CHECK(store.args ==
        std::vector<std::string>{"SET", "jti:abc", "1700000123456", "PXAT", "1700000123456"});

  const redis::PurgeMessage purge{"node-1", redis::PurgeKind::kTag, redis::PurgeMode::kSoft,
                                  "product 42"};
  const std::string text = redis::FormatPurgeMessage(purge);
  CHECK(text == "node-1 tag 1 product 42");
  auto back = redis::ParsePurgeMessage(text);
  REQUIRE(back.has_value());
  CHECK(back->node_id == "node-1");
  CHECK(back->kind == redis::PurgeKind::kTag);
  CHECK(back->mode == redis::PurgeMode::kSoft);
  CHECK(back->value == "product 42");
  CHECK(redis::FormatPurgeMessage({"", redis::PurgeKind::kAll, redis::PurgeMode::kHard, ""}) ==
        "- all 0 ");
  for (std::string_view bad : {"", "n url 0", "n url 2 x", "n what 0 x", " url 0 x"}) {
    INFO(bad);
    CHECK_FALSE(redis::ParsePurgeMessage(bad).has_value());
  }
  CHECK(redis::ToString(redis::PurgeKind::kUrl) == "url");
  CHECK(redis::ToString(redis::PurgeMode::kSoft) == "soft");
}

TEST_CASE("ReplyReader parses replies split across reads and bounds what a reply takes",
          "[redis]") {
  CHECK(absl::IsInvalidArgument(redis::ReplyReader::Create(10).status()));
  auto reader = redis::ReplyReader::Create(4096).value();
  const std::string bytes = "*2\r\n$5\r\nhello\r\n:42\r\n+OK\r\n";
  for (char c : bytes) REQUIRE(reader->Feed(std::string_view(&c, 1)).ok());  // byte by byte
  auto first = reader->Next();
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->elements.size() == 2);
  CHECK((*first)->elements[0].str == "hello");
  CHECK((*first)->elements[1].integer == 42);
  auto second = reader->Next();
  REQUIRE((second.ok() && second->has_value()));
  CHECK((*second)->str == "OK");
  auto none = reader->Next();
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());  // needs more bytes
  CHECK(redis::EncodeCommand(redis::Command({"GET", "k"})) == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");

  SECTION("an array declaring billions of elements is refused before it is allocated") {
    auto bomb = redis::ReplyReader::Create(4096).value();
    REQUIRE(bomb->Feed("*5465654651\r\n:1\r\n").ok());
    CHECK(absl::IsInvalidArgument(bomb->Next().status()));
    CHECK(absl::IsFailedPrecondition(bomb->Feed("+OK\r\n")));  // the stream is not trusted again
  }
  SECTION("a string larger than the bound is refused while it arrives") {
    auto big = redis::ReplyReader::Create(4096).value();
    REQUIRE(big->Feed("$100000\r\n").ok());
    CHECK(absl::IsResourceExhausted(big->Feed(std::string(8192, 'x'))));
  }
  SECTION("nesting beyond what a reply may hold is a protocol error") {
    auto deep = redis::ReplyReader::Create(4096).value();
    REQUIRE(deep->Feed("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n").ok());
    CHECK(absl::IsInvalidArgument(deep->Next().status()));
  }
}
