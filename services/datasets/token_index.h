#ifndef GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_
#define GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/datasets/column_chunk.h"

namespace goalpost::datasets {

// The postings of one chunk of one text column: for each token (as
// goalpost::text::Tokenize gives them), the ascending rows of the chunk whose
// text contains it.
using ChunkPostings = absl::flat_hash_map<std::string, std::vector<int32_t>>;

// Tokenizes every non-missing row of a string chunk.
ChunkPostings BuildChunkPostings(const ColumnChunk& text_chunk);

// Encodes ascending row numbers as varint deltas (most gaps fit one byte).
std::string EncodeRowNumbers(const std::vector<int32_t>& rows);

// Decodes EncodeRowNumbers' output. DATA_LOSS when the bytes are malformed.
absl::StatusOr<std::vector<int32_t>> DecodeRowNumbers(std::string_view bytes);

// Intersection and union of ascending row lists.
std::vector<int32_t> IntersectRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b);
std::vector<int32_t> UniteRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_
