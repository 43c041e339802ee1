// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Algorithm names, verdict names, the strict base64url codec and signature
// verification over prepared OpenSSL objects.

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define EDGEKIT_JWT_AVX2_BASE64 1
#endif

#include <array>
#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"
#include "edgekit/jwt/algorithm.h"
#include "jwt/internal.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {
constexpr std::array<std::string_view, kAlgorithmCount> kAlgNames = {
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256",
    "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"};
constexpr std::array<std::string_view, kVerdictCount> kVerdictNames = {
    "ok",
    "malformed",
    "oversized",
    "unsupported algorithm",
    "algorithm not allowed",
    "unknown key",
    "key algorithm mismatch",
    "bad signature",
    "unsupported crit",
    "embedded key",
    "bad type",
    "malformed claim",
    "expired",
    "not yet valid",
    "too old",
    "issuer",
    "audience",
    "missing claim",
    "revoked",
};
}  // namespace

std::string_view AlgorithmName(Algorithm alg) {
  const auto i = static_cast<size_t>(alg);
  return i < kAlgNames.size() ? kAlgNames[i] : std::string_view("?");
}

std::optional<Algorithm> AlgorithmFromName(std::string_view name) {
  // Every registered name is 5 bytes: dispatch on the first two, then compare.
  if (name.size() != 5) return std::nullopt;  // "none" (any case) and the rest
  size_t first = kAlgNames.size();
  switch (name[0]) {
    case 'H':
      first = 0;
      break;
    case 'R':
      first = 3;
      break;
    case 'P':
      first = 6;
      break;
    case 'E':
      first = name[1] == 'S' ? 9 : 12;
      break;
    default:
      return std::nullopt;
  }
  const size_t last = first == 12 ? 13 : first + 3;
  for (size_t i = first; i < last; ++i) {
    if (std::memcmp(kAlgNames[i].data(), name.data(), 5) == 0) return static_cast<Algorithm>(i);
  }
  return std::nullopt;
}

std::string_view ToString(Verdict verdict) {
  const auto i = static_cast<size_t>(verdict);
  return i < kVerdictNames.size() ? kVerdictNames[i] : std::string_view("?");
}

}  // namespace jwt

namespace jwt_internal {

using jwt::Algorithm;

Key::~Key() {
  EVP_MD_CTX_free(verify_template);
  EVP_MD_CTX_free(hmac_inner);
  EVP_MD_CTX_free(hmac_outer);
  EVP_PKEY_free(pkey);
}

namespace {

struct Digests {
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
  EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
};

const Digests& GetDigests() {
  static const Digests* const digests = new Digests();  // process lifetime
  return *digests;
}

// base64url alphabet → 6-bit value, or -1.
struct B64Table {
  std::array<int8_t, 256> v{};
  constexpr B64Table() {
    for (auto& x : v) x = -1;
    for (int i = 0; i < 26; ++i) {
      v[static_cast<size_t>('A' + i)] = static_cast<int8_t>(i);
      v[static_cast<size_t>('a' + i)] = static_cast<int8_t>(26 + i);
    }
    for (int i = 0; i < 10; ++i) v[static_cast<size_t>('0' + i)] = static_cast<int8_t>(52 + i);
    v[static_cast<size_t>('-')] = 62;
    v[static_cast<size_t>('_')] = 63;
  }
};
constexpr B64Table kB64;

}  // namespace

const EVP_MD* DigestFor(Algorithm alg) {
  const Digests& d = GetDigests();
  switch (alg) {
    case Algorithm::kHS256:
    case Algorithm::kRS256:
    case Algorithm::kPS256:
    case Algorithm::kES256:
      return d.sha256;
    case Algorithm::kHS384:
    case Algorithm::kRS384:
    case Algorithm::kPS384:
    case Algorithm::kES384:
      return d.sha384;
    case Algorithm::kHS512:
    case Algorithm::kRS512:
    case Algorithm::kPS512:
    case Algorithm::kES512:
      return d.sha512;
    case Algorithm::kEdDSA:
      return nullptr;
  }
  return nullptr;
}

bool IsStrictBase64Url(std::string_view in) {
  const size_t rem = in.size() % 4;
  if (rem == 1) return false;
  // The alphabet A-Z a-z 0-9 - _, 16 bytes at a time where SSE2 exists.
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i lower = _mm_set1_epi8(0x20);
  for (; i + 16 <= in.size(); i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i v = _mm_or_si128(c, lower);  // bytes >= 0x80 stay negative
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
                                         _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(c, _mm_set1_epi8('9' + 1)));
    const __m128i other =
        _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('-')), _mm_cmpeq_epi8(c, _mm_set1_epi8('_')));
    const __m128i ok = _mm_or_si128(_mm_or_si128(letter, digit), other);
    if (_mm_movemask_epi8(ok) != 0xFFFF) return false;
  }
