// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: header_map.h
// -----------------------------------------------------------------------------
// HTTP header fields (RFC 9110 §5) over the host's own storage and in an owning
// container:
//
//   * `HeaderField`: one field line, a name and a value (views).
//   * `HeaderView`: a non-owning, read-only view over the host's field lines
//     with case-insensitive lookup (RFC 9110 §5.1), combination of repeated
//     field lines (§5.3) and iteration over the members of list-based fields
//     across all their field lines (§5.6.1).
//   * `HeaderMap`: an owning, order-preserving, multi-valued map with the same
//     lookups, for what a cache stores.
//   * `EqualsIgnoreCase`, `IsToken`, `IsValidFieldValue`: grammar helpers.
//
// Example:
//
//   std::vector<edgekit::http::HeaderField> fields = {
//       {"Cache-Control", "max-age=60"}, {"Vary", "Accept-Encoding"},
//       {"vary", "Accept-Language, \"x,y\""}};
//   edgekit::http::HeaderView headers(fields);
//   headers.Get("cache-control");                 // "max-age=60"
//   headers.ForEachListMember("Vary", [](std::string_view m) {
//     // "Accept-Encoding", "Accept-Language", "\"x,y\""
//   });
//   edgekit::http::HeaderMap stored(headers);     // owning copy
//
// Bounds: every lookup is one linear pass over the field lines (no
// allocation); `GetCombined` allocates one string of the combined length;
// `ForEachListMember` is linear in the bytes of the matching field values and
// allocates nothing.
//
// Errors: none of these functions fail; a missing field is `std::nullopt`, an
// empty string or no callback.

#ifndef EDGEKIT_HTTP_HEADER_MAP_H_
#define EDGEKIT_HTTP_HEADER_MAP_H_

#include <cstddef>
#include <cstring>
#include <iterator>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/types/span.h"
#include "edgekit/base/config.h"
#include "edgekit/http/internal/header_source.h"
#include "edgekit/http/internal/list_members.h"

EDGEKIT_NAMESPACE_BEGIN
namespace http {

// One field line: a name and a value, both views (RFC 9110 §5.1, §5.5). The
// value is expected without leading/trailing whitespace, as HTTP parsers
// deliver it; lookups here trim OWS anyway where it matters.
struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// ASCII case-insensitive equality (field names are case-insensitive, RFC 9110
// §5.1). Bytes >= 0x80 compare exactly.
[[nodiscard]] inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + ('a' - 'A'));
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + ('a' - 'A'));
    if (x != y) return false;
  }
  return true;
}

// True if `c` is a tchar (RFC 9110 §5.6.2).
[[nodiscard]] EDGEKIT_API bool IsTchar(char c);

// True if `s` is a non-empty token: 1*tchar (RFC 9110 §5.6.2). Field names
// are tokens.
[[nodiscard]] EDGEKIT_API bool IsToken(std::string_view s);

// True if `s` may be sent as a field value: no CR, LF or NUL (RFC 9110 §5.5
// "Field values containing CR, LF, or NUL characters are invalid and
// dangerous"). Other control bytes and obs-text are tolerated, as §5.5 lets
// recipients retain them.
[[nodiscard]] EDGEKIT_API bool IsValidFieldValue(std::string_view s);

// How a `HeaderView` walks storage that is not a contiguous array of
// `HeaderField`: specialise `HeaderSource<T>` for the host's own container
// with
//
//   // Positions `cursor` on the first field line.
//   static void Begin(const T& storage, HeaderCursor& cursor);
//   // If `cursor` is not at the end: sets `out` to its field line, advances
//   // and returns true; otherwise returns false.
//   static bool Next(const T& storage, HeaderCursor& cursor, HeaderField& out);
//
// A cursor is 16 bytes of opaque state (an index, a node pointer, an
// iterator: see `StoreInCursor` / `LoadFromCursor`). Adapters for
// Boost.Beast (edgekit/http/beast_headers.h) and nghttp2
// (edgekit/http/nghttp2_headers.h) are specialisations of this template.
template <class T>
struct HeaderSource;

struct HeaderCursor {
  alignas(8) unsigned char bytes[16];
};

