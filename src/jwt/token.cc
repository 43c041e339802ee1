// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Token: typed access to a verified payload through the claim index built
// once, at verification (TokenBuilder). No JSON parsing in the accessors.

#include "edgekit/jwt/token.h"

#include <cstring>
#include <limits>
#include <new>
#include <utility>
#include <vector>

#include "jwt/jose.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

Token::Token() noexcept
    : alg_(Algorithm::kHS256),
      buffer_size_(0),
      bytes_offset_(0),
      entries_(0),
      claim_count_(0),
      payload_(),
      kid_(),
      typ_(),
      iss_(),
      sub_(),
      jti_() {}

Token::Token(const Token& other)
    : alg_(other.alg_),
      exp_(other.exp_),
      nbf_(other.nbf_),
      iat_(other.iat_),
      buffer_size_(other.buffer_size_),
      bytes_offset_(other.bytes_offset_),
      entries_(other.entries_),
      claim_count_(other.claim_count_),
      payload_(other.payload_),
      kid_(other.kid_),
      typ_(other.typ_),
      iss_(other.iss_),
      sub_(other.sub_),
      jti_(other.jti_) {
  if (other.buffer_ == nullptr) return;
  buffer_.reset(new unsigned char[buffer_size_]);
  const Claim* from = other.claims();
  for (uint32_t i = 0; i < entries_; ++i) new (buffer_.get() + i * sizeof(Claim)) Claim(from[i]);
  std::memcpy(buffer_.get() + bytes_offset_, other.buffer_.get() + bytes_offset_,
              buffer_size_ - bytes_offset_);
}

Token& Token::operator=(const Token& other) {
  if (this != &other) *this = Token(other);
  return *this;
}

Token::Token(Token&& other) noexcept : Token() { *this = std::move(other); }

Token& Token::operator=(Token&& other) noexcept {
  if (this == &other) return *this;
  alg_ = other.alg_;
  exp_ = other.exp_;
  nbf_ = other.nbf_;
  iat_ = other.iat_;
  buffer_ = std::move(other.buffer_);
  buffer_size_ = std::exchange(other.buffer_size_, 0);
  bytes_offset_ = std::exchange(other.bytes_offset_, 0);
  entries_ = std::exchange(other.entries_, 0);
  claim_count_ = std::exchange(other.claim_count_, 0);
  payload_ = std::exchange(other.payload_, Piece());
  kid_ = std::exchange(other.kid_, Piece());
  typ_ = std::exchange(other.typ_, Piece());
  iss_ = std::exchange(other.iss_, Piece());
  sub_ = std::exchange(other.sub_, Piece());
  jti_ = std::exchange(other.jti_, Piece());
  return *this;
}

Token::~Token() = default;

const Token::Claim* Token::Find(std::string_view name) const {
  const Claim* c = claims();
  for (uint32_t i = 0; i < entries_; ++i) {
    if (View(c[i].name) == name && c[i].kind != Kind::kArrayItem) return &c[i];
    if (c[i].kind == Kind::kStringArray) i += c[i].value.size;  // skip its items
  }
  return nullptr;
}

std::optional<absl::Time> Token::expires_at() const {
  if (!exp_) return std::nullopt;
  if (*exp_ >= 9.2e9) return absl::InfiniteFuture();
  if (*exp_ <= -9.2e9) return absl::InfinitePast();
  return absl::UnixEpoch() + absl::Seconds(*exp_);
}

std::optional<std::string> Token::GetString(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kString) return std::nullopt;
  return std::string(View(c->value));
}

std::optional<double> Token::GetNumber(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kNumber) return std::nullopt;
  return c->number;
}

std::optional<bool> Token::GetBool(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kBool) return std::nullopt;
  return c->boolean;
}

std::optional<std::vector<std::string>> Token::GetStringArray(std::string_view name) const {
  const Claim* c = Find(name);
  if (c == nullptr || c->kind != Kind::kStringArray) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(c->value.size);
  for (uint32_t i = 1; i <= c->value.size; ++i) out.emplace_back(View(c[i].value));
  return out;
}

std::vector<std::string> Token::Audiences() const {
  if (std::optional<std::string> one = GetString("aud")) return {std::move(*one)};
  return GetStringArray("aud").value_or(std::vector<std::string>{});
}

}  // namespace jwt

