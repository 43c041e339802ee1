// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: internal.h (private to src/jwt)
// -----------------------------------------------------------------------------
// OpenSSL-backed key objects and the strict base64url codec shared by the
// jwt sources. Never installed; public headers do not include it.

#ifndef EDGEKIT_SRC_JWT_INTERNAL_H_
#define EDGEKIT_SRC_JWT_INTERNAL_H_

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "edgekit/base/config.h"
#include "edgekit/base/string_view.h"
#include "edgekit/jwt/algorithm.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

// One verification key, bound to one algorithm, with its OpenSSL objects
// prepared at load time. Immutable after construction; OpenSSL objects are
// only read (EVP_PKEY shared across threads; the MAC context is duplicated
// per verification).
struct Key {
  Key() = default;
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
  ~Key();

  std::string kid;
  jwt::Algorithm alg = jwt::Algorithm::kHS256;
  EVP_PKEY* pkey = nullptr;               // RSA / EC / Ed keys
  EVP_MAC_CTX* mac = nullptr;             // HMAC: initialised with the secret
  EVP_MD_CTX* verify_template = nullptr;  // asymmetric: DigestVerifyInit done (PSS set)
  const EVP_MD* md = nullptr;             // digest (not owned: fetched once, static)
  size_t sig_len = 0;              // exact JWS signature length (0: RSA, checked against modulus)
  size_t coord_len = 0;            // ES*: bytes per coordinate / per r and s
  const uint8_t* order = nullptr;  // ES*: big-endian group order n (coord_len bytes)
};

struct KeySetImpl {
  std::vector<std::unique_ptr<Key>> keys;
  absl::flat_hash_map<std::string, const Key*> by_kid;
  size_t skipped = 0;
};

// Digest for an algorithm (nullptr for EdDSA). Fetched once, process-wide.
const EVP_MD* DigestFor(jwt::Algorithm alg);

// Strict unpadded base64url (RFC 4648 §5): alphabet A-Z a-z 0-9 - _ only,
// length % 4 != 1, unused trailing bits zero (canonical, RFC 4648 §3.5).
bool IsStrictBase64Url(std::string_view in);
// Validates as above, then decodes into `out` (its capacity is reused).
bool DecodeBase64Url(std::string_view in, std::string* out);
// Decodes input that already passed IsStrictBase64Url.
bool DecodeValidatedBase64Url(std::string_view in, std::string* out);

// Prepares `key->verify_template` (asymmetric keys). False on OpenSSL failure.
bool PrepareVerifyTemplate(Key* key);

// Verifies `sig` over `input` with `key`; never allocates on the failure
// path beyond OpenSSL's own context.
bool VerifySignature(const Key& key, std::string_view input, std::string_view sig);

// ECDSA: raw r‖s (2*coord_len bytes) → DER ECDSA-Sig-Value. Returns the DER
// length or 0 when r or s is 0 or ≥ n. `der` must hold 2*coord_len + 12 bytes.
size_t EcdsaRawToDer(const Key& key, const uint8_t* raw, uint8_t* der);

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_SRC_JWT_INTERNAL_H_
