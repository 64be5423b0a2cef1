#ifndef GOALPOST_SERVICES_INFERENCE_KSERVE_V2_MODEL_H_
#define GOALPOST_SERVICES_INFERENCE_KSERVE_V2_MODEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "goalpost/inference/v1/inference.pb.h"
#include "inference/grpc_predict_v2.grpc.pb.h"
#include "services/inference/model_runtime.h"

namespace goalpost::inference {

// A model served elsewhere by a server that speaks the Open Inference
// Protocol (KServe v2) over gRPC: Triton, KServe, MLServer. Texts go out as
// a BYTES tensor [N]; tabular rows as an FP64 (or FP32, when the remote
// model declares FP32) tensor [N, F]. The probabilities come back from the
// output named in the spec, FP32 or FP64 [N, C].
class KserveV2Model : public ModelRuntime {
 public:
  // Connects and checks the remote model's metadata against the spec: the
  // model is ready, the input and output tensors exist with usable data
  // types, and a fixed class dimension equals the spec's class count.
  // UNAVAILABLE when the server cannot be reached or does not respond in
  // time; FAILED_PRECONDITION when it describes the model differently;
  // INVALID_ARGUMENT for a spec without address, model name, input name or
  // output name.
  static absl::StatusOr<std::unique_ptr<KserveV2Model>> Connect(
      const goalpost::inference::v1::ModelSpec& spec);

  InputKind input_kind() const override { return input_kind_; }
  int class_count() const override { return class_count_; }
  int feature_count() const override { return feature_count_; }

  // UNAVAILABLE when the remote server cannot be reached (retryable);
  // FAILED_PRECONDITION when it answers with an error or a malformed output.
  absl::StatusOr<ClassProbabilities> PredictTexts(
      absl::Span<const std::string> texts) const override;
  absl::StatusOr<ClassProbabilities> PredictTabular(
      absl::Span<const double> values) const override;

 private:
  KserveV2Model() = default;

  absl::StatusOr<ClassProbabilities> Infer(::inference::ModelInferRequest& request,
                                           size_t rows) const;

  goalpost::inference::v1::RemoteModel remote_;
  std::unique_ptr<::inference::GRPCInferenceService::Stub> stub_;
  InputKind input_kind_ = InputKind::kText;
  int class_count_ = 0;
  int feature_count_ = 0;
  // FP32 or FP64 for tabular inputs.
  std::string input_datatype_;
};

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_KSERVE_V2_MODEL_H_
