#include "services/datasets/dataset_builder.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace goalpost::datasets {
namespace {

absl::uint128 HashId(std::string_view id) {
  // FNV-1a beside std::hash: two unrelated 64-bit functions.
  uint64_t fnv = 1469598103934665603ull;
  for (char c : id) {
    fnv ^= static_cast<uint8_t>(c);
    fnv *= 1099511628211ull;
  }
  return absl::MakeUint128(std::hash<std::string_view>()(id), fnv);
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

int64_t FindInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    if (bytes[i] < 0x80) {
      // Most text is ASCII: skip 16 bytes at a time while no byte has its
      // high bit set.
      constexpr uint64_t kHighBits = 0x8080808080808080ull;
      while (size - i >= 16) {
        uint64_t first;
        uint64_t second;
        std::memcpy(&first, bytes + i, sizeof(first));
        std::memcpy(&second, bytes + i + 8, sizeof(second));
        if (((first | second) & kHighBits) != 0) break;
        i += 16;
      }
      while (i < size && bytes[i] < 0x80) ++i;
      continue;
    }
    size_t length;
    uint32_t code_point;
    uint32_t minimum;
    if ((bytes[i] & 0xE0) == 0xC0) {
      length = 2, code_point = bytes[i] & 0x1F, minimum = 0x80;
    } else if ((bytes[i] & 0xF0) == 0xE0) {
      length = 3, code_point = bytes[i] & 0x0F, minimum = 0x800;
    } else if ((bytes[i] & 0xF8) == 0xF0) {
      length = 4, code_point = bytes[i] & 0x07, minimum = 0x10000;
    } else {
      return static_cast<int64_t>(i);
    }
    if (size - i < length) return static_cast<int64_t>(i);
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return static_cast<int64_t>(i);
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    if (code_point < minimum || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return static_cast<int64_t>(i);
    }
    i += length;
  }
  return -1;
}

std::string DatasetBuilder::Location::ToString() const {
  return csv_line ? absl::StrCat("line ", number) : absl::StrCat("row ", number);
}

DatasetBuilder::DatasetBuilder(const v1::DatasetSpec& spec, ChunkCallback on_chunk)
    : spec_(spec), on_chunk_(std::move(on_chunk)) {
  for (int i = 0; i < spec_.class_names_size(); ++i) class_index_[spec_.class_names(i)] = i;
}

absl::Status DatasetBuilder::SetLayout(const std::vector<std::string>& names, int64_t line) {
  absl::StatusOr<DatasetLayout> layout = ResolveLayout(spec_, names, line);
  if (!layout.ok()) return layout.status();
  layout_ = std::move(layout).value();
  has_layout_ = true;
  for (const StoredColumn& column : layout_.columns) chunks_.emplace_back(column.type);
  return absl::OkStatus();
}

absl::Status DatasetBuilder::AddCsvRecord(const CsvRecord& record) {
  if (has_layout_) return AddCsvRow(record);

  std::vector<std::string> header;
  for (std::string_view field : record.fields) {
    if (FindInvalidUtf8(field) >= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", record.line, ": invalid UTF-8 in the header; save the file as UTF-8"));
    }
    header.emplace_back(field);
  }
  return SetLayout(header, record.line);
}

absl::Status DatasetBuilder::AddCsvRow(const CsvRecord& record) {
  const Location where{true, record.line};
  if (static_cast<int>(record.fields.size()) != layout_.source_width) {
    return absl::InvalidArgumentError(absl::StrCat(
        where.ToString(), ": expected ", layout_.source_width, " fields as in the header, got ",
        record.fields.size()));
  }
  for (size_t i = 0; i < layout_.columns.size(); ++i) {
    const StoredColumn& column = layout_.columns[i];
    GOALPOST_RETURN_IF_ERROR(AddCsvCell(chunks_[i], column, record.fields[column.source_index],
                                        record.quoted[column.source_index], where));
  }
  GOALPOST_RETURN_IF_ERROR(CheckProbabilities(where));
  return EndRow();
}

absl::Status DatasetBuilder::AddCsvCell(ColumnChunk& chunk, const StoredColumn& column,
                                        std::string_view value, bool quoted, Location where) {
  const int64_t invalid = FindInvalidUtf8(value);
  if (invalid >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        where.ToString(), ", column \"", column.name, "\": invalid UTF-8 at byte ", invalid,
        " of the value \"", Shorten(value.substr(0, invalid)),
        "\"...; save the file as UTF-8"));
  }

  switch (column.type) {
    case v1::COLUMN_TYPE_DOUBLE: {
      double number = 0;
      GOALPOST_RETURN_IF_ERROR(ParseDouble(column, value, where, number));
      chunk.doubles.push_back(number);
      return absl::OkStatus();
    }
    case v1::COLUMN_TYPE_CLASS: {
      int32_t index = 0;
      GOALPOST_RETURN_IF_ERROR(ParseClass(column, value, where, index));
      chunk.class_indices.push_back(index);
      return absl::OkStatus();
    }
    default:
      break;
  }

  if (column.role == v1::COLUMN_ROLE_ID) GOALPOST_RETURN_IF_ERROR(CheckId(value, where));
  // pandas writes a missing value as an empty unquoted field and an empty
  // string as "". A categorical feature treats both as missing.
  const bool missing =
      value.empty() && (!quoted || column.role == v1::COLUMN_ROLE_CATEGORICAL_FEATURE);
  chunk.AddString(value, missing);
  return absl::OkStatus();
}

