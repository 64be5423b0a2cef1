#include "services/datasets/dataset_layout.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace goalpost::datasets {
namespace {

constexpr size_t kMaxDisplayNameCharacters = 200;

absl::Status CheckUniqueClassNames(const v1::DatasetSpec& spec) {
  if (spec.class_names_size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.class_names: at least two class names are required, got ",
        spec.class_names_size()));
  }
  absl::flat_hash_set<std::string> seen;
  for (const std::string& name : spec.class_names()) {
    if (name.empty()) {
      return absl::InvalidArgumentError("spec.class_names: a class name is empty");
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec.class_names: \"", Shorten(name), "\" appears twice"));
    }
  }
  return absl::OkStatus();
}

// Every column the spec names, with its role, in spec order.
std::vector<std::pair<std::string, v1::ColumnRole>> DeclaredColumns(const v1::DatasetSpec& spec) {
  std::vector<std::pair<std::string, v1::ColumnRole>> declared;
  if (!spec.id_column().empty()) declared.emplace_back(spec.id_column(), v1::COLUMN_ROLE_ID);
  for (const std::string& name : spec.text_columns()) {
    declared.emplace_back(name, v1::COLUMN_ROLE_TEXT);
  }
  for (const std::string& name : spec.numeric_columns()) {
    declared.emplace_back(name, v1::COLUMN_ROLE_NUMERIC_FEATURE);
  }
  for (const std::string& name : spec.categorical_columns()) {
    declared.emplace_back(name, v1::COLUMN_ROLE_CATEGORICAL_FEATURE);
  }
  declared.emplace_back(spec.label_column(), v1::COLUMN_ROLE_LABEL);
  if (!spec.prediction_column().empty()) {
    declared.emplace_back(spec.prediction_column(), v1::COLUMN_ROLE_PREDICTION);
  }
  for (const std::string& name : spec.probability_columns()) {
    declared.emplace_back(name, v1::COLUMN_ROLE_PROBABILITY);
  }
  for (const std::string& name : spec.metadata_columns()) {
    declared.emplace_back(name, v1::COLUMN_ROLE_METADATA);
  }
  return declared;
}

v1::ColumnType TypeOf(v1::ColumnRole role) {
  switch (role) {
    case v1::COLUMN_ROLE_NUMERIC_FEATURE:
    case v1::COLUMN_ROLE_PROBABILITY:
      return v1::COLUMN_TYPE_DOUBLE;
    case v1::COLUMN_ROLE_LABEL:
    case v1::COLUMN_ROLE_PREDICTION:
      return v1::COLUMN_TYPE_CLASS;
    default:
      return v1::COLUMN_TYPE_STRING;
  }
}

void IndexRole(DatasetLayout& layout, int index) {
  const StoredColumn& column = layout.columns[index];
  switch (column.role) {
    case v1::COLUMN_ROLE_ID:
      layout.id_column = index;
      break;
    case v1::COLUMN_ROLE_LABEL:
      layout.label_column = index;
      break;
    case v1::COLUMN_ROLE_PREDICTION:
      layout.prediction_column = index;
      break;
    case v1::COLUMN_ROLE_PROBABILITY:
      layout.probability_columns[column.class_index] = index;
      break;
    default:
      break;
  }
}

}  // namespace

