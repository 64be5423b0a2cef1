#include "services/explain/row_explainer.h"

#include <atomic>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "services/explain/explain_request.h"
#include "services/explain/lime/text_explainer.h"

namespace goalpost::explain {
namespace {

bool IsTextModel(const inference::v1::ModelSpec& spec) {
  if (spec.kind() == inference::v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION) return true;
  return spec.kind() == inference::v1::MODEL_KIND_KSERVE_V2 && spec.features_size() == 0;
}

// Errors that concern one row; the other rows of ExplainRows go on.
bool IsRowError(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsNotFound(status) ||
         absl::IsFailedPrecondition(status);
}

const datasets::v1::Cell* FindCell(const datasets::v1::Row& row, const std::string& column) {
  for (const auto& cell : row.cells()) {
    if (cell.column() == column) return &cell;
  }
  return nullptr;
}

}  // namespace

RowExplainer::RowExplainer(const InferenceClient* inference, const DatasetClient* datasets,
                           RowExplainerOptions options)
    : inference_(inference), datasets_(datasets), options_(options), tabular_explainers_(datasets) {}

absl::StatusOr<RowExplainer::ModelContext> RowExplainer::PrepareModel(
    const std::string& model_name, const std::string& training_dataset,
    const v1::ExplainOptions& options) {
  if (model_name.empty()) {
    return absl::FailedPreconditionError(
        "explanations need a full model: a shell model (predictions taken from the dataset's "
        "columns) cannot be called on perturbed rows; register the model with the inference "
        "service and pass its name in model");
  }
  ModelContext context;
  absl::StatusOr<inference::v1::Model> model = inference_->GetModel(model_name);
  if (!model.ok()) return model.status();
  context.model = *std::move(model);
  context.is_text = IsTextModel(context.model.spec());

  absl::StatusOr<LimeOptions> lime_options = ToLimeOptions(options, context.model);
  if (!lime_options.ok()) return lime_options.status();
  context.options = *lime_options;
  if (context.is_text) return context;

  if (training_dataset.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "training_dataset is required: model ", model_name,
        " is tabular, and its perturbations are drawn from the training set's statistics"));
  }
  absl::StatusOr<std::shared_ptr<const TabularExplainer>> tabular =
      tabular_explainers_.Get(context.model, training_dataset);
  if (!tabular.ok()) return tabular.status();
  context.tabular = *std::move(tabular);
  return context;
}

absl::StatusOr<v1::Explanation> RowExplainer::ExplainText(const ModelContext& context,
                                                          const std::string& text,
                                                          const std::string& row_id) const {
  const std::string& model_name = context.model.name();
  const TextClassifier classifier = [&](const TextSamples& samples) {
    return inference_->PredictTextSamples(model_name, samples);
  };
  absl::StatusOr<LimeExplanation> explanation =
      explain::ExplainText(text, classifier, context.options);
  if (!explanation.ok()) {
    if (absl::IsInvalidArgument(explanation.status()) && !row_id.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", row_id, ": ", explanation.status().message()));
    }
    return explanation.status();
  }
  return ToExplanationProto(*explanation, row_id, context.model, context.options);
}

absl::StatusOr<v1::Explanation> RowExplainer::ExplainStoredRow(const ModelContext& context,
                                                               const datasets::v1::Row& row) const {
  if (context.is_text) {
    const std::string& column = context.model.spec().text_column();
    const datasets::v1::Cell* cell = FindCell(row, column);
    if (cell == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "row ", row.row_id(), " has no text column \"", column, "\", which the model reads"));
    }
    return ExplainText(context, cell->missing() ? "" : cell->string_value(), row.row_id());
  }

  absl::StatusOr<std::vector<double>> values = TabularRowValues(row, context.model);
  if (!values.ok()) return values.status();
  const std::string& model_name = context.model.name();
  const TabularClassifier classifier = [&](const Eigen::MatrixXd& rows) {
    return inference_->PredictTabular(model_name, rows);
  };
  absl::StatusOr<LimeExplanation> explanation =
      context.tabular->Explain(*values, classifier, context.options);
  if (!explanation.ok()) return explanation.status();
  return ToExplanationProto(*explanation, row.row_id(), context.model, context.options);
}

