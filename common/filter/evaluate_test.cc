#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/filter/filter.h"
#include "common/filter/filter_test_support.h"

namespace goalpost::filter {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Selected global rows of `table` when it is evaluated in blocks that start
// at `starts` (and end at the next start or the table's end).
std::vector<uint8_t> EvaluateInBlocks(const CompiledFilter& compiled, const testing::TestTable& table,
                                      const std::vector<int64_t>& starts) {
  std::vector<uint8_t> all;
  std::vector<uint8_t> selected;
  std::vector<uint8_t> selected_with_cache;
  testing::TableBlock block;
  // One cache across blocks whose ColumnData objects are reused: it must
  // notice the new row_offset.
  BlockCache cache;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t end = i + 1 < starts.size() ? starts[i + 1] : table.row_count;
    testing::MakeBlock(table, starts[i], end, compiled, block);
    EXPECT_TRUE(compiled.CheckBlock(block.block).ok());
    compiled.Evaluate(block.block, selected);
    EXPECT_EQ(selected.size(), static_cast<size_t>(end - starts[i]));
    all.insert(all.end(), selected.begin(), selected.end());

    block.block.cache = &cache;
    compiled.Evaluate(block.block, selected_with_cache);
    compiled.Evaluate(block.block, selected_with_cache);
    EXPECT_EQ(selected_with_cache, selected) << "with a BlockCache, block at " << starts[i];
  }
  return all;
}

absl::StatusOr<CompiledFilter> CompileText(const std::string& text) {
  absl::StatusOr<Filter> filter = Parse(text);
  if (!filter.ok()) return filter.status();
  return CompiledFilter::Compile(*filter, testing::TestSchema(), true);
}

// Every generated filter selects the same rows as the row-at-a-time
// reference, across blocks of uneven sizes (including one-row blocks).
TEST(EvaluateTest, GeneratedFiltersMatchReference) {
  std::mt19937 random(99);
  const testing::TestTable table = testing::RandomTable(random, 1500);
  const std::vector<int64_t> starts = {0, 1, 2, 700, 701, 1024, 1499};
  int partial_selections = 0;
  constexpr int kFilters = 500;
  for (int i = 0; i < kFilters; ++i) {
    const Filter filter = testing::RandomFilter(random, 3);
    SCOPED_TRACE(Print(filter));
    absl::StatusOr<CompiledFilter> compiled = CompiledFilter::Compile(filter, testing::TestSchema(), true);
    ASSERT_TRUE(compiled.ok()) << compiled.status();

    const std::vector<uint8_t> selected = EvaluateInBlocks(*compiled, table, starts);
    ASSERT_EQ(selected.size(), static_cast<size_t>(table.row_count));
    int mismatches = 0;
    int64_t expected_count = 0;
    for (int64_t row = 0; row < table.row_count; ++row) {
      const bool expected = testing::ReferenceMatches(filter, table, row);
      expected_count += expected ? 1 : 0;
      if (selected[row] != (expected ? 1 : 0) && ++mismatches <= 3) {
        ADD_FAILURE() << "row " << row << ": expected " << expected;
      }
    }
    if (expected_count > 0 && expected_count < table.row_count) ++partial_selections;
  }
  // The comparison only means something when most filters select some rows
  // and leave others out.
  EXPECT_GT(partial_selections, kFilters / 2);
}

struct CountCase {
  std::string text;
  std::vector<uint8_t> expected;
};

// A five-row table with a missing value in each kind of column.
testing::TestTable SmallTable() {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  testing::TestTable table;
  table.row_count = 5;
  table.text = {"Free money", "FREE", "money back", "", "free MONEY now"};
  table.subject = {"Re: hi", "RE: x", "hello", "re: y", "Fwd"};
  table.subject_missing = {false, false, false, true, false};
  table.age = {20, nan, 30, 40, 30};
  table.income = {1, 2, 3, 4, 5};
  table.my_col = {20, 1, nan, 40, 30};
  table.country = {"Spain", "Spain", "Portugal", "France", "Spain"};
  table.country_missing = {false, true, false, false, false};
  table.city = {"Madrid", "Spain", "Lisbon", "France", "Madrid"};
  table.city_missing = {false, false, false, true, false};
  table.in = {"x", "x", "x", "x", "x"};
  table.in_missing = {false, false, false, false, false};
  table.note = {"a", "b", "a", "b", "a"};
  table.id = {"r0", "r1", "r2", "r3", "r4"};
  table.labels = {0, 1, 1, 2, 0};
  table.predictions = {0, 0, 1, 1, 0};
  table.confidence = {0.9, 0.5, nan, 0.7, 0.55};
  return table;
}

