// PredictDataset end to end: goalpost-datasets and goalpost-inference as
// processes on loopback over a real PostgreSQL.
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/inference/test_python.h"

namespace goalpost::inference {
namespace {

namespace datasets = goalpost::datasets::v1;
using goalpost::testing::BinaryPath;
using goalpost::testing::PickFreePort;
using goalpost::testing::ServiceProcess;
using nlohmann::json;

class PredictDatasetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto url = goalpost::testing::SharedPostgresServer().CreateDatabase("inference_predict_dataset");
    ASSERT_TRUE(url.ok()) << url.status();
    const int datasets_port = PickFreePort();
    auto datasets_process = ServiceProcess::Start(BinaryPath("goalpost-datasets"),
                                                  {"--database_url=" + *url}, datasets_port);
    ASSERT_TRUE(datasets_process.ok()) << datasets_process.status();
    datasets_process_ = datasets_process->release();
    const int inference_port = PickFreePort();
    auto inference_process = ServiceProcess::Start(
        BinaryPath("goalpost-inference"),
        {"--database_url=" + *url, "--datasets_address=" + datasets_process_->address()},
        inference_port);
    ASSERT_TRUE(inference_process.ok()) << inference_process.status();
    inference_process_ = inference_process->release();

    datasets_ = datasets::DatasetService::NewStub(MakeChannel(datasets_process_->address())).release();
    inference_ = v1::InferenceService::NewStub(MakeChannel(inference_process_->address())).release();
    spam_dataset_ = Upload(SpamDatasetSpec(), "examples/spamassassin/validation.csv");
    credit_dataset_ = Upload(CreditDatasetSpec(), "examples/credit/validation.csv");
  }

  static void TearDownTestSuite() {
    delete inference_;
    delete datasets_;
    delete inference_process_;
    delete datasets_process_;
  }

  static datasets::DatasetSpec SpamDatasetSpec() {
    datasets::DatasetSpec spec;
    spec.set_project("projects/test");
    spec.set_role(datasets::DATASET_ROLE_VALIDATION);
    spec.set_id_column("id");
    spec.add_text_columns("text");
    spec.set_label_column("label");
    spec.set_prediction_column("prediction");
    spec.add_probability_columns("prob_ham");
    spec.add_probability_columns("prob_spam");
    spec.add_metadata_columns("group");
    spec.add_class_names("ham");
    spec.add_class_names("spam");
    return spec;
  }

  static datasets::DatasetSpec CreditDatasetSpec() {
    datasets::DatasetSpec spec;
    spec.set_project("projects/test");
    spec.set_role(datasets::DATASET_ROLE_VALIDATION);
    spec.set_id_column("id");
    for (const char* name : {"Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt",
                             "Amount", "Price"}) {
      spec.add_numeric_columns(name);
    }
    for (const char* name : {"Home", "Marital", "Records", "Job"}) {
      spec.add_categorical_columns(name);
    }
    spec.set_label_column("label");
    spec.set_prediction_column("prediction");
    spec.add_probability_columns("prob_bad");
    spec.add_probability_columns("prob_good");
    spec.add_class_names("bad");
    spec.add_class_names("good");
    return spec;
  }

