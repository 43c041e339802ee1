// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// One verifier shared by threads while the host swaps key sets (TSan-clean).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "edgekit/jwt/revocation.h"
#include "jwt_test_util.h"

using namespace jwt_test;  // NOLINT

TEST_CASE("a shared verifier verifies on many threads while key sets are swapped",
          "[jwt][concurrency]") {
  const std::string key_a = Secret().substr(0, 32);
  const std::string key_b = Secret().substr(32, 32);
  auto make_set = [&](bool with_b) {
    jwt::KeySetBuilder b;
    REQUIRE(b.AddHmacSecret("a", key_a, Algorithm::kHS256).ok());
    REQUIRE(b.AddJwk(Cat({R"({"kid":"ec",)", Key("P-256").public_jwk.substr(1)})).ok());
    if (with_b) REQUIRE(b.AddHmacSecret("b", key_b, Algorithm::kHS256).ok());
    return b.Build();
  };
  auto set_without_b = make_set(false);
  auto set_with_b = make_set(true);
  auto revoked = std::make_shared<jwt::RevocationList>(32);
  jwt::VerifierOptions o = AllAlgorithms();
  o.revocations = revoked;
  auto v = MakeVerifier(set_without_b, o);
  const std::string ta =
      Sign(Algorithm::kHS256, key_a, R"({"alg":"HS256","kid":"a"})", Claims(R"(,"jti":"x")"));
  const std::string tb = Sign(Algorithm::kHS256, key_b, R"({"alg":"HS256","kid":"b"})", Claims());
  const std::string te =
      Sign(Algorithm::kES256, Key("P-256").private_pem, R"({"alg":"ES256","kid":"ec"})", Claims());
  const std::string bad = WithSignature(ta, std::string(32, 'x'));

  constexpr int kThreads = 4;
  constexpr int kIters = 300;
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::atomic<int> b_ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIters; ++i) {
        const jwt::VerifyResult ra = v->Verify(ta, Now());
        if (ra.verdict != Verdict::kOk && ra.verdict != Verdict::kRevoked) wrong.fetch_add(1);
        if (ra.ok() && ra.token->jwt_id() != std::optional<std::string>("x")) wrong.fetch_add(1);
        const Verdict vb = v->Verify(tb, Now()).verdict;
        if (vb == Verdict::kOk) b_ok.fetch_add(1);
        if (vb != Verdict::kOk && vb != Verdict::kUnknownKey) wrong.fetch_add(1);
        if (v->Verify(bad, Now()).verdict != Verdict::kBadSignature) wrong.fetch_add(1);
        if (i % 10 == t && v->Verify(te, Now()).verdict != Verdict::kOk) {
          wrong.fetch_add(1);
        }
      }
    });
  }
  std::thread swapper([&] {
    for (int i = 0; !stop.load(); ++i) {
      v->SetKeySet(i % 2 ? set_with_b : set_without_b);
      if (i % 7 == 0) (void)revoked->Revoke("x", absl::FromUnixSeconds(1700003600), Now());
      if (i % 7 == 3) revoked->Unrevoke("x");
      (void)v->counters();
      std::this_thread::yield();
    }
  });
  for (auto& th : threads) th.join();
  stop.store(true);
  swapper.join();
  CHECK(wrong.load() == 0);
  const jwt::VerifierCounters s = v->counters();
  uint64_t total = 0;
  for (uint64_t c : s.by_verdict) total += c;
  CHECK(total >= static_cast<uint64_t>(kThreads * kIters * 3));
  v->SetKeySet(set_with_b);
  CHECK(v->Verify(tb, Now()).verdict == Verdict::kOk);
}

TEST_CASE("key set swaps under load are seen by every thread's next verification, lock-free",
          "[jwt][concurrency]") {
  // Round r installs set S_r = {k0..kr} in every verifier, then publishes r.
  // A thread that has seen r verifies a kr token and must succeed: the
  // per-thread key set caches notice the swap through the generation
  // counter. Six verifiers exceed the four cache entries per thread, so
  // entries are also evicted and refilled while sets change.
  constexpr int kRounds = 40;
  constexpr int kVerifiers = 6;
  constexpr int kThreads = 3;
  const std::string secret = Secret().substr(0, 32);
  std::vector<std::shared_ptr<const jwt::KeySet>> sets;
  std::vector<std::string> tokens;
  for (int r = 0; r <= kRounds; ++r) {
    jwt::KeySetBuilder b;
    for (int k = 0; k <= r; ++k) {
      REQUIRE(b.AddHmacSecret("k" + std::to_string(k), secret, Algorithm::kHS256).ok());
    }
    sets.push_back(b.Build());
    tokens.push_back(Sign(Algorithm::kHS256, secret,
                          Cat({R"({"alg":"HS256","kid":"k)", std::to_string(r), "\"}"}), Claims()));
  }
  std::vector<std::unique_ptr<jwt::Verifier>> verifiers;
  for (int i = 0; i < kVerifiers; ++i) verifiers.push_back(MakeVerifier(sets[0], AllAlgorithms()));
  const std::string bad = WithSignature(tokens[0], std::string(32, 'x'));

  std::atomic<int> published{0};
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> checks{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; !done.load(std::memory_order_acquire); ++i) {
        const int round = published.load(std::memory_order_acquire);
        const jwt::Verifier& v = *verifiers[static_cast<size_t>(i % kVerifiers)];
        if (v.Verify(tokens[static_cast<size_t>(round)], Now()).verdict != Verdict::kOk) {
          wrong.fetch_add(1);
        }
        if (i % 5 == 0 && v.Verify(bad, Now()).verdict != Verdict::kBadSignature) {
          wrong.fetch_add(1);
        }
        checks.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int r = 1; r <= kRounds; ++r) {
    for (auto& v : verifiers) v->SetKeySet(sets[static_cast<size_t>(r)]);
    published.store(r, std::memory_order_release);
    // Let the readers run on the new sets a little before the next round.
    const long seen = checks.load();
    while (checks.load() < seen + 20) std::this_thread::yield();
  }
  done.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK(checks.load() >= kRounds * 20);
  for (auto& v : verifiers) {
    CHECK(v->counters().key_set_swaps == static_cast<uint64_t>(kRounds));
    CHECK(v->key_set() == sets.back());
  }
}

