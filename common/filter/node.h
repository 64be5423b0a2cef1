#ifndef GOALPOST_COMMON_FILTER_NODE_H_
#define GOALPOST_COMMON_FILTER_NODE_H_

// The compiled form of a filter: a tree whose nodes each fill a whole block's
// row mask in one loop, so the per-row work is a tight loop over arrays and
// the virtual call happens once per node and block, not once per row.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/filter/filter.h"
#include "re2/re2.h"

namespace goalpost::filter {

struct CompiledFilter::Node {
  virtual ~Node() = default;

  // Writes 1 or 0 to out[i] for each of block.row_count rows. When
  // `candidates` is not null, only rows with candidates[i] == 1 are needed:
  // out[i] is unspecified for the others, so a costly node may skip them.
  virtual void Evaluate(const RowBlock& block, const uint8_t* candidates, uint8_t* out) const = 0;
};

namespace internal {

using Node = CompiledFilter::Node;
using NodePointer = std::unique_ptr<const Node>;

// Where a node reads its values from.
struct ColumnReference {
  enum class Source { kDataset, kLabels, kPredictions, kConfidence };
  Source source = Source::kDataset;
  // The dataset column's name when source is kDataset.
  std::string name;
};

NodePointer MakeConstant(bool value);
NodePointer MakeAllOf(std::vector<NodePointer> children);
NodePointer MakeAnyOf(std::vector<NodePointer> children);
NodePointer MakeNegation(NodePointer child);

// Numeric columns and confidence; a NaN (missing) value never matches.
NodePointer MakeNumberComparison(ColumnReference column,
                                 subpopulation::v1::ComparisonOperator comparison, double value);
NodePointer MakeNumberBetween(ColumnReference column, double lower, double upper);
NodePointer MakeNumberMissing(ColumnReference column);
NodePointer MakeNumberColumnsEqual(ColumnReference left, ColumnReference right, bool equal);

// String columns; a row in missing_rows never matches. With `negate`, a
// present value matches when it is none of `values`.
NodePointer MakeStringIn(std::string column, std::vector<std::string> values, bool negate);
NodePointer MakeStringMissing(std::string column);
NodePointer MakeStringColumnsEqual(std::string left, std::string right, bool equal);
// `memoize` caches the result per distinct cell value within a block, which
// pays off for categorical columns with few distinct values.
NodePointer MakeStringRegex(std::string column, std::unique_ptr<const RE2> regex, bool memoize);

// Label or prediction: matches when matching_classes[class index] is 1.
NodePointer MakeClassIn(ColumnReference column, std::vector<uint8_t> matching_classes);
NodePointer MakeClassColumnsEqual(ColumnReference left, ColumnReference right, bool equal);

// Rows listed in (*block.token_query_rows)[query_index].
NodePointer MakeTokenRows(int query_index);

}  // namespace internal
}  // namespace goalpost::filter

#endif  // GOALPOST_COMMON_FILTER_NODE_H_
