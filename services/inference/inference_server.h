#ifndef GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVER_H_
#define GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "common/server.h"
#include "services/inference/dataset_predictor.h"
#include "services/inference/inference_service.h"
#include "services/inference/model_registry.h"
#include "services/inference/open_inference_service.h"
#include "services/inference/worker_pool.h"

namespace goalpost::inference {

struct InferenceOptions {
  // libpq URL of the database with the inference schema. Required.
  std::string database_url;
  // host:port of the datasets service, for PredictDataset. Empty leaves
  // PredictDataset failing with UNAVAILABLE and readiness ignoring it.
  std::string datasets_address;
  // Database connections in the pool.
  int database_connections = 8;
  // Prediction threads; 0 uses every core.
  int worker_threads = 0;
};

// Everything goalpost-inference serves: InferenceService and the Open
// Inference Protocol over one model registry. Create applies the inference
// schema's migrations.
class InferenceServer {
 public:
  // UNAVAILABLE when the database cannot be reached; FAILED_PRECONDITION
  // when its schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<InferenceServer>> Create(const InferenceOptions& options);

  // Registers both gRPC services and the readiness check with `host`.
  void AddTo(ServiceHost& host);

  // OK while the database (and the datasets service, when configured) is
  // reachable.
  absl::Status CheckReadiness();

 private:
  InferenceServer() = default;

  InferenceOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<ModelRegistry> registry_;
  std::unique_ptr<WorkerPool> workers_;
  std::shared_ptr<grpc::Channel> datasets_channel_;
  std::unique_ptr<DatasetPredictor> dataset_predictor_;
  std::unique_ptr<InferenceServiceImpl> inference_service_;
  std::unique_ptr<OpenInferenceServiceImpl> open_inference_service_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVER_H_
