#include "services/inference/tfidf_logistic_regression.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/inference/test_python.h"

namespace goalpost::inference {
namespace {

using nlohmann::json;

// A reference produced by testdata/sklearn_reference.py: the model artifact
// and scikit-learn's predict_proba on the validation texts.
struct TextReference {
  std::string artifact;
  std::vector<std::string> classes;
  std::vector<std::string> texts;
  std::vector<std::vector<double>> probabilities;
};

TextReference LoadReference(const std::string& target) {
  const std::string folder = testing::MakeTemporaryFolder();
  auto output = testing::RunPython({"services/inference/testdata/sklearn_reference.py", "--repo",
                                    ".", "--target", target, "--out", folder});
  EXPECT_TRUE(output.ok()) << output.status();
  TextReference reference;
  reference.artifact = testing::ReadFile(folder + "/model.json").value_or("");
  json parsed = json::parse(testing::ReadFile(folder + "/reference.json").value_or("{}"));
  reference.classes = parsed.value("classes", std::vector<std::string>{});
  reference.texts = parsed.value("texts", std::vector<std::string>{});
  reference.probabilities = parsed.value("probabilities", std::vector<std::vector<double>>{});
  std::filesystem::remove_all(folder);
  return reference;
}

// Served probabilities must agree with scikit-learn's predict_proba to 1e-12
// (the contract is 1e-9); the remaining difference is rounding in log and exp.
void ExpectMatchesScikitLearn(const TextReference& reference) {
  ASSERT_FALSE(reference.texts.empty());
  auto model = TfidfLogisticRegression::FromJson(reference.artifact, reference.classes);
  ASSERT_TRUE(model.ok()) << model.status();
  auto predicted = (*model)->PredictTexts(reference.texts);
  ASSERT_TRUE(predicted.ok()) << predicted.status();

  const size_t classes = reference.classes.size();
  ASSERT_EQ(predicted->probabilities.size(), reference.texts.size() * classes);
  double max_difference = 0.0;
  for (size_t row = 0; row < reference.texts.size(); ++row) {
    for (size_t c = 0; c < classes; ++c) {
      const double difference =
          std::abs(predicted->probabilities[row * classes + c] - reference.probabilities[row][c]);
      max_difference = std::max(max_difference, difference);
    }
  }
  std::ostringstream formatted;
  formatted << std::scientific << max_difference;
  ::testing::Test::RecordProperty("max_difference", formatted.str());
  std::printf("max difference from the reference: %s\n", formatted.str().c_str());
  EXPECT_LE(max_difference, 1e-12);
}

TEST(TfidfLogisticRegressionTest, ShippedModelMatchesScikitLearn) {
  ExpectMatchesScikitLearn(LoadReference("shipped"));
}

TEST(TfidfLogisticRegressionTest, ExportedBinaryModelMatchesScikitLearn) {
  ExpectMatchesScikitLearn(LoadReference("label"));
}

TEST(TfidfLogisticRegressionTest, ExportedMultinomialModelMatchesScikitLearn) {
  TextReference reference = LoadReference("group");
  EXPECT_EQ(reference.classes.size(), 5u);
  ExpectMatchesScikitLearn(reference);
}

TEST(TfidfLogisticRegressionTest, PredictedClassIsArgMax) {
  auto artifact = testing::ReadFile("examples/spamassassin/spam_tfidf_logreg.json");
  ASSERT_TRUE(artifact.ok());
  auto model = TfidfLogisticRegression::FromJson(*artifact, {"ham", "spam"});
  ASSERT_TRUE(model.ok()) << model.status();
  auto predicted = (*model)->PredictTexts(
      {"FREE money!!! Click here to claim your prize now", "the meeting moved to tuesday"});
  ASSERT_TRUE(predicted.ok());
  for (size_t row = 0; row < 2; ++row) {
    const double* p = &predicted->probabilities[row * 2];
    EXPECT_NEAR(p[0] + p[1], 1.0, 1e-15);
    EXPECT_EQ(predicted->predicted_class[row], p[1] > p[0] ? 1 : 0);
  }
}

// A text without any vocabulary token is a zero vector, so only the
// intercept decides: p(spam) = sigmoid(intercept).
TEST(TfidfLogisticRegressionTest, TextWithoutVocabularyTokensUsesIntercept) {
  auto artifact = testing::ReadFile("examples/spamassassin/spam_tfidf_logreg.json");
  ASSERT_TRUE(artifact.ok());
  const double intercept = json::parse(*artifact)["intercept"][0].get<double>();
  auto model = TfidfLogisticRegression::FromJson(*artifact, {"ham", "spam"});
  ASSERT_TRUE(model.ok());
  auto predicted = (*model)->PredictTexts({"", "x"});
  ASSERT_TRUE(predicted.ok());
  EXPECT_DOUBLE_EQ(predicted->probabilities[1], 1.0 / (1.0 + std::exp(-intercept)));
  EXPECT_DOUBLE_EQ(predicted->probabilities[3], 1.0 / (1.0 + std::exp(-intercept)));
}

class BadTextArtifactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    artifact_ = json::parse(
        R"({"kind": "tfidf_logistic_regression", "lowercase": true,
            "token_pattern": "(?u)\\b\\w\\w+\\b", "sublinear_tf": true, "norm": "l2",
            "classes": ["ham", "spam"], "vocabulary": {"free": 0, "money": 1},
            "idf": [1.5, 2.0], "coef": [[0.5, -0.25]], "intercept": [0.1]})");
  }

  absl::Status Register(const std::vector<std::string>& class_names = {"ham", "spam"}) {
    return TfidfLogisticRegression::FromJson(artifact_.dump(), class_names).status();
  }

  json artifact_;
};

TEST_F(BadTextArtifactTest, ValidArtifactLoads) { EXPECT_TRUE(Register().ok()); }

TEST_F(BadTextArtifactTest, NotJsonIsInvalid) {
  auto model = TfidfLogisticRegression::FromJson("{not json", {"ham", "spam"});
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("not a JSON object"), std::string::npos);
}

TEST_F(BadTextArtifactTest, ClassesDifferingFromSpecAreInvalid) {
  absl::Status status = Register({"spam", "ham"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("class_names"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, IdfOfWrongLengthIsInvalid) {
  artifact_["idf"] = {1.0};
  absl::Status status = Register();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'idf'"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, CoefficientRowOfWrongLengthIsInvalid) {
  artifact_["coef"] = {{0.5, -0.25, 1.0}};
  absl::Status status = Register();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("coef[0]"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, CoefficientRowsNotMatchingClassesAreInvalid) {
  artifact_["coef"] = {{0.5, -0.25}, {0.5, -0.25}};
  absl::Status status = Register();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'coef' must have 1 rows"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, MissingVocabularyIsInvalid) {
  artifact_.erase("vocabulary");
  absl::Status status = Register();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'vocabulary'"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, RepeatedVocabularyColumnIsInvalid) {
  artifact_["vocabulary"]["money"] = 0;
  EXPECT_EQ(Register().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BadTextArtifactTest, OtherTokenPatternIsInvalid) {
  artifact_["token_pattern"] = "\\S+";
  absl::Status status = Register();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("token_pattern"), std::string::npos) << status;
}

TEST_F(BadTextArtifactTest, WrongJsonTypeIsInvalid) {
  artifact_["sublinear_tf"] = "yes";
  EXPECT_EQ(Register().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BadTextArtifactTest, NonFiniteCoefficientIsInvalid) {
  artifact_["coef"] = {{0.5, std::numeric_limits<double>::infinity()}};
  EXPECT_EQ(Register().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace goalpost::inference
