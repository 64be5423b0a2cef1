#ifndef GOALPOST_SERVICES_DATASETS_COLUMN_CHUNK_H_
#define GOALPOST_SERVICES_DATASETS_COLUMN_CHUNK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"

struct ZSTD_CCtx_s;

namespace goalpost::datasets {

// The values of one column for up to 65,536 consecutive rows, in memory.
// Exactly one of the value vectors is used, by type.
struct ColumnChunk {
  goalpost::datasets::v1::ColumnType type = goalpost::datasets::v1::COLUMN_TYPE_UNSPECIFIED;
  // Doubles: NaN is a missing value.
  std::vector<double> doubles;
  // Class indices into the dataset's class names.
  std::vector<int32_t> class_indices;
  // Strings: the values back to back, with the end offset of each.
  std::string string_data;
  std::vector<uint32_t> string_ends;
  // Strings: the rows (within the chunk) whose value is missing.
  std::vector<int32_t> missing_rows;

  explicit ColumnChunk(goalpost::datasets::v1::ColumnType column_type = {}) : type(column_type) {}

  int32_t row_count() const;
  std::string_view string_at(int32_t row) const;
  void AddString(std::string_view value, bool missing);
  void Clear();
};

// A chunk as stored: compressed bytes and their checksum.
struct EncodedChunk {
  std::string data;
  uint32_t checksum = 0;
};

// Serializes a chunk and compresses it with zstd. Doubles and class indices
// are stored as little-endian arrays, so decoding is a copy.
EncodedChunk EncodeChunk(const ColumnChunk& chunk);

// Encodes chunk after chunk as EncodeChunk does, with one zstd context and
// into an EncodedChunk whose buffer is reused. A text chunk of 72 MB needs an
// output buffer of that size, and allocating it afresh for every chunk costs
// a page fault for every 4 KiB of it.
class ChunkEncoder {
 public:
  ChunkEncoder();
  ~ChunkEncoder();
  ChunkEncoder(const ChunkEncoder&) = delete;
  ChunkEncoder& operator=(const ChunkEncoder&) = delete;

  // Replaces `encoded` with the encoding of `chunk`, keeping the capacity
  // of its data.
  void Encode(const ColumnChunk& chunk, EncodedChunk& encoded);

 private:
  ZSTD_CCtx_s* context_;
};

// Returns the CRC-32 of stored bytes.
uint32_t ChunkChecksum(std::string_view data);

// Decodes stored bytes of a column of `type`. DATA_LOSS when the checksum
// does not match or the bytes do not decode.
absl::StatusOr<ColumnChunk> DecodeChunk(std::string_view data, uint32_t checksum,
                                        goalpost::datasets::v1::ColumnType type);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_COLUMN_CHUNK_H_
