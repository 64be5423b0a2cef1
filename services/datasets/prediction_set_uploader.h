#ifndef GOALPOST_SERVICES_DATASETS_PREDICTION_SET_UPLOADER_H_
#define GOALPOST_SERVICES_DATASETS_PREDICTION_SET_UPLOADER_H_

#include <functional>

#include "absl/status/statusor.h"
#include "common/postgres.h"
#include "goalpost/datasets/v1/datasets.pb.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

// Reads the next message of a prediction set upload; false at the end.
using PredictionMessageReader = std::function<bool(v1::UploadPredictionSetRequest*)>;

// Stores a model's predictions on a dataset in one transaction, chunked like
// the dataset (65,536 rows), as a class column "prediction" and one
// probability column per class.
class PredictionSetUploader {
 public:
  explicit PredictionSetUploader(ConnectionPool& pool);

  // Returns INVALID_ARGUMENT when the header's class names differ from the
  // dataset's, a batch is malformed, a probability is outside [0, 1], a
  // row's probabilities do not sum to 1 within 1e-4, or the row count
  // differs from the dataset's. Returns NOT_FOUND for an unknown dataset and
  // CANCELLED when the client went away.
  absl::StatusOr<v1::PredictionSet> Upload(const PredictionMessageReader& read,
                                           const std::function<bool()>& cancelled);

 private:
  ConnectionPool& pool_;
};

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_PREDICTION_SET_UPLOADER_H_
