// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// edgekit::jwt verification cost against raw OpenSSL, in one binary.
//
//   BM_JwtVerify/<alg>     full Verifier::Verify: strict parse, header and
//                          crit/typ checks, kid lookup, signature, claims
//                          (exp/nbf/iat, iss, aud), Token with its claim index.
//   BM_OpenSslFloor/<alg>  the prepared-context floor: a raw OpenSSL
//                          verification of the same signing input with
//                          everything that can be prepared per key prepared
//                          once. HS256: a keyed EVP_MAC_CTX duplicated per
//                          call (EVP_MAC_CTX_dup), update, final,
//                          CRYPTO_memcmp. RS256/ES256/EdDSA: an
//                          EVP_DigestVerifyInit'ed EVP_MD_CTX copied per call
//                          (EVP_MD_CTX_copy_ex) and EVP_DigestVerify (ES256
//                          with the DER signature prepared outside the loop).
//   BM_OpenSslMacReinit/HS256  a keyed EVP_MAC_CTX re-initialised per call
//                          (EVP_MAC_init without a key), update, final: the
//                          HMAC technique edgekit itself uses (one context per
//                          thread and key), to show the JWT layer's own cost.
//   BM_OpenSslPrehashVerify/<alg>  RS256/ES256: a digest of the signing input
//                          and EVP_PKEY_verify with a verify context prepared
//                          once: the technique edgekit uses for RS*/PS*/ES*.
//   BM_OpenSslFreshContextFloor/<alg>  EVP_MD_CTX_new + EVP_DigestVerifyInit +
//                          EVP_DigestVerify per call: what a verifier pays
//                          without a prepared context.
//   BM_JwtVerify/HS256_AlternatingHeaders  two kids in turn, so no call finds
//                          its header in the thread's memo of the last one.
//   BM_JwtVerify/HS256_ReadingClock  Verify(token), reading the verifier's
//                          clock (RealClock) as the guide's first example does.
//   BM_JwtReject/<case>    rejection paths (bad HS256 signature, malformed).
//
// Build in Release; compare ratios within one run (docs/jwt.md).

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

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

const EVP_MD* Sha256() {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return sha256;
}

// The prepared-context floor (see the file comment).
void BM_OpenSslFloor(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  if (f.mac != nullptr) {
    for (auto _ : state) {
      EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(f.mac);
      unsigned char tag[EVP_MAX_MD_SIZE];
      size_t len = 0;
      EVP_MAC_update(ctx, in, f.signing_input.size());
      EVP_MAC_final(ctx, tag, &len, sizeof(tag));
      EVP_MAC_CTX_free(ctx);
      bool ok = len == f.signature.size() && CRYPTO_memcmp(tag, sig, len) == 0;
      if (!ok) state.SkipWithError("floor does not verify");
      benchmark::DoNotOptimize(ok);
    }
    return;
  }
  EVP_MD_CTX* tmpl = EVP_MD_CTX_new();
  EVP_DigestVerifyInit(tmpl, nullptr, f.alg == Algorithm::kEdDSA ? nullptr : Sha256(), nullptr,
                       f.pkey);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  for (auto _ : state) {
    bool ok = EVP_MD_CTX_copy_ex(ctx, tmpl) == 1 &&
              EVP_DigestVerify(ctx, sig, f.signature.size(), in, f.signing_input.size()) == 1;
    if (!ok) state.SkipWithError("floor does not verify");
    benchmark::DoNotOptimize(ok);
  }
  EVP_MD_CTX_free(ctx);
  EVP_MD_CTX_free(tmpl);
}

// HMAC with a prepared context re-initialised per call (edgekit's technique).
void BM_OpenSslMacReinit(benchmark::State& state) {
  Fixture& f = Get(Algorithm::kHS256);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(f.mac);
  for (auto _ : state) {
    unsigned char tag[EVP_MAX_MD_SIZE];
    size_t len = 0;
    bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
              EVP_MAC_update(ctx, in, f.signing_input.size()) == 1 &&
              EVP_MAC_final(ctx, tag, &len, sizeof(tag)) == 1 && len == f.signature.size() &&
              CRYPTO_memcmp(tag, sig, len) == 0;
    if (!ok) state.SkipWithError("re-initialised MAC does not verify");
    benchmark::DoNotOptimize(ok);
  }
  EVP_MAC_CTX_free(ctx);
}

