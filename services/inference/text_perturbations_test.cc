#include "services/inference/text_perturbations.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "services/inference/test_python.h"
#include "services/inference/tfidf_logistic_regression.h"

namespace goalpost::inference {
namespace {

// A text cut into pieces, owning what a TextPerturbations views.
struct PiecedText {
  std::string text;
  std::vector<int32_t> piece_ends;
  std::vector<int32_t> piece_words;
  int32_t word_count = 0;
  std::string removed_words;

  TextPerturbations View() const {
    return TextPerturbations{text, piece_ends, piece_words, word_count, removed_words};
  }
};

bool IsWordByte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || std::isalnum(byte) || c == '_';
}

// Cuts `text` into runs of word bytes (ASCII letters, digits, "_" and every
// non-ASCII byte) and runs of other bytes; equal runs are one word.
PiecedText CutIntoWords(const std::string& text) {
  PiecedText pieced;
  pieced.text = text;
  std::vector<std::string> words;
  size_t begin = 0;
  while (begin < text.size()) {
    const bool word = IsWordByte(text[begin]);
    size_t end = begin;
    while (end < text.size() && IsWordByte(text[end]) == word) ++end;
    int32_t id = -1;
    if (word) {
      const std::string piece = text.substr(begin, end - begin);
      id = static_cast<int32_t>(std::find(words.begin(), words.end(), piece) - words.begin());
      if (id == static_cast<int32_t>(words.size())) words.push_back(piece);
    }
    pieced.piece_ends.push_back(static_cast<int32_t>(end));
    pieced.piece_words.push_back(id);
    begin = end;
  }
  pieced.word_count = static_cast<int32_t>(words.size());
  return pieced;
}

// Adds `rows` rows that each remove every word with probability one half.
void AddRandomRows(PiecedText& pieced, int rows, uint32_t seed) {
  std::mt19937 random(seed);
  const size_t bytes_per_row = TextPerturbations::BytesPerRow(pieced.word_count);
  for (int row = 0; row < rows; ++row) {
    std::string bitmap(bytes_per_row, '\0');
    for (int32_t word = 0; word < pieced.word_count; ++word) {
      if (random() % 2 == 1) bitmap[word / 8] = static_cast<char>(bitmap[word / 8] | (1 << (word % 8)));
    }
    pieced.removed_words += bitmap;
  }
}

std::unique_ptr<TfidfLogisticRegression> LoadSpamModel() {
  auto artifact = testing::ReadFile("examples/spamassassin/spam_tfidf_logreg.json");
  EXPECT_TRUE(artifact.ok());
  auto model = TfidfLogisticRegression::FromJson(artifact.value_or(""), {"ham", "spam"});
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? *std::move(model) : nullptr;
}

// The probabilities from the word counts must equal, bit for bit, those of
// the rows' texts.
void ExpectSameAsRowTexts(const TfidfLogisticRegression& model, const PiecedText& pieced) {
  const TextPerturbations rows = pieced.View();
  ASSERT_TRUE(ValidateTextPerturbations(rows).ok()) << ValidateTextPerturbations(rows);
  std::vector<std::string> texts;
  for (size_t row = 0; row < rows.row_count(); ++row) texts.push_back(rows.RowText(row));

  auto expected = model.PredictTexts(texts);
  auto computed = model.PredictTextPerturbations(rows);
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_TRUE(computed.ok()) << computed.status();
  EXPECT_EQ(computed->probabilities, expected->probabilities);
  EXPECT_EQ(computed->predicted_class, expected->predicted_class);
}

TEST(TextPerturbationsTest, RowTextDropsRemovedWords) {
  PiecedText pieced = CutIntoWords("free money, free time");
  ASSERT_EQ(pieced.word_count, 3);
  pieced.removed_words = std::string(1, '\x01') + std::string(1, '\x04') + std::string(1, '\x07');
  const TextPerturbations rows = pieced.View();
  ASSERT_EQ(rows.row_count(), 3u);
  EXPECT_EQ(rows.RowText(0), " money,  time");
  EXPECT_EQ(rows.RowText(1), "free money, free ");
  EXPECT_EQ(rows.RowText(2), " ,  ");
  EXPECT_EQ(rows.Rows(1, 3).RowText(0), "free money, free ");
}

TEST(TextPerturbationsTest, SpamAssassinRowsMatchTheirTexts) {
  const std::string folder = testing::MakeTemporaryFolder();
  auto output = testing::RunPython({"services/inference/testdata/sklearn_reference.py", "--repo",
                                    ".", "--target", "shipped", "--out", folder});
  ASSERT_TRUE(output.ok()) << output.status();
  const auto reference =
      nlohmann::json::parse(testing::ReadFile(folder + "/reference.json").value_or("{}"));
  std::filesystem::remove_all(folder);
  const auto texts = reference.value("texts", std::vector<std::string>{});
  ASSERT_GE(texts.size(), 100u);
  const auto model = LoadSpamModel();
  ASSERT_NE(model, nullptr);

  int per_piece = 0;
  for (size_t i = 0; i < 100; ++i) {
    PiecedText pieced = CutIntoWords(texts[i]);
    if (pieced.word_count == 0) continue;
    AddRandomRows(pieced, 50, static_cast<uint32_t>(i));
    if (TokensArePerPiece(pieced.View())) ++per_piece;
    ExpectSameAsRowTexts(*model, pieced);
  }
  // CutIntoWords makes only ASCII separators, so only a text with a capital
  // sigma goes the slow way.
  EXPECT_GE(per_piece, 90);
}

// A text cut as given, with random rows.
PiecedText Pieces(std::string text, std::vector<int32_t> ends, std::vector<int32_t> words,
                  uint32_t seed) {
  PiecedText pieced;
  pieced.text = std::move(text);
  pieced.piece_ends = std::move(ends);
  pieced.piece_words = std::move(words);
  pieced.word_count = *std::max_element(pieced.piece_words.begin(), pieced.piece_words.end()) + 1;
  AddRandomRows(pieced, 16, seed);
  return pieced;
}

TEST(TextPerturbationsTest, NonAsciiSeparatorIsPerPiece) {
  const PiecedText pieced =
      Pieces("Free \xE2\x80\x94 MONEY \xE2\x80\x94 now", {4, 9, 14, 19, 22}, {0, -1, 1, -1, 2}, 7);
  EXPECT_TRUE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

TEST(TextPerturbationsTest, CapitalSigmaIsNotPerPiece) {
  const PiecedText pieced =
      Pieces("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 free", {8, 9, 13}, {0, -1, 1}, 3);
  EXPECT_FALSE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

TEST(TextPerturbationsTest, AdjacentWordsAreNotPerPiece) {
  const PiecedText pieced = Pieces("freemoney now", {4, 9, 10, 13}, {0, 1, -1, 2}, 5);
  EXPECT_FALSE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

TEST(TextPerturbationsTest, SeparatorWithTokenIsNotPerPiece) {
  const PiecedText pieced = Pieces("free xy money", {4, 8, 13}, {0, -1, 1}, 9);
  EXPECT_FALSE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

TEST(TextPerturbationsTest, SeparatorGluedToWordIsNotPerPiece) {
  const PiecedText pieced = Pieces("free x money", {4, 6, 12}, {0, -1, 1}, 11);
  EXPECT_FALSE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

TEST(TextPerturbationsTest, LoneWordCharacterInSeparatorIsPerPiece) {
  // "x" between spaces never forms a token, whatever the rows remove.
  const PiecedText pieced = Pieces("free x money", {4, 7, 12}, {0, -1, 1}, 13);
  EXPECT_TRUE(TokensArePerPiece(pieced.View()));
  ExpectSameAsRowTexts(*LoadSpamModel(), pieced);
}

class InvalidTextPerturbationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pieced_ = CutIntoWords("free money");
    AddRandomRows(pieced_, 3, 1);
  }

  std::string Error() const {
    const absl::Status status = ValidateTextPerturbations(pieced_.View());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    return std::string(status.message());
  }

  PiecedText pieced_;
};

TEST_F(InvalidTextPerturbationsTest, ValidRowsPass) {
  EXPECT_TRUE(ValidateTextPerturbations(pieced_.View()).ok());
}

TEST_F(InvalidTextPerturbationsTest, DescendingEndIsInvalid) {
  pieced_.piece_ends = {5, 4, 10};
  EXPECT_NE(Error().find("piece_ends[1] is 4"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, EndShortOfTextIsInvalid) {
  pieced_.piece_ends = {4, 5, 9};
  EXPECT_NE(Error().find("not at the end of the 10-byte text"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, WordOutOfRangeIsInvalid) {
  pieced_.piece_words = {0, -1, 2};
  EXPECT_NE(Error().find("piece_words[2] is 2"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, PieceCountMismatchIsInvalid) {
  pieced_.piece_words = {0, -1};
  EXPECT_NE(Error().find("3 piece_ends and 2 piece_words"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, PartialBitmapRowIsInvalid) {
  pieced_.word_count = 9;
  EXPECT_NE(Error().find("not a multiple of the 2 bytes per row"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, EndInsideCharacterIsInvalid) {
  pieced_.text = "fr\xC3\xA9 money";
  pieced_.piece_ends = {3, 5, 10};
  EXPECT_NE(Error().find("inside a UTF-8 character"), std::string::npos);
}

TEST_F(InvalidTextPerturbationsTest, ZeroWordsIsInvalid) {
  pieced_.word_count = 0;
  EXPECT_NE(Error().find("word_count is 0"), std::string::npos);
}

}  // namespace
}  // namespace goalpost::inference
