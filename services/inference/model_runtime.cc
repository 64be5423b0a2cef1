#include "services/inference/model_runtime.h"

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace goalpost::inference {

absl::StatusOr<ClassProbabilities> ModelRuntime::PredictTexts(
    absl::Span<const std::string>) const {
  return absl::InvalidArgumentError(
      "this model takes tabular rows, not texts; send a TabularBatch");
}

absl::StatusOr<ClassProbabilities> ModelRuntime::PredictTextPerturbations(
    const TextPerturbations& rows) const {
  if (input_kind() != InputKind::kText) return PredictTexts({});
  std::vector<std::string> texts;
  texts.reserve(rows.row_count());
  for (size_t row = 0; row < rows.row_count(); ++row) texts.push_back(rows.RowText(row));
  return PredictTexts(texts);
}

absl::StatusOr<ClassProbabilities> ModelRuntime::PredictTabular(absl::Span<const double>) const {
  return absl::InvalidArgumentError("this model takes texts, not tabular rows; send a TextBatch");
}

void SetPredictedClasses(ClassProbabilities& result) {
  const size_t classes = static_cast<size_t>(result.class_count);
  const size_t rows = classes == 0 ? 0 : result.probabilities.size() / classes;
  result.predicted_class.assign(rows, 0);
  for (size_t row = 0; row < rows; ++row) {
    const double* p = &result.probabilities[row * classes];
    int best = 0;
    for (size_t c = 1; c < classes; ++c) {
      if (p[c] > p[best]) best = static_cast<int>(c);
    }
    result.predicted_class[row] = best;
  }
}

}  // namespace goalpost::inference
