// Recursive-descent parser of the text form of a subpopulation:
//
//   filter     := [or]
//   or         := and ("or" and)*
//   and        := unary ("and" unary)*
//   unary      := "not" unary | primary
//   primary    := "(" or ")" | "misclassified" | "correct" | "true" | "false"
//               | column condition
//   condition  := "has" (STRING | ("all" | "any") "(" strings ")")
//               | "matches" STRING
//               | ("<" | "<=" | ">" | ">=") NUMBER
//               | ("==" | "!=") (STRING | NUMBER | column)
//               | "between" NUMBER "and" NUMBER
//               | "in" "(" strings ")"
//               | "is" ["not"] "missing"
//   strings    := STRING ("," STRING)*
//   column     := IDENTIFIER | `backquoted name`
//
// A chain of `and` (or `or`) becomes one all_of (any_of) list, while a
// parenthesised group stays one element of it, so the structure of the text
// is kept and prints back the same.

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/filter/filter.h"
#include "common/filter/lexer.h"
#include "common/filter/token_normalization.h"

namespace goalpost::filter {
namespace {

using internal::Lexeme;
using internal::LexemeKind;
using ::goalpost::subpopulation::v1::ComparisonOperator;

std::string Describe(const Lexeme& lexeme) {
  switch (lexeme.kind) {
    case LexemeKind::kEnd: return "the end of the text";
    case LexemeKind::kIdentifier: return absl::StrCat("the column name ", lexeme.source);
    case LexemeKind::kString: return absl::StrCat("the string ", lexeme.source);
    case LexemeKind::kNumber: return absl::StrCat("the number ", lexeme.source);
    default: return absl::StrCat("\"", lexeme.source, "\"");
  }
}

bool IsComparison(LexemeKind kind) {
  return kind == LexemeKind::kLess || kind == LexemeKind::kLessEqual ||
         kind == LexemeKind::kGreater || kind == LexemeKind::kGreaterEqual ||
         kind == LexemeKind::kEqual || kind == LexemeKind::kNotEqual;
}

ComparisonOperator ToOperator(LexemeKind kind) {
  switch (kind) {
    case LexemeKind::kLess: return subpopulation::v1::COMPARISON_OPERATOR_LESS;
    case LexemeKind::kLessEqual: return subpopulation::v1::COMPARISON_OPERATOR_LESS_EQUAL;
    case LexemeKind::kGreater: return subpopulation::v1::COMPARISON_OPERATOR_GREATER;
    case LexemeKind::kGreaterEqual: return subpopulation::v1::COMPARISON_OPERATOR_GREATER_EQUAL;
    case LexemeKind::kEqual: return subpopulation::v1::COMPARISON_OPERATOR_EQUAL;
    case LexemeKind::kNotEqual: return subpopulation::v1::COMPARISON_OPERATOR_NOT_EQUAL;
    default: return subpopulation::v1::COMPARISON_OPERATOR_UNSPECIFIED;
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Lexeme> lexemes) : lexemes_(std::move(lexemes)) {}

  absl::StatusOr<Filter> ParseAll() {
    if (Peek().kind == LexemeKind::kEnd) {
      Filter every_row;
      every_row.mutable_all_of();
      return every_row;
    }
    absl::StatusOr<Filter> filter = ParseOr();
    if (!filter.ok()) return filter.status();
    if (Peek().kind != LexemeKind::kEnd) {
      return Expected(Peek(), "\"and\", \"or\" or the end of the text");
    }
    return filter;
  }

 private:
  const Lexeme& Peek() const { return lexemes_[index_]; }
  const Lexeme& Advance() { return lexemes_[index_ < lexemes_.size() - 1 ? index_++ : index_]; }
  bool AtKeyword(absl::string_view keyword) const {
    return Peek().kind == LexemeKind::kKeyword && Peek().text == keyword;
  }

  static absl::Status Expected(const Lexeme& found, absl::string_view expected) {
    return absl::InvalidArgumentError(absl::StrCat("position ", found.position, ": expected ",
                                                   expected, ", found ", Describe(found)));
  }

  // Parses operands separated by `keyword` into one list when there are
  // several.
  template <typename ParseOperand>
  absl::StatusOr<Filter> ParseList(absl::string_view keyword, bool any_of, ParseOperand parse) {
    absl::StatusOr<Filter> first = (this->*parse)();
    if (!first.ok() || !AtKeyword(keyword)) return first;

    Filter list;
    subpopulation::v1::FilterList* filters = any_of ? list.mutable_any_of() : list.mutable_all_of();
    *filters->add_filters() = *std::move(first);
    while (AtKeyword(keyword)) {
      Advance();
      absl::StatusOr<Filter> next = (this->*parse)();
      if (!next.ok()) return next.status();
      *filters->add_filters() = *std::move(next);
    }
    return list;
  }

  absl::StatusOr<Filter> ParseOr() { return ParseList("or", true, &Parser::ParseAnd); }
  absl::StatusOr<Filter> ParseAnd() { return ParseList("and", false, &Parser::ParseUnary); }

  absl::StatusOr<Filter> ParseUnary() {
    if (!AtKeyword("not")) return ParsePrimary();
    const Lexeme& word = Advance();
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return TooDeep(word);
    absl::StatusOr<Filter> operand = ParseUnary();
    if (!operand.ok()) return operand.status();
    Filter negation;
    *negation.mutable_negation() = *std::move(operand);
    return negation;
  }

  absl::StatusOr<Filter> ParsePrimary() {
    const Lexeme& lexeme = Peek();
    if (lexeme.kind == LexemeKind::kLeftParen) return ParseGroup();
    if (lexeme.kind == LexemeKind::kIdentifier) return ParseCondition();

    Filter filter;
    if (AtKeyword("misclassified")) {
      filter.set_correctness(subpopulation::v1::CORRECTNESS_MISCLASSIFIED);
    } else if (AtKeyword("correct")) {
      filter.set_correctness(subpopulation::v1::CORRECTNESS_CORRECT);
    } else if (AtKeyword("true")) {
      filter.mutable_all_of();
    } else if (AtKeyword("false")) {
      filter.mutable_any_of();
    } else {
      return Expected(lexeme,
                      "a condition (a column name, \"not\", \"(\", \"misclassified\" or "
                      "\"correct\"; backquote a column name that is a reserved word, as in "
                      "`in`)");
    }
    Advance();
    return filter;
  }

  absl::StatusOr<Filter> ParseGroup() {
    const Lexeme& open = Advance();
    DepthGuard guard(depth_);
    if (depth_ > kMaxDepth) return TooDeep(open);
    absl::StatusOr<Filter> inner = ParseOr();
    if (!inner.ok()) return inner.status();
    if (Peek().kind != LexemeKind::kRightParen) {
      return Expected(Peek(), absl::StrCat("\"and\", \"or\" or \")\" to close the \"(\" at position ",
                                           open.position));
    }
    Advance();
    return inner;
  }

  absl::StatusOr<Filter> ParseCondition() {
    const std::string column = Advance().text;
    const Lexeme& lexeme = Peek();
    if (AtKeyword("has")) return ParseTokens(column);
    if (AtKeyword("matches")) return ParseRegex(column);
    if (AtKeyword("between")) return ParseBetween(column);
    if (AtKeyword("in")) return ParseIn(column);
    if (AtKeyword("is")) return ParseMissing(column);
    if (IsComparison(lexeme.kind)) return ParseComparison(column);
    return Expected(lexeme, absl::StrCat("an operator after the column name ", column,
                                         " (has, matches, ==, !=, <, <=, >, >=, between, in "
                                         "or is missing)"));
  }

  // Reads a string that must be one token of the shared tokenisation.
  absl::Status ParseToken(subpopulation::v1::TokenCondition& condition, absl::string_view after) {
    const Lexeme& lexeme = Peek();
    if (lexeme.kind != LexemeKind::kString) {
      return Expected(lexeme, absl::StrCat("a token in double quotes after ", after));
    }
    absl::StatusOr<std::string> normalized = internal::NormalizeToken(lexeme.text);
    if (!normalized.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("position ", lexeme.position, ": ", normalized.status().message()));
    }
    condition.add_tokens(lexeme.text);
    Advance();
    return absl::OkStatus();
  }

