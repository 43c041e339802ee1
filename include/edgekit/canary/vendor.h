// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: vendor.h
// -----------------------------------------------------------------------------
// Bucketing that reproduces feature-flag vendors' SDKs bit for bit, so a team
// moving a rollout from Unleash, LaunchDarkly or GrowthBook to the edge keeps
// every user in the same cohort. Each function names the SDK behaviour it
// copies; tests/canary/vendor_test.cc checks each against the vendors'
// published SDK test vectors.
//
//   Unleash       murmur3 x86_32(groupId + ":" + userId, seed) % n + 1
//                 (gradual rollout seed 0, n = 100; variants seed 86028157,
//                 n = total weight).
//   LaunchDarkly  sha1_hex(flagKey + "." + salt + "." + value) or, with a
//                 seed, sha1_hex(seed + "." + value); first 15 hex digits as
//                 an integer / 0xFFFFFFFFFFFFFFF, computed in 32-bit float as
//                 the Go SDK does (float32(int) / float32(0xFFFFFFFFFFFFFFF)).
//   GrowthBook    v1: fnv1a32(value + seed) % 1000 / 1000;
//                 v2: fnv1a32(decimal(fnv1a32(seed + value))) % 10000 / 10000.
//
// Known quirks, matched on purpose:
//   * GrowthBook's JavaScript SDK (the reference) XORs each UTF-16 code unit
//     (`str.charCodeAt(i)`, 16 bits) into FNV-1a, not each UTF-8 byte. With
//     `TextEncoding::kUtf16CodeUnits` (the default) edgekit decodes the UTF-8
//     input into UTF-16 code units (surrogate pairs for code points above
//     U+FFFF; each ill-formed byte becomes U+FFFD, as `TextDecoder` does) and
//     hashes those. Server SDKs that hash UTF-8 bytes agree for ASCII only:
//     pick `kUtf8Bytes` to match them instead.
//   * Unleash's Node SDK (murmurhash3js) hashes the low byte of each UTF-16
//     code unit (`charCodeAt(i) & 0xff`); the other SDKs and the client
//     specification hash UTF-8 bytes. Default `kUtf8Bytes`; pick
//     `kUtf16LowBytes` to match the Node SDK on non-ASCII ids.
//   * LaunchDarkly's bucket is a float32: 0.42157587 is the float nearest the
//     true quotient, and variation boundaries are sums of float32 weights.
//     (Exact on targets that evaluate float in single precision,
//     FLT_EVAL_METHOD == 0: x86-64 SSE, ARM; not on 32-bit x87.)
//   * Unleash and LaunchDarkly SDKs stringify numeric ids before hashing;
//     pass the same decimal text (e.g. "123") to match.
//
// Example:
//
//   using namespace edgekit::canary;
//   bool on = UnleashGradualRolloutEnabled("123", "gr1", 80);       // 73 <= 80
//   float b = LaunchDarklyBucket("hashKey", "saltyA", "userKeyA");  // 0.42157587
//   std::optional<double> n = GrowthBookHash("seed", "a", 2);       // 0.0505
//
// Thread-safety: all functions are pure and thread-safe.
// Errors: none are reported as status; unsupported inputs give the value the
// vendor's SDK would (documented per function).

#ifndef EDGEKIT_CANARY_VENDOR_H_
#define EDGEKIT_CANARY_VENDOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace canary {

// How a UTF-8 input string is turned into the units a vendor's hash consumes.
enum class TextEncoding {
  kUtf8Bytes,       // the bytes as given
  kUtf16CodeUnits,  // each UTF-16 code unit, 16 bits wide (JS `charCodeAt`)
  kUtf16LowBytes,   // the low 8 bits of each UTF-16 code unit (`& 0xff`)
};

// ---------------------------------------------------------------------------
// The hash functions themselves.

// MurmurHash3 x86 32-bit (Austin Appleby, public domain, MurmurHash3.cpp
// `MurmurHash3_x86_32`) over `data`'s bytes.
[[nodiscard]] EDGEKIT_API uint32_t Murmur3X86_32(std::string_view data, uint32_t seed) noexcept;

// FNV-1a 32-bit (offset basis 0x811c9dc5, prime 0x01000193) over `data` as
// `encoding` says. With kUtf16CodeUnits each code unit is XORed in whole.
[[nodiscard]] EDGEKIT_API uint32_t Fnv1a32(std::string_view data,
                                           TextEncoding encoding = TextEncoding::kUtf8Bytes);

// Decodes UTF-8 into UTF-16 code units the way WHATWG `TextDecoder` (and a JS
// string built from it) would: each maximal ill-formed subsequence becomes
// U+FFFD. Exposed for tests and for hosts that hash UTF-16 themselves.
[[nodiscard]] EDGEKIT_API std::u16string Utf8ToUtf16(std::string_view utf8);

// ---------------------------------------------------------------------------
// Unleash (unleash-client-node `src/strategy/util.ts` `normalizedValue`,
// client specification 03-gradual-rollout-user-id-strategy, 08-variants).

inline constexpr uint32_t kUnleashVariantSeed = 86028157;

