// The text model on perturbed texts (LIME samples) without building them.
// A TF-IDF row depends only on the counts of its tokens. When the tokens of
// every row are the tokens of its kept pieces (TokensArePerPiece), the counts
// of a row are the sums of its kept words' counts. Other texts are scored
// through their rows' texts, so the result never depends on the way taken.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "common/text/tokenizer.h"
#include "services/inference/tfidf_logistic_regression.h"

namespace goalpost::inference {
namespace {

// The terms of each word of a TextPerturbations.
struct WordTerms {
  // Ascending vocabulary columns of the words' tokens.
  std::vector<int> columns;
  // (index into columns, count of that column's token over every occurrence
  // of the word), word by word: word w's are [term_begin[w],
  // term_begin[w + 1]).
  std::vector<std::pair<int, int>> terms;
  std::vector<size_t> term_begin;
};

// Returns the terms of each word, or nullopt when the rows' counts are not
// the sums of their words' counts.
std::optional<WordTerms> TermsOfWords(const TextPerturbations& rows,
                                      absl::FunctionRef<int(std::string_view)> column_of) {
  if (!TokensArePerPiece(rows)) return std::nullopt;

  // (word, column) per token occurrence of every word piece.
  std::vector<std::pair<int, int>> word_columns;
  size_t piece_begin = 0;
  for (size_t piece = 0; piece < rows.piece_ends.size(); ++piece) {
    const size_t piece_end = static_cast<size_t>(rows.piece_ends[piece]);
    const int word = rows.piece_words[piece];
    if (word >= 0) {
      const std::string_view text = rows.text.substr(piece_begin, piece_end - piece_begin);
      text::ForEachToken(text, [&](std::string_view token) {
        const int column = column_of(token);
        if (column >= 0) word_columns.emplace_back(word, column);
      });
    }
    piece_begin = piece_end;
  }

  WordTerms terms;
  for (const auto& entry : word_columns) terms.columns.push_back(entry.second);
  std::sort(terms.columns.begin(), terms.columns.end());
  terms.columns.erase(std::unique(terms.columns.begin(), terms.columns.end()), terms.columns.end());

  // Sorted by word, the entries come out word by word.
  std::sort(word_columns.begin(), word_columns.end());
  terms.term_begin.assign(static_cast<size_t>(rows.word_count) + 1, 0);
  for (size_t i = 0; i < word_columns.size();) {
    size_t j = i;
    while (j < word_columns.size() && word_columns[j] == word_columns[i]) ++j;
    const auto [word, column] = word_columns[i];
    const auto local = std::lower_bound(terms.columns.begin(), terms.columns.end(), column);
    terms.terms.emplace_back(static_cast<int>(local - terms.columns.begin()),
                             static_cast<int>(j - i));
    ++terms.term_begin[word + 1];
    i = j;
  }
  for (size_t word = 0; word < static_cast<size_t>(rows.word_count); ++word) {
    terms.term_begin[word + 1] += terms.term_begin[word];
  }
  return terms;
}

}  // namespace

absl::StatusOr<ClassProbabilities> TfidfLogisticRegression::PredictTextPerturbations(
    const TextPerturbations& rows) const {
  const std::optional<WordTerms> words =
      TermsOfWords(rows, [this](std::string_view token) { return ColumnOf(token); });
  if (!words.has_value()) return ModelRuntime::PredictTextPerturbations(rows);

  const size_t classes = classes_.size();
  ClassProbabilities result;
  result.class_count = class_count();
  result.probabilities.resize(rows.row_count() * classes);

  // Counts per entry of words->columns, summed over the row's kept words,
  // then passed on in ascending column order as PredictText does.
  const size_t bytes_per_row = TextPerturbations::BytesPerRow(rows.word_count);
  std::vector<int> counts(words->columns.size());
  std::vector<std::pair<int, int>> term_counts;
  for (size_t row = 0; row < rows.row_count(); ++row) {
    std::fill(counts.begin(), counts.end(), 0);
    const char* removed = rows.removed_words.data() + row * bytes_per_row;
    for (size_t byte = 0; byte < bytes_per_row; ++byte) {
      unsigned kept_bits = ~static_cast<unsigned>(static_cast<uint8_t>(removed[byte])) & 0xFFu;
      while (kept_bits != 0) {
        const size_t word = byte * 8 + static_cast<size_t>(__builtin_ctz(kept_bits));
        kept_bits &= kept_bits - 1;
        if (word >= static_cast<size_t>(rows.word_count)) break;
        for (size_t t = words->term_begin[word]; t < words->term_begin[word + 1]; ++t) {
          counts[words->terms[t].first] += words->terms[t].second;
        }
      }
    }

    term_counts.clear();
    for (size_t local = 0; local < counts.size(); ++local) {
      if (counts[local] > 0) term_counts.emplace_back(words->columns[local], counts[local]);
    }
    PredictTermCounts(term_counts, &result.probabilities[row * classes]);
  }
  SetPredictedClasses(result);
  return result;
}

}  // namespace goalpost::inference