// A digest of the signing input, then EVP_PKEY_verify with a verify context
// prepared once (RS256: PKCS#1 v1.5 padding; ES256: DER signature): the
// technique edgekit uses for RS*/PS*/ES*, to show the JWT layer's own cost.
void BM_OpenSslPrehashVerify(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_pkey(nullptr, f.pkey, nullptr);
  EVP_PKEY_verify_init(pctx);
  if (alg == Algorithm::kRS256) EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
  EVP_PKEY_CTX_set_signature_md(pctx, Sha256());
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  for (auto _ : state) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    bool ok = EVP_DigestInit_ex(md, Sha256(), nullptr) == 1 &&
              EVP_DigestUpdate(md, in, f.signing_input.size()) == 1 &&
              EVP_DigestFinal_ex(md, digest, &len) == 1 &&
              EVP_PKEY_verify(pctx, sig, f.signature.size(), digest, len) == 1;
    if (!ok) state.SkipWithError("prehashed verify failed");
    benchmark::DoNotOptimize(ok);
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_CTX_free(pctx);
}

// A fresh verification context per call.
void BM_OpenSslFreshContextFloor(benchmark::State& state, Algorithm alg) {
  Fixture& f = Get(alg);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  const auto* sig = reinterpret_cast<const unsigned char*>(f.signature.data());
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = EVP_DigestVerifyInit(ctx, nullptr, f.alg == Algorithm::kEdDSA ? nullptr : Sha256(),
                                   nullptr, f.pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, f.signature.size(), in, f.signing_input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) state.SkipWithError("fresh-context floor does not verify");
    benchmark::DoNotOptimize(ok);
  }
}

// Two kids in turn: every call meets a header other than the thread's last
// one, so the header is decoded, parsed and its kid looked up each time.
void BM_JwtVerifyAlternatingHeaders(benchmark::State& state) {
  Fixture& f = Get(Algorithm::kHS256);
  const std::string payload =
      R"({"iss":"https://idp.example.com","sub":"user-12345","aud":"api.example.com",)"
      R"("exp":4102444800,"nbf":1700000000,"iat":1700000000,"jti":"b6f1c2d4","scope":"read write"})";
  const std::string other = Must(edgekit::testing::SignTokenForTest(
      Algorithm::kHS256, kSecret, R"({"alg":"HS256","typ":"JWT","kid":"other-0"})", payload));
  const std::string* tokens[2] = {&f.token, &other};
  if (!f.verifier->Verify(other, kNow).ok()) state.SkipWithError("token does not verify");
  size_t i = 0;
  for (auto _ : state) {
    jwt::VerifyResult r = f.verifier->Verify(*tokens[i++ & 1], kNow);
    benchmark::DoNotOptimize(r);
  }
}

// Verify(token): the call the guide shows first, which reads the verifier's
// clock (RealClock) instead of taking `now`.
void BM_JwtVerifyReadingClock(benchmark::State& state) {
  Fixture& f = Get(Algorithm::kHS256);
  if (!f.verifier->Verify(f.token).ok()) state.SkipWithError("token does not verify");
  for (auto _ : state) {
    jwt::VerifyResult r = f.verifier->Verify(f.token);
    benchmark::DoNotOptimize(r);
  }
}

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
BENCHMARK(BM_OpenSslMacReinit)->Name("BM_OpenSslMacReinit/HS256");
BENCHMARK(BM_JwtVerifyAlternatingHeaders)->Name("BM_JwtVerify/HS256_AlternatingHeaders");
BENCHMARK(BM_JwtVerifyReadingClock)->Name("BM_JwtVerify/HS256_ReadingClock");
BENCHMARK_CAPTURE(BM_JwtVerify, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_OpenSslFloor, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_OpenSslPrehashVerify, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_OpenSslFreshContextFloor, RS256, Algorithm::kRS256);
BENCHMARK_CAPTURE(BM_JwtVerify, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_OpenSslFloor, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_OpenSslPrehashVerify, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_OpenSslFreshContextFloor, ES256, Algorithm::kES256);
BENCHMARK_CAPTURE(BM_JwtVerify, EdDSA, Algorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_OpenSslFloor, EdDSA, Algorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_OpenSslFreshContextFloor, EdDSA, Algorithm::kEdDSA);
BENCHMARK_CAPTURE(BM_JwtReject, BadSignature, 0);
BENCHMARK_CAPTURE(BM_JwtReject, Malformed, 1);
BENCHMARK_CAPTURE(BM_JwtVerify, HS256_Threads, Algorithm::kHS256)->ThreadRange(1, 2)->UseRealTime();

}  // namespace
