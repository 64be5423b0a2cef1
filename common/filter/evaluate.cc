// Evaluation of a compiled filter, one block at a time. Every leaf is a
// single loop over the block's arrays that writes a uint8 mask, and the
// compiler vectorises these loops for numbers and class indices. The nodes
// `and`, `or` and `not` combine masks with byte-wise loops. Costly leaves
// (strings, regular expressions) skip rows that an enclosing `and` has
// already ruled out.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "common/filter/filter.h"
#include "common/filter/node.h"

namespace goalpost::filter {

// Dictionary codes per string column of one block. Missing rows get the
// code values.size(), one past the last value, so a lookup table with one
// extra entry (always 0) handles them without a separate pass.
struct EncodedColumn {
  std::vector<uint32_t> codes;
  std::vector<absl::string_view> values;
  absl::flat_hash_map<absl::string_view, uint32_t> index;
  uint32_t missing_code() const { return static_cast<uint32_t>(values.size()); }
};

struct BlockCache::Impl {
  int64_t row_offset = -1;
  absl::flat_hash_map<const datasets::v1::ColumnData*, std::unique_ptr<EncodedColumn>> columns;

  const EncodedColumn& Encode(const datasets::v1::ColumnData& column, const RowBlock& block);
};

BlockCache::BlockCache() : impl_(std::make_unique<Impl>()) {}
BlockCache::~BlockCache() = default;

void BlockCache::Clear() {
  impl_->columns.clear();
  impl_->row_offset = -1;
}

// The cell views point into the block's ColumnData, which outlives the codes
// as long as the caller keeps the documented contract.
const EncodedColumn& BlockCache::Impl::Encode(const datasets::v1::ColumnData& column, const RowBlock& block) {
  if (block.row_offset != row_offset) {
    columns.clear();
    row_offset = block.row_offset;
  }
  std::unique_ptr<EncodedColumn>& slot = columns[&column];
  if (slot != nullptr && static_cast<int64_t>(slot->codes.size()) == block.row_count) return *slot;

  slot = std::make_unique<EncodedColumn>();
  EncodedColumn& encoded = *slot;
  encoded.codes.resize(block.row_count);
  for (int64_t i = 0; i < block.row_count; ++i) {
    const absl::string_view cell = column.strings(i);
    const auto [it, inserted] = encoded.index.try_emplace(cell, static_cast<uint32_t>(encoded.values.size()));
    if (inserted) encoded.values.push_back(cell);
    encoded.codes[i] = it->second;
  }
  for (int32_t row : column.missing_rows()) {
    if (row >= 0 && row < block.row_count) encoded.codes[row] = encoded.missing_code();
  }
  return encoded;
}

namespace internal {
namespace {

// out[i] = table[codes[i]]; the table has an entry for every code.
void FillFromCodes(const EncodedColumn& encoded, const std::vector<uint8_t>& table, int64_t n, uint8_t* out) {
  const uint32_t* codes = encoded.codes.data();
  const uint8_t* lookup = table.data();
  for (int64_t i = 0; i < n; ++i) out[i] = lookup[codes[i]];
}

using ::goalpost::datasets::v1::ColumnData;
using ::goalpost::subpopulation::v1::ComparisonOperator;
using Source = ColumnReference::Source;

// Returns the dataset column `name` when the block contains it with the
// expected type and size, else null (the column then counts as missing in
// every row).
const ColumnData* FindColumn(const RowBlock& block, const std::string& name,
                             datasets::v1::ColumnType type) {
  const auto it = block.columns.find(name);
  if (it == block.columns.end() || it->second == nullptr) return nullptr;
  const ColumnData* column = it->second;
  if (column->type() != type) return nullptr;
  const int64_t size = type == datasets::v1::COLUMN_TYPE_DOUBLE ? column->doubles_size()
                                                                : column->strings_size();
  return size == block.row_count ? column : nullptr;
}

const double* FindDoubles(const RowBlock& block, const ColumnReference& column) {
  if (column.source == Source::kConfidence) return block.confidence;
  const ColumnData* data = FindColumn(block, column.name, datasets::v1::COLUMN_TYPE_DOUBLE);
  return data == nullptr ? nullptr : data->doubles().data();
}

const int32_t* FindClasses(const RowBlock& block, const ColumnReference& column) {
  return column.source == Source::kLabels ? block.labels : block.predictions;
}

// Sets out[row] = value for each in-range row of the column's missing_rows.
void SetMissingRows(const ColumnData& column, int64_t row_count, uint8_t value, uint8_t* out) {
  for (int32_t row : column.missing_rows()) {
    if (row >= 0 && row < row_count) out[row] = value;
  }
}

class Constant final : public Node {
 public:
  explicit Constant(bool value) : value_(value) {}
  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    std::memset(out, value_ ? 1 : 0, block.row_count);
  }

