// Measures CompiledFilter::Evaluate on 100 mixed subpopulation filters
// (token, numeric, categorical, class and regex conditions) over 1,000,000
// generated rows in blocks of 65,536 rows, on one thread. The comparison is
// a row-at-a-time evaluator of the same filters: a tree of virtual calls per
// row, the design the library avoids. The program checks that both sides
// select the same rows before it prints the times.
//
// With --pandas it also runs pandas_masks.py (Debian's /usr/bin/python3 with
// pandas) on the same table and filters, as a user of pandas would select
// the rows with boolean masks.
//
// Usage: filter_bench [--pandas] [row_count]

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "common/filter/filter.h"
#include "re2/re2.h"

namespace goalpost::filter {
namespace {

using ::goalpost::datasets::v1::ColumnData;
// CPU time of this thread: the machine is shared, so wall time would count
// other processes' turns.
struct Clock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<Clock, duration>;
  static time_point now() {
    timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return time_point(duration(static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec));
  }
};

constexpr int64_t kBlockRows = 65536;
constexpr int kWords = 12;
constexpr int kCountries = 12;
constexpr int kCities = 40;
const std::vector<std::string> kClassNames = {"class0", "class1", "class2", "class3", "class4"};

std::string Word(int i) { return absl::StrCat("word", i); }
std::string Country(int i) { return absl::StrCat("c", i); }
std::string City(int i) { return absl::StrCat("city", i); }

// Columns of the whole table; blocks point into them.
struct Table {
  int64_t row_count = 0;
  std::vector<double> age;
  std::vector<double> income;
  std::vector<double> score;
  std::vector<std::string> country;
  std::vector<uint8_t> country_missing;
  std::vector<std::string> city;
  std::vector<int32_t> labels;
  std::vector<int32_t> predictions;
  std::vector<double> confidence;
  // The token index: for each word, the sorted rows whose text has it.
  std::vector<std::vector<int64_t>> word_rows;
};

Table MakeTable(int64_t row_count) {
  std::mt19937_64 random(20240601);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Table table;
  table.row_count = row_count;
  for (int64_t row = 0; row < row_count; ++row) {
    table.age.push_back(unit(random) < 0.05 ? nan : std::floor(18 + unit(random) * 62));
    table.income.push_back(unit(random) < 0.1 ? nan : std::floor(std::exp(6 + 3 * unit(random))));
    table.score.push_back(unit(random));
    table.country.push_back(Country(static_cast<int>(unit(random) * kCountries)));
    table.country_missing.push_back(unit(random) < 0.03);
    table.city.push_back(City(static_cast<int>(unit(random) * kCities)));
    const int32_t label = static_cast<int32_t>(unit(random) * 5);
    table.labels.push_back(label);
    table.predictions.push_back(unit(random) < 0.8 ? label : static_cast<int32_t>(unit(random) * 5));
    table.confidence.push_back(0.2 + 0.8 * unit(random));
  }
  // Word frequencies from rare (0.1 % of rows) to common (60 %).
  const double frequencies[kWords] = {0.001, 0.003, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6};
  table.word_rows.resize(kWords);
  for (int word = 0; word < kWords; ++word) {
    for (int64_t row = 0; row < row_count; ++row) {
      if (unit(random) < frequencies[word]) table.word_rows[word].push_back(row);
    }
  }
  return table;
}

// 100 filters from 16 templates with varying constants.
std::vector<std::string> FilterTexts() {
  std::vector<std::string> texts;
  for (int i = 0; texts.size() < 100; ++i) {
    const int a = i % kWords, b = (i * 5 + 3) % kWords, c = (i * 7 + 1) % kWords;
    const int low = 18 + i % 30, high = low + 5 + i % 20;
    const std::string ca = Country(i % kCountries), cb = Country((i + 3) % kCountries);
    const std::string cls = kClassNames[i % 5];
    switch (i % 16) {
      case 0: texts.push_back(absl::StrCat("text has \"", Word(a), "\"")); break;
      case 1: texts.push_back(absl::StrCat("text has all(\"", Word(a), "\", \"", Word(b), "\")")); break;
      case 2: texts.push_back(absl::StrCat("text has any(\"", Word(a), "\", \"", Word(b), "\", \"", Word(c), "\")")); break;
      case 3: texts.push_back(absl::StrCat("age >= ", low, " and age < ", high + 5)); break;
      case 4: texts.push_back(absl::StrCat("income > ", 500 * (i % 20 + 1))); break;
      case 5: texts.push_back(absl::StrCat("age between ", low, " and ", high, " and income is not missing")); break;
      case 6: texts.push_back(absl::StrCat("country == \"", ca, "\"")); break;
      case 7: texts.push_back(absl::StrCat("country in (\"", ca, "\", \"", cb, "\", \"", Country((i + 5) % kCountries), "\")")); break;
      case 8: texts.push_back(absl::StrCat("city != \"", City(i % kCities), "\" and country != \"", ca, "\"")); break;
      case 9: texts.push_back(absl::StrCat("label == \"", cls, "\" and prediction != label")); break;
      case 10: texts.push_back(absl::StrCat("misclassified and confidence < 0.", 5 + i % 4)); break;
      case 11: texts.push_back(absl::StrCat("confidence between 0.5 and 0.", 6 + i % 4)); break;
      case 12: texts.push_back(absl::StrCat("city matches \"^city", i % 4, "\"")); break;
      case 13: texts.push_back(absl::StrCat("text has \"", Word(a), "\" and (age < ", high, " or country == \"", ca, "\")")); break;
      case 14: texts.push_back(absl::StrCat("not (label == \"", cls, "\" or income < ", 1000 + 100 * i, ")")); break;
      default:
        texts.push_back(absl::StrCat("score > 0.", 1 + i % 9, " and text has any(\"", Word(a), "\", \"", Word(b),
                                     "\") and correct"));
    }
  }
  return texts;
}

Schema BenchSchema() {
  Schema schema;
  schema.columns = {{"text", ColumnInfo::Kind::kText},       {"age", ColumnInfo::Kind::kNumeric},
                    {"income", ColumnInfo::Kind::kNumeric},  {"score", ColumnInfo::Kind::kNumeric},
                    {"country", ColumnInfo::Kind::kCategorical}, {"city", ColumnInfo::Kind::kCategorical}};
  schema.class_names = kClassNames;
  return schema;
}

// Returns the rows that the token index returns for one query.
std::vector<int64_t> TokenRows(const Table& table, const TokenQuery& query) {
  std::vector<int64_t> rows;
  for (size_t i = 0; i < query.tokens.size(); ++i) {
    const std::vector<int64_t>& word = table.word_rows[std::stoi(query.tokens[i].substr(4))];
    if (i == 0) {
      rows = word;
      continue;
    }
    std::vector<int64_t> merged;
    if (query.match_all) {
      std::set_intersection(rows.begin(), rows.end(), word.begin(), word.end(), std::back_inserter(merged));
    } else {
      std::set_union(rows.begin(), rows.end(), word.begin(), word.end(), std::back_inserter(merged));
    }
    rows.swap(merged);
  }
  return rows;
}

// The blocks of the table as the datasets service streams them.
struct Block {
  std::vector<ColumnData> columns;
  RowBlock row_block;
};

std::vector<std::unique_ptr<Block>> MakeBlocks(const Table& table) {
  std::vector<std::unique_ptr<Block>> blocks;
  for (int64_t begin = 0; begin < table.row_count; begin += kBlockRows) {
    const int64_t end = std::min(begin + kBlockRows, table.row_count);
    auto block = std::make_unique<Block>();
    auto add_doubles = [&](const char* name, const std::vector<double>& values) {
      ColumnData& column = block->columns.emplace_back();
      column.set_name(name);
      column.set_type(datasets::v1::COLUMN_TYPE_DOUBLE);
      column.mutable_doubles()->Add(values.begin() + begin, values.begin() + end);
    };
    auto add_strings = [&](const char* name, const std::vector<std::string>& values, const std::vector<uint8_t>* missing) {
      ColumnData& column = block->columns.emplace_back();
      column.set_name(name);
      column.set_type(datasets::v1::COLUMN_TYPE_STRING);
      for (int64_t row = begin; row < end; ++row) {
        column.add_strings(values[row]);
        if (missing != nullptr && (*missing)[row]) column.add_missing_rows(static_cast<int32_t>(row - begin));
      }
    };
    block->columns.reserve(5);
    add_doubles("age", table.age);
    add_doubles("income", table.income);
    add_doubles("score", table.score);
    add_strings("country", table.country, &table.country_missing);
    add_strings("city", table.city, nullptr);
    block->row_block.row_offset = begin;
    block->row_block.row_count = end - begin;
    for (const ColumnData& column : block->columns) block->row_block.columns[column.name()] = &column;
    block->row_block.labels = table.labels.data() + begin;
    block->row_block.predictions = table.predictions.data() + begin;
    block->row_block.confidence = table.confidence.data() + begin;
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// The row-at-a-time side: one virtual call per node and row.
struct RowNode {
  virtual ~RowNode() = default;
  virtual bool Matches(int64_t row) const = 0;
};
using RowNodePointer = std::unique_ptr<RowNode>;

template <typename Function>
struct LambdaNode final : RowNode {
  explicit LambdaNode(Function function) : function(std::move(function)) {}
  bool Matches(int64_t row) const override { return function(row); }
  Function function;
};

template <typename Function>
RowNodePointer MakeRowNode(Function function) {
  return std::make_unique<LambdaNode<Function>>(std::move(function));
}

const std::vector<double>* DoublesOf(const Table& table, const std::string& name) {
  if (name == "age") return &table.age;
  if (name == "income") return &table.income;
  if (name == "score") return &table.score;
  return &table.confidence;
}

RowNodePointer BuildRowNode(const Filter& filter, const Table& table);

RowNodePointer BuildList(const subpopulation::v1::FilterList& list, bool any_of, const Table& table) {
  std::vector<RowNodePointer> children;
  for (const Filter& element : list.filters()) children.push_back(BuildRowNode(element, table));
  auto shared = std::make_shared<std::vector<RowNodePointer>>(std::move(children));
  if (any_of) {
    return MakeRowNode([shared](int64_t row) {
      for (const RowNodePointer& child : *shared) if (child->Matches(row)) return true;
      return false;
    });
  }
  return MakeRowNode([shared](int64_t row) {
    for (const RowNodePointer& child : *shared) if (!child->Matches(row)) return false;
    return true;
  });
}

RowNodePointer BuildComparison(const subpopulation::v1::ComparisonCondition& comparison, const Table& table) {
  const std::string& column = comparison.column();
  const bool equal = comparison.operator_() == subpopulation::v1::COMPARISON_OPERATOR_EQUAL;
  if (column == "label" || column == "prediction") {
    const int32_t* classes = column == "label" ? table.labels.data() : table.predictions.data();
    const int32_t index = static_cast<int32_t>(
        std::find(kClassNames.begin(), kClassNames.end(), comparison.text()) - kClassNames.begin());
    return MakeRowNode([classes, index, equal](int64_t row) { return (classes[row] == index) == equal; });
  }
  if (column == "country" || column == "city") {
    const std::vector<std::string>* values = column == "country" ? &table.country : &table.city;
    const std::vector<uint8_t>* missing = column == "country" ? &table.country_missing : nullptr;
    const std::string value = comparison.text();
    return MakeRowNode([values, missing, value, equal](int64_t row) {
      if (missing != nullptr && (*missing)[row]) return false;
      return ((*values)[row] == value) == equal;
    });
  }
  const double* values = DoublesOf(table, column)->data();
  const double v = comparison.number();
  switch (comparison.operator_()) {
    case subpopulation::v1::COMPARISON_OPERATOR_LESS: return MakeRowNode([values, v](int64_t row) { return values[row] < v; });
    case subpopulation::v1::COMPARISON_OPERATOR_LESS_EQUAL: return MakeRowNode([values, v](int64_t row) { return values[row] <= v; });
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER: return MakeRowNode([values, v](int64_t row) { return values[row] > v; });
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER_EQUAL: return MakeRowNode([values, v](int64_t row) { return values[row] >= v; });
    case subpopulation::v1::COMPARISON_OPERATOR_EQUAL: return MakeRowNode([values, v](int64_t row) { return values[row] == v; });
    default: return MakeRowNode([values, v](int64_t row) { return !std::isnan(values[row]) && values[row] != v; });
  }
}

RowNodePointer BuildRowNode(const Filter& filter, const Table& table) {
  switch (filter.condition_case()) {
    case Filter::kToken: {
      TokenQuery query;
      for (const std::string& token : filter.token().tokens()) query.tokens.push_back(token);
      query.match_all = filter.token().match() != subpopulation::v1::TOKEN_MATCH_ANY;
      auto mask = std::make_shared<std::vector<uint8_t>>(table.row_count, 0);
      for (int64_t row : TokenRows(table, query)) (*mask)[row] = 1;
      return MakeRowNode([mask](int64_t row) { return (*mask)[row] != 0; });
    }
    case Filter::kRegex: {
      // Cached per distinct value, as the compiled side does for categorical columns.
      auto regex = std::make_shared<RE2>(filter.regex().pattern());
      auto cache = std::make_shared<absl::flat_hash_map<std::string, bool>>();
      const std::vector<std::string>* values = &table.city;
      return MakeRowNode([regex, cache, values](int64_t row) {
        const std::string& cell = (*values)[row];
        auto [it, inserted] = cache->try_emplace(cell, false);
        if (inserted) it->second = RE2::PartialMatch(cell, *regex);
        return it->second;
      });
    }
    case Filter::kComparison: return BuildComparison(filter.comparison(), table);
    case Filter::kBetween: {
      const double* values = DoublesOf(table, filter.between().column())->data();
      const double lower = filter.between().lower(), upper = filter.between().upper();
      return MakeRowNode([values, lower, upper](int64_t row) { return values[row] >= lower && values[row] <= upper; });
    }
    case Filter::kInSet: {
      auto set = std::make_shared<absl::flat_hash_set<std::string>>(filter.in_set().values().begin(),
                                                                     filter.in_set().values().end());
      const Table* source = &table;
      return MakeRowNode([set, source](int64_t row) {
        return !source->country_missing[row] && set->contains(source->country[row]);
      });
    }
    case Filter::kMissing: {
      const double* values = DoublesOf(table, filter.missing().column())->data();
      return MakeRowNode([values](int64_t row) { return std::isnan(values[row]); });
    }
    case Filter::kColumnComparison: {
      const int32_t* labels = table.labels.data();
      const int32_t* predictions = table.predictions.data();
      const bool equal = filter.column_comparison().operator_() == subpopulation::v1::COMPARISON_OPERATOR_EQUAL;
      return MakeRowNode([labels, predictions, equal](int64_t row) { return (labels[row] == predictions[row]) == equal; });
    }
    case Filter::kCorrectness: {
      const int32_t* labels = table.labels.data();
      const int32_t* predictions = table.predictions.data();
      const bool correct = filter.correctness() == subpopulation::v1::CORRECTNESS_CORRECT;
      return MakeRowNode([labels, predictions, correct](int64_t row) { return (labels[row] == predictions[row]) == correct; });
    }
    case Filter::kNegation: {
      std::shared_ptr<RowNode> child = BuildRowNode(filter.negation(), table);
      return MakeRowNode([child](int64_t row) { return !child->Matches(row); });
    }
    case Filter::kAllOf: return BuildList(filter.all_of(), false, table);
    case Filter::kAnyOf: return BuildList(filter.any_of(), true, table);
    default: return MakeRowNode([](int64_t) { return true; });
  }
}

template <typename T>
void WriteArray(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(T)));
}

std::vector<int32_t> Codes(const std::vector<std::string>& values, const std::vector<uint8_t>* missing,
                           const std::vector<std::string>& categories) {
  std::vector<int32_t> codes;
  for (size_t row = 0; row < values.size(); ++row) {
    const int32_t code = static_cast<int32_t>(std::find(categories.begin(), categories.end(), values[row]) - categories.begin());
    codes.push_back(missing != nullptr && (*missing)[row] ? -1 : code);
  }
  return codes;
}

// The pandas side: writes the table and the filters to a temporary folder,
// runs pandas_masks.py on it and reads back the counts and CPU seconds.
bool RunPandas(const Table& table, const std::vector<Filter>& filters, std::vector<int64_t>& counts, double& seconds) {
  char folder_template[] = "/tmp/filter_bench_XXXXXX";
  if (mkdtemp(folder_template) == nullptr) return false;
  const std::filesystem::path folder(folder_template);

  std::vector<std::string> countries, cities;
  for (int i = 0; i < kCountries; ++i) countries.push_back(Country(i));
  for (int i = 0; i < kCities; ++i) cities.push_back(City(i));
  WriteArray(folder / "age.f64", table.age);
  WriteArray(folder / "income.f64", table.income);
  WriteArray(folder / "score.f64", table.score);
  WriteArray(folder / "confidence.f64", table.confidence);
  WriteArray(folder / "country.i32", Codes(table.country, &table.country_missing, countries));
  WriteArray(folder / "city.i32", Codes(table.city, nullptr, cities));
  WriteArray(folder / "label.i32", table.labels);
  WriteArray(folder / "prediction.i32", table.predictions);
  for (int word = 0; word < kWords; ++word) WriteArray(folder / absl::StrCat("word", word, ".i64"), table.word_rows[word]);

  nlohmann::json meta = {{"row_count", table.row_count}, {"word_count", kWords}, {"country", countries},
                         {"city", cities}, {"class_names", kClassNames}, {"filters", nlohmann::json::array()}};
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  for (const Filter& filter : filters) {
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(filter, &json, options).ok()) return false;
    meta["filters"].push_back(nlohmann::json::parse(json));
  }
  std::ofstream(folder / "meta.json") << meta.dump();

