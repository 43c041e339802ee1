// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// KeySet / KeySetBuilder: JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2), JWKS
// (RFC 7517 §5), PEM SubjectPublicKeyInfo and X.509 certificates, HMAC
// secrets. Every key is checked and turned into OpenSSL objects here, once.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "edgekit/jwt/key_set.h"
#include "jwt/internal.h"
#include "simdjson.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {
namespace {

using jwt::Algorithm;

constexpr size_t kMaxJwkBytes = 64 * 1024;
constexpr size_t kMaxPemBytes = 64 * 1024;
constexpr size_t kMaxKidBytes = 1024;

absl::Status Invalid(std::string_view what) {
  ERR_clear_error();
  return absl::InvalidArgumentError(AbslView(what));
}

enum class Family { kHmac, kRsa, kPss, kEcdsa, kEdDsa };

Family FamilyOf(Algorithm a) {
  switch (a) {
    case Algorithm::kHS256:
    case Algorithm::kHS384:
    case Algorithm::kHS512:
      return Family::kHmac;
    case Algorithm::kRS256:
    case Algorithm::kRS384:
    case Algorithm::kRS512:
      return Family::kRsa;
    case Algorithm::kPS256:
    case Algorithm::kPS384:
    case Algorithm::kPS512:
      return Family::kPss;
    case Algorithm::kES256:
    case Algorithm::kES384:
    case Algorithm::kES512:
      return Family::kEcdsa;
    case Algorithm::kEdDSA:
      return Family::kEdDsa;
  }
  return Family::kHmac;
}

// Group order n of each ECDSA curve, big-endian, computed once from OpenSSL.
struct CurveInfo {
  const char* jwk_crv;
  const char* group_name;
  int nid;
  size_t coord_len;
  Algorithm alg;
  std::array<uint8_t, 66> order{};
};

const std::array<CurveInfo, 3>& Curves() {
  static const std::array<CurveInfo, 3>* const curves = [] {
    auto* c = new std::array<CurveInfo, 3>{{
        {"P-256", "prime256v1", NID_X9_62_prime256v1, 32, Algorithm::kES256, {}},
        {"P-384", "secp384r1", NID_secp384r1, 48, Algorithm::kES384, {}},
        {"P-521", "secp521r1", NID_secp521r1, 66, Algorithm::kES512, {}},
    }};
    for (CurveInfo& info : *c) {
      EC_GROUP* group = EC_GROUP_new_by_curve_name(info.nid);
      if (group != nullptr) {
        BN_bn2binpad(EC_GROUP_get0_order(group), info.order.data(),
                     static_cast<int>(info.coord_len));
        EC_GROUP_free(group);
      }
    }
    return c;
  }();
  return *curves;
}

const CurveInfo* CurveForAlg(Algorithm a) {
  for (const CurveInfo& c : Curves()) {
    if (c.alg == a) return &c;
  }
  return nullptr;
}
const CurveInfo* CurveForJwk(std::string_view crv) {
  for (const CurveInfo& c : Curves()) {
    if (crv == c.jwk_crv) return &c;
  }
  return nullptr;
}

size_t HashLen(Algorithm a) {
  switch (a) {
    case Algorithm::kHS384:
      return 48;
    case Algorithm::kHS512:
      return 64;
    default:
      return 32;
  }
}

struct PkeyCtx {
  EVP_PKEY_CTX* ctx;
  ~PkeyCtx() { EVP_PKEY_CTX_free(ctx); }
};

// Checks that `pkey` suits `alg` and fills in the verification parameters.
// Takes ownership of `pkey` (freed on error).
absl::StatusOr<std::unique_ptr<Key>> FinishKey(std::string_view kid, EVP_PKEY* pkey,
                                               Algorithm alg) {
  auto key = std::make_unique<Key>();
  key->pkey = pkey;
  key->kid = std::string(kid);
  key->alg = alg;
  key->md = DigestFor(alg);
  if (pkey == nullptr) return Invalid("key could not be loaded");
  switch (FamilyOf(alg)) {
    case Family::kHmac:
      return Invalid("HMAC algorithms need an HMAC secret, not a public key");
    case Family::kRsa:
    case Family::kPss: {
      const bool rsa = EVP_PKEY_is_a(pkey, "RSA") == 1;
      const bool rsa_pss = EVP_PKEY_is_a(pkey, "RSA-PSS") == 1;
      if (!rsa && !(rsa_pss && FamilyOf(alg) == Family::kPss)) {
        return Invalid(
            absl::StrCat("key is not an RSA key usable with ", AbslView(jwt::AlgorithmName(alg))));
      }
      if (EVP_PKEY_get_bits(pkey) < 2048) {
        return Invalid("RSA keys must have at least 2048 bits (RFC 7518 §3.3)");
      }
      if (EVP_PKEY_get_bits(pkey) > 16384) {
        return Invalid("RSA keys above 16384 bits are refused (verification cost bound)");
      }
      BIGNUM* e = nullptr;
      if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) != 1 || e == nullptr) {
        return Invalid("RSA key without a public exponent");
      }
      const bool e_ok = BN_is_odd(e) && BN_num_bits(e) >= 2 && BN_num_bits(e) <= 64;
      BN_free(e);
      if (!e_ok) return Invalid("RSA public exponent must be odd, ≥ 3 and < 2^64");
      key->sig_len = static_cast<size_t>(EVP_PKEY_get_size(pkey));
      break;
    }
    case Family::kEcdsa: {
      const CurveInfo* curve = CurveForAlg(alg);
      char group[64] = {0};
      size_t group_len = 0;
      if (EVP_PKEY_is_a(pkey, "EC") != 1 ||
          EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &group_len) != 1 ||
          curve == nullptr || std::string_view(group, group_len) != curve->group_name) {
        return Invalid(absl::StrCat("key is not an EC key on the curve of ",
                                    AbslView(jwt::AlgorithmName(alg)), " (",
                                    curve ? curve->jwk_crv : "?", ")"));
      }
      PkeyCtx check{EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr)};
      if (check.ctx == nullptr || EVP_PKEY_public_check(check.ctx) != 1) {
        return Invalid("EC public key is not a valid point on its curve");
      }
      key->coord_len = curve->coord_len;
      key->order = curve->order.data();
      key->sig_len = 2 * curve->coord_len;
      break;
    }
    case Family::kEdDsa:
      if (EVP_PKEY_is_a(pkey, "ED25519") == 1) {
        key->sig_len = 64;
      } else if (EVP_PKEY_is_a(pkey, "ED448") == 1) {
        key->sig_len = 114;
      } else {
        return Invalid("EdDSA needs an Ed25519 or Ed448 key");
      }
      break;
  }
  if (!PrepareVerifyTemplate(key.get())) {
    return absl::InternalError("OpenSSL could not prepare a verification context");
  }
  return key;
}

