// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: key_set_fwd.h
// -----------------------------------------------------------------------------
// NOT API. Forward declarations of the key set's private representation
// (defined in src/jwt, where the OpenSSL objects live), so that the public
// headers can hold it by pointer without naming OpenSSL.

#ifndef EDGEKIT_JWT_INTERNAL_KEY_SET_FWD_H_
#define EDGEKIT_JWT_INTERNAL_KEY_SET_FWD_H_

#include "edgekit/base/config.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt_internal {

struct Key;
struct KeySetImpl;

}  // namespace jwt_internal
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_JWT_INTERNAL_KEY_SET_FWD_H_
