// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target for the UTF-8 decoding behind edgekit::canary's vendor modes
// (GrowthBook's UTF-16 code units, Unleash Node's low bytes): arbitrary bytes
// must decode without crashing, into at most one code unit per input byte,
// and the vendor hashes must agree with hashing the decoded units directly.
// The bucketing entry points are exercised on the same bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "edgekit/canary/bucket.h"
#include "edgekit/canary/vendor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace canary = edgekit::canary;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::u16string units = canary::Utf8ToUtf16(in);
  if (units.size() > in.size()) std::abort();
  uint32_t h16 = 0x811c9dc5u;
  uint32_t hlow = 0x811c9dc5u;
  for (const char16_t u : units) {
    h16 = (h16 ^ static_cast<uint32_t>(u)) * 0x01000193u;
    hlow = (hlow ^ static_cast<uint32_t>(u & 0xFF)) * 0x01000193u;
  }
  if (canary::Fnv1a32(in, canary::TextEncoding::kUtf16CodeUnits) != h16) std::abort();
  if (canary::Fnv1a32(in, canary::TextEncoding::kUtf16LowBytes) != hlow) std::abort();
  // Well-formed UTF-8 round-trips: ASCII decodes to the same units.
  bool ascii = true;
  for (const char c : in) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii && units.size() != in.size()) std::abort();

  const size_t half = size / 2;
  const std::string_view salt = in.substr(0, half);
  const std::string_view unit = in.substr(half);
  if (canary::Bucket(unit, salt) >= canary::kBuckets) std::abort();
  const auto gb = canary::GrowthBookHash(salt, unit, 2);
  if (!gb || *gb < 0 || *gb >= 1) std::abort();
  const float ld = canary::LaunchDarklyBucket(salt, "s", unit);
  if (!(ld >= 0.0f && ld <= 1.0f)) std::abort();
  const uint32_t un =
      canary::UnleashNormalizedValue(unit, salt, 100, 0, canary::TextEncoding::kUtf16LowBytes);
  if (un < 1 || un > 100) std::abort();
  return 0;
}
