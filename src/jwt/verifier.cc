// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Verifier: strict JWS compact parsing (RFC 7515 §3.1, §5.2, §7.1), header
// checks (§4.1), signature verification over prepared keys, JWT claim checks
// (RFC 7519 §4.1, §7.2). The hot path reuses per-thread scratch buffers and
// simdjson parsers, so rejections never allocate.

#include "edgekit/jwt/verifier.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "jwt/internal.h"
#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {

constexpr size_t kMaxHeaderMembers = 64;
constexpr size_t kMaxClaims = 256;
constexpr size_t kMaxRequiredClaims = 64;

struct Scratch {
  simdjson::dom::parser header_parser;
  simdjson::dom::parser payload_parser;
  std::string header;
  std::string payload;
  std::string signature;
};

Scratch& GetScratch() {
  // Sized once for the default limits, so later tokens never reallocate
  // (verifiers configured with larger limits grow them on demand).
  thread_local Scratch scratch = [] {
    Scratch s;
    s.header.reserve(4096 + simdjson::SIMDJSON_PADDING);
    s.payload.reserve(16384 + simdjson::SIMDJSON_PADDING);
    s.signature.reserve(1024);
    return s;
  }();
  return scratch;
}

// Makes room for simdjson's read-ahead padding past the decoded bytes.
void Pad(std::string* s) {
  if (s->capacity() < s->size() + simdjson::SIMDJSON_PADDING) {
    s->reserve(s->size() + simdjson::SIMDJSON_PADDING);
  }
}

bool IsRegisteredHeader(std::string_view name) {
  // RFC 7515 §4.1 and RFC 7516 §4.1 / RFC 7518 §4.6-4.8 header names: never
  // allowed in crit (RFC 7515 §4.1.11).
  static constexpr std::array<std::string_view, 20> kNames = {
      "alg",  "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
      "crit", "enc", "zip", "epk", "apu", "apv", "iv",  "tag",      "p2s", "p2c"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

template <size_t N>
bool HasDuplicates(std::array<std::string_view, N>& names, size_t count) {
  if (count <= 16) {
    for (size_t i = 1; i < count; ++i) {
      for (size_t j = 0; j < i; ++j) {
        const std::string_view a = names[i], b = names[j];
        // Cheap rejections first: most claim names are 3 bytes long.
        if (a.size() != b.size() || (!a.empty() && (a[0] != b[0] || a.back() != b.back()))) {
          continue;
        }
        if (a == b) return true;
      }
    }
    return false;
  }
  std::sort(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count));
  return std::adjacent_find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count)) !=
         names.begin() + static_cast<std::ptrdiff_t>(count);
}

bool TypeMatches(std::string_view typ, std::string_view expected) {
  // RFC 7515 §4.1.9: media types are case-insensitive and "application/" may be omitted.
  if (absl::EqualsIgnoreCase(AbslView(typ), AbslView(expected))) return true;
  constexpr std::string_view kApp = "application/";
  if (typ.size() > kApp.size() && absl::StartsWithIgnoreCase(AbslView(typ), AbslView(kApp))) {
    return absl::EqualsIgnoreCase(AbslView(typ.substr(kApp.size())), AbslView(expected));
  }
  if (expected.size() > kApp.size() &&
      absl::StartsWithIgnoreCase(AbslView(expected), AbslView(kApp))) {
    return absl::EqualsIgnoreCase(AbslView(typ), AbslView(expected.substr(kApp.size())));
  }
  return false;
}

// name == lit for a short literal, without a libc call.
template <size_t N>
inline bool Is(std::string_view name, const char (&lit)[N]) {
  if (name.size() != N - 1) return false;
  for (size_t i = 0; i + 1 < N; ++i) {
    if (name[i] != lit[i]) return false;
  }
  return true;
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

}  // namespace

// What the signature stage hands to the claims stage.
struct Verifier::Checked {
  Algorithm alg = Algorithm::kHS256;
  std::string_view kid;
  std::string_view typ;
  std::string_view payload_b64;
};

