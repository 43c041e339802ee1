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

#include <array>
#include <atomic>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
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
    "unsupported_algorithm",
    "algorithm_not_allowed",
    "unknown_key",
    "key_algorithm_mismatch",
    "bad_signature",
    "unsupported_crit",
    "embedded_key",
    "bad_type",
    "malformed_claim",
    "expired",
    "not_yet_valid",
    "too_old",
    "bad_issuer",
    "bad_audience",
    "missing_claim",
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

namespace {
std::atomic<uint64_t> g_next_key_id{1};
}  // namespace

Key::Key() : id(g_next_key_id.fetch_add(1, std::memory_order_relaxed)) {}

Key::~Key() {
  for (EVP_MD_CTX* t : verify_template) EVP_MD_CTX_free(t);
  for (EVP_PKEY_CTX* c : verify_pctx) EVP_PKEY_CTX_free(c);
  EVP_PKEY_free(pkey);
  EVP_MAC_CTX_free(mac);
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

bool DecodeBase64Url(std::string_view in, std::string* out) {
  const size_t rem = in.size() % 4;
  if (rem == 1) return false;
  // Abseil rejects bytes outside the alphabet (and '+', '/') but skips
  // whitespace and accepts '=' padding: both make the output shorter than
  // 3/4 of the input, which the length check refuses.
  if (!absl::WebSafeBase64Unescape(AbslView(in), out) || out->size() != in.size() * 3 / 4) {
    return false;
  }
  // RFC 4648 §3.5: the bits after the last full byte must be zero.
  if (rem == 0) return true;
  const int last = kB64.v[static_cast<unsigned char>(in.back())];
  return rem == 2 ? (last & 0x0F) == 0 : (last & 0x03) == 0;
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

// RFC 7518 §3.5: PSS with MGF1 over the same hash, salt length = hash length.
bool SetPss(EVP_PKEY_CTX* pctx, const EVP_MD* md) {
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1;
}

// EdDSA (RFC 8037 §3.1): one-shot DigestVerify, prepared once per key.
EVP_MD_CTX* PrepareEdDsa(const Key& key) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key.pkey) != 1) {
    EVP_MD_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

// RS*/PS*/ES* (RFC 7518 §3.3-3.5): verification of a digest, prepared once
// per key and algorithm (padding, PSS parameters, digest type).
EVP_PKEY_CTX* PreparePrehashed(const Key& key, Algorithm alg) {
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey, nullptr);
  const EVP_MD* md = DigestFor(alg);
  const bool ok =
      pctx != nullptr && EVP_PKEY_verify_init(pctx) == 1 &&
      (IsEcdsa(alg) || (IsPss(alg) ? SetPss(pctx, md)
                                   : EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1)) &&
      EVP_PKEY_CTX_set_signature_md(pctx, md) == 1;
  if (!ok) {
    EVP_PKEY_CTX_free(pctx);
    return nullptr;
  }
  return pctx;
}

// Per-thread copies of keys' prepared OpenSSL contexts, for the 8 (key,
// algorithm) pairs this thread used last: contexts are not shareable across
// threads, and a copy made once is cheaper than one per token. A copy lives
// until it is evicted or the thread exits.
template <typename Ctx, Ctx* (*Dup)(const Ctx*), void (*Free)(Ctx*)>
class ThreadContextCache {
 public:
  ThreadContextCache() = default;
  ThreadContextCache(const ThreadContextCache&) = delete;
  ThreadContextCache& operator=(const ThreadContextCache&) = delete;
  ~ThreadContextCache() {
    for (Entry& e : entries_) Free(e.ctx);
  }

  // This thread's context for (key, alg); `*fresh` when just copied from
  // `prepared` (nullptr on OpenSSL failure).
  Ctx* Get(const Key& key, Algorithm alg, const Ctx* prepared, bool* fresh) {
    *fresh = false;
    for (Entry& e : entries_) {
      if (e.key_id == key.id && e.alg == alg && e.ctx != nullptr) return e.ctx;
    }
    Entry& victim = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    *fresh = true;
    return Replace(&victim, key, alg, prepared);
  }
  Ctx* Replace(const Key& key, Algorithm alg, const Ctx* prepared) {
    for (Entry& e : entries_) {
      if (e.key_id == key.id && e.alg == alg) return Replace(&e, key, alg, prepared);
    }
    return nullptr;
  }

 private:
  struct Entry {
    uint64_t key_id = 0;
    Algorithm alg = Algorithm::kHS256;
    Ctx* ctx = nullptr;
  };
  static Ctx* Replace(Entry* e, const Key& key, Algorithm alg, const Ctx* prepared) {
    Free(e->ctx);
    e->ctx = Dup(prepared);
    e->key_id = e->ctx != nullptr ? key.id : 0;
    e->alg = alg;
    return e->ctx;
  }
  std::array<Entry, 8> entries_{};
  size_t next_ = 0;
};

