#include "services/explain/lime/tabular_explainer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "services/explain/testing/credit_example.h"
#include "services/explain/testing/example_models.h"

namespace goalpost::explain {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The credit example: its XGBoost model, features and training set.
class CreditTabularTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::CreditExample> example = testing::LoadCreditExample();
    ASSERT_TRUE(example.ok()) << example.status();
    example_ = new testing::CreditExample(*std::move(example));
    features_ = &example_->features;
    training_ = &example_->training;

    absl::StatusOr<std::unique_ptr<inference::ModelRuntime>> model = testing::LoadCreditModel(*features_);
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = model->release();
  }

  static std::vector<double> ValidationRow(size_t r) { return example_->ValidationRow(r); }

  static TabularClassifier Classifier() {
    return testing::TabularClassifierOf(*model_);
  }

  static double Probability(const std::vector<double>& row, int class_index) {
    Eigen::MatrixXd matrix(1, row.size());
    for (size_t f = 0; f < row.size(); ++f) matrix(0, f) = row[f];
    return (*Classifier()(matrix))(0, class_index);
  }

  // The mean change in the model's probability when feature f of `row` is
  // replaced by each training value that falls in a different bin (or
  // category) than the row's own value.
  static double LeavingBinEffect(const std::vector<double>& row, size_t f, int class_index) {
    const TabularFeature& feature = (*features_)[f];
    auto bin_of = [&](double value) -> double {
      if (std::isnan(value)) return -1;
      if (feature.categorical) return value;
      return (value > feature.quartile_1) + (value > feature.median) + (value > feature.quartile_3);
    };
    const double original = Probability(row, class_index);
    Eigen::MatrixXd changed(0, row.size());
    std::vector<std::vector<double>> rows;
    for (double value : (*training_)[f]) {
      if (bin_of(value) == bin_of(row[f])) continue;
      rows.push_back(row);
      rows.back()[f] = value;
    }
    if (rows.empty()) return 0;
    changed.resize(rows.size(), row.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      for (size_t j = 0; j < row.size(); ++j) changed(i, j) = rows[i][j];
    }
    const Eigen::MatrixXd probabilities = *Classifier()(changed);
    return probabilities.col(class_index).mean() - original;
  }

  static testing::CreditExample* example_;
  static std::vector<TabularFeature>* features_;
  static std::vector<std::vector<double>>* training_;
  static inference::ModelRuntime* model_;
};

std::vector<TabularFeature>* CreditTabularTest::features_ = nullptr;
std::vector<std::vector<double>>* CreditTabularTest::training_ = nullptr;
testing::CreditExample* CreditTabularTest::example_ = nullptr;
inference::ModelRuntime* CreditTabularTest::model_ = nullptr;

// A feature that LIME ranks first must matter. Moving it out of the row's
// bin changes the prediction against the sign of its weight, because a
// positive weight means the row's bin raises the probability. The change is
// also larger than when the feature ranked last moves.
TEST_F(CreditTabularTest, TopRankedFeaturesMovePrediction) {
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, *training_);
  ASSERT_TRUE(explainer.ok()) << explainer.status();

  int agreeing_signs = 0;
  double top_effect_sum = 0;
  double last_effect_sum = 0;
  const int rows = 20;
  for (int r = 0; r < rows; ++r) {
    const std::vector<double> row = ValidationRow(r * 50);
    LimeOptions options;
    options.feature_selection = FeatureSelection::kNone;
    options.seed = r;
    absl::StatusOr<LimeExplanation> explanation = explainer->Explain(row, Classifier(), options);
    ASSERT_TRUE(explanation.ok()) << explanation.status();
    ASSERT_EQ(explanation->features.size(), features_->size());

    auto feature_index = [&](const FeatureExplanation& explained) {
      for (size_t f = 0; f < features_->size(); ++f) {
        const std::string& name = (*features_)[f].name;
        if (explained.feature.find(name) != std::string::npos) return f;
      }
      return features_->size();
    };
    const FeatureExplanation& top = explanation->features.front();
    const FeatureExplanation& last = explanation->features.back();
    const double top_effect = LeavingBinEffect(row, feature_index(top), explanation->class_index);
    const double last_effect = LeavingBinEffect(row, feature_index(last), explanation->class_index);
    if ((top.weight > 0) == (top_effect < 0)) ++agreeing_signs;
    top_effect_sum += std::abs(top_effect);
    last_effect_sum += std::abs(last_effect);
  }

  EXPECT_GE(agreeing_signs, rows * 9 / 10);
  EXPECT_GT(top_effect_sum, 3 * last_effect_sum);
}

