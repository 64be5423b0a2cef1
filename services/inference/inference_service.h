#ifndef GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVICE_H_
#define GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVICE_H_

#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/inference/dataset_predictor.h"
#include "services/inference/model_registry.h"
#include "services/inference/worker_pool.h"

namespace goalpost::inference {

// The gRPC adapter of goalpost.inference.v1.InferenceService: reads the
// request, calls the registry or the predictors, converts the status once.
class InferenceServiceImpl final : public v1::InferenceService::Service {
 public:
  InferenceServiceImpl(ModelRegistry* registry, DatasetPredictor* dataset_predictor,
                       WorkerPool* workers)
      : registry_(registry), dataset_predictor_(dataset_predictor), workers_(workers) {}

  grpc::Status RegisterModel(grpc::ServerContext* context,
                             grpc::ServerReader<v1::RegisterModelRequest>* reader,
                             v1::RegisterModelResponse* response) override;
  grpc::Status GetModel(grpc::ServerContext* context, const v1::GetModelRequest* request,
                        v1::GetModelResponse* response) override;
  grpc::Status ListModels(grpc::ServerContext* context, const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status DeleteModel(grpc::ServerContext* context, const v1::DeleteModelRequest* request,
                           v1::DeleteModelResponse* response) override;
  grpc::Status Predict(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::PredictResponse, v1::PredictRequest>* stream) override;
  grpc::Status PredictDataset(grpc::ServerContext* context,
                              const v1::PredictDatasetRequest* request,
                              v1::PredictDatasetResponse* response) override;

 private:
  ModelRegistry* registry_;
  DatasetPredictor* dataset_predictor_;
  WorkerPool* workers_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_INFERENCE_SERVICE_H_
