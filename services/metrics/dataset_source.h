#ifndef GOALPOST_SERVICES_METRICS_DATASET_SOURCE_H_
#define GOALPOST_SERVICES_METRICS_DATASET_SOURCE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"

namespace goalpost::metrics {

// The calls the metrics service makes to the datasets service.
class DatasetSource {
 public:
  virtual ~DatasetSource() = default;

  virtual absl::StatusOr<goalpost::datasets::v1::Dataset> GetDataset(const std::string& name) = 0;
  virtual absl::StatusOr<goalpost::datasets::v1::PredictionSet> GetPredictionSet(
      const std::string& name) = 0;

  // Streams the chunks of `request` to `consume` in row order; stops at the
  // first error, of the stream or of `consume`.
  virtual absl::Status ReadColumns(
      const goalpost::datasets::v1::ReadColumnsRequest& request,
      const std::function<absl::Status(const goalpost::datasets::v1::ReadColumnsResponse&)>&
          consume) = 0;

  // Ascending global row indices that match a token lookup.
  virtual absl::StatusOr<std::vector<int64_t>> LookupTokens(
      const goalpost::datasets::v1::LookupTokensRequest& request) = 0;
};

// DatasetSource over a gRPC channel to goalpost-datasets. Each call gets
// `call_timeout` as its deadline; errors keep the datasets service's code.
class GrpcDatasetSource final : public DatasetSource {
 public:
  GrpcDatasetSource(std::shared_ptr<grpc::Channel> channel, absl::Duration call_timeout);

  absl::StatusOr<goalpost::datasets::v1::Dataset> GetDataset(const std::string& name) override;
  absl::StatusOr<goalpost::datasets::v1::PredictionSet> GetPredictionSet(
      const std::string& name) override;
  absl::Status ReadColumns(
      const goalpost::datasets::v1::ReadColumnsRequest& request,
      const std::function<absl::Status(const goalpost::datasets::v1::ReadColumnsResponse&)>&
          consume) override;
  absl::StatusOr<std::vector<int64_t>> LookupTokens(
      const goalpost::datasets::v1::LookupTokensRequest& request) override;

 private:
  void SetDeadline(grpc::ClientContext& context) const;

  std::unique_ptr<goalpost::datasets::v1::DatasetService::Stub> stub_;
  absl::Duration call_timeout_;
};

}  // namespace goalpost::metrics

#endif  // GOALPOST_SERVICES_METRICS_DATASET_SOURCE_H_
