// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: trace_context.h
// -----------------------------------------------------------------------------
// W3C Trace Context (Recommendation, https://www.w3.org/TR/trace-context/):
// the `traceparent` and `tracestate` request fields, so traces cross the edge.
//
//   * `ParseTraceParent`: version 00 exactly (55 characters), higher versions
//     by the forward-compatible rules of §3.2.4 (read the first four fields,
//     ignore the rest); version ff, upper-case hex and all-zero ids are
//     invalid (§3.2.2.1, §3.2.2.3, §3.2.2.4).
//   * `FormatTraceParent`: version 00 text in a fixed buffer (no allocation);
//     flags other than `sampled` are written as zero (§3.2.2.5.2).
//   * `ChildTraceParent`: what the edge sends upstream for its own span: the
//     caller's trace-id with a fresh parent-id drawn from a `RandomSource`
//     ("Update parent-id", §3.4), or a new trace when the caller sent none or
//     an invalid one ("Restart trace"); the sampled flag follows the caller
//     or the host's own decision.
//   * `TraceState`: a bounded `tracestate` list (at most 32 members, keys and
//     values by the grammar of §3.3.1.3), parsed from the combined field lines
//     (§3.3.1.1), updated by moving a vendor's member to the front (§3.5), and
//     serialised to at most 512 bytes by the truncation order of §3.3.1.5.
//   * `ExtractTraceContext`: both fields from a request's `HeaderView`.
//
// Example:
//
//   edgekit::http::TraceContext in = edgekit::http::ExtractTraceContext(request_headers);
//   edgekit::http::TraceParent span =
//       edgekit::http::ChildTraceParent(in.traceparent, random);
//   upstream_headers.Set("traceparent", edgekit::http::FormatTraceParent(span).view());
//   if (in.traceparent.ok() && !in.tracestate.empty()) {
//     upstream_headers.Set("tracestate", in.tracestate.Serialize());
//   }
//   log.trace_id = edgekit::http::ToHex(span.trace_id);
//
// Bounds: parsing is linear in the input and allocates nothing for
// `traceparent`; a `TraceState` holds at most 32 members of at most 256 +
// 256 bytes, and refuses a field value with more (§3.3.1.2).
//
// Thread-safety: pure functions; `TraceState` is thread-compatible. Errors:
// parse results carry a status enum (never a crash); `TraceState::Set`
// returns kInvalidArgument for a key or value outside the grammar.

#ifndef EDGEKIT_HTTP_TRACE_CONTEXT_H_
#define EDGEKIT_HTTP_TRACE_CONTEXT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "edgekit/base/config.h"
#include "edgekit/base/random.h"
#include "edgekit/http/header_map.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// Length of a version-00 traceparent value.
inline constexpr size_t kTraceParentLength = 55;
// The one flag version 00 defines (§3.2.2.5.1).
inline constexpr uint8_t kTraceFlagSampled = 0x01;

// A 16-byte trace-id (§3.2.2.3). All zeros is invalid.
struct TraceId {
  std::array<uint8_t, 16> bytes{};
  [[nodiscard]] bool IsValid() const;
  friend bool operator==(const TraceId& a, const TraceId& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const TraceId& a, const TraceId& b) { return !(a == b); }
};

// An 8-byte span id, the parent-id of a traceparent (§3.2.2.4). All zeros is
// invalid.
struct SpanId {
  std::array<uint8_t, 8> bytes{};
  [[nodiscard]] bool IsValid() const;
  friend bool operator==(const SpanId& a, const SpanId& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const SpanId& a, const SpanId& b) { return !(a == b); }
};

// Lower-case hex of an id (32 or 16 characters), for logs.
[[nodiscard]] EDGEKIT_API std::string ToHex(const TraceId& id);
[[nodiscard]] EDGEKIT_API std::string ToHex(const SpanId& id);

