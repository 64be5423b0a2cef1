#include "services/datasets/dataset_reader.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <map>
#include <optional>

#include <spdlog/spdlog.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "common/text/tokenizer.h"
#include "services/datasets/column_chunk.h"
#include "services/datasets/dataset_layout.h"
#include "services/datasets/dataset_store.h"
#include "services/datasets/read_plan.h"
#include "services/datasets/token_index.h"

namespace goalpost::datasets {
namespace {

// Chunk indices fetched per query while streaming: enough to keep the
// database busy, few enough to bound memory to a few chunks per column.
constexpr int32_t kChunksPerQuery = 4;
constexpr int kMaxRowsPerGetRows = 1000;
constexpr int32_t kDefaultPageSize = 50;
constexpr int32_t kMaxPageSize = 1000;

// The decoded chunks of one chunk index, one per resolved column.
using ChunkGroup = std::vector<ColumnChunk>;

absl::Status DecodeInto(const StoredChunk& stored, v1::ColumnType type, const std::string& where,
                        ColumnChunk& out) {
  absl::StatusOr<ColumnChunk> chunk = DecodeChunk(stored.data, stored.checksum, type);
  if (!chunk.ok()) {
    spdlog::error("{} column {} chunk {}: {}", where, stored.column_index, stored.chunk_index,
                  std::string(chunk.status().message()));
    return absl::DataLossError(absl::StrCat(where, ", column ", stored.column_index, ", chunk ",
                                            stored.chunk_index, ": ", chunk.status().message()));
  }
  out = std::move(chunk).value();
  return absl::OkStatus();
}

// Reads and decodes the chunks [first, last] of the resolved columns from
// the dataset and, when given, the prediction set.
absl::StatusOr<std::map<int32_t, ChunkGroup>> FetchChunks(
    pqxx::transaction_base& transaction, const DatasetName& dataset,
    const std::optional<PredictionSetName>& prediction_set,
    const std::vector<ResolvedColumn>& columns, int32_t first, int32_t last) {
  std::vector<int32_t> dataset_indices;
  std::vector<int32_t> prediction_indices;
  for (const ResolvedColumn& column : columns) {
    auto& indices = column.from_prediction_set ? prediction_indices : dataset_indices;
    if (std::find(indices.begin(), indices.end(), column.column_index) == indices.end()) {
      indices.push_back(column.column_index);
    }
  }

  std::map<int32_t, ChunkGroup> groups;
  for (int32_t chunk_index = first; chunk_index <= last; ++chunk_index) {
    groups[chunk_index].resize(columns.size());
  }
  auto place = [&](const std::vector<StoredChunk>& stored, bool from_prediction_set,
                   const std::string& where) -> absl::Status {
    for (const StoredChunk& chunk : stored) {
      for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i].from_prediction_set != from_prediction_set ||
            columns[i].column_index != chunk.column_index) {
          continue;
        }
        GOALPOST_RETURN_IF_ERROR(
            DecodeInto(chunk, columns[i].type, where, groups[chunk.chunk_index][i]));
      }
    }
    return absl::OkStatus();
  };

  if (!dataset_indices.empty()) {
    GOALPOST_RETURN_IF_ERROR(place(
        store::ReadChunks(transaction, dataset.dataset_id, dataset_indices, first, last), false,
        absl::StrCat("dataset ", dataset.ToString())));
  }
  if (!prediction_indices.empty()) {
    GOALPOST_RETURN_IF_ERROR(place(store::ReadPredictionChunks(transaction, *prediction_set,
                                                               prediction_indices, first, last),
                                   true, absl::StrCat("prediction set ", prediction_set->ToString())));
  }
  return groups;
}

// Copies rows [begin, end) of a chunk into a response column.
void CopyRows(const ColumnChunk& chunk, int32_t begin, int32_t end, v1::ColumnData& column) {
  switch (chunk.type) {
    case v1::COLUMN_TYPE_DOUBLE:
      column.mutable_doubles()->Add(chunk.doubles.begin() + begin, chunk.doubles.begin() + end);
      return;
    case v1::COLUMN_TYPE_CLASS:
      column.mutable_class_indices()->Add(chunk.class_indices.begin() + begin,
                                          chunk.class_indices.begin() + end);
      return;
    default:
      column.mutable_strings()->Reserve(end - begin);
      for (int32_t row = begin; row < end; ++row) {
        const std::string_view value = chunk.string_at(row);
        column.add_strings(value.data(), value.size());
      }
      for (int32_t missing : chunk.missing_rows) {
        if (missing >= begin && missing < end) column.add_missing_rows(missing - begin);
      }
      return;
  }
}

