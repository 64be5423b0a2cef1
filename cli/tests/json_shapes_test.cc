#include "cli/json_shapes.h"

#include <gtest/gtest.h>

#include "cli/tests/report_fixture.h"

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;
using nlohmann::json;

TEST(ReportCardJsonTest, HasTheDocumentedShape) {
  json card = ReportCardJson(SampleReport());
  json expected = R"({
    "name": "projects/spam/commits/c1/reports/g1",
    "goal": "projects/spam/goals/g1",
    "goal_name": "Macro F1 on validation",
    "status": "failed",
    "row_count": 1814,
    "thresholds": [
      {"metric": "f1[macro]", "operator": ">=", "value": 0.9,
       "measured": 0.9497937327382271, "passed": true},
      {"metric": "roc_auc", "operator": ">", "value": 0.5, "measured": null,
       "passed": false, "reason": "only one class present"}
    ]
  })"_json;
  EXPECT_EQ(card, expected) << card.dump(2);
}

TEST(ReportJsonTest, KeepsFullPrecisionAndNestsMetricSets) {
  json report = ReportJson(SampleReport());
  // The printed JSON must round-trip the double exactly, so programs can
  // compare it with scikit-learn's value.
  json reparsed = json::parse(report.dump());
  EXPECT_EQ(reparsed["validation"]["metrics"]["f1[macro]"].get<double>(), 0.9497937327382271);
  EXPECT_TRUE(reparsed["validation"]["metrics"]["roc_auc"].is_null());
  EXPECT_EQ(reparsed["validation"]["metric_notes"]["roc_auc"], "only one class present");
  EXPECT_EQ(reparsed["validation"]["confusion_matrix"]["counts"], json::parse("[[1238,7],[69,500]]"));
  EXPECT_EQ(reparsed["validation"]["confusion_matrix"]["classes"], json::parse(R"(["ham","spam"])"));
  EXPECT_EQ(reparsed["validation"]["histograms"]["confidence"]["counts"], json::parse("[0,14,1800]"));
  EXPECT_EQ(reparsed["training"]["row_count"], 4232);
  EXPECT_EQ(reparsed["target"], "validation");
  EXPECT_EQ(reparsed["commit"], "projects/spam/commits/c1");
  EXPECT_EQ(reparsed["status"], "failed");
}

TEST(RunJsonTest, UsesLowerCaseStates) {
  orchestrator::Run run;
  run.set_name("projects/spam/runs/r1");
  run.set_state(orchestrator::RUN_STATE_SUCCEEDED);
  run.set_attempts(2);
  run.add_goals("projects/spam/goals/g1");
  json shape = RunJson(run);
  EXPECT_EQ(shape["state"], "succeeded");
  EXPECT_EQ(shape["attempts"], 2);
  EXPECT_EQ(shape["goals"], json::parse(R"(["projects/spam/goals/g1"])"));
  EXPECT_TRUE(shape["start_time"].is_null());
}

TEST(ReportRowsJsonTest, ListsRowsAndPaging) {
  orchestrator::ListReportRowsResponse page;
  auto* row = page.add_rows();
  row->set_row_id("spam-2/00583");
  row->set_row_index(0);
  row->set_text("You Need Full Disclosure!");
  row->set_label("spam");
  row->set_prediction("ham");
  row->set_confidence(0.61);
  row->set_misclassified(true);
  page.set_next_page_token("t2");
  page.set_total_rows(1814);

  json shape = ReportRowsJson(page);
  ASSERT_EQ(shape["rows"].size(), 1u);
  EXPECT_EQ(shape["rows"][0]["id"], "spam-2/00583");
  EXPECT_EQ(shape["rows"][0]["label"], "spam");
  EXPECT_EQ(shape["rows"][0]["prediction"], "ham");
  EXPECT_EQ(shape["rows"][0]["misclassified"], true);
  EXPECT_EQ(shape["rows"][0]["confidence"].get<double>(), 0.61);
  EXPECT_EQ(shape["next_page_token"], "t2");
  EXPECT_EQ(shape["total_rows"], 1814);
}

TEST(ExplanationJsonTest, HasTheDocumentedKeys) {
  goalpost::explain::v1::Explanation explanation;
  explanation.set_row_id("spam-2/00583");
  explanation.set_class_name("ham");
  auto* feature = explanation.add_features();
  feature->set_feature("Disclosure");
  feature->set_weight(-0.125);
  explanation.set_intercept(0.5);
  explanation.set_score(0.75);
  explanation.set_local_prediction(0.6);

  json shape = ExplanationJson(explanation, true);
  EXPECT_EQ(shape["class"], "ham");
  EXPECT_EQ(shape["features"], json::parse(R"([{"feature":"Disclosure","weight":-0.125}])"));
  EXPECT_EQ(shape["intercept"], 0.5);
  EXPECT_EQ(shape["score"], 0.75);
  EXPECT_EQ(shape["local_prediction"], 0.6);
  EXPECT_EQ(shape["cached"], true);
}

TEST(GoalJsonTest, ListsThresholdsWithSymbols) {
  orchestrator::Goal goal;
  goal.set_name("projects/spam/goals/g2");
  goal.set_display_name("Spam precision on free money");
  goal.set_subpopulation("text has all(\"free\", \"money\")");
  auto* threshold = goal.add_thresholds();
  threshold->set_metric("precision[spam]");
  threshold->set_operator_(orchestrator::THRESHOLD_OPERATOR_GREATER_EQUAL);
  threshold->set_value(0.95);

  json shape = GoalJson(goal, "projects/spam/runs/r2");
  EXPECT_EQ(shape["name"], "projects/spam/goals/g2");
  EXPECT_EQ(shape["target"], "validation");
  EXPECT_EQ(shape["run"], "projects/spam/runs/r2");
  EXPECT_EQ(shape["thresholds"],
            json::parse(R"([{"metric":"precision[spam]","operator":">=","value":0.95}])"));
}

}  // namespace
}  // namespace goalpost::cli