 private:
  bool value_;
};

class AllOf final : public Node {
 public:
  explicit AllOf(std::vector<NodePointer> children) : children_(std::move(children)) {}

  // Each later child evaluates only the rows still selected (its candidates).
  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    const int64_t n = block.row_count;
    children_[0]->Evaluate(block, candidates, out);
    if (candidates != nullptr) {
      for (int64_t i = 0; i < n; ++i) out[i] &= candidates[i];
    }
    std::vector<uint8_t> scratch(n);
    for (size_t k = 1; k < children_.size(); ++k) {
      children_[k]->Evaluate(block, out, scratch.data());
      for (int64_t i = 0; i < n; ++i) out[i] &= scratch[i];
    }
  }

 private:
  std::vector<NodePointer> children_;
};

class AnyOf final : public Node {
 public:
  explicit AnyOf(std::vector<NodePointer> children) : children_(std::move(children)) {}

  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    const int64_t n = block.row_count;
    children_[0]->Evaluate(block, candidates, out);
    std::vector<uint8_t> scratch(n);
    for (size_t k = 1; k < children_.size(); ++k) {
      children_[k]->Evaluate(block, candidates, scratch.data());
      for (int64_t i = 0; i < n; ++i) out[i] |= scratch[i];
    }
  }

 private:
  std::vector<NodePointer> children_;
};

class Negation final : public Node {
 public:
  explicit Negation(NodePointer child) : child_(std::move(child)) {}

  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    child_->Evaluate(block, candidates, out);
    for (int64_t i = 0; i < block.row_count; ++i) out[i] ^= 1;
  }

 private:
  NodePointer child_;
};

// The loops over doubles below are built twice, for AVX2 and for the
// x86-64 baseline, and the loader picks one for the CPU it runs on. GCC 12
// vectorises a double comparison stored as bytes only with AVX2, and these
// loops are most of the cost of numeric conditions.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GOALPOST_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GOALPOST_VECTOR_CLONES
#endif

// Comparisons with NaN are false, so missing values drop out without a
// separate pass, except `x != v`, which also needs x == x. The pointers are
// __restrict because a uint8_t store may alias anything, and GCC would
// otherwise not vectorise the loops.
GOALPOST_VECTOR_CLONES
void CompareDoubles(const double* __restrict values, int64_t n, ComparisonOperator comparison, double bound,
                    uint8_t* __restrict out) {
  switch (comparison) {
    case subpopulation::v1::COMPARISON_OPERATOR_LESS:
      for (int64_t i = 0; i < n; ++i) out[i] = values[i] < bound;
      break;
    case subpopulation::v1::COMPARISON_OPERATOR_LESS_EQUAL:
      for (int64_t i = 0; i < n; ++i) out[i] = values[i] <= bound;
      break;
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER:
      for (int64_t i = 0; i < n; ++i) out[i] = values[i] > bound;
      break;
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER_EQUAL:
      for (int64_t i = 0; i < n; ++i) out[i] = values[i] >= bound;
      break;
    case subpopulation::v1::COMPARISON_OPERATOR_EQUAL:
      for (int64_t i = 0; i < n; ++i) out[i] = values[i] == bound;
      break;
    default:
      for (int64_t i = 0; i < n; ++i) out[i] = (values[i] != bound) & (values[i] == values[i]);
      break;
  }
}

GOALPOST_VECTOR_CLONES
void DoublesBetween(const double* __restrict values, int64_t n, double lower, double upper,
                    uint8_t* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = (values[i] >= lower) & (values[i] <= upper);
}

GOALPOST_VECTOR_CLONES
void DoublesMissing(const double* __restrict values, int64_t n, uint8_t* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = values[i] != values[i];
}

GOALPOST_VECTOR_CLONES
void ClassesEqual(const int32_t* __restrict classes, int64_t n, int32_t class_index, uint8_t equal,
                  uint8_t* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = (classes[i] == class_index) == equal;
}

GOALPOST_VECTOR_CLONES
void ClassColumnsMatch(const int32_t* __restrict left, const int32_t* __restrict right, int64_t n, uint8_t equal,
                       uint8_t* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = (left[i] == right[i]) == equal;
}

