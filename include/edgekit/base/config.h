// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: config.h
// -----------------------------------------------------------------------------
// Namespace, export and checking macros shared by every edgekit header. It holds
// macros only and includes nothing but `edgekit/version.h`.
//
//   EDGEKIT_NAMESPACE_BEGIN / EDGEKIT_NAMESPACE_END
//       Open and close `namespace edgekit { inline namespace v0 {`. The inline
//       namespace lets two major versions link into one program.
//   EDGEKIT_API
//       Marks a symbol of a compiled component as exported from a shared build
//       (targets are built with hidden visibility).
//   EDGEKIT_DCHECK(cond)
//       Debug-only invariant check; compiled out when NDEBUG is set. Never use
//       it on untrusted input.
//   EDGEKIT_DEVELOPMENT_CHECKS
//       1 in debug builds (API-misuse checks on), 0 whenever NDEBUG is set,
//       unless the user defines it.

#ifndef EDGEKIT_BASE_CONFIG_H_
#define EDGEKIT_BASE_CONFIG_H_

#include "edgekit/version.h"

#define EDGEKIT_NAMESPACE_BEGIN \
  namespace edgekit {           \
  inline namespace v0 {
#define EDGEKIT_NAMESPACE_END \
  }                           \
  }

#if defined(_WIN32) && defined(EDGEKIT_SHARED)
#if defined(EDGEKIT_BUILDING)
#define EDGEKIT_API __declspec(dllexport)
#else
#define EDGEKIT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define EDGEKIT_API __attribute__((visibility("default")))
#else
#define EDGEKIT_API
#endif

#ifndef EDGEKIT_DEVELOPMENT_CHECKS
#ifdef NDEBUG
#define EDGEKIT_DEVELOPMENT_CHECKS 0
#else
#define EDGEKIT_DEVELOPMENT_CHECKS 1
#endif
#endif

#ifdef NDEBUG
#define EDGEKIT_DCHECK(cond) static_cast<void>(0)
#else
#include <cstdio>
#include <cstdlib>
#define EDGEKIT_DCHECK(cond)                                                                     \
  ((cond)                                                                                        \
       ? static_cast<void>(0)                                                                    \
       : (std::fprintf(stderr, "%s:%d: EDGEKIT_DCHECK failed: %s\n", __FILE__, __LINE__, #cond), \
          std::abort()))
#endif

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#define EDGEKIT_HAS_EXCEPTIONS 1
#else
#define EDGEKIT_HAS_EXCEPTIONS 0
#endif

#endif  // EDGEKIT_BASE_CONFIG_H_
