#include "services/inference/text_perturbations.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text/tokenizer.h"

namespace goalpost::inference {
namespace {

bool IsAsciiWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Returns true when `separator` keeps any two texts apart and adds no token.
bool IsNeutralSeparator(std::string_view separator) {
  const bool plain_ascii = std::all_of(separator.begin(), separator.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80 && !IsAsciiWordByte(c);
  });
  if (plain_ascii) return true;
  const std::vector<std::string> tokens = text::Tokenize("ab" + std::string(separator) + "ab");
  return tokens.size() == 2 && tokens[0] == "ab" && tokens[1] == "ab";
}

}  // namespace

std::string TextPerturbations::RowText(size_t row) const {
  std::string row_text;
  row_text.reserve(text.size());
  size_t piece_begin = 0;
  for (size_t piece = 0; piece < piece_ends.size(); ++piece) {
    const size_t piece_end = static_cast<size_t>(piece_ends[piece]);
    const int32_t word = piece_words[piece];
    if (word < 0 || !Removes(row, word)) {
      row_text.append(text.substr(piece_begin, piece_end - piece_begin));
    }
    piece_begin = piece_end;
  }
  return row_text;
}

TextPerturbations TextPerturbations::Rows(size_t begin, size_t end) const {
  TextPerturbations slice = *this;
  const size_t bytes_per_row = BytesPerRow(word_count);
  slice.removed_words = removed_words.substr(begin * bytes_per_row, (end - begin) * bytes_per_row);
  return slice;
}

absl::Status ValidateTextPerturbations(const TextPerturbations& rows) {
  if (rows.word_count <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text_perturbations.word_count is ", rows.word_count, "; it must be at least 1"));
  }
  if (rows.piece_ends.empty() || rows.piece_ends.size() != rows.piece_words.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text_perturbations has ", rows.piece_ends.size(), " piece_ends and ",
        rows.piece_words.size(), " piece_words; give one of each per piece, at least one piece"));
  }

  int32_t previous_end = 0;
  for (size_t piece = 0; piece < rows.piece_ends.size(); ++piece) {
    const int32_t end = rows.piece_ends[piece];
    if (end < previous_end || static_cast<size_t>(end) > rows.text.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "text_perturbations.piece_ends[", piece, "] is ", end, "; ends must ascend within the ",
          rows.text.size(), "-byte text"));
    }
    const bool inside_character =
        static_cast<size_t>(end) < rows.text.size() && (rows.text[end] & 0xC0) == 0x80;
    if (inside_character) {
      return absl::InvalidArgumentError(absl::StrCat(
          "text_perturbations.piece_ends[", piece, "] is ", end,
          ", inside a UTF-8 character; cut pieces between characters"));
    }
    const int32_t word = rows.piece_words[piece];
    if (word < -1 || word >= rows.word_count) {
      return absl::InvalidArgumentError(absl::StrCat(
          "text_perturbations.piece_words[", piece, "] is ", word, "; give -1 for a separator or a "
          "word in [0, ", rows.word_count, ")"));
    }
    previous_end = end;
  }
  if (static_cast<size_t>(previous_end) != rows.text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text_perturbations.piece_ends ends at ", previous_end, ", not at the end of the ",
        rows.text.size(), "-byte text"));
  }

  const size_t bytes_per_row = TextPerturbations::BytesPerRow(rows.word_count);
  if (rows.removed_words.size() % bytes_per_row != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "text_perturbations.removed_words has ", rows.removed_words.size(),
        " bytes, not a multiple of the ", bytes_per_row, " bytes per row that ", rows.word_count,
        " words take"));
  }
  return absl::OkStatus();
}

bool TokensArePerPiece(const TextPerturbations& rows) {
  constexpr std::string_view kCapitalSigma = "\xCE\xA3";
  if (rows.text.find(kCapitalSigma) != std::string_view::npos) return false;

  size_t piece_begin = 0;
  bool previous_is_word = false;
  for (size_t piece = 0; piece < rows.piece_ends.size(); ++piece) {
    const size_t piece_end = static_cast<size_t>(rows.piece_ends[piece]);
    const std::string_view text = rows.text.substr(piece_begin, piece_end - piece_begin);
    const bool is_word = rows.piece_words[piece] >= 0;
    piece_begin = piece_end;
    if (text.empty()) continue;
    if (is_word && previous_is_word) return false;
    if (!is_word && !IsNeutralSeparator(text)) return false;
    previous_is_word = is_word;
  }
  return true;
}

}  // namespace goalpost::inference
