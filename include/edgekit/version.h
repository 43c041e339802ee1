// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: version.h
// -----------------------------------------------------------------------------
// The one source of edgekit's version. CMakeLists.txt reads these three macros
// before `project()`, so a header-only copy of edgekit carries its version too.

#ifndef EDGEKIT_VERSION_H_
#define EDGEKIT_VERSION_H_

#define EDGEKIT_VERSION_MAJOR 0
#define EDGEKIT_VERSION_MINOR 1
#define EDGEKIT_VERSION_PATCH 0

// A single integer for preprocessor comparisons: MAJOR*10000 + MINOR*100 + PATCH.
#define EDGEKIT_VERSION \
  (EDGEKIT_VERSION_MAJOR * 10000 + EDGEKIT_VERSION_MINOR * 100 + EDGEKIT_VERSION_PATCH)

#endif  // EDGEKIT_VERSION_H_
