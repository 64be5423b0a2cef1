#include "services/explain/lime/indexed_string.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <unordered_map>

namespace goalpost::explain {
namespace {

// Python's str \w: isalnum() or "_". isalnum covers the letter categories
// and every character with a numeric value.
bool IsWordCharacter(UChar32 c) {
  if (c < 0) return false;
  if (c == '_') return true;
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  const int8_t category = u_charType(c);
  switch (category) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
      return true;
    default:
      return u_getNumericValue(c) != U_NO_NUMERIC_VALUE;
  }
}

}  // namespace

IndexedString::IndexedString(std::string_view text) : raw_(text) {
  std::unordered_map<std::string, int> vocabulary;
  const int32_t length = static_cast<int32_t>(raw_.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(raw_.data());

  int32_t offset = 0;
  while (offset < length) {
    const int32_t start = offset;
    UChar32 c;
    U8_NEXT(bytes, offset, length, c);
    const bool is_word = IsWordCharacter(c);

    // Extend the run while the characters stay of the same kind.
    while (offset < length) {
      int32_t next = offset;
      U8_NEXT(bytes, next, length, c);
      if (IsWordCharacter(c) != is_word) break;
      offset = next;
    }

    piece_starts_.push_back(start);
    if (!is_word) {
      piece_words_.push_back(-1);
      continue;
    }
    std::string word = raw_.substr(start, offset - start);
    const auto [entry, inserted] = vocabulary.emplace(word, static_cast<int>(words_.size()));
    if (inserted) words_.push_back(std::move(word));
    piece_words_.push_back(entry->second);
  }
  piece_starts_.push_back(raw_.size());
}

std::string IndexedString::InverseRemoving(const std::vector<int>& word_ids) const {
  std::vector<bool> removed(words_.size(), false);
  for (int id : word_ids) removed[id] = true;

  // Kept pieces are copied in runs: one append per stretch of text between
  // removed words.
  std::string text;
  text.reserve(raw_.size());
  size_t run_start = 0;
  for (size_t i = 0; i < piece_words_.size(); ++i) {
    const int word = piece_words_[i];
    if (word < 0 || !removed[word]) continue;
    text.append(raw_, run_start, piece_starts_[i] - run_start);
    run_start = piece_starts_[i + 1];
  }
  text.append(raw_, run_start, raw_.size() - run_start);
  return text;
}

}  // namespace goalpost::explain
