// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Vendor-compatible bucketing (vendor.h). MurmurHash3 x86_32 and FNV-1a are
// written from their public specifications: MurmurHash3 from Austin Appleby's
// reference `MurmurHash3_x86_32` (smhasher, MurmurHash3.cpp, public domain),
// FNV-1a from Fowler/Noll/Vo (draft-eastlake-fnv). SHA-1 comes from OpenSSL.

#include "edgekit/canary/vendor.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>

EDGEKIT_NAMESPACE_BEGIN
namespace canary {
namespace {

constexpr uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

constexpr uint32_t kFnvOffset = 0x811c9dc5u;
constexpr uint32_t kFnvPrime = 0x01000193u;

// Concatenation of views without a heap allocation for short keys (the
// common case: ids and flag keys are tens of bytes). std::string_view is not
// absl::string_view in every Abseil build, so absl::StrCat is not used.
class Concat {
 public:
  Concat(std::initializer_list<std::string_view> parts) {
    size_t n = 0;
    for (const std::string_view p : parts) n += p.size();
    char* out = stack_;
    if (n > sizeof(stack_)) {
      heap_.resize(n);
      out = heap_.data();
    }
    size_t at = 0;
    for (const std::string_view p : parts) {
      if (!p.empty()) std::memcpy(out + at, p.data(), p.size());
      at += p.size();
    }
    view_ = std::string_view(out, n);
  }
  Concat(const Concat&) = delete;
  Concat& operator=(const Concat&) = delete;

  std::string_view view() const { return view_; }

