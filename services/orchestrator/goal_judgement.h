#ifndef GOALPOST_SERVICES_ORCHESTRATOR_GOAL_JUDGEMENT_H_
#define GOALPOST_SERVICES_ORCHESTRATOR_GOAL_JUDGEMENT_H_

#include "goalpost/metrics/v1/metrics.pb.h"
#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::orchestrator {

// Judges a goal's thresholds on its target set and fills a report: status,
// thresholds with their measured values, row count, and both metric sets.
// The status is passed when every threshold holds, failed when one does not,
// and error (with why) when the subpopulation has no rows in the target set
// or a threshold's metric is undefined there or missing from the result.
// A metric under scikit-learn's zero-division convention is judged on the
// value it returns. Name, commit, run and create time are left to the caller.
// Returns the error report of a goal that could not be evaluated at all, such
// as one whose subpopulation names a column the commit's datasets lack. Every
// threshold is reported unjudged with `error` as its reason.
v1::GoalReport ErrorReport(const v1::Goal& goal, const std::string& error);

v1::GoalReport JudgeGoal(const v1::Goal& goal,
                         const goalpost::metrics::v1::SubpopulationResult& validation,
                         const goalpost::metrics::v1::SubpopulationResult& training);

}  // namespace goalpost::orchestrator

#endif  // GOALPOST_SERVICES_ORCHESTRATOR_GOAL_JUDGEMENT_H_
