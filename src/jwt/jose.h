// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: jose.h (private to src/jwt)
// -----------------------------------------------------------------------------
// JOSE header parsing and the helpers the verifier's claim checks share:
// what a header says (independent of any verifier's options), member-name
// duplicate detection, media-type comparison, and the builder that gives a
// verified Token its claim index.

#ifndef EDGEKIT_SRC_JWT_JOSE_H_
#define EDGEKIT_SRC_JWT_JOSE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/token.h"
#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

// name == lit for a short literal, without a libc call.
template <size_t N>
inline bool Is(std::string_view name, const char (&lit)[N]) {
  if (name.size() != N - 1) return false;
  for (size_t i = 0; i + 1 < N; ++i) {
    if (name[i] != lit[i]) return false;
  }
  return true;
}

// True if two of `names` are equal. Does not reorder them; expected O(n) for
// n ≤ 256 (a 256-slot hash bitmap, full comparisons only on collisions).
bool HasDuplicateNames(const std::string_view* names, size_t count);

// RFC 7515 §4.1.9: media types compare case-insensitively, and either side
// may omit the "application/" prefix.
bool TypeMatches(std::string_view typ, std::string_view expected);

enum class CritState : uint8_t { kAbsent, kValid, kMalformed };

// What a JOSE header says, independent of any verifier's options. kid and typ
// are owned, so a thread can keep the facts of the header it saw last.
struct HeaderFacts {
  bool has_alg = false;
  std::optional<jwt::Algorithm> alg;  // nullopt: unknown name or "none"
  bool has_kid = false;
  std::string kid;
  bool has_typ = false;
  std::string typ;
  bool embedded_key = false;  // jwk / jku / x5u / x5c present
  bool has_b64 = false;       // RFC 7797 member present
  // RFC 7515 §4.1.11: a non-empty array of distinct strings naming present,
  // non-registered members is kValid; any other crit is kMalformed.
  CritState crit = CritState::kAbsent;
};

// Parses a decoded header (its buffer has simdjson's padding). False when it
// is not a JSON object, has more than 64 members or duplicate names (RFC
// 7515 §5.2 step 4), or alg/kid/typ are not strings.
bool ParseHeader(simdjson::dom::parser& parser, const std::string& json, HeaderFacts* out);

// Gives a verified Token its bytes and claim index: one allocation.
class TokenBuilder {
 public:
  // `names`/`values`: the payload's top-level members in order. Emplaces the
  // Token in `out`; false (nothing emplaced) when it would exceed the index's
  // 32-bit offsets.
  static bool Build(jwt::Algorithm alg, std::string_view kid, std::string_view typ,
                    std::string_view payload, const std::string_view* names,
                    const simdjson::dom::element* values, size_t count, std::optional<double> exp,
                    std::optional<double> nbf, std::optional<double> iat,
                    std::optional<jwt::Token>* out);
};

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_JWT_JOSE_H_
