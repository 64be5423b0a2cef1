#include "services/datasets/dataset_store.h"

#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace goalpost::datasets {
namespace {

bool IsValidId(const std::string& id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) return false;
  }
  return true;
}

// PostgreSQL array literal of integers.
std::string IntArray(const std::vector<int32_t>& values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

pqxx::binarystring Binary(const std::string& bytes) {
  return pqxx::binarystring(bytes.data(), bytes.size());
}

void SetCreateTime(int64_t micros, google::protobuf::Timestamp* time) {
  time->set_seconds(micros / 1000000);
  time->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

std::vector<StoredChunk> ToChunks(const pqxx::result& rows) {
  std::vector<StoredChunk> chunks;
  chunks.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    StoredChunk chunk;
    chunk.column_index = row[0].as<int32_t>();
    chunk.chunk_index = row[1].as<int32_t>();
    chunk.row_offset = row[2].as<int64_t>();
    chunk.row_count = row[3].as<int32_t>();
    chunk.checksum = static_cast<uint32_t>(row[4].as<int64_t>());
    pqxx::binarystring data(row[5]);
    chunk.data.assign(data.get(), data.size());
    chunks.push_back(std::move(chunk));
  }
  return chunks;
}

// The descriptor plus the columns of the datasets table.
v1::Dataset DatasetFromRow(const pqxx::row& row, const std::string& project) {
  v1::Dataset dataset;
  pqxx::binarystring descriptor(row["descriptor"]);
  dataset.ParseFromArray(descriptor.data(), static_cast<int>(descriptor.size()));
  dataset.set_name(absl::StrCat(project, "/datasets/", row["dataset_id"].as<std::string>()));
  dataset.set_content_hash(row["content_hash"].as<std::string>());
  dataset.set_row_count(row["row_count"].as<int64_t>());
  dataset.set_stored_bytes(row["stored_bytes"].as<int64_t>());
  SetCreateTime(row["create_micros"].as<int64_t>(), dataset.mutable_create_time());
  return dataset;
}

constexpr char kDatasetColumns[] =
    "dataset_id, content_hash, row_count, stored_bytes, descriptor, "
    "(extract(epoch FROM create_time) * 1000000)::bigint AS create_micros";

}  // namespace

absl::StatusOr<DatasetName> ParseDatasetName(const std::string& name, const std::string& field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "projects" || parts[2] != "datasets" ||
      parts[1].empty() || !IsValidId(parts[3])) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": expected \"projects/{project}/datasets/{dataset}\", got \"", name, "\""));
  }
  return DatasetName{absl::StrCat("projects/", parts[1]), parts[3]};
}

absl::StatusOr<PredictionSetName> ParsePredictionSetName(const std::string& name,
                                                         const std::string& field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 6 || parts[0] != "projects" || parts[2] != "datasets" ||
      parts[4] != "predictionSets" || parts[1].empty() || !IsValidId(parts[3]) ||
      !IsValidId(parts[5])) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        ": expected \"projects/{project}/datasets/{dataset}/predictionSets/{prediction_set}\", "
        "got \"",
        name, "\""));
  }
  return PredictionSetName{DatasetName{absl::StrCat("projects/", parts[1]), parts[3]}, parts[5]};
}

std::string NewResourceId() {
  static thread_local std::mt19937_64 generator(std::random_device{}());
  return absl::StrCat(absl::Hex(generator(), absl::kZeroPad16));
}

