#include "bench/metrics/in_memory_dataset_source.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace goalpost::bench {

using ::goalpost::datasets::v1::ColumnData;

InMemoryDatasetSource::InMemoryDatasetSource(const GoalBenchData* data) : data_(data) {
  for (size_t row = 0; row < data_->text.size(); ++row) {
    for (absl::string_view token : absl::StrSplit(data_->text[row], ' ')) {
      std::vector<int64_t>& rows = token_rows_[token];
      if (rows.empty() || rows.back() != static_cast<int64_t>(row)) rows.push_back(row);
    }
  }
}

absl::StatusOr<goalpost::datasets::v1::Dataset> InMemoryDatasetSource::GetDataset(
    const std::string& name) {
  goalpost::datasets::v1::Dataset dataset;
  dataset.set_name(name);
  *dataset.mutable_spec() = GoalBenchSpec();
  dataset.set_row_count(static_cast<int64_t>(data_->labels.size()));
  return dataset;
}

absl::StatusOr<goalpost::datasets::v1::PredictionSet> InMemoryDatasetSource::GetPredictionSet(
    const std::string& name) {
  return absl::NotFoundError("prediction set " + name + " not found");
}

absl::Status InMemoryDatasetSource::FillColumn(const std::string& name, int64_t begin,
                                               int64_t end, ColumnData* column) const {
  column->set_name(name);
  if (name == "label" || name == "prediction") {
    const std::vector<int32_t>& values = name == "label" ? data_->labels : data_->predictions;
    column->set_type(goalpost::datasets::v1::COLUMN_TYPE_CLASS);
    column->mutable_class_indices()->Assign(values.begin() + begin, values.begin() + end);
  } else if (name.size() == 3 && name.rfind("p_", 0) == 0) {
    const int c = name[2] - 'a';
    column->set_type(goalpost::datasets::v1::COLUMN_TYPE_DOUBLE);
    for (int64_t i = begin; i < end; ++i) column->add_doubles(data_->probabilities[i * 5 + c]);
  } else if (name == "age" || name == "income") {
    const std::vector<double>& values = name == "age" ? data_->age : data_->income;
    column->set_type(goalpost::datasets::v1::COLUMN_TYPE_DOUBLE);
    column->mutable_doubles()->Assign(values.begin() + begin, values.begin() + end);
  } else if (name == "country" || name == "text") {
    const std::vector<std::string>& values = name == "country" ? data_->country : data_->text;
    column->set_type(goalpost::datasets::v1::COLUMN_TYPE_STRING);
    for (int64_t i = begin; i < end; ++i) column->add_strings(values[i]);
  } else {
    return absl::InvalidArgumentError("unknown column " + name);
  }
  return absl::OkStatus();
}

absl::Status InMemoryDatasetSource::ReadColumns(
    const goalpost::datasets::v1::ReadColumnsRequest& request,
    const std::function<absl::Status(const goalpost::datasets::v1::ReadColumnsResponse&)>&
        consume) {
  const int64_t rows = static_cast<int64_t>(data_->labels.size());
  const int64_t end =
      request.row_limit() == 0 ? rows : std::min(rows, request.row_offset() + request.row_limit());
  for (int64_t begin = request.row_offset(); begin < end; begin += 65536) {
    const int64_t chunk_end = std::min(end, begin + 65536);
    goalpost::datasets::v1::ReadColumnsResponse chunk;
    chunk.set_row_offset(begin);
    chunk.set_row_count(static_cast<int32_t>(chunk_end - begin));
    for (const std::string& name : request.columns()) {
      const absl::Status status = FillColumn(name, begin, chunk_end, chunk.add_columns());
      if (!status.ok()) return status;
    }
    const absl::Status status = consume(chunk);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> InMemoryDatasetSource::LookupTokens(
    const goalpost::datasets::v1::LookupTokensRequest& request) {
  std::vector<int64_t> result;
  bool first = true;
  for (const std::string& token : request.tokens()) {
    const auto it = token_rows_.find(token);
    const std::vector<int64_t> rows = it == token_rows_.end() ? std::vector<int64_t>() : it->second;
    std::vector<int64_t> combined;
    if (first) {
      combined = rows;
    } else if (request.mode() == goalpost::datasets::v1::TOKEN_LOOKUP_MODE_ANY) {
      std::set_union(result.begin(), result.end(), rows.begin(), rows.end(),
                     std::back_inserter(combined));
    } else {
      std::set_intersection(result.begin(), result.end(), rows.begin(), rows.end(),
                            std::back_inserter(combined));
    }
    result = std::move(combined);
    first = false;
  }
  return result;
}

}  // namespace goalpost::bench
