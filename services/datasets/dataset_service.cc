#include "services/datasets/dataset_service.h"

#include <spdlog/spdlog.h>

#include "common/migrations.h"
#include "common/status.h"
#include "datasets_migrations.h"

namespace goalpost::datasets {

absl::StatusOr<std::unique_ptr<DatasetServiceImpl>> DatasetServiceImpl::Create(
    const DatasetServiceOptions& options) {
  absl::StatusOr<std::unique_ptr<ConnectionPool>> pool =
      ConnectionPool::Create(options.database_url, options.connection_pool_size);
  if (!pool.ok()) return pool.status();
  GOALPOST_RETURN_IF_ERROR(ApplyMigrations(**pool, "datasets", datasetsMigrations()));
  return std::unique_ptr<DatasetServiceImpl>(
      new DatasetServiceImpl(std::move(pool).value(), options.upload));
}

DatasetServiceImpl::DatasetServiceImpl(std::unique_ptr<ConnectionPool> pool, UploadOptions upload)
    : pool_(std::move(pool)),
      uploader_(*pool_, upload),
      prediction_set_uploader_(*pool_),
      reader_(*pool_) {}

absl::Status DatasetServiceImpl::CheckReadiness() { return pool_->Ping(); }

grpc::Status DatasetServiceImpl::UploadDataset(grpc::ServerContext* context,
                                               grpc::ServerReader<v1::UploadDatasetRequest>* reader,
                                               v1::UploadDatasetResponse* response) {
  absl::StatusOr<v1::UploadDatasetResponse> result = uploader_.Upload(
      [reader](v1::UploadDatasetRequest* message) { return reader->Read(message); },
      [context] { return context->IsCancelled(); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::GetDataset(grpc::ServerContext*,
                                            const v1::GetDatasetRequest* request,
                                            v1::GetDatasetResponse* response) {
  absl::StatusOr<v1::Dataset> dataset = reader_.GetDataset(*request);
  if (!dataset.ok()) return ToGrpcStatus(dataset.status());
  *response->mutable_dataset() = std::move(dataset).value();
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::ListDatasets(grpc::ServerContext*,
                                              const v1::ListDatasetsRequest* request,
                                              v1::ListDatasetsResponse* response) {
  absl::StatusOr<v1::ListDatasetsResponse> page = reader_.ListDatasets(*request);
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = std::move(page).value();
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::DeleteDataset(grpc::ServerContext*,
                                               const v1::DeleteDatasetRequest* request,
                                               v1::DeleteDatasetResponse*) {
  return ToGrpcStatus(reader_.DeleteDataset(*request));
}

grpc::Status DatasetServiceImpl::ReadColumns(grpc::ServerContext*,
                                             const v1::ReadColumnsRequest* request,
                                             grpc::ServerWriter<v1::ReadColumnsResponse>* writer) {
  return ToGrpcStatus(reader_.ReadColumns(
      *request, [writer](const v1::ReadColumnsResponse& message) { return writer->Write(message); }));
}

grpc::Status DatasetServiceImpl::GetRows(grpc::ServerContext*, const v1::GetRowsRequest* request,
                                         v1::GetRowsResponse* response) {
  absl::StatusOr<v1::GetRowsResponse> rows = reader_.GetRows(*request);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  *response = std::move(rows).value();
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::LookupTokens(grpc::ServerContext*,
                                              const v1::LookupTokensRequest* request,
                                              grpc::ServerWriter<v1::LookupTokensResponse>* writer) {
  return ToGrpcStatus(reader_.LookupTokens(
      *request, [writer](const v1::LookupTokensResponse& message) { return writer->Write(message); }));
}

grpc::Status DatasetServiceImpl::UploadPredictionSet(
    grpc::ServerContext* context, grpc::ServerReader<v1::UploadPredictionSetRequest>* reader,
    v1::UploadPredictionSetResponse* response) {
  absl::StatusOr<v1::PredictionSet> prediction_set = prediction_set_uploader_.Upload(
      [reader](v1::UploadPredictionSetRequest* message) { return reader->Read(message); },
      [context] { return context->IsCancelled(); });
  if (!prediction_set.ok()) return ToGrpcStatus(prediction_set.status());
  *response->mutable_prediction_set() = std::move(prediction_set).value();
  return grpc::Status::OK;
}

grpc::Status DatasetServiceImpl::GetPredictionSet(grpc::ServerContext*,
                                                  const v1::GetPredictionSetRequest* request,
                                                  v1::GetPredictionSetResponse* response) {
  absl::StatusOr<v1::PredictionSet> prediction_set = reader_.GetPredictionSet(*request);
  if (!prediction_set.ok()) return ToGrpcStatus(prediction_set.status());
  *response->mutable_prediction_set() = std::move(prediction_set).value();
  return grpc::Status::OK;
}

}  // namespace goalpost::datasets
