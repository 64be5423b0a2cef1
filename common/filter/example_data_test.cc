// Filters over the shipped example data, checked against the subpopulations
// that scikit-learn's reference metrics list.

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "common/filter/filter.h"
#include "common/filter/filter_test_support.h"
#include "common/text/tokenizer.h"

namespace goalpost::filter {
namespace {

using ::goalpost::datasets::v1::ColumnData;

// A CSV file loaded as the datasets service would stream it, with the
// columns of its header.
class ExampleData {
 public:
  bool Load(const std::string& path) {
    testing::CsvTable csv;
    if (!testing::ReadCsv(path, csv) || csv.rows.size() < 2) return false;
    header_ = csv.rows[0];
    rows_.assign(csv.rows.begin() + 1, csv.rows.end());
    quoted_.assign(csv.quoted.begin() + 1, csv.quoted.end());
    return true;
  }

  int64_t row_count() const { return static_cast<int64_t>(rows_.size()); }

  int Index(const std::string& column) const {
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == column) return static_cast<int>(i);
    }
    ADD_FAILURE() << "no column " << column;
    return 0;
  }

  const std::string& Cell(int64_t row, const std::string& column) const { return rows_[row][Index(column)]; }

  // Rows [begin, end) of a column; an empty unquoted field is missing.
  ColumnData Column(const std::string& column, datasets::v1::ColumnType type, int64_t begin, int64_t end) const {
    const int index = Index(column);
    ColumnData data;
    data.set_name(column);
    data.set_type(type);
    for (int64_t row = begin; row < end; ++row) {
      const std::string& cell = rows_[row][index];
      const bool missing = cell.empty() && !quoted_[row][index];
      if (type == datasets::v1::COLUMN_TYPE_DOUBLE) {
        data.add_doubles(missing ? std::numeric_limits<double>::quiet_NaN() : std::stod(cell));
      } else {
        data.add_strings(cell);
        if (missing) data.add_missing_rows(static_cast<int32_t>(row - begin));
      }
    }
    return data;
  }

  std::vector<int32_t> Classes(const std::string& column, const std::vector<std::string>& class_names) const {
    std::vector<int32_t> classes;
    for (int64_t row = 0; row < row_count(); ++row) {
      const std::string& cell = Cell(row, column);
      int32_t index = -1;
      for (size_t k = 0; k < class_names.size(); ++k) {
        if (class_names[k] == cell) index = static_cast<int32_t>(k);
      }
      classes.push_back(index);
    }
    return classes;
  }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::vector<bool>> quoted_;
};

Schema SchemaFromSpec(const std::string& spec_text) {
  datasets::v1::Dataset dataset;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(spec_text, dataset.mutable_spec()));
  return SchemaFromDataset(dataset);
}

// Rows of `data` whose `column` has all (or any) of the query's tokens,
// found by tokenising every text as the token index does.
std::vector<int64_t> TokenRows(const ExampleData& data, const TokenQuery& query) {
  std::vector<int64_t> rows;
  for (int64_t row = 0; row < data.row_count(); ++row) {
    const std::vector<std::string> tokens = goalpost::text::Tokenize(data.Cell(row, query.column));
    const absl::flat_hash_set<std::string> present(tokens.begin(), tokens.end());
    size_t found = 0;
    for (const std::string& token : query.tokens) found += present.contains(token) ? 1 : 0;
    if (query.match_all ? found == query.tokens.size() : found > 0) rows.push_back(row);
  }
  return rows;
}

// Evaluates `text` over `data` in blocks of `block_size` rows and returns
// the selected rows.
std::vector<int64_t> SelectRows(const ExampleData& data, const Schema& schema, const std::string& text,
                                int64_t block_size) {
  absl::StatusOr<Filter> filter = Parse(text);
  EXPECT_TRUE(filter.ok()) << filter.status();
  if (!filter.ok()) return {};
  absl::StatusOr<CompiledFilter> compiled = CompiledFilter::Compile(*filter, schema, true);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return {};

  std::vector<std::vector<int64_t>> token_rows;
  for (const TokenQuery& query : compiled->token_queries()) token_rows.push_back(TokenRows(data, query));
  const std::vector<int32_t> labels = data.Classes("label", schema.class_names);
  const std::vector<int32_t> predictions = data.Classes("prediction", schema.class_names);

  std::vector<int64_t> selected_rows;
  std::vector<uint8_t> selected;
  for (int64_t begin = 0; begin < data.row_count(); begin += block_size) {
    const int64_t end = std::min(begin + block_size, data.row_count());
    std::vector<ColumnData> columns;
    columns.reserve(compiled->columns().size());
    for (const std::string& name : compiled->columns()) {
      const bool numeric = std::any_of(schema.columns.begin(), schema.columns.end(), [&](const ColumnInfo& info) {
        return info.name == name && info.kind == ColumnInfo::Kind::kNumeric;
      });
      columns.push_back(data.Column(name, numeric ? datasets::v1::COLUMN_TYPE_DOUBLE : datasets::v1::COLUMN_TYPE_STRING,
                                    begin, end));
    }
    RowBlock block;
    block.row_offset = begin;
    block.row_count = end - begin;
    for (const ColumnData& column : columns) block.columns[column.name()] = &column;
    block.labels = labels.data() + begin;
    block.predictions = predictions.data() + begin;
    block.token_query_rows = &token_rows;
    EXPECT_TRUE(compiled->CheckBlock(block).ok()) << compiled->CheckBlock(block);

    compiled->Evaluate(block, selected);
    for (int64_t i = 0; i < block.row_count; ++i) {
      if (selected[i]) selected_rows.push_back(begin + i);
    }
  }
  return selected_rows;
}