  // Uploads a CSV file in 1 MiB chunks and returns the dataset's name.
  static std::string Upload(const datasets::DatasetSpec& spec, const std::string& path) {
    const std::string csv = testing::ReadFile(path).value_or("");
    grpc::ClientContext context;
    datasets::UploadDatasetResponse response;
    auto writer = datasets_->UploadDataset(&context, &response);
    datasets::UploadDatasetRequest message;
    *message.mutable_spec() = spec;
    writer->Write(message);
    for (size_t at = 0; at < csv.size(); at += 1 << 20) {
      message.set_csv_chunk(csv.substr(at, 1 << 20));
      writer->Write(message);
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.dataset().name();
  }

  static v1::ModelSpec SpamModelSpec(const std::string& model_id) {
    v1::ModelSpec spec;
    spec.set_project("projects/test");
    spec.set_model_id(model_id);
    spec.set_kind(v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION);
    spec.add_class_names("ham");
    spec.add_class_names("spam");
    spec.set_text_column("text");
    return spec;
  }

  static v1::ModelSpec CreditModelSpec(const std::string& model_id) {
    json description =
        json::parse(testing::ReadFile("examples/credit/credit_xgb_features.json").value_or("{}"));
    v1::ModelSpec spec;
    spec.set_project("projects/test");
    spec.set_model_id(model_id);
    spec.set_kind(v1::MODEL_KIND_XGBOOST);
    spec.add_class_names("bad");
    spec.add_class_names("good");
    for (const json& feature : description["features"]) {
      v1::Feature* added = spec.add_features();
      added->set_name(feature["name"].get<std::string>());
      const bool categorical = feature["type"] == "categorical";
      added->set_type(categorical ? v1::FEATURE_TYPE_CATEGORICAL : v1::FEATURE_TYPE_NUMERIC);
      if (categorical) {
        for (const json& level : feature["categories"]) added->add_categories(level);
      }
    }
    return spec;
  }

  static grpc::Status Register(const v1::ModelSpec& spec, const std::string& path) {
    const std::string artifact = testing::ReadFile(path).value_or("");
    grpc::ClientContext context;
    v1::RegisterModelResponse response;
    auto writer = inference_->RegisterModel(&context, &response);
    v1::RegisterModelRequest message;
    *message.mutable_spec() = spec;
    writer->Write(message);
    message.set_artifact_chunk(artifact);
    writer->Write(message);
    writer->WritesDone();
    return writer->Finish();
  }

  static grpc::Status PredictDataset(const std::string& model, const std::string& dataset,
                                     v1::PredictDatasetResponse* response) {
    grpc::ClientContext context;
    v1::PredictDatasetRequest request;
    request.set_model(model);
    request.set_dataset(dataset);
    return inference_->PredictDataset(&context, request, response);
  }

  // Returns the max difference between the prediction set's probability of
  // `class_name` and the dataset's own column `reference_column`. It also
  // checks that each stored prediction is the arg-max of its probabilities.
  static double MaxDifference(const std::string& dataset, const std::string& prediction_set,
                              const std::string& class_name, const std::string& other_class,
                              const std::string& reference_column, int class_index) {
    grpc::ClientContext context;
    datasets::ReadColumnsRequest request;
    request.set_name(dataset);
    request.set_prediction_set(prediction_set);
    request.add_columns("probability[" + class_name + "]");
    request.add_columns("probability[" + other_class + "]");
    request.add_columns(reference_column);
    request.add_columns("prediction");
    auto reader = datasets_->ReadColumns(&context, request);
    datasets::ReadColumnsResponse chunk;
    double max_difference = 0.0;
    int64_t rows = 0;
    while (reader->Read(&chunk)) {
      for (int row = 0; row < chunk.row_count(); ++row) {
        const double predicted = chunk.columns(0).doubles(row);
        const double other = chunk.columns(1).doubles(row);
        max_difference =
            std::max(max_difference, std::abs(predicted - chunk.columns(2).doubles(row)));
        const int expected_class = predicted > other ? class_index : 1 - class_index;
        EXPECT_EQ(chunk.columns(3).class_indices(row), expected_class) << "row " << rows + row;
      }
      rows += chunk.row_count();
    }
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_GT(rows, 0);
    return max_difference;
  }

  static ServiceProcess* datasets_process_;
  static ServiceProcess* inference_process_;
  static datasets::DatasetService::Stub* datasets_;
  static v1::InferenceService::Stub* inference_;
  static std::string spam_dataset_;
  static std::string credit_dataset_;
};

ServiceProcess* PredictDatasetTest::datasets_process_ = nullptr;
ServiceProcess* PredictDatasetTest::inference_process_ = nullptr;
datasets::DatasetService::Stub* PredictDatasetTest::datasets_ = nullptr;
v1::InferenceService::Stub* PredictDatasetTest::inference_ = nullptr;
std::string PredictDatasetTest::spam_dataset_;
std::string PredictDatasetTest::credit_dataset_;

TEST_F(PredictDatasetTest, TextModelPredictionSetMatchesScikitLearn) {
  ASSERT_TRUE(Register(SpamModelSpec("spam"), "examples/spamassassin/spam_tfidf_logreg.json").ok());
  v1::PredictDatasetResponse response;
  grpc::Status status = PredictDataset("projects/test/models/spam", spam_dataset_, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.created());
  EXPECT_EQ(response.row_count(), 1814);
  // The dataset's prob_spam column is scikit-learn's predict_proba.
  EXPECT_LE(MaxDifference(spam_dataset_, response.prediction_set(), "spam", "ham", "prob_spam", 1),
            1e-12);

  v1::PredictDatasetResponse again;
  ASSERT_TRUE(PredictDataset("projects/test/models/spam", spam_dataset_, &again).ok());
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.prediction_set(), response.prediction_set());
  EXPECT_EQ(again.row_count(), 1814);
}