bool IsMissing(const ColumnChunk& chunk, int32_t row) {
  if (chunk.type == v1::COLUMN_TYPE_DOUBLE) return std::isnan(chunk.doubles[row]);
  if (chunk.type == v1::COLUMN_TYPE_CLASS) return false;
  return std::binary_search(chunk.missing_rows.begin(), chunk.missing_rows.end(), row);
}

v1::Cell MakeCell(const ResolvedColumn& column, const ColumnChunk& chunk, int32_t row,
                  const v1::DatasetSpec& spec) {
  v1::Cell cell;
  cell.set_column(column.name);
  cell.set_missing(IsMissing(chunk, row));
  switch (chunk.type) {
    case v1::COLUMN_TYPE_DOUBLE:
      cell.set_double_value(chunk.doubles[row]);
      break;
    case v1::COLUMN_TYPE_CLASS:
      cell.set_class_name(spec.class_names(chunk.class_indices[row]));
      break;
    default:
      cell.set_string_value(std::string(chunk.string_at(row)));
      break;
  }
  return cell;
}

absl::StatusOr<std::optional<PredictionSetName>> ParseOptionalPredictionSet(
    const std::string& name, const DatasetName& dataset) {
  if (name.empty()) return std::optional<PredictionSetName>();
  absl::StatusOr<PredictionSetName> parsed = ParsePredictionSetName(name, "prediction_set");
  if (!parsed.ok()) return parsed.status();
  if (parsed->dataset.ToString() != dataset.ToString()) {
    return absl::InvalidArgumentError(absl::StrCat("prediction_set: ", name,
                                                   " belongs to another dataset than ",
                                                   dataset.ToString()));
  }
  return std::optional<PredictionSetName>(std::move(parsed).value());
}

}  // namespace

DatasetReader::DatasetReader(ConnectionPool& pool) : pool_(pool) {}

absl::StatusOr<v1::Dataset> DatasetReader::GetDataset(const v1::GetDatasetRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(DatasetName name, ParseDatasetName(request.name(), "name"));
  absl::StatusOr<v1::Dataset> dataset = absl::UnknownError("not read");
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) {
    dataset = store::LoadDataset(transaction, name);
    return absl::OkStatus();
  }));
  return dataset;
}

absl::StatusOr<v1::ListDatasetsResponse> DatasetReader::ListDatasets(
    const v1::ListDatasetsRequest& request) {
  const std::string& project = request.project();
  if (project.rfind("projects/", 0) != 0 || project.size() <= 9 ||
      project.find('/', 9) != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("project: expected \"projects/{project}\", got \"", project, "\""));
  }
  if (request.page_size() < 0) {
    return absl::InvalidArgumentError("page_size: must not be negative");
  }
  const int32_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  int64_t offset = 0;
  if (!request.page_token().empty() &&
      (!absl::SimpleAtoi(request.page_token(), &offset) || offset < 0)) {
    return absl::InvalidArgumentError(
        "page_token: not a token from a previous ListDatasets response");
  }

  v1::ListDatasetsResponse response;
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) {
    response.Clear();
    // One row more than the page shows whether another page follows.
    std::vector<v1::Dataset> datasets =
        store::ListDatasets(transaction, project, request.role(), offset, page_size + 1);
    const bool more = static_cast<int32_t>(datasets.size()) > page_size;
    if (more) datasets.pop_back();
    for (v1::Dataset& dataset : datasets) *response.add_datasets() = std::move(dataset);
    if (more) response.set_next_page_token(absl::StrCat(offset + page_size));
    return absl::OkStatus();
  }));
  return response;
}

absl::Status DatasetReader::DeleteDataset(const v1::DeleteDatasetRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(DatasetName name, ParseDatasetName(request.name(), "name"));
  bool deleted = false;
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) {
    deleted = store::DeleteDataset(transaction, name);
    return absl::OkStatus();
  }));
  if (!deleted) return absl::NotFoundError(absl::StrCat("dataset ", name.ToString(), " not found"));
  spdlog::info("dataset {} deleted", name.ToString());
  return absl::OkStatus();
}

