#ifndef GOALPOST_SERVICES_DATASETS_DATASET_STORE_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "services/datasets/column_chunk.h"
#include "services/datasets/token_index.h"

namespace goalpost::datasets {

namespace v1 = ::goalpost::datasets::v1;

// "projects/{project}/datasets/{dataset}" split into its parts.
struct DatasetName {
  std::string project;  // "projects/{project}"
  std::string dataset_id;
  std::string ToString() const { return project + "/datasets/" + dataset_id; }
};

// "projects/{p}/datasets/{d}/predictionSets/{s}" split into its parts.
struct PredictionSetName {
  DatasetName dataset;
  std::string prediction_set_id;
  std::string ToString() const {
    return dataset.ToString() + "/predictionSets/" + prediction_set_id;
  }
};

// INVALID_ARGUMENT naming `field` when the name is malformed.
absl::StatusOr<DatasetName> ParseDatasetName(const std::string& name, const std::string& field);
absl::StatusOr<PredictionSetName> ParsePredictionSetName(const std::string& name,
                                                         const std::string& field);

// Returns 16 random hex digits for a new resource id.
std::string NewResourceId();

// One stored chunk as read back.
struct StoredChunk {
  int32_t column_index = 0;
  int32_t chunk_index = 0;
  int64_t row_offset = 0;
  int32_t row_count = 0;
  uint32_t checksum = 0;
  std::string data;
};

// SQL access to the datasets schema. Every function runs inside the
// caller's transaction and throws libpqxx exceptions, which
// ConnectionPool::RunTransaction maps to a status.
namespace store {

// Inserts the row of a dataset being uploaded; its content hash stays NULL
// until CompleteDataset, so readers never list it.
void InsertPendingDataset(pqxx::work& transaction, const DatasetName& name, v1::DatasetRole role);

void InsertChunk(pqxx::work& transaction, const std::string& dataset_id, int32_t column_index,
                 int32_t chunk_index, int64_t row_offset, int32_t row_count,
                 const EncodedChunk& chunk);

// Inserts the token index buckets of one chunk of a text column
// (EncodeTokenBuckets' output) with one statement.
void InsertTokenBuckets(pqxx::work& transaction, const std::string& dataset_id,
                        int32_t column_index, int32_t chunk_index,
                        const std::vector<std::pair<int, std::string>>& buckets);

// Returns the id of the committed dataset of `project` with this content
// hash, or an empty string.
std::string FindByContentHash(pqxx::work& transaction, const std::string& project,
                              const std::string& content_hash);

// Sets the hash, row count, size and descriptor of an uploaded dataset.
void CompleteDataset(pqxx::work& transaction, const std::string& dataset_id,
                     const std::string& content_hash, int64_t row_count, int64_t stored_bytes,
                     const v1::Dataset& descriptor);

// Returns a committed dataset with its statistics; NOT_FOUND otherwise.
absl::StatusOr<v1::Dataset> LoadDataset(pqxx::transaction_base& transaction,
                                        const DatasetName& name);

// Returns one page of committed datasets, newest first, without statistics.
std::vector<v1::Dataset> ListDatasets(pqxx::transaction_base& transaction,
                                      const std::string& project, v1::DatasetRole role,
                                      int64_t offset, int32_t limit);

// Deletes a dataset and everything that refers to it; false when absent.
bool DeleteDataset(pqxx::work& transaction, const DatasetName& name);

// Returns the chunks of the given columns with chunk_index in
// [first_chunk, last_chunk], ordered by chunk then column.
std::vector<StoredChunk> ReadChunks(pqxx::transaction_base& transaction,
                                    const std::string& dataset_id,
                                    const std::vector<int32_t>& column_indices,
                                    int32_t first_chunk, int32_t last_chunk);

// One stored token index bucket of one chunk.
struct TokenBucketEntry {
  int32_t chunk_index;
  int bucket;
  std::string entries;
};
// Returns the given buckets of a text column's index, ordered by chunk.
std::vector<TokenBucketEntry> ReadTokenBuckets(pqxx::transaction_base& transaction,
                                               const std::string& dataset_id,
                                               int32_t column_index,
                                               const std::vector<int32_t>& buckets);

void InsertPredictionSet(pqxx::work& transaction, const PredictionSetName& name,
                         const std::string& model, int64_t row_count);
void InsertPredictionChunk(pqxx::work& transaction, const PredictionSetName& name,
                           int32_t column_index, int32_t chunk_index, int64_t row_offset,
                           int32_t row_count, const EncodedChunk& chunk);
absl::StatusOr<v1::PredictionSet> LoadPredictionSet(pqxx::transaction_base& transaction,
                                                    const PredictionSetName& name);
std::vector<StoredChunk> ReadPredictionChunks(pqxx::transaction_base& transaction,
                                              const PredictionSetName& name,
                                              const std::vector<int32_t>& column_indices,
                                              int32_t first_chunk, int32_t last_chunk);

}  // namespace store
}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_STORE_H_