#endif
  int acc = 0;
  for (; i < in.size(); ++i) acc |= kB64.v[p[i]];  // invalid bytes map to -1
  if (acc < 0) return false;
  if (in.empty()) return true;
  // RFC 4648 §3.5: the bits after the last full byte must be zero.
  const int last = kB64.v[p[in.size() - 1]];
  if (rem == 2 && (last & 0x0F) != 0) return false;
  if (rem == 3 && (last & 0x03) != 0) return false;
  return true;
}

namespace {

// Decoding tables: kDec[j][c] is c's 6-bit value shifted into position j of a
// 4-character group (18, 12, 6, 0), or kBad for bytes outside the alphabet,
// so one group decodes to the OR of four lookups and any stray byte sets
// kBad in it.
constexpr uint32_t kBad = 0x01000000;
struct B64DecodeTables {
  uint32_t d[4][256] = {};
  constexpr B64DecodeTables() {
    for (int j = 0; j < 4; ++j) {
      for (int c = 0; c < 256; ++c) {
        const int v = kB64.v[static_cast<size_t>(c)];
        d[j][c] = v < 0 ? kBad : static_cast<uint32_t>(v) << (18 - 6 * j);
      }
    }
  }
};
constexpr B64DecodeTables kDec;

#if defined(EDGEKIT_JWT_AVX2_BASE64)
bool HasAvx2() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return has;
}

// Decodes whole 32-character blocks of `p[0, n)` (AVX2, Muła-Lemire nibble
// lookups and packing) into `o`, 24 bytes per block, writing exactly those
// bytes. Returns the characters consumed, or SIZE_MAX if a block holds a byte
// outside the alphabet. Validation: a byte is valid iff the class bit of its
// high nibble (2: '-', 3: digits, 4: A-O, 5: P-Z and '_', 6: a-o, 7: p-z) is
// set in the mask of its low nibble; other high nibbles (incl. >= 0x80) have
// no class bit. Value = byte + offset of its high nibble ('_' adjusted).
__attribute__((target("avx2"))) size_t DecodeBlocksAvx2(const unsigned char* p, size_t n,
                                                        unsigned char* o) {
  const __m256i lo_mask = _mm256_setr_epi8(  // low nibble -> allowed classes
      0x2A, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3C, 0x14, 0x14, 0x15, 0x14,
      0x1C, 0x2A, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3E, 0x3C, 0x14, 0x14, 0x15,
      0x14, 0x1C);
  const __m256i hi_class = _mm256_setr_epi8(  // high nibble -> class bit
      0, 0, 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x04,
      0x08, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i hi_offset = _mm256_setr_epi8(  // high nibble -> value offset
      0, 0, 17, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 4, -65, -65, -71, -71, 0,
      0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i underscore = _mm256_set1_epi8('_');
  const __m256i underscore_fix = _mm256_set1_epi8(33);        // '_': -65 + 33 = -32 -> 63
  const __m256i merge_pairs = _mm256_set1_epi32(0x01400140);  // a*64 + b per 16 bits
  const __m256i merge_quads = _mm256_set1_epi32(0x00011000);  // ab*4096 + cd per 32 bits
  const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2,
                                         1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i compact = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);
  size_t i = 0;
  for (; i + 32 <= n; i += 32, o += 24) {
    const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(c, 4), nibble);
    const __m256i lo = _mm256_and_si256(c, nibble);
    const __m256i ok =
        _mm256_and_si256(_mm256_shuffle_epi8(lo_mask, lo), _mm256_shuffle_epi8(hi_class, hi));
    if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(ok, _mm256_setzero_si256())) != 0) return SIZE_MAX;
    const __m256i offset =
        _mm256_add_epi8(_mm256_shuffle_epi8(hi_offset, hi),
                        _mm256_and_si256(_mm256_cmpeq_epi8(c, underscore), underscore_fix));
    __m256i v = _mm256_add_epi8(c, offset);
    v = _mm256_maddubs_epi16(v, merge_pairs);
    v = _mm256_madd_epi16(v, merge_quads);
    v = _mm256_shuffle_epi8(v, order);
    v = _mm256_permutevar8x32_epi32(v, compact);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o), _mm256_castsi256_si128(v));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(o + 16), _mm256_extracti128_si256(v, 1));
  }
  return i;
}
#endif

}  // namespace