namespace jwt_internal {

using jwt::Token;

bool TokenBuilder::Build(jwt::Algorithm alg, std::string_view kid, std::string_view typ,
                         std::string_view payload, const std::string_view* names,
                         const simdjson::dom::element* values, size_t count,
                         std::optional<double> exp, std::optional<double> nbf,
                         std::optional<double> iat, std::optional<Token>* out) {
  using Kind = Token::Kind;
  // One pass into one allocation sized from above: at most one record per
  // claim and per array element (array sizes are on simdjson's tape), and
  // the claim names and strings, unescaped, never exceed the payload.
  size_t max_entries = count;
  for (size_t i = 0; i < count; ++i) {
    simdjson::dom::array array;
    if (values[i].get_array().get(array) == simdjson::SUCCESS) max_entries += array.size();
  }
  const size_t max_bytes = 2 * payload.size() + kid.size() + typ.size();
  if (max_bytes > std::numeric_limits<uint32_t>::max() / 2 ||
      max_entries > std::numeric_limits<uint32_t>::max() / 2) {
    return false;
  }
  const size_t bytes_offset = max_entries * sizeof(Token::Claim);
  Token* const token = &out->emplace(Token::BuildKey());
  token->buffer_.reset(new unsigned char[bytes_offset + max_bytes]);
  token->bytes_offset_ = bytes_offset;
  token->claim_count_ = static_cast<uint32_t>(count);
  unsigned char* const base = token->buffer_.get() + bytes_offset;
  uint32_t used = 0;
  // Writes straight into the destination piece.
  const auto put = [base, &used](std::string_view v, Token::Piece* piece) {
    piece->offset = used;
    piece->size = static_cast<uint32_t>(v.size());
    piece->present = true;
    if (!v.empty()) std::memcpy(base + used, v.data(), v.size());
    used += static_cast<uint32_t>(v.size());
  };
  token->alg_ = alg;
  put(payload, &token->payload_);
  put(kid, &token->kid_);
  put(typ, &token->typ_);
  token->iss_ = token->sub_ = token->jti_ = Token::Piece();
  uint32_t entries = 0;
  const auto next = [token, &entries]() {
    return new (token->buffer_.get() + (entries++) * sizeof(Token::Claim)) Token::Claim();
  };
  for (size_t i = 0; i < count; ++i) {
    Token::Claim* c = next();
    put(names[i], &c->name);
    const simdjson::dom::element v = values[i];
    std::string_view text;
    simdjson::dom::array array;
    switch (v.type()) {
      case simdjson::dom::element_type::STRING:
        if (v.get_string().get(text) != simdjson::SUCCESS) break;
        c->kind = Kind::kString;
        put(text, &c->value);
        if (names[i].size() == 3) {
          if (Is(names[i], "iss")) token->iss_ = c->value;
          if (Is(names[i], "sub")) token->sub_ = c->value;
          if (Is(names[i], "jti")) token->jti_ = c->value;
        }
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        if (v.get_double().get(c->number) == simdjson::SUCCESS) c->kind = Kind::kNumber;
        break;
      case simdjson::dom::element_type::BOOL:
        if (v.get_bool().get(c->boolean) == simdjson::SUCCESS) c->kind = Kind::kBool;
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        c->kind = Kind::kNull;
        break;
      case simdjson::dom::element_type::ARRAY: {
        if (v.get_array().get(array) != simdjson::SUCCESS) break;
        bool all_strings = true;
        for (simdjson::dom::element item : array) all_strings &= item.is_string();
        if (!all_strings) break;  // kOther
        c->kind = Kind::kStringArray;
        uint32_t items = 0;
        for (simdjson::dom::element item : array) {
          Token::Claim* e = next();
          e->kind = Kind::kArrayItem;
          if (item.get_string().get(text) == simdjson::SUCCESS) put(text, &e->value);
          ++items;
        }
        c->value.size = items;
        break;
      }
      case simdjson::dom::element_type::OBJECT:
        break;  // kOther
    }
  }
  token->entries_ = entries;
  token->buffer_size_ = bytes_offset + used;
  token->exp_ = exp;
  token->nbf_ = nbf;
  token->iat_ = iat;
  return true;
}

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END