absl::StatusOr<std::unique_ptr<Verifier>> Verifier::Create(VerifierOptions options,
                                                           std::shared_ptr<const KeySet> key_set) {
  if (options.allowed_algorithms.empty()) {
    return absl::InvalidArgumentError("allowed_algorithms must not be empty");
  }
  if (options.leeway < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leeway must not be negative");
  }
  if (options.max_token_age && *options.max_token_age < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("max_token_age must not be negative");
  }
  if (options.max_token_bytes == 0 || options.max_header_bytes == 0) {
    return absl::InvalidArgumentError("size limits must be positive");
  }
  if (options.required_claims.size() > kMaxRequiredClaims) {
    return absl::InvalidArgumentError("at most 64 required claims");
  }
  if (options.clock == nullptr) return absl::InvalidArgumentError("clock must not be null");
  if (key_set == nullptr) return absl::InvalidArgumentError("key_set must not be null");
  return std::unique_ptr<Verifier>(new Verifier(std::move(options), std::move(key_set)));
}

Verifier::Verifier(VerifierOptions options, std::shared_ptr<const KeySet> key_set)
    : options_(std::move(options)),
      key_set_(std::move(key_set)),
      next_refresh_ns_(std::numeric_limits<int64_t>::min()) {
  for (Algorithm a : options_.allowed_algorithms) allowed_mask_ |= 1u << static_cast<unsigned>(a);
}

Verifier::~Verifier() = default;

void Verifier::SetKeySet(std::shared_ptr<const KeySet> key_set) {
  if (key_set == nullptr) return;
  std::shared_ptr<const KeySet> old;
  {
    MutexLock lock(&mu_);
    old = std::exchange(key_set_, std::move(key_set));
  }
  // `old` is released outside the lock.
}

std::shared_ptr<const KeySet> Verifier::key_set() const {
  MutexLock lock(&mu_);
  return key_set_;
}

Verifier::Stats Verifier::stats() const {
  Stats s;
  for (size_t i = 0; i < kVerdictCount; ++i) {
    s.by_verdict[i] = counts_[i].load(std::memory_order_relaxed);
  }
  s.refresh_suggestions = refresh_suggestions_.load(std::memory_order_relaxed);
  return s;
}

