// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
//
// RevocationList: jti → expiry, with an expiry-ordered index for purging
// and for evicting the soonest-expiring entry when full.

#include "edgekit/jwt/revocation.h"

#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "edgekit/base/mutex.h"

EDGEKIT_NAMESPACE_BEGIN
namespace jwt {

namespace {
constexpr size_t kMaxJtiBytes = 1024;
}  // namespace

struct RevocationList::Impl {
  mutable Mutex mu;
  // jti → position in by_expiry.
  absl::flat_hash_map<std::string, std::multimap<absl::Time, std::string>::iterator> by_jti
      ABSL_GUARDED_BY(mu);
  std::multimap<absl::Time, std::string> by_expiry ABSL_GUARDED_BY(mu);
  uint64_t evictions ABSL_GUARDED_BY(mu) = 0;
  uint64_t expired ABSL_GUARDED_BY(mu) = 0;

  void PurgeLockHeld(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (!by_expiry.empty() && by_expiry.begin()->first <= now) {
      by_jti.erase(by_expiry.begin()->second);
      by_expiry.erase(by_expiry.begin());
      ++expired;
    }
  }
};

absl::StatusOr<std::unique_ptr<RevocationList>> RevocationList::Create(size_t capacity) {
  if (capacity < 1 || capacity > kMaxCapacity) {
    return absl::InvalidArgumentError("capacity must be in [1, 2^24]");
  }
  return std::make_unique<RevocationList>(capacity);
}

RevocationList::RevocationList(size_t capacity)
    : capacity_(capacity), impl_(std::make_unique<Impl>()) {}
RevocationList::~RevocationList() = default;

absl::Status RevocationList::Revoke(std::string_view jti, absl::Time expires_at, absl::Time now) {
  if (jti.empty() || jti.size() > kMaxJtiBytes) {
    return absl::InvalidArgumentError("jti must be 1..1024 bytes");
  }
  MutexLock lock(&impl_->mu);
  impl_->PurgeLockHeld(now);
  auto it = impl_->by_jti.find(absl::string_view(jti.data(), jti.size()));
  if (it != impl_->by_jti.end()) {
    if (it->second->first < expires_at) {
      impl_->by_expiry.erase(it->second);
      it->second = impl_->by_expiry.emplace(expires_at, std::string(jti));
    }
    return absl::OkStatus();
  }
  if (expires_at <= now) return absl::OkStatus();  // the token is dead already
  if (capacity_ == 0) {
    ++impl_->evictions;
    return absl::ResourceExhaustedError("revocation list has capacity 0");
  }
  if (impl_->by_jti.size() >= capacity_) {
    auto soonest = impl_->by_expiry.begin();
    if (expires_at <= soonest->first) {
      ++impl_->evictions;
      return absl::ResourceExhaustedError("revocation list full; this entry expires soonest");
    }
    impl_->by_jti.erase(soonest->second);
    impl_->by_expiry.erase(soonest);
    ++impl_->evictions;
  }
  auto pos = impl_->by_expiry.emplace(expires_at, std::string(jti));
  impl_->by_jti.emplace(std::string(jti), pos);
  return absl::OkStatus();
}

bool RevocationList::Unrevoke(std::string_view jti) {
  MutexLock lock(&impl_->mu);
  auto it = impl_->by_jti.find(absl::string_view(jti.data(), jti.size()));
  if (it == impl_->by_jti.end()) return false;
  impl_->by_expiry.erase(it->second);
  impl_->by_jti.erase(it);
  return true;
}

bool RevocationList::IsRevoked(std::string_view jti, absl::Time now) const {
  MutexLock lock(&impl_->mu);
  auto it = impl_->by_jti.find(absl::string_view(jti.data(), jti.size()));
  return it != impl_->by_jti.end() && it->second->first > now;
}

void RevocationList::Purge(absl::Time now) {
  MutexLock lock(&impl_->mu);
  impl_->PurgeLockHeld(now);
}

RevocationListCounters RevocationList::counters() const {
  MutexLock lock(&impl_->mu);
  RevocationListCounters c;
  c.size = impl_->by_jti.size();
  c.evictions = impl_->evictions;
  c.expired = impl_->expired;
  return c;
}

void RevocationList::VisitMetrics(MetricsVisitor& visitor) const {
  const RevocationListCounters c = counters();
  VisitSample(visitor, "edgekit_jwt_revoked_ids", "Token ids in the revocation list",
              MetricType::kGauge, static_cast<double>(c.size));
  VisitSample(visitor, "edgekit_jwt_revocation_evictions_total",
              "Revocations dropped or refused because the list was full", MetricType::kCounter,
              static_cast<double>(c.evictions));
  VisitSample(visitor, "edgekit_jwt_revocation_expired_total",
              "Revocations dropped because their token expired", MetricType::kCounter,
              static_cast<double>(c.expired));
}

}  // namespace jwt
EDGEKIT_NAMESPACE_END
