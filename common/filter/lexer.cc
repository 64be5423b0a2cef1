#include "common/filter/lexer.h"

#include <charconv>
#include <cmath>
#include <string>
#include "absl/strings/string_view.h"
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace goalpost::filter::internal {
namespace {

// Reserved words. `true` and `false` are the empty and/or, so that every
// structured filter has a text form.
constexpr absl::string_view kKeywords[] = {
    "and", "or", "not", "has", "all", "any", "matches", "between", "in",
    "is", "missing", "misclassified", "correct", "true", "false"};

bool IsIdentifierStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsIdentifierPart(char c) { return absl::ascii_isalnum(c) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Positions count code points, so that a message about text with accents
// points at the character a person sees.
int CharacterPosition(absl::string_view text, size_t byte_offset) {
  int position = 1;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++position;
  }
  return position;
}

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  absl::StatusOr<std::vector<Lexeme>> Run() {
    std::vector<Lexeme> lexemes;
    while (true) {
      SkipSpace();
      start_ = offset_;
      if (offset_ == text_.size()) {
        lexemes.push_back(Make(LexemeKind::kEnd, ""));
        return lexemes;
      }
      absl::StatusOr<Lexeme> lexeme = Next();
      if (!lexeme.ok()) return lexeme.status();
      lexemes.push_back(*std::move(lexeme));
    }
  }

 private:
  void SkipSpace() {
    while (offset_ < text_.size() && absl::ascii_isspace(text_[offset_])) ++offset_;
  }

  Lexeme Make(LexemeKind kind, std::string value) const {
    Lexeme lexeme;
    lexeme.kind = kind;
    lexeme.text = std::move(value);
    lexeme.position = CharacterPosition(text_, start_);
    lexeme.source = std::string(text_.substr(start_, offset_ - start_));
    return lexeme;
  }

  absl::Status Error(size_t byte_offset, absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat("position ", CharacterPosition(text_, byte_offset), ": ", message));
  }

  char Peek(size_t ahead = 0) const {
    return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
  }

  absl::StatusOr<Lexeme> Next() {
    const char c = Peek();
    if (IsIdentifierStart(c)) return Word();
    const bool starts_number = IsDigit(c) || (c == '.' && IsDigit(Peek(1))) ||
                               (c == '-' && (IsDigit(Peek(1)) || (Peek(1) == '.' && IsDigit(Peek(2)))));
    if (starts_number) return Number();
    if (c == '"') return String();
    if (c == '`') return QuotedIdentifier();
    return Punctuation();
  }

  Lexeme Word() {
    while (IsIdentifierPart(Peek())) ++offset_;
    std::string word(text_.substr(start_, offset_ - start_));
    if (IsKeyword(word)) return Make(LexemeKind::kKeyword, absl::AsciiStrToLower(word));
    return Make(LexemeKind::kIdentifier, std::move(word));
  }

  // -?(digits[.digits] | .digits)([eE][+-]?digits)?
  absl::StatusOr<Lexeme> Number() {
    if (Peek() == '-') ++offset_;
    while (IsDigit(Peek())) ++offset_;
    if (Peek() == '.') {
      ++offset_;
      while (IsDigit(Peek())) ++offset_;
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
      offset_ += 2;
      while (IsDigit(Peek())) ++offset_;
    }
    if (IsIdentifierPart(Peek())) {
      return Error(offset_, absl::StrCat("expected a space or operator after the number \"",
                                         text_.substr(start_, offset_ - start_), "\""));
    }

    const absl::string_view digits = text_.substr(start_, offset_ - start_);
    double value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value)) {
      return Error(start_, absl::StrCat("the number ", digits, " is out of the range of a double"));
    }
    Lexeme lexeme = Make(LexemeKind::kNumber, std::string(digits));
    lexeme.number = value;
    return lexeme;
  }

  // Reads up to the closing `quote`, decoding \" \` \\ \n \t \r.
  absl::StatusOr<std::string> Quoted(char quote, absl::string_view what) {
    ++offset_;
    std::string value;
    while (true) {
      if (offset_ >= text_.size()) {
        return Error(start_, absl::StrCat("unterminated ", what, "; expected a closing ",
                                          std::string(1, quote)));
      }
      const char c = text_[offset_];
      if (c == quote) {
        ++offset_;
        return value;
      }
      if (c != '\\') {
        value.push_back(c);
        ++offset_;
        continue;
      }
      const char escaped = Peek(1);
      switch (escaped) {
        case '"': case '`': case '\\': value.push_back(escaped); break;
        case 'n': value.push_back('\n'); break;
        case 't': value.push_back('\t'); break;
        case 'r': value.push_back('\r'); break;
        default:
          return Error(offset_, "unknown escape; expected \\\", \\`, \\\\, \\n, \\t or \\r "
                                "after a backslash (write \\\\ for a backslash itself, "
                                "as in \"\\\\d+\")");
      }
      offset_ += 2;
    }
  }

  absl::StatusOr<Lexeme> String() {
    absl::StatusOr<std::string> value = Quoted('"', "string");
    if (!value.ok()) return value.status();
    return Make(LexemeKind::kString, *std::move(value));
  }

  absl::StatusOr<Lexeme> QuotedIdentifier() {
    absl::StatusOr<std::string> value = Quoted('`', "column name");
    if (!value.ok()) return value.status();
    if (value->empty()) return Error(start_, "expected a column name between the backquotes");
    return Make(LexemeKind::kIdentifier, *std::move(value));
  }

  absl::StatusOr<Lexeme> Punctuation() {
    const char c = Peek();
    const bool followed_by_equal = Peek(1) == '=';
    LexemeKind kind;
    size_t length = 1;
    switch (c) {
      case '(': kind = LexemeKind::kLeftParen; break;
      case ')': kind = LexemeKind::kRightParen; break;
      case ',': kind = LexemeKind::kComma; break;
      case '<':
        kind = followed_by_equal ? LexemeKind::kLessEqual : LexemeKind::kLess;
        length = followed_by_equal ? 2 : 1;
        break;
      case '>':
        kind = followed_by_equal ? LexemeKind::kGreaterEqual : LexemeKind::kGreater;
        length = followed_by_equal ? 2 : 1;
        break;
      case '=':
        if (!followed_by_equal) return Error(offset_, "expected \"==\"; a single \"=\" is not an operator");
        kind = LexemeKind::kEqual;
        length = 2;
        break;
      case '!':
        if (!followed_by_equal) return Error(offset_, "expected \"!=\"; write \"not\" to negate a condition");
        kind = LexemeKind::kNotEqual;
        length = 2;
        break;
      default:
        return Error(offset_, absl::StrCat("unexpected character \"", UnexpectedCharacter(),
                                           "\"; expected a column name, string, number, "
                                           "operator or parenthesis"));
    }
    offset_ += length;
    return Make(kind, "");
  }

  // The whole UTF-8 sequence at offset_, so the message shows a character.
  absl::string_view UnexpectedCharacter() const {
    size_t end = offset_ + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return text_.substr(offset_, end - offset_);
  }

  absl::string_view text_;
  size_t offset_ = 0;
  size_t start_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<Lexeme>> Lex(absl::string_view text) { return Lexer(text).Run(); }

bool IsKeyword(absl::string_view word) {
  for (absl::string_view keyword : kKeywords) {
    if (absl::EqualsIgnoreCase(word, keyword)) return true;
  }
  return false;
}

bool IsBareIdentifier(absl::string_view name) {
  if (name.empty() || !IsIdentifierStart(name[0])) return false;
  for (char c : name) {
    if (!IsIdentifierPart(c)) return false;
  }
  return !IsKeyword(name);
}

}  // namespace goalpost::filter::internal