absl::StatusOr<std::unique_ptr<Key>> MakeHmacKey(std::string_view kid, std::string_view secret,
                                                 Algorithm alg) {
  if (FamilyOf(alg) != Family::kHmac) {
    return Invalid(
        absl::StrCat("an HMAC secret cannot be bound to ", AbslView(jwt::AlgorithmName(alg))));
  }
  if (secret.size() < HashLen(alg)) {
    return Invalid(absl::StrCat("HMAC secret for ", AbslView(jwt::AlgorithmName(alg)),
                                " must be at least ", HashLen(alg), " bytes (RFC 7518 §3.2)"));
  }
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) return absl::InternalError("OpenSSL has no HMAC");
  auto key = std::make_unique<Key>();
  key->kid = std::string(kid);
  key->alg = alg;
  key->md = DigestFor(alg);
  key->sig_len = HashLen(alg);
  key->mac = EVP_MAC_CTX_new(hmac);
  const char* digest = alg == Algorithm::kHS256   ? "SHA256"
                       : alg == Algorithm::kHS384 ? "SHA384"
                                                  : "SHA512";
  OSSL_PARAM params[2] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (key->mac == nullptr ||
      EVP_MAC_init(key->mac, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1) {
    ERR_clear_error();
    return absl::InternalError("HMAC context setup failed");
  }
  return key;
}

EVP_PKEY* MakeRsaPkey(const std::string& n, const std::string& e) {
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                           static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                           static_cast<int>(e.size()), nullptr);
  EVP_PKEY* pkey = nullptr;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  if (bn_n != nullptr && bn_e != nullptr && bld != nullptr &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr) {
    PkeyCtx ctx{EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)};
    if (ctx.ctx == nullptr || EVP_PKEY_fromdata_init(ctx.ctx) != 1 ||
        EVP_PKEY_fromdata(ctx.ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
      pkey = nullptr;
    }
  }
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return pkey;
}

