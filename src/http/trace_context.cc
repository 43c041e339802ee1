// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// W3C Trace Context (https://www.w3.org/TR/trace-context/). Section numbers in
// comments are those of the Recommendation.
#include "edgekit/http/trace_context.h"

#include <utility>

EDGEKIT_NAMESPACE_BEGIN
namespace http {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Value of a lower-case hex digit (HEXDIGLC, §3.2.2), or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes 2 * out.size() lower-case hex digits at `text`.
template <size_t N>
bool DecodeHex(std::string_view text, std::array<uint8_t, N>& out) {
  if (text.size() < 2 * N) return false;
  for (size_t i = 0; i < N; ++i) {
    const int hi = HexValue(text[2 * i]);
    const int lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return true;
}

template <size_t N>
void EncodeHex(const std::array<uint8_t, N>& in, char* out) {
  for (size_t i = 0; i < N; ++i) {
    out[2 * i] = kHexDigits[in[i] >> 4];
    out[2 * i + 1] = kHexDigits[in[i] & 0xF];
  }
}

template <size_t N>
bool AnyNonZero(const std::array<uint8_t, N>& bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return true;
  }
  return false;
}

template <size_t N>
void Fill(RandomSource& random, std::array<uint8_t, N>& out) {
  do {
    for (size_t i = 0; i < N; i += 8) {
      uint64_t r = random.Next();
      for (size_t k = 0; k < 8 && i + k < N; ++k) {
        out[i + k] = static_cast<uint8_t>(r);
        r >>= 8;
      }
    }
  } while (!AnyNonZero(out));  // all zeros is invalid (§3.2.2.3, §3.2.2.4)
}

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
         c == '/';
}

bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool TraceId::IsValid() const { return AnyNonZero(bytes); }
bool SpanId::IsValid() const { return AnyNonZero(bytes); }

std::string ToHex(const TraceId& id) {
  std::string out(32, '0');
  EncodeHex(id.bytes, out.data());
  return out;
}

std::string ToHex(const SpanId& id) {
  std::string out(16, '0');
  EncodeHex(id.bytes, out.data());
  return out;
}

std::string_view ToString(TraceParentStatus status) {
  switch (status) {
    case TraceParentStatus::kValid:
      return "valid";
    case TraceParentStatus::kMissing:
      return "missing";
    case TraceParentStatus::kDuplicate:
      return "duplicate";
    case TraceParentStatus::kInvalidVersion:
      return "invalid_version";
    case TraceParentStatus::kInvalidLength:
      return "invalid_length";
    case TraceParentStatus::kInvalidTraceId:
      return "invalid_trace_id";
    case TraceParentStatus::kZeroTraceId:
      return "zero_trace_id";
    case TraceParentStatus::kInvalidParentId:
      return "invalid_parent_id";
    case TraceParentStatus::kZeroParentId:
      return "zero_parent_id";
    case TraceParentStatus::kInvalidFlags:
      return "invalid_flags";
  }
  return "unknown";
}

std::string_view ToString(Sampling sampling) {
  switch (sampling) {
    case Sampling::kFollowParent:
      return "follow_parent";
    case Sampling::kSample:
      return "sample";
    case Sampling::kDoNotSample:
      return "do_not_sample";
  }
  return "unknown";
}

std::string_view ToString(TraceStateStatus status) {
  switch (status) {
    case TraceStateStatus::kValid:
      return "valid";
    case TraceStateStatus::kTooManyMembers:
      return "too_many_members";
    case TraceStateStatus::kInvalidMember:
      return "invalid_member";
    case TraceStateStatus::kInvalidKey:
      return "invalid_key";
    case TraceStateStatus::kInvalidValue:
      return "invalid_value";
    case TraceStateStatus::kDuplicateKey:
      return "duplicate_key";
  }
  return "unknown";
}

