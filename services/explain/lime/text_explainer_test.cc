#include "services/explain/lime/text_explainer.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/explain/testing/csv_reader.h"
#include "services/explain/testing/example_models.h"

namespace goalpost::explain {
namespace {

using testing::CsvTable;
using inference::ModelRuntime;

const std::vector<std::string> kSpamClasses = {"ham", "spam"};

Eigen::MatrixXd Predict(const ModelRuntime& model, const std::vector<std::string>& texts) {
  absl::StatusOr<inference::ClassProbabilities> result = model.PredictTexts(texts);
  EXPECT_TRUE(result.ok()) << result.status();
  return testing::ToMatrix(*result);
}

std::vector<std::string> TopWords(const std::vector<std::pair<std::string, double>>& features,
                                  size_t count) {
  std::vector<std::string> words;
  for (size_t i = 0; i < std::min(count, features.size()); ++i) words.push_back(features[i].first);
  return words;
}

size_t CountShared(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string> in_a(a.begin(), a.end());
  return std::count_if(b.begin(), b.end(), [&](const std::string& w) { return in_a.count(w) > 0; });
}

// lime_reference.json: explanations of 20 validation rows by the reference
// `lime` package 0.2.0.1 with seeds 0 and 1 (5,000 samples, 10 features,
// the predicted class).
class LimeReferenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<ModelRuntime>> model = testing::LoadSpamModel();
    ASSERT_TRUE(model.ok()) << model.status();
    model_ = model->release();

    absl::StatusOr<CsvTable> table = testing::ReadCsv("examples/spamassassin/validation.csv");
    ASSERT_TRUE(table.ok()) << table.status();
    texts_ = new std::map<std::string, std::string>();
    const int id = table->Column("id");
    const int text = table->Column("text");
    for (const auto& row : table->rows) (*texts_)[row[id]] = row[text];

    std::ifstream file("examples/spamassassin/lime_reference.json");
    reference_ = new nlohmann::json(nlohmann::json::parse(file));
  }

  static std::vector<std::pair<std::string, double>> ReferenceFeatures(const nlohmann::json& run) {
    std::vector<std::pair<std::string, double>> features;
    for (const auto& feature : run.at("features")) {
      features.emplace_back(feature.at("feature").get<std::string>(), feature.at("weight").get<double>());
    }
    return features;
  }

  static LimeExplanation Explain(const nlohmann::json& row, uint64_t seed) {
    const std::string class_name = row.at("explained_class").get<std::string>();
    const auto& classes = kSpamClasses;
    LimeOptions options;
    options.seed = seed;
    options.class_index =
        static_cast<int>(std::find(classes.begin(), classes.end(), class_name) - classes.begin());
    absl::StatusOr<LimeExplanation> explanation =
        ExplainText(texts_->at(row.at("id").get<std::string>()), testing::TextClassifierOf(*model_), options);
    EXPECT_TRUE(explanation.ok()) << explanation.status();
    return explanation.ok() ? *std::move(explanation) : LimeExplanation{};
  }

  static ModelRuntime* model_;
  static std::map<std::string, std::string>* texts_;
  static nlohmann::json* reference_;
};

ModelRuntime* LimeReferenceTest::model_ = nullptr;
std::map<std::string, std::string>* LimeReferenceTest::texts_ = nullptr;
nlohmann::json* LimeReferenceTest::reference_ = nullptr;

TEST_F(LimeReferenceTest, ModelMatchesReferenceProbabilities) {
  for (const auto& row : reference_->at("rows")) {
    const std::string id = row.at("id").get<std::string>();
    const Eigen::MatrixXd probabilities = Predict(*model_, {texts_->at(id)});
    const std::string class_name = row.at("explained_class").get<std::string>();
    const int column = class_name == kSpamClasses[0] ? 0 : 1;
    EXPECT_NEAR(probabilities(0, column), row.at("model_probability").get<double>(), 1e-12) << id;
  }
}

