// Every bad input returns its status, names the line, column and value, and
// leaves nothing stored. Real PostgreSQL, real gRPC on 127.0.0.1.
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "services/datasets/dataset_test_support.h"

namespace goalpost::datasets {
namespace {

using ::goalpost::datasets::testing::ReadFile;
using ::goalpost::datasets::testing::SpamAssassinSpec;
using ::goalpost::datasets::testing::TestDatasetServer;
using ::goalpost::datasets::testing::UploadCsv;
using ::testing::HasSubstr;

v1::DatasetSpec SmallSpec() {
  v1::DatasetSpec spec;
  spec.set_project("projects/test");
  spec.set_role(v1::DATASET_ROLE_TRAINING);
  spec.set_id_column("id");
  spec.add_text_columns("text");
  spec.add_numeric_columns("x");
  spec.add_categorical_columns("color");
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  spec.add_probability_columns("p_a");
  spec.add_probability_columns("p_b");
  spec.add_class_names("a");
  spec.add_class_names("b");
  return spec;
}

const char kHeader[] = "id,text,x,color,label,prediction,p_a,p_b\n";
const char kGoodRow[] = "r1,\"hello world\",1.5,red,a,a,0.75,0.25\n";

struct BadInputCase {
  std::string name;
  std::string csv;
  // Changes the spec for this case.
  std::function<void(v1::DatasetSpec&)> change_spec;
  grpc::StatusCode code;
  std::vector<std::string> message_parts;
};

void NoChange(v1::DatasetSpec&) {}

std::vector<BadInputCase> BadInputCases() {
  const std::string header = kHeader;
  const std::string good = kGoodRow;
  return {
      {"DeclaredColumnMissing", header + good,
       [](v1::DatasetSpec& spec) { spec.add_numeric_columns("y"); },
       grpc::StatusCode::INVALID_ARGUMENT, {"line 1", "\"y\"", "missing from the header"}},
      {"DuplicateHeaderName", "id,text,x,color,label,prediction,p_a,p_b,x\n" + good, NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 1", "duplicate column name \"x\""}},
      {"TooFewFields", header + good + "r2,t,1,red,a,a,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "expected 8 fields", "got 7"}},
      {"TooManyFields", header + good + "r2,t,1,red,a,a,0.5,0.5,extra\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "got 9"}},
      {"UnterminatedQuote", header + good + "r2,\"never closed\n,1,red,a,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "unterminated quote"}},
      {"InvalidUtf8", header + good + "r2,\"bad \xC3\x28 byte\",1,red,a,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"text\"", "invalid UTF-8"}},
      {"NumberNotNumeric", header + good + "r2,t,abc,red,a,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"x\"", "\"abc\"", "not a finite number"}},
      {"NumberInfinite", header + good + "r2,t,inf,red,a,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "\"inf\"", "not a finite number"}},
      {"NumberNan", header + good + "r2,t,nan,red,a,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "\"nan\""}},
      {"LabelMissing", header + good + "r2,t,1,red,,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"label\"", "label is missing"}},
      {"LabelUnknown", header + good + "r2,t,1,red,c,a,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"label\"", "\"c\" is not one of the class names"}},
      {"PredictionUnknown", header + good + "r2,t,1,red,a,zz,0.5,0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"prediction\"", "\"zz\""}},
      {"ProbabilityMissing", header + good + "r2,t,1,red,a,a,,1\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"p_a\"", "missing"}},
      {"ProbabilityAboveOne", header + good + "r2,t,1,red,a,a,1.5,-0.5\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"p_a\"", "1.5", "outside [0, 1]"}},
      {"ProbabilitiesDoNotSumToOne", header + good + "r2,t,1,red,a,a,0.5,0.4\n", NoChange,
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "sum to 0.9"}},
      {"PredictionNotArgmax", header + good + "r2,t,1,red,a,a,0.25,0.75\n",
       [](v1::DatasetSpec& spec) { spec.set_check_prediction_is_argmax(true); },
       grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "column \"prediction\"", "arg-max"}},
      {"DuplicateId", header + good + "r2,t,1,red,a,a,0.5,0.5\n\"r1\",t,1,red,a,a,0.5,0.5\n",
       NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"line 4", "column \"id\"", "duplicate id \"r1\""}},
      {"EmptyFile", "", NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"empty"}},
      {"HeaderOnly", header, NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"no data rows"}},
      {"NoLabelColumn", header + good, [](v1::DatasetSpec& spec) { spec.clear_label_column(); },
       grpc::StatusCode::INVALID_ARGUMENT, {"spec.label_column"}},
      {"DisplayNameOver200Characters", header + good,
       [](v1::DatasetSpec& spec) {
         std::string name;
         for (int i = 0; i < 201; ++i) name += "\xC3\xA9";  // "é", two bytes
         spec.set_display_name(name);
       },
       grpc::StatusCode::INVALID_ARGUMENT, {"spec.display_name: 201 characters"}},
      {"OneClassName", header + good, [](v1::DatasetSpec& spec) { spec.mutable_class_names()->RemoveLast(); },
       grpc::StatusCode::INVALID_ARGUMENT, {"spec.class_names"}},
      {"LineCountsQuotedNewlines", header + "r1,\"two\nlines\",1,red,a,a,0.5,0.5\nr2,t,oops,red,a,a,0.5,0.5\n",
       NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"line 4", "\"oops\""}},
      {"ValueCutToSaneLength", header + good + "r2,t," + std::string(5000, '9') + "x,red,a,a,0.5,0.5\n",
       NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"line 3", "...\" is not a finite number"}},
      {"BadFailureInLaterChunk", [] {
         std::string csv = kHeader;
         for (int i = 0; i < 70000; ++i) {
           csv += "r" + std::to_string(i) + ",\"free money " + std::to_string(i % 97) + "\",1,red,a,a,0.5,0.5\n";
         }
         return csv + "last,t,1,red,a,a,0.5,0.6\n";
       }(),
       NoChange, grpc::StatusCode::INVALID_ARGUMENT, {"line 70002", "sum to"}},
  };
}

