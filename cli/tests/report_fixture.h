#ifndef GOALPOST_CLI_TESTS_REPORT_FIXTURE_H_
#define GOALPOST_CLI_TESTS_REPORT_FIXTURE_H_

#include <limits>

#include "goalpost/orchestrator/v1/orchestrator.pb.h"

namespace goalpost::cli {

// A goal report shaped as the orchestrator returns it: the SpamAssassin
// validation set's macro F1 goal with one threshold that holds and one
// whose metric is undefined.
inline goalpost::orchestrator::v1::GoalReport SampleReport() {
  namespace orchestrator = goalpost::orchestrator::v1;
  orchestrator::GoalReport report;
  report.set_name("projects/spam/commits/c1/reports/g1");
  report.set_goal("projects/spam/goals/g1");
  report.set_goal_display_name("Macro F1 on validation");
  report.set_commit("projects/spam/commits/c1");
  report.set_run("projects/spam/runs/r1");
  report.set_status(orchestrator::REPORT_STATUS_FAILED);
  report.set_target(orchestrator::TARGET_SET_VALIDATION);
  report.set_row_count(1814);

  auto* held = report.add_thresholds();
  held->mutable_threshold()->set_metric("f1[macro]");
  held->mutable_threshold()->set_operator_(orchestrator::THRESHOLD_OPERATOR_GREATER_EQUAL);
  held->mutable_threshold()->set_value(0.9);
  held->set_measured(0.9497937327382271);
  held->set_passed(true);

  auto* undefined = report.add_thresholds();
  undefined->mutable_threshold()->set_metric("roc_auc");
  undefined->mutable_threshold()->set_operator_(orchestrator::THRESHOLD_OPERATOR_GREATER);
  undefined->mutable_threshold()->set_value(0.5);
  undefined->set_measured(std::numeric_limits<double>::quiet_NaN());
  undefined->set_passed(false);
  undefined->set_reason("only one class present");

  auto* validation = report.mutable_validation();
  validation->set_row_count(1814);
  auto* rows = validation->add_metrics();
  rows->set_name("row_count");
  rows->set_value(1814);
  auto* f1 = validation->add_metrics();
  f1->set_name("f1[macro]");
  f1->set_value(0.9497937327382271);
  auto* auc = validation->add_metrics();
  auc->set_name("roc_auc");
  auc->set_value(std::numeric_limits<double>::quiet_NaN());
  auc->set_reason("only one class present");
  validation->mutable_confusion_matrix()->add_classes("ham");
  validation->mutable_confusion_matrix()->add_classes("spam");
  for (int64_t count : {1238, 7, 69, 500}) validation->mutable_confusion_matrix()->add_counts(count);
  auto* confidence = validation->mutable_histograms()->mutable_confidence();
  confidence->set_lower(0);
  confidence->set_upper(1);
  for (int64_t count : {0, 14, 1800}) confidence->add_counts(count);
  for (int64_t count : {1245, 569}) validation->mutable_histograms()->add_label_distribution(count);
  for (int64_t count : {1307, 507}) {
    validation->mutable_histograms()->add_prediction_distribution(count);
  }

  auto* training = report.mutable_training();
  training->set_row_count(4232);
  auto* training_f1 = training->add_metrics();
  training_f1->set_name("f1[macro]");
  training_f1->set_value(0.9485417652092079);
  auto* accuracy = training->add_metrics();
  accuracy->set_name("accuracy");
  accuracy->set_value(0.9572306238185255);
  return report;
}

}  // namespace goalpost::cli

#endif  // GOALPOST_CLI_TESTS_REPORT_FIXTURE_H_
