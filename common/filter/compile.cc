// Compile: resolves every column reference of a filter against a schema,
// checks that each condition fits the column's kind, and builds the
// evaluation tree of node.h. Errors name the condition as the canonical text
// prints it, so the message points at what the user wrote.

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/filter/filter.h"
#include "common/filter/node.h"
#include "common/filter/token_normalization.h"
#include "re2/re2.h"

namespace goalpost::filter {

using internal::ColumnReference;
using internal::NodePointer;
using ::goalpost::subpopulation::v1::ComparisonOperator;

namespace {

constexpr absl::string_view kLabel = "label";
constexpr absl::string_view kPrediction = "prediction";
constexpr absl::string_view kConfidence = "confidence";

absl::string_view KindName(ColumnInfo::Kind kind) {
  switch (kind) {
    case ColumnInfo::Kind::kText: return "a text column";
    case ColumnInfo::Kind::kNumeric: return "a numeric column";
    case ColumnInfo::Kind::kCategorical: return "a categorical column";
    case ColumnInfo::Kind::kMetadata: return "a metadata column";
    case ColumnInfo::Kind::kId: return "the id column";
  }
  return "a column";
}

bool IsEquality(ComparisonOperator comparison) {
  return comparison == subpopulation::v1::COMPARISON_OPERATOR_EQUAL ||
         comparison == subpopulation::v1::COMPARISON_OPERATOR_NOT_EQUAL;
}

}  // namespace

// Builds one CompiledFilter; a friend of it, so it fills the private parts.
class FilterCompiler {
 public:
  FilterCompiler(const Schema& schema, bool has_probabilities)
      : schema_(schema), has_probabilities_(has_probabilities) {
    for (const ColumnInfo& column : schema.columns) columns_by_name_.try_emplace(column.name, &column);
  }

  absl::StatusOr<CompiledFilter> Run(const Filter& filter) {
    absl::StatusOr<NodePointer> root = CompileFilter(filter);
    if (!root.ok()) return root.status();
    result_.root_ = std::shared_ptr<const CompiledFilter::Node>(*std::move(root));
    return std::move(result_);
  }

 private:
  // A column name resolved to where its values come from and their type.
  struct Resolved {
    enum class Type { kClass, kNumber, kString };
    Type type = Type::kString;
    ColumnReference reference;
    absl::string_view description;
    ColumnInfo::Kind kind = ColumnInfo::Kind::kCategorical;
  };

  static absl::Status Invalid(const Filter& condition, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat("in \"", Print(condition), "\": ", message));
  }

  absl::StatusOr<NodePointer> CompileFilter(const Filter& filter) {
    switch (filter.condition_case()) {
      case Filter::kToken: return CompileToken(filter);
      case Filter::kRegex: return CompileRegex(filter);
      case Filter::kComparison: return CompileComparison(filter);
      case Filter::kBetween: return CompileBetween(filter);
      case Filter::kInSet: return CompileIn(filter);
      case Filter::kMissing: return CompileMissing(filter);
      case Filter::kColumnComparison: return CompileColumnComparison(filter);
      case Filter::kCorrectness: return CompileCorrectness(filter);
      case Filter::kNegation: {
        absl::StatusOr<NodePointer> child = CompileFilter(filter.negation());
        if (!child.ok()) return child.status();
        return internal::MakeNegation(*std::move(child));
      }
      case Filter::kAllOf: return CompileList(filter.all_of(), false);
      case Filter::kAnyOf: return CompileList(filter.any_of(), true);
      case Filter::CONDITION_NOT_SET: return internal::MakeConstant(true);
    }
    return absl::InternalError("filter condition of an unknown kind");
  }