bool DecodeBase64Url(std::string_view in, char* out) {
  const size_t n = in.size();
  const size_t rem = n % 4;
  if (rem == 1) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  auto* o = reinterpret_cast<unsigned char*>(out);
  uint32_t bad = 0;
  const size_t full = n - rem;
  size_t i = 0;
#if defined(EDGEKIT_JWT_AVX2_BASE64)
  if (full >= 32 && HasAvx2()) {
    i = DecodeBlocksAvx2(p, full, o);
    if (i == SIZE_MAX) return false;
    o += i / 4 * 3;
  }
#endif
  for (; i < full; i += 4, o += 3) {
    const uint32_t v =
        kDec.d[0][p[i]] | kDec.d[1][p[i + 1]] | kDec.d[2][p[i + 2]] | kDec.d[3][p[i + 3]];
    bad |= v;
    o[0] = static_cast<unsigned char>(v >> 16);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v);
  }
  if (rem != 0) {
    const uint32_t v =
        kDec.d[0][p[full]] | kDec.d[1][p[full + 1]] | (rem == 3 ? kDec.d[2][p[full + 2]] : 0);
    bad |= v;
    // RFC 4648 §3.5: the bits after the last full byte must be zero.
    if ((v & (rem == 2 ? 0xFFFFu : 0xFFu)) != 0) return false;
    o[0] = static_cast<unsigned char>(v >> 16);
    if (rem == 3) o[1] = static_cast<unsigned char>(v >> 8);
  }
  return (bad & kBad) == 0;
}

bool DecodeBase64Url(std::string_view in, std::string* out) {
  if (in.size() % 4 == 1) return false;
  out->resize(Base64UrlDecodedSize(in.size()));
  return DecodeBase64Url(in, out->data());
}

bool PrepareHmac(Key* key, std::string_view secret) {
  // RFC 2104 §2: K' = K (or H(K) if longer than the block), zero-padded to
  // the block size B; inner = H(K' ^ ipad || m), tag = H(K' ^ opad || inner).
  // Both keyed prefixes are absorbed once here; each verification copies the
  // two contexts instead of re-keying (or duplicating a whole EVP_MAC_CTX).
  const EVP_MD* md = key->md;
  if (md == nullptr) return false;
  const int block_int = EVP_MD_get_block_size(md);
  if (block_int <= 0 || block_int > 128) return false;
  const auto block = static_cast<size_t>(block_int);
  unsigned char k[128] = {};
  bool ok = true;
  if (secret.size() > block) {
    unsigned int len = 0;
    ok = EVP_Digest(secret.data(), secret.size(), k, &len, md, nullptr) == 1;
  } else {
    std::memcpy(k, secret.data(), secret.size());
  }
  unsigned char pad[128];
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  ok = ok && inner != nullptr && outer != nullptr;
  for (size_t i = 0; i < block; ++i) pad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
  ok = ok && EVP_DigestInit_ex(inner, md, nullptr) == 1 && EVP_DigestUpdate(inner, pad, block) == 1;
  for (size_t i = 0; i < block; ++i) pad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  ok = ok && EVP_DigestInit_ex(outer, md, nullptr) == 1 && EVP_DigestUpdate(outer, pad, block) == 1;
  OPENSSL_cleanse(k, sizeof(k));
  OPENSSL_cleanse(pad, sizeof(pad));
  if (!ok) {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
    ERR_clear_error();
    return false;
  }
  EVP_MD_CTX_free(key->hmac_inner);
  EVP_MD_CTX_free(key->hmac_outer);
  key->hmac_inner = inner;
  key->hmac_outer = outer;
  return true;
}

size_t EcdsaRawToDer(const Key& key, const uint8_t* raw, uint8_t* der) {
  const size_t n = key.coord_len;
  // Range: 0 < v < order (big-endian, same width).
  for (int half = 0; half < 2; ++half) {
    const uint8_t* v = raw + half * n;
    bool zero = true;
    for (size_t i = 0; i < n; ++i) zero &= (v[i] == 0);
    if (zero) return 0;
    if (std::memcmp(v, key.order, n) >= 0) return 0;
  }
  // DER: SEQUENCE { INTEGER r, INTEGER s } (X.690 §8.3: minimal two's complement).
  uint8_t body[2 * (66 + 3)];
  size_t blen = 0;
  for (int half = 0; half < 2; ++half) {
    const uint8_t* v = raw + half * n;
    size_t skip = 0;
    while (skip < n - 1 && v[skip] == 0) ++skip;
    const size_t len = n - skip;
    const bool pad = (v[skip] & 0x80) != 0;
    body[blen++] = 0x02;
    body[blen++] = static_cast<uint8_t>(len + (pad ? 1 : 0));
    if (pad) body[blen++] = 0x00;
    std::memcpy(body + blen, v + skip, len);
    blen += len;
  }
  size_t out = 0;
  der[out++] = 0x30;
  if (blen >= 0x80) {
    der[out++] = 0x81;
  }
  der[out++] = static_cast<uint8_t>(blen);
  std::memcpy(der + out, body, blen);
  return out + blen;
}