class BadInputTest : public ::testing::TestWithParam<BadInputCase> {
 protected:
  static void SetUpTestSuite() { server_ = new TestDatasetServer("bad_inputs"); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestDatasetServer* server_;
};
TestDatasetServer* BadInputTest::server_ = nullptr;

TEST_P(BadInputTest, RejectedAndNothingStored) {
  const BadInputCase& test_case = GetParam();
  v1::DatasetSpec spec = SmallSpec();
  test_case.change_spec(spec);

  v1::UploadDatasetResponse response;
  grpc::Status status = UploadCsv(server_->stub(), spec, test_case.csv, 1000, &response);
  EXPECT_EQ(status.error_code(), test_case.code) << status.error_message();
  for (const std::string& part : test_case.message_parts) {
    EXPECT_THAT(status.error_message(), HasSubstr(part));
  }
  EXPECT_EQ(server_->StoredRowCount(), 0);
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInputTest, ::testing::ValuesIn(BadInputCases()),
                         [](const ::testing::TestParamInfo<BadInputCase>& info) {
                           return info.param.name;
                         });

// The good rows of the table's files upload fine, so each case fails for
// its own reason.
TEST(BadInputBaselineTest, GoodFileUploads) {
  TestDatasetServer server("bad_input_baseline");
  v1::UploadDatasetResponse response;
  grpc::Status status = UploadCsv(server.stub(), SmallSpec(),
                                  std::string(kHeader) + kGoodRow + "r2,t,,,b,b,0.5,0.5", 3, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.dataset().row_count(), 2);
}

// The display-name limit counts characters: 200 two-byte characters pass.
TEST(DisplayNameTest, TwoHundredNonAsciiCharactersUpload) {
  TestDatasetServer server("display_name");
  v1::DatasetSpec spec = SmallSpec();
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\xC3\xA9";
  spec.set_display_name(name);
  v1::UploadDatasetResponse response;
  grpc::Status status = UploadCsv(server.stub(), spec, std::string(kHeader) + kGoodRow, 64, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.dataset().spec().display_name(), name);
}

TEST(UploadLimitTest, OverSizeLimitIsResourceExhausted) {
  TestDatasetServer server("upload_limit", /*max_upload_bytes=*/100000);
  v1::UploadDatasetResponse response;
  grpc::Status status = UploadCsv(server.stub(), SpamAssassinSpec(),
                                  ReadFile("examples/spamassassin/validation.csv"), 8192, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("100000 bytes"));
  EXPECT_EQ(server.StoredRowCount(), 0);
}

// Waits until no other session of the test database is inside a
// transaction, so that the server has finished with a cancelled upload.
void WaitForIdleDatabase(const std::string& url) {
  pqxx::connection connection(url);
  for (int attempt = 0; attempt < 300; ++attempt) {
    pqxx::nontransaction query(connection);
    const int64_t busy =
        query
            .exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')")[0]
            .as<int64_t>();
    if (busy == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST(CancelTest, CancelledUploadLeavesNothing) {
  TestDatasetServer server("cancelled_upload");
  const std::string csv = ReadFile("examples/spamassassin/training.csv");

  grpc::ClientContext context;
  v1::UploadDatasetResponse response;
  auto writer = server.stub().UploadDataset(&context, &response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = SpamAssassinSpec();
  ASSERT_TRUE(writer->Write(request));
  // More than one chunk's worth of rows is sent, so chunks were written
  // inside the transaction before the cancel.
  for (size_t offset = 0; offset < csv.size() * 3 / 4; offset += 65536) {
    request.set_csv_chunk(csv.substr(offset, 65536));
    ASSERT_TRUE(writer->Write(request));
  }
  context.TryCancel();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);

  WaitForIdleDatabase(server.database_url());
  EXPECT_EQ(server.StoredRowCount(), 0);
}

TEST(MixedPayloadTest, CsvAndRowBatchTogetherRejected) {
  TestDatasetServer server("mixed_payload");
  grpc::ClientContext context;
  v1::UploadDatasetResponse response;
  auto writer = server.stub().UploadDataset(&context, &response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = SmallSpec();
  writer->Write(request);
  request.set_csv_chunk(std::string(kHeader) + kGoodRow);
  writer->Write(request);
  request.mutable_row_batch();
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("not both"));
  EXPECT_EQ(server.StoredRowCount(), 0);
}

}  // namespace
}  // namespace goalpost::datasets
