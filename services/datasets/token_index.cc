#include "services/datasets/token_index.h"

#include <zstd.h>

#include <algorithm>
#include <iterator>

#include "common/text/tokenizer.h"

namespace goalpost::datasets {

ChunkPostings BuildChunkPostings(const ColumnChunk& text_chunk) {
  // Tokens get dense ids, so that the per-token work touches small arrays:
  // `last_row` records the last row that had the token, so a repeat within a
  // row is skipped without reaching into the row list (a cache miss).
  absl::flat_hash_map<std::string, uint32_t> token_ids;
  std::vector<int32_t> last_row;
  std::vector<std::vector<int32_t>> rows_by_id;

  size_t next_missing = 0;
  for (int32_t row = 0; row < text_chunk.row_count(); ++row) {
    if (next_missing < text_chunk.missing_rows.size() &&
        text_chunk.missing_rows[next_missing] == row) {
      ++next_missing;
      continue;
    }
    goalpost::text::ForEachToken(text_chunk.string_at(row), [&](std::string_view token) {
      const absl::string_view key(token.data(), token.size());
      auto entry = token_ids.find(key);
      if (entry == token_ids.end()) {
        entry = token_ids.emplace(std::string(token), static_cast<uint32_t>(last_row.size())).first;
        last_row.push_back(-1);
        rows_by_id.emplace_back();
      }
      const uint32_t id = entry->second;
      if (last_row[id] == row) return;
      last_row[id] = row;
      rows_by_id[id].push_back(row);
    });
  }

  ChunkPostings postings;
  postings.reserve(token_ids.size());
  for (auto& [token, id] : token_ids) postings.emplace(token, std::move(rows_by_id[id]));
  return postings;
}

namespace {

constexpr int kCompressionLevel = 1;

void AppendVarint(std::string& out, uint32_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

bool ReadVarint(std::string_view bytes, size_t& offset, uint32_t& value) {
  value = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (offset >= bytes.size()) return false;
    const auto byte = static_cast<uint8_t>(bytes[offset++]);
    value |= static_cast<uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::string Compress(const std::string& raw) {
  std::string compressed(ZSTD_compressBound(raw.size()), '\0');
  const size_t size =
      ZSTD_compress(compressed.data(), compressed.size(), raw.data(), raw.size(), kCompressionLevel);
  compressed.resize(ZSTD_isError(size) ? 0 : size);
  return compressed;
}

}  // namespace

int TokenBucket(std::string_view token) {
  uint32_t hash = 2166136261u;
  for (char c : token) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return static_cast<int>(hash % kTokenBuckets);
}

std::vector<std::pair<int, std::string>> EncodeTokenBuckets(const ChunkPostings& postings) {
  std::vector<std::vector<const ChunkPostings::value_type*>> buckets(kTokenBuckets);
  for (const auto& entry : postings) buckets[TokenBucket(entry.first)].push_back(&entry);

  std::vector<std::pair<int, std::string>> encoded;
  for (int bucket = 0; bucket < kTokenBuckets; ++bucket) {
    if (buckets[bucket].empty()) continue;
    std::sort(buckets[bucket].begin(), buckets[bucket].end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    std::string raw;
    for (const auto* entry : buckets[bucket]) {
      const std::string rows = EncodeRowNumbers(entry->second);
      AppendVarint(raw, static_cast<uint32_t>(entry->first.size()));
      raw.append(entry->first);
      AppendVarint(raw, static_cast<uint32_t>(rows.size()));
      raw.append(rows);
    }
    encoded.emplace_back(bucket, Compress(raw));
  }
  return encoded;
}

absl::StatusOr<std::optional<std::vector<int32_t>>> FindTokenRows(std::string_view entries,
                                                                  std::string_view token) {
  const unsigned long long size = ZSTD_getFrameContentSize(entries.data(), entries.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return absl::DataLossError("token index bucket is not a zstd frame with a known size");
  }
  std::string raw(size, '\0');
  const size_t written = ZSTD_decompress(raw.data(), raw.size(), entries.data(), entries.size());
  if (ZSTD_isError(written) || written != size) {
    return absl::DataLossError("token index bucket does not decompress");
  }

  size_t offset = 0;
  while (offset < raw.size()) {
    uint32_t token_size = 0;
    uint32_t rows_size = 0;
    if (!ReadVarint(raw, offset, token_size) || raw.size() - offset < token_size) {
      return absl::DataLossError("token index bucket is malformed");
    }
    const std::string_view stored_token(raw.data() + offset, token_size);
    offset += token_size;
    if (!ReadVarint(raw, offset, rows_size) || raw.size() - offset < rows_size) {
      return absl::DataLossError("token index bucket is malformed");
    }
    if (stored_token == token) {
      absl::StatusOr<std::vector<int32_t>> rows =
          DecodeRowNumbers(std::string_view(raw.data() + offset, rows_size));
      if (!rows.ok()) return rows.status();
      return std::optional<std::vector<int32_t>>(std::move(rows).value());
    }
    offset += rows_size;
  }
  return std::optional<std::vector<int32_t>>();
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
