#include "cli/threshold.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace goalpost::cli {

namespace orchestrator = goalpost::orchestrator::v1;

absl::StatusOr<orchestrator::Threshold> ParseThreshold(const std::string& text) {
  size_t position = text.find_first_of("<>");
  if (position == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid --threshold \"", text,
        "\": expected METRIC OPERATOR VALUE with an operator >, >=, < or <=, e.g. "
        "'f1[macro] >= 0.9'"));
  }

  // Metric names contain no '<' or '>', so the first one starts the operator.
  std::string metric(absl::StripAsciiWhitespace(text.substr(0, position)));
  bool or_equal = position + 1 < text.size() && text[position + 1] == '=';
  bool greater = text[position] == '>';
  std::string value_text(absl::StripAsciiWhitespace(text.substr(position + (or_equal ? 2 : 1))));
  if (metric.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --threshold \"", text, "\": the metric name is missing"));
  }

  errno = 0;
  char* end = nullptr;
  double value = std::strtod(value_text.c_str(), &end);
  if (value_text.empty() || *end != '\0' || errno != 0 || !std::isfinite(value)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid --threshold \"", text, "\": \"",
                                                   value_text, "\" is not a finite number"));
  }

  orchestrator::Threshold threshold;
  threshold.set_metric(metric);
  threshold.set_value(value);
  if (greater) {
    threshold.set_operator_(or_equal ? orchestrator::THRESHOLD_OPERATOR_GREATER_EQUAL
                                     : orchestrator::THRESHOLD_OPERATOR_GREATER);
  } else {
    threshold.set_operator_(or_equal ? orchestrator::THRESHOLD_OPERATOR_LESS_EQUAL
                                     : orchestrator::THRESHOLD_OPERATOR_LESS);
  }
  return threshold;
}

}  // namespace goalpost::cli