constexpr char kSpamSpec[] = R"pb(
  id_column: "id" text_columns: "text" categorical_columns: "group"
  label_column: "label" prediction_column: "prediction"
  probability_columns: "prob_ham" probability_columns: "prob_spam"
  class_names: "ham" class_names: "spam")pb";

constexpr char kCreditSpec[] = R"pb(
  id_column: "id"
  numeric_columns: "Seniority" numeric_columns: "Time" numeric_columns: "Age"
  numeric_columns: "Expenses" numeric_columns: "Income" numeric_columns: "Assets"
  numeric_columns: "Debt" numeric_columns: "Amount" numeric_columns: "Price"
  categorical_columns: "Home" categorical_columns: "Marital" categorical_columns: "Records"
  categorical_columns: "Job"
  label_column: "label" prediction_column: "prediction"
  probability_columns: "prob_bad" probability_columns: "prob_good"
  class_names: "bad" class_names: "good")pb";

class SpamAssassinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(data_.Load("examples/spamassassin/validation.csv"));
    ASSERT_EQ(data_.row_count(), 1814);
    std::ifstream file("examples/spamassassin/reference_metrics.json");
    ASSERT_TRUE(file.good());
    reference_ = nlohmann::json::parse(file);
  }

  std::set<std::string> Ids(const std::vector<int64_t>& rows) const {
    std::set<std::string> ids;
    for (int64_t row : rows) ids.insert(data_.Cell(row, "id"));
    return ids;
  }

  ExampleData data_;
  nlohmann::json reference_;
  Schema schema_ = SchemaFromSpec(kSpamSpec);
};

TEST_F(SpamAssassinTest, FreeAndMoneySelectsReferenceIds) {
  std::set<std::string> expected;
  for (const auto& subpopulation : reference_["subpopulations"]) {
    if (subpopulation.contains("ids")) {
      for (const auto& id : subpopulation["ids"]) expected.insert(id.get<std::string>());
    }
  }
  ASSERT_EQ(expected.size(), 63u);

  const std::vector<int64_t> rows = SelectRows(data_, schema_, "text has all(\"free\", \"money\")", 500);
  EXPECT_EQ(rows.size(), 63u);
  EXPECT_EQ(Ids(rows), expected);

  // Letter case of the written tokens does not matter.
  EXPECT_EQ(Ids(SelectRows(data_, schema_, "text has all(\"FREE\", \"Money\")", 1814)), expected);
}

TEST_F(SpamAssassinTest, GroupAndCorrectnessCounts) {
  // hard-ham-1 has 75 validation rows; the confusion matrix [[1238, 7], [69, 500]]
  // has 76 misclassified rows.
  EXPECT_EQ(SelectRows(data_, schema_, "group == \"hard-ham-1\"", 700).size(), 75u);
  EXPECT_EQ(SelectRows(data_, schema_, "misclassified", 700).size(), 76u);
  EXPECT_EQ(SelectRows(data_, schema_, "label == \"spam\" and prediction == \"ham\"", 700).size(), 69u);
  EXPECT_EQ(SelectRows(data_, schema_, "group matches \"^spam\"", 700).size(), 569u);
}

TEST(CreditTest, AgeRangeSelects389Rows) {
  ExampleData data;
  ASSERT_TRUE(data.Load("examples/credit/validation.csv"));
  ASSERT_EQ(data.row_count(), 1336);
  const Schema schema = SchemaFromSpec(kCreditSpec);

  EXPECT_EQ(SelectRows(data, schema, "Age >= 18 and Age < 30", 256).size(), 389u);
  EXPECT_EQ(SelectRows(data, schema, "Age between 18 and 29", 1336).size(), 389u);

  // Income has missing cells; a comparison never selects them.
  const size_t missing = SelectRows(data, schema, "Income is missing", 256).size();
  EXPECT_GT(missing, 0u);
  const size_t positive = SelectRows(data, schema, "Income > 0", 256).size();
  const size_t not_positive = SelectRows(data, schema, "Income <= 0", 256).size();
  EXPECT_EQ(positive + not_positive + missing, 1336u);
}

}  // namespace
}  // namespace goalpost::filter