// version "-" trace-id "-" parent-id "-" trace-flags
//   0..1   2   3..34    35  36..51    52  53..54
TraceParentResult ParseTraceParent(std::string_view v) {
  TraceParentResult r;
  std::array<uint8_t, 1> version;
  // §3.2.4: a version that is not two hex digits and a dash restarts the
  // trace; §3.2.2.1: version ff is invalid.
  if (v.size() < 3 || !DecodeHex(v, version) || v[2] != '-' || version[0] == 0xff) {
    r.status = TraceParentStatus::kInvalidVersion;
    return r;
  }
  r.version = version[0];
  // Version 00 is exactly 55 characters (§3.2.2.2). A higher version is at
  // least 55, and its flags end the value or are followed by a dash (§3.2.4).
  if (r.version == 0 ? v.size() != kTraceParentLength
                     : v.size() < kTraceParentLength ||
                           (v.size() > kTraceParentLength && v[kTraceParentLength] != '-')) {
    r.status = TraceParentStatus::kInvalidLength;
    return r;
  }
  TraceParent& tp = r.traceparent;
  if (!DecodeHex(v.substr(3), tp.trace_id.bytes) || v[35] != '-') {
    r.status = TraceParentStatus::kInvalidTraceId;
    return r;
  }
  if (!tp.trace_id.IsValid()) {  // §3.2.2.3
    r.status = TraceParentStatus::kZeroTraceId;
    return r;
  }
  if (!DecodeHex(v.substr(36), tp.parent_id.bytes) || v[52] != '-') {
    r.status = TraceParentStatus::kInvalidParentId;
    return r;
  }
  if (!tp.parent_id.IsValid()) {  // §3.2.2.4
    r.status = TraceParentStatus::kZeroParentId;
    return r;
  }
  std::array<uint8_t, 1> flags;
  if (!DecodeHex(v.substr(53), flags)) {
    r.status = TraceParentStatus::kInvalidFlags;
    return r;
  }
  tp.flags = flags[0];
  r.status = TraceParentStatus::kValid;
  return r;
}

TraceParentText FormatTraceParent(const TraceParent& tp) {
  TraceParentText t;
  char* out = t.data_;
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  EncodeHex(tp.trace_id.bytes, out + 3);
  out[35] = '-';
  EncodeHex(tp.parent_id.bytes, out + 36);
  out[52] = '-';
  const std::array<uint8_t, 1> flags = {static_cast<uint8_t>(tp.flags & kTraceFlagSampled)};
  EncodeHex(flags, out + 53);
  return t;
}

namespace {

uint8_t SampledFlag(Sampling sampling, bool parent_sampled) {
  switch (sampling) {
    case Sampling::kSample:
      return kTraceFlagSampled;
    case Sampling::kDoNotSample:
      return 0;
    case Sampling::kFollowParent:
      break;
  }
  return parent_sampled ? kTraceFlagSampled : 0;
}

}  // namespace

TraceParent NewTraceParent(RandomSource& random, Sampling sampling) {
  TraceParent tp;
  Fill(random, tp.trace_id.bytes);
  Fill(random, tp.parent_id.bytes);
  tp.flags = SampledFlag(sampling, /*parent_sampled=*/false);
  return tp;
}

TraceParent ChildTraceParent(const TraceParentResult& incoming, RandomSource& random,
                             Sampling sampling) {
  if (!incoming.ok()) return NewTraceParent(random, sampling);
  TraceParent tp;
  tp.trace_id = incoming.traceparent.trace_id;
  do {
    Fill(random, tp.parent_id.bytes);
  } while (tp.parent_id == incoming.traceparent.parent_id);
  tp.flags = SampledFlag(sampling, incoming.traceparent.sampled());
  return tp;
}

// §3.3.1.3.1: key = simple-key / multi-tenant-key
//   simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   multi-tenant-key = tenant-id "@" system-id
//   tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
//   system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
bool IsValidTraceStateKey(std::string_view key) {
  const size_t at = key.find('@');
  auto all_keychars = [](std::string_view s) {
    for (char c : s) {
      if (!IsKeyChar(c)) return false;
    }
    return true;
  };
  if (at == std::string_view::npos) {
    return !key.empty() && key.size() <= 256 && IsLcAlpha(key[0]) && all_keychars(key);
  }
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= 241 &&
         (IsLcAlpha(tenant[0]) || (tenant[0] >= '0' && tenant[0] <= '9')) && all_keychars(tenant) &&
         !system.empty() && system.size() <= 14 && IsLcAlpha(system[0]) && all_keychars(system);
}

// §3.3.1.3.2: value = 0*255(chr) nblk-chr
//   nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
//   chr      = %x20 / nblk-chr
bool IsValidTraceStateValue(std::string_view value) {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7E || c == ',' || c == '=') return false;
  }
  return true;
}

// Parses list-members into a TraceState, one field line at a time.
struct TraceStateParser {
  TraceState state;
  TraceStateStatus status = TraceStateStatus::kValid;

  void Line(std::string_view line) {
    while (status == TraceStateStatus::kValid) {
      const size_t comma = line.find(',');
      Member(TrimOws(line.substr(0, comma)));
      if (comma == std::string_view::npos) return;
      line.remove_prefix(comma + 1);
    }
  }

