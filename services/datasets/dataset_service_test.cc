// Integration tests of DatasetService: a real PostgreSQL and a real gRPC
// server on 127.0.0.1.
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/text/tokenizer.h"
#include "services/datasets/dataset_test_support.h"

namespace goalpost::datasets {
namespace {

using ::goalpost::datasets::testing::CommandOutputLines;
using ::goalpost::datasets::testing::ReadFile;
using ::goalpost::datasets::testing::SpamAssassinSpec;
using ::goalpost::datasets::testing::TestDatasetServer;
using ::goalpost::datasets::testing::UploadCsv;
using ::testing::HasSubstr;

// Reads every column of a dataset through ReadColumns.
std::vector<v1::ReadColumnsResponse> ReadAll(v1::DatasetService::Stub& stub,
                                             v1::ReadColumnsRequest request, grpc::Status* status) {
  grpc::ClientContext context;
  auto reader = stub.ReadColumns(&context, request);
  std::vector<v1::ReadColumnsResponse> chunks;
  v1::ReadColumnsResponse chunk;
  while (reader->Read(&chunk)) chunks.push_back(chunk);
  *status = reader->Finish();
  return chunks;
}

std::vector<int64_t> Lookup(v1::DatasetService::Stub& stub, const std::string& name,
                            const std::vector<std::string>& tokens, v1::TokenLookupMode mode,
                            grpc::Status* status) {
  v1::LookupTokensRequest request;
  request.set_name(name);
  request.set_column("text");
  for (const std::string& token : tokens) request.add_tokens(token);
  request.set_mode(mode);
  grpc::ClientContext context;
  auto reader = stub.LookupTokens(&context, request);
  std::vector<int64_t> rows;
  v1::LookupTokensResponse response;
  while (reader->Read(&response)) rows.insert(rows.end(), response.row_indices().begin(), response.row_indices().end());
  *status = reader->Finish();
  return rows;
}

class SpamAssassinTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { server_ = new TestDatasetServer("spamassassin"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestDatasetServer* server_;
};
TestDatasetServer* SpamAssassinTest::server_ = nullptr;

// The file comes back value for value as Python's csv module reads it; the
// upload is sliced at an odd size so slices end inside rows, quoted fields
// and multi-byte characters.
TEST_P(SpamAssassinTest, UploadReadsBackExactly) {
  const std::string path = "examples/spamassassin/" + GetParam();
  const std::vector<std::string> lines =
      CommandOutputLines("/usr/bin/python3 services/datasets/testdata/csv_rows.py " + path);
  ASSERT_GT(lines.size(), 1000u);
  const std::vector<std::string> header = nlohmann::json::parse(lines[0]);
  ASSERT_EQ(header.size(), 7u);

  v1::DatasetSpec spec = SpamAssassinSpec();
  spec.set_display_name(GetParam());
  v1::UploadDatasetResponse uploaded;
  grpc::Status status = UploadCsv(server_->stub(), spec, ReadFile(path), 7919, &uploaded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Dataset& dataset = uploaded.dataset();
  EXPECT_EQ(dataset.row_count(), static_cast<int64_t>(lines.size() - 1));
  EXPECT_FALSE(uploaded.already_existed());
  ASSERT_EQ(dataset.columns_size(), 7);
  EXPECT_EQ(dataset.label_distribution_size(), 2);
  EXPECT_EQ(dataset.label_distribution(0) + dataset.label_distribution(1), dataset.row_count());

  v1::ReadColumnsRequest request;
  request.set_name(dataset.name());
  std::vector<v1::ReadColumnsResponse> chunks = ReadAll(server_->stub(), request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();

  int64_t row = 0;
  for (const v1::ReadColumnsResponse& chunk : chunks) {
    ASSERT_EQ(chunk.row_offset(), row);
    ASSERT_EQ(chunk.columns_size(), 7);
    for (int r = 0; r < chunk.row_count(); ++r, ++row) {
      const std::vector<std::string> expected = nlohmann::json::parse(lines[row + 1]);
      for (int c = 0; c < 7; ++c) {
        const v1::ColumnData& column = chunk.columns(c);
        ASSERT_EQ(column.name(), header[c]);
        SCOPED_TRACE("row " + std::to_string(row) + ", column " + column.name());
        switch (column.type()) {
          case v1::COLUMN_TYPE_DOUBLE:
            ASSERT_EQ(column.doubles(r), std::strtod(expected[c].c_str(), nullptr));
            break;
          case v1::COLUMN_TYPE_CLASS:
            ASSERT_EQ(spec.class_names(column.class_indices(r)), expected[c]);
            break;
          default:
            ASSERT_EQ(column.strings(r), expected[c]);
            break;
        }
      }
    }
  }
  EXPECT_EQ(row, dataset.row_count());
}

// Sending the same bytes with the same spec returns the stored dataset.
TEST_P(SpamAssassinTest, ReuploadReturnsExistingDataset) {
  const std::string csv = ReadFile("examples/spamassassin/" + GetParam());
  v1::DatasetSpec spec = SpamAssassinSpec();
  spec.set_display_name(GetParam());
  v1::UploadDatasetResponse first;
  v1::UploadDatasetResponse second;
  ASSERT_TRUE(UploadCsv(server_->stub(), spec, csv, 1 << 20, &first).ok());
  const int64_t stored = server_->StoredRowCount();
  ASSERT_TRUE(UploadCsv(server_->stub(), spec, csv, 65536, &second).ok());

  EXPECT_TRUE(second.already_existed());
  EXPECT_EQ(second.dataset().name(), first.dataset().name());
  EXPECT_EQ(second.dataset().content_hash(), first.dataset().content_hash());
  EXPECT_EQ(server_->StoredRowCount(), stored);
}

// LookupTokens agrees with tokenizing every text of the dataset.
TEST_P(SpamAssassinTest, TokenIndexAgreesWithScan) {
  const std::string csv = ReadFile("examples/spamassassin/" + GetParam());
  v1::DatasetSpec spec = SpamAssassinSpec();
  spec.set_display_name(GetParam());
  v1::UploadDatasetResponse uploaded;
  ASSERT_TRUE(UploadCsv(server_->stub(), spec, csv, 1 << 20, &uploaded).ok());

  v1::ReadColumnsRequest request;
  request.set_name(uploaded.dataset().name());
  request.add_columns("text");
  grpc::Status status;
  std::vector<std::set<std::string>> row_tokens;
  for (const v1::ReadColumnsResponse& chunk : ReadAll(server_->stub(), request, &status)) {
    for (const std::string& text : chunk.columns(0).strings()) {
      std::vector<std::string> tokens = goalpost::text::Tokenize(text);
      row_tokens.emplace_back(tokens.begin(), tokens.end());
    }
  }
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::vector<std::vector<std::string>> queries = {
      {"free"}, {"Free", "MONEY"}, {"canada"}, {"the", "click"}, {"zzzzteana"}, {"nosuchtokenanywhere"}};
  for (const std::vector<std::string>& query : queries) {
    for (v1::TokenLookupMode mode : {v1::TOKEN_LOOKUP_MODE_ALL, v1::TOKEN_LOOKUP_MODE_ANY}) {
      SCOPED_TRACE(query[0] + (mode == v1::TOKEN_LOOKUP_MODE_ANY ? " (any)" : " (all)"));
      std::vector<int64_t> expected;
      for (size_t row = 0; row < row_tokens.size(); ++row) {
        size_t hits = 0;
        for (const std::string& token : query) hits += row_tokens[row].count(goalpost::text::ToLower(token));
        const bool match = mode == v1::TOKEN_LOOKUP_MODE_ANY ? hits > 0 : hits == query.size();
        if (match) expected.push_back(static_cast<int64_t>(row));
      }
      EXPECT_EQ(Lookup(server_->stub(), uploaded.dataset().name(), query, mode, &status), expected);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SpamAssassinTest,
                         ::testing::Values("training.csv", "validation.csv"));

}  // namespace
}  // namespace goalpost::datasets
