// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Test-only key generation and signing (see edgekit/testing/jwt_signer.h).

#include "edgekit/testing/jwt_signer.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN
namespace testing {

namespace {

using jwt::Algorithm;

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string BioString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::Status OsslError(std::string_view what) {
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("OpenSSL: ", AbslView(what)));
}

std::string BnParam(EVP_PKEY* pkey, const char* name, int pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return "";
  std::string out(static_cast<size_t>(pad > 0 ? pad : BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return out;
}

// The JWS digest of an algorithm (RFC 7518 §3); nullptr for EdDSA, which
// signs the message itself.
const EVP_MD* DigestOf(Algorithm alg) {
  switch (alg) {
    case Algorithm::kHS256:
    case Algorithm::kRS256:
    case Algorithm::kPS256:
    case Algorithm::kES256:
      return EVP_sha256();
    case Algorithm::kHS384:
    case Algorithm::kRS384:
    case Algorithm::kPS384:
    case Algorithm::kES384:
      return EVP_sha384();
    case Algorithm::kHS512:
    case Algorithm::kRS512:
    case Algorithm::kPS512:
    case Algorithm::kES512:
      return EVP_sha512();
    case Algorithm::kEdDSA:
      return nullptr;
  }
  return nullptr;
}

absl::StatusOr<std::string> SelfSignedCert(EVP_PKEY* pkey, bool eddsa) {
  X509* cert = X509_new();
  if (cert == nullptr) return OsslError("X509_new");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600L * 24 * 365);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("edgekit test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, pkey);
  const bool signed_ok = X509_sign(cert, pkey, eddsa ? nullptr : EVP_sha256()) > 0;
  BioPtr bio(BIO_new(BIO_s_mem()));
  const bool written = signed_ok && PEM_write_bio_X509(bio.get(), cert) == 1;
  X509_free(cert);
  if (!written) return OsslError("certificate");
  return BioString(bio.get());
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(AbslView(bytes), &out);
  return out;
}

absl::StatusOr<TestKey> GenerateTestKey(std::string_view kind) {
  EVP_PKEY* raw = nullptr;
  bool eddsa = false;
  if (kind == "RSA2048" || kind == "RSA1024") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA",
                            static_cast<size_t>(kind == "RSA2048" ? 2048 : 1024));
  } else if (kind == "P-256" || kind == "P-384" || kind == "P-521" || kind == "secp256k1") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(kind).c_str());
  } else if (kind == "Ed25519") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    eddsa = true;
  } else if (kind == "Ed448") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448");
    eddsa = true;
  } else {
    return absl::InvalidArgumentError("unknown key kind");
  }
  if (raw == nullptr) return OsslError("keygen");
  PkeyPtr pkey(raw);
  TestKey key;
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_PUBKEY(pub.get(), pkey.get()) != 1) {
    return OsslError("PEM");
  }
  key.private_pem = BioString(priv.get());
  key.public_pem = BioString(pub.get());
  unsigned char* der = nullptr;
  const int der_len = i2d_PUBKEY(pkey.get(), &der);
  if (der_len <= 0) return OsslError("DER");
  key.public_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  if (kind.substr(0, 3) == "RSA") {
    key.public_jwk = absl::StrCat(
        R"({"kty":"RSA","n":")", Base64UrlEncode(BnParam(pkey.get(), OSSL_PKEY_PARAM_RSA_N, 0)),
        R"(","e":")", Base64UrlEncode(BnParam(pkey.get(), OSSL_PKEY_PARAM_RSA_E, 0)), R"("})");
  } else if (!eddsa) {
    const int len = kind == "P-384" ? 48 : kind == "P-521" ? 66 : 32;
    key.public_jwk = absl::StrCat(
        R"({"kty":"EC","crv":")", AbslView(kind), R"(","x":")",
        Base64UrlEncode(BnParam(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, len)), R"(","y":")",
        Base64UrlEncode(BnParam(pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, len)), R"("})");
  } else {
    unsigned char x[64];
    size_t x_len = sizeof(x);
    if (EVP_PKEY_get_raw_public_key(pkey.get(), x, &x_len) != 1) return OsslError("raw key");
    key.public_jwk =
        absl::StrCat(R"({"kty":"OKP","crv":")", AbslView(kind), R"(","x":")",
                     Base64UrlEncode(std::string_view(reinterpret_cast<char*>(x), x_len)), R"("})");
  }
  absl::StatusOr<std::string> cert = SelfSignedCert(pkey.get(), eddsa);
  if (!cert.ok()) return cert.status();
  key.certificate_pem = std::move(*cert);
  return key;
}

absl::StatusOr<std::string> SignForTest(Algorithm alg, std::string_view key,
                                        std::string_view signing_input) {
  const auto* in = reinterpret_cast<const unsigned char*>(signing_input.data());
  const EVP_MD* md = DigestOf(alg);
  if (alg == Algorithm::kHS256 || alg == Algorithm::kHS384 || alg == Algorithm::kHS512) {
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t out_len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, EVP_MD_get0_name(md), nullptr, key.data(), key.size(),
                  in, signing_input.size(), out, sizeof(out), &out_len) == nullptr) {
      return OsslError("HMAC");
    }
    return std::string(reinterpret_cast<char*>(out), out_len);
  }
  BioPtr bio(BIO_new_mem_buf(key.data(), static_cast<int>(key.size())));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a private key PEM");
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  std::string sig;
  size_t sig_len = 0;
  bool ok = EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey.get()) == 1;
  if (ok && (alg == Algorithm::kPS256 || alg == Algorithm::kPS384 || alg == Algorithm::kPS512)) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
  }
  ok = ok && EVP_DigestSign(ctx, nullptr, &sig_len, in, signing_input.size()) == 1;
  if (ok) {
    sig.resize(sig_len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &sig_len, in,
                        signing_input.size()) == 1;
    sig.resize(sig_len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return OsslError("sign");
  if (alg == Algorithm::kES256 || alg == Algorithm::kES384 || alg == Algorithm::kES512) {
    const int n = alg == Algorithm::kES256 ? 32 : alg == Algorithm::kES384 ? 48 : 66;
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    if (es == nullptr) return OsslError("ECDSA DER");
    std::string raw(static_cast<size_t>(2 * n), '\0');
    auto* r = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(es), r, n);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), r + n, n);
    ECDSA_SIG_free(es);
    return raw;
  }
  return sig;
}

absl::StatusOr<std::string> SignTokenForTest(Algorithm alg, std::string_view key,
                                             std::string_view header_json,
                                             std::string_view payload_json) {
  const std::string input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(payload_json));
  absl::StatusOr<std::string> sig = SignForTest(alg, key, input);
  if (!sig.ok()) return sig.status();
  return absl::StrCat(input, ".", Base64UrlEncode(*sig));
}

}  // namespace testing
EDGEKIT_NAMESPACE_END