  // An empty all_of matches every row and an empty any_of none.
  absl::StatusOr<NodePointer> CompileList(const subpopulation::v1::FilterList& list, bool any_of) {
    std::vector<NodePointer> children;
    for (const Filter& element : list.filters()) {
      absl::StatusOr<NodePointer> child = CompileFilter(element);
      if (!child.ok()) return child.status();
      children.push_back(*std::move(child));
    }
    if (children.empty()) return internal::MakeConstant(!any_of);
    if (children.size() == 1) return std::move(children[0]);
    return any_of ? internal::MakeAnyOf(std::move(children)) : internal::MakeAllOf(std::move(children));
  }

  // Built-in names come first, then the dataset's names of its label and
  // prediction columns, then the dataset's other columns.
  absl::StatusOr<Resolved> Resolve(const std::string& name, const Filter& condition) {
    Resolved resolved;
    if (name == kLabel || (!schema_.label_column.empty() && name == schema_.label_column)) {
      resolved.type = Resolved::Type::kClass;
      resolved.reference.source = ColumnReference::Source::kLabels;
      resolved.description = "the label column, which contains class names";
      result_.uses_labels_ = true;
      return resolved;
    }
    if (name == kPrediction || (!schema_.prediction_column.empty() && name == schema_.prediction_column)) {
      resolved.type = Resolved::Type::kClass;
      resolved.reference.source = ColumnReference::Source::kPredictions;
      resolved.description = "the prediction column, which contains class names";
      result_.uses_predictions_ = true;
      return resolved;
    }
    if (name == kConfidence) {
      if (!has_probabilities_) {
        return Invalid(condition,
                       "\"confidence\" needs class probabilities, and the predictions "
                       "evaluated here have none; filter on label or prediction instead");
      }
      resolved.type = Resolved::Type::kNumber;
      resolved.reference.source = ColumnReference::Source::kConfidence;
      resolved.description = "confidence, a number in [0, 1]";
      result_.uses_confidence_ = true;
      return resolved;
    }
    return ResolveDatasetColumn(name, condition);
  }

  absl::StatusOr<Resolved> ResolveDatasetColumn(const std::string& name, const Filter& condition) {
    const auto it = columns_by_name_.find(name);
    if (it == columns_by_name_.end()) {
      // A wide dataset would make the message unreadable, so only the
      // first names are listed.
      constexpr size_t kMaxListed = 30;
      std::vector<std::string> known;
      for (const ColumnInfo& column : schema_.columns) {
        if (known.size() == kMaxListed) break;
        known.push_back(column.name);
      }
      std::string more;
      if (schema_.columns.size() > kMaxListed) {
        more = absl::StrCat(" (and ", schema_.columns.size() - kMaxListed, " more)");
      }
      return Invalid(condition, absl::StrCat("unknown column \"", name, "\"; the columns are ",
                                             absl::StrJoin(known, ", "), more,
                                             " and the built-ins label, prediction, confidence; "
                                             "put text values in double quotes"));
    }
    Resolved resolved;
    resolved.kind = it->second->kind;
    resolved.type = resolved.kind == ColumnInfo::Kind::kNumeric ? Resolved::Type::kNumber
                                                                : Resolved::Type::kString;
    resolved.reference.source = ColumnReference::Source::kDataset;
    resolved.reference.name = name;
    resolved.description = KindName(resolved.kind);
    return resolved;
  }

  // Records a dataset column that the pass must read.
  void UseColumn(const Resolved& resolved) {
    if (resolved.reference.source != ColumnReference::Source::kDataset) return;
    const std::string& name = resolved.reference.name;
    if (std::find(result_.columns_.begin(), result_.columns_.end(), name) != result_.columns_.end()) return;
    result_.columns_.push_back(name);
    result_.column_types_.push_back(resolved.type == Resolved::Type::kNumber
                                        ? datasets::v1::COLUMN_TYPE_DOUBLE
                                        : datasets::v1::COLUMN_TYPE_STRING);
  }

