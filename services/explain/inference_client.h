#ifndef GOALPOST_SERVICES_EXPLAIN_INFERENCE_CLIENT_H_
#define GOALPOST_SERVICES_EXPLAIN_INFERENCE_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/explain/lime/text_explainer.h"

namespace goalpost::explain {

// Calls the inference service for the explainer: model specs and class
// probabilities of sample batches. Thread-safe.
class InferenceClient {
 public:
  // `channel` reaches the inference service at `address` (used in
  // messages). Each call gets `timeout`; a Predict stream carries at most
  // `max_batch_bytes` of rows per message.
  InferenceClient(std::shared_ptr<grpc::Channel> channel, std::string address,
                  absl::Duration timeout, int max_batch_bytes);

  // The model's spec. NOT_FOUND for an unknown model; UNAVAILABLE when the
  // service cannot be reached.
  absl::StatusOr<inference::v1::Model> GetModel(const std::string& name) const;

  // Class probabilities (samples x classes) of a text explanation's samples,
  // sent as TextPerturbationBatch messages (the text once per message and a
  // bitmap per sample) on one Predict stream of as few messages as the batch
  // size allows.
  absl::StatusOr<Eigen::MatrixXd> PredictTextSamples(const std::string& model,
                                                     const TextSamples& samples) const;

  // Class probabilities (rows x classes) for rows x features values.
  absl::StatusOr<Eigen::MatrixXd> PredictTabular(const std::string& model,
                                                 const Eigen::MatrixXd& rows) const;

 private:
  absl::StatusOr<Eigen::MatrixXd> Predict(std::vector<inference::v1::PredictRequest> batches,
                                          int64_t row_count) const;

  std::unique_ptr<inference::v1::InferenceService::Stub> stub_;
  std::string address_;
  absl::Duration timeout_;
  int max_batch_bytes_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_INFERENCE_CLIENT_H_
