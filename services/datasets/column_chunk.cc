#include "services/datasets/column_chunk.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

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

namespace {

// The payload's pieces go to zstd one after another, so a chunk of long
// texts is never copied into one serialized buffer before compression.
void EncodeWith(ZSTD_CCtx* context, const ColumnChunk& chunk, EncodedChunk& encoded) {
  std::string header;
  AppendU32(header, static_cast<uint32_t>(chunk.row_count()));
  std::vector<std::string_view> pieces = {header};
  auto add = [&pieces](const void* data, size_t size) {
    pieces.emplace_back(static_cast<const char*>(data), size);
  };
  std::string missing_count;
  switch (chunk.type) {
    case v1::COLUMN_TYPE_DOUBLE:
      add(chunk.doubles.data(), chunk.doubles.size() * sizeof(double));
      break;
    case v1::COLUMN_TYPE_CLASS:
      add(chunk.class_indices.data(), chunk.class_indices.size() * sizeof(int32_t));
      break;
    default:
      AppendU32(missing_count, static_cast<uint32_t>(chunk.missing_rows.size()));
      pieces.push_back(missing_count);
      add(chunk.missing_rows.data(), chunk.missing_rows.size() * sizeof(int32_t));
      add(chunk.string_ends.data(), chunk.string_ends.size() * sizeof(uint32_t));
      pieces.push_back(chunk.string_data);
      break;
  }

  size_t payload_size = 0;
  for (std::string_view piece : pieces) payload_size += piece.size();
  ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, kCompressionLevel);
  ZSTD_CCtx_setPledgedSrcSize(context, payload_size);

  encoded.data.resize(ZSTD_compressBound(payload_size));
  ZSTD_outBuffer output{encoded.data.data(), encoded.data.size(), 0};
  for (size_t i = 0; i < pieces.size(); ++i) {
    ZSTD_inBuffer input{pieces[i].data(), pieces[i].size(), 0};
    const ZSTD_EndDirective directive = i + 1 == pieces.size() ? ZSTD_e_end : ZSTD_e_continue;
    size_t remaining;
    do {
      remaining = ZSTD_compressStream2(context, &output, &input, directive);
    } while (!ZSTD_isError(remaining) &&
             (directive == ZSTD_e_end ? remaining != 0 : input.pos < input.size));
    // zstd documents that a destination of ZSTD_compressBound bytes always
    // suffices; an error would store an empty chunk that fails to decode.
    if (ZSTD_isError(remaining)) {
      output.pos = 0;
      break;
    }
  }
  encoded.data.resize(output.pos);
  encoded.checksum = ChunkChecksum(encoded.data);
}

}  // namespace

ChunkEncoder::ChunkEncoder() : context_(ZSTD_createCCtx()) {}

ChunkEncoder::~ChunkEncoder() { ZSTD_freeCCtx(context_); }

void ChunkEncoder::Encode(const ColumnChunk& chunk, EncodedChunk& encoded) {
  EncodeWith(context_, chunk, encoded);
}

EncodedChunk EncodeChunk(const ColumnChunk& chunk) {
  ChunkEncoder encoder;
  EncodedChunk encoded;
  encoder.Encode(chunk, encoded);
  encoded.data.shrink_to_fit();
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