  absl::StatusOr<Filter> ParseTokens(const std::string& column) {
    Advance();
    Filter filter;
    subpopulation::v1::TokenCondition& condition = *filter.mutable_token();
    condition.set_column(column);
    condition.set_match(subpopulation::v1::TOKEN_MATCH_ALL);
    if (Peek().kind == LexemeKind::kString) {
      absl::Status status = ParseToken(condition, "\"has\"");
      if (!status.ok()) return status;
      return filter;
    }

    if (!AtKeyword("all") && !AtKeyword("any")) {
      return Expected(Peek(), "a token in double quotes, all(...) or any(...) after \"has\"");
    }
    const std::string mode = Advance().text;
    condition.set_list_form(true);
    if (mode == "any") condition.set_match(subpopulation::v1::TOKEN_MATCH_ANY);
    absl::Status status = ParseParenthesised(mode, [&](absl::string_view after) {
      return ParseToken(condition, after);
    });
    if (!status.ok()) return status;
    return filter;
  }

  // Parses "(" item ("," item)* ")" after the word `after`.
  template <typename ParseItem>
  absl::Status ParseParenthesised(absl::string_view after, ParseItem parse_item) {
    if (Peek().kind != LexemeKind::kLeftParen) {
      return Expected(Peek(), absl::StrCat("\"(\" after \"", after, "\""));
    }
    Advance();
    absl::Status status = parse_item("\"(\"");
    while (status.ok() && Peek().kind == LexemeKind::kComma) {
      Advance();
      status = parse_item("\",\"");
    }
    if (!status.ok()) return status;
    if (Peek().kind != LexemeKind::kRightParen) return Expected(Peek(), "\",\" or \")\"");
    Advance();
    return absl::OkStatus();
  }

