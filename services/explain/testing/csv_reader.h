#ifndef GOALPOST_SERVICES_EXPLAIN_TESTING_CSV_READER_H_
#define GOALPOST_SERVICES_EXPLAIN_TESTING_CSV_READER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace goalpost::explain::testing {

// An RFC 4180 file read whole: header names and rows of fields. A field
// that was empty and unquoted is listed in `missing`.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> missing;

  // Index of `name` in the header, or -1.
  int Column(const std::string& name) const;
};

absl::StatusOr<CsvTable> ReadCsv(const std::string& path);

}  // namespace goalpost::explain::testing

#endif  // GOALPOST_SERVICES_EXPLAIN_TESTING_CSV_READER_H_
