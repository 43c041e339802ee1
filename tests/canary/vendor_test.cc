// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/vendor.h against the vendors' published SDK test
// vectors (collected with their sources in /work/shared/vectors/README.md).

#include "edgekit/canary/vendor.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "edgekit_catch.h"

namespace canary = edgekit::canary;
using canary::TextEncoding;

TEST_CASE("Murmur3 x86_32 matches the reference", "[canary]") {
  // Widely published MurmurHash3_x86_32 vector, seed 0, UTF-8.
  CHECK(canary::Murmur3X86_32("My hovercraft is full of eels.", 0) == 2953494853u);
  // Empty input with seed 0 is 0; seed 1 is 0x514E28B7 (smhasher reference).
  CHECK(canary::Murmur3X86_32("", 0) == 0u);
  CHECK(canary::Murmur3X86_32("", 1) == 0x514E28B7u);
  // unleash-client-node src/test/strategy/util.test.ts: raw hash of "gr1:123".
  CHECK(canary::Murmur3X86_32("gr1:123", 0) == 538421172u);
}

TEST_CASE("Unleash gradual rollout reproduces the SDK vectors", "[canary]") {
  // unleash-client-node src/test/strategy/util.test.ts.
  CHECK(canary::UnleashNormalizedValue("123", "gr1") == 73u);
  CHECK(canary::UnleashNormalizedValue("999", "groupX") == 25u);
  // Client specification 03-gradual-rollout-user-id-strategy.json, group
  // AB12A at 50%: user 122 -> enabled (23), user 155 -> disabled (100).
  CHECK(canary::UnleashNormalizedValue("122", "AB12A") == 23u);
  CHECK(canary::UnleashNormalizedValue("155", "AB12A") == 100u);
  CHECK(canary::UnleashGradualRolloutEnabled("122", "AB12A", 50));
  CHECK_FALSE(canary::UnleashGradualRolloutEnabled("155", "AB12A", 50));
  // Boundaries: normalized <= percentage; 0% admits nobody, 100% everybody.
  CHECK(canary::UnleashGradualRolloutEnabled("123", "gr1", 73));
  CHECK_FALSE(canary::UnleashGradualRolloutEnabled("123", "gr1", 72));
  CHECK_FALSE(canary::UnleashGradualRolloutEnabled("155", "AB12A", 99));
  CHECK(canary::UnleashGradualRolloutEnabled("155", "AB12A", 100));
  CHECK_FALSE(canary::UnleashGradualRolloutEnabled("123", "gr1", 0));
  CHECK(canary::UnleashNormalizedValue("x", "y", 0) == 0u);  // no division by zero
}

TEST_CASE("Unleash variants reproduce the client specification", "[canary]") {
  // Client specification 08-variants.json, Feature.Variants.C, weights
  // 33/33/33: 232 -> variant1 (target 18), 607 -> variant2 (58), 656 ->
  // variant3 (94).
  const std::vector<uint32_t> weights = {33, 33, 33};
  CHECK(canary::UnleashNormalizedValue("232", "Feature.Variants.C", 99,
                                       canary::kUnleashVariantSeed) == 18u);
  CHECK(canary::UnleashNormalizedValue("607", "Feature.Variants.C", 99,
                                       canary::kUnleashVariantSeed) == 58u);
  CHECK(canary::UnleashNormalizedValue("656", "Feature.Variants.C", 99,
                                       canary::kUnleashVariantSeed) == 94u);
  CHECK(canary::UnleashSelectVariant("232", "Feature.Variants.C", weights) == 0);
  CHECK(canary::UnleashSelectVariant("607", "Feature.Variants.C", weights) == 1);
  CHECK(canary::UnleashSelectVariant("656", "Feature.Variants.C", weights) == 2);
  // Zero weights are skipped; target 18 with {0, 33, 33, 33} lands on index 1.
  CHECK(canary::UnleashSelectVariant("232", "Feature.Variants.C",
                                     std::vector<uint32_t>{0, 33, 33, 33}) == 1);
  CHECK(canary::UnleashSelectVariant("232", "f", std::vector<uint32_t>{}) == -1);
  CHECK(canary::UnleashSelectVariant("232", "f", std::vector<uint32_t>{0, 0}) == -1);
}