struct TraceParent {
  TraceId trace_id;
  SpanId parent_id;
  uint8_t flags = 0;  // as received; only kTraceFlagSampled is sent on
  [[nodiscard]] bool sampled() const { return (flags & kTraceFlagSampled) != 0; }
};

enum class TraceParentStatus : uint8_t {
  kValid,
  kMissing,          // no traceparent field
  kDuplicate,        // more than one traceparent field line
  kInvalidVersion,   // not two lower-case hex digits and a dash, or "ff"
  kInvalidLength,    // version 00 not 55 characters; a higher version shorter,
                     // or its flags not followed by the end or a dash
  kInvalidTraceId,   // not 32 lower-case hex digits followed by a dash
  kZeroTraceId,      // all zeros
  kInvalidParentId,  // not 16 lower-case hex digits followed by a dash
  kZeroParentId,     // all zeros
  kInvalidFlags,     // not two lower-case hex digits
};

// Stable snake_case labels: "valid", "missing", "duplicate",
// "invalid_version", "invalid_length", "invalid_trace_id", "zero_trace_id",
// "invalid_parent_id", "zero_parent_id", "invalid_flags".
[[nodiscard]] EDGEKIT_API std::string_view ToString(TraceParentStatus status);

struct TraceParentResult {
  TraceParentStatus status = TraceParentStatus::kMissing;
  uint8_t version = 0;      // as received (meaningful once the version parsed)
  TraceParent traceparent;  // meaningful when ok()
  [[nodiscard]] bool ok() const { return status == TraceParentStatus::kValid; }
};

// Parses one traceparent field value (§3.2.2, versioning by §3.2.4).
[[nodiscard]] EDGEKIT_API TraceParentResult ParseTraceParent(std::string_view value);

class TraceParentText;

// Version-00 text of `traceparent`; flags other than sampled are written as 0
// (§3.2.2.5.2), and a higher received version is downgraded (§3.4).
[[nodiscard]] EDGEKIT_API TraceParentText FormatTraceParent(const TraceParent& traceparent);

// The 55 characters of a version-00 traceparent, held inline.
class TraceParentText {
 public:
  [[nodiscard]] std::string_view view() const { return std::string_view(data_, sizeof data_); }
  operator std::string_view() const { return view(); }  // NOLINT

 private:
  friend TraceParentText FormatTraceParent(const TraceParent& traceparent);
  char data_[kTraceParentLength];
};

// Who decides the sampled flag of the edge's span.
enum class Sampling : uint8_t {
  kFollowParent,  // keep the caller's flag; unset when a new trace starts
  kSample,        // set it (the host records this span)
  kDoNotSample,   // clear it
};

// "follow_parent", "sample", "do_not_sample".
[[nodiscard]] EDGEKIT_API std::string_view ToString(Sampling sampling);

// A new trace: random trace-id and parent-id, never all zeros ("Restart
// trace", §3.4). kFollowParent leaves sampled unset, as §3.2.2.5.1 asks of a
// component that starts a trace without deciding.
[[nodiscard]] EDGEKIT_API TraceParent NewTraceParent(RandomSource& random,
                                                     Sampling sampling = Sampling::kFollowParent);

// The traceparent of the edge's own span: when `incoming` is valid, its
// trace-id with a fresh parent-id from `random` ("Update parent-id", §3.4),
// sampled by `sampling`; otherwise `NewTraceParent(random, sampling)`.
[[nodiscard]] EDGEKIT_API TraceParent ChildTraceParent(const TraceParentResult& incoming,
                                                       RandomSource& random,
                                                       Sampling sampling = Sampling::kFollowParent);

enum class TraceStateStatus : uint8_t {
  kValid,           // also: no tracestate field, or only empty members
  kTooManyMembers,  // more than 32 list-members
  kInvalidMember,   // a non-empty member without "="
  kInvalidKey,      // key outside §3.3.1.3.1
  kInvalidValue,    // value outside §3.3.1.3.2
  kDuplicateKey,    // a key twice (§3.3.1.4 allows one entry per key)
};