  void Member(std::string_view m) {
    if (m.empty()) return;  // empty and OWS-only members are allowed (§3.3.1.2)
    const size_t eq = m.find('=');
    if (eq == std::string_view::npos) {
      status = TraceStateStatus::kInvalidMember;
      return;
    }
    const std::string_view key = m.substr(0, eq);
    const std::string_view value = m.substr(eq + 1);
    if (!IsValidTraceStateKey(key)) {
      status = TraceStateStatus::kInvalidKey;
      return;
    }
    if (!IsValidTraceStateValue(value)) {
      status = TraceStateStatus::kInvalidValue;
      return;
    }
    if (state.Get(key).has_value()) {
      status = TraceStateStatus::kDuplicateKey;
      return;
    }
    if (state.members_.size() == TraceState::kMaxMembers) {
      status = TraceStateStatus::kTooManyMembers;
      return;
    }
    state.members_.push_back(TraceState::Member{std::string(key), std::string(value)});
  }

  TraceStateResult Finish() {
    TraceStateResult r;
    r.status = status;
    if (status == TraceStateStatus::kValid) r.tracestate = std::move(state);
    return r;
  }
};

TraceStateResult TraceState::Parse(std::string_view value) {
  TraceStateParser p;
  p.Line(value);
  return p.Finish();
}

TraceStateResult TraceState::Parse(const HeaderView& headers) {
  TraceStateParser p;
  headers.ForEachField([&p](const HeaderField& f) {
    if (EqualsIgnoreCase(f.name, "tracestate")) p.Line(f.value);
    return p.status == TraceStateStatus::kValid;
  });
  return p.Finish();
}

std::optional<std::string_view> TraceState::Get(std::string_view key) const {
  for (const Member& m : members_) {
    if (m.key == key) return std::string_view(m.value);
  }
  return std::nullopt;
}

absl::Status TraceState::Set(std::string_view key, std::string_view value) {
  if (!IsValidTraceStateKey(key)) {
    return absl::InvalidArgumentError("tracestate key outside the W3C grammar");
  }
  if (!IsValidTraceStateValue(value)) {
    return absl::InvalidArgumentError("tracestate value outside the W3C grammar");
  }
  Erase(key);
  if (members_.size() == kMaxMembers) members_.pop_back();
  members_.insert(members_.begin(), Member{std::string(key), std::string(value)});
  return absl::OkStatus();
}

bool TraceState::Erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->key == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

std::string TraceState::Serialize() const {
  // Which members go out: all, unless that is too long (§3.3.1.5).
  std::array<bool, kMaxMembers> keep;
  keep.fill(true);
  auto member_bytes = [this](size_t i) {
    return members_[i].key.size() + 1 + members_[i].value.size();
  };
  size_t total = 0;
  for (size_t i = 0; i < members_.size(); ++i) total += member_bytes(i) + (i > 0 ? 1 : 0);
  auto kept_total = [&] {
    size_t bytes = 0, n = 0;
    for (size_t i = 0; i < members_.size(); ++i) {
      if (keep[i]) bytes += member_bytes(i) + (n++ > 0 ? 1 : 0);
    }
    return bytes;
  };
  if (total > kMaxHeaderBytes) {
    // Members over 128 bytes first, right to left, then others right to left.
    for (int pass = 0; pass < 2 && total > kMaxHeaderBytes; ++pass) {
      for (size_t i = members_.size(); i-- > 0 && total > kMaxHeaderBytes;) {
        if (!keep[i] || (pass == 0 && member_bytes(i) <= kLargeMemberBytes)) continue;
        keep[i] = false;
        total = kept_total();
      }
    }
  }
  std::string out;
  out.reserve(total);
  for (size_t i = 0; i < members_.size(); ++i) {
    if (!keep[i]) continue;
    if (!out.empty()) out += ',';
    out += members_[i].key;
    out += '=';
    out += members_[i].value;
  }
  return out;
}

TraceContext ExtractTraceContext(const HeaderView& headers) {
  TraceContext tc;
  std::optional<std::string_view> value;
  bool duplicate = false;
  headers.ForEachField([&](const HeaderField& f) {
    if (!EqualsIgnoreCase(f.name, "traceparent")) return true;
    if (value.has_value()) {
      duplicate = true;
      return false;
    }
    value = f.value;
    return true;
  });
  if (duplicate) {
    tc.traceparent.status = TraceParentStatus::kDuplicate;
    return tc;
  }
  if (!value.has_value()) return tc;  // kMissing
  tc.traceparent = ParseTraceParent(TrimOws(*value));
  if (!tc.traceparent.ok()) return tc;  // §3.3: then tracestate is not parsed
  TraceStateResult state = TraceState::Parse(headers);
  tc.tracestate_status = state.status;
  tc.tracestate = std::move(state.tracestate);
  return tc;
}

}  // namespace http
EDGEKIT_NAMESPACE_END