  absl::StatusOr<NodePointer> CompileToken(const Filter& filter) {
    const subpopulation::v1::TokenCondition& token = filter.token();
    absl::StatusOr<Resolved> column = Resolve(token.column(), filter);
    if (!column.ok()) return column.status();
    const bool text_column = column->reference.source == ColumnReference::Source::kDataset &&
                             column->kind == ColumnInfo::Kind::kText;
    if (!text_column) {
      return Invalid(filter, absl::StrCat("token conditions need a text column, and \"",
                                          token.column(), "\" is ", column->description,
                                          "; use ==, in or matches instead"));
    }
    if (token.tokens().empty()) return Invalid(filter, "a token condition needs at least one token");

    TokenQuery query;
    query.column = token.column();
    query.match_all = token.match() != subpopulation::v1::TOKEN_MATCH_ANY;
    for (const std::string& written : token.tokens()) {
      absl::StatusOr<std::string> normalized = internal::NormalizeToken(written);
      if (!normalized.ok()) return Invalid(filter, normalized.status().message());
      if (std::find(query.tokens.begin(), query.tokens.end(), *normalized) == query.tokens.end()) {
        query.tokens.push_back(*std::move(normalized));
      }
    }
    return internal::MakeTokenRows(AddTokenQuery(std::move(query)));
  }

  int AddTokenQuery(TokenQuery query) {
    std::vector<TokenQuery>& queries = result_.token_queries_;
    for (size_t i = 0; i < queries.size(); ++i) {
      if (queries[i].column == query.column && queries[i].tokens == query.tokens &&
          queries[i].match_all == query.match_all) {
        return static_cast<int>(i);
      }
    }
    queries.push_back(std::move(query));
    return static_cast<int>(queries.size() - 1);
  }

  absl::StatusOr<NodePointer> CompileRegex(const Filter& filter) {
    const subpopulation::v1::RegexCondition& regex = filter.regex();
    absl::StatusOr<Resolved> column = Resolve(regex.column(), filter);
    if (!column.ok()) return column.status();
    if (column->type == Resolved::Type::kNumber) {
      return Invalid(filter, absl::StrCat("matches needs a text or categorical column, and \"",
                                          regex.column(), "\" is ", column->description,
                                          "; compare numbers with <, <=, >, >=, == or between"));
    }

    RE2::Options options;
    options.set_log_errors(false);
    auto compiled = std::make_unique<const RE2>(regex.pattern(), options);
    if (!compiled->ok()) {
      return Invalid(filter, absl::StrCat("invalid regular expression \"", regex.pattern(),
                                          "\": ", compiled->error()));
    }

    // A class column has few values: match the class names once, here.
    if (column->type == Resolved::Type::kClass) {
      std::vector<uint8_t> matching(schema_.class_names.size(), 0);
      for (size_t i = 0; i < matching.size(); ++i) {
        matching[i] = RE2::PartialMatch(schema_.class_names[i], *compiled);
      }
      return internal::MakeClassIn(column->reference, std::move(matching));
    }
    UseColumn(*column);
    const bool memoize = column->kind == ColumnInfo::Kind::kCategorical;
    return internal::MakeStringRegex(regex.column(), std::move(compiled), memoize);
  }

  absl::StatusOr<int> ClassIndex(const std::string& class_name, const std::string& column,
                                 const Filter& filter) const {
    const auto& names = schema_.class_names;
    const auto it = std::find(names.begin(), names.end(), class_name);
    if (it == names.end()) {
      return Invalid(filter, absl::StrCat("\"", class_name, "\" is not a class name of \"", column,
                                          "\"; the classes are ", absl::StrJoin(names, ", ")));
    }
    return static_cast<int>(it - names.begin());
  }

