#include "services/explain/lime/indexed_string.h"

#include <gtest/gtest.h>

namespace goalpost::explain {
namespace {

TEST(IndexedStringTest, WordsAreDistinctAndKeepCase) {
  const IndexedString indexed("Free money, free MONEY! Free");

  ASSERT_EQ(indexed.num_words(), 4);
  EXPECT_EQ(indexed.word(0), "Free");
  EXPECT_EQ(indexed.word(1), "money");
  EXPECT_EQ(indexed.word(2), "free");
  EXPECT_EQ(indexed.word(3), "MONEY");
}

TEST(IndexedStringTest, RemovingWordRemovesEveryOccurrence) {
  const IndexedString indexed("Free money, free MONEY! Free");

  // Separators stay, as lime's inverse_removing keeps them.
  EXPECT_EQ(indexed.InverseRemoving({0}), " money, free MONEY! ");
  EXPECT_EQ(indexed.InverseRemoving({1, 3}), "Free , free ! Free");
  EXPECT_EQ(indexed.InverseRemoving({}), "Free money, free MONEY! Free");
}

TEST(IndexedStringTest, UnderscoreAndDigitsAreWordCharacters) {
  const IndexedString indexed("call_me at 555-1234 __");

  ASSERT_EQ(indexed.num_words(), 5);
  EXPECT_EQ(indexed.word(0), "call_me");
  EXPECT_EQ(indexed.word(2), "555");
  EXPECT_EQ(indexed.word(4), "__");
}

TEST(IndexedStringTest, UnicodeLettersAreWordCharacters) {
  // U+FFFD and U+2019 are not word characters; accented and CJK letters are.
  const IndexedString indexed("fran\xC3\xA7" "ais world\xE2\x80\x99s \xE4\xB8\xAD\xE6\x96\x87 a\xEF\xBF\xBD" "b");

  ASSERT_EQ(indexed.num_words(), 6);
  EXPECT_EQ(indexed.word(0), "fran\xC3\xA7" "ais");
  EXPECT_EQ(indexed.word(1), "world");
  EXPECT_EQ(indexed.word(2), "s");
  EXPECT_EQ(indexed.word(3), "\xE4\xB8\xAD\xE6\x96\x87");
  EXPECT_EQ(indexed.word(4), "a");
  EXPECT_EQ(indexed.word(5), "b");
}

TEST(IndexedStringTest, TextWithoutWordsHasNoFeatures) {
  const IndexedString indexed("!!! ... ???");

  EXPECT_EQ(indexed.num_words(), 0);
  EXPECT_EQ(indexed.InverseRemoving({}), "!!! ... ???");
}

}  // namespace
}  // namespace goalpost::explain
