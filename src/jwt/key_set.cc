// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// KeySet / KeySetBuilder: JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), JWKS
// (RFC 7517 §5), PEM SubjectPublicKeyInfo and X.509 certificates, HMAC
// secrets. Every key is checked and turned into OpenSSL objects here, once.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "edgekit/jwt/key_set.h"
#include "jwt/internal.h"
#include "jwt/key_factory.h"
#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {
namespace {

using jwt::Algorithm;
using jwt::KeySkipReason;

constexpr size_t kMaxJwkBytes = 64 * 1024;
constexpr size_t kMaxPemBytes = 64 * 1024;
constexpr size_t kMaxKidBytes = 1024;
constexpr size_t kMaxJwksBytes = 16 * 1024 * 1024;
constexpr size_t kMaxJwksKeys = 4096;

// The members of a JWK edgekit reads (after unescaping).
struct JwkFields {
  std::string kty, kid, alg, use, crv, n, e, x, y, k;
  bool has_alg = false, has_use = false, has_key_ops = false;
  bool key_ops_verify = false;
};

// Reads the members; on a JSON-shape problem fills `why` and returns false
// (`f->kid` is set when it was readable, for the skip report).
bool ReadJwkFields(simdjson::dom::object obj, JwkFields* f, Rejection* why) {
  std::array<std::string_view, 64> names;
  size_t count = 0;
  bool ok = true;
  for (simdjson::dom::key_value_pair field : obj) {
    if (count == names.size()) {
      Reject(why, KeySkipReason::kMalformed, "JWK has more than 64 members");
      return false;
    }
    names[count++] = field.key;
    std::string* target = nullptr;
    const std::string_view name = field.key;
    if (name == "kty") {
      target = &f->kty;
    } else if (name == "kid") {
      target = &f->kid;
    } else if (name == "alg") {
      target = &f->alg, f->has_alg = true;
    } else if (name == "use") {
      target = &f->use, f->has_use = true;
    } else if (name == "crv") {
      target = &f->crv;
    } else if (name == "n") {
      target = &f->n;
    } else if (name == "e") {
      target = &f->e;
    } else if (name == "x") {
      target = &f->x;
    } else if (name == "y") {
      target = &f->y;
    } else if (name == "k") {
      target = &f->k;
    }
    if (target != nullptr) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        if (ok) {
          Reject(why, KeySkipReason::kMalformed,
                 absl::StrCat("JWK member \"", AbslView(name), "\" must be a string"));
        }
        ok = false;
        continue;
      }
      target->assign(value.data(), value.size());
    } else if (name == "key_ops") {
      simdjson::dom::array ops;
      if (field.value.get_array().get(ops) != simdjson::SUCCESS) {
        if (ok) Reject(why, KeySkipReason::kMalformed, "JWK key_ops must be an array");
        ok = false;
        continue;
      }
      f->has_key_ops = true;
      for (simdjson::dom::element op : ops) {
        std::string_view s;
        if (op.get_string().get(s) != simdjson::SUCCESS) {
          if (ok) Reject(why, KeySkipReason::kMalformed, "JWK key_ops must hold strings");
          ok = false;
          break;
        }
        if (s == "verify") f->key_ops_verify = true;
      }
    }
  }
  if (!ok) return false;
  std::sort(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count));
  if (std::adjacent_find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(count)) !=
      names.begin() + static_cast<std::ptrdiff_t>(count)) {
    Reject(why, KeySkipReason::kMalformed, "JWK has duplicate member names");
    return false;
  }
  if (f->kid.size() > kMaxKidBytes) {
    Reject(why, KeySkipReason::kTooLarge, "JWK kid longer than 1 KiB");
    return false;
  }
  return true;
}

bool DecodeMember(const std::string& b64, std::string_view name, std::string* out, Rejection* why) {
  if (b64.empty() || !DecodeBase64Url(b64, out)) {
    Reject(why, KeySkipReason::kMalformed,
           absl::StrCat("JWK member \"", AbslView(name), "\" is not strict unpadded base64url"));
    return false;
  }
  return true;
}

