#ifndef GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_
#define GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "services/datasets/column_chunk.h"

namespace goalpost::datasets {

// Tokens are spread over this many buckets per chunk; each bucket of each
// chunk is one stored row of the index.
inline constexpr int kTokenBuckets = 256;

// Returns the bucket of a token: FNV-1a (32-bit) of its bytes modulo
// kTokenBuckets. Stored data depends on it, so it must never change.
int TokenBucket(std::string_view token);

// Tokenizes every non-missing row of a string chunk (as
// goalpost::text::ForEachToken gives the tokens) and encodes the chunk's
// token index. Returns, for each non-empty bucket in ascending order, the
// stored `entries` bytes (see the datasets.token_index table). Their entries
// are sorted by token and list the ascending rows whose text contains it.
std::vector<std::pair<int, std::string>> EncodeTokenBuckets(const ColumnChunk& text_chunk);

// Encodes the token index of one chunk after another as EncodeTokenBuckets
// does, keeping its tables' memory from chunk to chunk: an upload then does
// not fault in fresh pages for every chunk.
class TokenIndexBuilder {
 public:
  TokenIndexBuilder();
  ~TokenIndexBuilder();
  TokenIndexBuilder(const TokenIndexBuilder&) = delete;
  TokenIndexBuilder& operator=(const TokenIndexBuilder&) = delete;

  std::vector<std::pair<int, std::string>> Encode(const ColumnChunk& text_chunk);

 private:
  class Postings;
  std::unique_ptr<Postings> postings_;
};

// Returns the rows of `token` in one stored bucket, or nullopt when the
// token is not there. DATA_LOSS when the bytes are malformed.
absl::StatusOr<std::optional<std::vector<int32_t>>> FindTokenRows(std::string_view entries,
                                                                  std::string_view token);

// Encodes ascending row numbers as varint deltas (most gaps fit one byte).
std::string EncodeRowNumbers(const std::vector<int32_t>& rows);

// Decodes EncodeRowNumbers' output. DATA_LOSS when the bytes are malformed.
absl::StatusOr<std::vector<int32_t>> DecodeRowNumbers(std::string_view bytes);

// Intersection and union of ascending row lists.
std::vector<int32_t> IntersectRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b);
std::vector<int32_t> UniteRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b);

}  // namespace goalpost::datasets

#endif  // GOALPOST_SERVICES_DATASETS_TOKEN_INDEX_H_