class NumberComparison final : public Node {
 public:
  NumberComparison(ColumnReference column, ComparisonOperator comparison, double value)
      : column_(std::move(column)), comparison_(comparison), value_(value) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const int64_t n = block.row_count;
    const double* values = FindDoubles(block, column_);
    if (values == nullptr) {
      std::memset(out, 0, n);
      return;
    }
    CompareDoubles(values, n, comparison_, value_, out);
  }

 private:
  ColumnReference column_;
  ComparisonOperator comparison_;
  double value_;
};

class NumberBetween final : public Node {
 public:
  NumberBetween(ColumnReference column, double lower, double upper)
      : column_(std::move(column)), lower_(lower), upper_(upper) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const double* values = FindDoubles(block, column_);
    if (values == nullptr) {
      std::memset(out, 0, block.row_count);
      return;
    }
    DoublesBetween(values, block.row_count, lower_, upper_, out);
  }

 private:
  ColumnReference column_;
  double lower_;
  double upper_;
};

class NumberMissing final : public Node {
 public:
  explicit NumberMissing(ColumnReference column) : column_(std::move(column)) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const double* values = FindDoubles(block, column_);
    if (values == nullptr) {
      std::memset(out, 1, block.row_count);
      return;
    }
    DoublesMissing(values, block.row_count, out);
  }

 private:
  ColumnReference column_;
};

class NumberColumnsEqual final : public Node {
 public:
  NumberColumnsEqual(ColumnReference left, ColumnReference right, bool equal)
      : left_(std::move(left)), right_(std::move(right)), equal_(equal) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const int64_t n = block.row_count;
    const double* left = FindDoubles(block, left_);
    const double* right = FindDoubles(block, right_);
    if (left == nullptr || right == nullptr) {
      std::memset(out, 0, n);
      return;
    }
    if (equal_) {
      for (int64_t i = 0; i < n; ++i) out[i] = left[i] == right[i];
    } else {
      for (int64_t i = 0; i < n; ++i) {
        out[i] = (left[i] != right[i]) & (left[i] == left[i]) & (right[i] == right[i]);
      }
    }
  }

 private:
  ColumnReference left_;
  ColumnReference right_;
  bool equal_;
};

// Calls out[i] = predicate(strings[i]) for candidate rows and clears the
// missing rows afterwards.
template <typename Predicate>
void FillFromStrings(const ColumnData& column, int64_t n, const uint8_t* candidates,
                     Predicate predicate, uint8_t* out) {
  const auto& strings = column.strings();
  if (candidates == nullptr) {
    for (int64_t i = 0; i < n; ++i) out[i] = predicate(strings.Get(i));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = candidates[i] ? predicate(strings.Get(i)) : 0;
  }
  SetMissingRows(column, n, 0, out);
}

class StringIn final : public Node {
 public:
  StringIn(std::string column, std::vector<std::string> values, bool negate)
      : column_(std::move(column)), values_(std::move(values)), negate_(negate),
        value_set_(values_.begin(), values_.end()) {}

  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    const ColumnData* column = FindColumn(block, column_, datasets::v1::COLUMN_TYPE_STRING);
    if (column == nullptr) {
      std::memset(out, 0, block.row_count);
      return;
    }
    const uint8_t hit = negate_ ? 0 : 1;
    if (block.cache != nullptr) {
      const EncodedColumn& encoded = block.cache->impl().Encode(*column, block);
      std::vector<uint8_t> table(encoded.values.size() + 1, 1 - hit);
      table[encoded.missing_code()] = 0;
      for (const std::string& value : values_) {
        const auto it = encoded.index.find(value);
        if (it != encoded.index.end()) table[it->second] = hit;
      }
      FillFromCodes(encoded, table, block.row_count, out);
      return;
    }
    if (values_.size() == 1) {
      const std::string& value = values_[0];
      FillFromStrings(*column, block.row_count, candidates,
                      [&](const std::string& cell) { return cell == value ? hit : uint8_t(1 - hit); },
                      out);
      return;
    }
    FillFromStrings(*column, block.row_count, candidates,
                    [&](const std::string& cell) { return value_set_.contains(cell) ? hit : uint8_t(1 - hit); },
                    out);
  }

 private:
  std::string column_;
  std::vector<std::string> values_;
  bool negate_;
  absl::flat_hash_set<std::string> value_set_;
};