// A JWK as a key. `host_alg`: the host's binding (single JWKs); `jwks`: the
// set's options (JWKS members), null for a single JWK. On failure returns
// null and fills `why`; `kid` receives the member's kid when readable.
std::unique_ptr<Key> KeyFromJwk(simdjson::dom::element element, std::optional<Algorithm> host_alg,
                                const jwt::JwksOptions* jwks, std::string* kid, Rejection* why) {
  simdjson::dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) {
    return Reject(why, KeySkipReason::kMalformed, "a JWK must be a JSON object");
  }
  JwkFields f;
  const bool fields_ok = ReadJwkFields(obj, &f, why);
  *kid = f.kid.substr(0, kMaxKidBytes);
  if (!fields_ok) return nullptr;
  if (f.kty.empty()) return Reject(why, KeySkipReason::kMalformed, "JWK without kty");
  // RFC 7517 §4.2 / §4.3: keys not meant for signature verification.
  if ((f.has_use && f.use != "sig") || (f.has_key_ops && !f.key_ops_verify)) {
    return Reject(why, KeySkipReason::kNotForSignature,
                  "JWK is not for signature verification (use / key_ops)");
  }
  const bool rsa = f.kty == "RSA", ec = f.kty == "EC", okp = f.kty == "OKP", oct = f.kty == "oct";
  if (!rsa && !ec && !okp && !oct) {
    return Reject(why, KeySkipReason::kUnsupportedKeyType,
                  absl::StrCat("unsupported JWK kty \"", f.kty.substr(0, 16), "\""));
  }
  if (oct && jwks != nullptr && !jwks->allow_symmetric_keys) {
    return Reject(why, KeySkipReason::kSymmetricKey,
                  "oct (HMAC secret) member in a JWKS without allow_symmetric_keys");
  }
  std::optional<Algorithm> alg;
  if (f.has_alg) {
    alg = jwt::AlgorithmFromName(f.alg);
    if (!alg) {
      return Reject(why, KeySkipReason::kUnsupportedAlgorithm,
                    absl::StrCat("unsupported JWK alg \"", f.alg.substr(0, 32), "\""));
    }
  }
  if (host_alg) {
    if (alg && *alg != *host_alg) {
      return Reject(why, KeySkipReason::kAlgorithmMismatch,
                    absl::StrCat("JWK alg ", f.alg, " differs from the configured ",
                                 AbslView(jwt::AlgorithmName(*host_alg))));
    }
    alg = host_alg;
  }
  std::string a, b;
  if (oct) {
    if (!alg && jwks != nullptr) alg = jwks->hmac_algorithm;
    if (!alg) {
      return Reject(why, KeySkipReason::kNoAlgorithm,
                    "oct JWK needs an explicit alg (HS256/384/512)");
    }
    if (FamilyOf(*alg) != Family::kHmac) {
      return Reject(why, KeySkipReason::kAlgorithmMismatch, "oct JWK bound to a non-HMAC alg");
    }
    if (!DecodeMember(f.k, "k", &a, why)) return nullptr;
    return MakeHmacKey(f.kid, a, *alg, why);
  }
  if (rsa) {
    uint32_t mask = 0;
    if (alg) {
      if (!IsRsaFamily(*alg)) {
        return Reject(why, KeySkipReason::kAlgorithmMismatch, "RSA JWK bound to a non-RSA alg");
      }
      mask = Bit(*alg);
    } else if (jwks != nullptr) {
      for (Algorithm r : jwks->rsa_algorithms) mask |= Bit(r);
    } else {
      return Reject(why, KeySkipReason::kNoAlgorithm, "RSA JWK needs an explicit alg (RS* or PS*)");
    }
    if (!DecodeMember(f.n, "n", &a, why) || !DecodeMember(f.e, "e", &b, why)) return nullptr;
    if (a.size() > 2048) {
      return Reject(why, KeySkipReason::kTooLarge, "RSA modulus too large (> 16384 bits)");
    }
    if (a[0] == '\0' || b[0] == '\0') {
      return Reject(why, KeySkipReason::kMalformed,
                    "RSA n and e must be minimal big-endian (RFC 7518 §6.3.1)");
    }
    return FinishKey(f.kid, MakeRsaPkey(a, b), mask, why);
  }
  if (ec) {
    const CurveInfo* curve = CurveForJwk(f.crv);
    if (curve == nullptr) {
      return Reject(why, KeySkipReason::kUnsupportedCurve,
                    absl::StrCat("unsupported EC crv \"", f.crv.substr(0, 16), "\""));
    }
    if (!alg) alg = curve->alg;
    if (*alg != curve->alg) {
      return Reject(why, KeySkipReason::kAlgorithmMismatch,
                    absl::StrCat("EC ", f.crv, " key cannot be bound to ",
                                 AbslView(jwt::AlgorithmName(*alg))));
    }
    if (!DecodeMember(f.x, "x", &a, why) || !DecodeMember(f.y, "y", &b, why)) return nullptr;
    if (a.size() != curve->coord_len || b.size() != curve->coord_len) {
      return Reject(why, KeySkipReason::kInvalidKey,
                    "EC x and y must be exactly the curve's size (RFC 7518 §6.2.1.2)");
    }
    EVP_PKEY* pkey = MakeEcPkey(*curve, a, b);
    if (pkey == nullptr) {
      return Reject(why, KeySkipReason::kInvalidKey,
                    "EC public key is not a valid point on its curve");
    }
    return FinishKey(f.kid, pkey, Bit(*alg), why);
  }
  // OKP (RFC 8037 §2).
  int type = 0;
  size_t len = 0;
  if (f.crv == "Ed25519") {
    type = EVP_PKEY_ED25519;
    len = 32;
  } else if (f.crv == "Ed448") {
    type = EVP_PKEY_ED448;
    len = 57;
  } else {
    return Reject(why, KeySkipReason::kUnsupportedCurve,
                  absl::StrCat("unsupported OKP crv \"", f.crv.substr(0, 16), "\""));
  }
  if (!alg) alg = Algorithm::kEdDSA;
  if (*alg != Algorithm::kEdDSA) {
    return Reject(why, KeySkipReason::kAlgorithmMismatch, "OKP key bound to a non-EdDSA alg");
  }
  if (!DecodeMember(f.x, "x", &a, why)) return nullptr;
  if (a.size() != len) {
    return Reject(why, KeySkipReason::kInvalidKey, "OKP x has the wrong length (RFC 8037 §2)");
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      type, nullptr, reinterpret_cast<const unsigned char*>(a.data()), a.size());
  return FinishKey(f.kid, pkey, Bit(*alg), why);
}

