#include "services/orchestrator/report_rows.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/filter/filter.h"
#include "services/orchestrator/storage_util.h"

namespace goalpost::orchestrator {
namespace {

namespace datasets = ::goalpost::datasets::v1;

// The dataset columns that hold labels, predictions and probabilities, as
// ReadColumns names them.
struct OutcomeColumns {
  std::string label;
  std::string prediction;
  std::vector<std::string> probabilities;
};

absl::StatusOr<OutcomeColumns> ResolveOutcomeColumns(const datasets::Dataset& dataset,
                                                     const std::string& prediction_set) {
  const datasets::DatasetSpec& spec = dataset.spec();
  OutcomeColumns columns;
  columns.label = spec.label_column();
  if (!prediction_set.empty()) {
    // ReadColumns reads these names from the prediction set.
    columns.prediction = "prediction";
    for (const std::string& class_name : spec.class_names()) {
      columns.probabilities.push_back(absl::StrCat("probability[", class_name, "]"));
    }
    return columns;
  }
  if (spec.prediction_column().empty()) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "dataset %s has no prediction column and the commit's run stored no prediction set",
        dataset.name()));
  }
  columns.prediction = spec.prediction_column();
  columns.probabilities.assign(spec.probability_columns().begin(),
                               spec.probability_columns().end());
  return columns;
}

bool RanksBefore(bool a_misclassified, double a_confidence, int64_t a_index,
                 bool b_misclassified, double b_confidence, int64_t b_index) {
  if (a_misclassified != b_misclassified) return a_misclassified;
  bool a_missing = std::isnan(a_confidence);
  bool b_missing = std::isnan(b_confidence);
  if (a_missing != b_missing) return b_missing;
  if (!a_missing && a_confidence != b_confidence) return a_confidence < b_confidence;
  return a_index < b_index;
}

std::string CellText(const datasets::Cell& cell) {
  switch (cell.value_case()) {
    case datasets::Cell::kStringValue:
      return cell.string_value();
    case datasets::Cell::kDoubleValue:
      return absl::StrCat(cell.double_value());
    case datasets::Cell::kClassName:
      return cell.class_name();
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<datasets::Dataset> ReportRows::GetDataset(const std::string& name) {
  datasets::GetDatasetRequest request;
  request.set_name(name);
  datasets::GetDatasetResponse response;
  absl::Status status =
      CallWithRetry(retry_, absl::StrCat("GetDataset ", name), [&](grpc::ClientContext& context) {
        return peers_.datasets->GetDataset(&context, request, &response);
      });
  if (!status.ok()) return status;
  return response.dataset();
}

absl::StatusOr<std::vector<int64_t>> ReportRows::LookupTokens(
    const std::string& dataset, const std::string& column, const std::vector<std::string>& tokens,
    bool match_all) {
  datasets::LookupTokensRequest request;
  request.set_name(dataset);
  request.set_column(column);
  for (const std::string& token : tokens) request.add_tokens(token);
  request.set_mode(match_all ? datasets::TOKEN_LOOKUP_MODE_ALL : datasets::TOKEN_LOOKUP_MODE_ANY);

  std::vector<int64_t> rows;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("LookupTokens ", dataset), [&](grpc::ClientContext& context) {
        rows.clear();
        auto reader = peers_.datasets->LookupTokens(&context, request);
        datasets::LookupTokensResponse response;
        while (reader->Read(&response)) {
          rows.insert(rows.end(), response.row_indices().begin(), response.row_indices().end());
        }
        return reader->Finish();
      });
  if (!status.ok()) return status;
  std::sort(rows.begin(), rows.end());
  return rows;
}

absl::StatusOr<std::vector<ReportRows::SelectedRow>> ReportRows::SelectRows(
    const ReportRowSource& source, const datasets::Dataset& dataset) {
  auto outcome = ResolveOutcomeColumns(dataset, source.prediction_set);
  if (!outcome.ok()) return outcome.status();
  auto filter = goalpost::filter::Parse(source.subpopulation);
  if (!filter.ok()) return filter.status();
  auto compiled = goalpost::filter::CompiledFilter::Compile(
      *filter, goalpost::filter::SchemaFromDataset(dataset), !outcome->probabilities.empty());
  if (!compiled.ok()) return compiled.status();

  std::vector<std::vector<int64_t>> token_rows;
  for (const goalpost::filter::TokenQuery& query : compiled->token_queries()) {
    auto rows = LookupTokens(dataset.name(), query.column, query.tokens, query.match_all);
    if (!rows.ok()) return rows.status();
    token_rows.push_back(*std::move(rows));
  }

  datasets::ReadColumnsRequest request;
  request.set_name(dataset.name());
  request.set_prediction_set(source.prediction_set);
  std::vector<std::string> names = compiled->columns();
  names.push_back(outcome->label);
  names.push_back(outcome->prediction);
  names.insert(names.end(), outcome->probabilities.begin(), outcome->probabilities.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const std::string& name : names) request.add_columns(name);

  std::vector<SelectedRow> selected_rows;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("ReadColumns ", dataset.name()), [&](grpc::ClientContext& context) {
        selected_rows.clear();
        auto reader = peers_.datasets->ReadColumns(&context, request);
        datasets::ReadColumnsResponse chunk;
        std::vector<uint8_t> selected;
        std::vector<double> confidence;
        while (reader->Read(&chunk)) {
          absl::flat_hash_map<std::string, const datasets::ColumnData*> by_name;
          for (const datasets::ColumnData& column : chunk.columns()) by_name[column.name()] = &column;
          for (const std::string& name : names) {
            if (!by_name.contains(name)) {
              context.TryCancel();
              return grpc::Status(grpc::StatusCode::INTERNAL,
                                  absl::StrCat("ReadColumns returned no column ", name));
            }
          }
          const auto& labels = by_name[outcome->label]->class_indices();
          const auto& predictions = by_name[outcome->prediction]->class_indices();

          confidence.assign(chunk.row_count(), std::numeric_limits<double>::quiet_NaN());
          if (!outcome->probabilities.empty()) {
            for (int i = 0; i < chunk.row_count(); ++i) {
              const auto* column = by_name[outcome->probabilities[predictions[i]]];
              confidence[i] = column->doubles(i);
            }
          }

          goalpost::filter::RowBlock block;
          block.row_offset = chunk.row_offset();
          block.row_count = chunk.row_count();
          block.columns = by_name;
          block.labels = labels.data();
          block.predictions = predictions.data();
          block.confidence = outcome->probabilities.empty() ? nullptr : confidence.data();
          block.token_query_rows = &token_rows;
          compiled->Evaluate(block, selected);
          for (int i = 0; i < chunk.row_count(); ++i) {
            if (!selected[i]) continue;
            selected_rows.push_back(
                SelectedRow{chunk.row_offset() + i, labels[i], predictions[i], confidence[i]});
          }
        }
        return reader->Finish();
      });
  if (!status.ok()) return status;

  std::sort(selected_rows.begin(), selected_rows.end(),
            [](const SelectedRow& a, const SelectedRow& b) {
              return RanksBefore(a.label != a.prediction, a.confidence, a.row_index,
                                 b.label != b.prediction, b.confidence, b.row_index);
            });
  return selected_rows;
}

