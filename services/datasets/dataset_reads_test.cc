// GetDataset, ListDatasets, DeleteDataset, GetRows, ReadColumns ranges, row
// batches, prediction sets and checksums, against a real PostgreSQL and a
// real gRPC server on 127.0.0.1.
#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "services/datasets/dataset_test_support.h"

namespace goalpost::datasets {
namespace {

using ::goalpost::datasets::testing::CommandOutputLines;
using ::goalpost::datasets::testing::ReadFile;
using ::goalpost::datasets::testing::SpamAssassinSpec;
using ::goalpost::datasets::testing::TestDatasetServer;
using ::goalpost::datasets::testing::UploadCsv;
using ::testing::HasSubstr;

v1::DatasetSpec CreditSpec() {
  v1::DatasetSpec spec;
  spec.set_project("projects/credit");
  spec.set_role(v1::DATASET_ROLE_VALIDATION);
  spec.set_id_column("id");
  for (const char* name : {"Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt",
                           "Amount", "Price"}) {
    spec.add_numeric_columns(name);
  }
  for (const char* name : {"Home", "Marital", "Records", "Job"}) spec.add_categorical_columns(name);
  spec.set_label_column("label");
  spec.set_prediction_column("prediction");
  spec.add_probability_columns("prob_bad");
  spec.add_probability_columns("prob_good");
  spec.add_class_names("bad");
  spec.add_class_names("good");
  return spec;
}

std::vector<v1::ReadColumnsResponse> Read(v1::DatasetService::Stub& stub,
                                          const v1::ReadColumnsRequest& request,
                                          grpc::Status* status) {
  grpc::ClientContext context;
  auto reader = stub.ReadColumns(&context, request);
  std::vector<v1::ReadColumnsResponse> chunks;
  v1::ReadColumnsResponse chunk;
  while (reader->Read(&chunk)) chunks.push_back(chunk);
  *status = reader->Finish();
  return chunks;
}

class DatasetReadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestDatasetServer("dataset_reads");
    v1::UploadDatasetResponse response;
    grpc::Status status = UploadCsv(server_->stub(), CreditSpec(),
                                    ReadFile("examples/credit/validation.csv"), 4096, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    credit_ = new v1::Dataset(response.dataset());
  }
  static void TearDownTestSuite() {
    delete credit_;
    delete server_;
  }

  static TestDatasetServer* server_;
  static v1::Dataset* credit_;
};
TestDatasetServer* DatasetReadsTest::server_ = nullptr;
v1::Dataset* DatasetReadsTest::credit_ = nullptr;

// Numeric statistics equal numpy's on the same file.
TEST_F(DatasetReadsTest, NumericStatisticsMatchNumpy) {
  v1::GetDatasetRequest request;
  request.set_name(credit_->name());
  v1::GetDatasetResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_->stub().GetDataset(&context, request, &response).ok());

  const std::vector<std::string> lines = CommandOutputLines(
      "/usr/bin/python3 services/datasets/testdata/column_statistics.py "
      "examples/credit/validation.csv Income Assets Debt Age");
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json expected = nlohmann::json::parse(lines[0]);
  for (const v1::Column& column : response.dataset().columns()) {
    if (!expected.contains(column.name())) continue;
    SCOPED_TRACE(column.name());
    const nlohmann::json& want = expected[column.name()];
    const v1::NumericStatistics& numeric = column.statistics().numeric();
    EXPECT_EQ(column.statistics().missing_count(), want["missing"].get<int64_t>());
    EXPECT_EQ(numeric.count(), want["count"].get<int64_t>());
    EXPECT_DOUBLE_EQ(numeric.min(), want["min"].get<double>());
    EXPECT_DOUBLE_EQ(numeric.max(), want["max"].get<double>());
    EXPECT_NEAR(numeric.mean(), want["mean"].get<double>(), 1e-9 * std::fabs(numeric.mean()));
    EXPECT_NEAR(numeric.standard_deviation(), want["standard_deviation"].get<double>(),
                1e-9 * numeric.standard_deviation());
    EXPECT_DOUBLE_EQ(numeric.quartile_1(), want["quartile_1"].get<double>());
    EXPECT_DOUBLE_EQ(numeric.median(), want["median"].get<double>());
    EXPECT_DOUBLE_EQ(numeric.quartile_3(), want["quartile_3"].get<double>());
  }
}

