#ifndef GOALPOST_SERVICES_DATASETS_DATASET_TEST_SUPPORT_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_TEST_SUPPORT_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "services/datasets/dataset_service.h"

namespace goalpost::datasets::testing {

namespace v1 = ::goalpost::datasets::v1;

// A DatasetService on 127.0.0.1 in this process, with its own database in
// the shared PostgreSQL test server.
class TestDatasetServer {
 public:
  // Aborts the test binary when the database or the server cannot start.
  explicit TestDatasetServer(const std::string& database_name, int64_t max_upload_bytes = 0);
  ~TestDatasetServer();

  v1::DatasetService::Stub& stub() { return *stub_; }
  const std::string& database_url() const { return database_url_; }

  // Rows in datasets, chunks, token_index, prediction_sets and
  // prediction_chunks together.
  int64_t StoredRowCount();

 private:
  std::string database_url_;
  std::unique_ptr<DatasetServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::DatasetService::Stub> stub_;
};

// Sends the spec and then `csv` in slices of `slice_bytes`.
grpc::Status UploadCsv(v1::DatasetService::Stub& stub, const v1::DatasetSpec& spec,
                       const std::string& csv, size_t slice_bytes,
                       v1::UploadDatasetResponse* response);

// Reads a whole file.
std::string ReadFile(const std::string& path);

// Runs a command and returns its standard output, one string per line.
std::vector<std::string> CommandOutputLines(const std::string& command);

// The spec of the SpamAssassin example files.
v1::DatasetSpec SpamAssassinSpec();

}  // namespace goalpost::datasets::testing

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_TEST_SUPPORT_H_
