// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http1_parser.cc
// -----------------------------------------------------------------------------
// The strict incremental HTTP/1.1 parser (RFC 9112) of the example servers.

#include "http1_parser.h"

#include <algorithm>

#include "edgekit/http/authority.h"

namespace edgekit_examples {

using edgekit::http::EqualsIgnoreCase;
using edgekit::http::IsToken;
using edgekit::http::IsValidAuthority;
using edgekit::http::IsValidPathAndQuery;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool IsWs(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

// field-value / reason-phrase characters: HTAB, SP, VCHAR, obs-text
// (RFC 9110 §5.5, RFC 9112 §4). NUL, CR, LF, other controls and DEL are not.
bool IsFieldText(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3).
Http1Error ParseVersion(std::string_view v, unsigned* version) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || !IsDigit(v[5]) || v[6] != '.' ||
      !IsDigit(v[7])) {
    return Http1Error::kBadVersion;
  }
  if (v[5] != '1') return Http1Error::kVersionNotSupported;
  *version = v[7] == '0' ? 10 : 11;
  return Http1Error::kNone;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
// chunk-ext-val = token / quoted-string (§7.1.1).
bool IsChunkExtensions(std::string_view s) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < s.size() && IsWs(s[i])) ++i;
  };
  auto token = [&] {
    const size_t start = i;
    while (i < s.size() && edgekit::http::IsTchar(s[i])) ++i;
    return i > start;
  };
  while (i < s.size()) {
    skip_ws();
    if (i == s.size() || s[i] != ';') return false;
    ++i;
    skip_ws();
    if (!token()) return false;
    skip_ws();
    if (i < s.size() && s[i] == '=') {
      ++i;
      skip_ws();
      if (i < s.size() && s[i] == '"') {
        ++i;
        bool closed = false;
        while (i < s.size()) {
          const auto u = static_cast<unsigned char>(s[i]);
          if (u == '"') {
            closed = true;
            ++i;
            break;
          }
          if (u == '\\') {
            if (++i == s.size()) return false;
            const auto q = static_cast<unsigned char>(s[i]);
            if ((q < 0x20 && q != '\t') || q == 0x7f) return false;
          } else if ((u < 0x20 && u != '\t') || u == 0x7f) {
            return false;
          }
          ++i;
        }
        if (!closed) return false;
      } else if (!token()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

std::string_view ToString(Http1Error error) {
  switch (error) {
    case Http1Error::kNone:
      return "none";
    case Http1Error::kBadLineEnding:
      return "bad_line_ending";
    case Http1Error::kBadStartLine:
      return "bad_start_line";
    case Http1Error::kStartLineTooLong:
      return "start_line_too_long";
    case Http1Error::kBadMethod:
      return "bad_method";
    case Http1Error::kBadTarget:
      return "bad_target";
    case Http1Error::kBadVersion:
      return "bad_version";
    case Http1Error::kVersionNotSupported:
      return "version_not_supported";
    case Http1Error::kBadStatus:
      return "bad_status";
    case Http1Error::kHeaderTooLarge:
      return "header_too_large";
    case Http1Error::kTooManyFields:
      return "too_many_fields";
    case Http1Error::kBadFieldName:
      return "bad_field_name";
    case Http1Error::kBadFieldValue:
      return "bad_field_value";
    case Http1Error::kObsFold:
      return "obs_fold";
    case Http1Error::kMissingHost:
      return "missing_host";
    case Http1Error::kDuplicateHost:
      return "duplicate_host";
    case Http1Error::kBadHost:
      return "bad_host";
    case Http1Error::kBadContentLength:
      return "bad_content_length";
    case Http1Error::kConflictingContentLength:
      return "conflicting_content_length";
    case Http1Error::kBadTransferEncoding:
      return "bad_transfer_encoding";
    case Http1Error::kUnsupportedTransferCoding:
      return "unsupported_transfer_coding";
    case Http1Error::kTransferEncodingWithContentLength:
      return "transfer_encoding_with_content_length";
    case Http1Error::kTransferEncodingInHttp10:
      return "transfer_encoding_in_http10";
    case Http1Error::kBadChunkSize:
      return "bad_chunk_size";
    case Http1Error::kChunkLineTooLong:
      return "chunk_line_too_long";
    case Http1Error::kBadChunkExtension:
      return "bad_chunk_extension";
    case Http1Error::kBadChunkTerminator:
      return "bad_chunk_terminator";
    case Http1Error::kTrailerTooLarge:
      return "trailer_too_large";
    case Http1Error::kBodyTooLarge:
      return "body_too_large";
    case Http1Error::kTruncated:
      return "truncated";
  }
  return "unknown";
}

int StatusFor(Http1Error error) {
  switch (error) {
    case Http1Error::kNone:
    case Http1Error::kTruncated:
      return 0;
    case Http1Error::kStartLineTooLong:
      return 414;
    case Http1Error::kHeaderTooLarge:
    case Http1Error::kTooManyFields:
      return 431;
    case Http1Error::kBodyTooLarge:
      return 413;
    case Http1Error::kUnsupportedTransferCoding:
      return 501;  // RFC 9112 §6.1
    case Http1Error::kVersionNotSupported:
      return 505;
    default:
      return 400;
  }
}

bool Http1Parser::in_body() const {
  switch (state_) {
    case State::kBodyLength:
    case State::kChunkSize:
    case State::kChunkData:
    case State::kChunkDataEnd:
    case State::kTrailers:
    case State::kUntilClose:
      return true;
    default:
      return false;
  }
}

Http1Parser::Event Http1Parser::Fail(Http1Error e) {
  error_ = e;
  state_ = State::kError;
  line_.clear();
  return Event::kError;
}

bool Http1Parser::TakeLine(std::string_view in, size_t* pos, size_t limit, Http1Error too_long,
                           std::string_view* line) {
  const size_t start = *pos;
  const size_t lf = in.find('\n', start);
  if (lf == std::string_view::npos) {
    if (line_.size() + (in.size() - start) > limit) {
      Fail(too_long);
      return false;
    }
    line_.append(in.data() + start, in.size() - start);
    *pos = in.size();
    return false;
  }
  const size_t len = lf - start;
  if (line_.size() + len + 1 > limit) {
    Fail(too_long);
    return false;
  }
  std::string_view raw;
  if (line_.empty()) {
    raw = in.substr(start, len);
  } else {
    line_.append(in.data() + start, len);
    raw = line_;
  }
  *pos = lf + 1;
  // CRLF only: a bare LF, or a CR anywhere else in the line, is invalid
  // (§2.2: a recipient of a bare CR must treat the element as invalid).
  if (raw.empty() || raw.back() != '\r' ||
      raw.substr(0, raw.size() - 1).find('\r') != std::string_view::npos) {
    Fail(Http1Error::kBadLineEnding);
    return false;
  }
  *line = raw.substr(0, raw.size() - 1);
  return true;
}

Http1Parser::Event Http1Parser::StartLine(std::string_view line) {
  head_ = Http1Head();
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Fail(Http1Error::kBadStartLine);
  if (mode_ == Mode::kResponse) {
    Http1Error e = ParseVersion(line.substr(0, sp1), &head_.version);
    if (e != Http1Error::kNone) return Fail(e);
    std::string_view rest = line.substr(sp1 + 1);
    if (rest.size() < 3 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2]) ||
        (rest.size() > 3 && rest[3] != ' ')) {
      return Fail(Http1Error::kBadStatus);
    }
    head_.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (head_.status < 100 || head_.status > 599) return Fail(Http1Error::kBadStatus);
    const std::string_view reason = rest.size() > 4 ? rest.substr(4) : std::string_view();
    if (!IsFieldText(reason)) return Fail(Http1Error::kBadStatus);
    head_.reason = std::string(reason);
    state_ = State::kFields;
    return Event::kNeedMore;
  }
  const std::string_view method = line.substr(0, sp1);
  if (!IsToken(method)) return Fail(Http1Error::kBadMethod);
  const std::string_view rest = line.substr(sp1 + 1);
  const size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos) return Fail(Http1Error::kBadStartLine);
  const std::string_view target = rest.substr(0, sp2);
  if (target.empty()) return Fail(Http1Error::kBadTarget);
  Http1Error e = ParseVersion(rest.substr(sp2 + 1), &head_.version);
  if (e != Http1Error::kNone) return Fail(e);
  // request-target forms (§3.2).
  if (target == "*") {
    if (method != "OPTIONS") return Fail(Http1Error::kBadTarget);
  } else if (method == "CONNECT") {
    if (!IsValidAuthority(target)) return Fail(Http1Error::kBadTarget);
  } else if (target.front() == '/') {
    if (!IsValidPathAndQuery(target)) return Fail(Http1Error::kBadTarget);
  } else {
    const size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return Fail(Http1Error::kBadTarget);
    const std::string_view scheme = target.substr(0, scheme_end);
    if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) {
      return Fail(Http1Error::kBadTarget);
    }
    const std::string_view after = target.substr(scheme_end + 3);
    const size_t path = after.find_first_of("/?");
    if (!IsValidAuthority(after.substr(0, path))) return Fail(Http1Error::kBadHost);
    if (path != std::string_view::npos && !IsValidPathAndQuery(after.substr(path))) {
      return Fail(Http1Error::kBadTarget);
    }
  }
  head_.method = std::string(method);
  head_.target = std::string(target);
  state_ = State::kFields;
  return Event::kNeedMore;
}