// Whether a value of type V may live in a cursor: trivially copyable types
// may, and so may types a source declares relocatable by specialising this
// trait to true. A relocatable type is trivially destructible, and copying
// its bytes yields an equal, usable value (an iterator that wraps one node
// pointer, such as Boost.Intrusive's), because `HeaderView` iterators copy
// cursors byte for byte.
template <class V>
struct IsCursorRelocatable : std::is_trivially_copyable<V> {};

// True if a V may live in a cursor: at most 16 bytes aligned to at most 8,
// trivially destructible and copyable, or relocatable (see above).
template <class V>
inline constexpr bool kFitsInCursor =
    sizeof(V) <= sizeof(HeaderCursor::bytes) && alignof(V) <= alignof(HeaderCursor) &&
    IsCursorRelocatable<V>::value&& std::is_trivially_destructible_v<
        V>&& std::is_copy_constructible_v<V>;

// Stores a value (an iterator, an index) in a cursor.
template <class V>
void StoreInCursor(HeaderCursor& cursor, const V& value) {
  static_assert(kFitsInCursor<V>,
                "a HeaderCursor holds 16 bytes of trivially copyable or "
                "relocatable state aligned to at most 8");
  if constexpr (std::is_trivially_copyable_v<V>) {
    std::memcpy(cursor.bytes, &value, sizeof(V));
  } else {
    ::new (static_cast<void*>(cursor.bytes)) V(value);
  }
}
// The value last stored in `cursor` with `StoreInCursor<V>`.
template <class V>
V LoadFromCursor(const HeaderCursor& cursor) {
  static_assert(kFitsInCursor<V>,
                "a HeaderCursor holds 16 bytes of trivially copyable or "
                "relocatable state aligned to at most 8");
  if constexpr (std::is_trivially_copyable_v<V>) {
    V value;
    std::memcpy(&value, cursor.bytes, sizeof(V));
    return value;
  } else {
    return *std::launder(reinterpret_cast<const V*>(cursor.bytes));
  }
}

// A non-owning, read-only view over a sequence of field lines, in order: a
// contiguous array of `HeaderField` (a span, a vector) or any storage with a
// `HeaderSource` specialisation (Beast's fields, an nghttp2 array), read in
// place without copying. Lookups over an array cost what a loop over the array
// costs; over other storage, one indirect call per field line.
//
// IMPORTANT: the view borrows the host's storage and the bytes its fields
// point to; they must outlive the view.
//
// Thread-safety: thread-compatible (const methods may be called concurrently).
class HeaderView {
 public:
  class const_iterator;

  HeaderView() = default;
  HeaderView(absl::Span<const HeaderField> fields)  // NOLINT
      : data_(fields.data()), size_(fields.size()) {}
  // Any contiguous container of HeaderField (std::vector, std::array, ...).
  template <class C, class = std::enable_if_t<
                         std::is_convertible_v<const C&, absl::Span<const HeaderField>> &&
                         !std::is_same_v<std::decay_t<C>, HeaderView>>>
  HeaderView(const C& fields ABSL_ATTRIBUTE_LIFETIME_BOUND)  // NOLINT
      : HeaderView(absl::Span<const HeaderField>(fields)) {}
  // Any storage with a `HeaderSource<C>` specialisation, read in place.
  template <
      class C,
      class = std::enable_if_t<!std::is_convertible_v<const C&, absl::Span<const HeaderField>> &&
                               http_internal::HasHeaderSource<C>::value>,
      class = void>
  HeaderView(const C& storage ABSL_ATTRIBUTE_LIFETIME_BOUND)  // NOLINT
      : storage_(&storage), begin_(&BeginThunk<C>), next_(&NextThunk<C>) {}

  // Calls fn(const HeaderField&) for every field line, in order. If fn
  // returns bool, returning false stops the walk.
  template <class Fn>
  void ForEachField(Fn&& fn) const {
    if (storage_ == nullptr) {
      for (size_t i = 0; i < size_; ++i) {
        if (!Continue(fn, data_[i])) return;
      }
      return;
    }
    HeaderCursor cursor;
    begin_(storage_, cursor);
    HeaderField f;
    while (next_(storage_, cursor, f)) {
      if (!Continue(fn, f)) return;
    }
  }

