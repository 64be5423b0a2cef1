// Integration tests of goalpost-explain: real datasets, inference and
// explain processes over loopback gRPC with a private PostgreSQL.
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/testing/postgres_server.h"
#include "common/testing/service_process.h"
#include "goalpost/datasets/v1/datasets.grpc.pb.h"
#include "goalpost/explain/v1/explain.grpc.pb.h"
#include "goalpost/inference/v1/inference.grpc.pb.h"
#include "services/explain/lime/tabular_explainer.h"
#include "services/explain/lime/text_explainer.h"
#include "services/explain/testing/credit_example.h"
#include "services/explain/testing/example_models.h"

namespace goalpost::explain {
namespace {

using goalpost::testing::BinaryPath;
using goalpost::testing::PickFreePort;
using goalpost::testing::ServiceProcess;

constexpr char kProject[] = "projects/explain-test";
// A misclassified spam row of lime_reference.json.
constexpr char kSpamRow[] = "spam-2/00834";

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

// The cluster is shared by the tests: starting it and uploading the example
// data takes a while.
class ExplainServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string url = goalpost::testing::SharedPostgresServer().url();
    datasets_port_ = PickFreePort();
    inference_port_ = PickFreePort();
    explain_port_ = PickFreePort();

    auto datasets = ServiceProcess::Start(BinaryPath("goalpost-datasets"), {"--database_url=" + url},
                                          datasets_port_);
    ASSERT_TRUE(datasets.ok()) << datasets.status();
    datasets_ = datasets->release();
    ASSERT_TRUE(StartInference().ok());
    auto explain = ServiceProcess::Start(
        BinaryPath("goalpost-explain"),
        {"--datasets_address=" + Loopback(datasets_port_),
         "--inference_address=" + Loopback(inference_port_)},
        explain_port_);
    ASSERT_TRUE(explain.ok()) << explain.status();
    explain_ = explain->release();

    spam_dataset_ = Upload(SpamSpec(), "examples/spamassassin/validation.csv");
    credit_training_ = Upload(CreditSpec(datasets::v1::DATASET_ROLE_TRAINING), "examples/credit/training.csv");
    credit_validation_ = Upload(CreditSpec(datasets::v1::DATASET_ROLE_VALIDATION), "examples/credit/validation.csv");
    spam_model_ = Register(SpamModelSpec(), "examples/spamassassin/spam_tfidf_logreg.json");
    credit_model_ = Register(CreditModelSpec(), "examples/credit/credit_xgb.json");
  }

  static void TearDownTestSuite() {
    delete explain_;
    delete inference_;
    delete datasets_;
  }

  static absl::Status StartInference() {
    auto inference = ServiceProcess::Start(
        BinaryPath("goalpost-inference"),
        {"--database_url=" + goalpost::testing::SharedPostgresServer().url(),
         "--datasets_address=" + Loopback(datasets_port_)},
        inference_port_);
    if (!inference.ok()) return inference.status();
    inference_ = inference->release();
    return absl::OkStatus();
  }

  static datasets::v1::DatasetSpec SpamSpec() {
    datasets::v1::DatasetSpec spec;
    spec.set_project(kProject);
    spec.set_role(datasets::v1::DATASET_ROLE_VALIDATION);
    spec.set_id_column("id");
    spec.add_text_columns("text");
    spec.add_categorical_columns("group");
    spec.set_label_column("label");
    spec.set_prediction_column("prediction");
    spec.add_probability_columns("prob_ham");
    spec.add_probability_columns("prob_spam");
    spec.add_class_names("ham");
    spec.add_class_names("spam");
    return spec;
  }