TEST_F(CreditTabularTest, ConditionsNameQuartileBinsAndCategories) {
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, *training_);
  ASSERT_TRUE(explainer.ok()) << explainer.status();
  std::vector<double> row = ValidationRow(0);
  row[3] = 20;   // Age, below the first quartile
  row[1] = 5;    // Home = rent
  row[8] = kNaN;  // Income missing
  LimeOptions options;
  options.num_samples = 500;
  options.feature_selection = FeatureSelection::kNone;

  absl::StatusOr<LimeExplanation> explanation = explainer->Explain(row, Classifier(), options);
  ASSERT_TRUE(explanation.ok()) << explanation.status();

  std::map<std::string, std::string> values;
  for (const auto& feature : explanation->features) values[feature.feature] = feature.value;
  char age_condition[64];
  std::snprintf(age_condition, sizeof age_condition, "Age <= %.2f", (*features_)[3].quartile_1);
  EXPECT_EQ(values.count(age_condition), 1u) << age_condition;
  EXPECT_EQ(values[age_condition], "20.00");
  EXPECT_EQ(values["Home=rent"], "rent");
  EXPECT_EQ(values["Income is missing"], "missing");
}

TEST_F(CreditTabularTest, SameSeedGivesIdenticalExplanation) {
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, *training_);
  ASSERT_TRUE(explainer.ok()) << explainer.status();
  LimeOptions options;
  options.num_samples = 1000;
  options.seed = 99;

  absl::StatusOr<LimeExplanation> first = explainer->Explain(ValidationRow(7), Classifier(), options);
  absl::StatusOr<LimeExplanation> second = explainer->Explain(ValidationRow(7), Classifier(), options);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_EQ(first->features.size(), 10u);
  for (size_t i = 0; i < first->features.size(); ++i) {
    EXPECT_EQ(first->features[i].feature, second->features[i].feature);
    EXPECT_EQ(first->features[i].weight, second->features[i].weight);
  }
  EXPECT_EQ(first->local_prediction, second->local_prediction);
}

TEST_F(CreditTabularTest, SamplesStayInsideTheirBins) {
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, *training_);
  ASSERT_TRUE(explainer.ok()) << explainer.status();
  Eigen::MatrixXd seen;
  const TabularClassifier recording = [&](const Eigen::MatrixXd& rows) {
    seen = rows;
    return Classifier()(rows);
  };
  LimeOptions options;
  options.num_samples = 2000;

  ASSERT_TRUE(explainer->Explain(ValidationRow(3), recording, options).ok());

  // Age (feature 3) lies in [min, max] of the training set; Home (feature 1)
  // is a category code or missing.
  const auto& ages = (*training_)[3];
  const double min_age = *std::min_element(ages.begin(), ages.end());
  const double max_age = *std::max_element(ages.begin(), ages.end());
  for (Eigen::Index i = 1; i < seen.rows(); ++i) {
    ASSERT_GE(seen(i, 3), min_age);
    ASSERT_LE(seen(i, 3), max_age);
    if (!std::isnan(seen(i, 1))) {
      ASSERT_EQ(seen(i, 1), std::floor(seen(i, 1)));
    }
  }
  EXPECT_EQ(seen(0, 3), ValidationRow(3)[3]);
}

TEST_F(CreditTabularTest, RowOfWrongWidthIsRejected) {
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, *training_);
  ASSERT_TRUE(explainer.ok()) << explainer.status();

  const absl::StatusOr<LimeExplanation> explanation =
      explainer->Explain({1.0, 2.0}, Classifier(), LimeOptions{});

  EXPECT_EQ(explanation.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CreditTabularTest, TrainingColumnsMustMatchFeatures) {
  const std::vector<std::vector<double>> too_few(training_->begin(), training_->begin() + 3);

  const absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(*features_, too_few);

  EXPECT_EQ(explainer.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CreditTabularTest, MissingQuartilesAreRejected) {
  std::vector<TabularFeature> features = *features_;
  features[0].median = kNaN;

  const absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(features, *training_);

  EXPECT_EQ(explainer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(explainer.status().message().find("Seniority"), std::string::npos);
}

}  // namespace
}  // namespace goalpost::explain