 private:
  char stack_[256];
  std::string heap_;
  std::string_view view_;
};

bool IsAscii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void AppendUtf16(std::u16string& out, uint32_t cp) {
  if (cp <= 0xFFFF) {
    out.push_back(static_cast<char16_t>(cp));
  } else {
    cp -= 0x10000;
    out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
    out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
  }
}

// The bytes a vendor's murmur3 consumes for `s` under `encoding` (the units
// of kUtf16CodeUnits do not fit a byte and are not used with murmur3).
std::string LowBytes(std::string_view s) {
  const std::u16string units = Utf8ToUtf16(s);
  std::string out;
  out.reserve(units.size());
  for (const char16_t u : units) out.push_back(static_cast<char>(u & 0xFF));
  return out;
}

}  // namespace

uint32_t Murmur3X86_32(std::string_view data, uint32_t seed) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  const size_t len = data.size();
  const size_t nblocks = len / 4;
  constexpr uint32_t c1 = 0xcc9e2d51u;
  constexpr uint32_t c2 = 0x1b873593u;
  uint32_t h1 = seed;
  for (size_t i = 0; i < nblocks; ++i) {
    const unsigned char* p = bytes + i * 4;
    // Blocks are read little-endian on every platform.
    uint32_t k1 = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                  (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    k1 *= c1;
    k1 = Rotl32(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = Rotl32(h1, 13);
    h1 = h1 * 5 + 0xe6546b64u;
  }
  const unsigned char* tail = bytes + nblocks * 4;
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = Rotl32(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      break;
    default:
      break;
  }
  // The reference mixes in the length as a 32-bit int.
  h1 ^= static_cast<uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6bu;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35u;
  h1 ^= h1 >> 16;
  return h1;
}

std::u16string Utf8ToUtf16(std::string_view utf8) {
  // WHATWG Encoding Standard, "UTF-8 decoder", replacement error mode.
  std::u16string out;
  out.reserve(utf8.size());
  uint32_t cp = 0;
  int needed = 0;
  int seen = 0;
  unsigned lower = 0x80;
  unsigned upper = 0xBF;
  size_t i = 0;
  while (i < utf8.size()) {
    const unsigned b = static_cast<unsigned char>(utf8[i]);
    if (needed == 0) {
      ++i;
      if (b <= 0x7F) {
        out.push_back(static_cast<char16_t>(b));
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0xF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x7;
      } else {
        out.push_back(u'\uFFFD');
      }
      continue;
    }
    if (b < lower || b > upper) {
      // Ill-formed: emit U+FFFD and reprocess this byte as a lead byte.
      cp = 0;
      needed = 0;
      seen = 0;
      lower = 0x80;
      upper = 0xBF;
      out.push_back(u'\uFFFD');
      continue;
    }
    ++i;
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      AppendUtf16(out, cp);
      cp = 0;
      needed = 0;
      seen = 0;
    }
  }
  if (needed != 0) out.push_back(u'\uFFFD');
  return out;
}

uint32_t Fnv1a32(std::string_view data, TextEncoding encoding) {
  uint32_t h = kFnvOffset;
  const bool bytes = encoding == TextEncoding::kUtf8Bytes;
  size_t i = 0;
  for (; i < data.size(); ++i) {
    const auto b = static_cast<unsigned char>(data[i]);
    // ASCII is the same unit in every encoding; the first non-ASCII byte
    // sends a UTF-16 encoding to the decoding path below.
    if (b >= 0x80 && !bytes) break;
    h ^= b;
    h *= kFnvPrime;
  }
  if (i == data.size()) return h;
  h = kFnvOffset;
  for (const char16_t unit : Utf8ToUtf16(data)) {
    h ^= encoding == TextEncoding::kUtf16CodeUnits ? static_cast<uint32_t>(unit)
                                                   : static_cast<uint32_t>(unit & 0xFF);
    h *= kFnvPrime;
  }
  return h;
}

// ---------------------------------------------------------------------------
// Unleash

uint32_t UnleashNormalizedValue(std::string_view id, std::string_view group_id, uint32_t normalizer,
                                uint32_t seed, TextEncoding encoding) {
  if (normalizer == 0) return 0;
  const Concat key({group_id, ":", id});
  if (encoding != TextEncoding::kUtf8Bytes && !IsAscii(key.view())) {
    return Murmur3X86_32(LowBytes(key.view()), seed) % normalizer + 1;
  }
  return Murmur3X86_32(key.view(), seed) % normalizer + 1;
}

bool UnleashGradualRolloutEnabled(std::string_view id, std::string_view group_id,
                                  uint32_t percentage, TextEncoding encoding) {
  return percentage > 0 && UnleashNormalizedValue(id, group_id, 100, 0, encoding) <= percentage;
}

int UnleashSelectVariant(std::string_view id, std::string_view group_id,
                         absl::Span<const uint32_t> weights, TextEncoding encoding) {
  uint64_t total = 0;
  for (const uint32_t w : weights) total += w;
  if (total == 0 || total > UINT32_MAX) return -1;
  const uint32_t target = UnleashNormalizedValue(id, group_id, static_cast<uint32_t>(total),
                                                 kUnleashVariantSeed, encoding);
  uint64_t counter = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0) continue;
    counter += weights[i];
    if (counter >= target) return static_cast<int>(i);
  }
  return -1;  // unreachable: counter reaches total >= target
}

// ---------------------------------------------------------------------------
// LaunchDarkly

namespace {

float LaunchDarklyBucketOfKey(std::string_view hash_key) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  if (EVP_Digest(hash_key.data(), hash_key.size(), digest.data(), &digest_len, EVP_sha1(),
                 nullptr) != 1 ||
      digest_len < 8) {
    return 0.0f;  // OpenSSL failure (no SHA-1 provider): bucket 0, never a crash.
  }
  uint64_t top = 0;
  for (int i = 0; i < 8; ++i) top = (top << 8) | digest[static_cast<size_t>(i)];
  return LaunchDarklyBucketOfPrefix(top >> 4);  // first 15 hex digits = 60 bits
}

}  // namespace

float LaunchDarklyBucketOfPrefix(uint64_t first_60_bits) noexcept {
  // Go: float32(hashVal) / longScale, longScale = float32(0xFFFFFFFFFFFFFFF).
  const float scale = static_cast<float>(0xFFFFFFFFFFFFFFFLL);
  const float value =
      static_cast<float>(static_cast<int64_t>(first_60_bits & 0xFFFFFFFFFFFFFFFULL));
  return value / scale;
}

