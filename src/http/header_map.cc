// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: header_map.cc
// -----------------------------------------------------------------------------
// HeaderView / HeaderMap and the RFC 9110 grammar helpers.

#include "edgekit/http/header_map.h"

#include <utility>

#include "http/internal_parse.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

bool IsTchar(char c) { return http_internal::IsTcharFast(c); }

bool IsToken(std::string_view s) { return http_internal::IsTokenFast(s); }

bool IsValidFieldValue(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

std::string HeaderView::GetCombined(std::string_view name) const {
  std::string out;
  bool first = true;
  ForEachField([&](const HeaderField& f) {
    if (!EqualsIgnoreCase(f.name, name)) return;
    if (!first) out.append(", ");
    out.append(f.value.data(), f.value.size());
    first = false;
  });
  return out;
}

HeaderMap::HeaderMap(HeaderView view) {
  view.ForEachField([&](const HeaderField& f) {
    entries_.push_back(Entry{std::string(f.name), std::string(f.value)});
  });
  Reindex();
}

HeaderMap::HeaderMap(const HeaderMap& other) : entries_(other.entries_) { Reindex(); }

// Moving a std::vector hands over its buffer without moving the elements, so
// the views in fields_ stay valid: no re-indexing, no allocation.
HeaderMap::HeaderMap(HeaderMap&& other) noexcept
    : entries_(std::move(other.entries_)),
      fields_(std::move(other.fields_)),
      byte_size_(other.byte_size_) {
  other.Clear();
}

HeaderMap& HeaderMap::operator=(const HeaderMap& other) {
  if (this != &other) {
    entries_ = other.entries_;
    Reindex();
  }
  return *this;
}

HeaderMap& HeaderMap::operator=(HeaderMap&& other) noexcept {
  if (this != &other) {
    entries_ = std::move(other.entries_);
    fields_ = std::move(other.fields_);
    byte_size_ = other.byte_size_;
    other.Clear();
  }
  return *this;
}

void HeaderMap::Reindex() {
  fields_.clear();
  fields_.reserve(entries_.size());
  byte_size_ = 0;
  for (const Entry& e : entries_) {
    fields_.push_back(HeaderField{e.name, e.value});
    byte_size_ += e.name.size() + e.value.size() + kPerFieldOverhead;
  }
}

void HeaderMap::Add(std::string_view name, std::string_view value) {
  const size_t old_capacity = entries_.capacity();
  entries_.push_back(Entry{std::string(name), std::string(value)});
  if (entries_.capacity() != old_capacity) {
    Reindex();  // the strings moved: every view must be rebuilt (amortised O(1))
    return;
  }
  const Entry& e = entries_.back();
  fields_.push_back(HeaderField{e.name, e.value});
  byte_size_ += e.name.size() + e.value.size() + kPerFieldOverhead;
}

void HeaderMap::Set(std::string_view name, std::string_view value) {
  // `name`/`value` may point into this map: copy them before removing.
  std::string n(name);
  std::string v(value);
  Remove(n);
  Add(n, v);
}

size_t HeaderMap::Remove(std::string_view name_in) {
  const std::string name(name_in);  // `name_in` may point into an entry we move
  size_t kept = 0;
  size_t removed = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (EqualsIgnoreCase(entries_[i].name, name)) {
      ++removed;
      continue;
    }
    if (kept != i) entries_[kept] = std::move(entries_[i]);
    ++kept;
  }
  if (removed == 0) return 0;
  entries_.resize(kept);
  Reindex();
  return removed;
}

void HeaderMap::Clear() {
  entries_.clear();
  fields_.clear();
  byte_size_ = 0;
}

}  // namespace http
EDGEKIT_NAMESPACE_END
