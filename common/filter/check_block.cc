#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/filter/filter.h"

namespace goalpost::filter {
namespace {

using ::goalpost::datasets::v1::ColumnData;

absl::Status CheckColumn(const std::string& name, datasets::v1::ColumnType type, const RowBlock& block) {
  const auto it = block.columns.find(name);
  if (it == block.columns.end() || it->second == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("the row block has no column \"", name,
                                                   "\", which the filter reads"));
  }
  const ColumnData& column = *it->second;
  if (column.type() != type) {
    return absl::InvalidArgumentError(absl::StrCat(
        "column \"", name, "\" of the row block has type ", datasets::v1::ColumnType_Name(column.type()),
        ", expected ", datasets::v1::ColumnType_Name(type)));
  }

  const bool doubles = type == datasets::v1::COLUMN_TYPE_DOUBLE;
  const int64_t size = doubles ? column.doubles_size() : column.strings_size();
  if (size != block.row_count) {
    return absl::InvalidArgumentError(absl::StrCat("column \"", name, "\" of the row block has ", size,
                                                   " values for ", block.row_count, " rows"));
  }
  for (int32_t row : column.missing_rows()) {
    if (row < 0 || row >= block.row_count) {
      return absl::InvalidArgumentError(absl::StrCat("column \"", name, "\" of the row block lists missing row ",
                                                     row, ", outside [0, ", block.row_count, ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CompiledFilter::CheckBlock(const RowBlock& block) const {
  if (block.row_count < 0) {
    return absl::InvalidArgumentError(absl::StrCat("the row block has a negative row_count, ", block.row_count));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    absl::Status status = CheckColumn(columns_[i], column_types_[i], block);
    if (!status.ok()) return status;
  }
  if (uses_labels_ && block.labels == nullptr) {
    return absl::InvalidArgumentError("the filter reads labels and the row block has none");
  }
  if (uses_predictions_ && block.predictions == nullptr) {
    return absl::InvalidArgumentError("the filter reads predictions and the row block has none");
  }
  if (uses_confidence_ && block.confidence == nullptr) {
    return absl::InvalidArgumentError("the filter reads confidence and the row block has none");
  }
  const size_t token_lists = block.token_query_rows == nullptr ? 0 : block.token_query_rows->size();
  if (token_lists < token_queries_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("the filter has ", token_queries_.size(),
                                                   " token queries and the row block has rows for ",
                                                   token_lists));
  }
  return absl::OkStatus();
}

}  // namespace goalpost::filter
