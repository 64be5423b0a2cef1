#include "services/inference/batch_predictor.h"

#include <algorithm>
#include <functional>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace goalpost::inference {
namespace {

// Rows a worker predicts at least, so that small batches stay on one thread.
constexpr size_t kMinRowsPerSlice = 256;

absl::StatusOr<ClassProbabilities> PredictSlices(
    const ModelRuntime& runtime, size_t rows, WorkerPool& workers,
    const std::function<absl::StatusOr<ClassProbabilities>(size_t, size_t)>& predict) {
  const size_t classes = static_cast<size_t>(runtime.class_count());
  ClassProbabilities result;
  result.class_count = runtime.class_count();
  result.probabilities.resize(rows * classes);
  result.predicted_class.resize(rows);

  std::mutex error_mutex;
  absl::Status first_error;
  workers.ParallelFor(rows, kMinRowsPerSlice, [&](size_t begin, size_t end) {
    absl::StatusOr<ClassProbabilities> slice = predict(begin, end);
    if (!slice.ok()) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (first_error.ok()) first_error = slice.status();
      return;
    }
    std::copy(slice->probabilities.begin(), slice->probabilities.end(),
              result.probabilities.begin() + begin * classes);
    std::copy(slice->predicted_class.begin(), slice->predicted_class.end(),
              result.predicted_class.begin() + begin);
  });
  if (!first_error.ok()) return first_error;
  return result;
}

}  // namespace

absl::StatusOr<ClassProbabilities> PredictTextsInParallel(const ModelRuntime& runtime,
                                                          absl::Span<const std::string> texts,
                                                          WorkerPool& workers) {
  if (runtime.input_kind() != InputKind::kText) return runtime.PredictTexts(texts);
  return PredictSlices(runtime, texts.size(), workers, [&](size_t begin, size_t end) {
    return runtime.PredictTexts(texts.subspan(begin, end - begin));
  });
}

absl::StatusOr<ClassProbabilities> PredictTextPerturbationsInParallel(
    const ModelRuntime& runtime, const TextPerturbations& rows, WorkerPool& workers) {
  if (runtime.input_kind() != InputKind::kText) return runtime.PredictTextPerturbations(rows);
  return PredictSlices(runtime, rows.row_count(), workers, [&](size_t begin, size_t end) {
    return runtime.PredictTextPerturbations(rows.Rows(begin, end));
  });
}

absl::StatusOr<ClassProbabilities> PredictTabularInParallel(const ModelRuntime& runtime,
                                                            absl::Span<const double> values,
                                                            WorkerPool& workers) {
  if (runtime.input_kind() != InputKind::kTabular) return runtime.PredictTabular(values);
  const size_t features = static_cast<size_t>(runtime.feature_count());
  if (values.size() % features != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tabular.values has ", values.size(), " numbers, not a multiple of the model's ",
        features, " features"));
  }
  return PredictSlices(runtime, values.size() / features, workers, [&](size_t begin, size_t end) {
    return runtime.PredictTabular(values.subspan(begin * features, (end - begin) * features));
  });
}

}  // namespace goalpost::inference