// "valid", "too_many_members", "invalid_member", "invalid_key",
// "invalid_value", "duplicate_key".
[[nodiscard]] EDGEKIT_API std::string_view ToString(TraceStateStatus status);

// True if `key` matches the tracestate key grammar: a simple-key (a lower-case
// letter and up to 255 of [a-z0-9_*/-]) or a multi-tenant-key
// (tenant@system, 1..241 and 1..14 characters) (§3.3.1.3.1).
[[nodiscard]] EDGEKIT_API bool IsValidTraceStateKey(std::string_view key);
// True if `value` is 1..256 printable ASCII characters other than "," and
// "=", not ending in a space (§3.3.1.3.2).
[[nodiscard]] EDGEKIT_API bool IsValidTraceStateValue(std::string_view value);

struct TraceStateResult;

// An ordered, bounded tracestate list. Keys are unique; the left-most member
// belongs to the vendor that wrote the traceparent.
//
// Thread-safety: thread-compatible.
class EDGEKIT_API TraceState {
 public:
  static constexpr size_t kMaxMembers = 32;         // §3.3.1.2
  static constexpr size_t kMaxHeaderBytes = 512;    // propagated (§3.3.1.5)
  static constexpr size_t kLargeMemberBytes = 128;  // dropped first when over

  struct Member {
    std::string key;
    std::string value;
  };

  TraceState() = default;

  // Parses one field value. Empty and whitespace-only members are skipped;
  // any invalid member refuses the whole value (the result's state is empty).
  [[nodiscard]] static TraceStateResult Parse(std::string_view value);
  // Parses every `tracestate` field line of `headers`, in order, as one list
  // (multiple lines are combined, §3.3.1.1).
  [[nodiscard]] static TraceStateResult Parse(const HeaderView& headers);

  [[nodiscard]] size_t size() const { return members_.size(); }
  [[nodiscard]] bool empty() const { return members_.empty(); }
  [[nodiscard]] const std::vector<Member>& members() const { return members_; }
  [[nodiscard]] std::optional<std::string_view> Get(std::string_view key) const;

  // Sets `key` to `value` and moves it to the front (§3.5 "Update key value",
  // "Add a new key/value pair"). When that makes 33 members, the right-most
  // is dropped. Errors: kInvalidArgument for a key or value outside the
  // grammar (the list is unchanged).
  absl::Status Set(std::string_view key, std::string_view value);
  // Deletes `key`'s member; returns whether there was one.
  bool Erase(std::string_view key);

  // The field value to send: members joined with ",". If that exceeds
  // kMaxHeaderBytes, members longer than kLargeMemberBytes are left out
  // first, then members from the right, until it fits (§3.3.1.5). Empty when
  // there is no member (do not send the field then).
  [[nodiscard]] std::string Serialize() const;

 private:
  friend struct TraceStateParser;
  std::vector<Member> members_;
};

struct TraceStateResult {
  TraceStateStatus status = TraceStateStatus::kValid;
  TraceState tracestate;  // empty unless status is kValid
  [[nodiscard]] bool ok() const { return status == TraceStateStatus::kValid; }
};

// Both fields of a request.
struct TraceContext {
  TraceParentResult traceparent;
  // Parsed only when the traceparent is valid (§3.3: a vendor that failed to
  // parse traceparent must not parse tracestate); kValid and empty otherwise.
  TraceStateStatus tracestate_status = TraceStateStatus::kValid;
  TraceState tracestate;
};

// Reads `traceparent` (exactly one field line, else kDuplicate) and, if it is
// valid, every `tracestate` line of `headers`. Field names match in any case.
[[nodiscard]] EDGEKIT_API TraceContext ExtractTraceContext(const HeaderView& headers);

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_TRACE_CONTEXT_H_
