// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target: arbitrary bytes as a JWK Set, a single JWK (with and
// without a host algorithm) and a PEM public key / certificate.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgekit/jwt/key_set.h"

namespace jwt = edgekit::jwt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    jwt::KeySetBuilder b;
    jwt::JwksOptions options;
    options.rsa_algorithms = {jwt::Algorithm::kRS256, jwt::Algorithm::kPS512};
    options.allow_symmetric_keys = true;
    options.hmac_algorithm = jwt::Algorithm::kHS256;
    if (b.AddJwks(input, options).ok()) {
      auto set = b.Build();
      for (const auto& kid : set->Kids()) (void)set->AlgorithmsOf(kid);
      for (const jwt::KeySkipped& k : set->skipped()) (void)jwt::ToString(k.reason);
    }
  }
  {
    jwt::KeySetBuilder b;
    (void)b.AddJwks(input);
    (void)b.AddJwk(input);
    (void)b.AddJwk(input, jwt::Algorithm::kPS256);
    (void)b.AddJwk(input, jwt::Algorithm::kHS512);
    (void)b.Build();
  }
  if (size < 16384) {
    jwt::KeySetBuilder b;
    (void)b.AddPublicKeyPem("k", input, jwt::Algorithm::kES256);
    (void)b.AddPublicKeyPem("r", input, jwt::Algorithm::kRS256);
  }
  return 0;
}