  absl::StatusOr<NodePointer> CompileComparison(const Filter& filter) {
    const subpopulation::v1::ComparisonCondition& comparison = filter.comparison();
    const ComparisonOperator op = comparison.operator_();
    if (op == subpopulation::v1::COMPARISON_OPERATOR_UNSPECIFIED) {
      return Invalid(filter, "the comparison has no operator; set one of <, <=, >, >=, ==, !=");
    }
    if (comparison.value_case() == subpopulation::v1::ComparisonCondition::VALUE_NOT_SET) {
      return Invalid(filter, "the comparison has no value; set a number or a text");
    }
    absl::StatusOr<Resolved> column = Resolve(comparison.column(), filter);
    if (!column.ok()) return column.status();

    if (column->type == Resolved::Type::kNumber) return CompileNumberComparison(filter, *column);

    if (comparison.has_number()) {
      return Invalid(filter, absl::StrCat("\"", comparison.column(), "\" is ", column->description,
                                          ", so compare it with a string in double quotes, as in ",
                                          comparison.column(), " == \"Spain\""));
    }
    if (!IsEquality(op)) {
      return Invalid(filter, absl::StrCat("\"", comparison.column(), "\" is ", column->description,
                                          ", which only supports == and !="));
    }
    const bool equal = op == subpopulation::v1::COMPARISON_OPERATOR_EQUAL;
    if (column->type == Resolved::Type::kClass) {
      absl::StatusOr<int> index = ClassIndex(comparison.text(), comparison.column(), filter);
      if (!index.ok()) return index.status();
      std::vector<uint8_t> matching(schema_.class_names.size(), equal ? 0 : 1);
      matching[*index] = equal ? 1 : 0;
      return internal::MakeClassIn(column->reference, std::move(matching));
    }
    UseColumn(*column);
    return internal::MakeStringIn(comparison.column(), {comparison.text()}, !equal);
  }

  absl::StatusOr<NodePointer> CompileNumberComparison(const Filter& filter, const Resolved& column) {
    const subpopulation::v1::ComparisonCondition& comparison = filter.comparison();
    if (!comparison.has_number()) {
      return Invalid(filter, absl::StrCat("\"", comparison.column(), "\" is ", column.description,
                                          ", so compare it with a number without quotes"));
    }
    if (!std::isfinite(comparison.number())) {
      return Invalid(filter, "the number must be finite");
    }
    UseColumn(column);
    return internal::MakeNumberComparison(column.reference, comparison.operator_(), comparison.number());
  }

  absl::StatusOr<NodePointer> CompileBetween(const Filter& filter) {
    const subpopulation::v1::BetweenCondition& between = filter.between();
    absl::StatusOr<Resolved> column = Resolve(between.column(), filter);
    if (!column.ok()) return column.status();
    if (column->type != Resolved::Type::kNumber) {
      return Invalid(filter, absl::StrCat("between needs a numeric column, and \"", between.column(),
                                          "\" is ", column->description, "; use in (...) for a set of values"));
    }
    if (!std::isfinite(between.lower()) || !std::isfinite(between.upper())) {
      return Invalid(filter, "the bounds of between must be finite numbers");
    }
    if (between.lower() > between.upper()) {
      return Invalid(filter, "the lower bound of between is greater than the upper bound; "
                             "write the smaller number first");
    }
    UseColumn(*column);
    return internal::MakeNumberBetween(column->reference, between.lower(), between.upper());
  }

  absl::StatusOr<NodePointer> CompileIn(const Filter& filter) {
    const subpopulation::v1::InCondition& in_set = filter.in_set();
    absl::StatusOr<Resolved> column = Resolve(in_set.column(), filter);
    if (!column.ok()) return column.status();
    if (column->type == Resolved::Type::kNumber) {
      return Invalid(filter, absl::StrCat("in needs a categorical column, and \"", in_set.column(),
                                          "\" is ", column->description, "; use between or == for numbers"));
    }
    if (in_set.values().empty()) return Invalid(filter, "in needs at least one value");

    if (column->type == Resolved::Type::kClass) {
      std::vector<uint8_t> matching(schema_.class_names.size(), 0);
      for (const std::string& value : in_set.values()) {
        absl::StatusOr<int> index = ClassIndex(value, in_set.column(), filter);
        if (!index.ok()) return index.status();
        matching[*index] = 1;
      }
      return internal::MakeClassIn(column->reference, std::move(matching));
    }
    UseColumn(*column);
    return internal::MakeStringIn(in_set.column(), {in_set.values().begin(), in_set.values().end()}, false);
  }

