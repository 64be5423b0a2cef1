#ifndef GOALPOST_SERVICES_EXPLAIN_DATASET_CLIENT_H_
#define GOALPOST_SERVICES_EXPLAIN_DATASET_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"

namespace goalpost::explain {

// Calls the datasets service for the explainer: rows to explain, and a
// training set's statistics and feature columns. Thread-safe.
class DatasetClient {
 public:
  DatasetClient(std::shared_ptr<grpc::Channel> channel, std::string address,
                absl::Duration timeout);

  // The dataset with its column statistics. NOT_FOUND for an unknown
  // dataset.
  absl::StatusOr<datasets::v1::Dataset> GetDataset(const std::string& name) const;

  // Rows by id, in the order asked. NOT_FOUND when a dataset or row does
  // not exist.
  absl::StatusOr<std::vector<datasets::v1::Row>> GetRows(const std::string& dataset,
                                                        const std::vector<std::string>& row_ids) const;

  // Whole columns of a dataset, in the order asked, concatenated over its
  // chunks.
  absl::StatusOr<std::vector<datasets::v1::ColumnData>> ReadColumns(
      const std::string& dataset, const std::vector<std::string>& columns) const;

 private:
  std::unique_ptr<datasets::v1::DatasetService::Stub> stub_;
  std::string address_;
  absl::Duration timeout_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_DATASET_CLIENT_H_