bool Verifier::SuggestRefresh(absl::Time now) const {
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t interval = absl::ToInt64Nanoseconds(options_.refresh_interval);
  const int64_t step = std::max<int64_t>(interval, 0);
  const auto due = [now_ns, step](int64_t next) {
    if (now_ns >= next) return true;
    // The wall clock went back to more than one interval before the last
    // suggestion (next - step): suggest again rather than stay silent.
    if (next == std::numeric_limits<int64_t>::min() ||
        next < std::numeric_limits<int64_t>::min() + step) {
      return false;
    }
    const int64_t last = next - step;
    return now_ns<last&& static_cast<uint64_t>(last) -
                  static_cast<uint64_t>(now_ns)> static_cast<uint64_t>(step);
  };
  int64_t next = next_refresh_ns_.load(std::memory_order_relaxed);
  while (due(next)) {
    if (next_refresh_ns_.compare_exchange_weak(
            next, SaturatingAdd(now_ns, std::max<int64_t>(interval, 0)),
            std::memory_order_relaxed)) {
      refresh_suggestions_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

Verdict Verifier::CheckSignature(std::string_view token, absl::Time now, Checked* out,
                                 bool* refresh_suggested) const {
  if (token.size() > options_.max_token_bytes) return Verdict::kOversized;
  // RFC 7515 §7.1: BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature).
  const size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Verdict::kMalformed;
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return Verdict::kMalformed;
  if (token.find('.', dot2 + 1) != std::string_view::npos) return Verdict::kMalformed;
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view sig_b64 = token.substr(dot2 + 1);
  if (header_b64.size() > options_.max_header_bytes) return Verdict::kOversized;
  if (header_b64.empty()) return Verdict::kMalformed;
  // Stray bytes anywhere make the token malformed, before any key work (the
  // signature segment is checked when it is decoded, the header right below).
  if (!jwt_internal::IsStrictBase64Url(payload_b64)) return Verdict::kMalformed;

  Scratch& scratch = GetScratch();
  if (!jwt_internal::DecodeBase64Url(header_b64, &scratch.header)) return Verdict::kMalformed;
  Pad(&scratch.header);
  simdjson::dom::element root;
  if (scratch.header_parser
          .parse(reinterpret_cast<const uint8_t*>(scratch.header.data()), scratch.header.size(),
                 false)
          .get(root) != simdjson::SUCCESS) {
    return Verdict::kMalformed;
  }
  simdjson::dom::object header;
  if (root.get_object().get(header) != simdjson::SUCCESS) return Verdict::kMalformed;

  std::array<std::string_view, kMaxHeaderMembers> names;
  size_t count = 0;
  std::string_view alg_name, kid, typ;
  bool has_alg = false, has_kid = false, has_typ = false, embedded = false;
  simdjson::dom::element crit;
  bool has_crit = false;
  for (simdjson::dom::key_value_pair field : header) {
    if (count == names.size()) return Verdict::kMalformed;
    const std::string_view name = field.key;
    names[count++] = name;
    if (Is(name, "alg")) {
      if (field.value.get_string().get(alg_name) != simdjson::SUCCESS) return Verdict::kMalformed;
      has_alg = true;
    } else if (Is(name, "kid")) {
      if (field.value.get_string().get(kid) != simdjson::SUCCESS) return Verdict::kMalformed;
      has_kid = true;
    } else if (Is(name, "typ")) {
      if (field.value.get_string().get(typ) != simdjson::SUCCESS) return Verdict::kMalformed;
      has_typ = true;
    } else if (Is(name, "crit")) {
      crit = field.value;
      has_crit = true;
    } else if (Is(name, "jwk") || Is(name, "jku") || Is(name, "x5u") || Is(name, "x5c")) {
      embedded = true;  // RFC 8725 §3.10: never trusted to find a key.
    }
  }
  if (HasDuplicates(names, count)) return Verdict::kMalformed;  // RFC 7515 §5.2 step 4
  if (!has_alg) return Verdict::kUnsupportedAlgorithm;
  const std::optional<Algorithm> alg = AlgorithmFromName(alg_name);
  if (!alg) return Verdict::kUnsupportedAlgorithm;  // includes "none" in every case
  if ((allowed_mask_ & (1u << static_cast<unsigned>(*alg))) == 0) {
    return Verdict::kAlgorithmNotAllowed;
  }
  if (has_crit) {
    // RFC 7515 §4.1.11.
    simdjson::dom::array list;
    if (crit.get_array().get(list) != simdjson::SUCCESS || list.size() == 0) {
      return Verdict::kMalformed;
    }
    std::array<std::string_view, kMaxHeaderMembers> crit_names;
    size_t crit_count = 0;
    bool unsupported = false;
    for (simdjson::dom::element e : list) {
      std::string_view ext;
      if (crit_count == crit_names.size() || e.get_string().get(ext) != simdjson::SUCCESS ||
          IsRegisteredHeader(ext) ||
          std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count), ext) ==
              names.begin() + static_cast<std::ptrdiff_t>(count)) {
        return Verdict::kMalformed;
      }
      crit_names[crit_count++] = ext;
      if (std::find(options_.understood_crit.begin(), options_.understood_crit.end(), ext) ==
          options_.understood_crit.end()) {
        unsupported = true;
      }
    }
    if (HasDuplicates(crit_names, crit_count)) return Verdict::kMalformed;
    if (unsupported) return Verdict::kUnsupportedCrit;
  }
  if (embedded && options_.reject_embedded_keys) return Verdict::kEmbeddedKey;
  if (!options_.expected_type.empty() && (!has_typ || !TypeMatches(typ, options_.expected_type))) {
    return Verdict::kBadType;
  }

  std::shared_ptr<const KeySet> set;
  {
    MutexLock lock(&mu_);
    set = key_set_;
  }
  const auto& by_kid = set->impl().by_kid;
  const auto it = by_kid.find(AbslView(has_kid ? kid : std::string_view()));
  if (it == by_kid.end()) {
    *refresh_suggested = SuggestRefresh(now);
    return Verdict::kUnknownKey;
  }
  const jwt_internal::Key& key = *it->second;
  if (key.alg != *alg) return Verdict::kKeyAlgorithmMismatch;
  if (sig_b64.empty()) return Verdict::kBadSignature;
  if (!jwt_internal::DecodeBase64Url(sig_b64, &scratch.signature)) return Verdict::kMalformed;
  if (!jwt_internal::VerifySignature(key, token.substr(0, dot2), scratch.signature)) {
    return Verdict::kBadSignature;
  }
  out->alg = *alg;
  out->kid = kid;
  out->typ = typ;
  out->payload_b64 = payload_b64;
  return Verdict::kOk;
}

JwsResult Verifier::VerifyJws(std::string_view token, absl::Time now) const {
  JwsResult result;
  Checked checked;
  result.verdict = CheckSignature(token, now, &checked, &result.refresh_suggested);
  if (result.verdict == Verdict::kOk &&
      !jwt_internal::DecodeValidatedBase64Url(checked.payload_b64, &result.payload)) {
    result.verdict = Verdict::kMalformed;
    result.payload.clear();
  }
  Count(result.verdict);
  return result;
}

VerifyResult Verifier::Verify(std::string_view token, absl::Time now) const {
  VerifyResult result;
  Checked checked;
  result.verdict = CheckSignature(token, now, &checked, &result.refresh_suggested);
  if (result.verdict == Verdict::kOk) {
    Token& t = result.token.emplace();
    result.verdict = CheckClaims(checked, now, &t);
    if (result.verdict != Verdict::kOk) result.token.reset();
  }
  Count(result.verdict);
  return result;
}

Verdict Verifier::CheckClaims(const Checked& checked, absl::Time now, Token* token) const {
  Scratch& scratch = GetScratch();
  if (checked.payload_b64.empty() ||
      !jwt_internal::DecodeValidatedBase64Url(checked.payload_b64, &scratch.payload)) {
    return Verdict::kMalformed;
  }
  Pad(&scratch.payload);
  simdjson::dom::element root;
  if (scratch.payload_parser
          .parse(reinterpret_cast<const uint8_t*>(scratch.payload.data()), scratch.payload.size(),
                 false)
          .get(root) != simdjson::SUCCESS) {
    return Verdict::kMalformed;
  }
  simdjson::dom::object claims;
  if (root.get_object().get(claims) != simdjson::SUCCESS) return Verdict::kMalformed;

  std::array<std::string_view, kMaxClaims> names;
  size_t count = 0;
  uint64_t required_seen = 0;
  const auto& required = options_.required_claims;
  simdjson::dom::element exp, nbf, iat, iss, sub, jti, aud;
  bool has_exp = false, has_nbf = false, has_iat = false, has_iss = false, has_sub = false,
       has_jti = false, has_aud = false;
  for (simdjson::dom::key_value_pair field : claims) {
    if (count == names.size()) return Verdict::kMalformed;
    const std::string_view name = field.key;
    names[count++] = name;
    for (size_t i = 0; i < required.size(); ++i) {
      if (required[i] == name) required_seen |= uint64_t{1} << i;
    }
    if (name.size() == 3) {
      if (Is(name, "exp"))
        exp = field.value, has_exp = true;
      else if (Is(name, "nbf"))
        nbf = field.value, has_nbf = true;
      else if (Is(name, "iat"))
        iat = field.value, has_iat = true;
      else if (Is(name, "iss"))
        iss = field.value, has_iss = true;
      else if (Is(name, "sub"))
        sub = field.value, has_sub = true;
      else if (Is(name, "jti"))
        jti = field.value, has_jti = true;
      else if (Is(name, "aud"))
        aud = field.value, has_aud = true;
    }
  }
  if (HasDuplicates(names, count)) return Verdict::kMalformed;  // RFC 7519 §4

  // Types (RFC 7519 §4.1): NumericDate is a JSON number; iss/sub/jti strings.
  double exp_s = 0, nbf_s = 0, iat_s = 0;
  std::string_view iss_v, sub_v, jti_v;
  if ((has_exp && (!exp.is_number() || exp.get_double().get(exp_s) != simdjson::SUCCESS)) ||
      (has_nbf && (!nbf.is_number() || nbf.get_double().get(nbf_s) != simdjson::SUCCESS)) ||
      (has_iat && (!iat.is_number() || iat.get_double().get(iat_s) != simdjson::SUCCESS)) ||
      (has_iss && iss.get_string().get(iss_v) != simdjson::SUCCESS) ||
      (has_sub && sub.get_string().get(sub_v) != simdjson::SUCCESS) ||
      (has_jti && jti.get_string().get(jti_v) != simdjson::SUCCESS)) {
    return Verdict::kMalformedClaim;
  }
  simdjson::dom::array aud_list;
  std::string_view aud_single;
  bool aud_is_array = false;
  if (has_aud) {
    if (aud.get_array().get(aud_list) == simdjson::SUCCESS) {
      aud_is_array = true;
      for (simdjson::dom::element e : aud_list) {
        if (!e.is_string()) return Verdict::kMalformedClaim;
      }
    } else if (aud.get_string().get(aud_single) != simdjson::SUCCESS) {
      return Verdict::kMalformedClaim;
    }
  }

  const double now_s = static_cast<double>(absl::ToUnixNanos(now)) * 1e-9;
  const double leeway_s = absl::ToDoubleSeconds(options_.leeway);
  if (!has_exp) {
    if (options_.require_exp) return Verdict::kMissingClaim;
  } else if (now_s >= exp_s + leeway_s) {
    return Verdict::kExpired;  // RFC 7519 §4.1.4
  }
  if (has_nbf && now_s + leeway_s < nbf_s) return Verdict::kNotYetValid;  // §4.1.5
  if (options_.max_token_age) {
    if (!has_iat) return Verdict::kMissingClaim;
    if (iat_s > now_s + leeway_s) return Verdict::kNotYetValid;
    if (now_s - iat_s > absl::ToDoubleSeconds(*options_.max_token_age) + leeway_s) {
      return Verdict::kTooOld;
    }
  }
  if (!options_.allowed_issuers.empty()) {
    if (!has_iss) return Verdict::kMissingClaim;
    if (std::find(options_.allowed_issuers.begin(), options_.allowed_issuers.end(), iss_v) ==
        options_.allowed_issuers.end()) {
      return Verdict::kIssuer;
    }
  }
  if (!options_.audiences.empty()) {
    if (!has_aud) return Verdict::kMissingClaim;
    const auto accepted = [this](std::string_view a) {
      return std::find(options_.audiences.begin(), options_.audiences.end(), a) !=
             options_.audiences.end();
    };
    bool match = false;
    if (aud_is_array) {
      for (simdjson::dom::element e : aud_list) {
        std::string_view a;
        if (e.get_string().get(a) == simdjson::SUCCESS && accepted(a)) {
          match = true;
          break;
        }
      }
    } else {
      match = accepted(aud_single);
    }
    if (!match) return Verdict::kAudience;  // RFC 7519 §4.1.3
  }
  if (!required.empty() &&
      required_seen !=
          (required.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << required.size()) - 1)) {
    return Verdict::kMissingClaim;
  }
  if (options_.revocations != nullptr && has_jti && options_.revocations->IsRevoked(jti_v, now)) {
    return Verdict::kRevoked;
  }

  // One buffer: payload, then the unescaped strings the accessors return.
  const size_t total = scratch.payload.size() + checked.kid.size() + checked.typ.size() +
                       iss_v.size() + sub_v.size() + jti_v.size();
  if (total > std::numeric_limits<uint32_t>::max() / 2) return Verdict::kOversized;
  std::string& data = token->data_;
  data.reserve(total + simdjson::SIMDJSON_PADDING);
  data.assign(scratch.payload.data(), scratch.payload.size());
  token->payload_len_ = scratch.payload.size();
  const auto put = [&data](std::string_view v, bool present) {
    Token::Piece p;
    p.offset = static_cast<uint32_t>(data.size());
    p.size = static_cast<uint32_t>(v.size());
    p.present = present;
    data.append(v.data(), v.size());
    return p;
  };
  token->alg_ = checked.alg;
  token->kid_ = put(checked.kid, true);
  token->typ_ = put(checked.typ, true);
  token->iss_ = put(iss_v, has_iss);
  token->sub_ = put(sub_v, has_sub);
  token->jti_ = put(jti_v, has_jti);
  if (has_exp) token->exp_ = exp_s;
  if (has_nbf) token->nbf_ = nbf_s;
  if (has_iat) token->iat_ = iat_s;
  return Verdict::kOk;
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
