// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// File: demo.h
// -----------------------------------------------------------------------------
// The gateway's scripted demo and the pieces it is made of, reusable by
// `edgekit-gateway --demo-origins`:
//
//   * `DemoOrigin`: an in-process origin (HttpServer on 127.0.0.1) that counts
//     what it sees per path and per user, can be taken down (503) and can fail
//     every n-th request of /api/work (deterministic error injection).
//   * `DemoKeys`: an HS256 key as a JWKS and a token minter (valid, expired,
//     forged, alg=none).
//   * `RunDemo`: the scenario (auth, rate limits, stampede, breaker, canary)
//     with a concurrent load generator over loopback and a report of measured
//     facts; with `check`, the report's claims are asserted.

#ifndef EDGEKIT_EXAMPLES_EDGE_GATEWAY_DEMO_H_
#define EDGEKIT_EXAMPLES_EDGE_GATEWAY_DEMO_H_

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "edgekit/base/mutex.h"
#include "net.h"

namespace edgekit_examples {

class DemoOrigin {
 public:
  // Starts listening on 127.0.0.1 (a free port).
  static absl::StatusOr<std::unique_ptr<DemoOrigin>> Start(EventLoop& loop, std::string name);

  std::string url() const;
  // Requests seen for `path` (without query), and in total.
  uint64_t Count(const std::string& path) const;
  uint64_t Total() const;
  // Users (X-Edgekit-Subject) seen on /api/work.
  std::set<std::string> WorkUsers() const;
  void ClearWorkUsers();

  // Down: every request gets 503.
  void SetDown(bool down) { down_.store(down); }
  // Every n-th /api/work request fails with 500 (0: none).
  void SetWorkErrorPeriod(int n) { work_error_period_.store(n); }

 private:
  explicit DemoOrigin(std::string name) : name_(std::move(name)) {}
  void Handle(HttpRequest req, ServerExchange ex);

  const std::string name_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> down_{false};
  std::atomic<int> work_error_period_{0};
  mutable edgekit::Mutex mu_;
  std::map<std::string, uint64_t> counts_ ABSL_GUARDED_BY(mu_);
  uint64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t work_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<std::string> work_users_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> version_{1};
};

// An HS256 signing key for the demo, its JWKS, and tokens.
class DemoKeys {
 public:
  DemoKeys();  // a random 32-byte secret
  std::string Jwks() const;
  static constexpr const char* kIssuer = "edgekit-demo";
  static constexpr const char* kAudience = "edgekit-gateway";
  // A token for `sub` expiring `ttl_seconds` from now (negative: expired).
  std::string Token(const std::string& sub, int64_t ttl_seconds = 600,
                    const std::string& tier = "") const;
  // Signed with another secret (same kid).
  std::string Forged(const std::string& sub) const;
  // alg "none" and an empty signature.
  std::string AlgNone(const std::string& sub) const;

 private:
  std::string Sign(const std::string& secret, const std::string& header_json,
                   const std::string& payload_json) const;
  std::string secret_;
  std::string other_secret_;
};

struct DemoOptions {
  bool check = false;  // assert the report; non-zero exit on failure
  int threads = 2;
};

// Runs the scenario; returns the process exit code.
int RunDemo(const DemoOptions& options);

}  // namespace edgekit_examples

#endif  // EDGEKIT_EXAMPLES_EDGE_GATEWAY_DEMO_H_
