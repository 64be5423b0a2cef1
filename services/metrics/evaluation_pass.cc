#include "services/metrics/evaluation_pass.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace goalpost::metrics {
namespace {

using ::goalpost::datasets::v1::ColumnData;
using ::goalpost::datasets::v1::ReadColumnsRequest;
using ::goalpost::datasets::v1::ReadColumnsResponse;

// The columns of one chunk in the form the accumulators and filters take.
struct ChunkRows {
  int64_t row_count = 0;
  const int32_t* labels = nullptr;
  const int32_t* predictions = nullptr;
  std::vector<int32_t> argmax_predictions;
  // Row-major rows x classes; empty without probabilities.
  std::vector<double> probabilities;
  // Rows whose probabilities are all present.
  std::vector<uint8_t> scored;
  std::vector<double> confidence;
};

ReadColumnsRequest ColumnsRequest(const EvaluationPlan& plan, int64_t row_offset,
                                  int64_t row_limit) {
  ReadColumnsRequest request;
  request.set_name(plan.dataset.name());
  request.set_prediction_set(plan.prediction_set);
  request.set_row_offset(row_offset);
  request.set_row_limit(row_limit);
  request.add_columns(plan.label_column);
  if (!plan.prediction_column.empty()) request.add_columns(plan.prediction_column);
  for (const std::string& column : plan.probability_columns) request.add_columns(column);
  for (const std::string& column : plan.filter_columns) request.add_columns(column);
  return request;
}

absl::Status CheckClassColumn(const ColumnData& column, int64_t rows, int class_count) {
  if (column.class_indices_size() != rows) {
    return absl::InternalError(absl::StrCat("column \"", column.name(), "\" streamed ",
                                            column.class_indices_size(), " class indices for ",
                                            rows, " rows"));
  }
  for (int32_t index : column.class_indices()) {
    if (index < 0 || index >= class_count) {
      return absl::InternalError(absl::StrCat("column \"", column.name(),
                                              "\" streamed class index ", index, ", outside [0, ",
                                              class_count, ")"));
    }
  }
  return absl::OkStatus();
}

// Lays the probability columns out row by row and derives predictions
// (when the dataset has none) and the predicted-class confidence.
absl::Status ReadProbabilities(const EvaluationPlan& plan, const ReadColumnsResponse& chunk,
                               int first_column, ChunkRows& rows) {
  const int k = static_cast<int>(plan.class_names.size());
  const int64_t n = rows.row_count;
  rows.probabilities.resize(n * k);
  rows.scored.assign(n, 1);
  for (int c = 0; c < k; ++c) {
    const ColumnData& column = chunk.columns(first_column + c);
    if (column.doubles_size() != n) {
      return absl::InternalError(absl::StrCat("column \"", column.name(), "\" streamed ",
                                              column.doubles_size(), " values for ", n, " rows"));
    }
    for (int64_t i = 0; i < n; ++i) {
      const double p = column.doubles(i);
      rows.probabilities[i * k + c] = p;
      if (std::isnan(p)) rows.scored[i] = 0;
    }
  }

  if (rows.predictions == nullptr) {
    rows.argmax_predictions.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      const double* row = &rows.probabilities[i * k];
      rows.argmax_predictions[i] = static_cast<int32_t>(std::max_element(row, row + k) - row);
    }
    rows.predictions = rows.argmax_predictions.data();
  }

  rows.confidence.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    rows.confidence[i] = rows.probabilities[i * k + rows.predictions[i]];
  }
  return absl::OkStatus();
}

absl::StatusOr<ChunkRows> ReadChunkRows(const EvaluationPlan& plan,
                                        const ReadColumnsResponse& chunk) {
  const int k = static_cast<int>(plan.class_names.size());
  const int expected_columns = 1 + (plan.prediction_column.empty() ? 0 : 1) +
                               static_cast<int>(plan.probability_columns.size() +
                                                plan.filter_columns.size());
  if (chunk.columns_size() != expected_columns || chunk.row_count() < 0) {
    return absl::InternalError(absl::StrCat("the datasets service streamed ", chunk.columns_size(),
                                            " columns; ", expected_columns, " were requested"));
  }

  ChunkRows rows;
  rows.row_count = chunk.row_count();
  absl::Status status = CheckClassColumn(chunk.columns(0), rows.row_count, k);
  if (!status.ok()) return status;
  rows.labels = chunk.columns(0).class_indices().data();

  int next = 1;
  if (!plan.prediction_column.empty()) {
    status = CheckClassColumn(chunk.columns(next), rows.row_count, k);
    if (!status.ok()) return status;
    rows.predictions = chunk.columns(next).class_indices().data();
    ++next;
  }
  if (!plan.probability_columns.empty()) {
    status = ReadProbabilities(plan, chunk, next, rows);
    if (!status.ok()) return status;
  }
  return rows;
}

absl::Status AccumulateChunk(const EvaluationPlan& plan, const ReadColumnsResponse& chunk,
                             std::vector<MetricAccumulator>& accumulators,
                             std::vector<uint8_t>& selected) {
  auto rows_or = ReadChunkRows(plan, chunk);
  if (!rows_or.ok()) return rows_or.status();
  const ChunkRows& rows = *rows_or;
  const int k = static_cast<int>(plan.class_names.size());
  const bool has_probabilities = !rows.probabilities.empty();

  filter::RowBlock block;
  block.row_offset = chunk.row_offset();
  block.row_count = rows.row_count;
  const int first_filter_column = chunk.columns_size() - static_cast<int>(plan.filter_columns.size());
  for (int c = first_filter_column; c < chunk.columns_size(); ++c) {
    block.columns[chunk.columns(c).name()] = &chunk.columns(c);
  }
  block.labels = rows.labels;
  block.predictions = rows.predictions;
  block.confidence = has_probabilities ? rows.confidence.data() : nullptr;

  for (size_t s = 0; s < plan.subpopulations.size(); ++s) {
    const SubpopulationPlan& subpopulation = plan.subpopulations[s];
    if (subpopulation.matches_every_row) {
      selected.assign(rows.row_count, 1);
    } else {
      block.token_query_rows = &subpopulation.token_query_rows;
      const absl::Status status = subpopulation.filter.CheckBlock(block);
      if (!status.ok()) {
        return absl::InternalError(absl::StrCat("chunk at row ", chunk.row_offset(),
                                                " does not fit the filter: ", status.message()));
      }
      subpopulation.filter.Evaluate(block, selected);
    }

    MetricAccumulator& accumulator = accumulators[s];
    for (int64_t i = 0; i < rows.row_count; ++i) {
      if (!selected[i]) continue;
      const double* probabilities =
          has_probabilities && rows.scored[i] ? &rows.probabilities[i * k] : nullptr;
      accumulator.Add(rows.labels[i], rows.predictions[i], probabilities);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<MetricAccumulator>> RunEvaluationPass(const EvaluationPlan& plan,
                                                                 DatasetSource& source,
                                                                 int64_t row_offset,
                                                                 int64_t row_limit) {
  std::vector<MetricAccumulator> accumulators;
  for (const SubpopulationPlan& subpopulation : plan.subpopulations) {
    accumulators.emplace_back(subpopulation.accumulator_options);
  }

  std::vector<uint8_t> selected;
  const absl::Status status =
      source.ReadColumns(ColumnsRequest(plan, row_offset, row_limit),
                         [&](const ReadColumnsResponse& chunk) {
                           return AccumulateChunk(plan, chunk, accumulators, selected);
                         });
  if (!status.ok()) return status;
  return accumulators;
}

}  // namespace goalpost::metrics
