#ifndef GOALPOST_SERVICES_INFERENCE_OPEN_INFERENCE_SERVICE_H_
#define GOALPOST_SERVICES_INFERENCE_OPEN_INFERENCE_SERVICE_H_

#include <functional>

#include "absl/status/status.h"
#include "inference/grpc_predict_v2.grpc.pb.h"
#include "services/inference/model_registry.h"
#include "services/inference/worker_pool.h"

namespace goalpost::inference {

// The Open Inference Protocol (KServe v2, package `inference`) for the hosted
// models, so Triton and KServe clients can call them. A model's name in this
// protocol is its resource name, "projects/{project}/models/{model}".
//
// Tensors: text models take one BYTES input "text" [N]; tabular models one
// FP32 or FP64 input "features" [N, F] with categorical features as codes
// and NaN for missing values. Outputs are "probabilities" FP64 [N, C] and
// "predicted_class" BYTES [N] (class names). Outputs come back as typed
// contents, or as raw_output_contents when the request used
// raw_input_contents (as Triton's clients do).
class OpenInferenceServiceImpl final : public ::inference::GRPCInferenceService::Service {
 public:
  // `readiness` returns OK while the service's dependencies are reachable.
  OpenInferenceServiceImpl(ModelRegistry* registry, WorkerPool* workers,
                           std::function<absl::Status()> readiness)
      : registry_(registry), workers_(workers), readiness_(std::move(readiness)) {}

  grpc::Status ServerLive(grpc::ServerContext* context,
                          const ::inference::ServerLiveRequest* request,
                          ::inference::ServerLiveResponse* response) override;
  grpc::Status ServerReady(grpc::ServerContext* context,
                           const ::inference::ServerReadyRequest* request,
                           ::inference::ServerReadyResponse* response) override;
  grpc::Status ModelReady(grpc::ServerContext* context,
                          const ::inference::ModelReadyRequest* request,
                          ::inference::ModelReadyResponse* response) override;
  grpc::Status ServerMetadata(grpc::ServerContext* context,
                              const ::inference::ServerMetadataRequest* request,
                              ::inference::ServerMetadataResponse* response) override;
  grpc::Status ModelMetadata(grpc::ServerContext* context,
                             const ::inference::ModelMetadataRequest* request,
                             ::inference::ModelMetadataResponse* response) override;
  grpc::Status ModelInfer(grpc::ServerContext* context,
                          const ::inference::ModelInferRequest* request,
                          ::inference::ModelInferResponse* response) override;

 private:
  ModelRegistry* registry_;
  WorkerPool* workers_;
  std::function<absl::Status()> readiness_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_OPEN_INFERENCE_SERVICE_H_
