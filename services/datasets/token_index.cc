#include "services/datasets/token_index.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>

#include "common/text/tokenizer.h"

namespace goalpost::datasets {

namespace {

constexpr int kCompressionLevel = 1;

inline void AppendVarint(std::string& out, uint32_t value) {
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

// Multiplies to 128 bits and folds the halves, as wyhash mixes.
inline uint64_t Mix(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline uint64_t Load64(const char* bytes) {
  uint64_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

inline uint64_t Load32(const char* bytes) {
  uint32_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

// A token as the table compares and hashes it. Up to 16 bytes, `first` and
// `last` (two overlapping loads) with the size are the whole token, so a
// lookup compares two words instead of calling memcmp. Longer tokens compare
// their middle bytes too. The hash is for the in-memory table only, and
// nothing stored depends on it. It takes one multiplication, where absl's
// string hash cost several times more per token occurrence.
struct TokenKey {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t hash = 0;
};

inline TokenKey KeyOf(std::string_view token) {
  constexpr uint64_t kSeed0 = 0xa0761d6478bd642full;
  constexpr uint64_t kSeed1 = 0xe7037ed1a0b428dbull;
  constexpr uint64_t kSeed2 = 0x8ebc6af09c88c6e3ull;
  const char* bytes = token.data();
  const size_t size = token.size();
  TokenKey key;
  if (size >= 8) {
    key.first = Load64(bytes);
    key.last = Load64(bytes + size - 8);
  } else if (size >= 4) {
    key.first = Load32(bytes);
    key.last = Load32(bytes + size - 4);
  } else if (size > 0) {
    key.first = (static_cast<uint64_t>(static_cast<uint8_t>(bytes[0])) << 16) |
                (static_cast<uint64_t>(static_cast<uint8_t>(bytes[size / 2])) << 8) |
                static_cast<uint8_t>(bytes[size - 1]);
  }
  if (size <= 16) {
    key.hash = Mix(key.first ^ kSeed0 ^ size, key.last ^ kSeed1);
    return key;
  }
  uint64_t state = kSeed0 ^ size;
  for (size_t i = 0; i + 16 <= size; i += 16) {
    state = Mix(Load64(bytes + i) ^ kSeed1, Load64(bytes + i + 8) ^ state);
  }
  key.hash = Mix(key.first ^ kSeed2, key.last ^ state);
  return key;
}

}  // namespace

// The postings of one chunk of one text column while they are collected.
// Every token occurrence of the chunk (about 11 million in 65,536 mails)
// passes through Add, so the table is open addressing over small slots and
// keeps the tokens back to back in one string. Each token's rows are
// appended as they will be stored (varint deltas), so nothing is left to
// encode afterwards.
class TokenIndexBuilder::Postings {
 public:
  Postings() : slots_(kInitialSlots), mask_(kInitialSlots - 1) {}

  // Empties the table for the next chunk but keeps its memory.
  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    for (size_t id = 0; id < tokens_.size(); ++id) rows_[id].clear();
    tokens_.clear();
    text_.clear();
  }

  void Add(std::string_view token, int32_t row) {
    const TokenKey key = KeyOf(token);
    const auto tag = static_cast<uint32_t>(key.hash >> 32);
    size_t slot = key.hash & mask_;
    while (true) {
      const Slot candidate = slots_[slot];
      if (candidate.id == 0) break;
      if (candidate.tag == tag) {
        const uint32_t id = candidate.id - 1;
        const Token& entry = tokens_[id];
        if (entry.first == key.first && entry.last == key.last && entry.size == token.size() &&
            (token.size() <= 16 ||
             std::memcmp(text_.data() + entry.offset + 8, token.data() + 8, token.size() - 16) == 0)) {
          AddRow(id, row);
          return;
        }
      }
      slot = (slot + 1) & mask_;
    }

    const auto id = static_cast<uint32_t>(tokens_.size());
    tokens_.push_back(Token{key.first, key.last, static_cast<uint32_t>(text_.size()),
                            static_cast<uint32_t>(token.size()), -1});
    if (rows_.size() == id) rows_.emplace_back();
    text_.append(token.data(), token.size());
    slots_[slot] = Slot{tag, id + 1};
    AddRow(id, row);
    if (tokens_.size() * 2 > slots_.size()) Grow();
  }

  // The stored bytes of each non-empty bucket, in bucket order.
  std::vector<std::pair<int, std::string>> Encode() const {
    std::vector<std::vector<uint32_t>> buckets(kTokenBuckets);
    for (uint32_t id = 0; id < tokens_.size(); ++id) buckets[TokenBucket(TokenAt(id))].push_back(id);

    std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
    std::vector<std::pair<int, std::string>> encoded;
    std::string raw;
    for (int bucket = 0; bucket < kTokenBuckets; ++bucket) {
      std::vector<uint32_t>& ids = buckets[bucket];
      if (ids.empty()) continue;
      std::sort(ids.begin(), ids.end(),
                [this](uint32_t a, uint32_t b) { return TokenAt(a) < TokenAt(b); });
      raw.clear();
      for (uint32_t id : ids) {
        const Token& entry = tokens_[id];
        AppendVarint(raw, entry.size);
        raw.append(text_, entry.offset, entry.size);
        AppendVarint(raw, static_cast<uint32_t>(rows_[id].size()));
        raw.append(rows_[id]);
      }
      std::string compressed(ZSTD_compressBound(raw.size()), '\0');
      const size_t size = ZSTD_compressCCtx(context.get(), compressed.data(), compressed.size(),
                                            raw.data(), raw.size(), kCompressionLevel);
      compressed.resize(ZSTD_isError(size) ? 0 : size);
      encoded.emplace_back(bucket, std::move(compressed));
    }
    return encoded;
  }

 private:
  static constexpr size_t kInitialSlots = size_t{1} << 16;

  // A slot contains the high half of the token's hash, so that most probes
  // that miss do not reach the token, and the token's id plus one (0 is an
  // empty slot).
  struct Slot {
    uint32_t tag = 0;
    uint32_t id = 0;
  };

  // The fields a lookup reads. The rows are apart, in rows_.
  struct Token {
    uint64_t first;
    uint64_t last;
    uint32_t offset;
    uint32_t size;
    // The last row added, so that a repeat within a row is skipped.
    int32_t last_row;
  };

  std::string_view TokenAt(uint32_t id) const {
    return std::string_view(text_).substr(tokens_[id].offset, tokens_[id].size);
  }

  void AddRow(uint32_t id, int32_t row) {
    Token& entry = tokens_[id];
    if (entry.last_row == row) return;
    const uint32_t delta = static_cast<uint32_t>(row) - static_cast<uint32_t>(std::max(entry.last_row, 0));
    entry.last_row = row;
    AppendVarint(rows_[id], delta);
  }

  void Grow() {
    std::vector<Slot> slots(slots_.size() * 2);
    const size_t mask = slots.size() - 1;
    for (uint32_t id = 0; id < tokens_.size(); ++id) {
      const uint64_t hash = KeyOf(TokenAt(id)).hash;
      size_t slot = hash & mask;
      while (slots[slot].id != 0) slot = (slot + 1) & mask;
      slots[slot] = Slot{static_cast<uint32_t>(hash >> 32), id + 1};
    }
    slots_ = std::move(slots);
    mask_ = mask;
  }

  std::vector<Slot> slots_;
  size_t mask_;
  std::vector<Token> tokens_;
  // Per token, its rows as EncodeRowNumbers writes them. The strings of
  // earlier chunks stay, emptied, so that their memory is reused.
  std::vector<std::string> rows_;
  std::string text_;
};

int TokenBucket(std::string_view token) {
  uint32_t hash = 2166136261u;
  for (char c : token) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 16777619u;
  }
  return static_cast<int>(hash % kTokenBuckets);
}

TokenIndexBuilder::TokenIndexBuilder() : postings_(std::make_unique<Postings>()) {}

TokenIndexBuilder::~TokenIndexBuilder() = default;

std::vector<std::pair<int, std::string>> TokenIndexBuilder::Encode(const ColumnChunk& text_chunk) {
  Postings& postings = *postings_;
  postings.Clear();
  size_t next_missing = 0;
  for (int32_t row = 0; row < text_chunk.row_count(); ++row) {
    if (next_missing < text_chunk.missing_rows.size() &&
        text_chunk.missing_rows[next_missing] == row) {
      ++next_missing;
      continue;
    }
    goalpost::text::ForEachToken(text_chunk.string_at(row),
                                 [&](std::string_view token) { postings.Add(token, row); });
  }
  return postings.Encode();
}

std::vector<std::pair<int, std::string>> EncodeTokenBuckets(const ColumnChunk& text_chunk) {
  return TokenIndexBuilder().Encode(text_chunk);
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
