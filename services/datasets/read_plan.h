#ifndef GOALPOST_SERVICES_DATASETS_READ_PLAN_H_
#define GOALPOST_SERVICES_DATASETS_READ_PLAN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

// The stored location of a requested column.
struct ResolvedColumn {
  // The name as requested (or as listed when every column is read).
  std::string name;
  v1::ColumnType type = v1::COLUMN_TYPE_UNSPECIFIED;
  // True for a column of the prediction set: index 0 is the predicted class,
  // 1 + c the probability of class c.
  bool from_prediction_set = false;
  // Stored column index in the dataset or in the prediction set.
  int32_t column_index = 0;
};

// Resolves requested column names as DatasetReader::ReadColumns describes.
// INVALID_ARGUMENT names a column that does not exist.
absl::StatusOr<std::vector<ResolvedColumn>> ResolveColumns(
    const v1::Dataset& dataset, const std::vector<std::string>& requested,
    bool with_prediction_set);

// The column name of class c's probability, "probability[<class>]".
std::string ProbabilityColumnName(const std::string& class_name);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_READ_PLAN_H_
