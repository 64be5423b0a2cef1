#include "common/filter/filter_test_support.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "common/text/tokenizer.h"
#include "re2/re2.h"

namespace goalpost::filter::testing {
namespace {

using ::goalpost::datasets::v1::ColumnData;
using ::goalpost::subpopulation::v1::ComparisonOperator;

const std::vector<std::string> kClassNames = {"ham", "spam", "other"};
const std::vector<std::string> kTextColumns = {"text", "subject"};
const std::vector<std::string> kNumericColumns = {"age", "income", "my col", "confidence"};
const std::vector<std::string> kCategoricalColumns = {"country", "city", "in", "note", "id"};
const std::vector<std::string> kClassColumns = {"label", "prediction"};

const std::vector<std::string> kConditionTokens = {"free", "Money", "CANADA", "player", "refund",
                                                   "invoice", "über", "call_me", "x9"};
const std::vector<std::string> kTextWords = {"free", "FREE", "Free!", "money", "Money,", "canada",
                                             "Canada.", "player", "refund", "invoice", "Über",
                                             "über", "call_me", "x9", "a", "the", "re:"};
const std::vector<std::string> kSubjects = {"Re: hello", "RE: refund", "Fwd: money", "hello", "",
                                            "free money"};
const std::vector<std::string> kPatterns = {"(?i)re:", "^Fwd", "mon.y", "[0-9]", "a|b", "^$",
                                            "Spa", "ham|oth"};
const std::vector<std::string> kCountries = {"Spain", "Portugal", "Côte d'Ivoire", "say \"hi\"",
                                             "back\\slash", "new\nline"};
const std::vector<std::string> kCities = {"Madrid", "Lisbon", "Spain"};
const std::vector<std::string> kInValues = {"x", "y"};
const std::vector<std::string> kNotes = {"a", "b"};
const std::vector<double> kNumbers = {-3, 0, 0.5, 18, 30, 42.25, 1e-7, 100, 2.5e10, 0.1};

template <typename T>
const T& Pick(std::mt19937& random, const std::vector<T>& values) {
  return values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(random)];
}

int Uniform(std::mt19937& random, int low, int high) {
  return std::uniform_int_distribution<int>(low, high)(random);
}

bool Chance(std::mt19937& random, double probability) {
  return std::bernoulli_distribution(probability)(random);
}

ComparisonOperator RandomOperator(std::mt19937& random, bool equality_only) {
  if (equality_only) {
    return Chance(random, 0.5) ? subpopulation::v1::COMPARISON_OPERATOR_EQUAL
                               : subpopulation::v1::COMPARISON_OPERATOR_NOT_EQUAL;
  }
  return static_cast<ComparisonOperator>(Uniform(random, 1, 6));
}

// Values of a string-valued column to compare with.
const std::vector<std::string>& ValuesOf(const std::string& column) {
  if (column == "country") return kCountries;
  if (column == "city") return kCities;
  if (column == "in") return kInValues;
  if (column == "note") return kNotes;
  if (column == "label" || column == "prediction") return kClassNames;
  static const std::vector<std::string> ids = {"row-1", "row-7", "row-999"};
  return ids;
}

Filter RandomToken(std::mt19937& random) {
  Filter filter;
  subpopulation::v1::TokenCondition& token = *filter.mutable_token();
  token.set_column(Pick(random, kTextColumns));
  token.set_list_form(Chance(random, 0.6));
  const bool any = token.list_form() && Chance(random, 0.5);
  token.set_match(any ? subpopulation::v1::TOKEN_MATCH_ANY : subpopulation::v1::TOKEN_MATCH_ALL);
  const int count = token.list_form() ? Uniform(random, 1, 3) : 1;
  for (int i = 0; i < count; ++i) token.add_tokens(Pick(random, kConditionTokens));
  return filter;
}

Filter RandomComparison(std::mt19937& random) {
  Filter filter;
  subpopulation::v1::ComparisonCondition& comparison = *filter.mutable_comparison();
  const int kind = Uniform(random, 0, 2);
  if (kind == 0) {
    comparison.set_column(Pick(random, kNumericColumns));
    comparison.set_operator_(RandomOperator(random, false));
    comparison.set_number(Pick(random, kNumbers) * (Chance(random, 0.2) ? -1 : 1));
    return filter;
  }
  comparison.set_column(kind == 1 ? Pick(random, kCategoricalColumns) : Pick(random, kClassColumns));
  comparison.set_operator_(RandomOperator(random, true));
  comparison.set_text(Pick(random, ValuesOf(comparison.column())));
  return filter;
}

Filter RandomColumnComparison(std::mt19937& random) {
  static const std::vector<std::vector<std::string>> kPairs = {
      {"prediction", "label"}, {"label", "prediction"}, {"age", "my col"},
      {"country", "city"}, {"income", "confidence"}, {"label", "label"}};
  const std::vector<std::string>& pair = Pick(random, kPairs);
  Filter filter;
  filter.mutable_column_comparison()->set_left_column(pair[0]);
  filter.mutable_column_comparison()->set_right_column(pair[1]);
  filter.mutable_column_comparison()->set_operator_(RandomOperator(random, true));
  return filter;
}

Filter RandomLeaf(std::mt19937& random) {
  Filter filter;
  switch (Uniform(random, 0, 8)) {
    case 0: return RandomToken(random);
    case 1: {
      static const std::vector<std::string> kRegexColumns = {"subject", "text", "country", "label", "note"};
      filter.mutable_regex()->set_column(Pick(random, kRegexColumns));
      filter.mutable_regex()->set_pattern(Pick(random, kPatterns));
      return filter;
    }
    case 2: return RandomComparison(random);
    case 3: {
      double lower = Pick(random, kNumbers);
      double upper = Pick(random, kNumbers);
      if (lower > upper) std::swap(lower, upper);
      filter.mutable_between()->set_column(Pick(random, kNumericColumns));
      filter.mutable_between()->set_lower(lower);
      filter.mutable_between()->set_upper(upper);
      return filter;
    }
    case 4: {
      const std::string column = Chance(random, 0.5) ? Pick(random, kCategoricalColumns) : Pick(random, kClassColumns);
      filter.mutable_in_set()->set_column(column);
      const int count = Uniform(random, 1, 3);
      for (int i = 0; i < count; ++i) filter.mutable_in_set()->add_values(Pick(random, ValuesOf(column)));
      return filter;
    }
    case 5: {
      static const std::vector<std::string> kAny = {"age", "income", "country", "subject", "label", "confidence", "text"};
      filter.mutable_missing()->set_column(Pick(random, kAny));
      return filter;
    }
    case 6: return RandomColumnComparison(random);
    case 7:
      filter.set_correctness(Chance(random, 0.5) ? subpopulation::v1::CORRECTNESS_CORRECT
                                                 : subpopulation::v1::CORRECTNESS_MISCLASSIFIED);
      return filter;
    default: return RandomComparison(random);
  }
}

}  // namespace

