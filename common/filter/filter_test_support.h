#ifndef GOALPOST_COMMON_FILTER_FILTER_TEST_SUPPORT_H_
#define GOALPOST_COMMON_FILTER_FILTER_TEST_SUPPORT_H_

// Test helpers of the filter library: a random generator of valid filters,
// a table of random rows with a row-at-a-time reference evaluator, and a
// small CSV reader for the shipped example files.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/filter/filter.h"

namespace goalpost::filter::testing {

// The schema that generated filters and tables use: text columns `text` and
// `subject`, numeric `age`, `income` and `my col`, categorical `country`,
// `city` and `in`, metadata `note`, id `id`, classes ham, spam and other.
Schema TestSchema();

// A random filter that Parse can return and that compiles against
// TestSchema() with probabilities; `depth` bounds the nesting of
// and/or/not.
Filter RandomFilter(std::mt19937& random, int depth);

// Rows for TestSchema(), column-wise, with missing values in every column
// kind (NaN for numbers, `missing` flags for strings).
struct TestTable {
  int64_t row_count = 0;
  std::vector<std::string> text;
  std::vector<std::string> subject;
  std::vector<bool> subject_missing;
  std::vector<double> age;
  std::vector<double> income;
  std::vector<double> my_col;
  std::vector<std::string> country;
  std::vector<bool> country_missing;
  std::vector<std::string> city;
  std::vector<bool> city_missing;
  std::vector<std::string> in;
  std::vector<bool> in_missing;
  std::vector<std::string> note;
  std::vector<std::string> id;
  std::vector<int32_t> labels;
  std::vector<int32_t> predictions;
  std::vector<double> confidence;
};

TestTable RandomTable(std::mt19937& random, int64_t row_count);

// Whether row `row` of `table` is in `filter`, computed directly from the
// Filter message one row at a time.
bool ReferenceMatches(const Filter& filter, const TestTable& table, int64_t row);

// The column data of rows [begin, end) of `table`, keyed by column name.
struct TableBlock {
  std::vector<goalpost::datasets::v1::ColumnData> columns;
  std::vector<std::vector<int64_t>> token_query_rows;
  RowBlock block;
};

// Fills `out` (which must stay in place while out.block is used) with rows
// [begin, end) and the rows of each token query of `filter`, found by
// tokenising every text.
void MakeBlock(const TestTable& table, int64_t begin, int64_t end, const CompiledFilter& filter,
               TableBlock& out);

// Rows of an RFC 4180 file: fields of each record, with `quoted[i][j]` true
// when the field was written in double quotes (an empty unquoted field is a
// missing value in the example files). Returns false when the file cannot be
// read.
struct CsvTable {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<bool>> quoted;
};
bool ReadCsv(const std::string& path, CsvTable& table);

}  // namespace goalpost::filter::testing

#endif  // GOALPOST_COMMON_FILTER_FILTER_TEST_SUPPORT_H_