absl::StatusOr<std::vector<datasets::v1::Row>> RowExplainer::FetchRows(
    const std::string& dataset, const std::vector<std::string>& row_ids,
    std::vector<absl::Status>& row_errors) const {
  // GetRows returns NOT_FOUND for an unknown dataset and for an unknown row
  // id alike. Checking the dataset first separates the two, so an unknown
  // row id becomes INVALID_ARGUMENT.
  absl::StatusOr<datasets::v1::Dataset> found = datasets_->GetDataset(dataset);
  if (!found.ok()) return found.status();

  row_errors.assign(row_ids.size(), absl::OkStatus());
  absl::StatusOr<std::vector<datasets::v1::Row>> rows = datasets_->GetRows(dataset, row_ids);
  if (rows.ok() || !absl::IsNotFound(rows.status())) return rows;

  // Some id is unknown: fetch the rows one by one to tell which.
  std::vector<datasets::v1::Row> fetched(row_ids.size());
  for (size_t i = 0; i < row_ids.size(); ++i) {
    absl::StatusOr<std::vector<datasets::v1::Row>> one = datasets_->GetRows(dataset, {row_ids[i]});
    if (one.ok() && one->size() == 1) {
      fetched[i] = std::move(one->front());
    } else if (one.ok() || absl::IsNotFound(one.status())) {
      row_errors[i] = absl::InvalidArgumentError(absl::StrCat(
          "row_id \"", row_ids[i], "\" is not a row of dataset ", dataset));
    } else {
      return one.status();
    }
  }
  return fetched;
}

absl::StatusOr<v1::Explanation> RowExplainer::ExplainRow(const v1::ExplainRowRequest& request) {
  absl::StatusOr<ModelContext> context =
      PrepareModel(request.model(), request.training_dataset(), request.options());
  if (!context.ok()) return context.status();

  if (!request.text().empty()) {
    if (!context->is_text) {
      return absl::InvalidArgumentError(absl::StrCat(
          "text is given but model ", request.model(), " is tabular; give dataset and row_id"));
    }
    return ExplainText(*context, request.text(), request.row_id());
  }
  if (request.row_id().empty()) {
    return absl::InvalidArgumentError("row_id (or, for a text model, text) is required");
  }

  std::vector<absl::Status> row_errors;
  absl::StatusOr<std::vector<datasets::v1::Row>> rows =
      FetchRows(request.dataset(), {request.row_id()}, row_errors);
  if (!rows.ok()) return rows.status();
  if (!row_errors.front().ok()) return row_errors.front();
  return ExplainStoredRow(*context, rows->front());
}

absl::Status RowExplainer::ExplainRows(
    const v1::ExplainRowsRequest& request,
    const std::function<void(const v1::ExplainRowsResponse&)>& emit) {
  if (request.row_ids_size() == 0 || request.row_ids_size() > kMaxRowsPerRequest) {
    return absl::InvalidArgumentError(absl::StrCat("row_ids has ", request.row_ids_size(),
                                                   " ids; give between 1 and ", kMaxRowsPerRequest));
  }
  absl::StatusOr<ModelContext> context =
      PrepareModel(request.model(), request.training_dataset(), request.options());
  if (!context.ok()) return context.status();
  const std::vector<std::string> row_ids(request.row_ids().begin(), request.row_ids().end());
  std::vector<absl::Status> row_errors;
  absl::StatusOr<std::vector<datasets::v1::Row>> rows =
      FetchRows(request.dataset(), row_ids, row_errors);
  if (!rows.ok()) return rows.status();

  // Workers take the next row until none is left or a service fails.
  std::atomic<size_t> next{0};
  std::mutex emit_mutex;
  absl::Status failure;
  auto work = [&] {
    for (size_t i = next++; i < row_ids.size(); i = next++) {
      absl::StatusOr<v1::Explanation> explanation =
          row_errors[i].ok() ? ExplainStoredRow(*context, (*rows)[i]) : row_errors[i];
      std::lock_guard<std::mutex> lock(emit_mutex);
      if (!failure.ok()) return;
      if (!explanation.ok() && !IsRowError(explanation.status())) {
        failure = explanation.status();
        return;
      }
      v1::ExplainRowsResponse response;
      response.set_row_id(row_ids[i]);
      if (explanation.ok()) {
        *response.mutable_explanation() = *std::move(explanation);
      } else {
        spdlog::debug("row {} of {} not explained: {}", row_ids[i], request.dataset(),
                      explanation.status().ToString());
        response.set_error(std::string(explanation.status().message()));
      }
      emit(response);
    }
  };

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t parallel = options_.parallel_rows > 0 ? options_.parallel_rows : cores;
  std::vector<std::thread> workers;
  for (size_t t = 1; t < std::min(parallel, row_ids.size()); ++t) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  return failure;
}

}  // namespace goalpost::explain
