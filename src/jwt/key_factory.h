// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key_factory.h (private to src/jwt)
// -----------------------------------------------------------------------------
// Turning key material into checked, ready-to-verify `Key`s: RSA size,
// exponent and ROCA checks, EC curve and point checks, EdDSA key types, HMAC
// secret lengths. Failures come back as a `Rejection` (a skip reason plus a
// sentence) so that JWKS members can be skipped and single keys refused.

#ifndef EDGEKIT_SRC_JWT_KEY_FACTORY_H_
#define EDGEKIT_SRC_JWT_KEY_FACTORY_H_

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "edgekit/base/config.h"
#include "edgekit/jwt/algorithm.h"
#include "edgekit/jwt/key_set.h"
#include "jwt/internal.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

// Why a key could not be loaded: a skip reason for a JWKS member, an
// InvalidArgument message for the host's own keys.
struct Rejection {
  jwt::KeySkipReason reason = jwt::KeySkipReason::kMalformed;
  std::string detail;
};

// Fills `why` (and clears OpenSSL's error queue); returns null.
std::unique_ptr<Key> Reject(Rejection* why, jwt::KeySkipReason reason, std::string detail);

enum class Family { kHmac, kRsa, kPss, kEcdsa, kEdDsa };
Family FamilyOf(jwt::Algorithm a);
bool IsRsaFamily(jwt::Algorithm a);
inline uint32_t Bit(jwt::Algorithm a) { return 1u << static_cast<unsigned>(a); }

// An ECDSA curve as JWK and OpenSSL name it, with its group order.
struct CurveInfo {
  const char* jwk_crv;
  const char* group_name;
  int nid;
  size_t coord_len;
  jwt::Algorithm alg;
  std::array<uint8_t, 66> order{};
};
// nullptr for curves edgekit does not verify with.
const CurveInfo* CurveForJwk(std::string_view crv);

// RSA public key from big-endian n and e (nullptr if OpenSSL refuses).
EVP_PKEY* MakeRsaPkey(const std::string& n, const std::string& e);
// EC public key from affine coordinates (nullptr if not a point on `curve`).
EVP_PKEY* MakeEcPkey(const CurveInfo& curve, const std::string& x, const std::string& y);

// Checks that `pkey` suits every algorithm in `mask` (one family) and
// prepares its verification contexts. Takes ownership of `pkey`.
std::unique_ptr<Key> FinishKey(std::string_view kid, EVP_PKEY* pkey, uint32_t mask, Rejection* why);
// An HMAC key bound to `alg` (HS256/384/512), secret at least the hash size.
std::unique_ptr<Key> MakeHmacKey(std::string_view kid, std::string_view secret, jwt::Algorithm alg,
                                 Rejection* why);

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_JWT_KEY_FACTORY_H_