TEST_F(DatasetReadsTest, CategoricalAndClassStatistics) {
  // 376 bad and 960 good rows; the model predicts 273 bad.
  ASSERT_EQ(credit_->label_distribution_size(), 2);
  EXPECT_EQ(credit_->label_distribution(0), 376);
  EXPECT_EQ(credit_->label_distribution(1), 960);
  EXPECT_EQ(credit_->prediction_distribution(0), 191 + 82);

  v1::GetDatasetRequest request;
  request.set_name(credit_->name());
  v1::GetDatasetResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(server_->stub().GetDataset(&context, request, &response).ok());
  for (const v1::Column& column : response.dataset().columns()) {
    if (column.name() != "Home") continue;
    EXPECT_EQ(column.role(), v1::COLUMN_ROLE_CATEGORICAL_FEATURE);
    EXPECT_EQ(column.type(), v1::COLUMN_TYPE_STRING);
    int64_t counted = column.statistics().missing_count();
    for (const v1::ValueCount& value : column.statistics().top_values()) counted += value.count();
    EXPECT_EQ(counted, 1336);
    EXPECT_EQ(column.statistics().distinct_count(), column.statistics().top_values_size());
  }
}

TEST_F(DatasetReadsTest, ReadColumnsProjectionAndRowRange) {
  v1::ReadColumnsRequest request;
  request.set_name(credit_->name());
  request.add_columns("prob_good");
  request.add_columns("label");
  request.set_row_offset(100);
  request.set_row_limit(5);
  grpc::Status status;
  std::vector<v1::ReadColumnsResponse> chunks = Read(server_->stub(), request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].row_offset(), 100);
  EXPECT_EQ(chunks[0].row_count(), 5);
  ASSERT_EQ(chunks[0].columns_size(), 2);
  EXPECT_EQ(chunks[0].columns(0).name(), "prob_good");
  EXPECT_EQ(chunks[0].columns(0).doubles_size(), 5);
  EXPECT_EQ(chunks[0].columns(1).class_indices_size(), 5);

  // "probability[<class>]" and "prediction" name the dataset's own columns.
  request.clear_columns();
  request.add_columns("probability[good]");
  std::vector<v1::ReadColumnsResponse> alias = Read(server_->stub(), request, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(alias.size(), 1u);
  EXPECT_EQ(alias[0].columns(0).doubles(0), chunks[0].columns(0).doubles(0));
}

TEST_F(DatasetReadsTest, ReadColumnsUnknownColumnRejected) {
  v1::ReadColumnsRequest request;
  request.set_name(credit_->name());
  request.add_columns("no_such_column");
  grpc::Status status;
  Read(server_->stub(), request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("no_such_column"));
}

TEST_F(DatasetReadsTest, MissingNumericIsNan) {
  v1::ReadColumnsRequest request;
  request.set_name(credit_->name());
  request.add_columns("Income");
  grpc::Status status;
  int64_t missing = 0;
  for (const v1::ReadColumnsResponse& chunk : Read(server_->stub(), request, &status)) {
    for (double value : chunk.columns(0).doubles()) missing += std::isnan(value) ? 1 : 0;
  }
  ASSERT_TRUE(status.ok());
  for (const v1::Column& column : credit_->columns()) {
    if (column.name() == "Income") {
      EXPECT_EQ(missing, column.statistics().missing_count());
    }
  }
  EXPECT_GT(missing, 0);
}

