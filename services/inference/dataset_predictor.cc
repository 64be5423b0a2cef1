#include "services/inference/dataset_predictor.h"

#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status.h"
#include "services/inference/batch_predictor.h"

namespace goalpost::inference {
namespace {

namespace datasets = goalpost::datasets::v1;

// Rows per PredictionBatch message: 16,384 rows of a few classes stay far
// below the gRPC message limit.
constexpr size_t kRowsPerBatch = 16384;

absl::Status FromRemote(const grpc::Status& status, absl::string_view what) {
  return Annotate(FromGrpcStatus(status), what);
}

}  // namespace

// The columns to read and how each feeds the model.
struct DatasetPredictor::Plan {
  std::string dataset;
  std::vector<std::string> columns;
  // Per tabular feature: code of each categorical level.
  std::vector<std::optional<absl::flat_hash_map<std::string, int>>> category_codes;
  std::vector<std::string> class_names;
};

DatasetPredictor::DatasetPredictor(ModelRegistry* registry,
                                   std::shared_ptr<grpc::Channel> datasets_channel,
                                   WorkerPool* workers)
    : registry_(registry),
      datasets_(datasets::DatasetService::NewStub(std::move(datasets_channel))),
      workers_(workers) {}

absl::StatusOr<v1::PredictDatasetResponse> DatasetPredictor::PredictDataset(
    const std::string& model_name, const std::string& dataset) {
  auto model = registry_->Get(model_name);
  if (!model.ok()) return model.status();

  // One request per model and dataset computes the prediction set. Others,
  // on this replica or another, wait on a transaction-scoped advisory lock,
  // then find the recorded set. The lock holds one pooled connection while
  // the predictions are computed.
  std::optional<v1::PredictDatasetResponse> result;
  absl::Status status = registry_->pool().RunTransaction(
      [&](pqxx::work& txn) -> absl::Status {
        result.reset();
        txn.exec_params("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", model_name,
                        dataset);
        pqxx::result rows = txn.exec_params(
            "SELECT prediction_set, row_count FROM inference.prediction_sets "
            "WHERE model = $1 AND dataset = $2",
            model_name, dataset);
        if (!rows.empty()) {
          result.emplace();
          result->set_prediction_set(rows[0][0].as<std::string>());
          result->set_row_count(rows[0][1].as<int64_t>());
          result->set_created(false);
          return absl::OkStatus();
        }

        auto plan = PlanColumns(**model, dataset);
        if (!plan.ok()) return plan.status();
        auto created = Run(**model, *plan);
        if (!created.ok()) return created.status();
        txn.exec_params(
            "INSERT INTO inference.prediction_sets (model, dataset, prediction_set, row_count) "
            "VALUES ($1, $2, $3, $4)",
            model_name, dataset, created->prediction_set(), created->row_count());
        result = *std::move(created);
        return absl::OkStatus();
      },
      /*max_attempts=*/1);
  if (!status.ok()) return status;
  if (result->created()) {
    spdlog::info("stored prediction set {} of model {} on {} ({} rows)", result->prediction_set(),
                 model_name, dataset, result->row_count());
  }
  return *result;
}

absl::StatusOr<DatasetPredictor::Plan> DatasetPredictor::PlanColumns(const HostedModel& model,
                                                                     const std::string& dataset) {
  grpc::ClientContext context;
  datasets::GetDatasetRequest request;
  request.set_name(dataset);
  datasets::GetDatasetResponse response;
  grpc::Status status = datasets_->GetDataset(&context, request, &response);
  if (!status.ok()) return FromRemote(status, absl::StrCat("reading dataset ", dataset));

  const v1::ModelSpec& spec = model.model.spec();
  Plan plan;
  plan.dataset = dataset;
  plan.class_names.assign(spec.class_names().begin(), spec.class_names().end());
  const auto& dataset_classes = response.dataset().spec().class_names();
  if (!std::equal(plan.class_names.begin(), plan.class_names.end(), dataset_classes.begin(),
                  dataset_classes.end())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the model's classes [", absl::StrJoin(plan.class_names, ", "),
        "] differ from the classes of dataset ", dataset, " [",
        absl::StrJoin(dataset_classes, ", "), "]"));
  }

  absl::flat_hash_map<std::string, datasets::ColumnType> column_types;
  for (const datasets::Column& column : response.dataset().columns()) {
    column_types[column.name()] = column.type();
  }
  auto require = [&](const std::string& name, datasets::ColumnType type) -> absl::Status {
    auto it = column_types.find(name);
    if (it == column_types.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "dataset ", dataset, " has no column '", name, "', which model ", model.model.name(),
          " needs"));
    }
    if (it->second != type) {
      return absl::FailedPreconditionError(absl::StrCat(
          "column '", name, "' of dataset ", dataset, " has type ",
          datasets::ColumnType_Name(it->second), " but model ", model.model.name(),
          " needs ", datasets::ColumnType_Name(type)));
    }
    return absl::OkStatus();
  };

  if (spec.features_size() == 0) {
    GOALPOST_RETURN_IF_ERROR(require(spec.text_column(), datasets::COLUMN_TYPE_STRING));
    plan.columns.push_back(spec.text_column());
    return plan;
  }
  for (const v1::Feature& feature : spec.features()) {
    plan.columns.push_back(feature.name());
    if (feature.type() == v1::FEATURE_TYPE_CATEGORICAL) {
      GOALPOST_RETURN_IF_ERROR(require(feature.name(), datasets::COLUMN_TYPE_STRING));
      absl::flat_hash_map<std::string, int> codes;
      for (int i = 0; i < feature.categories_size(); ++i) codes[feature.categories(i)] = i;
      plan.category_codes.emplace_back(std::move(codes));
    } else {
      GOALPOST_RETURN_IF_ERROR(require(feature.name(), datasets::COLUMN_TYPE_DOUBLE));
      plan.category_codes.emplace_back(std::nullopt);
    }
  }
  return plan;
}