class StringMissing final : public Node {
 public:
  explicit StringMissing(std::string column) : column_(std::move(column)) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const ColumnData* column = FindColumn(block, column_, datasets::v1::COLUMN_TYPE_STRING);
    std::memset(out, column == nullptr ? 1 : 0, block.row_count);
    if (column != nullptr) SetMissingRows(*column, block.row_count, 1, out);
  }

 private:
  std::string column_;
};

class StringColumnsEqual final : public Node {
 public:
  StringColumnsEqual(std::string left, std::string right, bool equal)
      : left_(std::move(left)), right_(std::move(right)), equal_(equal) {}

  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    const int64_t n = block.row_count;
    const ColumnData* left = FindColumn(block, left_, datasets::v1::COLUMN_TYPE_STRING);
    const ColumnData* right = FindColumn(block, right_, datasets::v1::COLUMN_TYPE_STRING);
    if (left == nullptr || right == nullptr) {
      std::memset(out, 0, n);
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      if (candidates != nullptr && !candidates[i]) {
        out[i] = 0;
        continue;
      }
      out[i] = (left->strings(i) == right->strings(i)) == equal_;
    }
    SetMissingRows(*left, n, 0, out);
    SetMissingRows(*right, n, 0, out);
  }

 private:
  std::string left_;
  std::string right_;
  bool equal_;
};

class StringRegex final : public Node {
 public:
  StringRegex(std::string column, std::unique_ptr<const RE2> regex, bool memoize)
      : column_(std::move(column)), regex_(std::move(regex)), memoize_(memoize) {}

  void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const override {
    const ColumnData* column = FindColumn(block, column_, datasets::v1::COLUMN_TYPE_STRING);
    if (column == nullptr) {
      std::memset(out, 0, block.row_count);
      return;
    }
    const RE2& regex = *regex_;
    if (!memoize_) {
      FillFromStrings(*column, block.row_count, candidates,
                      [&](const std::string& cell) { return RE2::PartialMatch(cell, regex); }, out);
      return;
    }
    if (block.cache != nullptr) {
      const EncodedColumn& encoded = block.cache->impl().Encode(*column, block);
      std::vector<uint8_t> table(encoded.values.size() + 1, 0);
      for (size_t code = 0; code < encoded.values.size(); ++code) {
        table[code] = RE2::PartialMatch(re2::StringPiece(encoded.values[code].data(), encoded.values[code].size()), regex);
      }
      FillFromCodes(encoded, table, block.row_count, out);
      return;
    }
    // The cells point into the block, which outlives this call.
    absl::flat_hash_map<absl::string_view, bool> seen;
    FillFromStrings(*column, block.row_count, candidates,
                    [&](const std::string& cell) {
                      auto [it, inserted] = seen.try_emplace(cell, false);
                      if (inserted) it->second = RE2::PartialMatch(cell, regex);
                      return it->second;
                    },
                    out);
  }

 private:
  std::string column_;
  std::unique_ptr<const RE2> regex_;
  bool memoize_;
};

class ClassIn final : public Node {
 public:
  ClassIn(ColumnReference column, std::vector<uint8_t> matching_classes)
      : column_(std::move(column)), matching_classes_(std::move(matching_classes)) {
    FindSingleClass();
  }

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const int32_t* classes = FindClasses(block, column_);
    if (classes == nullptr) {
      std::memset(out, 0, block.row_count);
      return;
    }
    // One class in or one class out (`==` and `!=`) is a plain comparison,
    // which vectorises, where a table lookup does not.
    if (single_class_ >= 0) {
      ClassesEqual(classes, block.row_count, single_class_, single_class_equal_, out);
      return;
    }
    const uint8_t* table = matching_classes_.data();
    const uint32_t size = static_cast<uint32_t>(matching_classes_.size());
    for (int64_t i = 0; i < block.row_count; ++i) {
      const uint32_t index = static_cast<uint32_t>(classes[i]);
      out[i] = index < size ? table[index] : 0;
    }
  }

 private:
  // Sets single_class_ when exactly one class matches or exactly one does
  // not.
  void FindSingleClass() {
    const int64_t matching = std::count(matching_classes_.begin(), matching_classes_.end(), 1);
    const int64_t size = static_cast<int64_t>(matching_classes_.size());
    if (matching != 1 && matching != size - 1) return;
    single_class_equal_ = matching == 1 ? 1 : 0;
    for (int64_t k = 0; k < size; ++k) {
      if (matching_classes_[k] == single_class_equal_) single_class_ = static_cast<int32_t>(k);
    }
  }

  ColumnReference column_;
  std::vector<uint8_t> matching_classes_;
  int32_t single_class_ = -1;
  uint8_t single_class_equal_ = 1;
};

