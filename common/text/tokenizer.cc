#include "common/text/tokenizer.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <cstdint>

namespace goalpost::text {
namespace {

bool IsAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Python's re treats a character as \w when str.isalnum() is true or it is
// "_"; isalnum is true for the letter and number general categories.
bool IsWordCharacter(UChar32 c) {
  if (c == '_') return true;
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

// Class of a byte on the ASCII fast path.
enum ByteClass : uint8_t {
  kOther = 0,       // ASCII, neither a word character nor whitespace
  kWord = 1,        // a-z, 0-9, "_": already lower-case
  kUpper = 2,       // A-Z
  kWhitespace = 3,  // ASCII whitespace, where the text is cut into pieces
  kNonAscii = 4,    // any byte of a multi-byte UTF-8 sequence
};

struct ByteClasses {
  ByteClass of[256];

  constexpr ByteClasses() : of() {
    for (int c = 0; c < 256; ++c) {
      if (c >= 0x80) {
        of[c] = kNonAscii;
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        of[c] = kWord;
      } else if (c >= 'A' && c <= 'Z') {
        of[c] = kUpper;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        of[c] = kWhitespace;
      } else {
        of[c] = kOther;
      }
    }
  }
};

constexpr ByteClasses kByteClasses;

ByteClass ClassOf(char c) { return kByteClasses.of[static_cast<uint8_t>(c)]; }

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

// Passes on the tokens of a piece that contains non-ASCII characters, through
// ICU. The first `skip` tokens are dropped because the ASCII path passed them on.
void ForEachUnicodeToken(std::string_view utf8_text, int skip,
                         absl::FunctionRef<void(std::string_view token)> on_token) {
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
      if (skip > 0) {
        --skip;
      } else {
        token.clear();
        text.tempSubStringBetween(run_begin, i).toUTF8String(token);
        on_token(token);
      }
    }
    run_begin = -1;
    run_code_points = 0;
    i += i < length ? U16_LENGTH(c) : 1;
  }
}

size_t EndOfPiece(std::string_view text, size_t from) {
  while (from < text.size() && ClassOf(text[from]) != kWhitespace) ++from;
  return from;
}

}  // namespace

// The text is cut at ASCII whitespace into pieces. Plain ASCII pieces are
// tokenized byte by byte with a table; a piece with a non-ASCII byte goes
// through ICU whole. This gives the same tokens as lower-casing the whole
// text: no token spans whitespace, and the one context-dependent root-locale
// mapping (final sigma) looks only across letters and case-ignorable
// characters, never across whitespace. The ASCII path may meet a non-ASCII
// byte part way through a piece. The tokens it passed on by then are the first
// tokens ICU finds in that piece, because ASCII letters lower-case the same in
// any context, so ICU skips that many.
void ForEachToken(std::string_view text,
                  absl::FunctionRef<void(std::string_view token)> on_token) {
  std::string lowered;
  size_t piece_begin = 0;
  int piece_tokens = 0;
  size_t i = 0;
  while (i < text.size()) {
    const ByteClass byte_class = ClassOf(text[i]);
    if (byte_class == kWhitespace) {
      piece_begin = ++i;
      piece_tokens = 0;
      continue;
    }
    if (byte_class == kOther) {
      ++i;
      continue;
    }
    if (byte_class == kNonAscii) {
      const size_t end = EndOfPiece(text, i);
      ForEachUnicodeToken(text.substr(piece_begin, end - piece_begin), piece_tokens, on_token);
      i = end;
      continue;
    }

    // A run of ASCII word characters.
    const size_t begin = i;
    bool has_upper = false;
    ByteClass next = kOther;
    while (i < text.size()) {
      next = ClassOf(text[i]);
      if (next != kWord && next != kUpper) break;
      has_upper |= next == kUpper;
      ++i;
    }
    if (i < text.size() && next == kNonAscii) continue;  // the ICU branch takes the piece
    if (i - begin < 2) continue;
    ++piece_tokens;
    if (!has_upper) {
      on_token(text.substr(begin, i - begin));
      continue;
    }
    lowered.assign(text.data() + begin, i - begin);
    for (char& c : lowered) {
      if (ClassOf(c) == kUpper) c = static_cast<char>(c + ('a' - 'A'));
    }
    on_token(lowered);
  }
}

}  // namespace goalpost::text