EVP_PKEY* MakeEcPkey(const CurveInfo& curve, const std::string& x, const std::string& y) {
  std::string point;
  point.reserve(1 + x.size() + y.size());
  point.push_back('\x04');
  point += x;
  point += y;
  OSSL_PARAM params[3] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                       const_cast<char*>(curve.group_name), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* pkey = nullptr;
  PkeyCtx ctx{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
  if (ctx.ctx == nullptr || EVP_PKEY_fromdata_init(ctx.ctx) != 1 ||
      EVP_PKEY_fromdata(ctx.ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    return nullptr;
  }
  return pkey;
}

// The members of a JWK edgekit reads (after unescaping).
struct JwkFields {
  std::string kty, kid, alg, use, crv, n, e, x, y, k;
  bool has_kid = false, has_alg = false, has_use = false, has_key_ops = false;
  bool key_ops_verify = false;
};

absl::Status ReadJwkFields(simdjson::dom::object obj, JwkFields* f) {
  std::vector<std::string_view> names;
  for (simdjson::dom::key_value_pair field : obj) {
    names.push_back(field.key);
    std::string* target = nullptr;
    const std::string_view name = field.key;
    if (name == "kty")
      target = &f->kty;
    else if (name == "kid")
      target = &f->kid, f->has_kid = true;
    else if (name == "alg")
      target = &f->alg, f->has_alg = true;
    else if (name == "use")
      target = &f->use, f->has_use = true;
    else if (name == "crv")
      target = &f->crv;
    else if (name == "n")
      target = &f->n;
    else if (name == "e")
      target = &f->e;
    else if (name == "x")
      target = &f->x;
    else if (name == "y")
      target = &f->y;
    else if (name == "k")
      target = &f->k;
    if (target != nullptr) {
      std::string_view value;
      if (field.value.get_string().get(value) != simdjson::SUCCESS) {
        return Invalid(absl::StrCat("JWK member \"", AbslView(name), "\" must be a string"));
      }
      target->assign(value.data(), value.size());
    } else if (name == "key_ops") {
      simdjson::dom::array ops;
      if (field.value.get_array().get(ops) != simdjson::SUCCESS) {
        return Invalid("JWK key_ops must be an array");
      }
      f->has_key_ops = true;
      for (simdjson::dom::element op : ops) {
        std::string_view s;
        if (op.get_string().get(s) != simdjson::SUCCESS) {
          return Invalid("JWK key_ops must hold strings");
        }
        if (s == "verify") f->key_ops_verify = true;
      }
    }
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return Invalid("JWK has duplicate member names");
  }
  if (f->kid.size() > kMaxKidBytes) return Invalid("JWK kid too long");
  return absl::OkStatus();
}

absl::Status DecodeMember(const std::string& b64, std::string_view name, std::string* out) {
  if (b64.empty() || !DecodeBase64Url(b64, out)) {
    return Invalid(
        absl::StrCat("JWK member \"", AbslView(name), "\" is not strict unpadded base64url"));
  }
  return absl::OkStatus();
}

// A null result (with OK status) means "skip this key" (JWKS only).
absl::StatusOr<std::unique_ptr<Key>> KeyFromJwk(simdjson::dom::element element,
                                                std::optional<Algorithm> host_alg,
                                                const jwt::JwksOptions* jwks) {
  simdjson::dom::object obj;
  if (element.get_object().get(obj) != simdjson::SUCCESS) {
    return Invalid("a JWK must be a JSON object");
  }
  JwkFields f;
  if (absl::Status s = ReadJwkFields(obj, &f); !s.ok()) return s;
  const bool in_set = jwks != nullptr;
  if (f.kty.empty()) return Invalid("JWK without kty");
  // RFC 7517 §4.2 / §4.3: keys not meant for signature verification.
  const bool not_for_sig = (f.has_use && f.use != "sig") || (f.has_key_ops && !f.key_ops_verify);
  if (not_for_sig) {
    if (in_set) return std::unique_ptr<Key>();
    return Invalid("JWK is not for signature verification (use / key_ops)");
  }
  const bool known_kty = f.kty == "RSA" || f.kty == "EC" || f.kty == "OKP" || f.kty == "oct";
  if (!known_kty) {
    if (in_set) return std::unique_ptr<Key>();  // RFC 7517 §5: ignore unknown kty
    return Invalid(absl::StrCat("unsupported JWK kty \"", f.kty, "\""));
  }
  std::optional<Algorithm> alg;
  if (f.has_alg) {
    alg = jwt::AlgorithmFromName(f.alg);
    if (!alg) {
      if (in_set) return std::unique_ptr<Key>();  // e.g. an encryption key ("RSA-OAEP")
      return Invalid(absl::StrCat("unsupported JWK alg \"", f.alg, "\""));
    }
  }
  if (host_alg) {
    if (alg && *alg != *host_alg) {
      return Invalid(absl::StrCat("JWK alg ", f.alg, " differs from the configured ",
                                  AbslView(jwt::AlgorithmName(*host_alg))));
    }
    alg = host_alg;
  }
  std::string a, b;
  if (f.kty == "oct") {
    if (!alg && jwks != nullptr) alg = jwks->hmac_algorithm;
    if (!alg) return Invalid("oct JWK needs an explicit alg (HS256/384/512)");
    if (FamilyOf(*alg) != Family::kHmac) return Invalid("oct JWK bound to a non-HMAC alg");
    if (f.k.empty()) return Invalid("oct JWK with an empty k");
    if (absl::Status s = DecodeMember(f.k, "k", &a); !s.ok()) return s;
    return MakeHmacKey(f.kid, a, *alg);
  }
  if (f.kty == "RSA") {
    if (!alg && jwks != nullptr) alg = jwks->rsa_algorithm;
    if (!alg) return Invalid("RSA JWK needs an explicit alg (RS* or PS*)");
    const Family fam = FamilyOf(*alg);
    if (fam != Family::kRsa && fam != Family::kPss)
      return Invalid("RSA JWK bound to a non-RSA alg");
    if (absl::Status s = DecodeMember(f.n, "n", &a); !s.ok()) return s;
    if (absl::Status s = DecodeMember(f.e, "e", &b); !s.ok()) return s;
    if (a.size() > 2048) return Invalid("RSA modulus too large (> 16384 bits)");
    if (a[0] == '\0' || b[0] == '\0') {
      return Invalid("RSA n and e must be minimal big-endian (RFC 7518 §6.3.1)");
    }
    return FinishKey(f.kid, MakeRsaPkey(a, b), *alg);
  }
  if (f.kty == "EC") {
    const CurveInfo* curve = CurveForJwk(f.crv);
    if (curve == nullptr) return Invalid(absl::StrCat("unsupported EC crv \"", f.crv, "\""));
    if (!alg) alg = curve->alg;
    if (*alg != curve->alg) {
      return Invalid(absl::StrCat("EC ", f.crv, " key cannot be bound to ",
                                  AbslView(jwt::AlgorithmName(*alg))));
    }
    if (absl::Status s = DecodeMember(f.x, "x", &a); !s.ok()) return s;
    if (absl::Status s = DecodeMember(f.y, "y", &b); !s.ok()) return s;
    if (a.size() != curve->coord_len || b.size() != curve->coord_len) {
      return Invalid("EC x and y must be exactly the curve's size (RFC 7518 §6.2.1.2)");
    }
    EVP_PKEY* pkey = MakeEcPkey(*curve, a, b);
    if (pkey == nullptr) return Invalid("EC public key is not a valid point on its curve");
    return FinishKey(f.kid, pkey, *alg);
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
    if (in_set && !f.has_alg) return std::unique_ptr<Key>();  // X25519/X448: key agreement
    return Invalid(absl::StrCat("unsupported OKP crv \"", f.crv, "\""));
  }
  if (!alg) alg = Algorithm::kEdDSA;
  if (*alg != Algorithm::kEdDSA) return Invalid("OKP key bound to a non-EdDSA alg");
  if (absl::Status s = DecodeMember(f.x, "x", &a); !s.ok()) return s;
  if (a.size() != len) return Invalid("OKP x has the wrong length (RFC 8037 §2)");
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      type, nullptr, reinterpret_cast<const unsigned char*>(a.data()), a.size());
  return FinishKey(f.kid, pkey, *alg);
}

// Adds `keys` to `impl` if none of their kids is taken (by `impl` or each other).
absl::Status Commit(KeySetImpl* impl, std::vector<std::unique_ptr<Key>> keys, size_t skipped) {
  std::vector<std::string_view> kids;
  for (const auto& k : keys) kids.push_back(k->kid);
  std::sort(kids.begin(), kids.end());
  const auto dup = std::adjacent_find(kids.begin(), kids.end());
  if (dup != kids.end()) return Invalid(absl::StrCat("duplicate kid \"", AbslView(*dup), "\""));
  for (std::string_view kid : kids) {
    if (impl->by_kid.contains(AbslView(kid)))
      return Invalid(absl::StrCat("duplicate kid \"", AbslView(kid), "\""));
  }
  for (auto& k : keys) {
    impl->by_kid.emplace(k->kid, k.get());
    impl->keys.push_back(std::move(k));
  }
  impl->skipped += skipped;
  return absl::OkStatus();
}

absl::StatusOr<simdjson::dom::element> ParseJson(simdjson::dom::parser& parser,
                                                 const simdjson::padded_string& json) {
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return Invalid("invalid JSON");
  return root;
}

}  // namespace
}  // namespace jwt_internal