  static datasets::v1::DatasetSpec CreditSpec(datasets::v1::DatasetRole role) {
    datasets::v1::DatasetSpec spec;
    spec.set_project(kProject);
    spec.set_role(role);
    spec.set_id_column("id");
    for (const char* name : {"Seniority", "Time", "Age", "Expenses", "Income", "Assets", "Debt", "Amount", "Price"}) {
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

  static inference::v1::ModelSpec SpamModelSpec() {
    inference::v1::ModelSpec spec;
    spec.set_project(kProject);
    spec.set_model_id("spam");
    spec.set_kind(inference::v1::MODEL_KIND_TFIDF_LOGISTIC_REGRESSION);
    spec.add_class_names("ham");
    spec.add_class_names("spam");
    spec.set_text_column("text");
    return spec;
  }

  static inference::v1::ModelSpec CreditModelSpec() {
    inference::v1::ModelSpec spec;
    spec.set_project(kProject);
    spec.set_model_id("credit");
    spec.set_kind(inference::v1::MODEL_KIND_XGBOOST);
    spec.add_class_names("bad");
    spec.add_class_names("good");
    const std::vector<std::pair<std::string, std::vector<std::string>>> features = {
        {"Seniority", {}}, {"Home", {"ignore", "other", "owner", "parents", "priv", "rent"}},
        {"Time", {}}, {"Age", {}}, {"Marital", {"divorced", "married", "separated", "single", "widow"}},
        {"Records", {"no", "yes"}}, {"Job", {"fixed", "freelance", "others", "partime"}},
        {"Expenses", {}}, {"Income", {}}, {"Assets", {}}, {"Debt", {}}, {"Amount", {}}, {"Price", {}}};
    for (const auto& [name, categories] : features) {
      inference::v1::Feature* feature = spec.add_features();
      feature->set_name(name);
      feature->set_type(categories.empty() ? inference::v1::FEATURE_TYPE_NUMERIC
                                           : inference::v1::FEATURE_TYPE_CATEGORICAL);
      for (const std::string& category : categories) feature->add_categories(category);
    }
    return spec;
  }

  static std::string Upload(const datasets::v1::DatasetSpec& spec, const std::string& path) {
    auto stub = datasets::v1::DatasetService::NewStub(Channel(datasets_port_));
    grpc::ClientContext context;
    datasets::v1::UploadDatasetResponse response;
    auto writer = stub->UploadDataset(&context, &response);
    datasets::v1::UploadDatasetRequest request;
    *request.mutable_spec() = spec;
    writer->Write(request);
    const std::string content = ReadFile(path);
    for (size_t offset = 0; offset < content.size(); offset += 1 << 20) {
      datasets::v1::UploadDatasetRequest chunk;
      chunk.set_csv_chunk(content.substr(offset, 1 << 20));
      writer->Write(chunk);
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << path << ": " << status.error_message();
    return response.dataset().name();
  }

  static std::string Register(const inference::v1::ModelSpec& spec, const std::string& path) {
    auto stub = inference::v1::InferenceService::NewStub(Channel(inference_port_));
    grpc::ClientContext context;
    inference::v1::RegisterModelResponse response;
    auto writer = stub->RegisterModel(&context, &response);
    inference::v1::RegisterModelRequest request;
    *request.mutable_spec() = spec;
    writer->Write(request);
    const std::string artifact = ReadFile(path);
    for (size_t offset = 0; offset < artifact.size(); offset += 1 << 20) {
      inference::v1::RegisterModelRequest chunk;
      chunk.set_artifact_chunk(artifact.substr(offset, 1 << 20));
      writer->Write(chunk);
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << path << ": " << status.error_message();
    return response.model().name();
  }

  static std::shared_ptr<grpc::Channel> Channel(int port) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    arguments.SetMaxSendMessageSize(64 << 20);
    return grpc::CreateCustomChannel(Loopback(port), grpc::InsecureChannelCredentials(), arguments);
  }

  static grpc::Status ExplainRow(const v1::ExplainRowRequest& request, v1::ExplainRowResponse* response) {
    auto stub = v1::ExplainService::NewStub(Channel(explain_port_));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    return stub->ExplainRow(&context, request, response);
  }

  static v1::ExplainRowRequest SpamRequest(const std::string& row_id) {
    v1::ExplainRowRequest request;
    request.set_model(spam_model_);
    request.set_dataset(spam_dataset_);
    request.set_row_id(row_id);
    return request;
  }

  static int datasets_port_;
  static int inference_port_;
  static int explain_port_;
  static ServiceProcess* datasets_;
  static ServiceProcess* inference_;
  static ServiceProcess* explain_;
  static std::string spam_dataset_;
  static std::string credit_training_;
  static std::string credit_validation_;
  static std::string spam_model_;
  static std::string credit_model_;
};

int ExplainServiceTest::datasets_port_ = 0;
int ExplainServiceTest::inference_port_ = 0;
int ExplainServiceTest::explain_port_ = 0;
ServiceProcess* ExplainServiceTest::datasets_ = nullptr;
ServiceProcess* ExplainServiceTest::inference_ = nullptr;
ServiceProcess* ExplainServiceTest::explain_ = nullptr;
std::string ExplainServiceTest::spam_dataset_;
std::string ExplainServiceTest::credit_training_;
std::string ExplainServiceTest::credit_validation_;
std::string ExplainServiceTest::spam_model_;
std::string ExplainServiceTest::credit_model_;

// The service explains with the same library, model and seed as an
// in-process call, so the explanation is the same bit for bit.
TEST_F(ExplainServiceTest, TextRowMatchesInProcessExplanation) {
  v1::ExplainRowRequest request = SpamRequest(kSpamRow);
  request.mutable_options()->set_seed(3);
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto model = testing::LoadSpamModel();
  ASSERT_TRUE(model.ok()) << model.status();
  std::string text;
  {
    std::ifstream file("examples/spamassassin/validation.csv");
    std::stringstream content;
    content << file.rdbuf();
    const std::string all = content.str();
    const size_t start = all.find(absl::StrCat("\"", kSpamRow, "\",\"")) + std::strlen(kSpamRow) + 4;
    for (size_t i = start; i < all.size(); ++i) {
      if (all[i] == '"' && all[i + 1] == '"') {
        text += '"';
        ++i;
      } else if (all[i] == '"') {
        break;
      } else {
        text += all[i];
      }
    }
  }
  LimeOptions options;
  options.seed = 3;
  absl::StatusOr<LimeExplanation> expected = ExplainText(text, testing::TextClassifierOf(**model), options);
  ASSERT_TRUE(expected.ok()) << expected.status();

  const v1::Explanation& explanation = response.explanation();
  EXPECT_EQ(explanation.row_id(), kSpamRow);
  EXPECT_EQ(explanation.class_name(), "ham");
  EXPECT_EQ(explanation.num_samples(), 5000);
  EXPECT_EQ(explanation.num_features(), 10);
  EXPECT_EQ(explanation.seed(), 3u);
  ASSERT_EQ(explanation.features_size(), static_cast<int>(expected->features.size()));
  for (int i = 0; i < explanation.features_size(); ++i) {
    EXPECT_EQ(explanation.features(i).feature(), expected->features[i].feature);
    EXPECT_EQ(explanation.features(i).weight(), expected->features[i].weight);
  }
  EXPECT_EQ(explanation.intercept(), expected->intercept);
  EXPECT_EQ(explanation.score(), expected->score);
  EXPECT_EQ(explanation.local_prediction(), expected->local_prediction);
  EXPECT_NEAR(explanation.model_probability(), 0.5571211489150057, 1e-12);
}

TEST_F(ExplainServiceTest, RequestedClassIsExplained) {
  v1::ExplainRowRequest request = SpamRequest(kSpamRow);
  request.mutable_options()->set_class_name("spam");
  request.mutable_options()->set_num_samples(500);
  request.mutable_options()->set_num_features(4);
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  EXPECT_EQ(response.explanation().class_name(), "spam");
  EXPECT_EQ(response.explanation().features_size(), 4);
  EXPECT_NEAR(response.explanation().model_probability(), 1 - 0.5571211489150057, 1e-12);
}

TEST_F(ExplainServiceTest, TextInRequestIsExplained) {
  v1::ExplainRowRequest request;
  request.set_model(spam_model_);
  request.set_text("Free money! Click here to claim your free prize now");
  request.mutable_options()->set_num_samples(300);
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Ten distinct words ("Free" and "free" differ), all kept by num_features 10.
  EXPECT_EQ(response.explanation().features_size(), 10);
}

TEST_F(ExplainServiceTest, TabularRowRanksConditions) {
  v1::ExplainRowRequest request;
  request.set_model(credit_model_);
  request.set_dataset(credit_validation_);
  request.set_training_dataset(credit_training_);
  request.set_row_id("credit-0001");
  v1::ExplainRowResponse first;
  grpc::Status status = ExplainRow(request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::ExplainRowResponse second;
  status = ExplainRow(request, &second);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const v1::Explanation& explanation = first.explanation();
  ASSERT_EQ(explanation.features_size(), 10);
  for (int i = 1; i < explanation.features_size(); ++i) {
    EXPECT_GE(std::abs(explanation.features(i - 1).weight()), std::abs(explanation.features(i).weight()));
  }
  bool found_home = false;
  for (const auto& feature : explanation.features()) {
    if (feature.feature() == "Home=rent") {
      found_home = true;
      EXPECT_EQ(feature.value(), "rent");
    }
  }
  // Home is categorical; when ranked, it reads "Home=rent" for this row.
  if (!found_home) {
    for (const auto& feature : explanation.features()) EXPECT_EQ(feature.feature().find("Home"), std::string::npos);
  }
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
}

// The datasets service's quartiles follow numpy.percentile, so the service
// discretises, samples and fits as an in-process explainer built from the
// CSV files does.
TEST_F(ExplainServiceTest, TabularRowMatchesInProcessExplanation) {
  absl::StatusOr<testing::CreditExample> example = testing::LoadCreditExample();
  ASSERT_TRUE(example.ok()) << example.status();
  auto model = testing::LoadCreditModel(example->features);
  ASSERT_TRUE(model.ok()) << model.status();
  absl::StatusOr<TabularExplainer> explainer = TabularExplainer::Create(example->features, example->training);
  ASSERT_TRUE(explainer.ok()) << explainer.status();
  LimeOptions options;
  options.seed = 5;
  absl::StatusOr<LimeExplanation> expected =
      explainer->Explain(example->ValidationRow(0), testing::TabularClassifierOf(**model), options);
  ASSERT_TRUE(expected.ok()) << expected.status();

  v1::ExplainRowRequest request;
  request.set_model(credit_model_);
  request.set_dataset(credit_validation_);
  request.set_training_dataset(credit_training_);
  request.set_row_id(example->validation_ids[0]);
  request.mutable_options()->set_seed(5);
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const v1::Explanation& explanation = response.explanation();
  ASSERT_EQ(explanation.features_size(), static_cast<int>(expected->features.size()));
  for (int i = 0; i < explanation.features_size(); ++i) {
    EXPECT_EQ(explanation.features(i).feature(), expected->features[i].feature);
    EXPECT_EQ(explanation.features(i).value(), expected->features[i].value);
    EXPECT_NEAR(explanation.features(i).weight(), expected->features[i].weight, 1e-9);
  }
  EXPECT_NEAR(explanation.intercept(), expected->intercept, 1e-9);
  EXPECT_NEAR(explanation.model_probability(), expected->model_probability, 1e-12);
}

TEST_F(ExplainServiceTest, ExplainRowsReportsUnknownRowAndGoesOn) {
  auto stub = v1::ExplainService::NewStub(Channel(explain_port_));
  grpc::ClientContext context;
  v1::ExplainRowsRequest request;
  request.set_model(spam_model_);
  request.set_dataset(spam_dataset_);
  for (const char* id : {"spam-2/00834", "no-such-row", "easy-ham-1/01183", "spam-2/00583"}) {
    request.add_row_ids(id);
  }
  request.mutable_options()->set_num_samples(1000);
  auto reader = stub->ExplainRows(&context, request);

  std::map<std::string, v1::ExplainRowsResponse> responses;
  v1::ExplainRowsResponse response;
  while (reader->Read(&response)) responses[response.row_id()] = response;
  const grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();

  ASSERT_EQ(responses.size(), 4u);
  EXPECT_NE(responses["no-such-row"].error().find("no-such-row"), std::string::npos);
  EXPECT_FALSE(responses["no-such-row"].has_explanation());
  for (const char* id : {"spam-2/00834", "easy-ham-1/01183", "spam-2/00583"}) {
    EXPECT_TRUE(responses[id].error().empty()) << responses[id].error();
    EXPECT_EQ(responses[id].explanation().features_size(), 10) << id;
  }
}

TEST_F(ExplainServiceTest, ShellModelIsFailedPrecondition) {
  v1::ExplainRowRequest request = SpamRequest(kSpamRow);
  request.clear_model();
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("need a full model"), std::string::npos);
}

struct InvalidCase {
  std::string name;
  std::function<void(v1::ExplainRowRequest&)> change;
  std::string named_value;
};

TEST_F(ExplainServiceTest, InvalidRequestsNameTheValue) {
  const std::vector<InvalidCase> cases = {
      {"unknown row", [](auto& r) { r.set_row_id("spam-9/99999"); }, "spam-9/99999"},
      {"unknown class", [](auto& r) { r.mutable_options()->set_class_name("eggs"); }, "eggs"},
      {"too few samples", [](auto& r) { r.mutable_options()->set_num_samples(99); }, "99"},
      {"too many samples", [](auto& r) { r.mutable_options()->set_num_samples(100001); }, "100001"},
      {"negative features", [](auto& r) { r.mutable_options()->set_num_features(-1); }, "num_features"},
      {"empty text", [](auto& r) { r.set_row_id(""); r.set_text(""); }, "row_id"},
      {"text without words", [](auto& r) { r.set_text("?!"); }, "no words"},
  };
  for (const InvalidCase& invalid : cases) {
    SCOPED_TRACE(invalid.name);
    v1::ExplainRowRequest request = SpamRequest(kSpamRow);
    invalid.change(request);
    v1::ExplainRowResponse response;
    const grpc::Status status = ExplainRow(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find(invalid.named_value), std::string::npos) << status.error_message();
  }
}

TEST_F(ExplainServiceTest, TabularModelNeedsTrainingDataset) {
  v1::ExplainRowRequest request;
  request.set_model(credit_model_);
  request.set_dataset(credit_validation_);
  request.set_row_id("credit-0001");
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("training_dataset"), std::string::npos);
}

TEST_F(ExplainServiceTest, UnknownModelIsNotFound) {
  v1::ExplainRowRequest request = SpamRequest(kSpamRow);
  request.set_model(absl::StrCat(kProject, "/models/missing"));
  v1::ExplainRowResponse response;
  const grpc::Status status = ExplainRow(request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

// Runs last in this file: it stops and restarts the inference service.
TEST_F(ExplainServiceTest, ZInferenceDownIsUnavailableUntilBack) {
  v1::ExplainRowRequest request = SpamRequest(kSpamRow);
  request.mutable_options()->set_num_samples(200);
  inference_->Stop();
  delete inference_;
  inference_ = nullptr;

  v1::ExplainRowResponse response;
  grpc::Status status = ExplainRow(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find("inference service"), std::string::npos);

  ASSERT_TRUE(StartInference().ok());
  // The explain service reconnects with at most one second of back-off.
  for (int attempt = 0; attempt < 20; ++attempt) {
    status = ExplainRow(request, &response);
    if (status.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.explanation().features_size(), 10);
}

}  // namespace
}  // namespace goalpost::explain