using ThreadMacCache = ThreadContextCache<EVP_MAC_CTX, EVP_MAC_CTX_dup, EVP_MAC_CTX_free>;
using ThreadPkeyCache = ThreadContextCache<EVP_PKEY_CTX, EVP_PKEY_CTX_dup, EVP_PKEY_CTX_free>;

bool VerifyHmac(const Key& key, Algorithm alg, std::string_view input, std::string_view sig) {
  if (sig.size() != key.sig_len || key.mac == nullptr) return false;
  thread_local ThreadMacCache cache;
  bool fresh = false;
  EVP_MAC_CTX* ctx = cache.Get(key, alg, key.mac, &fresh);
  // A fresh copy is in the prepared state; a reused one restarts from the
  // stored inner state (EVP_MAC_init without a key: one digest-state copy).
  if (ctx != nullptr && !fresh && EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) {
    ctx = cache.Replace(key, alg, key.mac);  // a provider without re-init
  }
  if (ctx == nullptr) return false;
  unsigned char tag[EVP_MAX_MD_SIZE];
  size_t tag_len = 0;
  return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()), input.size()) ==
             1 &&
         EVP_MAC_final(ctx, tag, &tag_len, sizeof(tag)) == 1 && tag_len == key.sig_len &&
         CRYPTO_memcmp(tag, sig.data(), tag_len) == 0;
}

struct ThreadMdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadMdCtx() { EVP_MD_CTX_free(ctx); }
};

bool VerifyAsymmetric(const Key& key, Algorithm alg, std::string_view input, std::string_view sig) {
  if (key.pkey == nullptr) return false;
  const auto* s = reinterpret_cast<const unsigned char*>(sig.data());
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  thread_local ThreadMdCtx md;
  if (md.ctx == nullptr) return false;
  if (alg == Algorithm::kEdDSA) {
    // One-shot: copy the key's prepared DigestVerify context.
    const EVP_MD_CTX* tmpl = key.verify_template[static_cast<size_t>(alg)];
    if (tmpl == nullptr || sig.size() != key.sig_len || EVP_MD_CTX_copy_ex(md.ctx, tmpl) != 1) {
      return false;
    }
    const bool ok = EVP_DigestVerify(md.ctx, s, sig.size(), in, input.size()) == 1;
    EVP_MD_CTX_reset(md.ctx);  // drop the key reference now
    return ok;
  }
  unsigned char der[2 * 66 + 12];
  size_t sig_len = sig.size();
  if (IsEcdsa(alg)) {
    if (sig.size() != 2 * key.coord_len) return false;
    sig_len = EcdsaRawToDer(key, s, der);
    if (sig_len == 0) return false;
    s = der;
  } else if (sig.size() != key.sig_len) {
    return false;  // RSA: exactly the modulus size
  }
  const EVP_PKEY_CTX* prepared = key.verify_pctx[static_cast<size_t>(alg)];
  if (prepared == nullptr) return false;
  thread_local ThreadPkeyCache cache;
  bool fresh = false;
  EVP_PKEY_CTX* pctx = cache.Get(key, alg, prepared, &fresh);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  return pctx != nullptr && EVP_DigestInit_ex(md.ctx, DigestFor(alg), nullptr) == 1 &&
         EVP_DigestUpdate(md.ctx, in, input.size()) == 1 &&
         EVP_DigestFinal_ex(md.ctx, digest, &digest_len) == 1 &&
         EVP_PKEY_verify(pctx, s, sig_len, digest, digest_len) == 1;
}

}  // namespace

bool PrepareVerifyTemplates(Key* key) {
  if (key->pkey == nullptr) return false;
  for (size_t i = 0; i < jwt::kAlgorithmCount; ++i) {
    const auto alg = static_cast<Algorithm>(i);
    if (!key->Allows(alg) || IsHmac(alg)) continue;
    bool ok = false;
    if (alg == Algorithm::kEdDSA) {
      EVP_MD_CTX_free(key->verify_template[i]);
      key->verify_template[i] = PrepareEdDsa(*key);
      ok = key->verify_template[i] != nullptr;
    } else {
      EVP_PKEY_CTX_free(key->verify_pctx[i]);
      key->verify_pctx[i] = PreparePrehashed(*key, alg);
      ok = key->verify_pctx[i] != nullptr;
    }
    if (!ok) {
      ERR_clear_error();
      return false;
    }
  }
  return true;
}

bool VerifySignature(const Key& key, Algorithm alg, std::string_view input, std::string_view sig) {
  if (!key.Allows(alg)) return false;
  // An HMAC mismatch pushes nothing onto OpenSSL's error queue; the
  // asymmetric paths may, so leave no failure residue in the host's thread.
  if (IsHmac(alg)) return VerifyHmac(key, alg, input, sig);
  if (VerifyAsymmetric(key, alg, input, sig)) return true;
  ERR_clear_error();
  return false;
}

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END
