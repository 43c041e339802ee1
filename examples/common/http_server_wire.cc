// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_server_wire.cc
// -----------------------------------------------------------------------------
// The parts of HttpServer that need no sockets: ServerExchange (how a handler
// answers) and the response head as written to a client.

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/http/header_map.h"
#include "net.h"
#include "net_internal.h"

namespace edgekit_examples {

using edgekit::http::EqualsIgnoreCase;

// -----------------------------------------------------------------------------
// ServerExchange
// -----------------------------------------------------------------------------

void ServerExchange::Respond(HttpResponse response) const {
  if (responded_->exchange(true)) return;
  sink_->Deliver(std::move(response));
}

void ServerExchange::SendInterim(HttpResponse interim) const {
  if (responded_->load()) return;
  sink_->DeliverInterim(std::move(interim));
}

namespace {

class DecoratingSink final : public ServerExchange::Sink {
 public:
  DecoratingSink(ServerExchange inner, std::function<void(HttpResponse&)> decorate)
      : inner_(std::move(inner)), decorate_(std::move(decorate)) {}
  void Deliver(HttpResponse response) override {
    if (decorate_) decorate_(response);
    inner_.Respond(std::move(response));
  }
  void DeliverInterim(HttpResponse interim) override { inner_.SendInterim(std::move(interim)); }

 private:
  ServerExchange inner_;
  std::function<void(HttpResponse&)> decorate_;
};

}  // namespace

ServerExchange ServerExchange::WithDecorator(std::function<void(HttpResponse&)> decorate) const {
  return ServerExchange(std::make_shared<DecoratingSink>(*this, std::move(decorate)), strand_,
                        is_head_);
}

namespace net_internal {

// The response head as written to the client.
std::string SerializeResponseHead(const HttpResponse& r, bool is_head, unsigned version, bool keep,
                                  const std::string& server_name, bool* send_body) {
  int status = r.status;
  if (status < 100 || status > 999) status = 502;
  std::string_view reason = r.reason;
  if (reason.empty() || !edgekit::http::IsValidFieldValue(reason)) {
    reason = ReasonPhrase(status);
    if (reason.empty()) reason = "Unknown";
  }
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", edgekit::AbslView(reason), "\r\n");
  const bool interim = status < 200;
  const bool no_content = interim || status == 204 || status == 304 || is_head;
  std::optional<std::string_view> passed_length;
  bool has_server = false;
  for (const auto& f : r.headers) {
    if (EqualsIgnoreCase(f.name, "Content-Length")) {
      if (no_content && !interim && status != 204 && !passed_length) passed_length = f.value;
      continue;
    }
    if (EqualsIgnoreCase(f.name, "Transfer-Encoding") || EqualsIgnoreCase(f.name, "Connection") ||
        EqualsIgnoreCase(f.name, "Keep-Alive")) {
      continue;
    }
    if (!edgekit::http::IsToken(f.name) || !edgekit::http::IsValidFieldValue(f.value)) continue;
    if (EqualsIgnoreCase(f.name, "Server")) has_server = true;
    absl::StrAppend(&out, edgekit::AbslView(f.name), ": ", edgekit::AbslView(f.value), "\r\n");
  }
  if (interim) {
    *send_body = false;
    out += "\r\n";
    return out;
  }
  if (!has_server && !server_name.empty()) absl::StrAppend(&out, "Server: ", server_name, "\r\n");
  const std::string_view body = r.BodyView();
  const std::optional<uint64_t> stream_length =
      r.stream ? r.stream->length() : std::optional<uint64_t>();
  if (no_content) {
    if (is_head && status != 204 && status != 304 && stream_length) {
      absl::StrAppend(&out, "Content-Length: ", *stream_length, "\r\n");
    } else if (is_head && status != 204 && status != 304 && !r.stream && !body.empty()) {
      absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n");
    } else if (passed_length && edgekit::http::IsValidFieldValue(*passed_length)) {
      absl::StrAppend(&out, "Content-Length: ", edgekit::AbslView(*passed_length), "\r\n");
    }
  } else if (r.stream) {
    // A length known in advance, else chunked (RFC 9112 §7.1); an HTTP/1.0
    // client gets a body delimited by the close (the caller turned `keep` off).
    if (stream_length) {
      absl::StrAppend(&out, "Content-Length: ", *stream_length, "\r\n");
    } else if (version >= 11) {
      out += "Transfer-Encoding: chunked\r\n";
    }
  } else {
    absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n");
  }
  if (!keep) {
    out += "Connection: close\r\n";
  } else if (version == 10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  *send_body = !no_content;
  return out;
}

}  // namespace net_internal
}  // namespace edgekit_examples