  const std::string command = absl::StrCat("/usr/bin/python3 ", GOALPOST_PANDAS_SCRIPT, " ", folder.string());
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (pipe == nullptr) return false;
  std::string output;
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) output.append(buffer, read);
  std::filesystem::remove_all(folder);

  std::istringstream lines(output);
  std::string word;
  counts.assign(filters.size(), -1);
  seconds = -1;
  while (lines >> word) {
    if (word == "count") {
      size_t index;
      int64_t count;
      lines >> index >> count;
      if (index < counts.size()) counts[index] = count;
    } else if (word == "seconds") {
      lines >> seconds;
    }
  }
  return seconds >= 0;
}

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

int Run(int64_t row_count, bool with_pandas) {
  std::printf("generating %lld rows ...\n", static_cast<long long>(row_count));
  const Table table = MakeTable(row_count);
  std::vector<std::unique_ptr<Block>> blocks = MakeBlocks(table);
  const Schema schema = BenchSchema();

  // Parse and compile every filter, then look up its token queries as the
  // token index would.
  const std::vector<std::string> texts = FilterTexts();
  std::vector<Filter> filters;
  std::vector<CompiledFilter> compiled;
  std::vector<std::vector<std::vector<int64_t>>> token_rows;
  const Clock::time_point compile_start = Clock::now();
  for (const std::string& text : texts) {
    absl::StatusOr<Filter> filter = Parse(text);
    if (!filter.ok()) { std::fprintf(stderr, "%s\n", filter.status().ToString().c_str()); return 1; }
    absl::StatusOr<CompiledFilter> one = CompiledFilter::Compile(*filter, schema, true);
    if (!one.ok()) { std::fprintf(stderr, "%s\n", one.status().ToString().c_str()); return 1; }
    filters.push_back(*filter);
    compiled.push_back(*std::move(one));
  }
  const double compile_seconds = Seconds(Clock::now() - compile_start);
  for (const CompiledFilter& one : compiled) {
    std::vector<std::vector<int64_t>> rows;
    for (const TokenQuery& query : one.token_queries()) rows.push_back(TokenRows(table, query));
    token_rows.push_back(std::move(rows));
  }

  // Compiled: one pass over the blocks serves every filter, with and
  // without a BlockCache shared by the filters of a block.
  std::vector<int64_t> compiled_counts(filters.size(), 0);
  std::vector<double> compiled_seconds(filters.size(), 0);
  std::vector<int64_t> uncached_counts(filters.size(), 0);
  std::vector<double> uncached_seconds(filters.size(), 0);
  auto evaluate_all = [&](bool use_cache, std::vector<int64_t>& counts, std::vector<double>& seconds) {
    std::vector<uint8_t> selected;
    BlockCache cache;
    const Clock::time_point all_start = Clock::now();
    for (const std::unique_ptr<Block>& block : blocks) {
      block->row_block.cache = use_cache ? &cache : nullptr;
      for (size_t f = 0; f < compiled.size(); ++f) {
        const Clock::time_point start = Clock::now();
        block->row_block.token_query_rows = &token_rows[f];
        compiled[f].Evaluate(block->row_block, selected);
        int64_t count = 0;
        for (uint8_t value : selected) count += value;
        counts[f] += count;
        seconds[f] += Seconds(Clock::now() - start);
      }
    }
    return Seconds(Clock::now() - all_start);
  };
  const double uncached_total = evaluate_all(false, uncached_counts, uncached_seconds);
  const double compiled_total = evaluate_all(true, compiled_counts, compiled_seconds);

  // Row at a time.
  std::vector<int64_t> row_counts(filters.size(), 0);
  std::vector<double> row_seconds(filters.size(), 0);
  const Clock::time_point row_start = Clock::now();
  for (size_t f = 0; f < filters.size(); ++f) {
    const RowNodePointer node = BuildRowNode(filters[f], table);
    const Clock::time_point start = Clock::now();
    int64_t count = 0;
    for (int64_t row = 0; row < row_count; ++row) count += node->Matches(row) ? 1 : 0;
    row_counts[f] = count;
    row_seconds[f] += Seconds(Clock::now() - start);
  }
  const double row_total = Seconds(Clock::now() - row_start);

  for (size_t f = 0; f < filters.size(); ++f) {
    if (compiled_counts[f] != row_counts[f] || uncached_counts[f] != row_counts[f]) {
      std::fprintf(stderr, "filter %zu (%s) selects %lld rows compiled and %lld row at a time\n", f,
                   texts[f].c_str(), static_cast<long long>(compiled_counts[f]),
                   static_cast<long long>(row_counts[f]));
      return 1;
    }
  }

  std::printf("%zu filters, %lld rows, blocks of %lld rows, parse + compile of all filters %.2f ms\n",
              filters.size(), static_cast<long long>(row_count), static_cast<long long>(kBlockRows),
              compile_seconds * 1e3);
  std::printf("\nmean time per filter of each template, over all rows:\n");
  std::printf("%-64s %9s %9s %9s %8s\n", "filter (first of its template)", "cached", "uncached", "row-wise",
              "selected");
  for (size_t f = 0; f < 16 && f < filters.size(); ++f) {
    double compiled_sum = 0, uncached_sum = 0, row_sum = 0;
    int n = 0;
    for (size_t g = f; g < filters.size(); g += 16, ++n) {
      compiled_sum += compiled_seconds[g];
      uncached_sum += uncached_seconds[g];
      row_sum += row_seconds[g];
    }
    std::printf("%-64s %7.2fms %7.2fms %7.2fms %7.1f%%\n", texts[f].substr(0, 64).c_str(),
                compiled_sum / n * 1e3, uncached_sum / n * 1e3, row_sum / n * 1e3,
                100.0 * compiled_counts[f] / row_count);
  }
  const double row_filters = static_cast<double>(row_count) * filters.size();
  std::printf("\ncompiled, column at a time, with a BlockCache: %.3f s, %.0f million row-filters/s\n",
              compiled_total, row_filters / compiled_total / 1e6);
  std::printf("compiled, column at a time, no BlockCache: %.3f s, %.0f million row-filters/s\n",
              uncached_total, row_filters / uncached_total / 1e6);
  std::printf("row at a time (virtual call per node and row): %.3f s, %.0f million row-filters/s\n", row_total,
              row_filters / row_total / 1e6);
  std::printf("speed-up over row at a time: %.1fx with a BlockCache, %.1fx without\n", row_total / compiled_total,
              row_total / uncached_total);
  if (!with_pandas) return 0;

  std::vector<int64_t> pandas_counts;
  double pandas_total = 0;
  if (!RunPandas(table, filters, pandas_counts, pandas_total)) {
    std::fprintf(stderr, "running %s with /usr/bin/python3 failed\n", GOALPOST_PANDAS_SCRIPT);
    return 1;
  }
  for (size_t f = 0; f < filters.size(); ++f) {
    if (pandas_counts[f] != compiled_counts[f]) {
      std::fprintf(stderr, "filter %zu (%s) selects %lld rows compiled and %lld with pandas\n", f, texts[f].c_str(),
                   static_cast<long long>(compiled_counts[f]), static_cast<long long>(pandas_counts[f]));
      return 1;
    }
  }
  std::printf("pandas boolean masks (CPU time of the Python process): %.3f s, %.0f million row-filters/s\n",
              pandas_total, row_filters / pandas_total / 1e6);
  std::printf("speed-up over pandas: %.1fx with a BlockCache, %.1fx without\n", pandas_total / compiled_total,
              pandas_total / uncached_total);
  return 0;
}

}  // namespace
}  // namespace goalpost::filter

int main(int argc, char** argv) {
  bool with_pandas = false;
  int64_t row_count = 1000000;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--pandas") {
      with_pandas = true;
    } else {
      row_count = std::atoll(argv[i]);
    }
  }
  if (row_count <= 0) {
    std::fprintf(stderr, "usage: filter_bench [--pandas] [row_count > 0]\n");
    return 2;
  }
  return goalpost::filter::Run(row_count, with_pandas);
}