TEST(EvaluateTest, MissingValuesNeverMatchComparisons) {
  const testing::TestTable table = SmallTable();
  const std::vector<CountCase> cases = {
      {"age == 30", {0, 0, 1, 0, 1}},
      {"age != 30", {1, 0, 0, 1, 0}},
      // `not` is plain negation, so it selects the missing row.
      {"not age == 30", {1, 1, 0, 1, 0}},
      {"age between 20 and 30", {1, 0, 1, 0, 1}},
      {"age is missing", {0, 1, 0, 0, 0}},
      {"age is not missing", {1, 0, 1, 1, 1}},
      {"age == `my col`", {1, 0, 0, 1, 1}},
      {"age != `my col`", {0, 0, 0, 0, 0}},
      {"country == \"Spain\"", {1, 0, 0, 0, 1}},
      {"country != \"Spain\"", {0, 0, 1, 1, 0}},
      {"country in (\"Spain\", \"France\")", {1, 0, 0, 1, 1}},
      {"country in (\"Spain\", \"France\", \"a\", \"b\", \"c\", \"d\")", {1, 0, 0, 1, 1}},
      {"country is missing", {0, 1, 0, 0, 0}},
      {"country == city", {0, 0, 0, 0, 0}},
      {"country != city", {1, 0, 1, 0, 1}},
      {"subject matches \"(?i)^re:\"", {1, 1, 0, 0, 0}},
      {"subject matches \"^re:\"", {0, 0, 0, 0, 0}},
      {"country matches \"ain$\"", {1, 0, 0, 0, 1}},
      {"confidence < 0.6", {0, 1, 0, 0, 1}},
      {"confidence is missing", {0, 0, 1, 0, 0}},
      {"label == \"spam\"", {0, 1, 1, 0, 0}},
      {"label != \"spam\"", {1, 0, 0, 1, 1}},
      {"label in (\"ham\", \"other\")", {1, 0, 0, 1, 1}},
      {"label matches \"^(sp|ot)\"", {0, 1, 1, 1, 0}},
      {"label is missing", {0, 0, 0, 0, 0}},
      {"prediction != label", {0, 1, 0, 1, 0}},
      {"misclassified", {0, 1, 0, 1, 0}},
      {"correct", {1, 0, 1, 0, 1}},
      {"text has \"FREE\"", {1, 1, 0, 0, 1}},
      {"text has all(\"free\", \"money\")", {1, 0, 0, 0, 1}},
      {"text has any(\"back\", \"now\")", {0, 0, 1, 0, 1}},
      {"subject has \"re\"", {1, 1, 0, 0, 0}},
      {"text has \"free\" and not correct or label == \"other\"", {0, 1, 0, 1, 0}},
      {"", {1, 1, 1, 1, 1}},
      {"false", {0, 0, 0, 0, 0}},
  };
  for (const CountCase& test_case : cases) {
    SCOPED_TRACE(test_case.text);
    absl::StatusOr<CompiledFilter> compiled = CompileText(test_case.text);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    EXPECT_EQ(EvaluateInBlocks(*compiled, table, {0}), test_case.expected);
    EXPECT_EQ(EvaluateInBlocks(*compiled, table, {0, 2, 3}), test_case.expected);
  }
}

TEST(EvaluateTest, TokenRowsOutsideBlockAreIgnored) {
  absl::StatusOr<CompiledFilter> compiled = CompileText("text has \"free\"");
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const std::vector<std::vector<int64_t>> token_rows = {{3, 10, 11, 14, 20}};
  RowBlock block;
  block.row_offset = 10;
  block.row_count = 5;
  block.token_query_rows = &token_rows;
  std::vector<uint8_t> selected;
  compiled->Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(1, 1, 0, 0, 1));
}