namespace jwt {

using jwt_internal::Key;
using jwt_internal::KeySetImpl;

KeySet::KeySet(std::unique_ptr<KeySetImpl> impl) : impl_(std::move(impl)) {}
KeySet::~KeySet() = default;
size_t KeySet::size() const { return impl_->keys.size(); }
size_t KeySet::skipped_keys() const { return impl_->skipped; }
bool KeySet::Contains(std::string_view kid) const { return impl_->by_kid.contains(AbslView(kid)); }
std::optional<Algorithm> KeySet::AlgorithmOf(std::string_view kid) const {
  auto it = impl_->by_kid.find(AbslView(kid));
  if (it == impl_->by_kid.end()) return std::nullopt;
  return it->second->alg;
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

absl::Status KeySetBuilder::AddJwk(std::string_view jwk_json, std::optional<Algorithm> alg) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (jwk_json.size() > jwt_internal::kMaxJwkBytes) {
    return absl::InvalidArgumentError("JWK too large");
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string json(jwk_json);
  absl::StatusOr<simdjson::dom::element> root = jwt_internal::ParseJson(parser, json);
  if (!root.ok()) return root.status();
  absl::StatusOr<std::unique_ptr<Key>> key = jwt_internal::KeyFromJwk(*root, alg, nullptr);
  if (!key.ok()) return key.status();
  std::vector<std::unique_ptr<Key>> keys;
  keys.push_back(std::move(*key));
  return jwt_internal::Commit(impl_.get(), std::move(keys), 0);
}

absl::Status KeySetBuilder::AddJwks(std::string_view jwks_json, const JwksOptions& options) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (jwks_json.size() > options.max_bytes) {
    return absl::InvalidArgumentError("JWKS larger than JwksOptions::max_bytes");
  }
  simdjson::dom::parser parser;
  const simdjson::padded_string json(jwks_json);
  absl::StatusOr<simdjson::dom::element> root = jwt_internal::ParseJson(parser, json);
  if (!root.ok()) return root.status();
  simdjson::dom::object obj;
  if (root->get_object().get(obj) != simdjson::SUCCESS) {
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
  size_t skipped = 0;
  size_t index = 0;
  for (simdjson::dom::element element : key_array) {
    absl::StatusOr<std::unique_ptr<Key>> key =
        jwt_internal::KeyFromJwk(element, std::nullopt, &options);
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("JWKS key #", index, ": ", key.status().message()));
    }
    if (*key == nullptr) {
      ++skipped;
    } else {
      keys.push_back(std::move(*key));
    }
    ++index;
  }
  return jwt_internal::Commit(impl_.get(), std::move(keys), skipped);
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
    return jwt_internal::Invalid("not a PEM PUBLIC KEY (SubjectPublicKeyInfo) or CERTIFICATE");
  }
  absl::StatusOr<std::unique_ptr<Key>> key = jwt_internal::FinishKey(kid, pkey, alg);
  if (!key.ok()) return key.status();
  std::vector<std::unique_ptr<Key>> keys;
  keys.push_back(std::move(*key));
  return jwt_internal::Commit(impl_.get(), std::move(keys), 0);
}

absl::Status KeySetBuilder::AddHmacSecret(std::string_view kid, std::string_view secret,
                                          Algorithm alg) {
  if (!impl_) impl_ = std::make_unique<KeySetImpl>();
  if (kid.size() > jwt_internal::kMaxKidBytes) return absl::InvalidArgumentError("kid too long");
  absl::StatusOr<std::unique_ptr<Key>> key = jwt_internal::MakeHmacKey(kid, secret, alg);
  if (!key.ok()) return key.status();
  std::vector<std::unique_ptr<Key>> keys;
  keys.push_back(std::move(*key));
  return jwt_internal::Commit(impl_.get(), std::move(keys), 0);
}

std::shared_ptr<const KeySet> KeySetBuilder::Build() {
  auto impl = impl_ ? std::move(impl_) : std::make_unique<KeySetImpl>();
  impl_ = std::make_unique<KeySetImpl>();
  return std::shared_ptr<const KeySet>(new KeySet(std::move(impl)));
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
