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

void AddToken(const icu::UnicodeString& text, int32_t begin, int32_t end,
              std::vector<std::string>& tokens) {
  std::string token;
  text.tempSubStringBetween(begin, end).toUTF8String(token);
  tokens.push_back(std::move(token));
}

// The common case of plain ASCII text skips the UTF-16 round trip, which
// matters when the token index covers millions of rows.
std::vector<std::string> TokenizeAscii(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char lowered = static_cast<char>(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
    if (!IsAsciiWordCharacter(lowered)) {
      ++i;
      continue;
    }

    std::string token;
    while (i < text.size()) {
      char c = text[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (!IsAsciiWordCharacter(c)) break;
      token.push_back(c);
      ++i;
    }
    if (token.size() >= 2) tokens.push_back(std::move(token));
  }
  return tokens;
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
  if (IsAscii(utf8_text)) return TokenizeAscii(utf8_text);

  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_text.data(), static_cast<int32_t>(utf8_text.size())));
  text.toLower(icu::Locale::getRoot());

  // Walk code points (not UTF-16 units) so that a supplementary letter counts
  // as one character towards the two-character minimum, as in Python.
  std::vector<std::string> tokens;
  const int32_t length = text.length();
  int32_t run_begin = -1;
  int32_t run_code_points = 0;
  int32_t i = 0;
  while (i < length) {
    const UChar32 c = text.char32At(i);
    const int32_t next = i + U16_LENGTH(c);
    if (IsWordCharacter(c)) {
      if (run_begin < 0) run_begin = i;
      ++run_code_points;
    } else {
      if (run_code_points >= 2) AddToken(text, run_begin, i, tokens);
      run_begin = -1;
      run_code_points = 0;
    }
    i = next;
  }
  if (run_code_points >= 2) AddToken(text, run_begin, length, tokens);
  return tokens;
}

}  // namespace goalpost::text
