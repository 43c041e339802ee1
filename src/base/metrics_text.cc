// Copyright 2026 The edgekit Authors. SPDX-License-Identifier: Apache-2.0
#include "edgekit/base/metrics_text.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "base/metrics_common.h"
#include "edgekit/base/string_view.h"

EDGEKIT_NAMESPACE_BEGIN

void AppendPrometheusValue(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[40];
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) <= kExactIntegers) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
    out.append(buf, r.ptr);
    return;
  }
  // The shortest digits that read back as `value`, laid out as Go's
  // strconv.FormatFloat(v, 'g', -1, 64) does (what Prometheus' own clients
  // write, so `le` values match theirs): exponent form below 1e-4 and from
  // 1e6 up, positional otherwise ("0.0005", "2.5", "1.5e+06").
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));  // [-]d[.ddd]e±XX
  const size_t e_pos = sci.find('e');
  int exponent = 0;
  for (size_t i = e_pos + 2; i < sci.size(); ++i) exponent = exponent * 10 + (sci[i] - '0');
  if (sci[e_pos + 1] == '-') exponent = -exponent;
  if (exponent < -4 || exponent >= 6) {
    out.append(sci.data(), sci.size());
    return;
  }
  std::string_view mantissa = sci.substr(0, e_pos);
  if (mantissa[0] == '-') {
    out += '-';
    mantissa.remove_prefix(1);
  }
  std::string digits;  // mantissa without the point
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  if (exponent < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out += digits;
    return;
  }
  const size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
    return;
  }
  out.append(digits, 0, int_digits);
  out += '.';
  out.append(digits, int_digits, std::string::npos);
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

namespace {

void AppendEscaped(std::string_view s, bool quote, std::string& out) {
  size_t run = 0;  // start of the bytes not yet appended
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* escaped = c == '\\'             ? "\\\\"
                          : c == '\n'           ? "\\n"
                          : (quote && c == '"') ? "\\\""
                                                : nullptr;
    if (escaped == nullptr) continue;
    out.append(s.data() + run, i - run);
    out += escaped;
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

bool LabelsValid(absl::Span<const MetricLabel> labels, bool histogram) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const MetricLabel& l = labels[i];
    if (!IsValidLabelName(l.name) || l.name.substr(0, 2) == "__") return false;
    if (histogram && l.name == "le") return false;
    if (!base_internal::IsUtf8(l.value)) return false;
    for (size_t j = 0; j < i; ++j) {
      if (labels[j].name == l.name) return false;
    }
  }
  return true;
}

