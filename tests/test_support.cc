// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// Shared test support, compiled once. With Catch2 v2 the main lives in
// test_main.cc beside this file; with v3 it comes from Catch2WithMain.
#include "edgekit_catch.h"