  // The value of the first field line named `name` (case-insensitive).
  [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const {
    std::optional<std::string_view> out;
    ForEachField([&](const HeaderField& f) {
      if (!EqualsIgnoreCase(f.name, name)) return true;
      out = f.value;
      return false;
    });
    return out;
  }

  [[nodiscard]] bool Contains(std::string_view name) const { return Get(name).has_value(); }

  // Number of field lines named `name`.
  [[nodiscard]] size_t Count(std::string_view name) const {
    size_t n = 0;
    ForEachField([&](const HeaderField& f) {
      if (EqualsIgnoreCase(f.name, name)) ++n;
    });
    return n;
  }

  // All field lines named `name`, in order, joined with ", " (RFC 9110 §5.3).
  // Empty if there is none. Allocates the result.
  // IMPORTANT: not for Set-Cookie, whose lines cannot be combined (RFC 9110
  // §5.3 note; RFC 6265 §3): iterate its lines instead.
  [[nodiscard]] EDGEKIT_API std::string GetCombined(std::string_view name) const;

  // Calls fn(std::string_view member) for each member of the list-based field
  // `name` across all its field lines, in order (RFC 9110 §5.6.1): members are
  // OWS-trimmed, empty members are skipped and commas inside quoted-strings do
  // not split. If fn returns bool, returning false stops the iteration.
  template <class Fn>
  void ForEachListMember(std::string_view name, Fn fn) const {
    ForEachField([&](const HeaderField& f) {
      if (!EqualsIgnoreCase(f.name, name)) return true;
      return http_internal::ForEachMemberOf(f.value, fn);
    });
  }

  // Number of field lines: O(1) over an array, one walk otherwise.
  [[nodiscard]] size_t size() const {
    if (storage_ == nullptr) return size_;
    size_t n = 0;
    ForEachField([&](const HeaderField&) { ++n; });
    return n;
  }
  [[nodiscard]] bool empty() const {
    if (storage_ == nullptr) return size_ == 0;
    HeaderCursor cursor;
    begin_(storage_, cursor);
    HeaderField f;
    return !next_(storage_, cursor, f);
  }
  [[nodiscard]] inline const_iterator begin() const;
  [[nodiscard]] inline const_iterator end() const;

 private:
  using BeginFn = void (*)(const void*, HeaderCursor&);
  using NextFn = bool (*)(const void*, HeaderCursor&, HeaderField&);

  template <class C>
  static void BeginThunk(const void* storage, HeaderCursor& cursor) {
    HeaderSource<C>::Begin(*static_cast<const C*>(storage), cursor);
  }
  template <class C>
  static bool NextThunk(const void* storage, HeaderCursor& cursor, HeaderField& out) {
    return HeaderSource<C>::Next(*static_cast<const C*>(storage), cursor, out);
  }
  template <class Fn>
  static bool Continue(Fn& fn, const HeaderField& f) {
    if constexpr (std::is_same_v<std::invoke_result_t<Fn&, const HeaderField&>, bool>) {
      return fn(f);
    } else {
      fn(f);
      return true;
    }
  }

  // Array mode: storage_ == nullptr, fields in [data_, data_ + size_).
  const HeaderField* data_ = nullptr;
  size_t size_ = 0;
  // Source mode: the host's storage and its HeaderSource thunks.
  const void* storage_ = nullptr;
  BeginFn begin_ = nullptr;
  NextFn next_ = nullptr;
};

// A forward iterator over a HeaderView's field lines. The reference it yields
// stays valid until the iterator is advanced or destroyed.
class HeaderView::const_iterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = HeaderField;
  using difference_type = std::ptrdiff_t;
  using pointer = const HeaderField*;
  using reference = const HeaderField&;

  const_iterator() = default;
  reference operator*() const { return view_->storage_ == nullptr ? *p_ : current_; }
  pointer operator->() const { return &**this; }
  const_iterator& operator++() {
    if (view_->storage_ == nullptr) {
      ++p_;
    } else {
      at_end_ = !view_->next_(view_->storage_, cursor_, current_);
    }
    return *this;
  }
  const_iterator operator++(int) {
    const_iterator old = *this;
    ++*this;
    return old;
  }
  friend bool operator==(const const_iterator& a, const const_iterator& b) {
    if (a.array_mode()) return a.p_ == b.p_;
    return a.at_end_ == b.at_end_ &&
           (a.at_end_ || std::memcmp(a.cursor_.bytes, b.cursor_.bytes, sizeof(a.cursor_)) == 0);
  }
  friend bool operator!=(const const_iterator& a, const const_iterator& b) { return !(a == b); }