float LaunchDarklyBucket(std::string_view flag_key, std::string_view salt, std::string_view value) {
  return LaunchDarklyBucketOfKey(Concat({flag_key, ".", salt, ".", value}).view());
}

float LaunchDarklyBucketWithSeed(int64_t seed, std::string_view value) {
  char digits[24];
  const int len = std::snprintf(digits, sizeof(digits), "%lld", static_cast<long long>(seed));
  return LaunchDarklyBucketOfKey(
      Concat({std::string_view(digits, static_cast<size_t>(len)), ".", value}).view());
}

int LaunchDarklyVariationIndex(float bucket, absl::Span<const int32_t> weights) noexcept {
  if (weights.empty()) return -1;
  float sum = 0.0f;
  for (size_t i = 0; i < weights.size(); ++i) {
    sum += static_cast<float>(weights[i]) / 100000.0f;
    if (bucket < sum) return static_cast<int>(i);
  }
  return static_cast<int>(weights.size() - 1);
}

// ---------------------------------------------------------------------------
// GrowthBook

std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value, int version,
                                     TextEncoding encoding) {
  if (version == 1) {
    const uint32_t n = Fnv1a32(Concat({value, seed}).view(), encoding);
    return static_cast<double>(n % 1000) / 1000.0;
  }
  if (version == 2) {
    const uint32_t inner = Fnv1a32(Concat({seed, value}).view(), encoding);
    char digits[16];
    const int len = std::snprintf(digits, sizeof(digits), "%u", static_cast<unsigned>(inner));
    const uint32_t n =
        Fnv1a32(std::string_view(digits, static_cast<size_t>(len)), TextEncoding::kUtf8Bytes);
    return static_cast<double>(n % 10000) / 10000.0;
  }
  return std::nullopt;
}

std::vector<GrowthBookRange> GrowthBookBucketRanges(int num_variations, double coverage,
                                                    absl::Span<const double> weights) {
  std::vector<GrowthBookRange> ranges;
  if (num_variations <= 0 || num_variations > kMaxGrowthBookVariations) return ranges;
  // JS: `if (coverage < 0) coverage = 0; else if (coverage > 1) coverage = 1;`
  // (NaN compares false both ways and stays NaN, giving NaN ranges, as in JS.)
  if (coverage < 0) {
    coverage = 0;
  } else if (coverage > 1) {
    coverage = 1;
  }
  const auto n = static_cast<size_t>(num_variations);
  std::vector<double> w;
  const std::vector<double> equal = GrowthBookEqualWeights(num_variations);
  if (weights.size() == n) {
    double total = 0;
    for (const double x : weights) total += x;
    w = (total < 0.99 || total > 1.01) ? equal
                                       : std::vector<double>(weights.begin(), weights.end());
  } else {
    w = equal;
  }
  ranges.reserve(n);
  double cumulative = 0;
  for (const double x : w) {
    const double start = cumulative;
    cumulative += x;
    ranges.emplace_back(start, start + coverage * x);
  }
  return ranges;
}

std::vector<double> GrowthBookEqualWeights(int num_variations) {
  if (num_variations <= 0 || num_variations > kMaxGrowthBookVariations) return {};
  return std::vector<double>(static_cast<size_t>(num_variations),
                             1.0 / static_cast<double>(num_variations));
}

bool GrowthBookInNamespace(std::string_view hash_value, std::string_view namespace_id, double start,
                           double end, TextEncoding encoding) {
  const Concat seed({"__", namespace_id});
  const double n = *GrowthBookHash(seed.view(), hash_value, 1, encoding);
  return n >= start && n < end;
}

int GrowthBookChooseVariation(double n, absl::Span<const GrowthBookRange> ranges) noexcept {
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace canary
EDGEKIT_NAMESPACE_END
