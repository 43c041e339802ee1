// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Tests of edgekit/canary/bucket.h: the stable bucketing contract (golden
// vectors), uniformity, independence of salts, monotonic ramps.

#include "edgekit/canary/bucket.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "edgekit_catch.h"

namespace canary = edgekit::canary;

namespace {

// Writes "user-<i>" into `buf` without allocating; returns its length.
size_t UserId(uint32_t i, char* buf) {
  char digits[10];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + i % 10);
    i /= 10;
  } while (i != 0);
  size_t len = 0;
  for (const char c : std::string_view("user-")) buf[len++] = c;
  while (n != 0) buf[len++] = digits[--n];
  return len;
}

// Pearson's chi-square statistic of observed counts against a uniform
// expectation.
double ChiSquareUniform(const std::vector<uint64_t>& counts, uint64_t total) {
  const double expected = static_cast<double>(total) / static_cast<double>(counts.size());
  double chi2 = 0;
  for (const uint64_t c : counts) {
    const double d = static_cast<double>(c) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

}  // namespace

TEST_CASE("Bucket golden vectors pin the hash contract", "[canary]") {
  // Pinned once from this implementation and cross-checked independently with
  // the system's compiled libxxhash.so.0 (0.8.1) through Python ctypes:
  //   seed = XXH3_64bits_withSeed(salt, len, 0)
  //   h    = XXH3_64bits_withSeed(unit, len, seed); bucket = (h * 10000) >> 64
  // (`xxhsum -H3` is not installed on this machine; the .so is a separate
  // build of xxHash than the XXH_INLINE_ALL copy inside edgekit.)
  struct Golden {
    std::string salt;
    std::string unit;
    uint64_t seed;
    uint64_t hash;
    uint32_t bucket;
  };
  const std::vector<Golden> golden = {
      {"checkout-v2", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", 0x21c6bde97a3f7ddcULL,
       0x79ed555fab31a92cULL, 4762},
      {"", "", 0x2d06800538d394c2ULL, 0x412f1275e10017f3ULL, 2546},
      {"checkout-v2", "user-1", 0x21c6bde97a3f7ddcULL, 0x65d8430a97ed60e6ULL, 3978},
      {"checkout-v2", "user-2", 0x21c6bde97a3f7ddcULL, 0xcb32317e3d750e66ULL, 7937},
      {"exp", "a", 0xc25398470cdfc1d5ULL, 0x5c8c04ac4b7b86d5ULL, 3615},
      {"salt", "\xe6\x97\xa5\xe6\x9c\xac", 0x9bd63bcd2b4c3683ULL, 0x7a5618271f76bcf1ULL, 4778},
  };
  for (const Golden& g : golden) {
    CAPTURE(g.salt, g.unit);
    const canary::BucketHasher hasher(g.salt);
    CHECK(hasher.seed() == g.seed);
    CHECK(canary::SaltSeed(g.salt) == g.seed);
    CHECK(hasher.Hash(g.unit) == g.hash);
    CHECK(hasher.Bucket(g.unit) == g.bucket);
    CHECK(canary::Bucket(g.unit, g.salt) == g.bucket);
  }
  // XXH3-64 of the empty input with seed 0 is xxHash's published 0x2D06800538D394C2.
  CHECK(canary::StableHash64("", 0) == 0x2D06800538D394C2ULL);
  // Long inputs take XXH3's > 240-byte path; pinned the same way.
  std::string long_salt;
  for (int i = 0; i < 10; ++i) long_salt += "a-long-salt-";
  const std::string long_unit(300, 'x');
  CHECK(canary::SaltSeed(long_salt) == 0xaccdb254aae6ca25ULL);
  CHECK(canary::BucketHasher(long_salt).Hash(long_unit) == 0x768dfc3d4f825d10ULL);
  CHECK(canary::Bucket(long_unit, long_salt) == 4631);
}

TEST_CASE("ScaleHash maps a hash onto 0..n-1 by multiply-high", "[canary]") {
  CHECK(canary::ScaleHash(0, 10000) == 0);
  CHECK(canary::ScaleHash(UINT64_MAX, 10000) == 9999);
  CHECK(canary::ScaleHash(uint64_t{1} << 63, 10000) == 5000);
  CHECK(canary::ScaleHash(uint64_t{1} << 63, 3) == 1);
  CHECK(canary::ScaleHash(12345, 0) == 0);
  // The bucket boundary: the smallest hash of bucket 1 is ceil(2^64 / 10000).
  const uint64_t first_of_1 = 1844674407370956ULL;  // ceil(18446744073709551616 / 10000)
  CHECK(canary::ScaleHash(first_of_1 - 1, 10000) == 0);
  CHECK(canary::ScaleHash(first_of_1, 10000) == 1);
}

TEST_CASE("InPercent admits exactly the buckets below the percentage", "[canary]") {
  CHECK_FALSE(canary::InPercent(0, 0));
  CHECK(canary::InPercent(0, 1));
  CHECK_FALSE(canary::InPercent(1, 1));
  CHECK(canary::InPercent(9999, 10000));
  CHECK(canary::InPercent(9999, 20000));
  CHECK_FALSE(canary::InPercent(500, 500));
  CHECK(canary::InPercent(499, 500));
}

TEST_CASE("Buckets are uniform over 1M ids (chi-square at p = 0.001)", "[canary]") {
  // 1,000,000 ids "user-0".."user-999999" under one salt.
  constexpr uint32_t kIds = 1000000;
  const canary::BucketHasher hasher("uniformity");
  std::vector<uint64_t> fine(canary::kBuckets, 0);  // all 10000 buckets
  std::vector<uint64_t> coarse(100, 0);             // 1% slices
  char buf[32];
  uint32_t out_of_range = 0;
  for (uint32_t i = 0; i < kIds; ++i) {
    const uint32_t b = hasher.Bucket(std::string_view(buf, UserId(i, buf)));
    if (b >= canary::kBuckets) {
      ++out_of_range;
      continue;
    }
    ++fine[b];
    ++coarse[b / 100];
  }
  // Critical values of chi-square at p = 0.001 (upper tail), computed by
  // bisection on the regularized upper incomplete gamma Q(df/2, x/2):
  //   df = 99:   148.230      df = 9999: 10441.71
  REQUIRE(out_of_range == 0);
  const double chi2_coarse = ChiSquareUniform(coarse, kIds);
  const double chi2_fine = ChiSquareUniform(fine, kIds);
  CAPTURE(chi2_coarse, chi2_fine);
  CHECK(chi2_coarse < 148.230);
  CHECK(chi2_fine < 10441.71);
  // And not suspiciously perfect (a constant-stride bug gives chi2 ~ 0):
  // P(chi2_99 < 66.5) ~ 0.005.
  CHECK(chi2_coarse > 66.5);
}

TEST_CASE("Different salts give independent assignments (10x10 chi-square)", "[canary]") {
  // Joint table of (decile under salt A, decile under salt B) over 200k ids.
  // Under independence each cell expects N / 100. Independence test with
  // df = (10-1)*(10-1) = 81: critical value at p = 0.001 is 126.083.
  constexpr uint32_t kIds = 200000;
  const canary::BucketHasher a("experiment-a");
  const canary::BucketHasher b("experiment-b");
  std::array<std::array<uint64_t, 10>, 10> table{};
  std::array<uint64_t, 10> rows{};
  std::array<uint64_t, 10> cols{};
  char buf[32];
  for (uint32_t i = 0; i < kIds; ++i) {
    const std::string_view id(buf, UserId(i, buf));
    const uint32_t da = a.Bucket(id) / 1000;
    const uint32_t db = b.Bucket(id) / 1000;
    ++table[da][db];
    ++rows[da];
    ++cols[db];
  }
  double chi2 = 0;
  for (size_t r = 0; r < 10; ++r) {
    for (size_t c = 0; c < 10; ++c) {
      const double expected =
          static_cast<double>(rows[r]) * static_cast<double>(cols[c]) / static_cast<double>(kIds);
      const double d = static_cast<double>(table[r][c]) - expected;
      chi2 += d * d / expected;
    }
  }
  CAPTURE(chi2);
  CHECK(chi2 < 126.083);

  // 2x2 view for the canary question itself: "in a 5% canary under A" vs
  // "in a 5% canary under B". Independence predicts 0.25% of ids in both.
  uint64_t both = 0;
  uint64_t in_a = 0;
  uint64_t in_b = 0;
  for (uint32_t i = 0; i < kIds; ++i) {
    const std::string_view id(buf, UserId(i, buf));
    const bool ia = a.InRollout(id, 500);
    const bool ib = b.InRollout(id, 500);
    in_a += ia;
    in_b += ib;
    both += ia && ib;
  }
  // Expected both = N * pa * pb; chi-square (df = 1) on the 2x2 table,
  // critical value at p = 0.001 is 10.828.
  const double n = kIds;
  const double pa = static_cast<double>(in_a) / n;
  const double pb = static_cast<double>(in_b) / n;
  const double cells[4] = {static_cast<double>(both), static_cast<double>(in_a - both),
                           static_cast<double>(in_b - both),
                           n - static_cast<double>(in_a + in_b - both)};
  const double expected[4] = {n * pa * pb, n * pa * (1 - pb), n * (1 - pa) * pb,
                              n * (1 - pa) * (1 - pb)};
  double chi2_2x2 = 0;
  for (int k = 0; k < 4; ++k) {
    const double d = cells[k] - expected[k];
    chi2_2x2 += d * d / expected[k];
  }
  CAPTURE(both, in_a, in_b, chi2_2x2);
  CHECK(chi2_2x2 < 10.828);
}

TEST_CASE("Ramps are monotonic: raising never moves a unit out, lowering only out", "[canary]") {
  const canary::BucketHasher hasher("ramp-property");
  // Percentages visited in a mixed order, as a real ramp with rollbacks would.
  const std::vector<uint32_t> steps = {0,    1, 100,  500,  499,   2500, 2500, 10,
                                       5000, 0, 7300, 9999, 10000, 1,    5000};
  char buf[32];
  for (uint32_t i = 0; i < 20000; ++i) {
    const std::string_view id(buf, UserId(i, buf));
    bool was_in = hasher.InRollout(id, steps[0]);
    for (size_t s = 1; s < steps.size(); ++s) {
      const bool is_in = hasher.InRollout(id, steps[s]);
      if (steps[s] >= steps[s - 1] && was_in) REQUIRE(is_in);    // raising keeps units in
      if (steps[s] <= steps[s - 1] && !was_in) REQUIRE(!is_in);  // lowering admits nobody
      was_in = is_in;
    }
    CHECK_FALSE(hasher.InRollout(id, 0));
    CHECK(hasher.InRollout(id, 10000));
  }
  // Every pair of percentages, not only neighbours: in(p) implies in(q) for p <= q.
  for (uint32_t i = 0; i < 2000; ++i) {
    const std::string_view id(buf, UserId(i, buf));
    const uint32_t b = hasher.Bucket(id);
    for (uint32_t p = 0; p <= 10000; p += 37) {
      REQUIRE(hasher.InRollout(id, p) == (b < p));
    }
  }
  // The admitted fraction tracks the percentage (1% of 100k ~ 1000 +- 4 sigma).
  uint32_t admitted = 0;
  for (uint32_t i = 0; i < 100000; ++i)
    admitted += hasher.InRollout(std::string_view(buf, UserId(i, buf)), 100);
  CHECK(admitted > 1000 - 126);
  CHECK(admitted < 1000 + 126);
}

TEST_CASE("The same unit under the same salt gets the same bucket everywhere", "[canary]") {
  const canary::BucketHasher h1("sticky");
  const canary::BucketHasher h2("sticky");
  const std::string unit = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
  const uint32_t b = h1.Bucket(unit);
  for (int i = 0; i < 10; ++i) CHECK(h2.Bucket(unit) == b);
  // string_view over a substring hashes only its bytes.
  const std::string padded = "xx" + unit + "yy";
  CHECK(h1.Bucket(std::string_view(padded).substr(2, unit.size())) == b);
  // Salts are not concatenated with the unit: ("ab", "c") != ("a", "bc").
  CHECK(canary::BucketHasher("ab").Hash("c") != canary::BucketHasher("a").Hash("bc"));
}