Schema TestSchema() {
  Schema schema;
  schema.columns = {{"id", ColumnInfo::Kind::kId},          {"text", ColumnInfo::Kind::kText},
                    {"subject", ColumnInfo::Kind::kText},    {"age", ColumnInfo::Kind::kNumeric},
                    {"income", ColumnInfo::Kind::kNumeric},  {"my col", ColumnInfo::Kind::kNumeric},
                    {"country", ColumnInfo::Kind::kCategorical}, {"city", ColumnInfo::Kind::kCategorical},
                    {"in", ColumnInfo::Kind::kCategorical},  {"note", ColumnInfo::Kind::kMetadata}};
  schema.class_names = kClassNames;
  return schema;
}

Filter RandomFilter(std::mt19937& random, int depth) {
  if (depth <= 0 || Chance(random, 0.35)) return RandomLeaf(random);

  Filter filter;
  const int kind = Uniform(random, 0, 9);
  if (kind <= 1) {
    *filter.mutable_negation() = RandomFilter(random, depth - 1);
    return filter;
  }
  if (kind == 2) {
    // The empty lists, printed `true` and `false`.
    if (Chance(random, 0.5)) filter.mutable_all_of(); else filter.mutable_any_of();
    return filter;
  }
  subpopulation::v1::FilterList* list = kind <= 5 ? filter.mutable_all_of() : filter.mutable_any_of();
  const int count = Uniform(random, 2, 4);
  for (int i = 0; i < count; ++i) *list->add_filters() = RandomFilter(random, depth - 1);
  return filter;
}

