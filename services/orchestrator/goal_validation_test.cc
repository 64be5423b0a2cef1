#include "services/orchestrator/goal_validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goalpost::orchestrator {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kClasses = {"ham", "spam"};
// Names as the metrics service lists them for the classes ham and spam.
const std::vector<std::string> kMetricNames = {
    "accuracy",        "f1",           "f1[ham]",   "f1[spam]",        "f1[macro]",
    "precision",       "precision[ham]", "precision[spam]", "precision[macro]", "roc_auc",
    "top_k_accuracy[1]", "top_k_accuracy[2]"};

v1::Goal GoalWith(const std::string& metric, v1::ThresholdOperator op, double value,
                  const std::string& subpopulation = "") {
  v1::Goal goal;
  goal.set_display_name("a goal");
  goal.set_subpopulation(subpopulation);
  v1::Threshold* threshold = goal.add_thresholds();
  threshold->set_metric(metric);
  threshold->set_operator_(op);
  threshold->set_value(value);
  return goal;
}

TEST(GoalValidationTest, ValidGoalIsNormalised) {
  auto goal = ValidateGoal(GoalWith("precision[spam]", v1::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.95,
                                    "text has all( \"free\" ,\"money\")"),
                           kClasses, kMetricNames);
  ASSERT_TRUE(goal.ok()) << goal.status();
  // An unspecified target means the validation set.
  EXPECT_EQ(goal->target(), v1::TARGET_SET_VALIDATION);
  EXPECT_EQ(goal->subpopulation(), "text has all(\"free\", \"money\")");
}

TEST(GoalValidationTest, EmptySubpopulationMeansEveryRow) {
  auto goal = ValidateGoal(GoalWith("f1[macro]", v1::THRESHOLD_OPERATOR_GREATER, 0.9), kClasses,
                           kMetricNames);
  ASSERT_TRUE(goal.ok()) << goal.status();
  EXPECT_EQ(goal->subpopulation(), "");
}

TEST(GoalValidationTest, UnknownMetricIsNamed) {
  auto goal = ValidateGoal(GoalWith("f2[macro]", v1::THRESHOLD_OPERATOR_GREATER, 0.9), kClasses,
                           kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("goal.thresholds[0].metric \"f2[macro]\""));
  EXPECT_THAT(goal.status().message(), HasSubstr("not a known metric"));
}

TEST(GoalValidationTest, UnknownClassIsNamed) {
  auto goal = ValidateGoal(GoalWith("precision[spma]", v1::THRESHOLD_OPERATOR_GREATER, 0.9),
                           kClasses, kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("class \"spma\""));
  EXPECT_THAT(goal.status().message(), HasSubstr("ham, spam"));
}

TEST(GoalValidationTest, TopKBeyondClassCountIsUnknownMetric) {
  auto goal = ValidateGoal(GoalWith("top_k_accuracy[3]", v1::THRESHOLD_OPERATOR_GREATER, 0.9),
                           kClasses, kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("not a known metric"));
}

TEST(GoalValidationTest, UnknownClassInSubpopulationIsNamed) {
  auto goal = ValidateGoal(
      GoalWith("accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.9, "label == \"eggs\""), kClasses,
      kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("goal.subpopulation names class \"eggs\""));
}

TEST(GoalValidationTest, BadOperatorIsRejected) {
  for (int op : {0, 9}) {
    SCOPED_TRACE(op);
    auto goal = ValidateGoal(
        GoalWith("accuracy", static_cast<v1::ThresholdOperator>(op), 0.9), kClasses, kMetricNames);
    ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(goal.status().message(), HasSubstr("goal.thresholds[0].operator"));
  }
}

TEST(GoalValidationTest, UnparsableSubpopulationIsNamed) {
  auto goal = ValidateGoal(
      GoalWith("accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.9, "text has (\"free\""), kClasses,
      kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("goal.subpopulation"));
  EXPECT_THAT(goal.status().message(), HasSubstr("does not parse"));
  EXPECT_THAT(goal.status().message(), HasSubstr("position"));
}

TEST(GoalValidationTest, MissingThresholdsAreRejected) {
  v1::Goal goal;
  goal.set_display_name("no thresholds");
  auto validated = ValidateGoal(goal, kClasses, kMetricNames);
  ASSERT_EQ(validated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(validated.status().message(), HasSubstr("goal.thresholds is empty"));
}

TEST(GoalValidationTest, NonFiniteValueIsRejected) {
  auto goal = ValidateGoal(GoalWith("accuracy", v1::THRESHOLD_OPERATOR_GREATER, NAN), kClasses,
                           kMetricNames);
  ASSERT_EQ(goal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(goal.status().message(), HasSubstr("goal.thresholds[0].value"));
}

TEST(GoalValidationTest, LongDisplayNameIsRejected) {
  v1::Goal goal = GoalWith("accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.5);
  goal.set_display_name(std::string(201, 'x'));
  auto validated = ValidateGoal(goal, kClasses, kMetricNames);
  ASSERT_EQ(validated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(validated.status().message(), HasSubstr("goal.display_name"));
}

TEST(GoalValidationTest, UnknownTargetIsRejected) {
  v1::Goal goal = GoalWith("accuracy", v1::THRESHOLD_OPERATOR_GREATER, 0.5);
  goal.set_target(static_cast<v1::TargetSet>(7));
  auto validated = ValidateGoal(goal, kClasses, kMetricNames);
  ASSERT_EQ(validated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(validated.status().message(), HasSubstr("goal.target"));
}

}  // namespace
}  // namespace goalpost::orchestrator