 private:
  friend class HeaderView;
  bool array_mode() const { return view_ == nullptr || view_->storage_ == nullptr; }

  const HeaderView* view_ = nullptr;
  const HeaderField* p_ = nullptr;  // array mode
  HeaderCursor cursor_{};           // source mode: the position after current_
  HeaderField current_;
  bool at_end_ = true;
};

inline HeaderView::const_iterator HeaderView::begin() const {
  const_iterator it;
  it.view_ = this;
  if (storage_ == nullptr) {
    it.p_ = data_;
  } else {
    begin_(storage_, it.cursor_);
    it.at_end_ = !next_(storage_, it.cursor_, it.current_);
  }
  return it;
}

inline HeaderView::const_iterator HeaderView::end() const {
  const_iterator it;
  it.view_ = this;
  if (storage_ == nullptr) it.p_ = data_ + size_;
  return it;
}

// An owning, order-preserving, multi-valued collection of field lines with
// case-insensitive lookup. Names keep the case they were added with.
//
// Iteration yields `HeaderField` views into the map; they (and `view()`) are
// invalidated by any non-const call and by destruction, moving or assigning
// the map.
//
// Thread-safety: thread-compatible (const methods may be called concurrently,
// e.g. on a cached response shared read-only).
class EDGEKIT_API HeaderMap {
 public:
  using const_iterator = std::vector<HeaderField>::const_iterator;

  // Per-field overhead counted by ByteSize(): 32 bytes, the same accounting
  // as the HPACK dynamic table (RFC 7541 §4.1).
  static constexpr size_t kPerFieldOverhead = 32;

  HeaderMap() = default;
  // Copies every field line of `view`, in order.
  explicit HeaderMap(HeaderView view);
  HeaderMap(const HeaderMap& other);
  HeaderMap(HeaderMap&& other) noexcept;
  HeaderMap& operator=(const HeaderMap& other);
  HeaderMap& operator=(HeaderMap&& other) noexcept;
  ~HeaderMap() = default;

  // Appends a field line (a repeated name adds another line).
  void Add(std::string_view name, std::string_view value);
  // Removes every line named `name`, then appends one line `name: value` (at
  // the end).
  void Set(std::string_view name, std::string_view value);
  // Removes every line named `name`; returns how many were removed.
  size_t Remove(std::string_view name);
  void Clear();

  [[nodiscard]] std::optional<std::string_view> Get(std::string_view name) const {
    return view().Get(name);
  }
  [[nodiscard]] bool Contains(std::string_view name) const { return view().Contains(name); }
  [[nodiscard]] size_t Count(std::string_view name) const { return view().Count(name); }
  [[nodiscard]] std::string GetCombined(std::string_view name) const {
    return view().GetCombined(name);
  }
  template <class Fn>
  void ForEachListMember(std::string_view name, Fn fn) const {
    view().ForEachListMember(name, std::move(fn));
  }

  [[nodiscard]] size_t size() const { return fields_.size(); }
  [[nodiscard]] bool empty() const { return fields_.empty(); }
  [[nodiscard]] const_iterator begin() const { return fields_.begin(); }
  [[nodiscard]] const_iterator end() const { return fields_.end(); }
  [[nodiscard]] const HeaderField& operator[](size_t i) const { return fields_[i]; }
  [[nodiscard]] absl::Span<const HeaderField> fields() const { return fields_; }
  [[nodiscard]] HeaderView view() const { return HeaderView(absl::MakeConstSpan(fields_)); }

  // Sum over field lines of name.size() + value.size() + kPerFieldOverhead:
  // a deterministic, platform-independent size for cache byte budgets.
  [[nodiscard]] size_t ByteSize() const { return byte_size_; }

 private:
  struct Entry {
    std::string name;
    std::string value;
  };
  void Reindex();

  std::vector<Entry> entries_;
  std::vector<HeaderField> fields_;  // views into entries_, same order
  size_t byte_size_ = 0;
};

}  // namespace http
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_HTTP_HEADER_MAP_H_
