#include "services/inference/open_inference_service.h"

#include <cstring>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/inference/batch_predictor.h"

namespace goalpost::inference {
namespace {

using ::inference::ModelInferRequest;
using ::inference::ModelInferResponse;

constexpr char kTextInput[] = "text";
constexpr char kFeaturesInput[] = "features";
constexpr char kProbabilitiesOutput[] = "probabilities";
constexpr char kPredictedClassOutput[] = "predicted_class";

int64_t ElementCount(const ModelInferRequest::InferInputTensor& input) {
  int64_t count = 1;
  for (int64_t dimension : input.shape()) count *= dimension;
  return count;
}

// Splits raw BYTES contents: each element is a 4-byte little-endian length
// followed by that many bytes.
absl::StatusOr<std::vector<std::string>> SplitRawBytes(const std::string& raw) {
  std::vector<std::string> elements;
  size_t at = 0;
  while (at < raw.size()) {
    if (raw.size() - at < 4) return absl::InvalidArgumentError("raw BYTES input is truncated");
    uint32_t length = 0;
    for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(raw[at + i]);
    at += 4;
    if (raw.size() - at < length) return absl::InvalidArgumentError("raw BYTES input is truncated");
    elements.emplace_back(raw.substr(at, length));
    at += length;
  }
  return elements;
}

absl::StatusOr<std::vector<std::string>> ReadTexts(const ModelInferRequest& request) {
  const auto& input = request.inputs(0);
  if (input.datatype() != "BYTES" || input.shape_size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input.name(), "' must be BYTES of shape [N] for a text model, not ",
        input.datatype(), " with ", input.shape_size(), " dimensions"));
  }
  std::vector<std::string> texts;
  if (request.raw_input_contents_size() > 0) {
    auto split = SplitRawBytes(request.raw_input_contents(0));
    if (!split.ok()) return split.status();
    texts = std::move(*split);
  } else {
    texts.assign(input.contents().bytes_contents().begin(), input.contents().bytes_contents().end());
  }
  if (static_cast<int64_t>(texts.size()) != input.shape(0)) {
    return absl::InvalidArgumentError(absl::StrCat("input '", input.name(), "' has ",
                                                   texts.size(), " elements but shape [",
                                                   input.shape(0), "]"));
  }
  return texts;
}

absl::StatusOr<std::vector<double>> ReadFeatures(const ModelInferRequest& request,
                                                 int feature_count) {
  const auto& input = request.inputs(0);
  if (input.shape_size() != 2 || input.shape(1) != feature_count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input.name(), "' must have shape [N, ", feature_count, "]"));
  }
  const bool raw = request.raw_input_contents_size() > 0;
  std::vector<double> values;
  if (input.datatype() == "FP64") {
    if (raw) {
      const std::string& bytes = request.raw_input_contents(0);
      values.resize(bytes.size() / sizeof(double));
      std::memcpy(values.data(), bytes.data(), values.size() * sizeof(double));
    } else {
      values.assign(input.contents().fp64_contents().begin(),
                    input.contents().fp64_contents().end());
    }
  } else if (input.datatype() == "FP32") {
    std::vector<float> floats;
    if (raw) {
      const std::string& bytes = request.raw_input_contents(0);
      floats.resize(bytes.size() / sizeof(float));
      std::memcpy(floats.data(), bytes.data(), floats.size() * sizeof(float));
    } else {
      floats.assign(input.contents().fp32_contents().begin(),
                    input.contents().fp32_contents().end());
    }
    values.assign(floats.begin(), floats.end());
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input.name(), "' must be FP32 or FP64 for a tabular model, not ",
        input.datatype()));
  }
  if (static_cast<int64_t>(values.size()) != ElementCount(input)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input '", input.name(), "' has ", values.size(), " elements but its shape has ",
        ElementCount(input)));
  }
  return values;
}

// True when the request lists `name` among its outputs, or lists no outputs.
bool Wants(const ModelInferRequest& request, const std::string& name) {
  if (request.outputs_size() == 0) return true;
  for (const auto& output : request.outputs()) {
    if (output.name() == name) return true;
  }
  return false;
}

void WriteOutputs(const ModelInferRequest& request, const v1::ModelSpec& spec,
                  const ClassProbabilities& predicted, ModelInferResponse* response) {
  const bool raw = request.raw_input_contents_size() > 0;
  const int64_t rows = static_cast<int64_t>(predicted.row_count());
  if (Wants(request, kProbabilitiesOutput)) {
    auto* output = response->add_outputs();
    output->set_name(kProbabilitiesOutput);
    output->set_datatype("FP64");
    output->add_shape(rows);
    output->add_shape(predicted.class_count);
    if (raw) {
      response->add_raw_output_contents()->assign(
          reinterpret_cast<const char*>(predicted.probabilities.data()),
          predicted.probabilities.size() * sizeof(double));
    } else {
      output->mutable_contents()->mutable_fp64_contents()->Add(predicted.probabilities.begin(),
                                                               predicted.probabilities.end());
    }
  }
  if (Wants(request, kPredictedClassOutput)) {
    auto* output = response->add_outputs();
    output->set_name(kPredictedClassOutput);
    output->set_datatype("BYTES");
    output->add_shape(rows);
    std::string packed;
    for (int index : predicted.predicted_class) {
      const std::string& name = spec.class_names(index);
      if (raw) {
        const uint32_t length = static_cast<uint32_t>(name.size());
        for (int i = 0; i < 4; ++i) packed.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
        packed += name;
      } else {
        output->mutable_contents()->add_bytes_contents(name);
      }
    }
    if (raw) *response->add_raw_output_contents() = std::move(packed);
  }
}

}  // namespace