  // Label and prediction cells are never missing.
  absl::StatusOr<NodePointer> CompileMissing(const Filter& filter) {
    absl::StatusOr<Resolved> column = Resolve(filter.missing().column(), filter);
    if (!column.ok()) return column.status();
    switch (column->type) {
      case Resolved::Type::kClass: return internal::MakeConstant(false);
      case Resolved::Type::kNumber: UseColumn(*column); return internal::MakeNumberMissing(column->reference);
      case Resolved::Type::kString: UseColumn(*column); return internal::MakeStringMissing(column->reference.name);
    }
    return absl::InternalError("column of an unknown type");
  }

  absl::StatusOr<NodePointer> CompileColumnComparison(const Filter& filter) {
    const subpopulation::v1::ColumnComparison& comparison = filter.column_comparison();
    if (!IsEquality(comparison.operator_())) {
      return Invalid(filter, "two columns can only be compared with == or !=");
    }
    absl::StatusOr<Resolved> left = Resolve(comparison.left_column(), filter);
    if (!left.ok()) return left.status();
    absl::StatusOr<Resolved> right = Resolve(comparison.right_column(), filter);
    if (!right.ok()) return right.status();
    if (left->type != right->type) {
      return Invalid(filter, absl::StrCat("cannot compare \"", comparison.left_column(), "\" (",
                                          left->description, ") with \"", comparison.right_column(),
                                          "\" (", right->description,
                                          "); to compare with a value, put it in double quotes"));
    }

    const bool equal = comparison.operator_() == subpopulation::v1::COMPARISON_OPERATOR_EQUAL;
    UseColumn(*left);
    UseColumn(*right);
    switch (left->type) {
      case Resolved::Type::kClass:
        return internal::MakeClassColumnsEqual(left->reference, right->reference, equal);
      case Resolved::Type::kNumber:
        return internal::MakeNumberColumnsEqual(left->reference, right->reference, equal);
      case Resolved::Type::kString:
        return internal::MakeStringColumnsEqual(left->reference.name, right->reference.name, equal);
    }
    return absl::InternalError("column of an unknown type");
  }

  absl::StatusOr<NodePointer> CompileCorrectness(const Filter& filter) {
    if (filter.correctness() == subpopulation::v1::CORRECTNESS_UNSPECIFIED) {
      return Invalid(filter, "correctness must be CORRECTNESS_MISCLASSIFIED or CORRECTNESS_CORRECT");
    }
    result_.uses_labels_ = true;
    result_.uses_predictions_ = true;
    ColumnReference labels{ColumnReference::Source::kLabels, ""};
    ColumnReference predictions{ColumnReference::Source::kPredictions, ""};
    const bool equal = filter.correctness() == subpopulation::v1::CORRECTNESS_CORRECT;
    return internal::MakeClassColumnsEqual(labels, predictions, equal);
  }

  const Schema& schema_;
  const bool has_probabilities_;
  absl::flat_hash_map<std::string, const ColumnInfo*> columns_by_name_;
  CompiledFilter result_;
};

absl::StatusOr<CompiledFilter> CompiledFilter::Compile(const Filter& filter, const Schema& schema,
                                                       bool has_probabilities) {
  return FilterCompiler(schema, has_probabilities).Run(filter);
}

const std::vector<std::string>& CompiledFilter::columns() const { return columns_; }
const std::vector<TokenQuery>& CompiledFilter::token_queries() const { return token_queries_; }
bool CompiledFilter::uses_labels() const { return uses_labels_; }
bool CompiledFilter::uses_predictions() const { return uses_predictions_; }
bool CompiledFilter::uses_confidence() const { return uses_confidence_; }

}  // namespace goalpost::filter
