// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: edgekit_catch.h
// -----------------------------------------------------------------------------
// The one place that knows whether Catch2 is v2 (Debian bookworm) or v3. Every
// test includes this header instead of Catch2's own.

#ifndef EDGEKIT_TESTS_EDGEKIT_CATCH_H_
#define EDGEKIT_TESTS_EDGEKIT_CATCH_H_

#ifdef EDGEKIT_CATCH2_V3
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif  // EDGEKIT_TESTS_EDGEKIT_CATCH_H_
