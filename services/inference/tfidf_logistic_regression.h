#ifndef GOALPOST_SERVICES_INFERENCE_TFIDF_LOGISTIC_REGRESSION_H_
#define GOALPOST_SERVICES_INFERENCE_TFIDF_LOGISTIC_REGRESSION_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/model_runtime.h"

namespace goalpost::inference {

// A scikit-learn Pipeline(TfidfVectorizer, LogisticRegression) read from its
// JSON export (keys: kind, lowercase, token_pattern, sublinear_tf, norm,
// classes, vocabulary, idf, coef, intercept). Binary models have one row of
// coefficients and use the logistic function; multinomial models have one
// row per class and use softmax, as LogisticRegression.predict_proba does.
class TfidfLogisticRegression : public ModelRuntime {
 public:
  // Parses and checks the artifact. INVALID_ARGUMENT names the key that is
  // missing or malformed, a shape that does not match the vocabulary, or
  // classes that differ from `class_names`.
  static absl::StatusOr<std::unique_ptr<TfidfLogisticRegression>> FromJson(
      std::string_view artifact, const std::vector<std::string>& class_names);

  InputKind input_kind() const override { return InputKind::kText; }
  int class_count() const override { return static_cast<int>(classes_.size()); }
  int feature_count() const override { return 0; }

  absl::StatusOr<ClassProbabilities> PredictTexts(
      absl::Span<const std::string> texts) const override;

  // Computes each row's terms from the terms of its words, without building
  // the row's text, when that gives the same counts; see
  // tfidf_text_perturbations.cc. The probabilities are those of PredictTexts
  // on the rows' texts, bit for bit.
  absl::StatusOr<ClassProbabilities> PredictTextPerturbations(
      const TextPerturbations& rows) const override;

  // Writes the class probabilities of one text into probabilities[0..C).
  void PredictText(std::string_view text, double* probabilities) const;

 private:
  // Writes the class probabilities of a row with the given term counts,
  // (vocabulary column, count) in ascending column order, into
  // probabilities[0..C).
  void PredictTermCounts(absl::Span<const std::pair<int, int>> term_counts,
                         double* probabilities) const;

  // Returns the vocabulary column of a token, or -1 for a token outside it.
  int ColumnOf(std::string_view token) const;

  // Returns the term frequency of a token that occurs `count` times: the
  // count, or 1 + log(count) with sublinear_tf.
  double TermFrequency(int count) const;

  TfidfLogisticRegression() = default;

  static absl::StatusOr<std::unique_ptr<TfidfLogisticRegression>> FromParsedJson(
      const nlohmann::json& artifact, const std::vector<std::string>& class_names);

  std::vector<std::string> classes_;
  absl::flat_hash_map<std::string, int> vocabulary_;
  std::vector<double> idf_;
  // Row-major: coefficient rows x vocabulary size; one row for binary models.
  std::vector<double> coef_;
  std::vector<double> intercept_;
  bool sublinear_tf_ = false;
  // TermFrequency(count) for small counts, computed once at load.
  std::vector<double> term_frequencies_;
  bool l2_norm_ = true;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_TFIDF_LOGISTIC_REGRESSION_H_