  absl::StatusOr<Filter> ParseRegex(const std::string& column) {
    Advance();
    if (Peek().kind != LexemeKind::kString) {
      return Expected(Peek(), "a regular expression in double quotes after \"matches\"");
    }
    Filter filter;
    filter.mutable_regex()->set_column(column);
    filter.mutable_regex()->set_pattern(Advance().text);
    return filter;
  }

  absl::StatusOr<Filter> ParseBetween(const std::string& column) {
    Advance();
    if (Peek().kind != LexemeKind::kNumber) return Expected(Peek(), "a number after \"between\"");
    const double lower = Advance().number;
    if (!AtKeyword("and")) return Expected(Peek(), "\"and\" after the lower bound of \"between\"");
    Advance();
    if (Peek().kind != LexemeKind::kNumber) {
      return Expected(Peek(), "a number after \"between ... and\"");
    }
    Filter filter;
    filter.mutable_between()->set_column(column);
    filter.mutable_between()->set_lower(lower);
    filter.mutable_between()->set_upper(Advance().number);
    return filter;
  }

  absl::StatusOr<Filter> ParseIn(const std::string& column) {
    Advance();
    Filter filter;
    subpopulation::v1::InCondition& condition = *filter.mutable_in_set();
    condition.set_column(column);
    absl::Status status = ParseParenthesised("in", [&](absl::string_view after) {
      if (Peek().kind != LexemeKind::kString) {
        return Expected(Peek(), absl::StrCat("a string in double quotes after ", after));
      }
      condition.add_values(Advance().text);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return filter;
  }

  // `is missing`, and `is not missing` as the negation of it.
  absl::StatusOr<Filter> ParseMissing(const std::string& column) {
    Advance();
    const bool negated = AtKeyword("not");
    if (negated) Advance();
    if (!AtKeyword("missing")) {
      return Expected(Peek(), negated ? "\"missing\" after \"is not\"" : "\"missing\" or \"not missing\" after \"is\"");
    }
    Advance();
    Filter missing;
    missing.mutable_missing()->set_column(column);
    if (!negated) return missing;
    Filter negation;
    *negation.mutable_negation() = std::move(missing);
    return negation;
  }

  absl::StatusOr<Filter> ParseComparison(const std::string& column) {
    const Lexeme& op = Advance();
    const ComparisonOperator comparison = ToOperator(op.kind);
    const bool equality = op.kind == LexemeKind::kEqual || op.kind == LexemeKind::kNotEqual;
    const Lexeme& value = Peek();

    Filter filter;
    if (value.kind == LexemeKind::kNumber) {
      filter.mutable_comparison()->set_number(value.number);
    } else if (equality && value.kind == LexemeKind::kString) {
      filter.mutable_comparison()->set_text(value.text);
    } else if (equality && value.kind == LexemeKind::kIdentifier) {
      subpopulation::v1::ColumnComparison& columns = *filter.mutable_column_comparison();
      columns.set_left_column(column);
      columns.set_operator_(comparison);
      columns.set_right_column(value.text);
      Advance();
      return filter;
    } else {
      return Expected(value, equality ? absl::StrCat("a string, number or column name after \"",
                                                     op.source, "\"")
                                      : absl::StrCat("a number after \"", op.source, "\""));
    }
    filter.mutable_comparison()->set_column(column);
    filter.mutable_comparison()->set_operator_(comparison);
    Advance();
    return filter;
  }

  // Nesting of parentheses and `not`, limited so that a hostile text cannot
  // exhaust the stack of this parser (or of Print and Compile later).
  static constexpr int kMaxDepth = 100;

  struct DepthGuard {
    explicit DepthGuard(int& depth) : depth(depth) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };

  static absl::Status TooDeep(const Lexeme& at) {
    return absl::InvalidArgumentError(absl::StrCat("position ", at.position, ": parentheses and \"not\" nest deeper than ",
                                                   kMaxDepth, " levels"));
  }

  std::vector<Lexeme> lexemes_;
  size_t index_ = 0;
  int depth_ = 0;
};

}  // namespace

absl::StatusOr<Filter> Parse(std::string_view text) {
  absl::StatusOr<std::vector<Lexeme>> lexemes = internal::Lex(absl::string_view(text.data(), text.size()));
  if (!lexemes.ok()) return lexemes.status();
  return Parser(*std::move(lexemes)).ParseAll();
}

}  // namespace goalpost::filter
