// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: W3C Trace Context parsing (edgekit/http/trace_context.h).
// The input is split at the first newline into a traceparent value and a
// tracestate value. Invariants: a valid traceparent formats to 55 characters
// that parse back to the same ids; a child keeps the trace-id; a valid
// tracestate serialises to at most 512 bytes that parse back valid, with the
// same first member when it fits; updates keep the 32-member bound.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "edgekit/base/random.h"
#include "edgekit/http/header_map.h"
#include "edgekit/http/trace_context.h"

namespace {
void Check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = edgekit::http;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view parent = input.substr(0, nl);
  const std::string_view state = nl == std::string_view::npos ? "" : input.substr(nl + 1);

  const http::TraceParentResult r = http::ParseTraceParent(parent);
  edgekit::SplitMix64 random(size);
  if (r.ok()) {
    const http::TraceParentText text = http::FormatTraceParent(r.traceparent);
    Check(text.view().size() == http::kTraceParentLength);
    const http::TraceParentResult again = http::ParseTraceParent(text);
    Check(again.ok());
    Check(again.traceparent.trace_id == r.traceparent.trace_id);
    Check(again.traceparent.parent_id == r.traceparent.parent_id);
    Check(again.traceparent.sampled() == r.traceparent.sampled());
    const http::TraceParent child = http::ChildTraceParent(r, random);
    Check(child.trace_id == r.traceparent.trace_id && child.parent_id.IsValid());
  } else {
    Check(http::ChildTraceParent(r, random).trace_id.IsValid());
  }

  http::TraceStateResult s = http::TraceState::Parse(state);
  if (s.ok()) {
    Check(s.tracestate.size() <= http::TraceState::kMaxMembers);
    const std::string out = s.tracestate.Serialize();
    Check(out.size() <= http::TraceState::kMaxHeaderBytes);
    const http::TraceStateResult back = http::TraceState::Parse(out);
    Check(back.ok());
    Check(back.tracestate.size() <= s.tracestate.size());
    Check(s.tracestate.Set("edgekit", "1").ok());
    Check(s.tracestate.size() <= http::TraceState::kMaxMembers);
    Check(s.tracestate.members().front().key == "edgekit");
  } else {
    Check(s.tracestate.empty());
  }

  // The same bytes through a HeaderView, as two field lines.
  const std::vector<http::HeaderField> fields = {
      {"traceparent", parent}, {"tracestate", state}, {"tracestate", parent}};
  const http::TraceContext tc = http::ExtractTraceContext(fields);
  if (!tc.traceparent.ok()) Check(tc.tracestate.empty());
  return 0;
}