std::string Shorten(std::string_view value) {
  constexpr size_t kMaxBytes = 80;
  if (value.size() <= kMaxBytes) return std::string(value);
  size_t end = kMaxBytes;
  while (end > 0 && (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(std::string(value.substr(0, end)), "...");
}

absl::Status ValidateSpec(v1::DatasetSpec& spec, const std::string& upload_time) {
  if (!absl::StartsWith(spec.project(), "projects/") || spec.project().size() <= 9 ||
      spec.project().find('/', 9) != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.project: expected \"projects/{project}\", got \"", Shorten(spec.project()), "\""));
  }
  if (spec.role() != v1::DATASET_ROLE_TRAINING && spec.role() != v1::DATASET_ROLE_VALIDATION) {
    return absl::InvalidArgumentError(
        "spec.role: set DATASET_ROLE_TRAINING or DATASET_ROLE_VALIDATION");
  }
  // Characters, not bytes: every byte but a UTF-8 continuation byte starts
  // one (gRPC has already checked that the string is UTF-8).
  const size_t display_name_characters = static_cast<size_t>(
      std::count_if(spec.display_name().begin(), spec.display_name().end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  if (display_name_characters > kMaxDisplayNameCharacters) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.display_name: ", display_name_characters, " characters; at most ",
        kMaxDisplayNameCharacters, " are allowed"));
  }
  if (spec.display_name().empty()) spec.set_display_name(upload_time);
  if (spec.label_column().empty()) {
    return absl::InvalidArgumentError(
        "spec.label_column: a label column is required; name the column that contains the true "
        "class");
  }
  absl::Status class_names = CheckUniqueClassNames(spec);
  if (!class_names.ok()) return class_names;

  if (spec.probability_columns_size() != 0 &&
      spec.probability_columns_size() != spec.class_names_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.probability_columns: expected one column per class (", spec.class_names_size(),
        "), got ", spec.probability_columns_size()));
  }
  if (spec.check_prediction_is_argmax() &&
      (spec.prediction_column().empty() || spec.probability_columns_size() == 0)) {
    return absl::InvalidArgumentError(
        "spec.check_prediction_is_argmax needs both prediction_column and probability_columns");
  }

  if (spec.delimiter().empty()) spec.set_delimiter(",");
  const char delimiter = spec.delimiter()[0];
  if (spec.delimiter().size() != 1 || static_cast<unsigned char>(delimiter) >= 0x80 ||
      delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.delimiter: expected one ASCII character other than a quote or line end, got \"",
        Shorten(spec.delimiter()), "\""));
  }
  if (spec.probability_tolerance() == 0) spec.set_probability_tolerance(kDefaultProbabilityTolerance);
  if (!(spec.probability_tolerance() > 0 && spec.probability_tolerance() < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.probability_tolerance: expected a value in (0, 1), got ",
        spec.probability_tolerance()));
  }

  absl::flat_hash_set<std::string> named;
  for (const auto& [name, role] : DeclaredColumns(spec)) {
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("spec: a column of role ", v1::ColumnRole_Name(role), " has an empty name"));
    }
    if (!named.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spec: column \"", Shorten(name), "\" is named more than once; give each column one role"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<DatasetLayout> ResolveLayout(const v1::DatasetSpec& spec,
                                            const std::vector<std::string>& header,
                                            int64_t header_line) {
  absl::flat_hash_map<std::string, int> position;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    if (!position.emplace(header[i], i).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header_line, ": duplicate column name \"", Shorten(header[i]),
          "\" in the header; column names must be unique"));
    }
  }

  std::vector<StoredColumn> declared;
  int probability_class = 0;
  for (const auto& [name, role] : DeclaredColumns(spec)) {
    auto found = position.find(name);
    if (found == position.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header_line, ": column \"", Shorten(name), "\" (", v1::ColumnRole_Name(role),
          ") is missing from the header"));
    }
    StoredColumn column{name, role, TypeOf(role), found->second, -1};
    if (role == v1::COLUMN_ROLE_PROBABILITY) column.class_index = probability_class++;
    declared.push_back(std::move(column));
  }

  // Stored in file order.
  std::sort(declared.begin(), declared.end(),
            [](const StoredColumn& a, const StoredColumn& b) { return a.source_index < b.source_index; });
  DatasetLayout layout;
  layout.columns = std::move(declared);
  layout.source_width = static_cast<int>(header.size());
  layout.probability_columns.assign(spec.probability_columns_size(), -1);
  for (int i = 0; i < static_cast<int>(layout.columns.size()); ++i) IndexRole(layout, i);
  return layout;
}

std::vector<v1::Column> ColumnsOf(const DatasetLayout& layout) {
  std::vector<v1::Column> columns;
  for (const StoredColumn& stored : layout.columns) {
    v1::Column column;
    column.set_name(stored.name);
    column.set_role(stored.role);
    column.set_type(stored.type);
    columns.push_back(std::move(column));
  }
  return columns;
}

DatasetLayout LayoutFromColumns(const v1::DatasetSpec& spec,
                                const google::protobuf::RepeatedPtrField<v1::Column>& columns) {
  DatasetLayout layout;
  layout.probability_columns.assign(spec.probability_columns_size(), -1);
  for (int i = 0; i < columns.size(); ++i) {
    StoredColumn stored{columns[i].name(), columns[i].role(), columns[i].type(), i, -1};
    if (stored.role == v1::COLUMN_ROLE_PROBABILITY) {
      for (int c = 0; c < spec.probability_columns_size(); ++c) {
        if (spec.probability_columns(c) == stored.name) stored.class_index = c;
      }
    }
    layout.columns.push_back(std::move(stored));
  }
  layout.source_width = columns.size();
  for (int i = 0; i < static_cast<int>(layout.columns.size()); ++i) IndexRole(layout, i);
  return layout;
}

}  // namespace goalpost::datasets
