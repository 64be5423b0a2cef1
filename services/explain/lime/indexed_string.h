#ifndef GOALPOST_SERVICES_EXPLAIN_LIME_INDEXED_STRING_H_
#define GOALPOST_SERVICES_EXPLAIN_LIME_INDEXED_STRING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace goalpost::explain {

// A text split into words as the reference `lime` package's IndexedString
// does by default (split_expression r'\W+', bow=True): the text is cut
// into runs of word characters and runs of other characters; each distinct
// word (case kept) is one feature, numbered in order of first occurrence,
// and removing a feature removes every occurrence of it.
//
// A word character is what Python 3's re module calls \w in a str pattern:
// a Unicode letter or number (general categories L* and N*) or "_". Bytes
// that are not valid UTF-8 count as non-word characters and are kept.
class IndexedString {
 public:
  explicit IndexedString(std::string_view text);

  int num_words() const { return static_cast<int>(words_.size()); }
  const std::string& word(int id) const { return words_[id]; }
  const std::string& raw_string() const { return raw_; }

  // The text without every occurrence of the words in `word_ids`, with the
  // separators around them kept, as lime's inverse_removing.
  std::string InverseRemoving(const std::vector<int>& word_ids) const;

  // Returns the byte offset where each piece ends, ascending, the last being
  // the text's length: the form of the inference service's
  // TextPerturbationBatch.
  std::vector<int32_t> PieceEnds() const {
    return std::vector<int32_t>(piece_starts_.begin() + 1, piece_starts_.end());
  }

  // Per piece: its word id, or -1 for a separator.
  const std::vector<int>& piece_words() const { return piece_words_; }

 private:
  std::string raw_;
  // The text cut into word runs and separator runs: piece i is
  // raw_[piece_starts_[i], piece_starts_[i + 1]); the last entry is the
  // text's length.
  std::vector<size_t> piece_starts_;
  // Per piece: the word id, or -1 for a separator.
  std::vector<int> piece_words_;
  std::vector<std::string> words_;
};

}  // namespace goalpost::explain

#endif  // GOALPOST_SERVICES_EXPLAIN_LIME_INDEXED_STRING_H_
