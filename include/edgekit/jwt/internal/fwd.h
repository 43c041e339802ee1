// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: fwd.h
// -----------------------------------------------------------------------------
// NOT API. Forward declarations of the private pieces the public jwt headers
// refer to (defined in src/jwt, where OpenSSL and simdjson live): the key
// set's representation and the builder of a Token's claim index.

#ifndef EDGEKIT_JWT_INTERNAL_FWD_H_
#define EDGEKIT_JWT_INTERNAL_FWD_H_

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

struct Key;
struct KeySetImpl;
class TokenBuilder;

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_INTERNAL_FWD_H_