// The explanations must agree with the reference at least as closely as
// the reference's two seeds agree with each other. That means as many top-5
// words in common on average, the same sign for shared words whose weight is
// beyond the seeds' spread, and shared weights within that spread.
TEST_F(LimeReferenceTest, AgreesWithReferenceAsCloselyAsItsOwnSeeds) {
  double reference_overlap_sum = 0;
  double our_overlap_sum = 0;
  int our_comparisons = 0;
  int rows = 0;
  for (const auto& row : reference_->at("rows")) {
    const std::string id = row.at("id").get<std::string>();
    SCOPED_TRACE(id);
    ++rows;
    reference_overlap_sum += row.at("top5_overlap_between_seeds").get<double>();
    const double spread = row.at("max_weight_difference_between_seeds").get<double>();
    const auto reference_0 = ReferenceFeatures(row.at("runs")[0]);
    const auto reference_1 = ReferenceFeatures(row.at("runs")[1]);

    for (uint64_t seed : {0, 1}) {
      const LimeExplanation ours = Explain(row, seed);
      ASSERT_EQ(ours.features.size(), 10u);
      std::vector<std::pair<std::string, double>> our_features;
      for (const auto& feature : ours.features) our_features.emplace_back(feature.feature, feature.weight);

      for (const auto* reference : {&reference_0, &reference_1}) {
        our_overlap_sum += CountShared(TopWords(our_features, 5), TopWords(*reference, 5));
        ++our_comparisons;
        const std::map<std::string, double> reference_weights(reference->begin(), reference->end());
        for (const auto& [word, weight] : our_features) {
          const auto found = reference_weights.find(word);
          if (found == reference_weights.end()) continue;
          // A weight closer to zero than the spread between the reference's
          // own seeds has no sign to agree with: lime's seeds themselves
          // disagree there ("Learch" in spam-2/00559 is -0.0002 and 0.0013
          // with a spread of 0.0024).
          if (std::abs(found->second) > spread) {
            EXPECT_EQ(std::signbit(weight), std::signbit(found->second)) << word;
          }
          // Two independent draws differ by at most the recorded spread
          // between the reference's seeds, times a margin of 2 for the
          // sampling noise of the spread itself.
          EXPECT_LE(std::abs(weight - found->second), 2 * spread + 1e-3) << word;
        }
      }
      EXPECT_NEAR(ours.model_probability, row.at("model_probability").get<double>(), 1e-12);
      const double reference_intercept = row.at("runs")[0].at("intercept").get<double>();
      EXPECT_NEAR(ours.intercept, reference_intercept, 0.02);
      // lime's own R^2 varies more between seeds than the two recorded runs
      // show: for spam-1/00005, seeds 0 to 9 give 0.525 to 0.580.
      const double reference_score = row.at("runs")[0].at("score").get<double>();
      EXPECT_NEAR(ours.score, reference_score, 0.08);
      const double reference_local = row.at("runs")[0].at("local_prediction").get<double>();
      EXPECT_NEAR(ours.local_prediction, reference_local, 0.02);
    }
  }

  const double reference_mean = reference_overlap_sum / rows;
  const double our_mean = our_overlap_sum / our_comparisons;
  std::printf("mean top-5 overlap: reference seeds %.3f, goalpost vs reference %.3f\n",
              reference_mean, our_mean);
  EXPECT_GE(our_mean, reference_mean);
}

TEST(TextExplainerTest, SameSeedGivesIdenticalExplanation) {
  absl::StatusOr<std::unique_ptr<ModelRuntime>> model = testing::LoadSpamModel();
  ASSERT_TRUE(model.ok()) << model.status();
  const std::string text = "Get free money now! Click here to claim your free prize, friend.";
  LimeOptions options;
  options.num_samples = 500;
  options.seed = 17;

  absl::StatusOr<LimeExplanation> first = ExplainText(text, testing::TextClassifierOf(**model), options);
  absl::StatusOr<LimeExplanation> second = ExplainText(text, testing::TextClassifierOf(**model), options);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();

  ASSERT_EQ(first->features.size(), second->features.size());
  for (size_t i = 0; i < first->features.size(); ++i) {
    EXPECT_EQ(first->features[i].feature, second->features[i].feature);
    EXPECT_EQ(first->features[i].weight, second->features[i].weight);
  }
  EXPECT_EQ(first->intercept, second->intercept);
  EXPECT_EQ(first->score, second->score);
}