// name{labels[,le="bound"]} value\n
void AppendLine(std::string_view name, std::string_view suffix,
                absl::Span<const MetricLabel> labels, const std::string* le, double value,
                std::string& out) {
  out.append(name.data(), name.size());
  out.append(suffix.data(), suffix.size());
  if (!labels.empty() || le != nullptr) {
    out += '{';
    bool first = true;
    for (const MetricLabel& l : labels) {
      if (!first) out += ',';
      first = false;
      out.append(l.name.data(), l.name.size());
      out += "=\"";
      AppendEscaped(l.value, /*quote=*/true, out);
      out += '"';
    }
    if (le != nullptr) {
      if (!first) out += ',';
      out += "le=\"";
      out += *le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendPrometheusValue(value, out);
  out += '\n';
}

}  // namespace

struct PrometheusTextWriter::State {
  struct Family {
    std::string name;
    std::string help;
    MetricType type = MetricType::kCounter;
    std::string body;  // sample lines
  };
  size_t max_bytes = 0;
  size_t bytes = 0;
  uint64_t samples = 0;
  uint64_t dropped = 0;
  std::vector<Family> families;
  absl::flat_hash_map<std::string, size_t> index;  // name -> families[i]
  std::string scratch;
  size_t last = 0;  // index of the family of the previous sample
};

PrometheusTextWriter::PrometheusTextWriter(size_t max_bytes) : state_(std::make_unique<State>()) {
  state_->max_bytes = max_bytes;
}

PrometheusTextWriter::~PrometheusTextWriter() = default;

void PrometheusTextWriter::Visit(const Metric& metric) {
  State& s = *state_;
  const bool histogram = metric.type == MetricType::kHistogram;
  if (!IsValidMetricName(metric.name) || !LabelsValid(metric.labels, histogram)) {
    ++s.dropped;
    return;
  }
  if (histogram && !base_internal::HistogramValid(metric.histogram)) {
    ++s.dropped;
    return;
  }
  // Samples of one family usually arrive together: try the last one first.
  State::Family* family = nullptr;
  if (s.last < s.families.size() && s.families[s.last].name == metric.name) {
    family = &s.families[s.last];
  } else if (auto it = s.index.find(AbslView(metric.name)); it != s.index.end()) {
    family = &s.families[it->second];
  }
  if (family != nullptr && family->type != metric.type) {
    ++s.dropped;
    return;
  }

  std::string& lines = s.scratch;
  lines.clear();
  if (!histogram) {
    AppendLine(metric.name, "", metric.labels, nullptr, metric.value, lines);
  } else {
    const HistogramSample& h = *metric.histogram;
    uint64_t cumulative = 0;
    std::string le;
    for (size_t i = 0; i < h.upper_bounds.size(); ++i) {
      cumulative += h.bucket_counts[i];
      le.clear();
      AppendPrometheusValue(h.upper_bounds[i], le);
      AppendLine(metric.name, "_bucket", metric.labels, &le, static_cast<double>(cumulative),
                 lines);
    }
    cumulative += h.bucket_counts[h.upper_bounds.size()];
    le = "+Inf";
    AppendLine(metric.name, "_bucket", metric.labels, &le, static_cast<double>(cumulative), lines);
    AppendLine(metric.name, "_sum", metric.labels, nullptr, h.sum, lines);
    AppendLine(metric.name, "_count", metric.labels, nullptr, static_cast<double>(cumulative),
               lines);
  }

  size_t cost = lines.size();
  std::string help;
  if (family == nullptr) {
    if (base_internal::IsUtf8(metric.help)) AppendEscaped(metric.help, /*quote=*/false, help);
    // "# HELP name help\n# TYPE name type\n"
    cost += (help.empty() ? 0 : 9 + metric.name.size() + help.size()) + 9 + metric.name.size() +
            ToString(metric.type).size();
  }
  if (cost > s.max_bytes - std::min(s.bytes, s.max_bytes)) {
    ++s.dropped;
    return;
  }
  if (family == nullptr) {
    s.index.emplace(std::string(metric.name), s.families.size());
    s.families.push_back(State::Family{std::string(metric.name), std::move(help), metric.type, {}});
    family = &s.families.back();
  }
  family->body += lines;
  s.last = static_cast<size_t>(family - s.families.data());
  s.bytes += cost;
  ++s.samples;
}

void PrometheusTextWriter::AppendTo(std::string& out) const {
  out.reserve(out.size() + state_->bytes);
  for (const State::Family& f : state_->families) {
    if (!f.help.empty()) {
      out += "# HELP ";
      out += f.name;
      out += ' ';
      out += f.help;
      out += '\n';
    }
    out += "# TYPE ";
    out += f.name;
    out += ' ';
    const std::string_view type = ToString(f.type);
    out.append(type.data(), type.size());
    out += '\n';
    out += f.body;
  }
}

std::string PrometheusTextWriter::Text() const {
  std::string out;
  AppendTo(out);
  return out;
}

size_t PrometheusTextWriter::families() const { return state_->families.size(); }
uint64_t PrometheusTextWriter::samples() const { return state_->samples; }
uint64_t PrometheusTextWriter::dropped() const { return state_->dropped; }

void PrometheusTextWriter::Clear() {
  const size_t max_bytes = state_->max_bytes;
  *state_ = State{};
  state_->max_bytes = max_bytes;
}

LabelingVisitor::LabelingVisitor(MetricsVisitor& next, absl::Span<const MetricLabel> labels)
    : next_(next) {
  owned_.reserve(labels.size());
  for (const MetricLabel& l : labels)
    owned_.emplace_back(std::string(l.name), std::string(l.value));
  labels_.reserve(owned_.size());
  for (const auto& [name, value] : owned_) labels_.push_back(MetricLabel{name, value});
}

void LabelingVisitor::Visit(const Metric& metric) {
  absl::InlinedVector<MetricLabel, 16> combined(labels_.begin(), labels_.end());
  combined.insert(combined.end(), metric.labels.begin(), metric.labels.end());
  Metric m = metric;
  m.labels = absl::MakeConstSpan(combined.data(), combined.size());
  next_.Visit(m);
}

EDGEKIT_NAMESPACE_END
