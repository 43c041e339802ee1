// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Verifier: strict JWS compact parsing (RFC 7515 §3.1, §5.2, §7.1), header
// checks (§4.1), signature verification over prepared keys, JWT claim checks
// (RFC 7519 §4.1, §7.2), and the claim index a Token keeps. The hot path
// reuses per-thread scratch buffers and simdjson parsers, so rejections never
// allocate, and reads the key set through a per-thread cache checked against
// a generation counter, so it takes no lock.

#include "edgekit/jwt/verifier.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "jwt/internal.h"
#include "jwt/jose.h"
#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {

constexpr size_t kMaxClaims = 256;
constexpr size_t kMaxListEntries = 64;  // issuers, audiences, required claims
constexpr size_t kMaxListEntryBytes = 1024;
constexpr size_t kMaxTypeBytes = 256;
constexpr size_t kMinTokenBytes = 64;
constexpr size_t kMaxTokenBytes = 1024 * 1024;
constexpr size_t kMinHeaderBytes = 16;

std::atomic<uint64_t> g_next_verifier_id{1};

// Per-thread buffers; the arrays are never zeroed per call.
struct Scratch {
  simdjson::dom::parser header_parser;
  simdjson::dom::parser payload_parser;
  std::string header;
  std::string payload;
  std::string signature;
  // The header segment this thread parsed last and what it said: tokens
  // signed by one key usually share their header byte for byte.
  std::string last_header_b64;
  jwt_internal::HeaderFacts last_header;
  // The key that header's kid selected, for (verifier, key set generation).
  uint64_t key_memo_verifier = 0;
  uint64_t key_memo_generation = 0;
  const jwt_internal::Key* key_memo = nullptr;
  std::array<std::string_view, kMaxClaims> claim_names;
  std::array<simdjson::dom::element, kMaxClaims> claim_values;
};