absl::Status DatasetReader::ReadColumns(const v1::ReadColumnsRequest& request,
                                        const Emit<v1::ReadColumnsResponse>& emit) {
  GOALPOST_ASSIGN_OR_RETURN(DatasetName name, ParseDatasetName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(std::optional<PredictionSetName> prediction_set,
                            ParseOptionalPredictionSet(request.prediction_set(), name));
  if (request.row_offset() < 0 || request.row_limit() < 0) {
    return absl::InvalidArgumentError("row_offset and row_limit must not be negative");
  }

  // Streaming runs in one transaction so every chunk comes from the same
  // snapshot; it is never retried because messages were already sent.
  return pool_.RunTransaction(
      [&](pqxx::work& transaction) -> absl::Status {
        GOALPOST_ASSIGN_OR_RETURN(v1::Dataset dataset, store::LoadDataset(transaction, name));
        if (prediction_set.has_value()) {
          GOALPOST_RETURN_IF_ERROR(store::LoadPredictionSet(transaction, *prediction_set).status());
        }
        GOALPOST_ASSIGN_OR_RETURN(
            std::vector<ResolvedColumn> columns,
            ResolveColumns(dataset,
                           std::vector<std::string>(request.columns().begin(), request.columns().end()),
                           prediction_set.has_value()));

        const int64_t begin = request.row_offset();
        const int64_t end = request.row_limit() == 0
                                ? dataset.row_count()
                                : std::min(dataset.row_count(), begin + request.row_limit());
        if (begin > dataset.row_count()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "row_offset: ", begin, " is past the end of the dataset (", dataset.row_count(),
              " rows)"));
        }
        if (begin >= end) return absl::OkStatus();

        const int32_t first_chunk = static_cast<int32_t>(begin / kChunkRows);
        const int32_t last_chunk = static_cast<int32_t>((end - 1) / kChunkRows);
        // The next batch of chunks is fetched and decoded on another thread
        // while this one sends the current batch. Only one thread uses the
        // transaction at a time, and a pending fetch finishes before the
        // transaction ends because std::async futures wait when destroyed.
        auto fetch = [&](int32_t from) {
          const int32_t to = std::min(last_chunk, from + kChunksPerQuery - 1);
          return std::async(std::launch::async, [&, from, to] {
            return FetchChunks(transaction, name, prediction_set, columns, from, to);
          });
        };
        auto next = fetch(first_chunk);
        for (int32_t from = first_chunk; from <= last_chunk; from += kChunksPerQuery) {
          GOALPOST_ASSIGN_OR_RETURN(auto groups, next.get());
          if (from + kChunksPerQuery <= last_chunk) next = fetch(from + kChunksPerQuery);
          for (const auto& [chunk_index, chunks] : groups) {
            const int64_t chunk_offset = static_cast<int64_t>(chunk_index) * kChunkRows;
            const auto slice_begin = static_cast<int32_t>(std::max(begin, chunk_offset) - chunk_offset);
            const auto slice_end = static_cast<int32_t>(
                std::min<int64_t>(end, chunk_offset + chunks[0].row_count()) - chunk_offset);

            v1::ReadColumnsResponse response;
            response.set_row_offset(chunk_offset + slice_begin);
            response.set_row_count(slice_end - slice_begin);
            for (size_t i = 0; i < columns.size(); ++i) {
              if (chunks[i].row_count() < slice_end) {
                return absl::DataLossError(absl::StrCat("dataset ", name.ToString(), ": column \"",
                                                        columns[i].name, "\" chunk ", chunk_index,
                                                        " is missing or short"));
              }
              v1::ColumnData* column = response.add_columns();
              column->set_name(columns[i].name);
              column->set_type(columns[i].type);
              CopyRows(chunks[i], slice_begin, slice_end, *column);
            }
            if (!emit(response)) return absl::CancelledError("the client stopped reading");
          }
        }
        return absl::OkStatus();
      },
      /*max_attempts=*/1);
}

