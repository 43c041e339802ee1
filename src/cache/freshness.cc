// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
// RFC 9111 §4.2 arithmetic (see edgekit/cache/freshness.h).
#include "edgekit/cache/freshness.h"

#include <algorithm>

EDGEKIT_NAMESPACE_BEGIN
namespace cache {

bool IsHeuristicallyCacheableStatus(int status) {
  switch (status) {
    case 200:
    case 203:
    case 204:
    case 206:
    case 300:
    case 301:
    case 308:
    case 404:
    case 405:
    case 410:
    case 414:
    case 501:
      return true;
    default:
      return false;
  }
}

bool IsUnderstoodStatus(int status) {
  switch (status) {
    case 200:
    case 201:
    case 202:
    case 203:
    case 204:
    case 205:
    case 300:
    case 301:
    case 302:
    case 303:
    case 304:
    case 305:
    case 307:
    case 308:
    case 400:
    case 401:
    case 402:
    case 403:
    case 404:
    case 405:
    case 406:
    case 407:
    case 408:
    case 409:
    case 410:
    case 411:
    case 412:
    case 413:
    case 414:
    case 415:
    case 416:
    case 417:
    case 421:
    case 422:
    case 426:
    case 500:
    case 501:
    case 502:
    case 503:
    case 504:
    case 505:
      return true;
    default:
      return false;
  }
}

absl::Duration CorrectedInitialAge(const AgeInputs& in) {
  absl::Duration apparent = absl::ZeroDuration();
  if (in.date_value) {
    apparent = std::max(absl::ZeroDuration(), in.response_time - *in.date_value);
  }
  const absl::Duration delay = std::max(absl::ZeroDuration(), in.response_time - in.request_time);
  const absl::Duration corrected_age_value = in.age_value.value_or(absl::ZeroDuration()) + delay;
  return std::max(apparent, corrected_age_value);
}

Freshness FreshnessLifetime(const FreshnessInputs& in) {
  Freshness f;
  if (in.s_maxage) {
    f.explicit_ = true;
    f.lifetime = *in.s_maxage;
  } else if (in.max_age) {
    f.explicit_ = true;
    f.lifetime = *in.max_age;
  } else if (in.has_expires) {
    f.explicit_ = true;
    if (in.expires) {
      const absl::Time date = in.date.value_or(in.response_time);
      f.lifetime = *in.expires - date;
    }  // else: invalid Expires = in the past (§5.3)
  } else if (IsHeuristicallyCacheableStatus(in.status) || in.public_) {
    if (in.last_modified) {
      const absl::Time date = in.date.value_or(in.response_time);
      if (date > *in.last_modified) {
        absl::Duration h = (date - *in.last_modified) * in.heuristic_fraction;
        h = absl::Trunc(std::min(h, in.heuristic_max), absl::Seconds(1));
        f.lifetime = h;
        f.heuristic = h > absl::ZeroDuration();
      }
    }
  }
  if (f.lifetime < absl::ZeroDuration()) f.lifetime = absl::ZeroDuration();
  return f;
}

}  // namespace cache
EDGEKIT_NAMESPACE_END