Scratch& GetScratch() {
  // Sized once for the default limits, so later tokens never reallocate
  // (verifiers configured with larger limits grow them on demand).
  thread_local Scratch scratch = [] {
    Scratch s;
    s.header.reserve(4096 + simdjson::SIMDJSON_PADDING);
    s.payload.reserve(16384 + simdjson::SIMDJSON_PADDING);
    s.signature.reserve(1024);
    // The header memo holds at most a default-sized header segment and the
    // kid and typ its decoded bytes can carry.
    s.last_header_b64.reserve(4096);
    s.last_header.kid.reserve(3072);
    s.last_header.typ.reserve(3072);
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

// The key set each thread used last, per verifier (4 verifiers per thread).
struct KeySetCache {
  struct Entry {
    uint64_t verifier_id = 0;
    uint64_t generation = 0;
    std::shared_ptr<const KeySet> set;
  };
  std::array<Entry, 4> entries;
  size_t next = 0;
};

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  return a + b;
}

absl::Status CheckList(const std::vector<std::string>& list, std::string_view field) {
  if (list.size() > kMaxListEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), " must have at most 64 entries"));
  }
  for (const std::string& s : list) {
    if (s.empty() || s.size() > kMaxListEntryBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(AbslView(field), " entries must be 1..1024 bytes long"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const VerifierOptions& o) {
  using absl::InvalidArgumentError;
  if (o.allowed_algorithms.empty() || o.allowed_algorithms.size() > kAlgorithmCount) {
    return InvalidArgumentError("allowed_algorithms must hold 1..13 algorithms");
  }
  for (Algorithm a : o.allowed_algorithms) {
    if (static_cast<size_t>(a) >= kAlgorithmCount) {
      return InvalidArgumentError("allowed_algorithms holds an unknown algorithm");
    }
  }
  if (o.allowed_issuers.empty() && !o.accept_any_issuer) {
    return InvalidArgumentError(
        "allowed_issuers must not be empty (set accept_any_issuer to accept every issuer)");
  }
  if (!o.allowed_issuers.empty() && o.accept_any_issuer) {
    return InvalidArgumentError("accept_any_issuer contradicts a non-empty allowed_issuers");
  }
  if (o.audiences.empty() && !o.accept_any_audience) {
    return InvalidArgumentError(
        "audiences must not be empty (set accept_any_audience to accept every audience)");
  }
  if (!o.audiences.empty() && o.accept_any_audience) {
    return InvalidArgumentError("accept_any_audience contradicts a non-empty audiences");
  }
  if (absl::Status s = CheckList(o.allowed_issuers, "allowed_issuers"); !s.ok()) return s;
  if (absl::Status s = CheckList(o.audiences, "audiences"); !s.ok()) return s;
  if (absl::Status s = CheckList(o.required_claims, "required_claims"); !s.ok()) return s;
  if (o.expected_type.size() > kMaxTypeBytes) {
    return InvalidArgumentError("expected_type must be at most 256 bytes");
  }
  if (!o.understood_crit.empty()) {
    return InvalidArgumentError(absl::StrCat(
        "understood_crit: \"", o.understood_crit.front().substr(0, 64),
        "\" is not an extension edgekit implements (it implements none; RFC 7797 b64 is refused)"));
  }
  if (o.leeway < absl::ZeroDuration() || o.leeway > absl::Minutes(5)) {
    return InvalidArgumentError("leeway must be in [0, 5m]");
  }
  if (o.max_token_age &&
      (*o.max_token_age < absl::Seconds(1) || *o.max_token_age > absl::Hours(24 * 366))) {
    return InvalidArgumentError("max_token_age must be in [1s, 366 days]");
  }
  if (o.max_token_bytes < kMinTokenBytes || o.max_token_bytes > kMaxTokenBytes) {
    return InvalidArgumentError("max_token_bytes must be in [64, 1 MiB]");
  }
  if (o.max_header_bytes < kMinHeaderBytes || o.max_header_bytes > o.max_token_bytes) {
    return InvalidArgumentError("max_header_bytes must be in [16, max_token_bytes]");
  }
  if (o.refresh_interval < absl::Seconds(1) || o.refresh_interval > absl::Hours(24)) {
    return InvalidArgumentError("refresh_interval must be in [1s, 24h]");
  }
  return absl::OkStatus();
}

}  // namespace

// What the signature stage hands to the claims stage.
struct Verifier::Checked {
  Algorithm alg = Algorithm::kHS256;
  std::string_view kid;
  std::string_view typ;
  std::string_view payload;  // decoded (the thread's scratch buffer)
  bool refresh_suggested = false;
};

absl::StatusOr<std::unique_ptr<Verifier>> Verifier::Create(VerifierOptions options,
                                                           std::shared_ptr<const KeySet> key_set,
                                                           Clock& clock) {
  if (absl::Status s = ValidateOptions(options); !s.ok()) return s;
  if (key_set == nullptr) return absl::InvalidArgumentError("key_set must not be null");
  std::unique_ptr<Verifier> v(new Verifier(std::move(options), key_set, clock));
  v->AnnounceKeySet(*key_set);
  return v;
}

Verifier::Verifier(VerifierOptions options, std::shared_ptr<const KeySet> key_set, Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      id_(g_next_verifier_id.fetch_add(1, std::memory_order_relaxed)),
      key_set_(std::move(key_set)),
      next_refresh_ns_(std::numeric_limits<int64_t>::min()) {
  for (Algorithm a : options_.allowed_algorithms) allowed_mask_ |= 1u << static_cast<unsigned>(a);
  leeway_seconds_ = absl::ToDoubleSeconds(options_.leeway);
  if (options_.max_token_age) max_age_seconds_ = absl::ToDoubleSeconds(*options_.max_token_age);
}

Verifier::~Verifier() = default;

void Verifier::AnnounceKeySet(const KeySet& set) const {
  if (options_.observer == nullptr) return;
  options_.observer->OnKeySetInstalled(KeySetInstalled{set.size(), set.skipped().size()});
  for (const KeySkipped& k : set.skipped()) options_.observer->OnKeySkipped(k);
}

void Verifier::SetKeySet(std::shared_ptr<const KeySet> key_set) {
  if (key_set == nullptr) return;
  const std::shared_ptr<const KeySet> installed = key_set;
  {
    MutexLock lock(&mu_);
    key_set_.swap(key_set);
    generation_.fetch_add(1, std::memory_order_release);
  }
  swaps_.fetch_add(1, std::memory_order_relaxed);
  // The old set (now in `key_set`) is released outside the lock.
  AnnounceKeySet(*installed);
}

std::shared_ptr<const KeySet> Verifier::key_set() const {
  MutexLock lock(&mu_);
  return key_set_;
}

const KeySet& Verifier::CurrentKeySet(uint64_t* generation_out) const {
  thread_local KeySetCache cache;
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  KeySetCache::Entry* entry = nullptr;
  for (KeySetCache::Entry& e : cache.entries) {
    if (e.verifier_id == id_) {
      *generation_out = e.generation;
      if (e.generation == generation) return *e.set;
      entry = &e;
      break;
    }
  }
  if (entry == nullptr) {
    entry = &cache.entries[cache.next];
    cache.next = (cache.next + 1) % cache.entries.size();
  }
  std::shared_ptr<const KeySet> fresh;
  uint64_t fresh_generation = 0;
  {
    MutexLock lock(&mu_);
    fresh = key_set_;
    fresh_generation = generation_.load(std::memory_order_relaxed);
  }
  // The entry's previous set may be the last reference: released here, after the lock.
  entry->set.swap(fresh);
  entry->verifier_id = id_;
  entry->generation = fresh_generation;
  *generation_out = fresh_generation;
  return *entry->set;
}

VerifierCounters Verifier::counters() const {
  VerifierCounters c;
  for (size_t i = 0; i < kVerdictCount; ++i) {
    c.by_verdict[i] = counts_[i].load(std::memory_order_relaxed);
  }
  c.refresh_suggestions = refresh_suggestions_.load(std::memory_order_relaxed);
  c.key_set_swaps = swaps_.load(std::memory_order_relaxed);
  return c;
}

void Verifier::VisitMetrics(MetricsVisitor& visitor) const {
  const VerifierCounters c = counters();
  const std::shared_ptr<const KeySet> set = key_set();
  for (size_t i = 0; i < kVerdictCount; ++i) {
    const MetricLabel label{"verdict", ToString(static_cast<Verdict>(i))};
    VisitSample(visitor, "edgekit_jwt_verifications_total", "Token verifications by verdict",
                MetricType::kCounter, static_cast<double>(c.by_verdict[i]),
                absl::MakeConstSpan(&label, 1));
  }
  VisitSample(visitor, "edgekit_jwt_refresh_suggestions_total",
              "Unknown-kid refetch suggestions handed to the host", MetricType::kCounter,
              static_cast<double>(c.refresh_suggestions));
  VisitSample(visitor, "edgekit_jwt_key_set_swaps_total", "Key sets installed by SetKeySet",
              MetricType::kCounter, static_cast<double>(c.key_set_swaps));
  VisitSample(visitor, "edgekit_jwt_keys", "Usable keys in the current key set", MetricType::kGauge,
              static_cast<double>(set->size()));
  VisitSample(visitor, "edgekit_jwt_skipped_keys",
              "JWKS members skipped when the current key set was built", MetricType::kGauge,
              static_cast<double>(set->skipped().size()));
}

bool Verifier::SuggestRefresh(absl::Time now) const {
  const int64_t now_ns = absl::ToUnixNanos(now);
  const int64_t step = absl::ToInt64Nanoseconds(options_.refresh_interval);  // > 0
  const auto due = [now_ns, step](int64_t next) {
    if (now_ns >= next) return true;
    // The wall clock went back to more than one interval before the last
    // suggestion (next - step): suggest again rather than stay silent.
    if (next < std::numeric_limits<int64_t>::min() + step) return false;
    const int64_t last = next - step;
    if (now_ns >= last) return false;
    const uint64_t back = static_cast<uint64_t>(last) - static_cast<uint64_t>(now_ns);
    return back > static_cast<uint64_t>(step);
  };
  int64_t next = next_refresh_ns_.load(std::memory_order_relaxed);
  while (due(next)) {
    if (next_refresh_ns_.compare_exchange_weak(next, SaturatingAdd(now_ns, step),
                                               std::memory_order_relaxed)) {
      refresh_suggestions_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

void Verifier::Report(const Checked& checked, absl::Time now) const {
  if (checked.refresh_suggested && options_.observer != nullptr) {
    options_.observer->OnRefreshSuggested(RefreshSuggested{checked.kid, now});
  }
}

Verdict Verifier::CheckSignature(std::string_view token, absl::Time now, Checked* out) const {
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
  // A malformed header or payload makes the token malformed before any other
  // verdict and any key work (the signature segment is checked when it is
  // decoded).
  Scratch& scratch = GetScratch();
  const jwt_internal::HeaderFacts& h = scratch.last_header;
  if (header_b64 != scratch.last_header_b64) {
    scratch.last_header_b64.clear();  // no stale facts if this header is malformed
    scratch.key_memo_verifier = 0;
    if (!jwt_internal::DecodeBase64Url(header_b64, &scratch.header)) return Verdict::kMalformed;
    Pad(&scratch.header);
    if (!jwt_internal::ParseHeader(scratch.header_parser, scratch.header, &scratch.last_header)) {
      return Verdict::kMalformed;
    }
    scratch.last_header_b64.assign(header_b64.data(), header_b64.size());
  }
  if (!jwt_internal::DecodeBase64Url(payload_b64, &scratch.payload)) return Verdict::kMalformed;
  Pad(&scratch.payload);
  if (!h.has_alg || !h.alg) return Verdict::kUnsupportedAlgorithm;  // "none" in every case too
  const Algorithm alg = *h.alg;
  if ((allowed_mask_ & (1u << static_cast<unsigned>(alg))) == 0) {
    return Verdict::kAlgorithmNotAllowed;
  }
  // RFC 7515 §4.1.11: edgekit implements no extension (understood_crit is
  // empty, see ValidateOptions), so a valid crit is unsupported.
  if (h.crit == jwt_internal::CritState::kMalformed) return Verdict::kMalformed;
  if (h.crit == jwt_internal::CritState::kValid) return Verdict::kUnsupportedCrit;
  // RFC 7797 §6: "b64" must be listed in crit when used; without crit a
  // verifier that ignored it would read a b64:false payload as base64url.
  if (h.has_b64) return Verdict::kMalformed;
  if (h.embedded_key && options_.reject_embedded_keys) return Verdict::kEmbeddedKey;
  if (!options_.expected_type.empty() &&
      (!h.has_typ || !jwt_internal::TypeMatches(h.typ, options_.expected_type))) {
    return Verdict::kBadType;
  }
  const std::string_view kid = h.kid;

  // (verifier id, generation) names one key set instance: ids are never
  // reused and generations only grow, so a memo for them cannot dangle
  // while this thread's key set cache holds that set.
  uint64_t generation = 0;
  const KeySet& set = CurrentKeySet(&generation);
  if (scratch.key_memo_verifier != id_ || scratch.key_memo_generation != generation) {
    const auto& by_kid = set.impl_->by_kid;
    const auto it = by_kid.find(AbslView(kid));
    if (it == by_kid.end()) {
      out->kid = kid;
      out->refresh_suggested = SuggestRefresh(now);
      return Verdict::kUnknownKey;
    }
    scratch.key_memo = it->second;
    scratch.key_memo_verifier = id_;
    scratch.key_memo_generation = generation;
  }
  const jwt_internal::Key& key = *scratch.key_memo;
  if (!key.Allows(alg)) return Verdict::kKeyAlgorithmMismatch;
  if (sig_b64.empty()) return Verdict::kBadSignature;
  if (!jwt_internal::DecodeBase64Url(sig_b64, &scratch.signature)) return Verdict::kMalformed;
  if (!jwt_internal::VerifySignature(key, alg, token.substr(0, dot2), scratch.signature)) {
    return Verdict::kBadSignature;
  }
  out->alg = alg;
  out->kid = kid;
  out->typ = h.typ;
  out->payload = scratch.payload;
  return Verdict::kOk;
}

JwsResult Verifier::VerifyJws(std::string_view token, absl::Time now) const {
  JwsResult result;
  Checked checked;
  result.verdict = CheckSignature(token, now, &checked);
  if (result.verdict == Verdict::kOk) result.payload.assign(checked.payload);
  result.refresh_suggested = checked.refresh_suggested;
  Count(result.verdict);
  Report(checked, now);
  return result;
}

VerifyResult Verifier::Verify(std::string_view token, absl::Time now) const {
  VerifyResult result;
  Checked checked;
  result.verdict = CheckSignature(token, now, &checked);
  if (result.verdict == Verdict::kOk) result.verdict = CheckClaims(checked, now, &result.token);
  result.refresh_suggested = checked.refresh_suggested;
  Count(result.verdict);
  Report(checked, now);
  return result;
}

Verdict Verifier::CheckClaims(const Checked& checked, absl::Time now,
                              std::optional<Token>* token) const {
  Scratch& scratch = GetScratch();
  if (checked.payload.empty()) return Verdict::kMalformed;
  simdjson::dom::element root;
  if (scratch.payload_parser
          .parse(reinterpret_cast<const uint8_t*>(scratch.payload.data()), scratch.payload.size(),
                 false)
          .get(root) != simdjson::SUCCESS) {
    return Verdict::kMalformed;
  }
  simdjson::dom::object claims;
  if (root.get_object().get(claims) != simdjson::SUCCESS) return Verdict::kMalformed;

  auto& names = scratch.claim_names;
  auto& values = scratch.claim_values;
  size_t count = 0;
  uint64_t required_seen = 0;
  const auto& required = options_.required_claims;
  simdjson::dom::element exp, nbf, iat, iss, sub, jti, aud;
  bool has_exp = false, has_nbf = false, has_iat = false, has_iss = false, has_sub = false,
       has_jti = false, has_aud = false;
  for (simdjson::dom::key_value_pair field : claims) {
    if (count == names.size()) return Verdict::kMalformed;
    const std::string_view name = field.key;
    names[count] = name;
    values[count] = field.value;
    ++count;
    for (size_t i = 0; i < required.size(); ++i) {
      if (required[i] == name) required_seen |= uint64_t{1} << i;
    }
    if (name.size() == 3) {
      if (jwt_internal::Is(name, "exp"))
        exp = field.value, has_exp = true;
      else if (jwt_internal::Is(name, "nbf"))
        nbf = field.value, has_nbf = true;
      else if (jwt_internal::Is(name, "iat"))
        iat = field.value, has_iat = true;
      else if (jwt_internal::Is(name, "iss"))
        iss = field.value, has_iss = true;
      else if (jwt_internal::Is(name, "sub"))
        sub = field.value, has_sub = true;
      else if (jwt_internal::Is(name, "jti"))
        jti = field.value, has_jti = true;
      else if (jwt_internal::Is(name, "aud"))
        aud = field.value, has_aud = true;
    }
  }
  if (jwt_internal::HasDuplicateNames(names.data(), count)) return Verdict::kMalformed;  // §4

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
  const double leeway_s = leeway_seconds_;
  if (!has_exp) {
    if (options_.require_exp) return Verdict::kMissingClaim;
  } else if (now_s >= exp_s + leeway_s) {
    return Verdict::kExpired;  // RFC 7519 §4.1.4
  }
  if (has_nbf && now_s + leeway_s < nbf_s) return Verdict::kNotYetValid;  // §4.1.5
  if (options_.max_token_age) {
    if (!has_iat) return Verdict::kMissingClaim;
    if (iat_s > now_s + leeway_s) return Verdict::kNotYetValid;
    if (now_s - iat_s > max_age_seconds_ + leeway_s) {
      return Verdict::kTooOld;
    }
  }
  if (!options_.accept_any_issuer) {
    if (!has_iss) return Verdict::kMissingClaim;
    if (std::find(options_.allowed_issuers.begin(), options_.allowed_issuers.end(), iss_v) ==
        options_.allowed_issuers.end()) {
      return Verdict::kIssuer;
    }
  }
  if (!options_.accept_any_audience) {
    // RFC 7519 §4.1.3: the token must name this verifier in aud.
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
    if (!match) return Verdict::kAudience;
  }
  if (!required.empty() &&
      required_seen !=
          (required.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << required.size()) - 1)) {
    return Verdict::kMissingClaim;
  }
  if (options_.revocations != nullptr && has_jti && options_.revocations->IsRevoked(jti_v, now)) {
    return Verdict::kRevoked;
  }

  if (!jwt_internal::TokenBuilder::Build(
          checked.alg, checked.kid, checked.typ, scratch.payload, names.data(), values.data(),
          count, has_exp ? std::optional<double>(exp_s) : std::nullopt,
          has_nbf ? std::optional<double>(nbf_s) : std::nullopt,
          has_iat ? std::optional<double>(iat_s) : std::nullopt, token)) {
    return Verdict::kOversized;
  }
  return Verdict::kOk;
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
