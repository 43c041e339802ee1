// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::jwt verification cost against its physical floor, in one binary.
//
//   BM_JwtVerify/<alg>     full Verifier::Verify: strict parse, header and
//                          crit/typ checks, kid lookup, signature, claims
//                          (exp/nbf/iat, iss, aud), Token construction.
//   BM_OpenSslFloor/<alg>  a raw OpenSSL verify of the same signing input with
//                          a pre-parsed key: the cost no verifier can avoid.
//                          HS256: a pre-keyed EVP_MAC_CTX duplicated per call,
//                          update, final, CRYPTO_memcmp. RS256/ES256/EdDSA:
//                          EVP_MD_CTX_new + EVP_DigestVerifyInit +
//                          EVP_DigestVerify (ES256 with the DER signature
//                          prepared outside the loop).
//   BM_OpenSslFloorCtxCopy/<alg>  the same with a per-key template context
//                          copied per call (EVP_MD_CTX_copy_ex), the technique
//                          edgekit uses: the tighter floor for asymmetric algs.
//   BM_JwtReject/<case>    rejection paths (bad HS256 signature, malformed).
//
// Goals (issue 7): HS256 ≤ 1.5×, RS256 ≤ 1.03×, ES256 and EdDSA ≤ 1.02× the
// floor. Build in Release.

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "edgekit/jwt/key_set.h"
#include "edgekit/jwt/verifier.h"
#include "edgekit/testing/jwt_signer.h"

namespace {

namespace jwt = edgekit::jwt;
using jwt::Algorithm;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

template <typename T>
T Must(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "benchmark setup failed: %s\n", v.status().ToString().c_str());
    std::abort();
  }
  return std::move(*v);
}

struct Fixture {
  Algorithm alg;
  std::string token;
  std::string signing_input;
  std::string signature;  // raw JWS bytes (DER for ES256 floor)
  EVP_PKEY* pkey = nullptr;
  EVP_MAC_CTX* mac = nullptr;
  std::unique_ptr<jwt::Verifier> verifier;
};

std::string Decode(const std::string& b64) {
  std::string out;
  absl::WebSafeBase64Unescape(b64, &out);
  return out;
}

std::string RawToDer(const std::string& raw) {
  const size_t n = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(
      sig,
      BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(n), nullptr),
      BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + n, static_cast<int>(n),
                nullptr));
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

Fixture* Make(Algorithm alg) {
  auto* f = new Fixture();
  f->alg = alg;
  const std::string name(jwt::AlgorithmName(alg));
  const std::string header = R"({"alg":")" + name + R"(","typ":"JWT","kid":"k1"})";
  const std::string payload =
      R"({"iss":"https://idp.example.com","sub":"user-12345","aud":"api.example.com",)"
      R"("exp":4102444800,"nbf":1700000000,"iat":1700000000,"jti":"b6f1c2d4","scope":"read write"})";
  jwt::KeySetBuilder builder;
  std::string signing_key;
  if (alg == Algorithm::kHS256) {
    signing_key = kSecret;
    if (!builder.AddHmacSecret("k1", kSecret, alg).ok()) std::abort();
    static EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    f->mac = EVP_MAC_CTX_new(hmac);
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_end()};
    EVP_MAC_init(f->mac, reinterpret_cast<const unsigned char*>(kSecret), 32, params);
  } else {
    const char* kind = alg == Algorithm::kRS256   ? "RSA2048"
                       : alg == Algorithm::kES256 ? "P-256"
                                                  : "Ed25519";
    const auto key = Must(edgekit::testing::GenerateTestKey(kind));
    signing_key = key.private_pem;
    if (!builder.AddPublicKeyPem("k1", key.public_pem, alg).ok()) std::abort();
    BIO* bio = BIO_new_mem_buf(key.public_pem.data(), static_cast<int>(key.public_pem.size()));
    f->pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  // Other keys in the set, as a real JWKS would have.
  for (int i = 0; i < 4; ++i) {
    (void)builder.AddHmacSecret("other-" + std::to_string(i), kSecret,
                                Algorithm::kHS512 == alg   ? alg
                                : Algorithm::kHS384 == alg ? alg
                                                           : Algorithm::kHS256);
  }
  f->token = Must(edgekit::testing::SignTokenForTest(alg, signing_key, header, payload));
  f->signing_input = f->token.substr(0, f->token.rfind('.'));
  f->signature = Decode(f->token.substr(f->token.rfind('.') + 1));
  if (alg == Algorithm::kES256) f->signature = RawToDer(f->signature);
  jwt::VerifierOptions options;
  options.allowed_algorithms = {alg};
  options.allowed_issuers = {"https://idp.example.com"};
  options.audiences = {"api.example.com"};
  options.leeway = absl::Seconds(30);
  f->verifier = Must(jwt::Verifier::Create(options, builder.Build()));
  return f;
}