absl::Status ToStatus(const Rejection& why) { return absl::InvalidArgumentError(why.detail); }

// Adds the host's own key, refusing a taken kid.
absl::Status AddOne(KeySetImpl* impl, std::unique_ptr<Key> key, const Rejection& why) {
  if (key == nullptr) return ToStatus(why);
  if (impl->by_kid.contains(key->kid)) {
    return absl::InvalidArgumentError(absl::StrCat("duplicate kid \"", key->kid, "\""));
  }
  impl->by_kid.emplace(key->kid, key.get());
  impl->keys.push_back(std::move(key));
  return absl::OkStatus();
}

absl::Status ValidateJwksOptions(const jwt::JwksOptions& o) {
  if (o.rsa_algorithms.empty()) {
    return absl::InvalidArgumentError("JwksOptions::rsa_algorithms must not be empty");
  }
  for (Algorithm a : o.rsa_algorithms) {
    if (static_cast<size_t>(a) >= jwt::kAlgorithmCount || !IsRsaFamily(a)) {
      return absl::InvalidArgumentError(
          "JwksOptions::rsa_algorithms may hold only RS256..RS512 and PS256..PS512");
    }
  }
  if (o.hmac_algorithm && (static_cast<size_t>(*o.hmac_algorithm) >= jwt::kAlgorithmCount ||
                           FamilyOf(*o.hmac_algorithm) != Family::kHmac)) {
    return absl::InvalidArgumentError("JwksOptions::hmac_algorithm must be HS256, HS384 or HS512");
  }
  if (o.max_bytes < 2 || o.max_bytes > kMaxJwksBytes) {
    return absl::InvalidArgumentError("JwksOptions::max_bytes must be in [2, 16 MiB]");
  }
  if (o.max_keys < 1 || o.max_keys > kMaxJwksKeys) {
    return absl::InvalidArgumentError("JwksOptions::max_keys must be in [1, 4096]");
  }
  return absl::OkStatus();
}