absl::StatusOr<ClassProbabilities> DatasetPredictor::PredictChunk(
    const HostedModel& model, const Plan& plan, const datasets::ReadColumnsResponse& chunk) {
  const size_t rows = static_cast<size_t>(chunk.row_count());
  if (chunk.columns_size() != static_cast<int>(plan.columns.size())) {
    return absl::InternalError(absl::StrCat("ReadColumns returned ", chunk.columns_size(),
                                            " columns, expected ", plan.columns.size()));
  }
  const ModelRuntime& runtime = *model.runtime;

  // Inputs in the model's row layout; a missing text is the empty text.
  std::vector<std::string> texts;
  std::vector<double> values;
  const size_t features = plan.category_codes.size();
  if (features == 0) {
    texts.assign(chunk.columns(0).strings().begin(), chunk.columns(0).strings().end());
    texts.resize(rows);
  } else {
    values.assign(rows * features, std::numeric_limits<double>::quiet_NaN());
    for (size_t f = 0; f < features; ++f) {
      const datasets::ColumnData& column = chunk.columns(static_cast<int>(f));
      std::vector<bool> missing(rows, false);
      for (int row : column.missing_rows()) missing[row] = true;
      for (size_t row = 0; row < rows; ++row) {
        if (!plan.category_codes[f].has_value()) {
          if (row < static_cast<size_t>(column.doubles_size())) {
            values[row * features + f] = column.doubles(static_cast<int>(row));
          }
          continue;
        }
        // A missing value or a level the model does not know stays NaN.
        if (missing[row] || row >= static_cast<size_t>(column.strings_size())) continue;
        auto code = plan.category_codes[f]->find(column.strings(static_cast<int>(row)));
        if (code != plan.category_codes[f]->end()) values[row * features + f] = code->second;
      }
    }
  }

  if (features == 0) return PredictTextsInParallel(runtime, texts, *workers_);
  return PredictTabularInParallel(runtime, values, *workers_);
}

absl::StatusOr<v1::PredictDatasetResponse> DatasetPredictor::Run(const HostedModel& model,
                                                                 const Plan& plan) {
  grpc::ClientContext upload_context;
  datasets::UploadPredictionSetResponse uploaded;
  auto upload = datasets_->UploadPredictionSet(&upload_context, &uploaded);
  datasets::UploadPredictionSetRequest header;
  header.mutable_header()->set_dataset(plan.dataset);
  header.mutable_header()->set_model(model.model.name());
  for (const std::string& name : plan.class_names) header.mutable_header()->add_class_names(name);
  upload->Write(header);

  grpc::ClientContext read_context;
  datasets::ReadColumnsRequest read_request;
  read_request.set_name(plan.dataset);
  for (const std::string& column : plan.columns) read_request.add_columns(column);
  auto reader = datasets_->ReadColumns(&read_context, read_request);

  // Any failure cancels the upload, so the datasets service stores nothing.
  absl::Status failure;
  int64_t rows = 0;
  datasets::ReadColumnsResponse chunk;
  while (failure.ok() && reader->Read(&chunk)) {
    auto predicted = PredictChunk(model, plan, chunk);
    if (!predicted.ok()) {
      failure = predicted.status();
      break;
    }
    const size_t classes = static_cast<size_t>(predicted->class_count);
    for (size_t begin = 0; begin < predicted->row_count(); begin += kRowsPerBatch) {
      const size_t end = std::min(predicted->row_count(), begin + kRowsPerBatch);
      datasets::UploadPredictionSetRequest message;
      auto* batch = message.mutable_batch();
      batch->mutable_probabilities()->Add(predicted->probabilities.begin() + begin * classes,
                                          predicted->probabilities.begin() + end * classes);
      batch->mutable_predicted_class()->Add(predicted->predicted_class.begin() + begin,
                                            predicted->predicted_class.begin() + end);
      if (!upload->Write(message)) {
        failure = absl::UnavailableError("the datasets service closed the prediction set upload");
        break;
      }
    }
    rows += static_cast<int64_t>(predicted->row_count());
  }
  if (!failure.ok()) {
    read_context.TryCancel();
    reader->Finish().ok();
    upload_context.TryCancel();
    upload->Finish().ok();
    return failure;
  }
  grpc::Status read_status = reader->Finish();
  if (!read_status.ok()) {
    upload_context.TryCancel();
    upload->Finish().ok();
    return FromRemote(read_status, absl::StrCat("reading columns of ", plan.dataset));
  }
  upload->WritesDone();
  grpc::Status upload_status = upload->Finish();
  if (!upload_status.ok()) {
    return FromRemote(upload_status, absl::StrCat("storing the prediction set of ", plan.dataset));
  }

  v1::PredictDatasetResponse response;
  response.set_prediction_set(uploaded.prediction_set().name());
  response.set_row_count(rows);
  response.set_created(true);
  return response;
}

}  // namespace goalpost::inference