TestTable RandomTable(std::mt19937& random, int64_t row_count) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  TestTable table;
  table.row_count = row_count;
  for (int64_t row = 0; row < row_count; ++row) {
    std::string text;
    const int words = Uniform(random, 0, 8);
    for (int i = 0; i < words; ++i) text += (i > 0 ? " " : "") + Pick(random, kTextWords);
    table.text.push_back(text);
    table.subject.push_back(Pick(random, kSubjects));
    table.subject_missing.push_back(Chance(random, 0.1));
    table.age.push_back(Chance(random, 0.1) ? nan : Uniform(random, 0, 80));
    table.income.push_back(Chance(random, 0.1) ? nan : Pick(random, kNumbers));
    table.my_col.push_back(Chance(random, 0.1) ? nan : Uniform(random, 0, 5));
    // A missing cell keeps a real value, so only missing_rows marks it.
    table.country.push_back(Pick(random, kCountries));
    table.country_missing.push_back(Chance(random, 0.1));
    table.city.push_back(Pick(random, kCities));
    table.city_missing.push_back(Chance(random, 0.1));
    table.in.push_back(Pick(random, kInValues));
    table.in_missing.push_back(Chance(random, 0.1));
    table.note.push_back(Pick(random, kNotes));
    table.id.push_back("row-" + std::to_string(row));
    table.labels.push_back(Uniform(random, 0, 2));
    table.predictions.push_back(Uniform(random, 0, 2));
    table.confidence.push_back(Chance(random, 0.05) ? nan : Uniform(random, 0, 20) / 20.0);
  }
  return table;
}

namespace {

struct Cell {
  enum class Type { kNumber, kString, kClass };
  Type type = Type::kString;
  double number = 0;
  std::string text;
  int32_t class_index = 0;
  bool missing = false;
};

Cell CellOf(const TestTable& table, const std::string& column, int64_t row) {
  Cell cell;
  auto number = [&](const std::vector<double>& values) {
    cell.type = Cell::Type::kNumber;
    cell.number = values[row];
    cell.missing = std::isnan(cell.number);
    return cell;
  };

  auto text = [&](const std::vector<std::string>& values, const std::vector<bool>* missing) {
    cell.type = Cell::Type::kString;
    cell.text = values[row];
    cell.missing = missing != nullptr && (*missing)[row];
    return cell;
  };

  auto class_cell = [&](const std::vector<int32_t>& values) {
    cell.type = Cell::Type::kClass;
    cell.class_index = values[row];
    cell.text = kClassNames[cell.class_index];
    return cell;
  };

  if (column == "age") return number(table.age);
  if (column == "income") return number(table.income);
  if (column == "my col") return number(table.my_col);
  if (column == "confidence") return number(table.confidence);
  if (column == "text") return text(table.text, nullptr);
  if (column == "subject") return text(table.subject, &table.subject_missing);
  if (column == "country") return text(table.country, &table.country_missing);
  if (column == "city") return text(table.city, &table.city_missing);
  if (column == "in") return text(table.in, &table.in_missing);
  if (column == "note") return text(table.note, nullptr);
  if (column == "id") return text(table.id, nullptr);
  if (column == "label") return class_cell(table.labels);
  return class_cell(table.predictions);
}

bool CompareNumbers(double x, ComparisonOperator op, double v) {
  switch (op) {
    case subpopulation::v1::COMPARISON_OPERATOR_LESS: return x < v;
    case subpopulation::v1::COMPARISON_OPERATOR_LESS_EQUAL: return x <= v;
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER: return x > v;
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER_EQUAL: return x >= v;
    case subpopulation::v1::COMPARISON_OPERATOR_EQUAL: return x == v;
    default: return x != v;
  }
}

bool HasTokens(const std::string& text, const subpopulation::v1::TokenCondition& condition) {
  const std::vector<std::string> tokens = goalpost::text::Tokenize(text);
  const bool any = condition.match() == subpopulation::v1::TOKEN_MATCH_ANY;
  for (const std::string& written : condition.tokens()) {
    const std::string wanted = goalpost::text::Tokenize(written).at(0);
    const bool found = std::find(tokens.begin(), tokens.end(), wanted) != tokens.end();
    if (any && found) return true;
    if (!any && !found) return false;
  }
  return !any;
}

}  // namespace