namespace {

// Finds the row index of each requested id by scanning the id column chunk
// by chunk. NOT_FOUND names the first id that is not there.
absl::StatusOr<std::vector<int64_t>> FindRowIds(pqxx::transaction_base& transaction,
                                                const DatasetName& name,
                                                const v1::Dataset& dataset,
                                                const std::vector<std::string>& row_ids) {
  std::vector<int64_t> indices(row_ids.size(), -1);
  int id_column = -1;
  for (int i = 0; i < dataset.columns_size(); ++i) {
    if (dataset.columns(i).role() == v1::COLUMN_ROLE_ID) id_column = i;
  }

  if (id_column < 0) {
    for (size_t i = 0; i < row_ids.size(); ++i) {
      int64_t index = -1;
      if (absl::SimpleAtoi(row_ids[i], &index) && index >= 0 && index < dataset.row_count() &&
          absl::StrCat(index) == row_ids[i]) {
        indices[i] = index;
      }
    }
  } else {
    absl::flat_hash_map<std::string, std::vector<size_t>> wanted;
    for (size_t i = 0; i < row_ids.size(); ++i) wanted[row_ids[i]].push_back(i);
    const std::vector<ResolvedColumn> columns = {
        ResolvedColumn{dataset.columns(id_column).name(), v1::COLUMN_TYPE_STRING, false, id_column}};
    const auto last_chunk = static_cast<int32_t>((dataset.row_count() - 1) / kChunkRows);
    size_t found = 0;
    for (int32_t chunk_index = 0; chunk_index <= last_chunk && found < wanted.size(); ++chunk_index) {
      GOALPOST_ASSIGN_OR_RETURN(auto groups, FetchChunks(transaction, name, std::nullopt, columns,
                                                         chunk_index, chunk_index));
      const ColumnChunk& ids = groups[chunk_index][0];
      for (int32_t row = 0; row < ids.row_count(); ++row) {
        auto entry = wanted.find(absl::string_view(ids.string_at(row).data(), ids.string_at(row).size()));
        if (entry == wanted.end()) continue;
        for (size_t position : entry->second) {
          indices[position] = static_cast<int64_t>(chunk_index) * kChunkRows + row;
        }
        ++found;
      }
    }
  }

  for (size_t i = 0; i < row_ids.size(); ++i) {
    if (indices[i] < 0) {
      return absl::NotFoundError(absl::StrCat("row_ids: row \"", Shorten(row_ids[i]),
                                              "\" not found in dataset ", name.ToString()));
    }
  }
  return indices;
}

}  // namespace

absl::StatusOr<v1::GetRowsResponse> DatasetReader::GetRows(const v1::GetRowsRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(DatasetName name, ParseDatasetName(request.name(), "name"));
  GOALPOST_ASSIGN_OR_RETURN(std::optional<PredictionSetName> prediction_set,
                            ParseOptionalPredictionSet(request.prediction_set(), name));
  if (request.row_ids_size() + request.row_indices_size() > kMaxRowsPerGetRows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "row_ids and row_indices: at most ", kMaxRowsPerGetRows, " rows per request, got ",
        request.row_ids_size() + request.row_indices_size()));
  }

  v1::GetRowsResponse response;
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) -> absl::Status {
    response.Clear();
    GOALPOST_ASSIGN_OR_RETURN(v1::Dataset dataset, store::LoadDataset(transaction, name));
    if (prediction_set.has_value()) {
      GOALPOST_RETURN_IF_ERROR(store::LoadPredictionSet(transaction, *prediction_set).status());
    }
    GOALPOST_ASSIGN_OR_RETURN(std::vector<ResolvedColumn> columns,
                              ResolveColumns(dataset, {}, prediction_set.has_value()));

    GOALPOST_ASSIGN_OR_RETURN(
        std::vector<int64_t> rows,
        FindRowIds(transaction, name, dataset,
                   std::vector<std::string>(request.row_ids().begin(), request.row_ids().end())));
    for (int64_t index : request.row_indices()) {
      if (index < 0 || index >= dataset.row_count()) {
        return absl::InvalidArgumentError(absl::StrCat("row_indices: ", index,
                                                       " is outside [0, ", dataset.row_count(),
                                                       ")"));
      }
      rows.push_back(index);
    }

    int id_column = -1;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i].from_prediction_set &&
          dataset.columns(columns[i].column_index).role() == v1::COLUMN_ROLE_ID) {
        id_column = static_cast<int>(i);
      }
    }

    // Chunks are decoded once each, however many requested rows they hold.
    std::map<int32_t, ChunkGroup> decoded;
    for (int64_t index : rows) {
      const auto chunk_index = static_cast<int32_t>(index / kChunkRows);
      if (decoded.count(chunk_index) == 0) {
        GOALPOST_ASSIGN_OR_RETURN(auto groups, FetchChunks(transaction, name, prediction_set,
                                                           columns, chunk_index, chunk_index));
        decoded[chunk_index] = std::move(groups[chunk_index]);
      }
      const ChunkGroup& chunks = decoded[chunk_index];
      const auto row = static_cast<int32_t>(index % kChunkRows);
      v1::Row* out = response.add_rows();
      out->set_row_index(index);
      out->set_row_id(id_column >= 0 ? std::string(chunks[id_column].string_at(row))
                                     : absl::StrCat(index));
      for (size_t i = 0; i < columns.size(); ++i) {
        if (chunks[i].row_count() <= row) {
          return absl::DataLossError(absl::StrCat("dataset ", name.ToString(), ": column \"",
                                                  columns[i].name, "\" chunk ", chunk_index,
                                                  " is missing or short"));
        }
        *out->add_cells() = MakeCell(columns[i], chunks[i], row, dataset.spec());
      }
    }
    return absl::OkStatus();
  }));
  return response;
}

