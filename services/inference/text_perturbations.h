#ifndef GOALPOST_SERVICES_INFERENCE_TEXT_PERTURBATIONS_H_
#define GOALPOST_SERVICES_INFERENCE_TEXT_PERTURBATIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace goalpost::inference {

// Rows given as one base text with words removed, as the perturbed samples
// of a LIME text explanation. The base text is cut into pieces. A piece is
// either an occurrence of a word (words are numbered, and a word may occur
// several times) or a separator, which every row keeps. A row is the base
// text without every occurrence of the words it removes.
//
// A view: the text, spans and bitmap belong to the caller.
struct TextPerturbations {
  std::string_view text;
  // Byte offset where each piece ends, ascending; the last is text.size().
  absl::Span<const int32_t> piece_ends;
  // Per piece: its word in [0, word_count), or -1 for a separator.
  absl::Span<const int32_t> piece_words;
  int32_t word_count = 0;
  // BytesPerRow(word_count) bytes per row. Bit (w % 8) of byte (w / 8) of a
  // row is set when the row removes word w.
  std::string_view removed_words;

  static size_t BytesPerRow(int32_t word_count) { return (static_cast<size_t>(word_count) + 7) / 8; }

  size_t row_count() const {
    return word_count == 0 ? 0 : removed_words.size() / BytesPerRow(word_count);
  }

  bool Removes(size_t row, int32_t word) const {
    const auto byte = static_cast<uint8_t>(removed_words[row * BytesPerRow(word_count) + word / 8]);
    return (byte >> (word % 8)) & 1;
  }

  // Returns the text of one row.
  std::string RowText(size_t row) const;

  // Returns the rows [begin, end) over the same text and pieces.
  TextPerturbations Rows(size_t begin, size_t end) const;
};

// Checks that the pieces cover the text in order, that every piece's word
// is -1 or in [0, word_count), and that the bitmap contains whole rows.
// INVALID_ARGUMENT names the field (as in the TextPerturbationBatch message)
// and the offending value.
absl::Status ValidateTextPerturbations(const TextPerturbations& rows);

// Returns true when the tokens of every row (goalpost::text::Tokenize) are
// the tokens of its kept pieces, each piece tokenized alone. That holds when
// lower-casing is context-free and no token crosses a piece boundary:
// - in the root locale the one contextual lower-case mapping is the final
//   sigma, so the text must not contain U+03A3;
// - no two word pieces are adjacent, and every separator begins and ends
//   with a non-word character and contains no token, so that it keeps any
//   two texts apart and adds nothing.
bool TokensArePerPiece(const TextPerturbations& rows);

}  // namespace goalpost::inference

#endif  // GOALPOST_SERVICES_INFERENCE_TEXT_PERTURBATIONS_H_
