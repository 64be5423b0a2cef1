#ifndef GOALPOST_SERVICES_DATASETS_DATASET_LAYOUT_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_LAYOUT_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

// Rows per stored chunk.
inline constexpr int kChunkRows = 65536;

// Default tolerance on the sum of a row's probabilities.
inline constexpr double kDefaultProbabilityTolerance = 1e-4;

// One stored column: what the spec says about a column of the file.
struct StoredColumn {
  std::string name;
  v1::ColumnRole role = v1::COLUMN_ROLE_UNSPECIFIED;
  v1::ColumnType type = v1::COLUMN_TYPE_UNSPECIFIED;
  // Position of the column in the CSV header or row batch.
  int source_index = -1;
  // For probability columns, the class index; -1 otherwise.
  int class_index = -1;
};

// The stored columns of a dataset, in file order, and where the roles are.
struct DatasetLayout {
  std::vector<StoredColumn> columns;
  // Indices into `columns`; -1 when absent.
  int id_column = -1;
  int label_column = -1;
  int prediction_column = -1;
  // One per class, in class order; empty when the spec names none.
  std::vector<int> probability_columns;
  // Fields per row in the source (the header's length).
  int source_width = 0;
};

// Checks a spec and fills in its defaults (delimiter ",", probability
// tolerance, display name). INVALID_ARGUMENT names the field at fault.
absl::Status ValidateSpec(v1::DatasetSpec& spec, const std::string& upload_time);

// Resolves the spec's columns against a CSV header or the column names of
// the first row batch. INVALID_ARGUMENT for a declared column missing from
// `header` or a name that appears twice in it; `header_line` is the line
// reported.
absl::StatusOr<DatasetLayout> ResolveLayout(const v1::DatasetSpec& spec,
                                            const std::vector<std::string>& header,
                                            int64_t header_line);

// The Column messages of a layout, without statistics.
std::vector<v1::Column> ColumnsOf(const DatasetLayout& layout);

// Rebuilds a layout from the stored Column messages, with source_index equal
// to the stored position.
DatasetLayout LayoutFromColumns(const v1::DatasetSpec& spec,
                                const google::protobuf::RepeatedPtrField<v1::Column>& columns);

// Cuts a value to at most 80 bytes (on a UTF-8 character boundary) for
// error messages, marking the cut with "...".
std::string Shorten(std::string_view value);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_LAYOUT_H_
