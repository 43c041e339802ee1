// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: http_message.cc
// -----------------------------------------------------------------------------
// RFC 9110 helpers for the examples' message types.

#include "http_message.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"

namespace edgekit_examples {

using edgekit::http::EqualsIgnoreCase;

void StripHopByHop(edgekit::http::HeaderMap& headers) {
  // Connection options name further hop-by-hop fields (RFC 9110 §7.6.1).
  std::vector<std::string> listed;
  headers.ForEachListMember("Connection",
                            [&](std::string_view member) { listed.emplace_back(member); });
  for (const std::string& name : listed) headers.Remove(name);
  static constexpr std::string_view kHopByHop[] = {
      "Connection",        "Keep-Alive", "Proxy-Connection",   "TE",
      "Transfer-Encoding", "Upgrade",    "Proxy-Authenticate", "Proxy-Authorization",
  };
  for (std::string_view name : kHopByHop) headers.Remove(name);
}

bool IsIdempotentMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

bool ParseHostPort(std::string_view s, std::string* host, uint16_t* port) {
  if (s.empty()) return false;
  std::string_view h;
  std::string_view p;
  if (s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos) return false;
    h = s.substr(1, close - 1);
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      p = rest.substr(1);
    }
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      h = s;
    } else {
      h = s.substr(0, colon);
      p = s.substr(colon + 1);
    }
  }
  if (h.empty()) return false;
  uint32_t n = 80;
  if (!p.empty() && (!absl::SimpleAtoi(edgekit::AbslView(p), &n) || n > 65535)) return false;
  if (p.empty() && s.back() == ':') return false;
  *host = std::string(h);
  *port = static_cast<uint16_t>(n);
  return true;
}

bool ParseHttpUrl(std::string_view url, HttpUrl* out) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || !EqualsIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return false;
  HttpUrl u;
  if (!ParseHostPort(authority, &u.host, &u.port) || u.port == 0) return false;
  u.authority = std::string(authority);
  const size_t hash = path.find('#');
  if (hash != std::string_view::npos) path = path.substr(0, hash);
  if (path.empty() || path.front() != '/') {
    u.path = "/" + std::string(path);
  } else {
    u.path = std::string(path);
  }
  *out = std::move(u);
  return true;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 203:
      return "Non-Authoritative Information";
    case 204:
      return "No Content";
    case 205:
      return "Reset Content";
    case 206:
      return "Partial Content";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 422:
      return "Unprocessable Content";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

void HttpResponse::SetSharedBody(std::shared_ptr<const std::string> shared, size_t offset,
                                 size_t size) {
  body.clear();
  shared_body = std::move(shared);
  const size_t total = shared_body ? shared_body->size() : 0;
  shared_offset = offset < total ? offset : total;
  shared_size = size < total - shared_offset ? size : total - shared_offset;
}

std::string_view HttpResponse::BodyView() const {
  if (shared_body) return std::string_view(*shared_body).substr(shared_offset, shared_size);
  return body;
}

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.Add("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool GetQueryParam(std::string_view target, std::string_view name, std::string* value) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (UrlDecode(key) != name) continue;
    *value = eq == std::string_view::npos ? std::string() : UrlDecode(pair.substr(eq + 1));
    return true;
  }
  return false;
}

}  // namespace edgekit_examples
