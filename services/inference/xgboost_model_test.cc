#include "services/inference/xgboost_model.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/inference/test_python.h"

namespace goalpost::inference {
namespace {

using nlohmann::json;

// A reference produced by testdata/xgboost_reference.py: the model, its
// features, the encoded validation rows and python3-xgboost's predict_proba.
struct TabularReference {
  std::string artifact;
  std::vector<std::string> classes;
  std::vector<TabularFeature> features;
  std::vector<double> values;
  std::vector<std::vector<double>> probabilities;
};

TabularReference LoadReference(const std::string& model) {
  const std::string folder = testing::MakeTemporaryFolder();
  auto output = testing::RunPython({"services/inference/testdata/xgboost_reference.py", "--repo",
                                    ".", "--model", model, "--out", folder});
  EXPECT_TRUE(output.ok()) << output.status();
  TabularReference reference;
  reference.artifact = testing::ReadFile(folder + "/model.json").value_or("");
  json parsed = json::parse(testing::ReadFile(folder + "/reference.json").value_or("{}"));
  std::filesystem::remove_all(folder);
  if (!parsed.contains("rows")) return reference;

  reference.classes = parsed["classes"].get<std::vector<std::string>>();
  for (const json& feature : parsed["features"]) {
    reference.features.push_back({feature["name"], feature["categorical"].get<bool>()});
  }
  for (const json& row : parsed["rows"]) {
    for (const json& value : row) {
      reference.values.push_back(value.is_null() ? std::numeric_limits<double>::quiet_NaN()
                                                 : value.get<double>());
    }
  }
  reference.probabilities = parsed["probabilities"].get<std::vector<std::vector<double>>>();
  return reference;
}

// XGBoost computes in float32 on both sides, so the contract is 1e-6.
void ExpectMatchesXgboost(const TabularReference& reference) {
  ASSERT_FALSE(reference.probabilities.empty());
  auto model = XgboostModel::FromJson(reference.artifact, reference.classes, reference.features);
  ASSERT_TRUE(model.ok()) << model.status();
  auto predicted = (*model)->PredictTabular(reference.values);
  ASSERT_TRUE(predicted.ok()) << predicted.status();

  const size_t classes = reference.classes.size();
  ASSERT_EQ(predicted->row_count(), reference.probabilities.size());
  double max_difference = 0.0;
  for (size_t row = 0; row < reference.probabilities.size(); ++row) {
    for (size_t c = 0; c < classes; ++c) {
      max_difference = std::max(max_difference,
                                std::abs(predicted->probabilities[row * classes + c] -
                                         reference.probabilities[row][c]));
    }
  }
  std::ostringstream formatted;
  formatted << std::scientific << max_difference;
  ::testing::Test::RecordProperty("max_difference", formatted.str());
  std::printf("max difference from the reference: %s\n", formatted.str().c_str());
  EXPECT_LE(max_difference, 1e-6);
}

TEST(XgboostModelTest, ShippedBinaryModelMatchesPythonXgboost) {
  ExpectMatchesXgboost(LoadReference("shipped"));
}

TEST(XgboostModelTest, MulticlassSoftprobModelMatchesPythonXgboost) {
  TabularReference reference = LoadReference("multiclass");
  EXPECT_EQ(reference.classes.size(), 4u);
  ExpectMatchesXgboost(reference);
}

// Concurrent callers each use a booster of their own and must get the same
// probabilities as one caller alone.
TEST(XgboostModelTest, ConcurrentPredictionsAgree) {
  TabularReference reference = LoadReference("shipped");
  auto model = XgboostModel::FromJson(reference.artifact, reference.classes, reference.features);
  ASSERT_TRUE(model.ok()) << model.status();
  auto expected = (*model)->PredictTabular(reference.values);
  ASSERT_TRUE(expected.ok());

  std::vector<std::vector<double>> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 5; ++repeat) {
        auto predicted = (*model)->PredictTabular(reference.values);
        if (predicted.ok()) results[t] = predicted->probabilities;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) EXPECT_EQ(result, expected->probabilities);
}

class BadXgboostArtifactTest : public ::testing::Test {
 protected:
  void SetUp() override {
    artifact_ = testing::ReadFile("examples/credit/credit_xgb.json").value_or("");
    json description =
        json::parse(testing::ReadFile("examples/credit/credit_xgb_features.json").value_or("{}"));
    for (const json& feature : description["features"]) {
      features_.push_back({feature["name"], feature["type"] == "categorical"});
    }
  }

  // The artifact as nlohmann::json, with XGBoost's NaN split conditions
  // written as 0 so that the strict parser accepts it.
  json ParsedArtifact() const {
    std::string text = artifact_;
    for (size_t at = text.find("NaN"); at != std::string::npos; at = text.find("NaN", at)) {
      text.replace(at, 3, "0");
    }
    return json::parse(text);
  }

  std::string artifact_;
  std::vector<TabularFeature> features_;
};

TEST_F(BadXgboostArtifactTest, ShippedArtifactLoads) {
  EXPECT_TRUE(XgboostModel::FromJson(artifact_, {"bad", "good"}, features_).ok());
}

TEST_F(BadXgboostArtifactTest, NotJsonIsInvalid) {
  auto model = XgboostModel::FromJson("binary garbage", {"bad", "good"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BadXgboostArtifactTest, ThreeClassesForBinaryModelAreInvalid) {
  auto model = XgboostModel::FromJson(artifact_, {"bad", "good", "unknown"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("2 classes"), std::string::npos) << model.status();
}

TEST_F(BadXgboostArtifactTest, FeatureCountDifferingFromSpecIsInvalid) {
  features_.pop_back();
  auto model = XgboostModel::FromJson(artifact_, {"bad", "good"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("13 features"), std::string::npos) << model.status();
}

TEST_F(BadXgboostArtifactTest, FeatureTypeDifferingFromSpecIsInvalid) {
  features_[1].categorical = false;
  auto model = XgboostModel::FromJson(artifact_, {"bad", "good"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("'Home'"), std::string::npos) << model.status();
}

TEST_F(BadXgboostArtifactTest, UnsupportedObjectiveIsInvalid) {
  json artifact = ParsedArtifact();
  artifact["learner"]["objective"]["name"] = "reg:squarederror";
  auto model = XgboostModel::FromJson(artifact.dump(), {"bad", "good"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("reg:squarederror"), std::string::npos);
}

TEST_F(BadXgboostArtifactTest, JsonThatLibxgboostRejectsIsInvalid) {
  json artifact = ParsedArtifact();
  artifact["learner"]["gradient_booster"]["model"]["trees"] = "none";
  auto model = XgboostModel::FromJson(artifact.dump(), {"bad", "good"}, features_);
  EXPECT_EQ(model.status().code(), absl::StatusCode::kInvalidArgument) << model.status();
}

TEST_F(BadXgboostArtifactTest, ValuesNotMultipleOfFeaturesAreInvalid) {
  auto model = XgboostModel::FromJson(artifact_, {"bad", "good"}, features_);
  ASSERT_TRUE(model.ok());
  std::vector<double> values(features_.size() + 1, 1.0);
  EXPECT_EQ((*model)->PredictTabular(values).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace goalpost::inference
