#include "services/inference/inference_service.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "services/inference/batch_predictor.h"
#include "services/inference/model_factory.h"

namespace goalpost::inference {
namespace {

// Predicts one PredictRequest batch with `model`. The texts of a TextBatch
// are moved out of the request, not copied.
absl::StatusOr<v1::PredictResponse> PredictBatch(const HostedModel& model,
                                                 v1::PredictRequest& request,
                                                 WorkerPool& workers) {
  const ModelRuntime& runtime = *model.runtime;
  absl::StatusOr<ClassProbabilities> predicted;
  switch (request.rows_case()) {
    case v1::PredictRequest::kText:
    {
      std::vector<std::string> texts;
      texts.reserve(request.text().texts_size());
      for (std::string& text : *request.mutable_text()->mutable_texts()) {
        texts.push_back(std::move(text));
      }
      predicted = PredictTextsInParallel(runtime, texts, workers);
    }
      break;
    case v1::PredictRequest::kTextPerturbations:
    {
      const v1::TextPerturbationBatch& batch = request.text_perturbations();
      const TextPerturbations rows{
          batch.text(),
          absl::MakeConstSpan(batch.piece_ends().data(), batch.piece_ends_size()),
          absl::MakeConstSpan(batch.piece_words().data(), batch.piece_words_size()),
          batch.word_count(), batch.removed_words()};
      if (absl::Status status = ValidateTextPerturbations(rows); !status.ok()) return status;
      predicted = PredictTextPerturbationsInParallel(runtime, rows, workers);
    }
      break;
    case v1::PredictRequest::kTabular:
      predicted = PredictTabularInParallel(
          runtime,
          absl::MakeConstSpan(request.tabular().values().data(), request.tabular().values_size()),
          workers);
      break;
    default:
      return absl::InvalidArgumentError("the request has no rows; set text, tabular or text_perturbations");
  }
  if (!predicted.ok()) return predicted.status();

  v1::PredictResponse response;
  response.set_class_count(predicted->class_count);
  response.mutable_probabilities()->Add(predicted->probabilities.begin(),
                                        predicted->probabilities.end());
  response.mutable_predicted_class()->Add(predicted->predicted_class.begin(),
                                          predicted->predicted_class.end());
  return response;
}

}  // namespace

grpc::Status InferenceServiceImpl::RegisterModel(
    grpc::ServerContext*, grpc::ServerReader<v1::RegisterModelRequest>* reader,
    v1::RegisterModelResponse* response) {
  v1::RegisterModelRequest message;
  if (!reader->Read(&message) || !message.has_spec()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("the first RegisterModel message must carry the spec"));
  }
  const v1::ModelSpec spec = message.spec();

  // The artifact is collected whole, because it is parsed and checked
  // before anything is stored; the size limit bounds the memory it takes.
  std::string artifact;
  while (reader->Read(&message)) {
    if (!message.has_artifact_chunk()) {
      return ToGrpcStatus(absl::InvalidArgumentError(
          "only the first RegisterModel message may carry a spec; later ones carry "
          "artifact_chunk"));
    }
    if (artifact.size() + message.artifact_chunk().size() > kMaxArtifactBytes) {
      return ToGrpcStatus(absl::ResourceExhaustedError(absl::StrCat(
          "the artifact exceeds the limit of ", kMaxArtifactBytes, " bytes")));
    }
    artifact += message.artifact_chunk();
  }

  auto model = registry_->Register(spec, artifact);
  if (!model.ok()) {
    spdlog::debug("RegisterModel {}/models/{} rejected: {}", spec.project(), spec.model_id(),
                  model.status().ToString());
    return ToGrpcStatus(model.status());
  }
  *response->mutable_model() = std::move(*model);
  return grpc::Status::OK;
}

grpc::Status InferenceServiceImpl::GetModel(grpc::ServerContext*,
                                            const v1::GetModelRequest* request,
                                            v1::GetModelResponse* response) {
  auto model = registry_->Describe(request->name());
  if (!model.ok()) return ToGrpcStatus(model.status());
  *response->mutable_model() = std::move(*model);
  return grpc::Status::OK;
}

grpc::Status InferenceServiceImpl::ListModels(grpc::ServerContext*,
                                              const v1::ListModelsRequest* request,
                                              v1::ListModelsResponse* response) {
  auto models = registry_->List(request->project(), request->page_size(), request->page_token());
  if (!models.ok()) return ToGrpcStatus(models.status());
  *response = std::move(*models);
  return grpc::Status::OK;
}

grpc::Status InferenceServiceImpl::DeleteModel(grpc::ServerContext*,
                                               const v1::DeleteModelRequest* request,
                                               v1::DeleteModelResponse*) {
  return ToGrpcStatus(registry_->Delete(request->name()));
}

grpc::Status InferenceServiceImpl::Predict(
    grpc::ServerContext*, grpc::ServerReaderWriter<v1::PredictResponse, v1::PredictRequest>* stream) {
  std::string model_name;
  std::shared_ptr<const HostedModel> model;
  v1::PredictRequest request;
  while (stream->Read(&request)) {
    if (!request.model().empty() && request.model() != model_name) {
      auto found = registry_->Get(request.model());
      if (!found.ok()) return ToGrpcStatus(found.status());
      model_name = request.model();
      model = *found;
    }
    if (model == nullptr) {
      return ToGrpcStatus(
          absl::InvalidArgumentError("model is empty; the first PredictRequest must name it"));
    }
    auto response = PredictBatch(*model, request, *workers_);
    if (!response.ok()) return ToGrpcStatus(Annotate(response.status(), model_name));
    if (!stream->Write(*response)) break;
  }
  return grpc::Status::OK;
}

grpc::Status InferenceServiceImpl::PredictDataset(grpc::ServerContext*,
                                                  const v1::PredictDatasetRequest* request,
                                                  v1::PredictDatasetResponse* response) {
  auto result = dataset_predictor_->PredictDataset(request->model(), request->dataset());
  if (!result.ok()) {
    spdlog::debug("PredictDataset {} on {} failed: {}", request->model(), request->dataset(),
                  result.status().ToString());
    return ToGrpcStatus(result.status());
  }
  *response = std::move(*result);
  return grpc::Status::OK;
}

}  // namespace goalpost::inference