TEST_CASE("Unleash non-ASCII ids: UTF-8 bytes vs the Node SDK's low bytes", "[canary]") {
  // "gr1:jöhn": UTF-8 bytes 67 72 31 3a 6a c3 b6 68 6e; murmurhash3js takes
  // charCodeAt(i) & 0xff of 'g','r','1',':','j','ö'(0xf6),'h','n'.
  // Expected values from an independent Python implementation of
  // MurmurHash3_x86_32 over both byte strings: 1792988070 and 2676261469.
  CHECK(canary::Murmur3X86_32("gr1:j\xc3\xb6hn", 0) == 1792988070u);
  CHECK(canary::Murmur3X86_32("gr1:j\xf6hn", 0) == 2676261469u);
  CHECK(canary::UnleashNormalizedValue("j\xc3\xb6hn", "gr1") == 71u);
  CHECK(canary::UnleashNormalizedValue("j\xc3\xb6hn", "gr1", 100, 0,
                                       TextEncoding::kUtf16LowBytes) == 70u);
}

TEST_CASE("LaunchDarkly buckets reproduce the Go SDK vectors", "[canary]") {
  // go-server-sdk-evaluation evaluator_bucketing_testdata_test.go: flag key
  // "hashKey", salt "saltyA"; the SDK asserts InEpsilon(expected, got, 1e-7).
  // sha1("hashKey.saltyA.userKeyA") starts 6bec658111d6ad9 = 486043891349154521;
  // float32(486043891349154521) / float32(2^60 - 1) = 0.42157587...
  const float a = canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyA");
  CHECK(std::fabs(a - 0.42157587f) <= 1e-7f * 0.42157587f);
  CHECK(a == 0.42157587f);  // and bit-exact: the float nearest 0.42157587
  CHECK(std::fabs(canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyB") - 0.6708485f) <=
        1e-7f);
  CHECK(std::fabs(canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyC") - 0.10343106f) <=
        1e-7f);
  // With seed 61: sha1("61.userKeyA") starts 19175196da26483.
  const float s = canary::LaunchDarklyBucketWithSeed(61, "userKeyA");
  CHECK(std::fabs(s - 0.09801207f) <= 1e-7f * 0.09801207f);
  CHECK(s == 0.09801207f);
  // Negative seeds print with a minus sign, as strconv.Itoa does.
  CHECK(canary::LaunchDarklyBucketWithSeed(-61, "userKeyA") !=
        canary::LaunchDarklyBucketWithSeed(61, "userKeyA"));
}

TEST_CASE("LaunchDarkly float32 prefix scaling and variation choice", "[canary]") {
  CHECK(canary::LaunchDarklyBucketOfPrefix(0) == 0.0f);
  // 2^60 - 1 rounds to 2^60 in float32 on both sides: exactly 1.
  CHECK(canary::LaunchDarklyBucketOfPrefix(0xFFFFFFFFFFFFFFFULL) == 1.0f);
  CHECK(canary::LaunchDarklyBucketOfPrefix(0x800000000000000ULL) == 0.5f);
  // Weights in 1/100000: 60000 / 40000.
  const std::vector<int32_t> w = {60000, 40000};
  CHECK(canary::LaunchDarklyVariationIndex(0.0f, w) == 0);
  CHECK(canary::LaunchDarklyVariationIndex(0.59999f, w) == 0);
  CHECK(canary::LaunchDarklyVariationIndex(0.6f, w) == 1);
  CHECK(canary::LaunchDarklyVariationIndex(0.99999f, w) == 1);
  // Bucket 1.0 (or weights short of 100000): the last variation.
  CHECK(canary::LaunchDarklyVariationIndex(1.0f, w) == 1);
  CHECK(canary::LaunchDarklyVariationIndex(0.9f, std::vector<int32_t>{10000, 20000}) == 1);
  CHECK(canary::LaunchDarklyVariationIndex(0.5f, std::vector<int32_t>{}) == -1);
  // userKeyA (0.42157587) in a 50/50 rollout gets variation 0.
  CHECK(canary::LaunchDarklyVariationIndex(
            canary::LaunchDarklyBucket("hashKey", "saltyA", "userKeyA"),
            std::vector<int32_t>{50000, 50000}) == 0);
}

TEST_CASE("GrowthBook hash reproduces cases.json", "[canary]") {
  // growthbook packages/sdk-js/test/cases.json, array "hash":
  // [seed, value, version, expected].
  struct Case {
    const char* seed;
    const char* value;
    int version;
    double expected;
  };
  const std::vector<Case> cases = {
      {"", "a", 1, 0.22},
      {"", "b", 1, 0.077},
      {"", "ab", 1, 0.946},
      {"", "def", 1, 0.652},
      {"", "8952klfjas09ujkasdf", 1, 0.549},
      {"", "123", 1, 0.011},
      {"", "___)((*\":&", 1, 0.563},
      {"ef", "d", 1, 0.652},  // v1 hashes value + seed = "def"
      {"seed", "a", 2, 0.0505},
      // cases.json "feature" section, "empty experiment rule - a/b/c"
      // (seed = feature key "feature"), and "creates experiments properly"
      // (hashVersion 2, seed "feature", anonId "123" -> bucket 0.5231).
      {"feature", "123", 1, 0.863},
      {"feature", "456", 1, 0.178},
      {"feature", "fds", 1, 0.514},
      {"feature", "123", 2, 0.5231},
  };
  for (const Case& c : cases) {
    CAPTURE(c.seed, c.value, c.version);
    const std::optional<double> n = canary::GrowthBookHash(c.seed, c.value, c.version);
    REQUIRE(n.has_value());
    CHECK(*n == c.expected);  // exact: the same IEEE double operations as JS
  }
  // v2's inner and outer FNV values from the vector notes.
  CHECK(canary::Fnv1a32("seeda") == 717764279u);
  CHECK(canary::Fnv1a32("717764279") == 2503390505u);
  // Unknown versions: null, as the SDK returns.
  CHECK_FALSE(canary::GrowthBookHash("", "a", 3).has_value());
  CHECK_FALSE(canary::GrowthBookHash("", "a", 0).has_value());
}

TEST_CASE("GrowthBook hashes UTF-16 code units like the JS SDK", "[canary]") {
  // Expected values from an independent Python FNV-1a over
  // str.encode('utf-16-le') code units (what charCodeAt yields):
  //   "héllo":  utf16 4058363231, utf8 1252296000
  //   "😀x":    utf16 2673392192 (surrogates D83D DE00), utf8 3102921296,
  //             low bytes 3668360256
  //   "日本":   utf16 1610399396, utf8 2670128721
  CHECK(canary::Fnv1a32("h\xc3\xa9llo", TextEncoding::kUtf16CodeUnits) == 4058363231u);
  CHECK(canary::Fnv1a32("h\xc3\xa9llo", TextEncoding::kUtf8Bytes) == 1252296000u);
  CHECK(canary::Fnv1a32("\xf0\x9f\x98\x80x", TextEncoding::kUtf16CodeUnits) == 2673392192u);
  CHECK(canary::Fnv1a32("\xf0\x9f\x98\x80x", TextEncoding::kUtf8Bytes) == 3102921296u);
  CHECK(canary::Fnv1a32("\xf0\x9f\x98\x80x", TextEncoding::kUtf16LowBytes) == 3668360256u);
  CHECK(canary::Fnv1a32("\xe6\x97\xa5\xe6\x9c\xac", TextEncoding::kUtf16CodeUnits) == 1610399396u);
  CHECK(canary::Fnv1a32("\xe6\x97\xa5\xe6\x9c\xac") == 2670128721u);
  // GrowthBook v1 of value "héllo", seed "exp": 0.958 (UTF-16) vs 0.511 (UTF-8).
  CHECK(*canary::GrowthBookHash("exp", "h\xc3\xa9llo", 1) == 0.958);
  CHECK(*canary::GrowthBookHash("exp", "h\xc3\xa9llo", 1, TextEncoding::kUtf8Bytes) == 0.511);
  // Ill-formed UTF-8 decodes to U+FFFD, as a JS string from TextDecoder holds.
  CHECK(canary::Fnv1a32("a\xff"
                        "b",
                        TextEncoding::kUtf16CodeUnits) == 3108391347u);
}

TEST_CASE("Utf8ToUtf16 follows the WHATWG decoder", "[canary]") {
  CHECK(canary::Utf8ToUtf16("abc") == u"abc");
  CHECK(canary::Utf8ToUtf16("h\xc3\xa9") == u"h\u00e9");
  CHECK(canary::Utf8ToUtf16("\xf0\x9f\x98\x80") == u"\xD83D\xDE00");
  CHECK(canary::Utf8ToUtf16("\xff") == u"\uFFFD");
  // Truncated sequence at the end: one U+FFFD.
  CHECK(canary::Utf8ToUtf16("a\xe6\x97") == u"a\uFFFD");
  // Bad continuation: U+FFFD, then the byte is reprocessed.
  CHECK(canary::Utf8ToUtf16("\xe6"
                            "A") == u"\uFFFDA");
  // Overlong and surrogate encodings are rejected byte by byte.
  CHECK(canary::Utf8ToUtf16("\xc0\xaf") == u"\uFFFD\uFFFD");
  CHECK(canary::Utf8ToUtf16("\xed\xa0\x80") == u"\uFFFD\uFFFD\uFFFD");
  CHECK(canary::Utf8ToUtf16("\xf4\x90\x80\x80") == u"\uFFFD\uFFFD\uFFFD\uFFFD");
  CHECK(canary::Utf8ToUtf16("") == u"");
}

TEST_CASE("GrowthBook bucket ranges reproduce cases.json getBucketRange", "[canary]") {
  // growthbook cases.json "getBucketRange": [name, [numVariations, coverage,
  // weights|null], expected ranges]. Sums like 0.2 + 0.06 are compared within
  // 1e-12 (the SDK tests round to 6 digits).
  struct Case {
    const char* name;
    int n;
    double coverage;
    std::vector<double> weights;
    std::vector<canary::GrowthBookRange> expected;
  };
  const std::vector<Case> cases = {
      {"normal 50/50", 2, 1, {}, {{0, 0.5}, {0.5, 1}}},
      {"reduced coverage", 2, 0.5, {}, {{0, 0.25}, {0.5, 0.75}}},
      {"zero coverage", 2, 0, {}, {{0, 0}, {0.5, 0.5}}},
      {"4 variations", 4, 1, {}, {{0, 0.25}, {0.25, 0.5}, {0.5, 0.75}, {0.75, 1}}},
      {"uneven weights", 2, 1, {0.4, 0.6}, {{0, 0.4}, {0.4, 1}}},
      {"uneven weights, 3 variations", 3, 1, {0.2, 0.3, 0.5}, {{0, 0.2}, {0.2, 0.5}, {0.5, 1}}},
      {"uneven weights, reduced coverage, 3 variations",
       3,
       0.2,
       {0.2, 0.3, 0.5},
       {{0, 0.04}, {0.2, 0.26}, {0.5, 0.6}}},
      {"negative coverage", 2, -0.2, {}, {{0, 0}, {0.5, 0.5}}},
      {"coverage above 1", 2, 1.5, {}, {{0, 0.5}, {0.5, 1}}},
      {"weights sum below 1", 2, 1, {0.4, 0.1}, {{0, 0.5}, {0.5, 1}}},
      {"weights sum above 1", 2, 1, {0.7, 0.6}, {{0, 0.5}, {0.5, 1}}},
      {"weights.length not equal to num variations",
       4,
       1,
       {0.4, 0.4, 0.2},
       {{0, 0.25}, {0.25, 0.5}, {0.5, 0.75}, {0.75, 1}}},
      {"weights sum almost equals 1", 2, 1, {0.4, 0.5999}, {{0, 0.4}, {0.4, 0.9999}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const auto ranges = canary::GrowthBookBucketRanges(c.n, c.coverage, c.weights);
    REQUIRE(ranges.size() == c.expected.size());
    for (size_t i = 0; i < ranges.size(); ++i) {
      CHECK(std::fabs(ranges[i].first - c.expected[i].first) < 1e-12);
      CHECK(std::fabs(ranges[i].second - c.expected[i].second) < 1e-12);
    }
  }
  CHECK(canary::GrowthBookBucketRanges(0, 1, {}).empty());
  CHECK(canary::GrowthBookBucketRanges(canary::kMaxGrowthBookVariations, 1, {}).size() ==
        static_cast<size_t>(canary::kMaxGrowthBookVariations));
  CHECK(canary::GrowthBookBucketRanges(canary::kMaxGrowthBookVariations + 1, 1, {}).empty());
  CHECK(canary::GrowthBookEqualWeights(2147483647).empty());
}

TEST_CASE("GrowthBook chooseVariation and a full experiment assignment", "[canary]") {
  const std::vector<canary::GrowthBookRange> ranges = {{0, 0.5}, {0.5, 1}};
  CHECK(canary::GrowthBookChooseVariation(0.0, ranges) == 0);
  CHECK(canary::GrowthBookChooseVariation(0.4999, ranges) == 0);
  CHECK(canary::GrowthBookChooseVariation(0.5, ranges) == 1);
  CHECK(canary::GrowthBookChooseVariation(1.0, ranges) == -1);
  const std::vector<canary::GrowthBookRange> reduced = {{0, 0.25}, {0.5, 0.75}};
  CHECK(canary::GrowthBookChooseVariation(0.3, reduced) == -1);
  // cases.json "feature" / "empty experiment rule": id 123 -> c, 456 -> a,
  // fds -> b with three equal variations, seed = feature key "feature".
  const auto three = canary::GrowthBookBucketRanges(3, 1, {});
  CHECK(canary::GrowthBookChooseVariation(*canary::GrowthBookHash("feature", "123", 1), three) ==
        2);
  CHECK(canary::GrowthBookChooseVariation(*canary::GrowthBookHash("feature", "456", 1), three) ==
        0);
  CHECK(canary::GrowthBookChooseVariation(*canary::GrowthBookHash("feature", "fds", 1), three) ==
        1);
}

TEST_CASE("Vendor modes agree with their formulas on keys longer than the stack buffer",
          "[canary]") {
  // Keys past 256 bytes are assembled on the heap; the result must not change.
  for (const size_t len : {0, 1, 200, 255, 256, 257, 1000}) {
    const std::string id(len, 'u');
    CAPTURE(len);
    CHECK(canary::UnleashNormalizedValue(id, "group") ==
          canary::Murmur3X86_32("group:" + id, 0) % 100 + 1);
    CHECK(*canary::GrowthBookHash("seed", id, 1) ==
          static_cast<double>(canary::Fnv1a32(id + "seed") % 1000) / 1000);
    // The same hashed text "flag.salt.<id>.x" split differently.
    CHECK(canary::LaunchDarklyBucket("flag", "salt", id + ".x") ==
          canary::LaunchDarklyBucket("flag.salt", id, "x"));
  }
}

TEST_CASE("GrowthBook inNamespace, getEqualWeights and chooseVariation cases", "[canary]") {
  // cases.json "inNamespace": [name, id, [namespace, start, end], expected].
  struct Ns {
    const char* id;
    const char* ns;
    double start;
    double end;
    bool expected;
  };
  const std::vector<Ns> ns_cases = {
      {"1", "namespace1", 0, 0.4, false}, {"1", "namespace1", 0.4, 1, true},
      {"1", "namespace2", 0, 0.4, false}, {"1", "namespace2", 0.4, 1, true},
      {"2", "namespace1", 0, 0.4, false}, {"2", "namespace1", 0.4, 1, true},
      {"2", "namespace2", 0, 0.4, false}, {"2", "namespace2", 0.4, 1, true},
      {"3", "namespace1", 0, 0.4, false}, {"3", "namespace1", 0.4, 1, true},
      {"3", "namespace2", 0, 0.4, true},  {"3", "namespace2", 0.4, 1, false},
      {"4", "namespace1", 0, 0.4, false}, {"4", "namespace1", 0.4, 1, true},
      {"4", "namespace2", 0, 0.4, true},  {"4", "namespace2", 0.4, 1, false},
  };
  for (const Ns& c : ns_cases) {
    CAPTURE(c.id, c.ns, c.start);
    CHECK(canary::GrowthBookInNamespace(c.id, c.ns, c.start, c.end) == c.expected);
  }
  // cases.json "getEqualWeights" (3 compared within the suite's 8 digits).
  CHECK(canary::GrowthBookEqualWeights(-1).empty());
  CHECK(canary::GrowthBookEqualWeights(0).empty());
  CHECK(canary::GrowthBookEqualWeights(1) == std::vector<double>{1});
  CHECK(canary::GrowthBookEqualWeights(2) == std::vector<double>{0.5, 0.5});
  for (const double w : canary::GrowthBookEqualWeights(3)) CHECK(std::fabs(w - 0.33333333) < 1e-8);
  CHECK(canary::GrowthBookEqualWeights(4) == std::vector<double>{0.25, 0.25, 0.25, 0.25});
  // cases.json "chooseVariation", reduced ranges [[0, 0.25], [0.5, 0.75]].
  const std::vector<canary::GrowthBookRange> reduced = {{0, 0.25}, {0.5, 0.75}};
  CHECK(canary::GrowthBookChooseVariation(0.2, reduced) == 0);
  CHECK(canary::GrowthBookChooseVariation(0.4, reduced) == -1);
  CHECK(canary::GrowthBookChooseVariation(0.6, reduced) == 1);
  CHECK(canary::GrowthBookChooseVariation(0.8, reduced) == -1);
  CHECK(canary::GrowthBookChooseVariation(0.25, reduced) == -1);
  CHECK(canary::GrowthBookChooseVariation(0.5, reduced) == 1);
  // "zero range": an empty range never matches.
  CHECK(canary::GrowthBookChooseVariation(
            0.5, std::vector<canary::GrowthBookRange>{{0, 0.5}, {0.5, 0.5}, {0.5, 1}}) == 2);
}
