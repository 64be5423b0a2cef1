#ifndef GOALPOST_SERVICES_DATASETS_DATASET_READER_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_READER_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/datasets/v1/datasets.pb.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

// Reads committed datasets and prediction sets: metadata, column chunks,
// whole rows and the token index. Every chunk read checks its checksum; a
// mismatch is DATA_LOSS and is logged with the dataset and chunk.
class DatasetReader {
 public:
  // Sends one streamed message; returns false when the client went away.
  template <typename T>
  using Emit = std::function<bool(const T&)>;

  explicit DatasetReader(ConnectionPool& pool);

  absl::StatusOr<v1::Dataset> GetDataset(const v1::GetDatasetRequest& request);
  absl::StatusOr<v1::ListDatasetsResponse> ListDatasets(const v1::ListDatasetsRequest& request);
  absl::Status DeleteDataset(const v1::DeleteDatasetRequest& request);

  // Streams one message per stored chunk overlapping the row range.
  //
  // Column names resolve in this order: with a prediction set,
  // "prediction" and "probability[<class>]" come from the set; otherwise a
  // dataset column of that name; otherwise "prediction" and
  // "probability[<class>]" mean the dataset's prediction and probability
  // columns. An empty column list reads every dataset column, with the
  // prediction set's columns in place of the dataset's prediction and
  // probability columns when a set is given.
  absl::Status ReadColumns(const v1::ReadColumnsRequest& request,
                           const Emit<v1::ReadColumnsResponse>& emit);

  absl::StatusOr<v1::GetRowsResponse> GetRows(const v1::GetRowsRequest& request);

  absl::Status LookupTokens(const v1::LookupTokensRequest& request,
                            const Emit<v1::LookupTokensResponse>& emit);

  absl::StatusOr<v1::PredictionSet> GetPredictionSet(const v1::GetPredictionSetRequest& request);

 private:
  ConnectionPool& pool_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_READER_H_