namespace {

bool IsHmac(Algorithm a) {
  return a == Algorithm::kHS256 || a == Algorithm::kHS384 || a == Algorithm::kHS512;
}
bool IsPss(Algorithm a) {
  return a == Algorithm::kPS256 || a == Algorithm::kPS384 || a == Algorithm::kPS512;
}
bool IsEcdsa(Algorithm a) {
  return a == Algorithm::kES256 || a == Algorithm::kES384 || a == Algorithm::kES512;
}

// Sets up DigestVerify on `ctx` for `key` (RFC 7518 §3.3-3.5, RFC 8037 §3.1).
bool InitVerify(EVP_MD_CTX* ctx, const Key& key) {
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestVerifyInit(ctx, &pctx, key.md, nullptr, key.pkey) != 1) return false;
  if (IsPss(key.alg)) {
    // RFC 7518 §3.5: MGF1 with the same hash, salt length = hash length.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, key.md) != 1) {
      return false;
    }
  }
  return true;
}

// One reusable EVP_MD_CTX per thread: each verification copies the key's
// prepared template into it (cheaper than EVP_DigestVerifyInit per token).
struct ThreadMdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadMdCtx() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

namespace {
bool VerifySignatureImpl(const Key& key, std::string_view input, std::string_view sig) {
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const auto* s = reinterpret_cast<const unsigned char*>(sig.data());
  thread_local ThreadMdCtx md;
  if (md.ctx == nullptr) return false;
  if (IsHmac(key.alg)) {
    if (sig.size() != key.sig_len || key.hmac_inner == nullptr || key.hmac_outer == nullptr) {
      return false;
    }
    unsigned char inner[EVP_MAX_MD_SIZE];
    unsigned char tag[EVP_MAX_MD_SIZE];
    unsigned int inner_len = 0, tag_len = 0;
    const bool ok = EVP_MD_CTX_copy_ex(md.ctx, key.hmac_inner) == 1 &&
                    EVP_DigestUpdate(md.ctx, in, input.size()) == 1 &&
                    EVP_DigestFinal_ex(md.ctx, inner, &inner_len) == 1 &&
                    EVP_MD_CTX_copy_ex(md.ctx, key.hmac_outer) == 1 &&
                    EVP_DigestUpdate(md.ctx, inner, inner_len) == 1 &&
                    EVP_DigestFinal_ex(md.ctx, tag, &tag_len) == 1 && tag_len == key.sig_len &&
                    CRYPTO_memcmp(tag, s, tag_len) == 0;
    return ok;
  }
  if (key.pkey == nullptr) return false;
  unsigned char der[2 * 66 + 12];
  size_t sig_len = sig.size();
  if (IsEcdsa(key.alg)) {
    if (sig.size() != 2 * key.coord_len) return false;
    sig_len = EcdsaRawToDer(key, s, der);
    if (sig_len == 0) return false;
    s = der;
  } else if (sig.size() != key.sig_len) {
    return false;  // RSA: exactly the modulus size; EdDSA: 64 / 114 bytes
  }
  if (key.verify_template == nullptr || EVP_MD_CTX_copy_ex(md.ctx, key.verify_template) != 1) {
    return false;
  }
  const bool ok = EVP_DigestVerify(md.ctx, s, sig_len, in, input.size()) == 1;
  EVP_MD_CTX_reset(md.ctx);  // drop the key reference now (the next copy would anyway)
  return ok;
}
}  // namespace

bool PrepareVerifyTemplate(Key* key) {
  if (key->pkey == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || !InitVerify(ctx, *key)) {
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return false;
  }
  EVP_MD_CTX_free(key->verify_template);
  key->verify_template = ctx;
  return true;
}

bool VerifySignature(const Key& key, std::string_view input, std::string_view sig) {
  if (VerifySignatureImpl(key, input, sig)) return true;
  // Leave no failure residue in the host thread's OpenSSL error queue (an
  // HMAC mismatch pushes none, so skip the thread-local lookup there).
  if (!IsHmac(key.alg)) ERR_clear_error();
  return false;
}

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END