grpc::Status OpenInferenceServiceImpl::ServerLive(grpc::ServerContext*,
                                                  const ::inference::ServerLiveRequest*,
                                                  ::inference::ServerLiveResponse* response) {
  response->set_live(true);
  return grpc::Status::OK;
}

grpc::Status OpenInferenceServiceImpl::ServerReady(grpc::ServerContext*,
                                                   const ::inference::ServerReadyRequest*,
                                                   ::inference::ServerReadyResponse* response) {
  response->set_ready(readiness_ == nullptr || readiness_().ok());
  return grpc::Status::OK;
}

grpc::Status OpenInferenceServiceImpl::ModelReady(grpc::ServerContext*,
                                                  const ::inference::ModelReadyRequest* request,
                                                  ::inference::ModelReadyResponse* response) {
  auto model = registry_->Get(request->name());
  if (!model.ok() && model.status().code() == absl::StatusCode::kNotFound) {
    return ToGrpcStatus(model.status());
  }
  response->set_ready(model.ok());
  return grpc::Status::OK;
}

grpc::Status OpenInferenceServiceImpl::ServerMetadata(
    grpc::ServerContext*, const ::inference::ServerMetadataRequest*,
    ::inference::ServerMetadataResponse* response) {
  response->set_name("goalpost-inference");
  response->set_version("0.1.0");
  return grpc::Status::OK;
}

grpc::Status OpenInferenceServiceImpl::ModelMetadata(
    grpc::ServerContext*, const ::inference::ModelMetadataRequest* request,
    ::inference::ModelMetadataResponse* response) {
  auto model = registry_->Get(request->name());
  if (!model.ok()) return ToGrpcStatus(model.status());
  const v1::ModelSpec& spec = (*model)->model.spec();
  const ModelRuntime& runtime = *(*model)->runtime;

  response->set_name((*model)->model.name());
  response->add_versions("1");
  response->set_platform(absl::AsciiStrToLower(v1::ModelKind_Name(spec.kind()).substr(11)));
  auto* input = response->add_inputs();
  if (runtime.input_kind() == InputKind::kText) {
    input->set_name(kTextInput);
    input->set_datatype("BYTES");
    input->add_shape(-1);
  } else {
    input->set_name(kFeaturesInput);
    input->set_datatype("FP64");
    input->add_shape(-1);
    input->add_shape(runtime.feature_count());
  }
  auto* probabilities = response->add_outputs();
  probabilities->set_name(kProbabilitiesOutput);
  probabilities->set_datatype("FP64");
  probabilities->add_shape(-1);
  probabilities->add_shape(runtime.class_count());
  auto* predicted_class = response->add_outputs();
  predicted_class->set_name(kPredictedClassOutput);
  predicted_class->set_datatype("BYTES");
  predicted_class->add_shape(-1);
  return grpc::Status::OK;
}

grpc::Status OpenInferenceServiceImpl::ModelInfer(grpc::ServerContext*,
                                                  const ModelInferRequest* request,
                                                  ModelInferResponse* response) {
  auto model = registry_->Get(request->model_name());
  if (!model.ok()) return ToGrpcStatus(model.status());
  if (request->inputs_size() != 1) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "the request has ", request->inputs_size(), " inputs; the model takes exactly one")));
  }
  const ModelRuntime& runtime = *(*model)->runtime;

  absl::StatusOr<ClassProbabilities> predicted;
  if (runtime.input_kind() == InputKind::kText) {
    auto texts = ReadTexts(*request);
    if (!texts.ok()) return ToGrpcStatus(texts.status());
    predicted = PredictTextsInParallel(runtime, *texts, *workers_);
  } else {
    auto values = ReadFeatures(*request, runtime.feature_count());
    if (!values.ok()) return ToGrpcStatus(values.status());
    predicted = PredictTabularInParallel(runtime, *values, *workers_);
  }
  if (!predicted.ok()) return ToGrpcStatus(predicted.status());

  response->set_model_name((*model)->model.name());
  response->set_model_version("1");
  response->set_id(request->id());
  WriteOutputs(*request, (*model)->model.spec(), *predicted, response);
  return grpc::Status::OK;
}

}  // namespace goalpost::inference