Fixture& Get(Algorithm alg) {
  static Fixture* fixtures[jwt::kAlgorithmCount] = {};
  Fixture*& f = fixtures[static_cast<size_t>(alg)];
  if (f == nullptr) f = Make(alg);
  return *f;
}

const absl::Time kNow = absl::FromUnixSeconds(1700000100);

void BM_JwtVerify(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  if (!f.verifier->Verify(f.token, kNow).ok()) state.SkipWithError("token does not verify");
  for (auto _ : state) {
    jwt::VerifyResult r = f.verifier->Verify(f.token, kNow);
    benchmark::DoNotOptimize(r);
  }
}

bool FloorOnce(const Fixture& f) {
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  if (f.mac != nullptr) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(f.mac);
    unsigned char tag[EVP_MAX_MD_SIZE];
    size_t len = 0;
    EVP_MAC_update(ctx, in, f.signing_input.size());
    EVP_MAC_final(ctx, tag, &len, sizeof(tag));
    EVP_MAC_CTX_free(ctx);
    return len == f.signature.size() && CRYPTO_memcmp(tag, sig, len) == 0;
  }
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, f.alg == Algorithm::kEdDSA ? nullptr : sha256,
                                       nullptr, f.pkey) == 1 &&
                  EVP_DigestVerify(ctx, sig, f.signature.size(), in, f.signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

void BM_OpenSslFloor(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  if (!FloorOnce(f)) state.SkipWithError("floor does not verify");
  for (auto _ : state) {
    bool ok = FloorOnce(f);
    benchmark::DoNotOptimize(ok);
  }
}

// A second, stricter floor: a template EVP_MD_CTX initialised once per key
// and copied per verification (EVP_MD_CTX_copy_ex + EVP_DigestVerify), which
// is what edgekit itself does for asymmetric keys. Compare BM_JwtVerify with
// both floors.
void BM_OpenSslFloorCtxCopy(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* tmpl = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(tmpl, nullptr, f.alg == Algorithm::kEdDSA ? nullptr : sha256, nullptr,
                       f.pkey);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  for (auto _ : state) {
    bool ok = EVP_MD_CTX_copy_ex(ctx, tmpl) == 1 &&
              EVP_DigestVerify(ctx, sig, f.signature.size(), in, f.signing_input.size()) == 1;
    if (!ok) state.SkipWithError("copy verify failed");
    benchmark::DoNotOptimize(ok);
  }
  EVP_MD_CTX_free(ctx);
  EVP_MD_CTX_free(tmpl);
}
BENCHMARK_CAPTURE(BM_OpenSslFloorCtxCopy, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_OpenSslFloorCtxCopy, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_OpenSslFloorCtxCopy, EdDSA, Algorithm::kEdDSA);

void BM_JwtReject(benchmark::State& state, int which) {
  Fixture& f = Get(Algorithm::kHS256);
  std::string token = f.token;
  if (which == 0) {
    token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';  // bad signature
  } else {
    token[10] = '*';  // malformed header
  }
  const jwt::Verdict expected = which == 0 ? jwt::Verdict::kBadSignature : jwt::Verdict::kMalformed;
  if (f.verifier->Verify(token, kNow).verdict != expected) state.SkipWithError("wrong verdict");
  for (auto _ : state) {
    jwt::VerifyResult r = f.verifier->Verify(token, kNow);
    benchmark::DoNotOptimize(r);
  }
}

BENCHMARK_CAPTURE(BM_JwtVerify, HS256, Algorithm::kHS256);
BENCHMARK_CAPTURE(BM_OpenSslFloor, HS256, Algorithm::kHS256);
BENCHMARK_CAPTURE(BM_JwtVerify, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_OpenSslFloor, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_JwtVerify, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_OpenSslFloor, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_JwtVerify, EdDSA, Algorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_OpenSslFloor, EdDSA, Algorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_JwtReject, BadSignature, 0);
BENCHMARK_CAPTURE(BM_JwtReject, Malformed, 1);
BENCHMARK_CAPTURE(BM_JwtVerify, HS256_Threads, Algorithm::kHS256)->ThreadRange(1, 2)->UseRealTime();

}  // namespace
