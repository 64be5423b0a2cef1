#include "services/inference/kserve_v2_model.h"

#include <chrono>
#include <cstring>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/server.h"

namespace goalpost::inference {
namespace {

using ::inference::ModelInferRequest;
using ::inference::ModelInferResponse;
using ::inference::ModelMetadataRequest;
using ::inference::ModelMetadataResponse;

constexpr int kDefaultTimeoutMs = 30000;

void SetDeadline(grpc::ClientContext& context, int timeout_ms) {
  if (timeout_ms <= 0) timeout_ms = kDefaultTimeoutMs;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
}

const ModelMetadataResponse::TensorMetadata* FindTensor(
    const google::protobuf::RepeatedPtrField<ModelMetadataResponse::TensorMetadata>& tensors,
    const std::string& name) {
  for (const auto& tensor : tensors) {
    if (tensor.name() == name) return &tensor;
  }
  return nullptr;
}

// Describes where the remote model lives, for error messages.
std::string Describe(const goalpost::inference::v1::RemoteModel& remote) {
  return absl::StrCat("remote model '", remote.model_name(), "' at ", remote.address());
}

absl::Status CheckSpec(const goalpost::inference::v1::RemoteModel& remote) {
  if (remote.address().empty()) return absl::InvalidArgumentError("spec.remote.address is empty");
  if (remote.model_name().empty()) {
    return absl::InvalidArgumentError("spec.remote.model_name is empty");
  }
  if (remote.input_name().empty()) {
    return absl::InvalidArgumentError("spec.remote.input_name is empty");
  }
  if (remote.probabilities_output_name().empty()) {
    return absl::InvalidArgumentError("spec.remote.probabilities_output_name is empty");
  }
  return absl::OkStatus();
}

// Copies FP32 or FP64 elements from typed contents or from raw bytes.
absl::StatusOr<std::vector<double>> ReadProbabilities(
    const ModelInferResponse::InferOutputTensor& output, const std::string* raw) {
  std::vector<double> values;
  if (output.datatype() == "FP64") {
    if (raw != nullptr) {
      values.resize(raw->size() / sizeof(double));
      std::memcpy(values.data(), raw->data(), values.size() * sizeof(double));
    } else {
      values.assign(output.contents().fp64_contents().begin(),
                    output.contents().fp64_contents().end());
    }
  } else if (output.datatype() == "FP32") {
    if (raw != nullptr) {
      std::vector<float> floats(raw->size() / sizeof(float));
      std::memcpy(floats.data(), raw->data(), floats.size() * sizeof(float));
      values.assign(floats.begin(), floats.end());
    } else {
      values.assign(output.contents().fp32_contents().begin(),
                    output.contents().fp32_contents().end());
    }
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "output '", output.name(), "' has datatype ", output.datatype(), ", not FP32 or FP64"));
  }
  return values;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KserveV2Model>> KserveV2Model::Connect(
    const goalpost::inference::v1::ModelSpec& spec) {
  const goalpost::inference::v1::RemoteModel& remote = spec.remote();
  if (absl::Status status = CheckSpec(remote); !status.ok()) return status;
  auto model = std::unique_ptr<KserveV2Model>(new KserveV2Model());
  model->remote_ = remote;
  model->stub_ = ::inference::GRPCInferenceService::NewStub(MakeChannel(remote.address()));
  model->class_count_ = spec.class_names_size();
  model->input_kind_ = spec.features_size() > 0 ? InputKind::kTabular : InputKind::kText;
  model->feature_count_ = spec.features_size();

  grpc::ClientContext context;
  SetDeadline(context, remote.timeout_ms());
  ModelMetadataRequest request;
  request.set_name(remote.model_name());
  request.set_version(remote.model_version());
  ModelMetadataResponse metadata;
  grpc::Status status = model->stub_->ModelMetadata(&context, request, &metadata);
  const bool unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                           status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  if (unreachable) {
    // Worth retrying: the remote server may be starting or restarting. A
    // registration turns this into FAILED_PRECONDITION.
    return absl::UnavailableError(absl::StrCat(
        "cannot read the metadata of ", Describe(remote), ": ", status.error_message(),
        " (gRPC code ", static_cast<int>(status.error_code()),
        "); check that the server runs at that address, then retry"));
  }
  if (!status.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the metadata of ", Describe(remote), ": ", status.error_message(),
        " (gRPC code ", static_cast<int>(status.error_code()), "); check the address and name"));
  }

  const auto* input = FindTensor(metadata.inputs(), remote.input_name());
  if (input == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        Describe(remote), " has no input tensor '", remote.input_name(), "'"));
  }
  const std::string expected_input = model->input_kind_ == InputKind::kText ? "BYTES" : "FP64";
  if (input->datatype() != expected_input &&
      !(model->input_kind_ == InputKind::kTabular && input->datatype() == "FP32")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "input '", input->name(), "' of ", Describe(remote), " has datatype ", input->datatype(),
        "; a ", model->input_kind_ == InputKind::kText ? "text model needs BYTES"
                                                       : "tabular model needs FP32 or FP64"));
  }
  model->input_datatype_ = input->datatype();

  const auto* output = FindTensor(metadata.outputs(), remote.probabilities_output_name());
  if (output == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        Describe(remote), " has no output tensor '", remote.probabilities_output_name(), "'"));
  }
  const int64_t classes = output->shape_size() > 0 ? output->shape(output->shape_size() - 1) : -1;
  if (classes != -1 && classes != model->class_count_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "output '", output->name(), "' of ", Describe(remote), " has ", classes,
        " classes but the spec names ", model->class_count_));
  }
  return model;
}