absl::StatusOr<std::vector<datasets::Row>> ReportRows::GetRows(
    const ReportRowSource& source, const std::vector<SelectedRow>& rows) {
  datasets::GetRowsRequest request;
  request.set_name(source.dataset);
  request.set_prediction_set(source.prediction_set);
  for (const SelectedRow& row : rows) request.add_row_indices(row.row_index);
  datasets::GetRowsResponse response;
  absl::Status status = CallWithRetry(
      retry_, absl::StrCat("GetRows ", source.dataset), [&](grpc::ClientContext& context) {
        return peers_.datasets->GetRows(&context, request, &response);
      });
  if (!status.ok()) return status;
  if (response.rows_size() != static_cast<int>(rows.size())) {
    return absl::InternalError(absl::StrFormat("GetRows on %s returned %d rows for %d indices",
                                               source.dataset, response.rows_size(),
                                               static_cast<int>(rows.size())));
  }
  return std::vector<datasets::Row>(response.rows().begin(), response.rows().end());
}

absl::StatusOr<v1::ListReportRowsResponse> ReportRows::List(const ReportRowSource& source,
                                                            int64_t offset, int page_size) {
  auto dataset = GetDataset(source.dataset);
  if (!dataset.ok()) return dataset.status();
  auto selected = SelectRows(source, *dataset);
  if (!selected.ok()) return selected.status();

  const int64_t total = static_cast<int64_t>(selected->size());
  const int64_t begin = std::min(offset, total);
  const int64_t end = std::min(total, begin + page_size);
  std::vector<SelectedRow> page(selected->begin() + begin, selected->begin() + end);
  std::vector<datasets::Row> rows;
  if (!page.empty()) {
    auto fetched = GetRows(source, page);
    if (!fetched.ok()) return fetched.status();
    rows = *std::move(fetched);
  }

  absl::flat_hash_map<std::string, datasets::ColumnRole> roles;
  for (const datasets::Column& column : dataset->columns()) roles[column.name()] = column.role();
  const auto& class_names = dataset->spec().class_names();
  v1::ListReportRowsResponse response;
  for (size_t i = 0; i < page.size(); ++i) {
    v1::ReportRow* row = response.add_rows();
    row->set_row_id(rows[i].row_id());
    row->set_row_index(page[i].row_index);
    for (const datasets::Cell& cell : rows[i].cells()) {
      datasets::ColumnRole role = roles[cell.column()];
      if (role == datasets::COLUMN_ROLE_TEXT) {
        row->set_text(row->text().empty() ? cell.string_value()
                                          : absl::StrCat(row->text(), "\n", cell.string_value()));
      } else if (role == datasets::COLUMN_ROLE_NUMERIC_FEATURE ||
                 role == datasets::COLUMN_ROLE_CATEGORICAL_FEATURE) {
        (*row->mutable_features())[cell.column()] = cell.missing() ? "" : CellText(cell);
      }
    }
    row->set_label(class_names.Get(page[i].label));
    row->set_prediction(class_names.Get(page[i].prediction));
    row->set_confidence(page[i].confidence);
    row->set_misclassified(page[i].label != page[i].prediction);
  }
  response.set_total_rows(total);
  if (end < total) response.set_next_page_token(EncodePageToken(end));
  return response;
}

}  // namespace goalpost::orchestrator
