#ifndef GOALPOST_SERVICES_INFERENCE_BATCH_PREDICTOR_H_
#define GOALPOST_SERVICES_INFERENCE_BATCH_PREDICTOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/inference/model_runtime.h"
#include "services/inference/worker_pool.h"

namespace goalpost::inference {

// Predicts one batch of rows with a model, split across the worker threads
// when it is large. The result is the same as one call on the whole batch.
absl::StatusOr<ClassProbabilities> PredictTextsInParallel(const ModelRuntime& runtime,
                                                          absl::Span<const std::string> texts,
                                                          WorkerPool& workers);
// Rows must have passed ValidateTextPerturbations.
absl::StatusOr<ClassProbabilities> PredictTextPerturbationsInParallel(
    const ModelRuntime& runtime, const TextPerturbations& rows, WorkerPool& workers);

absl::StatusOr<ClassProbabilities> PredictTabularInParallel(const ModelRuntime& runtime,
                                                            absl::Span<const double> values,
                                                            WorkerPool& workers);

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_BATCH_PREDICTOR_H_