namespace store {

void InsertPendingDataset(pqxx::work& transaction, const DatasetName& name, v1::DatasetRole role) {
  transaction.exec_params(
      "INSERT INTO datasets.datasets (dataset_id, project, role, descriptor) "
      "VALUES ($1, $2, $3, ''::bytea)",
      name.dataset_id, name.project, static_cast<int>(role));
}

void InsertChunk(pqxx::work& transaction, const std::string& dataset_id, int32_t column_index,
                 int32_t chunk_index, int64_t row_offset, int32_t row_count,
                 const EncodedChunk& chunk) {
  transaction.exec_params(
      "INSERT INTO datasets.chunks "
      "(dataset_id, column_index, chunk_index, row_offset, row_count, checksum, data) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      dataset_id, column_index, chunk_index, row_offset, row_count,
      static_cast<int64_t>(chunk.checksum), Binary(chunk.data));
}

void InsertTokenBuckets(pqxx::work& transaction, const std::string& dataset_id,
                        int32_t column_index, int32_t chunk_index,
                        const std::vector<std::pair<int, std::string>>& buckets) {
  if (buckets.empty()) return;

  // All buckets travel as one binary parameter, sliced by offset and length.
  std::vector<int32_t> bucket_numbers;
  std::vector<int32_t> starts;
  std::vector<int32_t> lengths;
  std::string entries;
  for (const auto& [bucket, bytes] : buckets) {
    bucket_numbers.push_back(bucket);
    starts.push_back(static_cast<int32_t>(entries.size()) + 1);
    lengths.push_back(static_cast<int32_t>(bytes.size()));
    entries.append(bytes);
  }
  transaction.exec_params(
      "INSERT INTO datasets.token_index (dataset_id, column_index, bucket, chunk_index, entries) "
      "SELECT $1, $2, entry.bucket, $3, substring($4::bytea FROM entry.start FOR entry.length) "
      "FROM unnest($5::int[], $6::int[], $7::int[]) AS entry(bucket, start, length)",
      dataset_id, column_index, chunk_index, Binary(entries), IntArray(bucket_numbers),
      IntArray(starts), IntArray(lengths));
}

std::string FindByContentHash(pqxx::work& transaction, const std::string& project,
                              const std::string& content_hash) {
  pqxx::result rows = transaction.exec_params(
      "SELECT dataset_id FROM datasets.datasets WHERE project = $1 AND content_hash = $2",
      project, content_hash);
  return rows.empty() ? std::string() : rows[0][0].as<std::string>();
}

void CompleteDataset(pqxx::work& transaction, const std::string& dataset_id,
                     const std::string& content_hash, int64_t row_count, int64_t stored_bytes,
                     const v1::Dataset& descriptor) {
  transaction.exec_params(
      "UPDATE datasets.datasets SET content_hash = $2, row_count = $3, stored_bytes = $4, "
      "descriptor = $5 WHERE dataset_id = $1",
      dataset_id, content_hash, row_count, stored_bytes,
      Binary(descriptor.SerializeAsString()));
}

absl::StatusOr<v1::Dataset> LoadDataset(pqxx::transaction_base& transaction,
                                        const DatasetName& name) {
  pqxx::result rows = transaction.exec_params(
      absl::StrCat("SELECT ", kDatasetColumns,
                   " FROM datasets.datasets WHERE dataset_id = $1 AND project = $2 "
                   "AND content_hash IS NOT NULL"),
      name.dataset_id, name.project);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("dataset ", name.ToString(), " not found"));
  }
  return DatasetFromRow(rows[0], name.project);
}

std::vector<v1::Dataset> ListDatasets(pqxx::transaction_base& transaction,
                                      const std::string& project, v1::DatasetRole role,
                                      int64_t offset, int32_t limit) {
  pqxx::result rows = transaction.exec_params(
      absl::StrCat("SELECT ", kDatasetColumns,
                   " FROM datasets.datasets WHERE project = $1 AND content_hash IS NOT NULL "
                   "AND ($2 = 0 OR role = $2) ORDER BY create_time DESC, dataset_id "
                   "OFFSET $3 LIMIT $4"),
      project, static_cast<int>(role), offset, limit);
  std::vector<v1::Dataset> datasets;
  for (const pqxx::row& row : rows) {
    v1::Dataset dataset = DatasetFromRow(row, project);
    for (v1::Column& column : *dataset.mutable_columns()) column.clear_statistics();
    datasets.push_back(std::move(dataset));
  }
  return datasets;
}

bool DeleteDataset(pqxx::work& transaction, const DatasetName& name) {
  pqxx::result deleted = transaction.exec_params(
      "DELETE FROM datasets.datasets WHERE dataset_id = $1 AND project = $2 "
      "AND content_hash IS NOT NULL",
      name.dataset_id, name.project);
  return deleted.affected_rows() > 0;
}

std::vector<StoredChunk> ReadChunks(pqxx::transaction_base& transaction,
                                    const std::string& dataset_id,
                                    const std::vector<int32_t>& column_indices,
                                    int32_t first_chunk, int32_t last_chunk) {
  return ToChunks(transaction.exec_params(
      "SELECT column_index, chunk_index, row_offset, row_count, checksum, data "
      "FROM datasets.chunks WHERE dataset_id = $1 AND column_index = ANY($2::int[]) "
      "AND chunk_index BETWEEN $3 AND $4 ORDER BY chunk_index, column_index",
      dataset_id, IntArray(column_indices), first_chunk, last_chunk));
}