constexpr std::array<std::string_view, jwt::kKeySkipReasonCount> kSkipReasonNames = {
    "not_for_signature",     "unsupported_key_type",
    "unsupported_algorithm", "unsupported_curve",
    "symmetric_key",         "no_algorithm",
    "algorithm_mismatch",    "malformed",
    "invalid_key",           "weak_key",
    "roca_vulnerable",       "too_large",
    "duplicate_kid",
};

}  // namespace
}  // namespace jwt_internal

namespace jwt {

using jwt_internal::Key;
using jwt_internal::KeySetImpl;
using jwt_internal::Rejection;

std::string_view ToString(KeySkipReason reason) {
  const auto i = static_cast<size_t>(reason);
  return i < jwt_internal::kSkipReasonNames.size() ? jwt_internal::kSkipReasonNames[i]
                                                   : std::string_view("unknown");
}

KeySet::KeySet(std::unique_ptr<KeySetImpl> impl) : impl_(std::move(impl)) {}
KeySet::~KeySet() = default;
size_t KeySet::size() const { return impl_->keys.size(); }
const std::vector<KeySkipped>& KeySet::skipped() const { return impl_->skipped; }
bool KeySet::Contains(std::string_view kid) const { return impl_->by_kid.contains(AbslView(kid)); }
std::vector<Algorithm> KeySet::AlgorithmsOf(std::string_view kid) const {
  std::vector<Algorithm> out;
  auto it = impl_->by_kid.find(AbslView(kid));
  if (it == impl_->by_kid.end()) return out;
  for (size_t i = 0; i < kAlgorithmCount; ++i) {
    if (it->second->Allows(static_cast<Algorithm>(i))) out.push_back(static_cast<Algorithm>(i));
  }
  return out;
}
std::vector<std::string> KeySet::Kids() const {
  std::vector<std::string> out;
  for (const auto& k : impl_->keys) out.push_back(k->kid);
  std::sort(out.begin(), out.end());
  return out;
}

KeySetBuilder::KeySetBuilder() : impl_(std::make_unique<KeySetImpl>()) {}
KeySetBuilder::~KeySetBuilder() = default;
KeySetBuilder::KeySetBuilder(KeySetBuilder&&) noexcept = default;
KeySetBuilder& KeySetBuilder::operator=(KeySetBuilder&&) noexcept = default;
size_t KeySetBuilder::size() const { return impl_ ? impl_->keys.size() : 0; }
const std::vector<KeySkipped>& KeySetBuilder::skipped() const {
  static const std::vector<KeySkipped>* const kNone = new std::vector<KeySkipped>();
  return impl_ ? impl_->skipped : *kNone;
}

absl::Status KeySetBuilder::AddJwk(std::string_view jwk_json, std::optional<Algorithm> alg) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (jwk_json.size() > jwt_internal::kMaxJwkBytes) {
    return absl::InvalidArgumentError("JWK larger than 64 KiB");
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string json(jwk_json);
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("JWK is not valid JSON");
  }
  std::string kid;
  Rejection why;
  std::unique_ptr<Key> key = jwt_internal::KeyFromJwk(root, alg, nullptr, &kid, &why);
  return jwt_internal::AddOne(impl_.get(), std::move(key), why);
}