TEST_F(DatasetReadsTest, GetRowsByIdAndIndex) {
  v1::GetRowsRequest request;
  request.set_name(credit_->name());
  request.add_row_ids("credit-0001");
  request.add_row_indices(0);
  v1::GetRowsResponse response;
  grpc::ClientContext context;
  grpc::Status status = server_->stub().GetRows(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.rows_size(), 2);
  EXPECT_EQ(response.rows(0).row_id(), "credit-0001");
  EXPECT_EQ(response.rows(0).row_index(), 0);
  EXPECT_EQ(response.rows(1).row_index(), 0);
  ASSERT_EQ(response.rows(0).cells_size(), credit_->columns_size());
  for (const v1::Cell& cell : response.rows(0).cells()) {
    if (cell.column() == "label") {
      EXPECT_EQ(cell.class_name(), "good");
    }
    if (cell.column() == "Home") {
      EXPECT_EQ(cell.string_value(), "rent");
    }
    if (cell.column() == "Price") {
      EXPECT_EQ(cell.double_value(), 846);
    }
  }
}

TEST_F(DatasetReadsTest, GetRowsUnknownIdNotFound) {
  v1::GetRowsRequest request;
  request.set_name(credit_->name());
  request.add_row_ids("credit-none");
  v1::GetRowsResponse response;
  grpc::ClientContext context;
  grpc::Status status = server_->stub().GetRows(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("credit-none"));
}