absl::Status DatasetBuilder::ParseDouble(const StoredColumn& column, std::string_view value,
                                         Location where, double& number) {
  const bool required = column.role == v1::COLUMN_ROLE_PROBABILITY;
  if (value.empty()) {
    if (required) {
      return absl::InvalidArgumentError(absl::StrCat(
          where.ToString(), ", column \"", column.name,
          "\": the probability is missing; every row needs all class probabilities"));
    }
    number = std::nan("");
    return absl::OkStatus();
  }

  std::string_view trimmed = value;
  while (!trimmed.empty() && IsWhitespace(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && IsWhitespace(trimmed.back())) trimmed.remove_suffix(1);
  if (!trimmed.empty() && trimmed.front() == '+') trimmed.remove_prefix(1);
  const auto [end, error] =
      std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), number);
  if (error != std::errc() || end != trimmed.data() + trimmed.size() || trimmed.empty() ||
      !std::isfinite(number)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where.ToString(), ", column \"", column.name, "\": \"", Shorten(value),
        "\" is not a finite number", required ? "" : "; leave the cell empty for a missing value"));
  }

  if (required && (number < 0 || number > 1)) {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ", column \"", column.name,
                                                   "\": probability ", Shorten(value),
                                                   " is outside [0, 1]"));
  }
  return absl::OkStatus();
}

absl::Status DatasetBuilder::ParseClass(const StoredColumn& column, std::string_view value,
                                        Location where, int32_t& index) {
  auto found = class_index_.find(absl::string_view(value.data(), value.size()));
  if (found != class_index_.end()) {
    index = found->second;
    return absl::OkStatus();
  }
  const char* what = column.role == v1::COLUMN_ROLE_LABEL ? "label" : "prediction";
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ", column \"", column.name,
                                                   "\": the ", what,
                                                   " is missing; every row needs one"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      where.ToString(), ", column \"", column.name, "\": ", what, " \"", Shorten(value),
      "\" is not one of the class names; add it to spec.class_names or fix the row"));
}

absl::Status DatasetBuilder::CheckId(std::string_view id, Location where) {
  const std::string& name = layout_.columns[layout_.id_column].name;
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ", column \"", name,
                                                   "\": the id is empty; ids must be non-empty"));
  }
  if (!id_hashes_.insert(HashId(id)).second) {
    return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ", column \"", name,
                                                   "\": duplicate id \"", Shorten(id),
                                                   "\"; ids must be unique"));
  }
  return absl::OkStatus();
}

absl::Status DatasetBuilder::CheckProbabilities(Location where) {
  if (layout_.probability_columns.empty()) return absl::OkStatus();

  double sum = 0;
  int32_t argmax = 0;
  double max = -1;
  for (size_t c = 0; c < layout_.probability_columns.size(); ++c) {
    const double probability = chunks_[layout_.probability_columns[c]].doubles.back();
    sum += probability;
    // Strictly greater, so a tie goes to the lower class index as in numpy.
    if (probability > max) {
      max = probability;
      argmax = static_cast<int32_t>(c);
    }
  }
  if (std::fabs(sum - 1.0) > spec_.probability_tolerance()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where.ToString(), ": the class probabilities sum to ", sum,
        ", not 1 within the tolerance ", spec_.probability_tolerance(),
        "; fix the row or raise spec.probability_tolerance"));
  }

  if (!spec_.check_prediction_is_argmax()) return absl::OkStatus();
  const StoredColumn& prediction = layout_.columns[layout_.prediction_column];
  const int32_t predicted = chunks_[layout_.prediction_column].class_indices.back();
  if (predicted != argmax) {
    return absl::InvalidArgumentError(absl::StrCat(
        where.ToString(), ", column \"", prediction.name, "\": prediction \"",
        spec_.class_names(predicted), "\" is not the arg-max of the probabilities (\"",
        spec_.class_names(argmax), "\")"));
  }
  return absl::OkStatus();
}

absl::Status DatasetBuilder::EndRow() {
  ++row_count_;
  if (row_count_ - chunk_row_offset_ < kChunkRows) return absl::OkStatus();
  return EmitChunk();
}

absl::Status DatasetBuilder::EmitChunk() {
  GOALPOST_RETURN_IF_ERROR(on_chunk_(chunk_index_, chunk_row_offset_, chunks_));
  for (ColumnChunk& chunk : chunks_) chunk.Clear();
  ++chunk_index_;
  chunk_row_offset_ = row_count_;
  return absl::OkStatus();
}

