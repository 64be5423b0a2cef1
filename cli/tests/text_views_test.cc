#include "cli/text_views.h"

#include <gtest/gtest.h>

#include "cli/tests/report_fixture.h"

namespace goalpost::cli {
namespace {

TEST(ReportCardsTest, MarksStatusAndEachThreshold) {
  std::string text = RenderReportCards({SampleReport()});
  EXPECT_NE(text.find("[FAIL] Macro F1 on validation"), std::string::npos) << text;
  EXPECT_NE(text.find("PASS f1[macro] >= 0.9  (measured 0.9498)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL roc_auc > 0.5  (measured n/a)  only one class present"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0 of 1 goals passed."), std::string::npos) << text;
}

TEST(ReportCardsTest, NoReportsSaysSo) { EXPECT_EQ(RenderReportCards({}), "No goal reports.\n"); }

TEST(ReportTest, ShowsMetricsSideBySideGridAndBars) {
  std::string text = RenderReport(SampleReport());
  EXPECT_NE(text.find("metric     validation  training"), std::string::npos) << text;
  EXPECT_NE(text.find("f1[macro]      0.9498    0.9485"), std::string::npos) << text;
  // A metric only the training set has prints "-" for validation.
  EXPECT_NE(text.find("accuracy            -    0.9572"), std::string::npos) << text;
  EXPECT_NE(text.find("ham               1238     7"), std::string::npos) << text;
  EXPECT_NE(text.find("0.67-1.00 |########################################| 1800"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("spam |################"), std::string::npos) << text;
  // Empty bins at the ends of a histogram are left out.
  EXPECT_EQ(text.find("0.00-0.33"), std::string::npos) << text;
  EXPECT_NE(text.find("0.33-0.67 |"), std::string::npos) << text;
  EXPECT_NE(text.find("row_count        1814"), std::string::npos) << text;
}

TEST(ExplanationTest, ListsWeightsWithSignBars) {
  goalpost::explain::v1::Explanation explanation;
  explanation.set_row_id("r1");
  explanation.set_class_name("spam");
  auto* strong = explanation.add_features();
  strong->set_feature("money");
  strong->set_weight(0.2);
  auto* weak = explanation.add_features();
  weak->set_feature("meeting");
  weak->set_weight(-0.1);

  std::string text = RenderExplanation(explanation, false);
  EXPECT_NE(text.find("money    +0.2000  ++++++++++++++++++++"), std::string::npos) << text;
  EXPECT_NE(text.find("meeting  -0.1000  ----------"), std::string::npos) << text;
}

}  // namespace
}  // namespace goalpost::cli