TEST_F(DatasetReadsTest, GetRowsIndexOutOfRangeRejected) {
  v1::GetRowsRequest request;
  request.set_name(credit_->name());
  request.add_row_indices(credit_->row_count());
  v1::GetRowsResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(server_->stub().GetRows(&context, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DatasetReadsTest, UnknownDatasetNotFound) {
  v1::GetDatasetRequest request;
  request.set_name("projects/credit/datasets/0000000000000000");
  v1::GetDatasetResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(server_->stub().GetDataset(&context, request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DatasetReadsTest, MalformedNameRejected) {
  v1::GetDatasetRequest request;
  request.set_name("datasets/x");
  v1::GetDatasetResponse response;
  grpc::ClientContext context;
  grpc::Status status = server_->stub().GetDataset(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("projects/{project}/datasets/{dataset}"));
}

// Predictions stored by a model read back under "prediction" and
// "probability[<class>]" and replace the dataset's own in GetRows.
TEST_F(DatasetReadsTest, PredictionSetRoundTrip) {
  grpc::ClientContext context;
  v1::UploadPredictionSetResponse response;
  auto writer = server_->stub().UploadPredictionSet(&context, &response);
  v1::UploadPredictionSetRequest request;
  request.mutable_header()->set_dataset(credit_->name());
  request.mutable_header()->set_model("projects/credit/models/m1");
  request.mutable_header()->add_class_names("bad");
  request.mutable_header()->add_class_names("good");
  ASSERT_TRUE(writer->Write(request));
  for (int64_t row = 0; row < credit_->row_count();) {
    request.Clear();
    for (int i = 0; i < 500 && row < credit_->row_count(); ++i, ++row) {
      const double good = static_cast<double>(row % 100) / 100.0;
      request.mutable_batch()->add_probabilities(1 - good);
      request.mutable_batch()->add_probabilities(good);
      request.mutable_batch()->add_predicted_class(good > 0.5 ? 1 : 0);
    }
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::PredictionSet& prediction_set = response.prediction_set();
  EXPECT_EQ(prediction_set.row_count(), credit_->row_count());
  EXPECT_THAT(prediction_set.name(), HasSubstr(credit_->name() + "/predictionSets/"));

  v1::ReadColumnsRequest read;
  read.set_name(credit_->name());
  read.set_prediction_set(prediction_set.name());
  read.add_columns("label");
  read.add_columns("prediction");
  read.add_columns("probability[good]");
  std::vector<v1::ReadColumnsResponse> chunks = Read(server_->stub(), read, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(chunks.size(), 1u);
  for (int row = 0; row < chunks[0].row_count(); ++row) {
    const double good = static_cast<double>(row % 100) / 100.0;
    ASSERT_EQ(chunks[0].columns(2).doubles(row), good);
    ASSERT_EQ(chunks[0].columns(1).class_indices(row), good > 0.5 ? 1 : 0);
  }

  v1::GetRowsRequest rows;
  rows.set_name(credit_->name());
  rows.set_prediction_set(prediction_set.name());
  rows.add_row_indices(75);
  v1::GetRowsResponse got;
  grpc::ClientContext rows_context;
  ASSERT_TRUE(server_->stub().GetRows(&rows_context, rows, &got).ok());
  bool saw_probability = false;
  for (const v1::Cell& cell : got.rows(0).cells()) {
    if (cell.column() == "probability[good]") {
      EXPECT_EQ(cell.double_value(), 0.75);
      saw_probability = true;
    }
    EXPECT_NE(cell.column(), "prob_good");
  }
  EXPECT_TRUE(saw_probability);

  v1::GetPredictionSetRequest get;
  get.set_name(prediction_set.name());
  v1::GetPredictionSetResponse fetched;
  grpc::ClientContext get_context;
  ASSERT_TRUE(server_->stub().GetPredictionSet(&get_context, get, &fetched).ok());
  EXPECT_EQ(fetched.prediction_set().model(), "projects/credit/models/m1");
  EXPECT_EQ(fetched.prediction_set().class_names_size(), 2);
}

TEST_F(DatasetReadsTest, PredictionSetWithWrongRowCountRejected) {
  grpc::ClientContext context;
  v1::UploadPredictionSetResponse response;
  auto writer = server_->stub().UploadPredictionSet(&context, &response);
  v1::UploadPredictionSetRequest request;
  request.mutable_header()->set_dataset(credit_->name());
  request.mutable_header()->set_model("projects/credit/models/m1");
  request.mutable_header()->add_class_names("bad");
  request.mutable_header()->add_class_names("good");
  writer->Write(request);
  request.Clear();
  request.mutable_batch()->add_probabilities(0.5);
  request.mutable_batch()->add_probabilities(0.5);
  request.mutable_batch()->add_predicted_class(0);
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("1 rows but the dataset has 1336"));
}

TEST_F(DatasetReadsTest, PredictionSetWithOtherClassNamesRejected) {
  grpc::ClientContext context;
  v1::UploadPredictionSetResponse response;
  auto writer = server_->stub().UploadPredictionSet(&context, &response);
  v1::UploadPredictionSetRequest request;
  request.mutable_header()->set_dataset(credit_->name());
  request.mutable_header()->set_model("projects/credit/models/m1");
  request.mutable_header()->add_class_names("good");
  request.mutable_header()->add_class_names("bad");
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("header.class_names"));
}

// A typed row batch upload stores the same values as CSV would.
TEST(RowBatchTest, RowBatchesUploadAndReadBack) {
  TestDatasetServer server("row_batches");
  v1::DatasetSpec spec;
  spec.set_project("projects/batch");
  spec.set_role(v1::DATASET_ROLE_TRAINING);
  spec.add_text_columns("text");
  spec.add_numeric_columns("x");
  spec.set_label_column("label");
  spec.add_class_names("no");
  spec.add_class_names("yes");

  grpc::ClientContext context;
  v1::UploadDatasetResponse response;
  auto writer = server.stub().UploadDataset(&context, &response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = spec;
  writer->Write(request);
  for (int batch = 0; batch < 3; ++batch) {
    request.Clear();
    v1::RowBatch* rows = request.mutable_row_batch();
    v1::ColumnValues* label = rows->add_columns();
    label->set_name("label");
    v1::ColumnValues* text = rows->add_columns();
    text->set_name("text");
    v1::ColumnValues* x = rows->add_columns();
    x->set_name("x");
    for (int i = 0; i < 1000; ++i) {
      label->mutable_class_indices()->add_values(i % 2);
      text->mutable_strings()->add_values(i % 2 ? "Free money" : "hello");
      x->mutable_doubles()->add_values(i == 0 ? std::nan("") : i);
    }
    writer->Write(request);
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.dataset().row_count(), 3000);
  // Columns are stored in the order of the first batch.
  ASSERT_EQ(response.dataset().columns_size(), 3);
  EXPECT_EQ(response.dataset().columns(0).name(), "label");
  EXPECT_EQ(response.dataset().columns(2).statistics().missing_count(), 3);
  EXPECT_EQ(response.dataset().label_distribution(1), 1500);
}

TEST(RowBatchTest, BatchWithMissingColumnRejected) {
  TestDatasetServer server("row_batch_missing");
  v1::DatasetSpec spec;
  spec.set_project("projects/batch");
  spec.set_role(v1::DATASET_ROLE_TRAINING);
  spec.add_numeric_columns("x");
  spec.set_label_column("label");
  spec.add_class_names("no");
  spec.add_class_names("yes");

  grpc::ClientContext context;
  v1::UploadDatasetResponse response;
  auto writer = server.stub().UploadDataset(&context, &response);
  v1::UploadDatasetRequest request;
  *request.mutable_spec() = spec;
  writer->Write(request);
  request.Clear();
  v1::ColumnValues* label = request.mutable_row_batch()->add_columns();
  label->set_name("label");
  label->mutable_class_indices()->add_values(7);
  writer->Write(request);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("\"x\""));
  EXPECT_EQ(server.StoredRowCount(), 0);
}

TEST(ListDeleteTest, ListPagesAndDeleteRemovesEverything) {
  TestDatasetServer server("list_delete");
  const std::string csv = ReadFile("examples/spamassassin/validation.csv");
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    v1::DatasetSpec spec = SpamAssassinSpec();
    spec.set_display_name("copy " + std::to_string(i));
    spec.set_role(i == 0 ? v1::DATASET_ROLE_TRAINING : v1::DATASET_ROLE_VALIDATION);
    v1::UploadDatasetResponse response;
    ASSERT_TRUE(UploadCsv(server.stub(), spec, csv, 1 << 20, &response).ok());
    names.push_back(response.dataset().name());
  }

  v1::ListDatasetsRequest list;
  list.set_project("projects/test");
  list.set_page_size(2);
  v1::ListDatasetsResponse page;
  grpc::ClientContext first_context;
  ASSERT_TRUE(server.stub().ListDatasets(&first_context, list, &page).ok());
  EXPECT_EQ(page.datasets_size(), 2);
  EXPECT_FALSE(page.next_page_token().empty());
  EXPECT_FALSE(page.datasets(0).columns(0).has_statistics());
  list.set_page_token(page.next_page_token());
  grpc::ClientContext second_context;
  ASSERT_TRUE(server.stub().ListDatasets(&second_context, list, &page).ok());
  EXPECT_EQ(page.datasets_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());

  list.clear_page_token();
  list.set_role(v1::DATASET_ROLE_TRAINING);
  grpc::ClientContext role_context;
  ASSERT_TRUE(server.stub().ListDatasets(&role_context, list, &page).ok());
  ASSERT_EQ(page.datasets_size(), 1);
  EXPECT_EQ(page.datasets(0).name(), names[0]);

  for (const std::string& name : names) {
    v1::DeleteDatasetRequest request;
    request.set_name(name);
    v1::DeleteDatasetResponse response;
    grpc::ClientContext context;
    ASSERT_TRUE(server.stub().DeleteDataset(&context, request, &response).ok());
  }
  EXPECT_EQ(server.StoredRowCount(), 0);

  v1::DeleteDatasetRequest again;
  again.set_name(names[0]);
  v1::DeleteDatasetResponse response;
  grpc::ClientContext context;
  EXPECT_EQ(server.stub().DeleteDataset(&context, again, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// A chunk whose bytes changed in the database fails its checksum.
TEST(ChecksumTest, CorruptChunkIsDataLoss) {
  TestDatasetServer server("checksum");
  v1::UploadDatasetResponse uploaded;
  ASSERT_TRUE(UploadCsv(server.stub(), SpamAssassinSpec(),
                        ReadFile("examples/spamassassin/validation.csv"), 1 << 20, &uploaded)
                  .ok());
  {
    pqxx::connection connection(server.database_url());
    pqxx::work work(connection);
    work.exec("UPDATE datasets.chunks SET data = set_byte(data, 20, get_byte(data, 20) # 1) "
              "WHERE column_index = 5");
    work.commit();
  }

  v1::ReadColumnsRequest request;
  request.set_name(uploaded.dataset().name());
  request.add_columns("prob_ham");
  grpc::Status status;
  Read(server.stub(), request, &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(status.error_message(), HasSubstr("checksum"));
}

}  // namespace
}  // namespace goalpost::datasets