Http1Parser::Event Http1Parser::FieldLine(std::string_view line, bool trailer) {
  if (IsWs(line.front())) return Fail(Http1Error::kObsFold);
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Fail(Http1Error::kBadFieldName);
  const std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return Fail(Http1Error::kBadFieldName);  // also "Name :"
  const std::string_view value = TrimWs(line.substr(colon + 1));
  if (!IsFieldText(value)) return Fail(Http1Error::kBadFieldValue);
  if (trailer) {
    if (++trailer_fields_ > limits_.max_trailer_fields) {
      return Fail(Http1Error::kTrailerTooLarge);
    }
    return Event::kNeedMore;  // validated, then discarded (RFC 9110 §6.5.1)
  }
  if (++fields_ > limits_.max_fields) return Fail(Http1Error::kTooManyFields);
  head_.headers.Add(name, value);
  return Event::kNeedMore;
}

bool Http1Parser::ParseContentLength(uint64_t* out) {
  bool have = false;
  bool bad = false;
  bool conflict = false;
  uint64_t value = 0;
  head_.headers.ForEachListMember("Content-Length", [&](std::string_view m) {
    if (m.empty() || m.size() > 19) {
      bad = true;
      return;
    }
    uint64_t v = 0;
    for (char c : m) {
      if (!IsDigit(c)) {
        bad = true;
        return;
      }
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (have && v != value) conflict = true;
    value = v;
    have = true;
  });
  if (bad || !have) {
    Fail(Http1Error::kBadContentLength);
    return false;
  }
  if (conflict) {
    Fail(Http1Error::kConflictingContentLength);
    return false;
  }
  *out = value;
  return true;
}

namespace {
// The Transfer-Encoding list (§6.1): OK when it is exactly `chunked`.
Http1Error CheckTransferEncoding(const edgekit::http::HeaderMap& headers) {
  bool any = false;
  bool bad = false;
  bool last_chunked = false;
  bool other = false;
  int chunked = 0;
  headers.ForEachListMember("Transfer-Encoding", [&](std::string_view m) {
    any = true;
    const size_t semi = m.find(';');
    const std::string_view name = TrimWs(m.substr(0, semi));
    if (!IsToken(name)) bad = true;
    if (EqualsIgnoreCase(name, "chunked")) {
      ++chunked;
      last_chunked = true;
      if (semi != std::string_view::npos) bad = true;  // chunked takes no parameters
    } else {
      last_chunked = false;
      other = true;
    }
  });
  // §6.3: a final coding other than chunked leaves the length undetermined;
  // §7: chunked must not be applied more than once.
  if (!any || bad || !last_chunked || chunked > 1) return Http1Error::kBadTransferEncoding;
  if (other) return Http1Error::kUnsupportedTransferCoding;
  return Http1Error::kNone;
}

// Every Transfer-Encoding member is a token (parameters aside) and chunked,
// if present, is not applied twice and is the final coding only.
bool TransferCodingsAreTokens(const edgekit::http::HeaderMap& headers) {
  bool ok = false;
  int chunked = 0;
  headers.ForEachListMember("Transfer-Encoding", [&](std::string_view m) {
    const std::string_view name = TrimWs(m.substr(0, m.find(';')));
    if (!IsToken(name)) chunked = 99;
    if (EqualsIgnoreCase(name, "chunked")) ++chunked;
    ok = true;
  });
  return ok && chunked == 0;
}

// Persistence (RFC 9112 §9.3): HTTP/1.1 unless "close", 1.0 only with
// "keep-alive".
bool KeepAlive(const Http1Head& head) {
  bool close = false;
  bool keep_alive = false;
  head.headers.ForEachListMember("Connection", [&](std::string_view m) {
    if (EqualsIgnoreCase(m, "close")) close = true;
    if (EqualsIgnoreCase(m, "keep-alive")) keep_alive = true;
  });
  return !close && (head.version >= 11 || keep_alive);
}
}  // namespace

bool Http1Parser::LengthFraming() {
  if (!ParseContentLength(&head_.content_length)) return false;
  if (head_.content_length > limits_.max_body_bytes) {
    Fail(Http1Error::kBodyTooLarge);
    return false;
  }
  head_.framing =
      head_.content_length > 0 ? Http1Head::Framing::kLength : Http1Head::Framing::kNone;
  return true;
}

Http1Parser::Event Http1Parser::RequestFraming() {
  // Host (RFC 9112 §3.2): exactly one in HTTP/1.1, with a valid value.
  const size_t hosts = head_.headers.Count("Host");
  if (hosts > 1) return Fail(Http1Error::kDuplicateHost);
  if (hosts == 0 && head_.version >= 11) return Fail(Http1Error::kMissingHost);
  if (hosts == 1 && !IsValidAuthority(*head_.headers.Get("Host"))) {
    return Fail(Http1Error::kBadHost);
  }
  const bool te = head_.headers.Contains("Transfer-Encoding");
  const bool cl = head_.headers.Contains("Content-Length");
  if (te) {
    if (head_.version < 11) return Fail(Http1Error::kTransferEncodingInHttp10);
    if (cl) return Fail(Http1Error::kTransferEncodingWithContentLength);
    const Http1Error e = CheckTransferEncoding(head_.headers);
    if (e != Http1Error::kNone) return Fail(e);
    head_.framing = Http1Head::Framing::kChunked;
  } else if (cl && !LengthFraming()) {
    return Event::kError;
  }
  head_.keep_alive = KeepAlive(head_);
  if (const auto expect = head_.headers.Get("Expect"); expect && head_.version >= 11) {
    // §10.1.1 of RFC 9110: a 100-continue in HTTP/1.0 is ignored.
    if (EqualsIgnoreCase(*expect, "100-continue")) {
      head_.expect_continue = true;
    } else {
      head_.expect_other = true;
    }
  }
  return Event::kHead;
}

Http1Parser::Event Http1Parser::ResponseFraming() {
  const int s = head_.status;
  head_.keep_alive = KeepAlive(head_);
  if (head_request_ || (s >= 100 && s < 200) || s == 204 || s == 304) {
    head_.framing = Http1Head::Framing::kNone;  // §6.3 items 1
    return Event::kHead;
  }
  const bool te = head_.headers.Contains("Transfer-Encoding");
  const bool cl = head_.headers.Contains("Content-Length");
  if (te) {
    if (head_.version < 11) return Fail(Http1Error::kTransferEncodingInHttp10);
    if (cl) return Fail(Http1Error::kTransferEncodingWithContentLength);
    const Http1Error e = CheckTransferEncoding(head_.headers);
    if (e == Http1Error::kNone || e == Http1Error::kUnsupportedTransferCoding) {
      // Final coding chunked: de-chunked; codings under it (not decoded) are
      // passed on as they are.
      head_.framing = Http1Head::Framing::kChunked;
    } else if (TransferCodingsAreTokens(head_.headers)) {
      // §6.3 item 4: a response whose final coding is not chunked is
      // delimited by the close (the connection is never reused, so nothing
      // can be smuggled behind it); its coding is not decoded.
      head_.framing = Http1Head::Framing::kUntilClose;
      head_.keep_alive = false;
    } else {
      return Fail(e);
    }
  } else if (cl) {
    if (!LengthFraming()) return Event::kError;
  } else {
    head_.framing = Http1Head::Framing::kUntilClose;
    head_.keep_alive = false;
  }
  return Event::kHead;
}

Http1Parser::Event Http1Parser::EndOfHead() {
  const Event e = mode_ == Mode::kRequest ? RequestFraming() : ResponseFraming();
  if (e != Event::kHead) return e;
  switch (head_.framing) {
    case Http1Head::Framing::kNone:
      state_ = State::kNoBody;
      break;
    case Http1Head::Framing::kLength:
      remaining_ = head_.content_length;
      state_ = State::kBodyLength;
      break;
    case Http1Head::Framing::kChunked:
      state_ = State::kChunkSize;
      break;
    case Http1Head::Framing::kUntilClose:
      state_ = State::kUntilClose;
      break;
  }
  return Event::kHead;
}

Http1Parser::Event Http1Parser::ChunkSizeLine(std::string_view line) {
  size_t digits = 0;
  while (digits < line.size() && IsHex(line[digits])) ++digits;
  if (digits == 0 || digits > limits_.max_chunk_size_digits) {
    return Fail(Http1Error::kBadChunkSize);
  }
  uint64_t size = 0;
  for (size_t i = 0; i < digits; ++i) {
    size = (size << 4) | static_cast<uint64_t>(HexValue(line[i]));
  }
  if (!IsChunkExtensions(line.substr(digits))) return Fail(Http1Error::kBadChunkExtension);
  if (size == 0) {
    state_ = State::kTrailers;
    return Event::kNeedMore;
  }
  if (size > limits_.max_body_bytes - body_bytes_) return Fail(Http1Error::kBodyTooLarge);
  remaining_ = size;
  state_ = State::kChunkData;
  return Event::kNeedMore;
}

Http1Parser::SectionStep Http1Parser::SectionLine(std::string_view in, size_t* pos, bool trailer) {
  size_t& used = trailer ? trailer_bytes_ : header_bytes_;
  const size_t limit = trailer ? limits_.max_trailer_bytes : limits_.max_header_bytes;
  const Http1Error too_large = trailer ? Http1Error::kTrailerTooLarge : Http1Error::kHeaderTooLarge;
  std::string_view line;
  if (!TakeLine(in, pos, limit - std::min(used, limit) + 2, too_large, &line)) {
    return SectionStep::kMore;
  }
  if (line.empty()) {
    line_.clear();
    return SectionStep::kEnd;
  }
  used += line.size() + 2;
  if (used > limit) {
    Fail(too_large);
  } else {
    FieldLine(line, trailer);
  }
  line_.clear();
  return state_ == State::kError ? SectionStep::kMore : SectionStep::kField;
}

void Http1Parser::TakeBody(std::string_view in, size_t* pos) {
  const size_t n = static_cast<size_t>(std::min<uint64_t>(in.size() - *pos, remaining_));
  body_ = in.substr(*pos, n);
  *pos += n;
  remaining_ -= n;
  body_bytes_ += n;
}

Http1Parser::Event Http1Parser::Parse(std::string_view in, size_t* consumed) {
  size_t pos = 0;
  body_ = {};
  auto finish_message = [&] {
    state_ = State::kStart;
    line_.clear();
    empty_lines_ = 0;
    header_bytes_ = 0;
    fields_ = 0;
    trailer_bytes_ = 0;
    trailer_fields_ = 0;
    remaining_ = 0;
    body_bytes_ = 0;
    *consumed = pos;
    return Event::kDone;
  };
  auto need_more = [&] {
    *consumed = pos;
    if (state_ == State::kError) return Event::kError;
    return Event::kNeedMore;
  };
  for (;;) {
    std::string_view line;
    switch (state_) {
      case State::kError:
        *consumed = pos;
        return Event::kError;

      case State::kStart: {
        if (!TakeLine(in, &pos, limits_.max_start_line_bytes + 2, Http1Error::kStartLineTooLong,
                      &line)) {
          return need_more();
        }
        if (line.empty()) {
          // §2.2: ignore a few empty lines before a request-line.
          line_.clear();
          if (mode_ == Mode::kRequest && ++empty_lines_ <= limits_.max_empty_lines) continue;
          *consumed = pos;
          return Fail(Http1Error::kBadStartLine);
        }
        StartLine(line);
        line_.clear();
        if (state_ == State::kError) return need_more();  // returns the error
        continue;
      }

      case State::kFields:
      case State::kTrailers: {
        const bool trailer = state_ == State::kTrailers;
        const SectionStep step = SectionLine(in, &pos, trailer);
        if (step == SectionStep::kMore) return need_more();
        if (step == SectionStep::kField) continue;
        if (trailer) return finish_message();
        *consumed = pos;
        return EndOfHead();
      }

      case State::kNoBody:
        return finish_message();

      case State::kBodyLength:
        if (remaining_ == 0) return finish_message();
        if (pos == in.size()) return need_more();
        TakeBody(in, &pos);
        *consumed = pos;
        return Event::kBody;

      case State::kChunkSize: {
        if (!TakeLine(in, &pos, limits_.max_chunk_line_bytes, Http1Error::kChunkLineTooLong,
                      &line)) {
          return need_more();
        }
        ChunkSizeLine(line);
        line_.clear();
        if (state_ == State::kError) return need_more();  // returns the error
        continue;
      }

      case State::kChunkData:
        if (pos == in.size()) return need_more();
        TakeBody(in, &pos);
        if (remaining_ == 0) state_ = State::kChunkDataEnd;
        *consumed = pos;
        return Event::kBody;

      case State::kChunkDataEnd: {
        if (!TakeLine(in, &pos, 2, Http1Error::kBadChunkTerminator, &line)) return need_more();
        line_.clear();
        if (!line.empty()) {
          *consumed = pos;
          return Fail(Http1Error::kBadChunkTerminator);
        }
        state_ = State::kChunkSize;
        continue;
      }

      case State::kUntilClose: {
        const size_t avail = in.size() - pos;
        if (avail == 0) return need_more();
        if (avail > limits_.max_body_bytes - body_bytes_) {
          *consumed = pos;
          return Fail(Http1Error::kBodyTooLarge);
        }
        body_ = in.substr(pos);
        pos = in.size();
        body_bytes_ += avail;
        *consumed = pos;
        return Event::kBody;
      }
    }
  }
}

Http1Parser::Event Http1Parser::Finish() {
  size_t ignored = 0;
  switch (state_) {
    case State::kUntilClose:
    case State::kNoBody:
      state_ = State::kNoBody;
      return Parse({}, &ignored);
    case State::kBodyLength:
      if (remaining_ == 0) return Parse({}, &ignored);
      return Fail(Http1Error::kTruncated);
    case State::kStart:
      if (line_.empty()) return Event::kNeedMore;
      return Fail(Http1Error::kTruncated);
    case State::kError:
      return Event::kError;
    default:
      return Fail(Http1Error::kTruncated);
  }
}

}  // namespace edgekit_examples
