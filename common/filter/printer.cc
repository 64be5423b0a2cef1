// Prints the canonical text form. Every choice here mirrors the parser, so
// that Parse(Print(f)) rebuilds f. Lists print as chains, and a nested list
// gets parentheses exactly where a chain would otherwise merge with its
// parent. Numbers print in the shortest form that reads back to the same
// double.

#include <charconv>
#include <cmath>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/strings/str_cat.h"
#include "common/filter/filter.h"
#include "common/filter/lexer.h"

namespace goalpost::filter {
namespace {

using ::goalpost::subpopulation::v1::ComparisonOperator;

void AppendQuoted(absl::string_view value, char quote, std::string& out) {
  out.push_back(quote);
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c == quote) out.push_back('\\');
        out.push_back(c);
    }
  }
  out.push_back(quote);
}

void AppendString(absl::string_view value, std::string& out) { AppendQuoted(value, '"', out); }

void AppendColumn(absl::string_view column, std::string& out) {
  if (internal::IsBareIdentifier(column)) {
    out.append(column.data(), column.size());
  } else {
    AppendQuoted(column, '`', out);
  }
}

// NOTE: a NaN or infinite number (which Compile rejects) prints as "nan" or
// "inf", which Parse rejects in turn.
void AppendNumber(double value, std::string& out) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

const char* OperatorText(ComparisonOperator comparison) {
  switch (comparison) {
    case subpopulation::v1::COMPARISON_OPERATOR_LESS: return "<";
    case subpopulation::v1::COMPARISON_OPERATOR_LESS_EQUAL: return "<=";
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER: return ">";
    case subpopulation::v1::COMPARISON_OPERATOR_GREATER_EQUAL: return ">=";
    case subpopulation::v1::COMPARISON_OPERATOR_NOT_EQUAL: return "!=";
    default: return "==";
  }
}

// Appends `items` as "(a, b, c)".
template <typename Items>
void AppendStringList(const Items& items, std::string& out) {
  out.push_back('(');
  for (int i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    AppendString(items.Get(i), out);
  }
  out.push_back(')');
}

// An all_of or any_of with one element means that element.
const Filter& Unwrap(const Filter& filter) {
  const Filter* current = &filter;
  while (true) {
    if (current->has_all_of() && current->all_of().filters_size() == 1) {
      current = &current->all_of().filters(0);
    } else if (current->has_any_of() && current->any_of().filters_size() == 1) {
      current = &current->any_of().filters(0);
    } else {
      return *current;
    }
  }
}

bool IsChain(const Filter& filter) {
  return (filter.has_all_of() && filter.all_of().filters_size() >= 2) ||
         (filter.has_any_of() && filter.any_of().filters_size() >= 2);
}

void AppendFilter(const Filter& filter, std::string& out);

void AppendToken(const subpopulation::v1::TokenCondition& token, std::string& out) {
  AppendColumn(token.column(), out);
  out += " has ";
  const bool any = token.match() == subpopulation::v1::TOKEN_MATCH_ANY;
  if (!token.list_form() && !any && token.tokens_size() == 1) {
    AppendString(token.tokens(0), out);
    return;
  }
  out += any ? "any" : "all";
  AppendStringList(token.tokens(), out);
}

void AppendComparison(const subpopulation::v1::ComparisonCondition& comparison, std::string& out) {
  AppendColumn(comparison.column(), out);
  out += " ";
  out += OperatorText(comparison.operator_());
  out += " ";
  if (comparison.has_number()) {
    AppendNumber(comparison.number(), out);
  } else {
    AppendString(comparison.text(), out);
  }
}

// Appends the elements of a chain; an element that is itself a chain of the
// same word, or an `or` chain inside `and`, needs parentheses.
void AppendChain(const subpopulation::v1::FilterList& list, bool any_of, std::string& out) {
  for (int i = 0; i < list.filters_size(); ++i) {
    if (i > 0) out += any_of ? " or " : " and ";
    const Filter& element = Unwrap(list.filters(i));
    const bool parenthesise = IsChain(element) && (element.has_any_of() || !any_of);
    if (parenthesise) out += "(";
    AppendFilter(element, out);
    if (parenthesise) out += ")";
  }
}

void AppendNegation(const Filter& operand, std::string& out) {
  const Filter& element = Unwrap(operand);
  out += "not ";
  if (IsChain(element)) out += "(";
  AppendFilter(element, out);
  if (IsChain(element)) out += ")";
}

void AppendFilter(const Filter& filter_in, std::string& out) {
  const Filter& filter = Unwrap(filter_in);
  switch (filter.condition_case()) {
    case Filter::kToken:
      AppendToken(filter.token(), out);
      break;
    case Filter::kRegex:
      AppendColumn(filter.regex().column(), out);
      out += " matches ";
      AppendString(filter.regex().pattern(), out);
      break;
    case Filter::kComparison:
      AppendComparison(filter.comparison(), out);
      break;
    case Filter::kBetween:
      AppendColumn(filter.between().column(), out);
      out += " between ";
      AppendNumber(filter.between().lower(), out);
      out += " and ";
      AppendNumber(filter.between().upper(), out);
      break;
    case Filter::kInSet:
      AppendColumn(filter.in_set().column(), out);
      out += " in ";
      AppendStringList(filter.in_set().values(), out);
      break;
    case Filter::kMissing:
      AppendColumn(filter.missing().column(), out);
      out += " is missing";
      break;
    case Filter::kColumnComparison:
      AppendColumn(filter.column_comparison().left_column(), out);
      out += " ";
      out += OperatorText(filter.column_comparison().operator_());
      out += " ";
      AppendColumn(filter.column_comparison().right_column(), out);
      break;
    case Filter::kCorrectness:
      out += filter.correctness() == subpopulation::v1::CORRECTNESS_CORRECT ? "correct" : "misclassified";
      break;
    case Filter::kNegation:
      AppendNegation(filter.negation(), out);
      break;
    case Filter::kAllOf:
      if (filter.all_of().filters_size() == 0) out += "true";
      AppendChain(filter.all_of(), false, out);
      break;
    case Filter::kAnyOf:
      if (filter.any_of().filters_size() == 0) out += "false";
      AppendChain(filter.any_of(), true, out);
      break;
    case Filter::CONDITION_NOT_SET:
      // An unset condition is read as an empty all_of by Compile.
      out += "true";
      break;
  }
}

}  // namespace

std::string Print(const Filter& filter) {
  const Filter& element = Unwrap(filter);
  const bool every_row = (element.has_all_of() && element.all_of().filters_size() == 0) ||
                         element.condition_case() == Filter::CONDITION_NOT_SET;
  if (every_row) return "";

  std::string out;
  AppendFilter(filter, out);
  return out;
}

}  // namespace goalpost::filter
