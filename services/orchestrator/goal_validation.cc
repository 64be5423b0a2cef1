#include "services/orchestrator/goal_validation.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/filter/filter.h"

namespace goalpost::orchestrator {
namespace {

using ::goalpost::subpopulation::v1::Filter;

std::string ClassList(const std::vector<std::string>& class_names) {
  return absl::StrJoin(class_names, ", ");
}

// An unknown metric name is either a known metric with a bracketed argument
// that is not one of the project's classes ("precision[spma]"), or simply
// unknown; the message says which.
absl::Status UnknownMetricError(const std::string& metric, int index,
                                const std::vector<std::string>& class_names,
                                const std::vector<std::string>& metric_names) {
  size_t open = metric.find('[');
  if (open != std::string::npos && !metric.empty() && metric.back() == ']') {
    std::string base = metric.substr(0, open + 1);
    std::string argument = metric.substr(open + 1, metric.size() - open - 2);
    int number = 0;
    bool base_known = false;
    for (const std::string& known : metric_names) {
      base_known = base_known || absl::StartsWith(known, base);
    }
    if (base_known && !absl::SimpleAtoi(argument, &number)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "goal.thresholds[%d].metric \"%s\" names class \"%s\", which the project does not "
          "have; its classes are: %s",
          index, metric, argument, ClassList(class_names)));
    }
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "goal.thresholds[%d].metric \"%s\" is not a known metric; known metrics are: %s", index,
      metric, absl::StrJoin(metric_names, ", ")));
}

absl::Status ValidateThreshold(const v1::Threshold& threshold, int index,
                               const absl::flat_hash_set<std::string>& known,
                               const std::vector<std::string>& class_names,
                               const std::vector<std::string>& metric_names) {
  if (threshold.metric().empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("goal.thresholds[%d].metric is empty; name a metric such as f1[macro]",
                        index));
  }
  if (!known.contains(threshold.metric())) {
    return UnknownMetricError(threshold.metric(), index, class_names, metric_names);
  }
  if (threshold.operator_() == v1::THRESHOLD_OPERATOR_UNSPECIFIED ||
      !v1::ThresholdOperator_IsValid(threshold.operator_())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.thresholds[%d].operator %d is invalid; use >, >=, < or <=", index,
        static_cast<int>(threshold.operator_())));
  }
  if (!std::isfinite(threshold.value())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.thresholds[%d].value %f is not a finite number", index, threshold.value()));
  }
  return absl::OkStatus();
}

bool NamesClassColumn(const std::string& column) {
  return column == "label" || column == "prediction";
}

// Walks the filter and checks every class name compared with `label` or
// `prediction`; other columns are checked when a run compiles the filter
// against a dataset.
absl::Status CheckFilterClasses(const Filter& filter,
                                const absl::flat_hash_set<std::string>& classes,
                                const std::vector<std::string>& class_names) {
  std::vector<std::string> named;
  if (filter.has_comparison() && NamesClassColumn(filter.comparison().column()) &&
      filter.comparison().has_text()) {
    named.push_back(filter.comparison().text());
  }
  if (filter.has_in_set() && NamesClassColumn(filter.in_set().column())) {
    named.assign(filter.in_set().values().begin(), filter.in_set().values().end());
  }
  for (const std::string& name : named) {
    if (!classes.contains(name)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "goal.subpopulation names class \"%s\", which the project does not have; its "
          "classes are: %s",
          name, ClassList(class_names)));
    }
  }

  if (filter.has_negation()) return CheckFilterClasses(filter.negation(), classes, class_names);
  const auto* list = filter.has_all_of() ? &filter.all_of()
                     : filter.has_any_of() ? &filter.any_of()
                                           : nullptr;
  if (list == nullptr) return absl::OkStatus();
  for (const Filter& child : list->filters()) {
    absl::Status status = CheckFilterClasses(child, classes, class_names);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CanonicalSubpopulation(const std::string& text,
                                                   const std::vector<std::string>& class_names) {
  absl::StatusOr<Filter> filter = goalpost::filter::Parse(text);
  if (!filter.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.subpopulation \"%s\" does not parse: %s", text, filter.status().message()));
  }
  absl::flat_hash_set<std::string> classes(class_names.begin(), class_names.end());
  absl::Status status = CheckFilterClasses(*filter, classes, class_names);
  if (!status.ok()) return status;
  return goalpost::filter::Print(*filter);
}

}  // namespace

absl::StatusOr<v1::Goal> ValidateGoal(const v1::Goal& goal,
                                      const std::vector<std::string>& class_names,
                                      const std::vector<std::string>& metric_names) {
  v1::Goal normalised = goal;
  if (goal.display_name().size() > 200) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.display_name has %d characters; at most 200 are allowed", goal.display_name().size()));
  }
  if (goal.target() == v1::TARGET_SET_UNSPECIFIED) {
    normalised.set_target(v1::TARGET_SET_VALIDATION);
  } else if (!v1::TargetSet_IsValid(goal.target())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "goal.target %d is invalid; use validation or training", static_cast<int>(goal.target())));
  }

  if (goal.thresholds().empty()) {
    return absl::InvalidArgumentError(
        "goal.thresholds is empty; a goal needs at least one threshold such as f1[macro] >= 0.9");
  }
  absl::flat_hash_set<std::string> known(metric_names.begin(), metric_names.end());
  for (int i = 0; i < goal.thresholds_size(); ++i) {
    absl::Status status =
        ValidateThreshold(goal.thresholds(i), i, known, class_names, metric_names);
    if (!status.ok()) return status;
  }

  absl::StatusOr<std::string> subpopulation =
      CanonicalSubpopulation(goal.subpopulation(), class_names);
  if (!subpopulation.ok()) return subpopulation.status();
  normalised.set_subpopulation(*subpopulation);
  return normalised;
}

std::string OperatorSymbol(v1::ThresholdOperator op) {
  switch (op) {
    case v1::THRESHOLD_OPERATOR_GREATER:
      return ">";
    case v1::THRESHOLD_OPERATOR_GREATER_EQUAL:
      return ">=";
    case v1::THRESHOLD_OPERATOR_LESS:
      return "<";
    case v1::THRESHOLD_OPERATOR_LESS_EQUAL:
      return "<=";
    default:
      return "?";
  }
}

}  // namespace goalpost::orchestrator