bool ReferenceMatches(const Filter& filter, const TestTable& table, int64_t row) {
  switch (filter.condition_case()) {
    case Filter::kToken: {
      const Cell cell = CellOf(table, filter.token().column(), row);
      return !cell.missing && HasTokens(cell.text, filter.token());
    }
    case Filter::kRegex: {
      const Cell cell = CellOf(table, filter.regex().column(), row);
      return !cell.missing && RE2::PartialMatch(cell.text, RE2(filter.regex().pattern()));
    }
    case Filter::kComparison: {
      const auto& comparison = filter.comparison();
      const Cell cell = CellOf(table, comparison.column(), row);
      if (cell.missing) return false;
      if (cell.type == Cell::Type::kNumber) return CompareNumbers(cell.number, comparison.operator_(), comparison.number());
      const bool equal = cell.text == comparison.text();
      return comparison.operator_() == subpopulation::v1::COMPARISON_OPERATOR_EQUAL ? equal : !equal;
    }
    case Filter::kBetween: {
      const Cell cell = CellOf(table, filter.between().column(), row);
      return !cell.missing && cell.number >= filter.between().lower() && cell.number <= filter.between().upper();
    }
    case Filter::kInSet: {
      const Cell cell = CellOf(table, filter.in_set().column(), row);
      const auto& values = filter.in_set().values();
      return !cell.missing && std::find(values.begin(), values.end(), cell.text) != values.end();
    }
    case Filter::kMissing:
      return CellOf(table, filter.missing().column(), row).missing;
    case Filter::kColumnComparison: {
      const auto& comparison = filter.column_comparison();
      const Cell left = CellOf(table, comparison.left_column(), row);
      const Cell right = CellOf(table, comparison.right_column(), row);
      if (left.missing || right.missing) return false;
      const bool equal = left.type == Cell::Type::kNumber ? left.number == right.number : left.text == right.text;
      return comparison.operator_() == subpopulation::v1::COMPARISON_OPERATOR_EQUAL ? equal : !equal;
    }
    case Filter::kCorrectness: {
      const bool correct = table.labels[row] == table.predictions[row];
      return filter.correctness() == subpopulation::v1::CORRECTNESS_CORRECT ? correct : !correct;
    }
    case Filter::kNegation:
      return !ReferenceMatches(filter.negation(), table, row);
    case Filter::kAllOf:
      for (const Filter& element : filter.all_of().filters()) {
        if (!ReferenceMatches(element, table, row)) return false;
      }
      return true;
    case Filter::kAnyOf:
      for (const Filter& element : filter.any_of().filters()) {
        if (ReferenceMatches(element, table, row)) return true;
      }
      return false;
    case Filter::CONDITION_NOT_SET:
      return true;
  }
  return false;
}