namespace {

// Returns the rows of one chunk that contain all (or any) of the tokens,
// given that chunk's stored buckets [begin, end).
absl::StatusOr<std::vector<int32_t>> MatchChunk(const store::TokenBucketEntry* begin,
                                                const store::TokenBucketEntry* end,
                                                const std::vector<std::string>& tokens, bool any) {
  std::vector<int32_t> rows;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const int bucket = TokenBucket(tokens[t]);
    const store::TokenBucketEntry* entry = begin;
    while (entry != end && entry->bucket != bucket) ++entry;

    std::optional<std::vector<int32_t>> token_rows;
    if (entry != end) {
      GOALPOST_ASSIGN_OR_RETURN(token_rows, FindTokenRows(entry->entries, tokens[t]));
    }
    if (!token_rows.has_value()) {
      if (!any) return std::vector<int32_t>();
      continue;
    }
    rows = t == 0 ? std::move(*token_rows)
           : any  ? UniteRows(rows, *token_rows)
                  : IntersectRows(rows, *token_rows);
  }
  return rows;
}

}  // namespace

absl::Status DatasetReader::LookupTokens(const v1::LookupTokensRequest& request,
                                         const Emit<v1::LookupTokensResponse>& emit) {
  GOALPOST_ASSIGN_OR_RETURN(DatasetName name, ParseDatasetName(request.name(), "name"));
  if (request.tokens_size() == 0) {
    return absl::InvalidArgumentError("tokens: give at least one token");
  }
  std::vector<std::string> tokens;
  for (const std::string& given : request.tokens()) {
    std::vector<std::string> split = goalpost::text::Tokenize(given);
    if (split.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tokens: \"", Shorten(given),
          "\" has no token; a token is two or more letters, digits or underscores"));
    }
    for (std::string& token : split) {
      if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) tokens.push_back(token);
    }
  }
  const bool any = request.mode() == v1::TOKEN_LOOKUP_MODE_ANY;

  return pool_.RunTransaction(
      [&](pqxx::work& transaction) -> absl::Status {
        GOALPOST_ASSIGN_OR_RETURN(v1::Dataset dataset, store::LoadDataset(transaction, name));
        int column_index = -1;
        for (int i = 0; i < dataset.columns_size(); ++i) {
          if (dataset.columns(i).name() == request.column()) column_index = i;
        }
        if (column_index < 0 || dataset.columns(column_index).role() != v1::COLUMN_ROLE_TEXT) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column: \"", request.column(), "\" is not a text column of ", name.ToString()));
        }

        std::vector<int32_t> buckets;
        for (const std::string& token : tokens) buckets.push_back(TokenBucket(token));
        const std::vector<store::TokenBucketEntry> entries =
            store::ReadTokenBuckets(transaction, name.dataset_id, column_index, buckets);

        // Entries arrive ordered by chunk; each chunk's rows are combined
        // and sent before the next chunk.
        size_t i = 0;
        while (i < entries.size()) {
          const int32_t chunk_index = entries[i].chunk_index;
          size_t end = i;
          while (end < entries.size() && entries[end].chunk_index == chunk_index) ++end;
          absl::StatusOr<std::vector<int32_t>> rows =
              MatchChunk(entries.data() + i, entries.data() + end, tokens, any);
          i = end;
          if (!rows.ok()) {
            spdlog::error("dataset {} column {} chunk {} token index: {}", name.ToString(),
                          column_index, chunk_index, std::string(rows.status().message()));
            return rows.status();
          }
          if (rows->empty()) continue;

          v1::LookupTokensResponse response;
          response.mutable_row_indices()->Reserve(static_cast<int>(rows->size()));
          for (int32_t row : *rows) {
            response.add_row_indices(static_cast<int64_t>(chunk_index) * kChunkRows + row);
          }
          if (!emit(response)) return absl::CancelledError("the client stopped reading");
        }
        return absl::OkStatus();
      },
      /*max_attempts=*/1);
}

absl::StatusOr<v1::PredictionSet> DatasetReader::GetPredictionSet(
    const v1::GetPredictionSetRequest& request) {
  GOALPOST_ASSIGN_OR_RETURN(PredictionSetName name, ParsePredictionSetName(request.name(), "name"));
  absl::StatusOr<v1::PredictionSet> prediction_set = absl::UnknownError("not read");
  GOALPOST_RETURN_IF_ERROR(pool_.RunTransaction([&](pqxx::work& transaction) {
    prediction_set = store::LoadPredictionSet(transaction, name);
    return absl::OkStatus();
  }));
  return prediction_set;
}

}  // namespace goalpost::datasets
