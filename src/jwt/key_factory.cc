// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Key material → checked, prepared `Key`s (see key_factory.h).

#include "jwt/key_factory.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

using jwt::Algorithm;
using jwt::KeySkipReason;

std::unique_ptr<Key> Reject(Rejection* why, KeySkipReason reason, std::string detail) {
  ERR_clear_error();
  why->reason = reason;
  why->detail = std::move(detail);
  return nullptr;
}

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

bool IsRsaFamily(Algorithm a) {
  const Family f = FamilyOf(a);
  return f == Family::kRsa || f == Family::kPss;
}

namespace {

std::string AlgNames(uint32_t mask) {
  std::string out;
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    if ((mask & (1u << i)) == 0) continue;
    if (!out.empty()) out += "/";
    out += std::string(jwt::AlgorithmName(static_cast<Algorithm>(i)));
  }
  return out;
}

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
}  // namespace

const CurveInfo* CurveForJwk(std::string_view crv) {
  for (const CurveInfo& c : Curves()) {
    if (crv == c.jwk_crv) return &c;
  }
  return nullptr;
}

namespace {

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

struct Bignum {
  BIGNUM* bn = nullptr;
  ~Bignum() { BN_free(bn); }
};

// RSA checks: size, exponent, ROCA fingerprint.
bool CheckRsa(EVP_PKEY* pkey, Rejection* why) {
  const int bits = EVP_PKEY_get_bits(pkey);
  if (bits < 2048) {
    Reject(why, KeySkipReason::kWeakKey, "RSA keys must have at least 2048 bits (RFC 7518 §3.3)");
    return false;
  }
  if (bits > 16384) {
    Reject(why, KeySkipReason::kTooLarge,
           "RSA keys above 16384 bits are refused (verification cost bound)");
    return false;
  }
  Bignum e, n;
  if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e.bn) != 1 || e.bn == nullptr ||
      EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n.bn) != 1 || n.bn == nullptr) {
    Reject(why, KeySkipReason::kInvalidKey, "RSA key without a modulus or public exponent");
    return false;
  }
  if (!BN_is_odd(e.bn) || BN_num_bits(e.bn) < 2 || BN_num_bits(e.bn) > 64) {
    Reject(why, KeySkipReason::kInvalidKey, "RSA public exponent must be odd, ≥ 3 and < 2^64");
    return false;
  }
  if (HasRocaFingerprint(n.bn)) {
    Reject(why, KeySkipReason::kRocaVulnerable,
           "RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key can be "
           "computed from the public key");
    return false;
  }
  return true;
}

}  // namespace

// Checks that `pkey` suits every algorithm in `mask` (one family) and
// prepares the verification contexts. Takes ownership of `pkey`.
std::unique_ptr<Key> FinishKey(std::string_view kid, EVP_PKEY* pkey, uint32_t mask,
                               Rejection* why) {
  auto key = std::make_unique<Key>();
  key->pkey = pkey;
  key->kid = std::string(kid);
  key->alg_mask = mask;
  if (pkey == nullptr) return Reject(why, KeySkipReason::kInvalidKey, "key could not be loaded");
  if (mask == 0) return Reject(why, KeySkipReason::kNoAlgorithm, "key bound to no algorithm");
  Algorithm first = Algorithm::kHS256;
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    if ((mask & (1u << i)) != 0) {
      first = static_cast<Algorithm>(i);
      break;
    }
  }
  switch (FamilyOf(first)) {
    case Family::kHmac:
      return Reject(why, KeySkipReason::kAlgorithmMismatch,
                    "HMAC algorithms need an HMAC secret, not a public key");
    case Family::kRsa:
    case Family::kPss: {
      const bool rsa = EVP_PKEY_is_a(pkey, "RSA") == 1;
      const bool rsa_pss = EVP_PKEY_is_a(pkey, "RSA-PSS") == 1;
      bool all_pss = true;
      for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
        const auto a = static_cast<Algorithm>(i);
        if ((mask & Bit(a)) == 0) continue;
        if (!IsRsaFamily(a)) {
          return Reject(why, KeySkipReason::kAlgorithmMismatch, "RSA key bound to a non-RSA alg");
        }
        all_pss &= FamilyOf(a) == Family::kPss;
      }
      if (!rsa && !(rsa_pss && all_pss)) {
        return Reject(why, KeySkipReason::kAlgorithmMismatch,
                      absl::StrCat("key is not an RSA key usable with ", AlgNames(mask)));
      }
      if (!CheckRsa(pkey, why)) return nullptr;
      key->sig_len = static_cast<size_t>(EVP_PKEY_get_size(pkey));
      break;
    }
    case Family::kEcdsa: {
      const CurveInfo* curve = CurveForAlg(first);
      char group[64] = {0};
      size_t group_len = 0;
      if (mask != Bit(first) || EVP_PKEY_is_a(pkey, "EC") != 1 ||
          EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &group_len) != 1 ||
          curve == nullptr || std::string_view(group, group_len) != curve->group_name) {
        return Reject(why, KeySkipReason::kAlgorithmMismatch,
                      absl::StrCat("key is not an EC key on the curve of ", AlgNames(mask)));
      }
      PkeyCtx check{EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr)};
      if (check.ctx == nullptr || EVP_PKEY_public_check(check.ctx) != 1) {
        return Reject(why, KeySkipReason::kInvalidKey,
                      "EC public key is not a valid point on its curve");
      }
      key->coord_len = curve->coord_len;
      key->order = curve->order.data();
      key->sig_len = 2 * curve->coord_len;
      break;
    }
    case Family::kEdDsa:
      if (mask != Bit(first)) {
        return Reject(why, KeySkipReason::kAlgorithmMismatch, "OKP key bound to a non-EdDSA alg");
      }
      if (EVP_PKEY_is_a(pkey, "ED25519") == 1) {
        key->sig_len = 64;
      } else if (EVP_PKEY_is_a(pkey, "ED448") == 1) {
        key->sig_len = 114;
      } else {
        return Reject(why, KeySkipReason::kAlgorithmMismatch,
                      "EdDSA needs an Ed25519 or Ed448 key");
      }
      break;
  }
  if (!PrepareVerifyTemplates(key.get())) {
    return Reject(why, KeySkipReason::kInvalidKey,
                  "OpenSSL could not prepare a verification context");
  }
  return key;
}

std::unique_ptr<Key> MakeHmacKey(std::string_view kid, std::string_view secret, Algorithm alg,
                                 Rejection* why) {
  if (FamilyOf(alg) != Family::kHmac) {
    return Reject(
        why, KeySkipReason::kAlgorithmMismatch,
        absl::StrCat("an HMAC secret cannot be bound to ", AbslView(jwt::AlgorithmName(alg))));
  }
  if (secret.size() < HashLen(alg)) {
    return Reject(why, KeySkipReason::kWeakKey,
                  absl::StrCat("HMAC secret for ", AbslView(jwt::AlgorithmName(alg)),
                               " must be at least ", HashLen(alg), " bytes (RFC 7518 §3.2)"));
  }
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) return Reject(why, KeySkipReason::kInvalidKey, "OpenSSL has no HMAC");
  auto key = std::make_unique<Key>();
  key->kid = std::string(kid);
  key->alg_mask = Bit(alg);
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
    return Reject(why, KeySkipReason::kInvalidKey, "HMAC context setup failed");
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

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END
