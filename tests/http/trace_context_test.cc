// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Conformance tests of W3C Trace Context (Recommendation,
// https://www.w3.org/TR/trace-context/); section numbers are the
// Recommendation's.
#include <string>
#include <vector>

#include "edgekit/base/random.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/trace_context.h"
#include "edgekit_catch.h"

using edgekit::SplitMix64;
using edgekit::http::ChildTraceParent;
using edgekit::http::ExtractTraceContext;
using edgekit::http::FormatTraceParent;
using edgekit::http::HeaderField;
using edgekit::http::NewTraceParent;
using edgekit::http::ParseTraceParent;
using edgekit::http::Sampling;
using edgekit::http::TraceContext;
using edgekit::http::TraceParentResult;
using edgekit::http::TraceParentStatus;
using edgekit::http::TraceState;
using edgekit::http::TraceStateStatus;

namespace {
constexpr std::string_view kSampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
}  // namespace

TEST_CASE("traceparent: the examples of §3.2.3 parse", "[http]") {
  const TraceParentResult r = ParseTraceParent(kSampled);
  REQUIRE(r.ok());
  CHECK(r.version == 0);
  CHECK(ToHex(r.traceparent.trace_id) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(ToHex(r.traceparent.parent_id) == "00f067aa0ba902b7");
  CHECK(r.traceparent.sampled());
  CHECK(FormatTraceParent(r.traceparent).view() == kSampled);

  const TraceParentResult n =
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  REQUIRE(n.ok());
  CHECK_FALSE(n.traceparent.sampled());
}

TEST_CASE("traceparent: invalid values are refused with their reason (§3.2.2)", "[http]") {
  struct Case {
    std::string value;
    TraceParentStatus status;
  };
  const std::vector<Case> cases = {
      // §3.2.2.1: version is 2 lower-case hex digits; ff is forbidden.
      {"", TraceParentStatus::kInvalidVersion},
      {"0", TraceParentStatus::kInvalidVersion},
      {"0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidVersion},
      {"0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidVersion},
      {"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidVersion},
      {"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidVersion},
      // §3.2.2.2: version 00 is exactly 55 characters.
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
       TraceParentStatus::kInvalidLength},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", TraceParentStatus::kInvalidLength},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
       TraceParentStatus::kInvalidLength},
      // §3.2.2.3: trace-id is 32 lower-case hex digits, not all zero.
      {"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidTraceId},
      {"00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidTraceId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
       TraceParentStatus::kInvalidTraceId},
      {"00-00000000000000000000000000000000-00f067aa0ba902b7-01", TraceParentStatus::kZeroTraceId},
      // §3.2.2.4: parent-id is 16 lower-case hex digits, not all zero.
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
       TraceParentStatus::kInvalidParentId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
       TraceParentStatus::kInvalidParentId},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", TraceParentStatus::kZeroParentId},
      // §3.2.2.5: trace-flags are 2 lower-case hex digits.
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0X", TraceParentStatus::kInvalidFlags},
      {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-FF", TraceParentStatus::kInvalidFlags},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    const TraceParentResult r = ParseTraceParent(c.value);
    CHECK(r.status == c.status);
    CHECK_FALSE(r.ok());
  }
  CHECK(ToString(TraceParentStatus::kZeroTraceId) == "zero_trace_id");
  CHECK(ToString(TraceParentStatus::kDuplicate) == "duplicate");
}

TEST_CASE("traceparent: higher versions parse forward-compatibly (§3.2.4)", "[http]") {
  // Extra fields after a dash are ignored; the first four are used.
  const TraceParentResult r = ParseTraceParent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds");
  REQUIRE(r.ok());
  CHECK(r.version == 0xcc);
  CHECK(r.traceparent.sampled());
  // Exactly 55 characters is fine too.
  CHECK(ParseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").ok());
  // Shorter than 55: restart the trace.
  CHECK(ParseTraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0").status ==
        TraceParentStatus::kInvalidLength);
  // The flags must end the value or be followed by a dash.
  CHECK(ParseTraceParent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x").status ==
        TraceParentStatus::kInvalidLength);
  // Downgraded to 00 when sent on (§3.4 "Downgrade the version").
  CHECK(FormatTraceParent(r.traceparent).view() == kSampled);
}

TEST_CASE("traceparent: unknown flags are sent as zero (§3.2.2.5.2)", "[http]") {
  const TraceParentResult r =
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09");
  REQUIRE(r.ok());
  CHECK(r.traceparent.flags == 0x09);  // as received
  CHECK(r.traceparent.sampled());      // masked, not compared (§3.2.2.5)
  CHECK(FormatTraceParent(r.traceparent).view() ==
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const TraceParentResult even =
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe");
  REQUIRE(even.ok());
  CHECK_FALSE(even.traceparent.sampled());
}

TEST_CASE("ChildTraceParent keeps the trace-id and draws a fresh parent-id (§3.4)", "[http]") {
  SplitMix64 random(7);
  const TraceParentResult in = ParseTraceParent(kSampled);
  const edgekit::http::TraceParent child = ChildTraceParent(in, random);
  CHECK(child.trace_id == in.traceparent.trace_id);
  CHECK(child.parent_id != in.traceparent.parent_id);
  CHECK(child.parent_id.IsValid());
  CHECK(child.sampled());  // follows the caller by default
  CHECK_FALSE(ChildTraceParent(in, random, Sampling::kDoNotSample).sampled());

  // Deterministic with a seeded source: the same seed gives the same ids.
  SplitMix64 a(42), b(42);
  CHECK(ChildTraceParent(in, a).parent_id == ChildTraceParent(in, b).parent_id);

  // Not sampled upstream, sampled here: the flag changes with the parent-id.
  const TraceParentResult unsampled =
      ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  CHECK(ChildTraceParent(unsampled, random, Sampling::kSample).sampled());
  CHECK_FALSE(ChildTraceParent(unsampled, random).sampled());
}

TEST_CASE("ChildTraceParent restarts the trace after an invalid traceparent (§3.4)", "[http]") {
  SplitMix64 random(9);
  const TraceParentResult bad = ParseTraceParent("garbage");
  const edgekit::http::TraceParent root = ChildTraceParent(bad, random);
  CHECK(root.trace_id.IsValid());
  CHECK(root.parent_id.IsValid());
  CHECK_FALSE(root.sampled());  // §3.2.2.5.1: 0 by default when this component starts the trace
  CHECK(ChildTraceParent(bad, random, Sampling::kSample).sampled());
  const edgekit::http::TraceParent other = NewTraceParent(random);
  CHECK(other.trace_id != root.trace_id);
  // The text round-trips.
  const TraceParentResult again = ParseTraceParent(FormatTraceParent(root));
  REQUIRE(again.ok());
  CHECK(again.traceparent.trace_id == root.trace_id);
  CHECK(again.traceparent.parent_id == root.parent_id);
}

namespace {
// A random source that returns zeros first: ids must never be all zero.
class ZerosFirst final : public edgekit::RandomSource {
 public:
  uint64_t Next() override { return calls_++ < 3 ? 0 : 0x0102030405060708ULL; }

 private:
  int calls_ = 0;
};
}  // namespace

TEST_CASE("Generated ids are never all zero (§3.2.2.3, §3.2.2.4)", "[http]") {
  ZerosFirst random;
  const edgekit::http::TraceParent tp = NewTraceParent(random);
  CHECK(tp.trace_id.IsValid());
  CHECK(tp.parent_id.IsValid());
}

TEST_CASE("tracestate: grammar of keys and values (§3.3.1.3)", "[http]") {
  using edgekit::http::IsValidTraceStateKey;
  using edgekit::http::IsValidTraceStateValue;
  CHECK(IsValidTraceStateKey("rojo"));
  CHECK(IsValidTraceStateKey("a0_-*/"));
  CHECK(IsValidTraceStateKey(std::string(256, 'a')));
  CHECK_FALSE(IsValidTraceStateKey(std::string(257, 'a')));
  CHECK_FALSE(IsValidTraceStateKey(""));
  CHECK_FALSE(IsValidTraceStateKey("Rojo"));   // lower case only
  CHECK_FALSE(IsValidTraceStateKey("0rojo"));  // simple-key starts with a letter
  CHECK(IsValidTraceStateKey("0tenant@vendor"));
  CHECK(IsValidTraceStateKey(std::string(241, 't') + "@" + std::string(14, 's')));
  CHECK_FALSE(IsValidTraceStateKey(std::string(242, 't') + "@s"));
  CHECK_FALSE(IsValidTraceStateKey("t@" + std::string(15, 's')));
  CHECK_FALSE(IsValidTraceStateKey("t@0s"));  // system-id starts with a letter
  CHECK_FALSE(IsValidTraceStateKey("@s"));
  CHECK_FALSE(IsValidTraceStateKey("t@"));
  CHECK_FALSE(IsValidTraceStateKey("t@s@x"));
  CHECK_FALSE(IsValidTraceStateKey("ro.jo"));

  CHECK(IsValidTraceStateValue("t61rcWkgMzE"));
  CHECK(IsValidTraceStateValue(" leading space kept"));
  CHECK(IsValidTraceStateValue(std::string(256, 'v')));
  CHECK_FALSE(IsValidTraceStateValue(std::string(257, 'v')));
  CHECK_FALSE(IsValidTraceStateValue(""));
  CHECK_FALSE(IsValidTraceStateValue("trailing "));
  CHECK_FALSE(IsValidTraceStateValue("a,b"));
  CHECK_FALSE(IsValidTraceStateValue("a=b"));
  CHECK_FALSE(IsValidTraceStateValue("tab\there"));
  CHECK_FALSE(IsValidTraceStateValue("\x7f"));
}

TEST_CASE("tracestate: parsing lists (§3.3.1.2)", "[http]") {
  auto r = TraceState::Parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  REQUIRE(r.ok());
  REQUIRE(r.tracestate.size() == 2);
  CHECK(r.tracestate.members()[0].key == "rojo");
  CHECK(r.tracestate.Get("congo") == std::optional<std::string_view>("t61rcWkgMzE"));
  CHECK_FALSE(r.tracestate.Get("nope").has_value());

  // OWS around members and empty members are allowed.
  r = TraceState::Parse(" , rojo=1 ,\t,congo=2\t, ");
  REQUIRE(r.ok());
  CHECK(r.tracestate.Serialize() == "rojo=1,congo=2");
  CHECK(TraceState::Parse("").ok());
  CHECK(TraceState::Parse(" , ,").tracestate.empty());

  CHECK(TraceState::Parse("rojo").status == TraceStateStatus::kInvalidMember);
  CHECK(TraceState::Parse("Rojo=1").status == TraceStateStatus::kInvalidKey);
  CHECK(TraceState::Parse("rojo =1").status == TraceStateStatus::kInvalidKey);
  CHECK(TraceState::Parse("rojo=").status == TraceStateStatus::kInvalidValue);
  CHECK(TraceState::Parse("rojo=a=b").status == TraceStateStatus::kInvalidValue);
  // §3.3.1.4: one entry per key.
  CHECK(TraceState::Parse("rojo=1,congo=2,rojo=3").status == TraceStateStatus::kDuplicateKey);
  // An invalid member refuses the whole value.
  r = TraceState::Parse("rojo=1,BAD=2");
  CHECK(r.status == TraceStateStatus::kInvalidKey);
  CHECK(r.tracestate.empty());

  // At most 32 members.
  std::string list;
  for (int i = 0; i < 32; ++i) list += "k" + std::to_string(i) + "=v,";
  CHECK(TraceState::Parse(list).tracestate.size() == 32);
  CHECK(TraceState::Parse(list + "k32=v").status == TraceStateStatus::kTooManyMembers);
  CHECK(ToString(TraceStateStatus::kTooManyMembers) == "too_many_members");
}

TEST_CASE("tracestate: updates move the member to the front (§3.5)", "[http]") {
  TraceState state = TraceState::Parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE").tracestate;
  REQUIRE(state.Set("congo", "ucfJifl5GOE").ok());
  CHECK(state.Serialize() == "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
  REQUIRE(state.Set("edge", "1").ok());
  CHECK(state.Serialize() == "edge=1,congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
  CHECK(state.Set("Bad", "1").code() == absl::StatusCode::kInvalidArgument);
  CHECK(state.Set("ok", "a,b").code() == absl::StatusCode::kInvalidArgument);
  CHECK(state.size() == 3);
  CHECK(state.Erase("congo"));
  CHECK_FALSE(state.Erase("congo"));
  CHECK(state.Serialize() == "edge=1,rojo=00f067aa0ba902b7");

  // A 33rd member pushes the right-most out.
  TraceState full;
  for (int i = 0; i < 32; ++i) REQUIRE(full.Set("k" + std::to_string(i), "v").ok());
  REQUIRE(full.Set("new", "v").ok());
  CHECK(full.size() == 32);
  CHECK(full.members().front().key == "new");
  CHECK_FALSE(full.Get("k0").has_value());  // the oldest, right-most
  CHECK(full.Get("k1").has_value());
}

TEST_CASE("tracestate: serialisation keeps to 512 bytes (§3.3.1.5)", "[http]") {
  TraceState state;
  // Right to left after the updates: small0..small5 (each 100 bytes), one big
  // member of 200 bytes in the middle.
  const std::string v98(98, 'v');  // "sN=" + 98 = 101 bytes
  for (int i = 5; i >= 3; --i) REQUIRE(state.Set("s" + std::to_string(i), v98).ok());
  REQUIRE(state.Set("big", std::string(196, 'b')).ok());  // 200 bytes
  for (int i = 2; i >= 0; --i) REQUIRE(state.Set("s" + std::to_string(i), v98).ok());
  // 6 * 101 + 200 + 6 commas = 812 bytes: the big one goes first (606 + 5),
  // then the right-most small one (505 + 4 = 509).
  const std::string out = state.Serialize();
  CHECK(out.size() == 509);
  CHECK(out.find("big=") == std::string::npos);
  CHECK(out.find("s5=") == std::string::npos);
  CHECK(out.rfind("s0=", 0) == 0);
  CHECK(out.find("s4=") != std::string::npos);
  // The list itself is unchanged.
  CHECK(state.size() == 7);
  // A list under the bound goes out whole.
  CHECK(TraceState::Parse("a=1").tracestate.Serialize() == "a=1");
  CHECK(TraceState().Serialize().empty());
}

TEST_CASE("ExtractTraceContext reads both fields from a HeaderView", "[http]") {
  std::vector<HeaderField> fields = {
      {"Host", "example.com"},
      {"TraceParent", kSampled},  // names match in any case (§3.2.1)
      {"tracestate", "rojo=00f067aa0ba902b7"},
      {"TRACESTATE", "congo=t61rcWkgMzE"},  // lines combine (§3.3.1.1)
  };
  TraceContext tc = ExtractTraceContext(fields);
  REQUIRE(tc.traceparent.ok());
  CHECK(tc.tracestate_status == TraceStateStatus::kValid);
  CHECK(tc.tracestate.Serialize() == "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

  // A duplicate across lines is still a duplicate.
  fields.push_back({"tracestate", "rojo=2"});
  tc = ExtractTraceContext(fields);
  CHECK(tc.traceparent.ok());
  CHECK(tc.tracestate_status == TraceStateStatus::kDuplicateKey);
  CHECK(tc.tracestate.empty());

  // Two traceparent lines: restart the trace.
  fields.push_back({"traceparent", kSampled});
  CHECK(ExtractTraceContext(fields).traceparent.status == TraceParentStatus::kDuplicate);

  // No traceparent; an invalid one leaves tracestate unparsed (§3.3).
  const std::vector<HeaderField> none = {{"tracestate", "rojo=1"}};
  tc = ExtractTraceContext(none);
  CHECK(tc.traceparent.status == TraceParentStatus::kMissing);
  CHECK(tc.tracestate.empty());
  const std::vector<HeaderField> invalid = {{"traceparent", "00-zz"}, {"tracestate", "rojo=1"}};
  tc = ExtractTraceContext(invalid);
  CHECK_FALSE(tc.traceparent.ok());
  CHECK(tc.tracestate.empty());
  CHECK(tc.tracestate_status == TraceStateStatus::kValid);
}