namespace {

ColumnData DoubleColumn(const std::string& name, const std::vector<double>& values, int64_t begin, int64_t end) {
  ColumnData column;
  column.set_name(name);
  column.set_type(datasets::v1::COLUMN_TYPE_DOUBLE);
  for (int64_t row = begin; row < end; ++row) column.add_doubles(values[row]);
  return column;
}

ColumnData StringColumn(const std::string& name, const std::vector<std::string>& values,
                        const std::vector<bool>* missing, int64_t begin, int64_t end) {
  ColumnData column;
  column.set_name(name);
  column.set_type(datasets::v1::COLUMN_TYPE_STRING);
  for (int64_t row = begin; row < end; ++row) {
    column.add_strings(values[row]);
    if (missing != nullptr && (*missing)[row]) column.add_missing_rows(static_cast<int32_t>(row - begin));
  }
  return column;
}

// Global rows of the whole table that the token index would return.
std::vector<int64_t> TokenRows(const TestTable& table, const TokenQuery& query) {
  const std::vector<std::string>& texts = query.column == "text" ? table.text : table.subject;
  std::vector<int64_t> rows;
  for (int64_t row = 0; row < table.row_count; ++row) {
    if (query.column == "subject" && table.subject_missing[row]) continue;
    const std::vector<std::string> tokens = goalpost::text::Tokenize(texts[row]);
    const absl::flat_hash_set<std::string> present(tokens.begin(), tokens.end());
    size_t found = 0;
    for (const std::string& token : query.tokens) found += present.contains(token) ? 1 : 0;
    if (query.match_all ? found == query.tokens.size() : found > 0) rows.push_back(row);
  }
  return rows;
}

}  // namespace

void MakeBlock(const TestTable& table, int64_t begin, int64_t end, const CompiledFilter& filter,
               TableBlock& out) {
  out.columns.clear();
  out.columns.push_back(DoubleColumn("age", table.age, begin, end));
  out.columns.push_back(DoubleColumn("income", table.income, begin, end));
  out.columns.push_back(DoubleColumn("my col", table.my_col, begin, end));
  out.columns.push_back(StringColumn("text", table.text, nullptr, begin, end));
  out.columns.push_back(StringColumn("subject", table.subject, &table.subject_missing, begin, end));
  out.columns.push_back(StringColumn("country", table.country, &table.country_missing, begin, end));
  out.columns.push_back(StringColumn("city", table.city, &table.city_missing, begin, end));
  out.columns.push_back(StringColumn("in", table.in, &table.in_missing, begin, end));
  out.columns.push_back(StringColumn("note", table.note, nullptr, begin, end));
  out.columns.push_back(StringColumn("id", table.id, nullptr, begin, end));

  out.token_query_rows.clear();
  for (const TokenQuery& query : filter.token_queries()) out.token_query_rows.push_back(TokenRows(table, query));

  out.block = RowBlock();
  out.block.row_offset = begin;
  out.block.row_count = end - begin;
  for (const ColumnData& column : out.columns) out.block.columns[column.name()] = &column;
  out.block.labels = table.labels.data() + begin;
  out.block.predictions = table.predictions.data() + begin;
  out.block.confidence = table.confidence.data() + begin;
  out.block.token_query_rows = &out.token_query_rows;
}

bool ReadCsv(const std::string& path, CsvTable& table) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string content = buffer.str();

  std::vector<std::string> fields;
  std::vector<bool> quoted;
  std::string field;
  bool field_quoted = false;
  bool in_quotes = false;
  auto end_field = [&] {
    fields.push_back(field);
    quoted.push_back(field_quoted);
    field.clear();
    field_quoted = false;
  };
  auto end_record = [&] {
    end_field();
    table.rows.push_back(fields);
    table.quoted.push_back(quoted);
    fields.clear();
    quoted.clear();
  };
  for (size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < content.size() && content[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      in_quotes = true;
      field_quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') {
      end_record();
      ++i;
    } else if (c == '\n') {
      end_record();
    } else {
      field.push_back(c);
    }
  }
  if (!field.empty() || !fields.empty()) end_record();
  return true;
}

}  // namespace goalpost::filter::testing
