// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Token: typed access to a verified payload. Accessors re-read the owned
// payload with a per-thread simdjson parser (no shared mutable state).

#include "edgekit/jwt/token.h"

#include <cmath>

#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {

// Finds top-level member `name` in `payload`; false if absent or unparsable.
bool Lookup(const std::string& data, size_t size, std::string_view name,
            simdjson::dom::element* out) {
  thread_local simdjson::dom::parser parser;
  const std::string_view payload(data.data(), size);
  const bool padded = data.capacity() >= size + simdjson::SIMDJSON_PADDING;
  simdjson::dom::element root;
  if (parser.parse(reinterpret_cast<const uint8_t*>(payload.data()), payload.size(), !padded)
          .get(root) != simdjson::SUCCESS) {
    return false;
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return false;
  return obj.at_key(name).get(*out) == simdjson::SUCCESS;
}

}  // namespace

std::optional<absl::Time> Token::expires_at() const {
  if (!exp_) return std::nullopt;
  if (*exp_ >= 9.2e9) return absl::InfiniteFuture();
  if (*exp_ <= -9.2e9) return absl::InfinitePast();
  return absl::UnixEpoch() + absl::Seconds(*exp_);
}

bool Token::Has(std::string_view name) const {
  simdjson::dom::element e;
  return Lookup(data_, payload_len_, name, &e);
}

std::optional<std::string> Token::GetString(std::string_view name) const {
  simdjson::dom::element e;
  std::string_view s;
  if (!Lookup(data_, payload_len_, name, &e) || e.get_string().get(s) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return std::string(s);
}

std::optional<double> Token::GetNumber(std::string_view name) const {
  simdjson::dom::element e;
  double d = 0;
  if (!Lookup(data_, payload_len_, name, &e) || !e.is_number() ||
      e.get_double().get(d) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return d;
}

std::optional<bool> Token::GetBool(std::string_view name) const {
  simdjson::dom::element e;
  bool b = false;
  if (!Lookup(data_, payload_len_, name, &e) || e.get_bool().get(b) != simdjson::SUCCESS)
    return std::nullopt;
  return b;
}

std::optional<std::vector<std::string>> Token::GetStringArray(std::string_view name) const {
  simdjson::dom::element e;
  simdjson::dom::array array;
  if (!Lookup(data_, payload_len_, name, &e) || e.get_array().get(array) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (simdjson::dom::element item : array) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    out.emplace_back(s);
  }
  return out;
}

std::vector<std::string> Token::Audiences() const {
  if (std::optional<std::string> one = GetString("aud")) return {std::move(*one)};
  return GetStringArray("aud").value_or(std::vector<std::string>{});
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