absl::StatusOr<ClassProbabilities> KserveV2Model::PredictTexts(
    absl::Span<const std::string> texts) const {
  if (input_kind_ != InputKind::kText) return ModelRuntime::PredictTexts(texts);
  ModelInferRequest request;
  auto* input = request.add_inputs();
  input->set_name(remote_.input_name());
  input->set_datatype("BYTES");
  input->add_shape(static_cast<int64_t>(texts.size()));
  for (const std::string& text : texts) input->mutable_contents()->add_bytes_contents(text);
  return Infer(request, texts.size());
}

absl::StatusOr<ClassProbabilities> KserveV2Model::PredictTabular(
    absl::Span<const double> values) const {
  if (input_kind_ != InputKind::kTabular) return ModelRuntime::PredictTabular(values);
  if (values.size() % feature_count_ != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tabular values hold ", values.size(), " numbers, not a multiple of the ", feature_count_,
        " features"));
  }
  const size_t rows = values.size() / feature_count_;
  ModelInferRequest request;
  auto* input = request.add_inputs();
  input->set_name(remote_.input_name());
  input->set_datatype(input_datatype_);
  input->add_shape(static_cast<int64_t>(rows));
  input->add_shape(feature_count_);
  for (double value : values) {
    if (input_datatype_ == "FP32") {
      input->mutable_contents()->add_fp32_contents(static_cast<float>(value));
    } else {
      input->mutable_contents()->add_fp64_contents(value);
    }
  }
  return Infer(request, rows);
}

absl::StatusOr<ClassProbabilities> KserveV2Model::Infer(ModelInferRequest& request,
                                                        size_t rows) const {
  ClassProbabilities result;
  result.class_count = class_count_;
  if (rows == 0) return result;
  request.set_model_name(remote_.model_name());
  request.set_model_version(remote_.model_version());
  request.add_outputs()->set_name(remote_.probabilities_output_name());

  grpc::ClientContext context;
  SetDeadline(context, remote_.timeout_ms());
  ModelInferResponse response;
  grpc::Status status = stub_->ModelInfer(&context, request, &response);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(absl::StrCat(Describe(remote_), " is unavailable: ",
                                               status.error_message()));
  }
  if (!status.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(Describe(remote_), " failed: ",
                                                      status.error_message()));
  }

  for (int i = 0; i < response.outputs_size(); ++i) {
    const auto& output = response.outputs(i);
    if (output.name() != remote_.probabilities_output_name()) continue;
    const std::string* raw =
        i < response.raw_output_contents_size() ? &response.raw_output_contents(i) : nullptr;
    auto values = ReadProbabilities(output, raw);
    if (!values.ok()) return values.status();
    if (values->size() != rows * class_count_) {
      return absl::FailedPreconditionError(absl::StrCat(
          Describe(remote_), " returned ", values->size(), " probabilities for ", rows,
          " rows and ", class_count_, " classes"));
    }
    result.probabilities = std::move(*values);
    SetPredictedClasses(result);
    return result;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      Describe(remote_), " returned no output '", remote_.probabilities_output_name(), "'"));
}

}  // namespace goalpost::inference
