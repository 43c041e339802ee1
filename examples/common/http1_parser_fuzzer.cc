// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the examples' strict HTTP/1.1 parser (http1_parser.h), as a
// request parser and as a response parser. The verdict (error, messages, body
// bytes) must not depend on how the input is split into reads, and body bytes
// never exceed the limit.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http1_parser.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Verdict {
  edgekit_examples::Http1Error error = edgekit_examples::Http1Error::kNone;
  size_t messages = 0;
  std::string body;
};

Verdict Run(edgekit_examples::Http1Parser::Mode mode, std::string_view in, size_t step) {
  using edgekit_examples::Http1Parser;
  edgekit_examples::Http1Limits limits;
  limits.max_body_bytes = 4096;
  limits.max_header_bytes = 2048;
  limits.max_start_line_bytes = 512;
  Http1Parser p(mode, limits);
  Verdict v;
  size_t offset = 0;
  auto handle = [&](Http1Parser::Event e) {
    if (e == Http1Parser::Event::kBody) v.body.append(p.body());
    if (e == Http1Parser::Event::kDone) ++v.messages;
    if (e == Http1Parser::Event::kHead) (void)p.TakeHead();
    if (e == Http1Parser::Event::kError) v.error = p.error();
    Check(p.body_bytes() <= limits.max_body_bytes);
    return e;
  };
  while (offset < in.size() && v.error == edgekit_examples::Http1Error::kNone) {
    const size_t n = std::min(step, in.size() - offset);
    std::string_view chunk = in.substr(offset, n);
    offset += n;
    for (;;) {
      size_t used = 0;
      const Http1Parser::Event e = handle(p.Parse(chunk, &used));
      Check(used <= chunk.size());
      chunk.remove_prefix(used);
      if (e == Http1Parser::Event::kNeedMore) Check(chunk.empty());
      if (e == Http1Parser::Event::kNeedMore || e == Http1Parser::Event::kError) break;
    }
  }
  if (v.error == edgekit_examples::Http1Error::kNone) handle(p.Finish());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 13;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (auto mode : {edgekit_examples::Http1Parser::Mode::kRequest,
                    edgekit_examples::Http1Parser::Mode::kResponse}) {
    const Verdict whole = Run(mode, input, input.size() + 1);
    const Verdict split = Run(mode, input, step);
    Check(whole.error == split.error);
    Check(whole.messages == split.messages);
    Check(whole.body == split.body);
  }
  return 0;
}
