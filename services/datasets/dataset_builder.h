#ifndef GOALPOST_SERVICES_DATASETS_DATASET_BUILDER_H_
#define GOALPOST_SERVICES_DATASETS_DATASET_BUILDER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "services/datasets/column_chunk.h"
#include "services/datasets/csv_reader.h"
#include "services/datasets/dataset_layout.h"

namespace goalpost::datasets {

// Validates rows, from CSV records or typed row batches, and groups them into
// column chunks of kChunkRows rows. Each full chunk (one ColumnChunk per
// stored column, in layout order) goes to the chunk callback; the last,
// partial one goes out from Finish.
//
// Every check names the line (CSV) or row, the column and the value:
// field count, UTF-8, numbers, class names, probabilities and their sum,
// the arg-max check and duplicate ids.
class DatasetBuilder {
 public:
  using ChunkCallback =
      std::function<absl::Status(int32_t chunk_index, int64_t row_offset,
                                 std::vector<ColumnChunk>& chunks)>;

  // `spec` must have passed ValidateSpec.
  DatasetBuilder(const v1::DatasetSpec& spec, ChunkCallback on_chunk);

  // Consumes one CSV record; the first one is the header.
  absl::Status AddCsvRecord(const CsvRecord& record);

  // Consumes a typed row batch; the first batch fixes the column order.
  absl::Status AddRowBatch(const v1::RowBatch& batch);

  // Emits the last chunk. INVALID_ARGUMENT when there is no data row.
  absl::Status Finish();

  // Valid once the header or first batch has been read.
  const DatasetLayout& layout() const { return layout_; }
  bool has_layout() const { return has_layout_; }
  int64_t row_count() const { return row_count_; }

 private:
  // The position of a row for error messages: a CSV line or a row index.
  struct Location {
    bool csv_line;
    int64_t number;
    std::string ToString() const;
  };

  absl::Status SetLayout(const std::vector<std::string>& names, int64_t line);
  absl::Status AddCsvRow(const CsvRecord& record);
  absl::Status AddCsvCell(ColumnChunk& chunk, const StoredColumn& column, std::string_view value, bool quoted,
                          Location where);
  absl::Status AddBatchColumn(ColumnChunk& chunk, const StoredColumn& column, const v1::ColumnValues& values,
                              int64_t row, Location where);
  absl::Status CheckProbabilities(Location where);
  absl::Status CheckId(std::string_view id, Location where);
  absl::Status ParseClass(const StoredColumn& column, std::string_view value,
                          Location where, int32_t& index);
  absl::Status ParseDouble(const StoredColumn& column, std::string_view value,
                           Location where, double& number);
  absl::Status EndRow();
  absl::Status EmitChunk();

  v1::DatasetSpec spec_;
  ChunkCallback on_chunk_;
  DatasetLayout layout_;
  bool has_layout_ = false;
  absl::flat_hash_map<std::string, int32_t> class_index_;
  // Two independent 64-bit hashes of each id: storing 16 bytes per row
  // instead of the id keeps memory small, and a false duplicate would need
  // both hashes to collide.
  absl::flat_hash_set<absl::uint128> id_hashes_;

  std::vector<ColumnChunk> chunks_;
  int32_t chunk_index_ = 0;
  int64_t chunk_row_offset_ = 0;
  int64_t row_count_ = 0;
};

// Returns the byte offset of the first invalid UTF-8 sequence in `text`, or
// -1 when it is valid. Overlong forms, surrogates and code points above
// U+10FFFF are invalid.
int64_t FindInvalidUtf8(std::string_view text);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_DATASET_BUILDER_H_
