#include "services/datasets/token_index.h"

#include <algorithm>
#include <iterator>

#include "common/text/tokenizer.h"

namespace goalpost::datasets {

ChunkPostings BuildChunkPostings(const ColumnChunk& text_chunk) {
  ChunkPostings postings;
  size_t next_missing = 0;
  for (int32_t row = 0; row < text_chunk.row_count(); ++row) {
    if (next_missing < text_chunk.missing_rows.size() &&
        text_chunk.missing_rows[next_missing] == row) {
      ++next_missing;
      continue;
    }
    for (std::string& token : goalpost::text::Tokenize(text_chunk.string_at(row))) {
      std::vector<int32_t>& rows = postings[std::move(token)];
      // Rows arrive in order, so a repeat of the token in this row is the
      // last entry.
      if (rows.empty() || rows.back() != row) rows.push_back(row);
    }
  }
  return postings;
}

std::string EncodeRowNumbers(const std::vector<int32_t>& rows) {
  std::string bytes;
  uint32_t previous = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    uint32_t delta = static_cast<uint32_t>(rows[i]) - (i == 0 ? 0 : previous);
    previous = static_cast<uint32_t>(rows[i]);
    while (delta >= 0x80) {
      bytes.push_back(static_cast<char>((delta & 0x7F) | 0x80));
      delta >>= 7;
    }
    bytes.push_back(static_cast<char>(delta));
  }
  return bytes;
}

absl::StatusOr<std::vector<int32_t>> DecodeRowNumbers(std::string_view bytes) {
  std::vector<int32_t> rows;
  uint32_t current = 0;
  size_t i = 0;
  while (i < bytes.size()) {
    uint32_t delta = 0;
    int shift = 0;
    while (true) {
      if (i >= bytes.size() || shift > 28) {
        return absl::DataLossError("token index entry is malformed");
      }
      const uint8_t byte = static_cast<uint8_t>(bytes[i++]);
      delta |= static_cast<uint32_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) break;
      shift += 7;
    }
    current = rows.empty() ? delta : current + delta;
    rows.push_back(static_cast<int32_t>(current));
  }
  return rows;
}

std::vector<int32_t> IntersectRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::vector<int32_t> result;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result));
  return result;
}

std::vector<int32_t> UniteRows(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::vector<int32_t> result;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(result));
  return result;
}

}  // namespace goalpost::datasets
