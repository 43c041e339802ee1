// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: lru_map.h
// -----------------------------------------------------------------------------
// Internal: a string-keyed map that remembers use order, for
// `BreakerRegistry`. Not API. Lookups take a `string_view` and do not
// allocate; `Insert` allocates one list node and one index slot.
//
// Thread-safety: thread-compatible (the registry guards it with its mutex).

#ifndef EDGEKIT_SRC_BREAKER_LRU_MAP_H_
#define EDGEKIT_SRC_BREAKER_LRU_MAP_H_

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker_internal {

template <typename V>
class LruMap {
 public:
  // The value for `key`, marked most recently used; nullptr if absent.
  V* Find(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->value;
  }

  // The value for `key` without touching the order; nullptr if absent.
  const V* Peek(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->value;
  }

  // Inserts `key` as most recently used. Requires: `key` is absent.
  V* Insert(std::string key, V value) {
    order_.push_front(Node{std::move(key), std::move(value)});
    index_.emplace(std::string_view(order_.front().key), order_.begin());
    return &order_.front().value;
  }

  bool Erase(std::string_view key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    auto node = it->second;
    index_.erase(it);
    order_.erase(node);
    return true;
  }

  // Removes the least recently used entry into `*key` / `*value`.
  bool PopLeastRecent(std::string* key, V* value) {
    if (order_.empty()) return false;
    Node& last = order_.back();
    index_.erase(std::string_view(last.key));
    *key = std::move(last.key);
    *value = std::move(last.value);
    order_.pop_back();
    return true;
  }

  // Visits entries from most to least recently used.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Node& n : order_) f(n.key, n.value);
  }

  size_t size() const { return index_.size(); }

 private:
  struct Node {
    std::string key;
    V value;
  };
  std::list<Node> order_;  // front: most recently used; nodes never move
  absl::flat_hash_map<std::string_view, typename std::list<Node>::iterator> index_;
};

}  // namespace breaker_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_BREAKER_LRU_MAP_H_
