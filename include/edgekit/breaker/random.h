// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: random.h
// -----------------------------------------------------------------------------
// Deprecated spelling: the random source now lives in edgekit/base/random.h as
// `edgekit::RandomSource`; these names stay until the breaker moves over.

#ifndef EDGEKIT_BREAKER_RANDOM_H_
#define EDGEKIT_BREAKER_RANDOM_H_

#include "edgekit/base/random.h"

EDGEKIT_NAMESPACE_BEGIN
namespace breaker {
using ::edgekit::RandomSource;
using ::edgekit::SplitMix64;
using ::edgekit::ToRange;
using ::edgekit::ToUnitInterval;
}  // namespace breaker
EDGEKIT_NAMESPACE_END

#endif  // EDGEKIT_BREAKER_RANDOM_H_