// murmur3_x86_32(group_id + ":" + id, seed) % normalizer + 1, in
// 1..normalizer. Returns 0 when normalizer is 0 (the SDKs divide by zero).
[[nodiscard]] EDGEKIT_API uint32_t
UnleashNormalizedValue(std::string_view id, std::string_view group_id, uint32_t normalizer = 100,
                       uint32_t seed = 0, TextEncoding encoding = TextEncoding::kUtf8Bytes);

// The gradual-rollout / flexible-rollout check: percentage > 0 and
// normalized value <= percentage (percentage in 0..100).
[[nodiscard]] EDGEKIT_API bool UnleashGradualRolloutEnabled(
    std::string_view id, std::string_view group_id, uint32_t percentage,
    TextEncoding encoding = TextEncoding::kUtf8Bytes);

// Variant selection: target = UnleashNormalizedValue(id, group_id, total
// weight, 86028157); walking the variants in order, the first whose running
// weight total reaches the target wins (zero weights are skipped). `group_id`
// is the feature name (or the strategy's group id for strategy variants).
// Returns the index into `weights`, or -1 when the total weight is 0.
[[nodiscard]] EDGEKIT_API int UnleashSelectVariant(
    std::string_view id, std::string_view group_id, absl::Span<const uint32_t> weights,
    TextEncoding encoding = TextEncoding::kUtf8Bytes);

// ---------------------------------------------------------------------------
// LaunchDarkly (go-server-sdk-evaluation `bucketing.go`).

// Bucket in [0, 1] for a rollout without a seed:
// sha1_hex(flag_key + "." + salt + "." + value).
[[nodiscard]] EDGEKIT_API float LaunchDarklyBucket(std::string_view flag_key, std::string_view salt,
                                                   std::string_view value);

// Bucket in [0, 1] for a rollout with an integer seed: sha1_hex(decimal(seed)
// + "." + value); the flag key and salt are not used.
[[nodiscard]] EDGEKIT_API float LaunchDarklyBucketWithSeed(int64_t seed, std::string_view value);

// The float32 value of a SHA-1 digest's first 15 hex digits divided by
// 0xFFFFFFFFFFFFFFF (both converted to float32 first, as the Go SDK does).
[[nodiscard]] EDGEKIT_API float LaunchDarklyBucketOfPrefix(uint64_t first_60_bits) noexcept;

// Rollout variation choice: weights in 1/100000 units; accumulates
// float32(weight) / 100000 and returns the first index with bucket < sum; if
// rounding leaves the bucket past the last sum, the last index (the SDK's
// rule). Returns -1 if `weights` is empty.
[[nodiscard]] EDGEKIT_API int LaunchDarklyVariationIndex(
    float bucket, absl::Span<const int32_t> weights) noexcept;

// ---------------------------------------------------------------------------
// GrowthBook (JS SDK `src/util.ts` `hash`, `getBucketRanges`,
// `chooseVariation`; cross-SDK `cases.json`).

// hash(seed, value, version): v1 = fnv1a32(value + seed) % 1000 / 1000,
// v2 = fnv1a32(decimal(fnv1a32(seed + value))) % 10000 / 10000. Any other
// version gives std::nullopt (the SDK returns null and skips the rule).
[[nodiscard]] EDGEKIT_API std::optional<double> GrowthBookHash(
    std::string_view seed, std::string_view value, int version,
    TextEncoding encoding = TextEncoding::kUtf16CodeUnits);

// A variation's [start, end) interval in [0, 1).
using GrowthBookRange = std::pair<double, double>;

// Bound on the variations the GrowthBook helpers build (memory bound; the SDK
// has none, real experiments have a handful).
inline constexpr int kMaxGrowthBookVariations = 1024;

// getBucketRanges(num_variations, coverage, weights): coverage is clamped to
// [0, 1]; weights fall back to equal weights when absent (empty), of the
// wrong length, or summing outside [0.99, 1.01]; range i starts at the sum of
// the weights before it and is coverage * weight long. Returns an empty
// vector when num_variations <= 0 or > kMaxGrowthBookVariations.
[[nodiscard]] EDGEKIT_API std::vector<GrowthBookRange> GrowthBookBucketRanges(
    int num_variations, double coverage, absl::Span<const double> weights);

// chooseVariation(n, ranges): the first i with ranges[i].first <= n <
// ranges[i].second, or -1.
[[nodiscard]] EDGEKIT_API int GrowthBookChooseVariation(
    double n, absl::Span<const GrowthBookRange> ranges) noexcept;

// getEqualWeights(n): n copies of 1/n; empty when n <= 0 or
// n > kMaxGrowthBookVariations.
[[nodiscard]] EDGEKIT_API std::vector<double> GrowthBookEqualWeights(int num_variations);

// inNamespace(id, [namespace_id, start, end]): hash("__" + namespace_id, id,
// 1) in [start, end).
[[nodiscard]] EDGEKIT_API bool GrowthBookInNamespace(
    std::string_view hash_value, std::string_view namespace_id, double start, double end,
    TextEncoding encoding = TextEncoding::kUtf16CodeUnits);

}  // namespace canary
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_CANARY_VENDOR_H_