TEST_F(PredictDatasetTest, ConcurrentFirstRequestsShareOnePredictionSet) {
  ASSERT_TRUE(
      Register(SpamModelSpec("spam-concurrent"), "examples/spamassassin/spam_tfidf_logreg.json")
          .ok());
  constexpr int kRequests = 4;
  std::vector<v1::PredictDatasetResponse> responses(kRequests);
  std::vector<grpc::Status> statuses(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = PredictDataset("projects/test/models/spam-concurrent", spam_dataset_,
                                   &responses[i]);
    });
  }
  for (std::thread& thread : threads) thread.join();

  int created = 0;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(responses[i].prediction_set(), responses[0].prediction_set());
    EXPECT_EQ(responses[i].row_count(), 1814);
    if (responses[i].created()) ++created;
  }
  EXPECT_EQ(created, 1);
}

TEST_F(PredictDatasetTest, XgboostPredictionSetMatchesPythonXgboost) {
  ASSERT_TRUE(Register(CreditModelSpec("credit"), "examples/credit/credit_xgb.json").ok());
  v1::PredictDatasetResponse response;
  grpc::Status status = PredictDataset("projects/test/models/credit", credit_dataset_, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.row_count(), 1336);
  // The dataset's prob_good column is python3-xgboost's output.
  EXPECT_LE(
      MaxDifference(credit_dataset_, response.prediction_set(), "good", "bad", "prob_good", 1),
      1e-6);
}

TEST_F(PredictDatasetTest, MissingColumnIsNamed) {
  v1::ModelSpec spec = SpamModelSpec("spam-body");
  spec.set_text_column("body");
  ASSERT_TRUE(Register(spec, "examples/spamassassin/spam_tfidf_logreg.json").ok());
  v1::PredictDatasetResponse response;
  grpc::Status status = PredictDataset("projects/test/models/spam-body", spam_dataset_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("no column 'body'"), std::string::npos)
      << status.error_message();
}

TEST_F(PredictDatasetTest, DifferentClassesAreFailedPrecondition) {
  ASSERT_TRUE(Register(CreditModelSpec("credit-on-spam"), "examples/credit/credit_xgb.json").ok());
  v1::PredictDatasetResponse response;
  grpc::Status status =
      PredictDataset("projects/test/models/credit-on-spam", spam_dataset_, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("classes"), std::string::npos);
}

TEST_F(PredictDatasetTest, UnknownDatasetIsNotFound) {
  ASSERT_TRUE(Register(SpamModelSpec("spam-unknown"), "examples/spamassassin/spam_tfidf_logreg.json").ok());
  v1::PredictDatasetResponse response;
  grpc::Status status = PredictDataset("projects/test/models/spam-unknown",
                                       "projects/test/datasets/does-not-exist", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

}  // namespace
}  // namespace goalpost::inference
