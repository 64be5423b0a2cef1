#ifndef GOALPOST_SERVICES_DATASETS_DATASET_SERVICE_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_SERVICE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "services/datasets/dataset_reader.h"
#include "services/datasets/dataset_uploader.h"
#include "services/datasets/prediction_set_uploader.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

struct DatasetServiceOptions {
  // libpq URL of the database (may hold a password: never logged).
  std::string database_url;
  // Connections in the pool. Each running upload or streaming read uses one.
  int connection_pool_size = 8;
  UploadOptions upload;
};

// The gRPC adapter of DatasetService: converts requests and statuses and
// leaves the work to DatasetUploader, PredictionSetUploader and
// DatasetReader.
class DatasetServiceImpl final : public v1::DatasetService::Service {
 public:
  // Connects to the database and applies the datasets schema's migrations.
  static absl::StatusOr<std::unique_ptr<DatasetServiceImpl>> Create(
      const DatasetServiceOptions& options);

  // Returns OK while the database is reachable.
  absl::Status CheckReadiness();

  grpc::Status UploadDataset(grpc::ServerContext* context,
                             grpc::ServerReader<v1::UploadDatasetRequest>* reader,
                             v1::UploadDatasetResponse* response) override;
  grpc::Status GetDataset(grpc::ServerContext* context, const v1::GetDatasetRequest* request,
                          v1::GetDatasetResponse* response) override;
  grpc::Status ListDatasets(grpc::ServerContext* context, const v1::ListDatasetsRequest* request,
                            v1::ListDatasetsResponse* response) override;
  grpc::Status DeleteDataset(grpc::ServerContext* context, const v1::DeleteDatasetRequest* request,
                             v1::DeleteDatasetResponse* response) override;
  grpc::Status ReadColumns(grpc::ServerContext* context, const v1::ReadColumnsRequest* request,
                           grpc::ServerWriter<v1::ReadColumnsResponse>* writer) override;
  grpc::Status GetRows(grpc::ServerContext* context, const v1::GetRowsRequest* request,
                       v1::GetRowsResponse* response) override;
  grpc::Status LookupTokens(grpc::ServerContext* context, const v1::LookupTokensRequest* request,
                            grpc::ServerWriter<v1::LookupTokensResponse>* writer) override;
  grpc::Status UploadPredictionSet(grpc::ServerContext* context,
                                   grpc::ServerReader<v1::UploadPredictionSetRequest>* reader,
                                   v1::UploadPredictionSetResponse* response) override;
  grpc::Status GetPredictionSet(grpc::ServerContext* context,
                                const v1::GetPredictionSetRequest* request,
                                v1::GetPredictionSetResponse* response) override;

 private:
  explicit DatasetServiceImpl(std::unique_ptr<ConnectionPool> pool, UploadOptions upload);

  std::unique_ptr<ConnectionPool> pool_;
  DatasetUploader uploader_;
  PredictionSetUploader prediction_set_uploader_;
  DatasetReader reader_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_SERVICE_H_
