#ifndef GOALPOST_COMMON_FILTER_LEXER_H_
#define GOALPOST_COMMON_FILTER_LEXER_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"

namespace goalpost::filter::internal {

enum class LexemeKind {
  kEnd,
  // A bare or backquoted column name; `text` is the name.
  kIdentifier,
  // A reserved word, matched case-insensitively; `text` is it in lower case.
  kKeyword,
  // A double-quoted string; `text` is its value after escapes.
  kString,
  kNumber,
  kLeftParen,
  kRightParen,
  kComma,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqual,
  kNotEqual,
};

struct Lexeme {
  LexemeKind kind = LexemeKind::kEnd;
  std::string text;
  double number = 0;
  // 1-based position of the first character, counted in Unicode code points.
  int position = 1;
  // The lexeme as written, for error messages.
  std::string source;
};

// Splits the text form of a filter into lexemes, ending with one kEnd.
// Errors are INVALID_ARGUMENT with the position, e.g. an unterminated
// string, an unknown escape or a character that starts no lexeme.
absl::StatusOr<std::vector<Lexeme>> Lex(absl::string_view text);

// True when `word` is a reserved word of the grammar, in any letter case.
bool IsKeyword(absl::string_view word);

// True when `name` can be written without backquotes: an ASCII letter or
// "_" followed by letters, digits and "_", and not a reserved word.
bool IsBareIdentifier(absl::string_view name);

}  // namespace goalpost::filter::internal

#endif  // GOALPOST_COMMON_FILTER_LEXER_H_