std::vector<TokenBucketEntry> ReadTokenBuckets(pqxx::transaction_base& transaction,
                                               const std::string& dataset_id,
                                               int32_t column_index,
                                               const std::vector<int32_t>& buckets) {
  pqxx::result rows = transaction.exec_params(
      "SELECT chunk_index, bucket, entries FROM datasets.token_index "
      "WHERE dataset_id = $1 AND column_index = $2 AND bucket = ANY($3::int[]) "
      "ORDER BY chunk_index, bucket",
      dataset_id, column_index, IntArray(buckets));
  std::vector<TokenBucketEntry> entries;
  for (const pqxx::row& row : rows) {
    pqxx::binarystring bytes(row[2]);
    entries.push_back(TokenBucketEntry{row[0].as<int32_t>(), row[1].as<int>(),
                                       std::string(bytes.get(), bytes.size())});
  }
  return entries;
}

void InsertPredictionSet(pqxx::work& transaction, const PredictionSetName& name,
                         const std::string& model, int64_t row_count) {
  transaction.exec_params(
      "INSERT INTO datasets.prediction_sets (dataset_id, prediction_set_id, model, row_count) "
      "VALUES ($1, $2, $3, $4)",
      name.dataset.dataset_id, name.prediction_set_id, model, row_count);
}

void InsertPredictionChunk(pqxx::work& transaction, const PredictionSetName& name,
                           int32_t column_index, int32_t chunk_index, int64_t row_offset,
                           int32_t row_count, const EncodedChunk& chunk) {
  transaction.exec_params(
      "INSERT INTO datasets.prediction_chunks (dataset_id, prediction_set_id, column_index, "
      "chunk_index, row_offset, row_count, checksum, data) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      name.dataset.dataset_id, name.prediction_set_id, column_index, chunk_index, row_offset,
      row_count, static_cast<int64_t>(chunk.checksum), Binary(chunk.data));
}

absl::StatusOr<v1::PredictionSet> LoadPredictionSet(pqxx::transaction_base& transaction,
                                                    const PredictionSetName& name) {
  pqxx::result rows = transaction.exec_params(
      "SELECT p.model, p.row_count, (extract(epoch FROM p.create_time) * 1000000)::bigint, "
      "d.descriptor FROM datasets.prediction_sets p JOIN datasets.datasets d "
      "USING (dataset_id) WHERE p.dataset_id = $1 AND p.prediction_set_id = $2 "
      "AND d.project = $3",
      name.dataset.dataset_id, name.prediction_set_id, name.dataset.project);
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("prediction set ", name.ToString(), " not found"));
  }

  v1::Dataset dataset;
  pqxx::binarystring descriptor(rows[0][3]);
  dataset.ParseFromArray(descriptor.data(), static_cast<int>(descriptor.size()));
  v1::PredictionSet prediction_set;
  prediction_set.set_name(name.ToString());
  prediction_set.set_model(rows[0][0].as<std::string>());
  *prediction_set.mutable_class_names() = dataset.spec().class_names();
  prediction_set.set_row_count(rows[0][1].as<int64_t>());
  SetCreateTime(rows[0][2].as<int64_t>(), prediction_set.mutable_create_time());
  return prediction_set;
}

std::vector<StoredChunk> ReadPredictionChunks(pqxx::transaction_base& transaction,
                                              const PredictionSetName& name,
                                              const std::vector<int32_t>& column_indices,
                                              int32_t first_chunk, int32_t last_chunk) {
  return ToChunks(transaction.exec_params(
      "SELECT column_index, chunk_index, row_offset, row_count, checksum, data "
      "FROM datasets.prediction_chunks WHERE dataset_id = $1 AND prediction_set_id = $2 "
      "AND column_index = ANY($3::int[]) AND chunk_index BETWEEN $4 AND $5 "
      "ORDER BY chunk_index, column_index",
      name.dataset.dataset_id, name.prediction_set_id, IntArray(column_indices), first_chunk,
      last_chunk));
}

}  // namespace store
}  // namespace goalpost::datasets