TEST(EvaluateTest, EmptyBlockSelectsNothing) {
  absl::StatusOr<CompiledFilter> compiled = CompileText("age > 3");
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  RowBlock block;
  std::vector<uint8_t> selected = {1, 1};
  compiled->Evaluate(block, selected);
  EXPECT_TRUE(selected.empty());
}

TEST(EvaluateTest, CheckBlockNamesTheProblem) {
  absl::StatusOr<CompiledFilter> compiled =
      CompileText("age > 3 and country == \"Spain\" and text has \"free\" and misclassified");
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  datasets::v1::ColumnData age;
  age.set_type(datasets::v1::COLUMN_TYPE_DOUBLE);
  age.add_doubles(1);
  age.add_doubles(5);
  datasets::v1::ColumnData country;
  country.set_type(datasets::v1::COLUMN_TYPE_STRING);
  country.add_strings("Spain");
  country.add_strings("Spain");
  const std::vector<int32_t> classes = {0, 1};
  const std::vector<std::vector<int64_t>> token_rows = {{0, 1}};

  RowBlock block;
  block.row_count = 2;
  block.labels = classes.data();
  block.predictions = classes.data();
  block.token_query_rows = &token_rows;
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("no column \"age\""));

  block.columns["age"] = &country;
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("has type COLUMN_TYPE_STRING"));
  block.columns["age"] = &age;
  block.columns["country"] = &country;
  EXPECT_TRUE(compiled->CheckBlock(block).ok()) << compiled->CheckBlock(block);

  country.add_missing_rows(2);
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("lists missing row 2"));
  country.clear_missing_rows();
  age.add_doubles(3);
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("has 3 values for 2 rows"));
  age.mutable_doubles()->RemoveLast();

  block.labels = nullptr;
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("reads labels"));
  block.labels = classes.data();
  block.token_query_rows = nullptr;
  EXPECT_THAT(std::string(compiled->CheckBlock(block).message()), HasSubstr("1 token queries"));

  // Evaluate stays in bounds on a block that fails CheckBlock.
  block.columns.erase("age");
  std::vector<uint8_t> selected;
  compiled->Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(0, 0));
}

TEST(EvaluateTest, CompiledFilterCopiesShareTheTree) {
  absl::StatusOr<CompiledFilter> compiled = CompileText("age > 3 or age is missing");
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const CompiledFilter copy = *compiled;
  compiled = CompileText("false");
  datasets::v1::ColumnData age;
  age.set_type(datasets::v1::COLUMN_TYPE_DOUBLE);
  age.add_doubles(1);
  age.add_doubles(std::nan(""));
  age.add_doubles(4);
  RowBlock block;
  block.row_count = 3;
  block.columns["age"] = &age;
  std::vector<uint8_t> selected;
  copy.Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(0, 1, 1));
}

}  // namespace
}  // namespace goalpost::filter

namespace goalpost::filter {
namespace {

TEST(BlockCacheTest, ForgetsCodesOfAnEarlierBlock) {
  absl::StatusOr<Filter> filter = Parse("country in (\"Spain\", \"France\") or country matches \"^P\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  absl::StatusOr<CompiledFilter> compiled = CompiledFilter::Compile(*filter, testing::TestSchema(), true);
  ASSERT_TRUE(compiled.ok()) << compiled.status();

  // One ColumnData object refilled for each block, as a streaming reader may do.
  datasets::v1::ColumnData country;
  country.set_type(datasets::v1::COLUMN_TYPE_STRING);
  for (const char* value : {"Spain", "Italy", "Portugal"}) country.add_strings(value);
  BlockCache cache;
  RowBlock block;
  block.row_count = 3;
  block.columns["country"] = &country;
  block.cache = &cache;
  std::vector<uint8_t> selected;
  compiled->Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(1, 0, 1));

  country.clear_strings();
  for (const char* value : {"Italy", "France", "Spain"}) country.add_strings(value);
  country.add_missing_rows(2);
  block.row_offset = 3;
  compiled->Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(0, 1, 0));

  country.clear_strings();
  country.clear_missing_rows();
  for (const char* value : {"Peru", "Spain", "Italy"}) country.add_strings(value);
  cache.Clear();
  compiled->Evaluate(block, selected);
  EXPECT_THAT(selected, ElementsAre(1, 1, 0));
}

}  // namespace
}  // namespace goalpost::filter