TEST_CASE("rotating secrets under one kid: the per-thread memos never accept a rotated-out key",
          "[jwt][concurrency]") {
  // Sets S0 = {k: secret a, e: EC key 1} and S1 = {k: secret b, e: EC key 2}
  // share kids, so every token of a kind has one header and the header memo
  // hits across verifiers and swaps. `phase` is even while a set is
  // installed (set (phase / 2) % 2) and odd during a swap; a reader that saw
  // the same even phase before and after a verification knows which set it
  // ran against. A second verifier keeps S0 throughout on the same threads,
  // and a churn thread creates and destroys verifiers holding S1 (new
  // verifiers often take a freed one's address).
  const std::string a = Secret().substr(0, 32), b = Secret().substr(1, 32);
  const std::string header = R"({"alg":"HS256","kid":"k"})";
  const std::string ec_header = R"({"alg":"ES256","kid":"e"})";
  const std::string ta = Sign(Algorithm::kHS256, a, header, Claims());
  const std::string tb = Sign(Algorithm::kHS256, b, header, Claims());
  const std::string te0 = Sign(Algorithm::kES256, Key("P-256").private_pem, ec_header, Claims());
  const std::string te1 = Sign(Algorithm::kES256, Key("P-256#2").private_pem, ec_header, Claims());
  const auto make_set = [&](const std::string& secret, const std::string& ec_kind) {
    jwt::KeySetBuilder builder;
    REQUIRE(builder.AddHmacSecret("k", secret, Algorithm::kHS256).ok());
    REQUIRE(builder.AddJwk(JwkWith(R"("kid":"e")", ec_kind)).ok());
    return builder.Build();
  };
  const std::shared_ptr<const jwt::KeySet> sets[2] = {make_set(a, "P-256"), make_set(b, "P-256#2")};
  auto rotating = MakeVerifier(sets[0], AllAlgorithms());
  auto constant = MakeVerifier(sets[0], AllAlgorithms());

  constexpr int kRounds = 30;
  constexpr int kReaders = 2;
  std::atomic<int> phase{0};
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> strict_checks{0};
  const auto expect = [&wrong](const jwt::Verifier& v, const std::string& token, bool ok) {
    if ((v.Verify(token, Now()).verdict == Verdict::kOk) != ok) wrong.fetch_add(1);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; !done.load(std::memory_order_acquire); ++i) {
        const bool with_ec = i % 8 == 0;
        const int before = phase.load(std::memory_order_acquire);
        const Verdict va = rotating->Verify(ta, Now()).verdict;
        const Verdict vb = rotating->Verify(tb, Now()).verdict;
        const Verdict ve0 = with_ec ? rotating->Verify(te0, Now()).verdict : Verdict::kOk;
        const Verdict ve1 = with_ec ? rotating->Verify(te1, Now()).verdict : Verdict::kBadSignature;
        const int after = phase.load(std::memory_order_acquire);
        for (Verdict v : {va, vb, ve0, ve1}) {
          if (v != Verdict::kOk && v != Verdict::kBadSignature) wrong.fetch_add(1);
        }
        if (before == after && before % 2 == 0) {
          const bool s0 = (before / 2) % 2 == 0;
          if ((va == Verdict::kOk) != s0 || (vb == Verdict::kOk) == s0) wrong.fetch_add(1);
          if (with_ec && ((ve0 == Verdict::kOk) != s0 || (ve1 == Verdict::kOk) == s0)) {
            wrong.fetch_add(1);
          }
          strict_checks.fetch_add(1);
        }
        // Most iterations leave the memos on `rotating`'s HMAC header, so
        // they cross the next swap.
        if (i % 4 == 1) {
          expect(*constant, ta, true);
          expect(*constant, tb, false);
          if (with_ec) expect(*constant, te1, false);
        }
      }
    });
  }
  std::atomic<int> churned{0};
  threads.emplace_back([&] {
    while (!done.load(std::memory_order_acquire)) {
      auto v = jwt::Verifier::Create(AllAlgorithms(), sets[1]);
      if (!v.ok()) {
        wrong.fetch_add(1);
        return;
      }
      expect(**v, ta, false);
      expect(**v, tb, true);
      expect(**v, te0, false);
      churned.fetch_add(1);
    }
  });
  for (int r = 1; r <= kRounds; ++r) {
    phase.store(2 * r - 1, std::memory_order_release);
    rotating->SetKeySet(sets[r % 2]);
    phase.store(2 * r, std::memory_order_release);
    const long seen = strict_checks.load();
    while (strict_checks.load() < seen + 3) std::this_thread::yield();
  }
  while (churned.load() == 0) std::this_thread::yield();
  done.store(true, std::memory_order_release);
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK(strict_checks.load() >= kRounds * 3);
  CHECK(rotating->counters().key_set_swaps == static_cast<uint64_t>(kRounds));
}