TEST(TextExplainerTest, ForwardSelectionPicksRequestedCount) {
  absl::StatusOr<std::unique_ptr<ModelRuntime>> model = testing::LoadSpamModel();
  ASSERT_TRUE(model.ok()) << model.status();
  LimeOptions options;
  options.num_samples = 1000;
  options.num_features = 3;  // auto selects forward selection

  absl::StatusOr<LimeExplanation> explanation =
      ExplainText("Free money for you, click now to win money", testing::TextClassifierOf(**model), options);
  ASSERT_TRUE(explanation.ok()) << explanation.status();

  ASSERT_EQ(explanation->features.size(), 3u);
  for (size_t i = 1; i < explanation->features.size(); ++i) {
    EXPECT_GE(std::abs(explanation->features[i - 1].weight), std::abs(explanation->features[i].weight));
  }
}

TEST(TextExplainerTest, NoneSelectionKeepsEveryWord) {
  absl::StatusOr<std::unique_ptr<ModelRuntime>> model = testing::LoadSpamModel();
  ASSERT_TRUE(model.ok()) << model.status();
  LimeOptions options;
  options.num_samples = 200;
  options.feature_selection = FeatureSelection::kNone;

  absl::StatusOr<LimeExplanation> explanation =
      ExplainText("one two three two one", testing::TextClassifierOf(**model), options);
  ASSERT_TRUE(explanation.ok()) << explanation.status();

  EXPECT_EQ(explanation->features.size(), 3u);
}

class TextExplainerInvalidInputTest : public ::testing::Test {
 protected:
  static absl::StatusOr<Eigen::MatrixXd> Uniform(const TextSamples& samples) {
    return Eigen::MatrixXd::Constant(samples.num_samples, 2, 0.5);
  }
};

TEST_F(TextExplainerInvalidInputTest, EmptyTextIsRejected) {
  const absl::StatusOr<LimeExplanation> explanation = ExplainText("", Uniform, LimeOptions{});
  EXPECT_EQ(explanation.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(explanation.status().message().find("text is empty"), std::string::npos);
}

TEST_F(TextExplainerInvalidInputTest, TextWithoutWordsIsRejected) {
  const absl::StatusOr<LimeExplanation> explanation = ExplainText("?!", Uniform, LimeOptions{});
  EXPECT_EQ(explanation.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TextExplainerInvalidInputTest, SampleCountOutsideRangeIsRejected) {
  for (int num_samples : {99, 100001, 0, -5}) {
    LimeOptions options;
    options.num_samples = num_samples;
    const absl::StatusOr<LimeExplanation> explanation = ExplainText("hello", Uniform, options);
    EXPECT_EQ(explanation.status().code(), absl::StatusCode::kInvalidArgument) << num_samples;
    EXPECT_NE(explanation.status().message().find("num_samples"), std::string::npos);
  }
}

TEST_F(TextExplainerInvalidInputTest, UnknownClassIsRejected) {
  LimeOptions options;
  options.num_samples = 100;
  options.class_index = 2;
  const absl::StatusOr<LimeExplanation> explanation = ExplainText("hello world", Uniform, options);
  EXPECT_EQ(explanation.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TextExplainerInvalidInputTest, ClassifierErrorIsPassedOn) {
  const TextClassifier failing = [](const TextSamples&) -> absl::StatusOr<Eigen::MatrixXd> {
    return absl::UnavailableError("inference is down");
  };
  LimeOptions options;
  options.num_samples = 100;
  const absl::StatusOr<LimeExplanation> explanation = ExplainText("hello world", failing, options);
  EXPECT_EQ(explanation.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace goalpost::explain
