#include "cli/threshold.h"

#include <gtest/gtest.h>

namespace goalpost::cli {
namespace {

namespace orchestrator = goalpost::orchestrator::v1;

TEST(ThresholdTest, ParsesEachOperator) {
  struct Case {
    std::string text;
    std::string metric;
    orchestrator::ThresholdOperator op;
    double value;
  };
  std::vector<Case> cases = {
      {"f1[macro] >= 0.9", "f1[macro]", orchestrator::THRESHOLD_OPERATOR_GREATER_EQUAL, 0.9},
      {"precision[spam]>0.95", "precision[spam]", orchestrator::THRESHOLD_OPERATOR_GREATER, 0.95},
      {" log_loss < 0.3 ", "log_loss", orchestrator::THRESHOLD_OPERATOR_LESS, 0.3},
      {"ece <= 1e-2", "ece", orchestrator::THRESHOLD_OPERATOR_LESS_EQUAL, 0.01},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto threshold = ParseThreshold(c.text);
    ASSERT_TRUE(threshold.ok()) << threshold.status();
    EXPECT_EQ(threshold->metric(), c.metric);
    EXPECT_EQ(threshold->operator_(), c.op);
    EXPECT_DOUBLE_EQ(threshold->value(), c.value);
  }
}

TEST(ThresholdTest, RejectsMalformedText) {
  for (const std::string text : {"f1[macro] = 0.9", ">= 0.9", "accuracy >= high",
                                 "accuracy >=", "accuracy >= nan"}) {
    SCOPED_TRACE(text);
    auto threshold = ParseThreshold(text);
    ASSERT_FALSE(threshold.ok());
    EXPECT_EQ(threshold.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(threshold.status().message().find(text), std::string::npos);
  }
}

}  // namespace
}  // namespace goalpost::cli
