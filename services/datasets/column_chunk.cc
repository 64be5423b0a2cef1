#include "services/datasets/column_chunk.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include "absl/strings/str_cat.h"

namespace goalpost::datasets {
namespace {

namespace v1 = ::goalpost::datasets::v1;

// zstd level 1 compresses class indices and repeated strings well and
// decompresses at memory speed. Higher levels cost upload time for little
// gain on floating-point probabilities.
constexpr int kCompressionLevel = 1;

// Layout of the uncompressed payload: a u32 row count, then
//   doubles: row_count f64;
//   classes: row_count i32;
//   strings: u32 missing count, the missing rows as i32, row_count u32 end
//            offsets, then the bytes.
// Every number is little-endian (the hosts this runs on are x86-64 and
// arm64, both little-endian).
template <typename T>
void AppendArray(std::string& out, const std::vector<T>& values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

void AppendU32(std::string& out, uint32_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : payload_(payload) {}

  bool ReadU32(uint32_t& value) { return ReadBytes(&value, sizeof(value)); }

  template <typename T>
  bool ReadArray(std::vector<T>& values, size_t count) {
    if (count > (payload_.size() - offset_) / sizeof(T)) return false;
    values.resize(count);
    return ReadBytes(values.data(), count * sizeof(T));
  }

  bool ReadRest(std::string& out) {
    out.assign(payload_.substr(offset_));
    offset_ = payload_.size();
    return true;
  }

  bool AtEnd() const { return offset_ == payload_.size(); }

 private:
  bool ReadBytes(void* out, size_t size) {
    if (payload_.size() - offset_ < size) return false;
    std::memcpy(out, payload_.data() + offset_, size);
    offset_ += size;
    return true;
  }

  std::string_view payload_;
  size_t offset_ = 0;
};

std::string Serialize(const ColumnChunk& chunk) {
  std::string payload;
  AppendU32(payload, static_cast<uint32_t>(chunk.row_count()));
  switch (chunk.type) {
    case v1::COLUMN_TYPE_DOUBLE:
      AppendArray(payload, chunk.doubles);
      break;
    case v1::COLUMN_TYPE_CLASS:
      AppendArray(payload, chunk.class_indices);
      break;
    default:
      AppendU32(payload, static_cast<uint32_t>(chunk.missing_rows.size()));
      AppendArray(payload, chunk.missing_rows);
      AppendArray(payload, chunk.string_ends);
      payload.append(chunk.string_data);
      break;
  }
  return payload;
}

bool Deserialize(std::string_view payload, ColumnChunk& chunk) {
  PayloadReader reader(payload);
  uint32_t rows = 0;
  if (!reader.ReadU32(rows)) return false;
  switch (chunk.type) {
    case v1::COLUMN_TYPE_DOUBLE:
      return reader.ReadArray(chunk.doubles, rows) && reader.AtEnd();
    case v1::COLUMN_TYPE_CLASS:
      return reader.ReadArray(chunk.class_indices, rows) && reader.AtEnd();
    default: {
      uint32_t missing = 0;
      if (!reader.ReadU32(missing) || !reader.ReadArray(chunk.missing_rows, missing) ||
          !reader.ReadArray(chunk.string_ends, rows) || !reader.ReadRest(chunk.string_data)) {
        return false;
      }
      uint32_t previous = 0;
      for (uint32_t end : chunk.string_ends) {
        if (end < previous) return false;
        previous = end;
      }
      return previous == chunk.string_data.size();
    }
  }
}

}  // namespace

int32_t ColumnChunk::row_count() const {
  switch (type) {
    case v1::COLUMN_TYPE_DOUBLE:
      return static_cast<int32_t>(doubles.size());
    case v1::COLUMN_TYPE_CLASS:
      return static_cast<int32_t>(class_indices.size());
    default:
      return static_cast<int32_t>(string_ends.size());
  }
}

std::string_view ColumnChunk::string_at(int32_t row) const {
  const uint32_t begin = row == 0 ? 0 : string_ends[row - 1];
  return std::string_view(string_data).substr(begin, string_ends[row] - begin);
}

void ColumnChunk::AddString(std::string_view value, bool missing) {
  if (missing) missing_rows.push_back(static_cast<int32_t>(string_ends.size()));
  string_data.append(value.data(), value.size());
  string_ends.push_back(static_cast<uint32_t>(string_data.size()));
}

void ColumnChunk::Clear() {
  doubles.clear();
  class_indices.clear();
  string_data.clear();
  string_ends.clear();
  missing_rows.clear();
}

uint32_t ChunkChecksum(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes lengths as uInt, so feed it in pieces below 4 GiB.
  size_t offset = 0;
  while (offset < data.size()) {
    const size_t piece = std::min<size_t>(data.size() - offset, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data() + offset), static_cast<uInt>(piece));
    offset += piece;
  }
  return static_cast<uint32_t>(crc);
}

EncodedChunk EncodeChunk(const ColumnChunk& chunk) {
  const std::string payload = Serialize(chunk);
  EncodedChunk encoded;
  encoded.data.resize(ZSTD_compressBound(payload.size()));
  const size_t size = ZSTD_compress(encoded.data.data(), encoded.data.size(), payload.data(),
                                    payload.size(), kCompressionLevel);
  // zstd documents that a destination of ZSTD_compressBound bytes always
  // suffices; an error would store an empty chunk that fails to decode.
  encoded.data.resize(ZSTD_isError(size) ? 0 : size);
  encoded.checksum = ChunkChecksum(encoded.data);
  return encoded;
}

absl::StatusOr<ColumnChunk> DecodeChunk(std::string_view data, uint32_t checksum,
                                        v1::ColumnType type) {
  const uint32_t actual = ChunkChecksum(data);
  if (actual != checksum) {
    return absl::DataLossError(absl::StrCat("chunk checksum mismatch: stored ", checksum,
                                            ", computed ", actual));
  }

  const unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return absl::DataLossError("chunk is not a zstd frame with a known size");
  }
  std::string payload(size, '\0');
  const size_t written = ZSTD_decompress(payload.data(), payload.size(), data.data(), data.size());
  if (ZSTD_isError(written) || written != size) {
    return absl::DataLossError(absl::StrCat("chunk does not decompress: ",
                                            ZSTD_isError(written) ? ZSTD_getErrorName(written) : "short"));
  }

  ColumnChunk chunk(type);
  if (!Deserialize(payload, chunk)) {
    return absl::DataLossError("chunk payload is malformed for its column type");
  }
  return chunk;
}

}  // namespace goalpost::datasets