absl::Status KeySetBuilder::AddJwks(std::string_view jwks_json, const JwksOptions& options) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (absl::Status s = jwt_internal::ValidateJwksOptions(options); !s.ok()) return s;
  if (jwks_json.size() > options.max_bytes) {
    return absl::InvalidArgumentError("JWKS larger than JwksOptions::max_bytes");
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string json(jwks_json);
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("JWKS is not valid JSON");
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("a JWKS must be a JSON object");
  }
  std::vector<std::string_view> names;
  simdjson::dom::array key_array;
  bool has_keys = false;
  for (simdjson::dom::key_value_pair field : obj) {
    names.push_back(field.key);
    if (field.key == "keys") {
      if (field.value.get_array().get(key_array) != simdjson::SUCCESS) {
        return absl::InvalidArgumentError("JWKS \"keys\" must be an array");
      }
      has_keys = true;
    }
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return absl::InvalidArgumentError("JWKS has duplicate member names");
  }
  if (!has_keys) return absl::InvalidArgumentError("JWKS without \"keys\"");
  if (key_array.size() > options.max_keys) {
    return absl::InvalidArgumentError("JWKS has more keys than JwksOptions::max_keys");
  }
  std::vector<std::unique_ptr<Key>> keys;
  absl::flat_hash_set<std::string_view> kids;  // views into `keys`' kids
  std::vector<KeySkipped> skipped;
  size_t index = 0;
  for (simdjson::dom::element element : key_array) {
    std::string kid;
    Rejection why;
    std::unique_ptr<Key> key =
        jwt_internal::KeyFromJwk(element, std::nullopt, &options, &kid, &why);
    if (key != nullptr) {
      const bool taken = impl_->by_kid.contains(key->kid) || kids.contains(key->kid);
      if (!taken) {
        kids.insert(key->kid);
        keys.push_back(std::move(key));
        ++index;
        continue;
      }
      why = {KeySkipReason::kDuplicateKid, "an earlier key already has this kid"};
    }
    skipped.push_back(KeySkipped{index, std::move(kid), why.reason, std::move(why.detail)});
    ++index;
  }
  if (keys.empty()) {
    std::string message =
        absl::StrCat("JWKS has no usable signature key (", skipped.size(), " member(s) skipped");
    for (size_t i = 0; i < skipped.size() && i < 8; ++i) {
      absl::StrAppend(&message, i == 0 ? ": " : "; ", "#", skipped[i].index, " ",
                      AbslView(ToString(skipped[i].reason)));
    }
    return absl::InvalidArgumentError(absl::StrCat(message, ")"));
  }
  for (auto& k : keys) {
    impl_->by_kid.emplace(k->kid, k.get());
    impl_->keys.push_back(std::move(k));
  }
  for (KeySkipped& s : skipped) impl_->skipped.push_back(std::move(s));
  return absl::OkStatus();
}

absl::Status KeySetBuilder::AddPublicKeyPem(std::string_view kid, std::string_view pem,
                                            Algorithm alg) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (pem.size() > jwt_internal::kMaxPemBytes) return absl::InvalidArgumentError("PEM too large");
  if (kid.size() > jwt_internal::kMaxKidBytes) return absl::InvalidArgumentError("kid too long");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  auto no_password = [](char*, int, int, void*) -> int { return 0; };
  EVP_PKEY* pkey = nullptr;
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    X509* cert = PEM_read_bio_X509(bio, nullptr, no_password, nullptr);
    if (cert != nullptr) {
      pkey = X509_get_pubkey(cert);
      X509_free(cert);
    }
  } else if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos) {
    pkey = PEM_read_bio_PUBKEY(bio, nullptr, no_password, nullptr);
  }
  BIO_free(bio);
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM PUBLIC KEY (SubjectPublicKeyInfo) or CERTIFICATE");
  }
  Rejection why;
  std::unique_ptr<Key> key = jwt_internal::FinishKey(kid, pkey, jwt_internal::Bit(alg), &why);
  return jwt_internal::AddOne(impl_.get(), std::move(key), why);
}

absl::Status KeySetBuilder::AddHmacSecret(std::string_view kid, std::string_view secret,
                                          Algorithm alg) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (kid.size() > jwt_internal::kMaxKidBytes) return absl::InvalidArgumentError("kid too long");
  Rejection why;
  std::unique_ptr<Key> key = jwt_internal::MakeHmacKey(kid, secret, alg, &why);
  return jwt_internal::AddOne(impl_.get(), std::move(key), why);
}

std::shared_ptr<const KeySet> KeySetBuilder::Build() {
  auto impl = impl_ ? std::move(impl_) : std::make_unique<KeySetImpl>();
  impl_ = std::make_unique<KeySetImpl>();
  return std::shared_ptr<const KeySet>(new KeySet(std::move(impl)));
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
