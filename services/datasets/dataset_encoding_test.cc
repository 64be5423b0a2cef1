#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/text/tokenizer.h"
#include "services/datasets/column_statistics.h"
#include "services/datasets/dataset_builder.h"
#include "services/datasets/token_index.h"

namespace goalpost::datasets {
namespace {

namespace v1 = ::goalpost::datasets::v1;

// The ASCII fast path skips 16 bytes at a time: an invalid byte must be
// found at every position of a long value, and valid multi-byte characters
// must pass wherever they start.
TEST(FindInvalidUtf8Test, InvalidByteAtEveryPosition) {
  for (size_t position = 0; position < 48; ++position) {
    std::string text(48, 'a');
    text[position] = '\xFF';
    EXPECT_EQ(FindInvalidUtf8(text), static_cast<int64_t>(position));

    std::string valid(48, 'a');
    valid.replace(position, 2, "\xC3\xA9");
    valid.resize(48);
    EXPECT_EQ(FindInvalidUtf8(valid), valid.size() > position + 1 ? -1 : static_cast<int64_t>(position));
  }
  EXPECT_EQ(FindInvalidUtf8(std::string(40, 'a') + "\xE6\x9D"), 40);
  EXPECT_EQ(FindInvalidUtf8(std::string(40, 'a') + "\xED\xA0\x80"), 40);
  EXPECT_EQ(FindInvalidUtf8(std::string(40, 'a') + "\xC0\xAF" + std::string(20, 'a')), 40);
}

// Every token of every row is found in its bucket with exactly the rows
// whose text contains it, whatever its length (the table compares short and
// long tokens differently), and the table grows past its first size.
TEST(TokenIndexTest, BucketsListEveryToken) {
  ColumnChunk chunk(v1::COLUMN_TYPE_STRING);
  std::map<std::string, std::set<int32_t>> expected;
  std::mt19937 random(20261204);
  auto random_token = [&random] {
    std::string token(2 + random() % 30, 'a');
    for (char& c : token) c = static_cast<char>('a' + random() % 26);
    return token;
  };
  std::vector<std::string> common_words;
  for (int i = 0; i < 200; ++i) common_words.push_back(random_token());
  for (int32_t row = 0; row < 3000; ++row) {
    std::string text;
    for (int word = 0; word < 40; ++word) {
      // Half the words repeat across rows, some within a row too.
      const std::string token = word % 2 == 0 ? common_words[random() % common_words.size()] : random_token();
      text += (word % 3 == 0 ? "Caf\xC3\xA9 " : "") + token + (word % 5 == 0 ? " " + token : "") + ", ";
    }
    // Long tokens that differ only in their middle bytes.
    text += "abcdefgh" + std::string(1, static_cast<char>('a' + row % 26)) +
            std::string(1, static_cast<char>('a' + row / 26 % 26)) + "stuvwxyz ";
    const bool missing = row % 97 == 5;
    chunk.AddString(missing ? "" : text, missing);
    if (missing) continue;
    for (const std::string& token : goalpost::text::Tokenize(text)) expected[token].insert(row);
  }

  const std::vector<std::pair<int, std::string>> buckets = EncodeTokenBuckets(chunk);
  std::map<int, std::string> by_bucket(buckets.begin(), buckets.end());
  ASSERT_EQ(by_bucket.size(), buckets.size());
  ASSERT_GT(expected.size(), 65536u / 2);
  for (const auto& [token, rows] : expected) {
    const auto found = by_bucket.find(TokenBucket(token));
    ASSERT_NE(found, by_bucket.end()) << token;
    absl::StatusOr<std::optional<std::vector<int32_t>>> stored = FindTokenRows(found->second, token);
    ASSERT_TRUE(stored.ok()) << stored.status();
    ASSERT_TRUE(stored->has_value()) << token;
    EXPECT_EQ(**stored, std::vector<int32_t>(rows.begin(), rows.end())) << token;
  }
  absl::StatusOr<std::optional<std::vector<int32_t>>> absent =
      FindTokenRows(by_bucket.begin()->second, "nosuchtoken");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

// Chunks' values are sorted one chunk at a time and merged at the end. The
// statistics must equal those of one sort of every value, because the order
// is the same and so the sums are bit for bit the same.
TEST(ColumnStatisticsTest, MergedRunsMatchOneSort) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> uniform(-5.0, 5.0);
  ColumnStatisticsBuilder builder(v1::COLUMN_ROLE_NUMERIC_FEATURE, v1::COLUMN_TYPE_DOUBLE, {});
  std::vector<double> all;
  int64_t missing = 0;
  for (int c = 0; c < 5; ++c) {
    ColumnChunk chunk(v1::COLUMN_TYPE_DOUBLE);
    for (int i = 0; i < 1000 + c * 37; ++i) {
      if (i % 50 == 3) {
        chunk.doubles.push_back(std::nan(""));
        ++missing;
        continue;
      }
      chunk.doubles.push_back(uniform(random));
      all.push_back(chunk.doubles.back());
    }
    builder.Add(chunk);
  }
  std::sort(all.begin(), all.end());
  double sum = 0;
  for (double value : all) sum += value;
  const double mean = sum / static_cast<double>(all.size());
  double squares = 0;
  for (double value : all) squares += (value - mean) * (value - mean);

  const v1::ColumnStatistics statistics = builder.Finish();
  EXPECT_EQ(statistics.missing_count(), missing);
  const v1::NumericStatistics& numeric = statistics.numeric();
  EXPECT_EQ(numeric.count(), static_cast<int64_t>(all.size()));
  EXPECT_EQ(numeric.min(), all.front());
  EXPECT_EQ(numeric.max(), all.back());
  EXPECT_EQ(numeric.mean(), mean);
  EXPECT_EQ(numeric.standard_deviation(), std::sqrt(squares / static_cast<double>(all.size())));
  EXPECT_EQ(numeric.quartile_1(), Quantile(all, 0.25));
  EXPECT_EQ(numeric.median(), Quantile(all, 0.5));
  EXPECT_EQ(numeric.quartile_3(), Quantile(all, 0.75));
}

}  // namespace
}  // namespace goalpost::datasets
