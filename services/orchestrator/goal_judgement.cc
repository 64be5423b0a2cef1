#include "services/orchestrator/goal_judgement.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace goalpost::orchestrator {
namespace {

using ::goalpost::metrics::v1::MetricValue;
using ::goalpost::metrics::v1::SubpopulationResult;

bool Holds(v1::ThresholdOperator op, double measured, double value) {
  switch (op) {
    case v1::THRESHOLD_OPERATOR_GREATER:
      return measured > value;
    case v1::THRESHOLD_OPERATOR_GREATER_EQUAL:
      return measured >= value;
    case v1::THRESHOLD_OPERATOR_LESS:
      return measured < value;
    case v1::THRESHOLD_OPERATOR_LESS_EQUAL:
      return measured <= value;
    default:
      return false;
  }
}

const MetricValue* FindMetric(const SubpopulationResult& result, const std::string& name) {
  for (const MetricValue& metric : result.metrics()) {
    if (metric.name() == name) return &metric;
  }
  return nullptr;
}

std::string SetName(v1::TargetSet target) {
  return target == v1::TARGET_SET_TRAINING ? "training set" : "validation set";
}

// Judges one threshold; returns why it could not be judged, or "".
std::string JudgeThreshold(const SubpopulationResult& target, v1::ThresholdResult& result) {
  const v1::Threshold& threshold = result.threshold();
  const MetricValue* metric = FindMetric(target, threshold.metric());
  if (metric == nullptr) {
    result.set_measured(std::numeric_limits<double>::quiet_NaN());
    result.set_reason("the metrics service did not return this metric");
    return absl::StrFormat("metric %s was not computed", threshold.metric());
  }

  result.set_metric_status(metric->status());
  result.set_reason(metric->reason());
  if (metric->status() == goalpost::metrics::v1::METRIC_STATUS_UNDEFINED ||
      std::isnan(metric->value())) {
    result.set_measured(std::numeric_limits<double>::quiet_NaN());
    return absl::StrFormat("metric %s is undefined on the subpopulation: %s", threshold.metric(),
                           metric->reason());
  }
  result.set_measured(metric->value());
  result.set_passed(Holds(threshold.operator_(), metric->value(), threshold.value()));
  return "";
}

}  // namespace

v1::GoalReport ErrorReport(const v1::Goal& goal, const std::string& error) {
  v1::GoalReport report;
  report.set_goal(goal.name());
  report.set_goal_display_name(goal.display_name());
  report.set_subpopulation(goal.subpopulation());
  report.set_target(goal.target());
  report.set_status(v1::REPORT_STATUS_ERROR);
  report.set_error(error);
  for (const v1::Threshold& threshold : goal.thresholds()) {
    v1::ThresholdResult* result = report.add_thresholds();
    *result->mutable_threshold() = threshold;
    result->set_measured(std::numeric_limits<double>::quiet_NaN());
    result->set_reason(error);
  }
  return report;
}

v1::GoalReport JudgeGoal(const v1::Goal& goal, const SubpopulationResult& validation,
                         const SubpopulationResult& training) {
  v1::GoalReport report;
  report.set_goal(goal.name());
  report.set_goal_display_name(goal.display_name());
  report.set_subpopulation(goal.subpopulation());
  report.set_target(goal.target());
  *report.mutable_validation() = validation;
  *report.mutable_training() = training;
  const SubpopulationResult& target =
      goal.target() == v1::TARGET_SET_TRAINING ? training : validation;
  report.set_row_count(target.row_count());

  std::vector<std::string> errors;
  bool all_passed = true;
  for (const v1::Threshold& threshold : goal.thresholds()) {
    v1::ThresholdResult* result = report.add_thresholds();
    *result->mutable_threshold() = threshold;
    std::string error = target.row_count() == 0 ? "" : JudgeThreshold(target, *result);
    if (target.row_count() == 0) {
      result->set_measured(std::numeric_limits<double>::quiet_NaN());
      result->set_reason("the subpopulation is empty");
    }
    if (!error.empty()) errors.push_back(error);
    all_passed = all_passed && result->passed();
  }

  if (target.row_count() == 0) {
    report.set_status(v1::REPORT_STATUS_ERROR);
    report.set_error(absl::StrFormat("the subpopulation \"%s\" has no rows in the %s",
                                     goal.subpopulation(), SetName(goal.target())));
  } else if (!errors.empty()) {
    report.set_status(v1::REPORT_STATUS_ERROR);
    report.set_error(absl::StrJoin(errors, "; "));
  } else {
    report.set_status(all_passed ? v1::REPORT_STATUS_PASSED : v1::REPORT_STATUS_FAILED);
  }
  return report;
}

}  // namespace goalpost::orchestrator
