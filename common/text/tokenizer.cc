#include "common/text/tokenizer.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

namespace goalpost::text {
namespace {

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

bool IsAsciiWordCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Python's re treats a character as \w when str.isalnum() is true or it is
// "_"; isalnum is true for the letter and number general categories.
bool IsWordCharacter(UChar32 c) {
  if (c == '_') return true;
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

// The common case of plain ASCII text skips the UTF-16 round trip, which
// matters when the token index covers millions of rows.
void ForEachAsciiToken(std::string_view text,
                       const std::function<void(std::string_view token)>& on_token) {
  std::string token;
  size_t i = 0;
  while (i < text.size()) {
    token.clear();
    while (i < text.size()) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (!IsAsciiWordCharacter(c)) break;
      token.push_back(c);
      ++i;
    }
    if (token.size() >= 2) on_token(token);
    if (token.empty()) ++i;
  }
}

}  // namespace

std::string ToLower(std::string_view utf8_text) {
  if (IsAscii(utf8_text)) {
    std::string lowered(utf8_text);
    for (char& c : lowered) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return lowered;
  }

  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_text.data(), static_cast<int32_t>(utf8_text.size())));
  text.toLower(icu::Locale::getRoot());
  std::string lowered;
  text.toUTF8String(lowered);
  return lowered;
}

std::vector<std::string> Tokenize(std::string_view utf8_text) {
  std::vector<std::string> tokens;
  ForEachToken(utf8_text, [&tokens](std::string_view token) { tokens.emplace_back(token); });
  return tokens;
}

namespace {

// Tokens of text that contains non-ASCII characters, through ICU.
void ForEachUnicodeToken(std::string_view utf8_text,
                         const std::function<void(std::string_view token)>& on_token) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_text.data(), static_cast<int32_t>(utf8_text.size())));
  text.toLower(icu::Locale::getRoot());

  // Walk code points (not UTF-16 units) so that a supplementary letter counts
  // as one character towards the two-character minimum, as in Python.
  std::string token;
  const int32_t length = text.length();
  int32_t run_begin = -1;
  int32_t run_code_points = 0;
  int32_t i = 0;
  while (i <= length) {
    const UChar32 c = i < length ? text.char32At(i) : 0;
    const bool word = i < length && IsWordCharacter(c);
    if (word) {
      if (run_begin < 0) run_begin = i;
      ++run_code_points;
      i += U16_LENGTH(c);
      continue;
    }
    if (run_code_points >= 2) {
      token.clear();
      text.tempSubStringBetween(run_begin, i).toUTF8String(token);
      on_token(token);
    }
    run_begin = -1;
    run_code_points = 0;
    i += i < length ? U16_LENGTH(c) : 1;
  }
}

bool IsAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

// The text is cut at ASCII whitespace and each piece goes the ASCII or the
// ICU way. This gives the same tokens as lower-casing the whole text: no
// token spans whitespace, and the one context-dependent root-locale mapping
// (final sigma) looks only across letters and case-ignorable characters,
// never across whitespace.
void ForEachToken(std::string_view utf8_text,
                  const std::function<void(std::string_view token)>& on_token) {
  size_t begin = 0;
  while (begin < utf8_text.size()) {
    size_t end = begin;
    bool ascii = true;
    while (end < utf8_text.size() && !IsAsciiWhitespace(utf8_text[end])) {
      if (static_cast<unsigned char>(utf8_text[end]) >= 0x80) ascii = false;
      ++end;
    }
    const std::string_view piece = utf8_text.substr(begin, end - begin);
    if (ascii) {
      ForEachAsciiToken(piece, on_token);
    } else {
      ForEachUnicodeToken(piece, on_token);
    }
    begin = end + 1;
  }
}

}  // namespace goalpost::text
