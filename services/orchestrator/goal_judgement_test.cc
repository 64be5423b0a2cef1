#include "services/orchestrator/goal_judgement.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goalpost::orchestrator {
namespace {

using ::goalpost::metrics::v1::MetricStatus;
using ::goalpost::metrics::v1::SubpopulationResult;
using ::testing::HasSubstr;

SubpopulationResult ResultWith(int64_t rows, const std::string& metric, double value,
                               MetricStatus status = goalpost::metrics::v1::METRIC_STATUS_DEFINED) {
  SubpopulationResult result;
  result.set_row_count(rows);
  auto* entry = result.add_metrics();
  entry->set_name(metric);
  entry->set_value(value);
  entry->set_status(status);
  if (status == goalpost::metrics::v1::METRIC_STATUS_UNDEFINED) {
    entry->set_reason("only one class is present");
  }
  return result;
}

v1::Goal GoalOn(v1::TargetSet target, const std::string& metric, v1::ThresholdOperator op,
                double value) {
  v1::Goal goal;
  goal.set_name("projects/p/goals/g");
  goal.set_display_name("goal");
  goal.set_target(target);
  auto* threshold = goal.add_thresholds();
  threshold->set_metric(metric);
  threshold->set_operator_(op);
  threshold->set_value(value);
  return goal;
}

TEST(GoalJudgementTest, PassesWhenEveryThresholdHolds) {
  v1::Goal goal = GoalOn(v1::TARGET_SET_VALIDATION, "accuracy",
                         v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.9);
  v1::GoalReport report = JudgeGoal(goal, ResultWith(10, "accuracy", 0.9),
                                    ResultWith(20, "accuracy", 0.5));
  EXPECT_EQ(report.status(), v1::REPORT_STATUS_PASSED);
  EXPECT_EQ(report.row_count(), 10);
  ASSERT_EQ(report.thresholds_size(), 1);
  EXPECT_DOUBLE_EQ(report.thresholds(0).measured(), 0.9);
  EXPECT_TRUE(report.thresholds(0).passed());
}

TEST(GoalJudgementTest, JudgesOnTheTargetSet) {
  // The training set has 0.5, so a training goal fails where the
  // validation set would pass.
  v1::Goal goal = GoalOn(v1::TARGET_SET_TRAINING, "accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.8);
  v1::GoalReport report = JudgeGoal(goal, ResultWith(10, "accuracy", 0.9),
                                    ResultWith(20, "accuracy", 0.5));
  EXPECT_EQ(report.status(), v1::REPORT_STATUS_FAILED);
  EXPECT_EQ(report.row_count(), 20);
  EXPECT_FALSE(report.thresholds(0).passed());
}

TEST(GoalJudgementTest, StrictOperatorsExcludeEquality) {
  const struct {
    v1::ThresholdOperator op;
    bool passed;
  } cases[] = {{v1::THRESHOLD_OPERATOR_GREATER, false},
               {v1::THRESHOLD_OPERATOR_GREATER_EQUAL, true},
               {v1::THRESHOLD_OPERATOR_LESS, false},
               {v1::THRESHOLD_OPERATOR_LESS_EQUAL, true}};
  for (const auto& c : cases) {
    SCOPED_TRACE(static_cast<int>(c.op));
    v1::GoalReport report = JudgeGoal(GoalOn(v1::TARGET_SET_VALIDATION, "log_loss", c.op, 0.25),
                                      ResultWith(5, "log_loss", 0.25), ResultWith(5, "log_loss", 0));
    EXPECT_EQ(report.thresholds(0).passed(), c.passed);
  }
}

TEST(GoalJudgementTest, EmptySubpopulationIsError) {
  v1::Goal goal = GoalOn(v1::TARGET_SET_VALIDATION, "accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.8);
  goal.set_subpopulation("text has \"zzz\"");
  v1::GoalReport report = JudgeGoal(goal, ResultWith(0, "accuracy", NAN),
                                    ResultWith(3, "accuracy", 1.0));
  EXPECT_EQ(report.status(), v1::REPORT_STATUS_ERROR);
  EXPECT_THAT(report.error(), HasSubstr("no rows in the validation set"));
  EXPECT_TRUE(std::isnan(report.thresholds(0).measured()));
}

TEST(GoalJudgementTest, UndefinedMetricIsError) {
  v1::Goal goal = GoalOn(v1::TARGET_SET_VALIDATION, "roc_auc", v1::THRESHOLD_OPERATOR_GREATER, 0.8);
  v1::GoalReport report =
      JudgeGoal(goal, ResultWith(4, "roc_auc", NAN, goalpost::metrics::v1::METRIC_STATUS_UNDEFINED),
                ResultWith(4, "roc_auc", 0.9));
  EXPECT_EQ(report.status(), v1::REPORT_STATUS_ERROR);
  EXPECT_THAT(report.error(), HasSubstr("roc_auc is undefined"));
  EXPECT_THAT(report.error(), HasSubstr("only one class is present"));
}

TEST(GoalJudgementTest, ZeroDivisionValueIsJudged) {
  v1::Goal goal =
      GoalOn(v1::TARGET_SET_VALIDATION, "precision[spam]", v1::THRESHOLD_OPERATOR_GREATER, 0.5);
  v1::GoalReport report = JudgeGoal(
      goal, ResultWith(4, "precision[spam]", 0.0, goalpost::metrics::v1::METRIC_STATUS_ZERO_DIVISION),
      ResultWith(4, "precision[spam]", 1.0));
  EXPECT_EQ(report.status(), v1::REPORT_STATUS_FAILED);
  EXPECT_EQ(report.thresholds(0).metric_status(),
            goalpost::metrics::v1::METRIC_STATUS_ZERO_DIVISION);
}

}  // namespace
}  // namespace goalpost::orchestrator
