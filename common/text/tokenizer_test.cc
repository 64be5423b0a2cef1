#include "common/text/tokenizer.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace goalpost::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TokenizerTest, LowerCasesAndSplitsOnNonWordCharacters) {
  EXPECT_THAT(Tokenize("Free MONEY, now!!! call_me 42x"),
              ElementsAre("free", "money", "now", "call_me", "42x"));
}

TEST(TokenizerTest, DropsOneCharacterRuns) {
  EXPECT_THAT(Tokenize("a b c I x9 ab"), ElementsAre("x9", "ab"));
}

TEST(TokenizerTest, EmptyAndPunctuationOnlyGiveNoTokens) {
  EXPECT_THAT(Tokenize(""), IsEmpty());
  EXPECT_THAT(Tokenize("... --- !!!"), IsEmpty());
}

TEST(TokenizerTest, KeepsNonAsciiLettersAndNumbers) {
  // "Ü" lower-cases to "ü"; "²" (No) and "٣" (Nd) are numbers.
  EXPECT_THAT(Tokenize("ÜBER straße x² ٣٤ 東京"),
              ElementsAre("über", "straße", "x²", "٣٤", "東京"));
}

TEST(TokenizerTest, CombiningMarkSplitsTokens) {
  // Python lower-cases "İ" to "i" + U+0307; the combining dot (Mn) is not \w.
  EXPECT_EQ(ToLower("İ"), "i\xCC\x87");
  EXPECT_THAT(Tokenize("İSTANBUL"), ElementsAre("stanbul"));
}

TEST(TokenizerTest, FinalSigmaLowerCasesLikePython) {
  EXPECT_EQ(ToLower("ΟΔΟΣ"), "οδος");
}

TEST(TokenizerTest, SupplementaryLettersCountAsOneCharacter) {
  // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter (Lu) outside the BMP.
  EXPECT_THAT(Tokenize("\xF0\x9D\x90\x80 \xF0\x9D\x90\x80\xF0\x9D\x90\x80"),
              ElementsAre("\xF0\x9D\x90\x80\xF0\x9D\x90\x80"));
}

TEST(TokenizerTest, MixedPieceGivesEachTokenOnce) {
  // The ASCII tokens before the first non-ASCII byte of a piece come first,
  // then the rest of the piece as ICU reads it (outputs of scikit-learn 1.2).
  EXPECT_THAT(Tokenize("Hello,Wörld foo"), ElementsAre("hello", "wörld", "foo"));
  EXPECT_THAT(Tokenize("abc.DEF-ghé x"), ElementsAre("abc", "def", "ghé"));
  EXPECT_THAT(Tokenize("ab_cdé İx"), ElementsAre("ab_cdé"));
  EXPECT_THAT(Tokenize("Mixed-Up_WORDS.Ünd,Ende"),
              ElementsAre("mixed", "up_words", "ünd", "ende"));
}

TEST(TokenizerTest, FinalSigmaAfterAsciiInOnePiece) {
  EXPECT_THAT(Tokenize("AB.ΣΣ,cd"), ElementsAre("ab", "σς", "cd"));
}

// Runs the reference script and returns one JSON object per row.
std::vector<nlohmann::json> ReferenceTokens(const std::string& csv_path) {
  const std::string command =
      "/usr/bin/python3 common/text/tokenize_reference.py " + csv_path;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return {};

  std::string output;
  char buffer[1 << 16];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) output.append(buffer, read);

  std::vector<nlohmann::json> rows;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string::npos) end = output.size();
    rows.push_back(nlohmann::json::parse(output.substr(start, end - start)));
    start = end + 1;
  }
  return rows;
}

class TokenizerReferenceTest : public ::testing::TestWithParam<std::string> {};

// Every text of the shipped SpamAssassin files, non-ASCII included, must give
// exactly scikit-learn's tokens.
TEST_P(TokenizerReferenceTest, MatchesScikitLearnOnEveryRow) {
  const std::vector<nlohmann::json> rows = ReferenceTokens(GetParam());
  ASSERT_GT(rows.size(), 1000u) << "the reference script printed too few rows";

  int non_ascii_rows = 0;
  for (const nlohmann::json& row : rows) {
    const std::string text = row["text"].get<std::string>();
    const std::vector<std::string> expected = row["tokens"].get<std::vector<std::string>>();
    for (char c : text) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        ++non_ascii_rows;
        break;
      }
    }
    ASSERT_EQ(Tokenize(text), expected) << "first differing row id: " << row["id"];
  }
  EXPECT_GT(non_ascii_rows, 0) << "the data should exercise the non-ASCII path";
}

INSTANTIATE_TEST_SUITE_P(SpamAssassin, TokenizerReferenceTest,
                         ::testing::Values("examples/spamassassin/training.csv",
                                           "examples/spamassassin/validation.csv"));

}  // namespace
}  // namespace goalpost::text
