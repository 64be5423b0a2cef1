#include "services/explain/testing/example_models.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/inference/tfidf_logistic_regression.h"
#include "services/inference/xgboost_model.h"

namespace goalpost::explain::testing {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<inference::ModelRuntime>> LoadSpamModel() {
  absl::StatusOr<std::string> artifact = ReadFile("examples/spamassassin/spam_tfidf_logreg.json");
  if (!artifact.ok()) return artifact.status();
  auto model = inference::TfidfLogisticRegression::FromJson(*artifact, {"ham", "spam"});
  if (!model.ok()) return model.status();
  return std::unique_ptr<inference::ModelRuntime>(std::move(*model));
}

absl::StatusOr<std::unique_ptr<inference::ModelRuntime>> LoadCreditModel(
    const std::vector<TabularFeature>& features) {
  absl::StatusOr<std::string> artifact = ReadFile("examples/credit/credit_xgb.json");
  if (!artifact.ok()) return artifact.status();
  std::vector<inference::TabularFeature> spec;
  for (const TabularFeature& feature : features) spec.push_back({feature.name, feature.categorical});
  auto model = inference::XgboostModel::FromJson(*artifact, {"bad", "good"}, spec);
  if (!model.ok()) return model.status();
  return std::unique_ptr<inference::ModelRuntime>(std::move(*model));
}

Eigen::MatrixXd ToMatrix(const inference::ClassProbabilities& result) {
  Eigen::MatrixXd matrix(static_cast<Eigen::Index>(result.row_count()), result.class_count);
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) {
      matrix(i, j) = result.probabilities[i * result.class_count + j];
    }
  }
  return matrix;
}

TextClassifier TextClassifierOf(const inference::ModelRuntime& model) {
  return [&model](const TextSamples& samples) -> absl::StatusOr<Eigen::MatrixXd> {
    const IndexedString& text = *samples.text;
    const std::vector<int32_t> piece_ends = text.PieceEnds();
    const std::vector<int32_t> piece_words(text.piece_words().begin(), text.piece_words().end());
    const inference::TextPerturbations rows{text.raw_string(), piece_ends, piece_words,
                                            text.num_words(), samples.removed_words};
    absl::StatusOr<inference::ClassProbabilities> result = model.PredictTextPerturbations(rows);
    if (!result.ok()) return result.status();
    return ToMatrix(*result);
  };
}

TabularClassifier TabularClassifierOf(const inference::ModelRuntime& model) {
  return [&model](const Eigen::MatrixXd& rows) -> absl::StatusOr<Eigen::MatrixXd> {
    // The runtime takes rows row-major; Eigen stores columns first.
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = rows;
    absl::StatusOr<inference::ClassProbabilities> result =
        model.PredictTabular(absl::MakeConstSpan(row_major.data(), row_major.size()));
    if (!result.ok()) return result.status();
    return ToMatrix(*result);
  };
}

}  // namespace goalpost::explain::testing
