#ifndef GOALPOST_SERVICES_ORCHESTRATOR_GOAL_VALIDATION_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_GOAL_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::orchestrator {

// Checks a goal as a client sent it and returns it normalised: the target
// defaults to the validation set and the subpopulation is in canonical text
// form. `class_names` are the project's classes and `metric_names` the names
// the metrics service supports for them (ListMetricNames).
//
// Errors are INVALID_ARGUMENT naming the field and value: a display name over
// 200 characters, no threshold, an unknown metric, a metric or a
// subpopulation naming a class the project does not have, an unspecified or
// unknown operator, a value that is not finite, or a subpopulation that does
// not parse.
absl::StatusOr<v1::Goal> ValidateGoal(const v1::Goal& goal,
                                      const std::vector<std::string>& class_names,
                                      const std::vector<std::string>& metric_names);

// The operator's symbol, ">=" for THRESHOLD_OPERATOR_GREATER_EQUAL; "?" for
// an unspecified one.
std::string OperatorSymbol(v1::ThresholdOperator op);

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_GOAL_VALIDATION_H_