class ClassColumnsEqual final : public Node {
 public:
  ClassColumnsEqual(ColumnReference left, ColumnReference right, bool equal)
      : left_(std::move(left)), right_(std::move(right)), equal_(equal) {}

  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    const int32_t* left = FindClasses(block, left_);
    const int32_t* right = FindClasses(block, right_);
    if (left == nullptr || right == nullptr) {
      std::memset(out, 0, block.row_count);
      return;
    }
    ClassColumnsMatch(left, right, block.row_count, equal_ ? 1 : 0, out);
  }

 private:
  ColumnReference left_;
  ColumnReference right_;
  bool equal_;
};

class TokenRows final : public Node {
 public:
  explicit TokenRows(int query_index) : query_index_(query_index) {}

  // The rows are sorted global indices, so the block's rows are one
  // contiguous range found by binary search.
  void Evaluate(const RowBlock& block, const uint8_t*, uint8_t* out) const override {
    std::memset(out, 0, block.row_count);
    const auto* all_rows = block.token_query_rows;
    if (all_rows == nullptr || query_index_ >= static_cast<int>(all_rows->size())) return;

    const std::vector<int64_t>& rows = (*all_rows)[query_index_];
    const int64_t begin = block.row_offset;
    const int64_t end = block.row_offset + block.row_count;
    for (auto it = std::lower_bound(rows.begin(), rows.end(), begin); it != rows.end() && *it < end; ++it) {
      out[*it - begin] = 1;
    }
  }

 private:
  int query_index_;
};

}  // namespace

NodePointer MakeConstant(bool value) { return std::make_unique<Constant>(value); }
NodePointer MakeAllOf(std::vector<NodePointer> children) {
  return std::make_unique<AllOf>(std::move(children));
}
NodePointer MakeAnyOf(std::vector<NodePointer> children) {
  return std::make_unique<AnyOf>(std::move(children));
}
NodePointer MakeNegation(NodePointer child) { return std::make_unique<Negation>(std::move(child)); }

NodePointer MakeNumberComparison(ColumnReference column, ComparisonOperator comparison, double value) {
  return std::make_unique<NumberComparison>(std::move(column), comparison, value);
}
NodePointer MakeNumberBetween(ColumnReference column, double lower, double upper) {
  return std::make_unique<NumberBetween>(std::move(column), lower, upper);
}
NodePointer MakeNumberMissing(ColumnReference column) {
  return std::make_unique<NumberMissing>(std::move(column));
}
NodePointer MakeNumberColumnsEqual(ColumnReference left, ColumnReference right, bool equal) {
  return std::make_unique<NumberColumnsEqual>(std::move(left), std::move(right), equal);
}

NodePointer MakeStringIn(std::string column, std::vector<std::string> values, bool negate) {
  return std::make_unique<StringIn>(std::move(column), std::move(values), negate);
}
NodePointer MakeStringMissing(std::string column) {
  return std::make_unique<StringMissing>(std::move(column));
}
NodePointer MakeStringColumnsEqual(std::string left, std::string right, bool equal) {
  return std::make_unique<StringColumnsEqual>(std::move(left), std::move(right), equal);
}
NodePointer MakeStringRegex(std::string column, std::unique_ptr<const RE2> regex, bool memoize) {
  return std::make_unique<StringRegex>(std::move(column), std::move(regex), memoize);
}

NodePointer MakeClassIn(ColumnReference column, std::vector<uint8_t> matching_classes) {
  return std::make_unique<ClassIn>(std::move(column), std::move(matching_classes));
}
NodePointer MakeClassColumnsEqual(ColumnReference left, ColumnReference right, bool equal) {
  return std::make_unique<ClassColumnsEqual>(std::move(left), std::move(right), equal);
}

NodePointer MakeTokenRows(int query_index) { return std::make_unique<TokenRows>(query_index); }

}  // namespace internal

void CompiledFilter::Evaluate(const RowBlock& block, std::vector<uint8_t>& selected) const {
  if (block.row_count <= 0) {
    selected.clear();
    return;
  }
  selected.resize(block.row_count);
  if (root_ == nullptr) {
    std::fill(selected.begin(), selected.end(), 1);
    return;
  }
  root_->Evaluate(block, nullptr, selected.data());
}

}  // namespace goalpost::filter
