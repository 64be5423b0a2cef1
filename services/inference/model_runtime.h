#ifndef GOALPOST_SERVICES_INFERENCE_MODEL_RUNTIME_H_
#define GOALPOST_SERVICES_INFERENCE_MODEL_RUNTIME_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/text_perturbations.h"

namespace goalpost::inference {

// Class probabilities of a batch of rows, row-major (rows x class_count), and
// the arg-max class of each row (lower index on ties, as numpy's argmax).
struct ClassProbabilities {
  int class_count = 0;
  std::vector<double> probabilities;
  std::vector<int> predicted_class;

  size_t row_count() const { return predicted_class.size(); }
};

// What a model takes as a row.
enum class InputKind { kText, kTabular };

// A loaded model that computes class probabilities. Implementations are safe
// to call from several threads at once.
class ModelRuntime {
 public:
  virtual ~ModelRuntime() = default;

  virtual InputKind input_kind() const = 0;
  virtual int class_count() const = 0;
  // Tabular models: the number of values per row; 0 for text models.
  virtual int feature_count() const = 0;

  // Text models only. INVALID_ARGUMENT on a tabular model.
  virtual absl::StatusOr<ClassProbabilities> PredictTexts(
      absl::Span<const std::string> texts) const;

  // Text models only: rows given as a base text with words removed. The
  // result is that of PredictTexts on every row's text; this default builds
  // those texts, and a model may compute the same result faster.
  virtual absl::StatusOr<ClassProbabilities> PredictTextPerturbations(
      const TextPerturbations& rows) const;

  // Tabular models only: `values` holds rows x feature_count() values,
  // row-major, categorical features as codes and NaN for missing values.
  virtual absl::StatusOr<ClassProbabilities> PredictTabular(
      absl::Span<const double> values) const;
};

// Fills predicted_class from probabilities (arg-max, lower index on ties).
void SetPredictedClasses(ClassProbabilities& result);

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_MODEL_RUNTIME_H_
