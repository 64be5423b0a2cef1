#ifndef GOALPOST_COMMON_FILTER_FILTER_H_
#define GOALPOST_COMMON_FILTER_FILTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "goalpost/datasets/v1/datasets.pb.h"
#include "goalpost/subpopulation/v1/subpopulation.pb.h"

namespace goalpost::filter {

using ::goalpost::subpopulation::v1::Filter;

// Parses the text form of a subpopulation. An empty or blank text is the
// filter that matches every row (an empty all_of). Errors are
// INVALID_ARGUMENT with the 1-based character position and what was
// expected, e.g. `position 14: expected a string or number after "=="`.
// A token in a token condition must be exactly one token of the shared
// tokenisation; "a" (too short) or "free money" (two tokens) is an error.
absl::StatusOr<Filter> Parse(std::string_view text);

// Prints the canonical text form; Parse(Print(f)) equals f for every filter
// that Parse returns. Other structured filters print as text of the same
// meaning: an all_of or any_of with one element prints as that element, and
// `true` and `false` stand for an empty all_of and an empty any_of below the
// top level (at the top level an empty all_of prints as "").
std::string Print(const Filter& filter);

// What a filter may refer to: the columns of one dataset and its classes.
struct ColumnInfo {
  enum class Kind { kText, kNumeric, kCategorical, kMetadata, kId };
  std::string name;
  Kind kind;
};

struct Schema {
  std::vector<ColumnInfo> columns;
  std::vector<std::string> class_names;
  // The dataset's own names of its label and prediction columns; a filter
  // may use them as well as the built-in names `label` and `prediction`.
  // Empty when the dataset has no such column.
  std::string label_column;
  std::string prediction_column;
};

// Builds the schema of a stored dataset: id, text, numeric and categorical
// feature, metadata and probability columns (probabilities are numeric), the
// class names, and the names of the label and prediction columns. Takes the
// columns from dataset.columns, or from the spec when that list is empty.
Schema SchemaFromDataset(const goalpost::datasets::v1::Dataset& dataset);

// A token condition answered before the pass from the datasets service's
// token index: the rows of `column` whose text has all (or any) of `tokens`.
struct TokenQuery {
  std::string column;
  // Already normalised by the shared tokenisation.
  std::vector<std::string> tokens;
  bool match_all = true;
};

// An optional memo for one block, shared by every filter evaluated on it:
// the dictionary codes of the block's string columns, built on first use.
// With many filters on one block, each string cell is then hashed once per
// block instead of compared once per filter. Not safe for concurrent use
// (give each thread its own). It discards its codes when it is used with a
// block of another row_offset, and Clear() discards them explicitly. A
// block's ColumnData must not change while the cache contains codes for it.
class BlockCache {
 public:
  BlockCache();
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  void Clear();

  // Implementation details are private to the filter library (evaluate.cc).
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// The columns of one chunk of rows, as the datasets service streams them,
// plus the built-in columns.
struct RowBlock {
  // Global index of the block's first row.
  int64_t row_offset = 0;
  int64_t row_count = 0;
  // Dataset columns by name; must hold every name in columns().
  absl::flat_hash_map<std::string, const goalpost::datasets::v1::ColumnData*> columns;
  // Built-in columns, row_count values each. `confidence` is the probability
  // of the predicted class; it may be null when the dataset has no class
  // probabilities (a filter on confidence then fails at Compile).
  const int32_t* labels = nullptr;
  const int32_t* predictions = nullptr;
  const double* confidence = nullptr;
  // Per TokenQuery (same order as token_queries()): sorted global row
  // indices that match.
  const std::vector<std::vector<int64_t>>* token_query_rows = nullptr;
  // Optional; see BlockCache. Evaluate gives the same result without it.
  BlockCache* cache = nullptr;
};

// A filter checked against a schema and ready to evaluate. Copies share the
// compiled tree, which is immutable, so one CompiledFilter may be evaluated
// from several threads at once.
class CompiledFilter {
 public:
  // Checks every column reference: an unknown column, a string compared with
  // a numeric column, a number compared with a categorical one, a token
  // condition or regex on a non-text column, an unknown class name, or an
  // invalid RE2 pattern is INVALID_ARGUMENT naming the column or value.
  // `has_probabilities` says whether `confidence` can be used.
  static absl::StatusOr<CompiledFilter> Compile(const Filter& filter, const Schema& schema,
                                                bool has_probabilities);

  // Dataset columns the filter reads during the pass (not the built-ins and
  // not the token-indexed text columns), in order of first use.
  const std::vector<std::string>& columns() const;
  // Distinct token queries in order of first use.
  const std::vector<TokenQuery>& token_queries() const;
  bool uses_labels() const;
  bool uses_predictions() const;
  bool uses_confidence() const;

  // Checks that `block` contains what Evaluate reads: every column of columns()
  // with row_count values of the right type (and in-range missing_rows), the
  // built-ins the filter uses, and one row list per token query. Returns
  // INVALID_ARGUMENT naming the first problem.
  absl::Status CheckBlock(const RowBlock& block) const;

  // Sets selected[i] to 1 when row block.row_offset + i is in the
  // subpopulation and 0 otherwise; `selected` is resized to row_count.
  // The block must pass CheckBlock. A block that does not is still read
  // without going out of bounds: an absent or malformed column counts as
  // missing in every row and absent token rows match no row.
  void Evaluate(const RowBlock& block, std::vector<uint8_t>& selected) const;

  // Implementation details are private to the filter library (node.h).
  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> columns_;
  std::vector<TokenQuery> token_queries_;
  bool uses_labels_ = false;
  bool uses_predictions_ = false;
  bool uses_confidence_ = false;
  // Column types that CheckBlock expects, parallel to columns_.
  std::vector<goalpost::datasets::v1::ColumnType> column_types_;

  friend class FilterCompiler;
};

}  // namespace goalpost::filter

#endif  // GOALPOST_COMMON_FILTER_FILTER_H_
