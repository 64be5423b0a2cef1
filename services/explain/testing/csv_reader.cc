#include "services/explain/testing/csv_reader.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace goalpost::explain::testing {

int CsvTable::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<CsvTable> ReadCsv(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string content = buffer.str();

  std::vector<std::vector<std::string>> records(1);
  std::vector<std::vector<bool>> missing(1);
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  auto end_field = [&] {
    records.back().push_back(field);
    missing.back().push_back(field.empty() && !was_quoted);
    field.clear();
    was_quoted = false;
  };
  for (size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < content.size() && content[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_field();
      records.emplace_back();
      missing.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !records.back().empty()) end_field();
  if (records.back().empty()) {
    records.pop_back();
    missing.pop_back();
  }
  if (records.empty()) return absl::InvalidArgumentError(absl::StrCat(path, " has no header"));

  CsvTable table;
  table.header = records.front();
  table.rows.assign(records.begin() + 1, records.end());
  table.missing.assign(missing.begin() + 1, missing.end());
  return table;
}

}  // namespace goalpost::explain::testing
