#ifndef GOALPOST_SERVICES_INFERENCE_DATASET_PREDICTOR_H_
#define GOALPOST_SERVICES_INFERENCE_DATASET_PREDICTOR_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "services/inference/model_registry.h"
#include "services/inference/worker_pool.h"

namespace goalpost::inference {

// Runs a hosted model over a stored dataset: streams the model's input
// columns from the datasets service chunk by chunk, predicts each chunk on
// every worker thread, and streams the class probabilities back as a
// prediction set of that dataset. The (model, dataset) -> prediction set
// record in the inference schema makes a repeated request return the
// existing prediction set. Concurrent first requests, on any replica, wait
// for one of them (a PostgreSQL advisory lock per model and dataset) and
// return its prediction set.
class DatasetPredictor {
 public:
  DatasetPredictor(ModelRegistry* registry, std::shared_ptr<grpc::Channel> datasets_channel,
                   WorkerPool* workers);

  // NOT_FOUND for an unknown model or dataset; FAILED_PRECONDITION naming a
  // column the model needs that the dataset lacks (or has with another
  // type), or class names that differ from the dataset's; UNAVAILABLE when
  // the datasets service cannot be reached. On error no prediction set is
  // stored.
  absl::StatusOr<v1::PredictDatasetResponse> PredictDataset(const std::string& model,
                                                            const std::string& dataset);

 private:
  struct Plan;

  absl::StatusOr<Plan> PlanColumns(const HostedModel& model, const std::string& dataset);
  // Computes the predictions and uploads them as a prediction set; the
  // caller records it.
  absl::StatusOr<v1::PredictDatasetResponse> Run(const HostedModel& model, const Plan& plan);
  absl::StatusOr<ClassProbabilities> PredictChunk(
      const HostedModel& model, const Plan& plan,
      const goalpost::datasets::v1::ReadColumnsResponse& chunk);

  ModelRegistry* registry_;
  std::unique_ptr<goalpost::datasets::v1::DatasetService::Stub> datasets_;
  WorkerPool* workers_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_DATASET_PREDICTOR_H_