absl::Status DatasetBuilder::Finish() {
  if (row_count_ == 0) {
    return absl::InvalidArgumentError(
        has_layout_ ? "the file has a header but no data rows; upload at least one row"
                    : "the file is empty; upload a header and at least one row");
  }
  if (row_count_ > chunk_row_offset_) return EmitChunk();
  return absl::OkStatus();
}

absl::Status DatasetBuilder::AddRowBatch(const v1::RowBatch& batch) {
  if (!has_layout_) {
    std::vector<std::string> names;
    for (const v1::ColumnValues& values : batch.columns()) names.push_back(values.name());
    GOALPOST_RETURN_IF_ERROR(SetLayout(names, 0));
  }

  // Find each stored column in this batch and check the row counts agree.
  std::vector<const v1::ColumnValues*> sources(layout_.columns.size(), nullptr);
  int64_t batch_rows = -1;
  for (size_t i = 0; i < layout_.columns.size(); ++i) {
    for (const v1::ColumnValues& values : batch.columns()) {
      if (values.name() == layout_.columns[i].name) sources[i] = &values;
    }
    if (sources[i] == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row batch starting at row ", row_count_, ": column \"", layout_.columns[i].name,
          "\" is missing; every batch must carry every column of the spec"));
    }
    const v1::ColumnValues& values = *sources[i];
    const int64_t rows = values.has_strings()   ? values.strings().values_size()
                         : values.has_doubles() ? values.doubles().values_size()
                                                : values.class_indices().values_size();
    if (batch_rows >= 0 && rows != batch_rows) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row batch starting at row ", row_count_, ": column \"", layout_.columns[i].name,
          "\" has ", rows, " values but column \"", layout_.columns[0].name, "\" has ",
          batch_rows));
    }
    batch_rows = rows;
  }

  for (int64_t row = 0; row < batch_rows; ++row) {
    const Location where{false, row_count_};
    for (size_t i = 0; i < layout_.columns.size(); ++i) {
      GOALPOST_RETURN_IF_ERROR(AddBatchColumn(chunks_[i], layout_.columns[i], *sources[i], row, where));
    }
    GOALPOST_RETURN_IF_ERROR(CheckProbabilities(where));
    GOALPOST_RETURN_IF_ERROR(EndRow());
  }
  return absl::OkStatus();
}

absl::Status DatasetBuilder::AddBatchColumn(ColumnChunk& chunk, const StoredColumn& column,
                                            const v1::ColumnValues& values, int64_t row,
                                            Location where) {
  const auto wrong_kind = [&](const char* expected) {
    return absl::InvalidArgumentError(absl::StrCat("column \"", column.name, "\" of role ",
                                                   v1::ColumnRole_Name(column.role),
                                                   " must be sent as ", expected));
  };

  switch (column.type) {
    case v1::COLUMN_TYPE_DOUBLE: {
      if (!values.has_doubles()) return wrong_kind("doubles");
      const double number = values.doubles().values(static_cast<int>(row));
      if (std::isinf(number) || (std::isnan(number) && column.role == v1::COLUMN_ROLE_PROBABILITY) ||
          (column.role == v1::COLUMN_ROLE_PROBABILITY && (number < 0 || number > 1))) {
        return absl::InvalidArgumentError(absl::StrCat(
            where.ToString(), ", column \"", column.name, "\": ", number,
            column.role == v1::COLUMN_ROLE_PROBABILITY ? " is not a probability in [0, 1]"
                                                       : " is not a finite number or NaN"));
      }
      chunk.doubles.push_back(number);
      return absl::OkStatus();
    }
    case v1::COLUMN_TYPE_CLASS: {
      if (!values.has_class_indices()) return wrong_kind("class_indices");
      const int32_t index = values.class_indices().values(static_cast<int>(row));
      if (index < 0 || index >= spec_.class_names_size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            where.ToString(), ", column \"", column.name, "\": class index ", index,
            " is outside [0, ", spec_.class_names_size(), ")"));
      }
      chunk.class_indices.push_back(index);
      return absl::OkStatus();
    }
    default: {
      if (!values.has_strings()) return wrong_kind("strings");
      const std::string& value = values.strings().values(static_cast<int>(row));
      if (FindInvalidUtf8(value) >= 0) {
        return absl::InvalidArgumentError(absl::StrCat(where.ToString(), ", column \"",
                                                       column.name, "\": invalid UTF-8"));
      }
      if (column.role == v1::COLUMN_ROLE_ID) GOALPOST_RETURN_IF_ERROR(CheckId(value, where));
      chunk.AddString(value, value.empty() && column.role == v1::COLUMN_ROLE_CATEGORICAL_FEATURE);
      return absl::OkStatus();
    }
  }
}

}  // namespace goalpost::datasets
